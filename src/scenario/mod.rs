//! Scenario files (SPEC §5): TOML parsed into raw structs ([`raw`]), then validated once into the
//! checked [`Scenario`] that the model trusts. Every error names the file, the line, the field,
//! the value and what is allowed.

pub mod raw;
pub mod vary;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use toml::Spanned;

use crate::dist::Dist;
use crate::kb::{self, Kind, KnowledgeBase, LAST_YEAR, Status, is_illustrative};
use raw::{ActorMap, FreeTable, RawConsequence, RawFile, RawIntervention};

/// Largest accepted `years`, participants list, costs list, result period length (sanity limits).
pub const MAX_YEARS: i64 = 100;
/// Calendar years accepted anywhere in a scenario.
pub const YEAR_RANGE: (i64, i64) = (1900, 2300);

/// An error in a scenario file.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid: names the line and the field.
    #[error("{path}:{line}: {field}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The field path, e.g. `intervention[1] "cti".success_rate`.
        field: String,
        /// What is wrong, the value and what is allowed.
        message: String,
    },
}

/// The success rate as the user gave it (SPEC §3.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum SuccessRateInput {
    /// A rate s directly.
    Rate {
        /// s in [0, 1].
        rate: f64,
    },
    /// Gross rate g minus the counterfactual rate q (would have succeeded anyway).
    GrossCounterfactual {
        /// g in [0, 1].
        gross: f64,
        /// q in [0, g].
        counterfactual: f64,
    },
    /// Cohen's d and a baseline rate p0: s = Φ(Φ⁻¹(p0) + d) − p0.
    EffectSize {
        /// Standardised effect size d.
        effect_size: f64,
        /// Baseline rate p0 in (0, 1).
        baseline: f64,
    },
}

impl SuccessRateInput {
    /// The success rate s this input resolves to.
    pub fn resolve(&self) -> f64 {
        match *self {
            SuccessRateInput::Rate { rate } => rate,
            SuccessRateInput::GrossCounterfactual {
                gross,
                counterfactual,
            } => gross - counterfactual,
            SuccessRateInput::EffectSize {
                effect_size,
                baseline,
            } => {
                use statrs::distribution::{ContinuousCDF, Normal};
                let n = Normal::standard();
                n.cdf(n.inverse_cdf(baseline) + effect_size) - baseline
            }
        }
    }
}

/// Where an item of an intervention comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOrigin {
    /// Taken from the knowledge base as it is.
    Knowledge,
    /// A knowledge-base item with values or prices changed by the scenario.
    Overridden,
    /// A user-defined item (brugerdefineret ydelse).
    Own,
}

/// One consequence item of an intervention, resolved and in the scenario's price year.
#[derive(Debug, Clone, Serialize)]
pub struct ItemSpec {
    /// Item id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Area (hoveddimension) the item's money is grouped under.
    pub area: String,
    /// Unit of the values.
    pub unit: String,
    /// Expenditure, revenue or transfer.
    pub kind: Kind,
    /// Change per successful participant in consequence years 1..K (K ≤ 20).
    pub values: Vec<f64>,
    /// Status of each of `values`.
    pub status: Vec<Status>,
    /// Fade linearly to zero in year 20 after year K (SPEC §3.3).
    pub fade: bool,
    /// Units per participant (all, not only successful) while the course runs, element j in
    /// year S + c + j, j < L.
    pub during: Vec<f64>,
    /// Kroner per unit for each scenario actor, in the scenario's price year.
    pub prices: Vec<f64>,
    /// Where the item comes from.
    pub origin: ItemOrigin,
    /// Drawn independently of the same item in other interventions (Monte Carlo).
    pub independent: bool,
    /// Sources of the values and prices.
    pub sources: Vec<String>,
}

/// A logbook entry: a note or source the user attached to an input (the course's logbog).
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// Which input, e.g. `cti.success_rate`.
    pub input: String,
    /// The user's note.
    pub note: Option<String>,
    /// The user's source.
    pub source: Option<String>,
}

/// How consequence or price factors are shared between items in Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorScope {
    /// One factor per item.
    Item,
    /// One factor per area.
    Area,
    /// One factor for all items.
    All,
}

/// An uncertain factor with its scope.
#[derive(Debug, Clone, Serialize)]
pub struct ScopedDist {
    /// The distribution of the factor.
    pub dist: Dist,
    /// Which items share a draw.
    pub per: FactorScope,
}

/// `[intervention.uncertainty]`, validated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Uncertainty {
    /// The success rate itself (draws clamped to [0, 1]).
    pub success_rate: Option<Dist>,
    /// Factor on consequence values.
    pub consequences: Option<ScopedDist>,
    /// Factor on prices.
    pub prices: Option<ScopedDist>,
    /// Factor on costs (not saved costs).
    pub costs: Option<Dist>,
}

/// An item of an intervention that uses illustrative numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Illustrative {
    /// Intervention id.
    pub intervention: String,
    /// Item id.
    pub item: String,
    /// Item name.
    pub name: String,
    /// The consequence values are illustrative.
    pub consequences: bool,
    /// The prices are illustrative.
    pub prices: bool,
}

/// A checked intervention (indsats).
#[derive(Debug, Clone, Serialize)]
pub struct Intervention {
    /// Id, unique in the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Knowledge-base target group, if any.
    pub target_group: Option<String>,
    /// Knowledge-base success goal, if a target group is set.
    pub success_goal: Option<String>,
    /// First year of operation S.
    pub start_year: i32,
    /// Years of operation N (≥ 1).
    pub years: usize,
    /// Duration of one course D in years (> 0).
    pub course_years: f64,
    /// Starters per year, length N.
    pub participants: Vec<f64>,
    /// Success rate s in [0, 1].
    pub success_rate: f64,
    /// The success rate as given.
    pub success_rate_input: SuccessRateInput,
    /// Result period [from, to], inclusive.
    pub result_period: (i32, i32),
    /// Costs per actor (scenario actor order), element j in year S + j, price-year kroner.
    pub costs: Vec<Vec<f64>>,
    /// Saved costs per actor, same shape.
    pub saved_costs: Vec<Vec<f64>>,
    /// Consequence items.
    pub items: Vec<ItemSpec>,
    /// Uncertain inputs for Monte Carlo.
    pub uncertainty: Uncertainty,
    /// Drawn independently of other interventions.
    pub independent: bool,
}

impl Scenario {
    /// The items of intervention `iv` whose numbers are illustrative.
    pub fn illustrative_of(&self, iv: &str) -> Vec<Illustrative> {
        self.illustrative
            .iter()
            .filter(|l| l.intervention == iv)
            .cloned()
            .collect()
    }

    /// The ids of the items of intervention `iv` whose numbers are illustrative.
    pub fn illustrative_items(&self, iv: &str) -> Vec<String> {
        self.illustrative_of(iv)
            .into_iter()
            .map(|l| l.item)
            .collect()
    }
}

impl Intervention {
    /// Lag L = max(1, ceil(D)) between a cohort's start and its first consequence year.
    pub fn lag(&self) -> usize {
        (self.course_years.ceil() as usize).max(1)
    }
}

/// Settings shared by all interventions of a file (Indstillinger).
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Price year P: price level of all amounts and year PVs are discounted to.
    pub price_year: i32,
    /// Discount rate r.
    pub discount_rate: f64,
    /// Actors in order.
    pub actors: Vec<String>,
    /// Tax rate on transfers per actor.
    pub tax_on_transfers: Vec<f64>,
}

/// A grid declared in the scenario file (`[[grid]]`).
#[derive(Debug, Clone, Serialize)]
pub struct GridDecl {
    /// Name (default `grid N`).
    pub name: String,
    /// The dimensions.
    pub vary: Vec<vary::Dimension>,
}

/// Monte Carlo settings (`[monte_carlo]`).
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloSettings {
    /// Number of draws (default 10,000).
    pub draws: u64,
    /// Seed (default 1).
    pub seed: u64,
    /// Central interval (default 0.90).
    pub interval: f64,
}

/// A checked scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// File it was loaded from.
    pub path: PathBuf,
    /// Title (default: file name without extension).
    pub title: String,
    /// Settings.
    pub settings: Settings,
    /// Interventions in file order.
    pub interventions: Vec<Intervention>,
    /// Monte Carlo settings.
    pub monte_carlo: MonteCarloSettings,
    /// Grids declared in the file.
    pub grids: Vec<GridDecl>,
    /// The logbook: every note and source in the file.
    pub logbook: Vec<LogEntry>,
    /// Every item whose numbers are illustrative (not from the reference material).
    pub illustrative: Vec<Illustrative>,
    /// Warnings (ignored values, extended price index, …).
    pub warnings: Vec<String>,
    /// FNV-1a hash of the file's bytes (hex), for provenance.
    pub hash: String,
}

/// Loads and validates a scenario file against a knowledge base.
pub fn load(path: &Path, kb: &KnowledgeBase) -> Result<Scenario, ScenarioError> {
    if path.is_dir() {
        return Err(ScenarioError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("this is a directory; give a scenario .toml file"),
        });
    }
    let bytes = crate::limits::read_file(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let hash = format!("{:016x}", kb::fnv1a(kb::FNV_START, &bytes));
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(ScenarioError::Invalid {
                path: path.to_path_buf(),
                line,
                field: "file".into(),
                message: not_utf8(bytes, at),
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse(path, text, kb).map(|mut s| {
        s.hash = hash;
        s
    })
}

/// What to say about a scenario file that is not UTF-8, its first bad byte at `at`: UTF-16 and
/// Windows-1252 text (an editor's other encodings) get the fix, anything else is called binary.
fn not_utf8(bytes: &[u8], at: usize) -> String {
    use crate::text::NotText;
    const SAVE: &str = "scenario files must be UTF-8 TOML";
    match crate::text::not_text(bytes) {
        Some(NotText::Utf16) => {
            return format!(
                "the file is UTF-16 text; {SAVE} (in Notepad: Save as → Encoding UTF-8)"
            );
        }
        Some(NotText::Workbook | NotText::Binary) => {
            return format!("the file is not text (is it a binary file?); {SAVE}");
        }
        None => {}
    }
    let start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .map_or(bytes.len(), |i| at + i);
    let line: String = bytes[start..end]
        .iter()
        .map(|b| crate::text::cp1252_char(*b))
        .take(80)
        .collect();
    format!(
        "the file looks like Windows-1252 text (\"{}\"), not UTF-8; {SAVE} (in Notepad: Save \
         as → Encoding UTF-8)",
        line.trim()
    )
}

/// Parses and validates scenario text (the path is used in messages only).
pub fn parse(path: &Path, text: &str, kb: &KnowledgeBase) -> Result<Scenario, ScenarioError> {
    let v = Validator {
        path: path.to_path_buf(),
        text,
    };
    if text.trim().is_empty() {
        return Err(v.err(
            1,
            "file",
            "the file is empty; a scenario needs at least one [[intervention]] (try `soem new --target-group hjemloese`)",
        ));
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| v.toml_error(&e))?;
    v.file(raw, kb)
}

struct Validator<'a> {
    path: PathBuf,
    text: &'a str,
}

type R<T> = Result<T, ScenarioError>;

/// Builds the field path for a message from a field name.
type FieldName<'a> = &'a dyn Fn(&str) -> String;

fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else {
        // 12 significant digits: 1.4 / 100 shows as 0.014, not 0.013999999999999999
        let r: f64 = format!("{x:.11e}").parse().unwrap_or(x);
        format!("{r}")
    }
}

impl Validator<'_> {
    fn line_of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn err(
        &self,
        line: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.clone(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    fn at<T>(
        &self,
        s: &Spanned<T>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        self.err(self.line_of(&s.span()), field, message)
    }

    fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let line = e.span().map(|s| self.line_of(&s)).unwrap_or(1);
        let msg = e.message().trim().to_string();
        // "unknown field `sucess_rate`, expected one of `id`, `name`, …"
        if let Some(rest) = msg.strip_prefix("unknown field `")
            && let Some((name, tail)) = rest.split_once('`')
        {
            let known: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let hint = crate::text::suggest(name, known.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            return self.err(
                line,
                name.to_string(),
                format!("unknown field{hint} (allowed here: {})", known.join(", ")),
            );
        }
        let msg = msg
            .replace("invalid type: integer", "wrong type: a whole number")
            .replace(
                "invalid type: floating point",
                "wrong type: a decimal number",
            )
            .replace("invalid type: string", "wrong type: a text")
            .replace("invalid type: sequence", "wrong type: a list")
            .replace("invalid type: map", "wrong type: a table")
            .replace("invalid type: boolean", "wrong type: true/false")
            .replace("expected f64", "expected a number")
            .replace("expected i64", "expected a whole number")
            .replace("a sequence", "a list [ … ]")
            .replace("a string", "a text in quotes");
        // serde does not say which key had the wrong type: take it from the offending line
        let key = self
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .and_then(|l| l.split_once('='))
            .map(|(k, _)| k.trim().trim_matches('"').to_string())
            .filter(|k| !k.is_empty() && !k.contains(' '))
            .unwrap_or_else(|| "toml".into());
        self.err(line, key, msg)
    }

    fn year(&self, s: &Spanned<i64>, field: &str) -> R<i32> {
        let y = *s.get_ref();
        if y < YEAR_RANGE.0 || y > YEAR_RANGE.1 {
            return Err(self.at(
                s,
                field,
                format!(
                    "got {y}, expected a calendar year from {} to {}",
                    YEAR_RANGE.0, YEAR_RANGE.1
                ),
            ));
        }
        Ok(y as i32)
    }

    fn finite(&self, s: &Spanned<f64>, field: &str) -> R<f64> {
        let x = *s.get_ref();
        if !x.is_finite() {
            return Err(self.at(
                s,
                field,
                format!("got {}, expected a finite number", fmt_num(x)),
            ));
        }
        Ok(x)
    }

    fn file(&self, raw: RawFile, kb: &KnowledgeBase) -> R<Scenario> {
        let mut logbook = Vec::new();
        log(&mut logbook, "scenario", &raw.note, &raw.source);
        if raw.intervention.is_empty() {
            return Err(self.err(
                1,
                "intervention",
                "the file has no [[intervention]]; add at least one (see `soem new`)",
            ));
        }
        if let Err(e) = crate::limits::INTERVENTIONS.check(raw.intervention.len() as u64) {
            let last = &raw.intervention[raw.intervention.len() - 1];
            return Err(self.at(last, "intervention", e));
        }
        let first_start = self.year(
            &raw.intervention[0].get_ref().start_year,
            "intervention[1].start_year",
        )?;
        let mut warnings = Vec::new();
        let settings = self.settings(raw.settings.as_ref(), first_start, kb, &mut logbook)?;
        let mut interventions = Vec::new();
        let mut ids = HashSet::new();
        let mut illustrative = Vec::new();
        for (n, iv) in raw.intervention.iter().enumerate() {
            let id = iv.get_ref().id.get_ref().clone();
            let i = self.intervention(
                n + 1,
                iv,
                &settings,
                kb,
                &mut logbook,
                &mut warnings,
                &mut illustrative,
            )?;
            if !ids.insert(id.clone()) {
                return Err(self.at(
                    &iv.get_ref().id,
                    format!("intervention[{}].id", n + 1),
                    format!("\"{id}\" is used by an earlier intervention; ids must be unique in the file"),
                ));
            }
            interventions.push(i);
        }
        let monte_carlo = match &raw.monte_carlo {
            None => MonteCarloSettings {
                draws: 10_000,
                seed: 1,
                interval: 0.90,
            },
            Some(mc) => {
                let m = mc.get_ref();
                log(&mut logbook, "monte_carlo", &m.note, &m.source);
                let draws = match &m.draws {
                    None => 10_000,
                    Some(d) if *d.get_ref() >= 1 => {
                        let n = *d.get_ref() as u64;
                        crate::limits::DRAWS
                            .check(n)
                            .map_err(|e| self.at(d, "monte_carlo.draws", e))?;
                        n
                    }
                    Some(d) => {
                        return Err(self.at(
                            d,
                            "monte_carlo.draws",
                            format!("got {}, expected at least 1 draw", d.get_ref()),
                        ));
                    }
                };
                let seed = match &m.seed {
                    None => 1,
                    Some(s) if *s.get_ref() >= 0 => *s.get_ref() as u64,
                    Some(s) => {
                        return Err(self.at(
                            s,
                            "monte_carlo.seed",
                            format!("got {}, expected a whole number ≥ 0", s.get_ref()),
                        ));
                    }
                };
                let interval = match &m.interval {
                    None => 0.90,
                    Some(s) => {
                        let x = *s.get_ref();
                        if !(x > 0.0 && x < 1.0) {
                            return Err(self.at(s, "monte_carlo.interval", format!("got {}, expected a share between 0 and 1 (e.g. 0.90 for a 90 % interval)", fmt_num(x))));
                        }
                        x
                    }
                };
                MonteCarloSettings {
                    draws,
                    seed,
                    interval,
                }
            }
        };
        let mut grids = Vec::new();
        for (n, g) in raw.grid.iter().enumerate() {
            let gr = g.get_ref();
            log(
                &mut logbook,
                &format!("grid[{}]", n + 1),
                &gr.note,
                &gr.source,
            );
            let mut dims = Vec::new();
            for v in gr.vary.get_ref() {
                let d = vary::parse(v.get_ref())
                    .map_err(|m| self.at(v, format!("grid[{}].vary", n + 1), m))?;
                dims.push(d);
            }
            if dims.is_empty() {
                return Err(self.at(
                    &gr.vary,
                    format!("grid[{}].vary", n + 1),
                    "a grid needs at least one dimension, e.g. vary = [\"success_rate=0.05:0.30:0.05\"]",
                ));
            }
            grids.push(GridDecl {
                name: gr.name.clone().unwrap_or_else(|| format!("grid {}", n + 1)),
                vary: dims,
            });
        }
        let title = raw.title.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into())
        });
        Ok(Scenario {
            path: self.path.clone(),
            title,
            settings,
            interventions,
            monte_carlo,
            grids,
            logbook,
            illustrative,
            warnings,
            hash: String::new(),
        })
    }

    fn settings(
        &self,
        raw: Option<&Spanned<raw::RawSettings>>,
        first_start: i32,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
    ) -> R<Settings> {
        let mut actors: Vec<String> = kb::KB_ACTORS.iter().map(|s| s.to_string()).collect();
        let mut price_year = first_start;
        let mut discount_rate = kb.parameters.discount_rate;
        let mut tax_map: BTreeMap<String, f64> = BTreeMap::new();
        if let Some(s) = raw {
            let s = s.get_ref();
            log(logbook, "settings", &s.note, &s.source);
            if let Some(p) = &s.price_year {
                price_year = self.year(p, "settings.price_year")?;
            }
            if let Some(r) = &s.discount_rate {
                let x = self.finite(r, "settings.discount_rate")?;
                if !(-0.5..=1.0).contains(&x) {
                    return Err(self.at(
                        r,
                        "settings.discount_rate",
                        format!("got {x}, expected a rate from -0.5 to 1 (write 0.04 for 4 %)"),
                    ));
                }
                discount_rate = x;
            }
            if let Some(list) = &s.actors {
                if list.get_ref().is_empty() {
                    return Err(self.at(list, "settings.actors", "the list is empty; name at least one actor (default: kommune, region, stat)"));
                }
                actors.clear();
                for a in list.get_ref() {
                    let name = a.get_ref();
                    if !kb::is_slug(name) {
                        return Err(self.at(a, "settings.actors", format!("\"{name}\" is not a valid actor name; use lowercase letters, digits, '-' or '_' (e.g. \"beskaeftigelse\")")));
                    }
                    if name == "total" {
                        return Err(self.at(
                            a,
                            "settings.actors",
                            "\"total\" is reserved for the sum over actors",
                        ));
                    }
                    if actors.contains(name) {
                        return Err(self.at(
                            a,
                            "settings.actors",
                            format!("\"{name}\" is listed twice"),
                        ));
                    }
                    actors.push(name.clone());
                }
            }
            if let Some(t) = &s.tax_on_transfers {
                for (k, v) in t.get_ref() {
                    let field = format!("settings.tax_on_transfers.{k}");
                    if k == "note" || k == "source" {
                        continue;
                    }
                    self.known_actor(k, v, &field, &actors)?;
                    let x = self.number(v, &field)?;
                    if !(0.0..=1.0).contains(&x) {
                        return Err(self.at(
                            v,
                            field,
                            format!(
                                "got {x}, expected a tax rate from 0 to 1 (write 0.264 for 26.4 %)"
                            ),
                        ));
                    }
                    tax_map.insert(k.clone(), x);
                }
                log_map(logbook, "settings.tax_on_transfers", t.get_ref());
            }
        }
        let tax_on_transfers = actors
            .iter()
            .map(|a| {
                tax_map.get(a).copied().unwrap_or_else(|| {
                    kb::KB_ACTORS
                        .iter()
                        .position(|k| k == a)
                        .map(|i| kb.parameters.tax_transfers[i])
                        .unwrap_or(0.0)
                })
            })
            .collect();
        Ok(Settings {
            price_year,
            discount_rate,
            actors,
            tax_on_transfers,
        })
    }

    fn known_actor(
        &self,
        name: &str,
        at: &Spanned<toml::Value>,
        field: &str,
        actors: &[String],
    ) -> R<()> {
        if actors.iter().any(|a| a == name) {
            return Ok(());
        }
        let hint = crate::text::did_you_mean(name, actors.iter().map(|s| s.as_str()));
        Err(self.at(
            at,
            field,
            format!(
                "unknown actor \"{name}\"{hint} (the actors are {}; add more under [settings] actors)",
                actors.join(", ")
            ),
        ))
    }

    fn number(&self, v: &Spanned<toml::Value>, field: &str) -> R<f64> {
        let x = match v.get_ref() {
            toml::Value::Float(f) => *f,
            toml::Value::Integer(i) => *i as f64,
            other => {
                return Err(self.at(
                    v,
                    field,
                    format!("got {}, expected a number", describe(other)),
                ));
            }
        };
        if !x.is_finite() {
            return Err(self.at(
                v,
                field,
                format!("got {}, expected a finite number", fmt_num(x)),
            ));
        }
        Ok(x)
    }

    fn numbers(&self, v: &Spanned<toml::Value>, field: &str) -> R<Vec<f64>> {
        match v.get_ref() {
            toml::Value::Array(a) => {
                if a.len() as i64 > MAX_YEARS {
                    return Err(self.at(
                        v,
                        field,
                        format!("{} amounts; at most {MAX_YEARS} years are allowed", a.len()),
                    ));
                }
                a.iter()
                    .enumerate()
                    .map(|(i, x)| match x {
                        toml::Value::Float(f) if f.is_finite() => Ok(*f),
                        toml::Value::Integer(n) => Ok(*n as f64),
                        other => Err(self.at(
                            v,
                            field,
                            format!(
                                "element {} is {}, expected a finite number",
                                i + 1,
                                describe(other)
                            ),
                        )),
                    })
                    .collect()
            }
            _ => Ok(vec![self.number(v, field)?]),
        }
    }

    /// Costs or saved costs: per actor, a list (element j in year S + j), optionally with a
    /// `price_year`; converted to the scenario's price year.
    fn actor_amounts(
        &self,
        map: Option<&Spanned<ActorMap>>,
        field: &str,
        settings: &Settings,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<String>,
    ) -> R<Vec<Vec<f64>>> {
        let mut out = vec![Vec::new(); settings.actors.len()];
        let Some(map) = map else { return Ok(out) };
        let mut factor = 1.0;
        if let Some(py) = map.get_ref().get("price_year") {
            let y = match py.get_ref() {
                toml::Value::Integer(y) if (YEAR_RANGE.0..=YEAR_RANGE.1).contains(y) => *y as i32,
                other => {
                    return Err(self.at(
                        py,
                        format!("{field}.price_year"),
                        format!("got {}, expected a calendar year", describe(other)),
                    ));
                }
            };
            factor = self.convert(y, settings.price_year, kb, warnings, field);
        }
        for (k, v) in map.get_ref() {
            if matches!(k.as_str(), "note" | "source" | "price_year") {
                continue;
            }
            let f = format!("{field}.{k}");
            self.known_actor(k, v, &f, &settings.actors)?;
            let i = settings.actors.iter().position(|a| a == k).unwrap_or(0);
            out[i] = self
                .numbers(v, &f)?
                .into_iter()
                .map(|x| x * factor)
                .collect();
        }
        log_map(logbook, field, map.get_ref());
        Ok(out)
    }

    fn convert(
        &self,
        from: i32,
        to: i32,
        kb: &KnowledgeBase,
        warnings: &mut Vec<String>,
        what: &str,
    ) -> f64 {
        let (f, extended) = kb.price_index.factor(from, to);
        if extended {
            let w = format!(
                "{what}: the price index ({}–{}) was extended with its last known annual change to convert {from} prices to {to}",
                kb.price_index.first_year,
                kb.price_index.last_year()
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        f
    }

    #[allow(clippy::too_many_arguments)]
    fn intervention(
        &self,
        n: usize,
        iv: &Spanned<RawIntervention>,
        settings: &Settings,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<String>,
        illustrative: &mut Vec<Illustrative>,
    ) -> R<Intervention> {
        let r = iv.get_ref();
        let id = r.id.get_ref().clone();
        let f = |name: &str| format!("intervention[{n}] \"{id}\".{name}");
        if id.trim().is_empty() || id.chars().any(char::is_control) {
            return Err(self.at(
                &r.id,
                f("id"),
                "expected a non-empty id without control characters, e.g. \"cti\"",
            ));
        }
        log(logbook, &id, &r.note, &r.source);
        let start_year = self.year(&r.start_year, &f("start_year"))?;
        let years = *r.years.get_ref();
        if !(1..=MAX_YEARS).contains(&years) {
            return Err(self.at(
                &r.years,
                f("years"),
                format!(
                    "got {years}, expected the number of years of operation from 1 to {MAX_YEARS}"
                ),
            ));
        }
        let years = years as usize;
        let course_years = match &r.course_years {
            None => 1.0,
            Some(d) => {
                let x = self.finite(d, &f("course_years"))?;
                if !(x > 0.0 && x <= 50.0) {
                    return Err(self.at(d, f("course_years"), format!("got {x}, expected the length of one course in years, above 0 and at most 50 (e.g. 1.0 or 0.5)")));
                }
                x
            }
        };
        let parts = r.participants.get_ref();
        if parts.len() != years {
            return Err(self.at(
                &r.participants,
                f("participants"),
                format!("{} value(s) given, but years = {years}: give one number of starters per year of operation", parts.len()),
            ));
        }
        let mut participants = Vec::with_capacity(years);
        for p in parts {
            let x = self.finite(p, &f("participants"))?;
            if x < 0.0 {
                return Err(self.at(
                    p,
                    f("participants"),
                    format!("got {x}, expected a number of participants ≥ 0"),
                ));
            }
            participants.push(x);
        }
        let success_rate_input =
            self.success_rate(&r.success_rate, &f("success_rate"), logbook, &id)?;
        let success_rate = success_rate_input.resolve();
        let result_period = match &r.result_period {
            None => (start_year, start_year + 5),
            Some(p) => {
                let v = p.get_ref();
                if v.len() != 2 {
                    return Err(self.at(
                        p,
                        f("result_period"),
                        format!(
                            "got {} value(s), expected [from, to], e.g. [{start_year}, {}]",
                            v.len(),
                            start_year + 9
                        ),
                    ));
                }
                let (a, b) = (v[0], v[1]);
                if a > b || a < YEAR_RANGE.0 || b > YEAR_RANGE.1 || b - a >= 200 {
                    return Err(self.at(p, f("result_period"), format!("got [{a}, {b}], expected [from, to] with from ≤ to, calendar years, at most 200 years")));
                }
                (a as i32, b as i32)
            }
        };
        let costs = self.actor_amounts(
            r.costs.as_ref(),
            &f("costs"),
            settings,
            kb,
            logbook,
            warnings,
        )?;
        let saved_costs = self.actor_amounts(
            r.saved_costs.as_ref(),
            &f("saved_costs"),
            settings,
            kb,
            logbook,
            warnings,
        )?;

        // target group and success goal
        let (target_group, success_goal) =
            match &r.target_group {
                None => {
                    if let Some(g) = &r.success_goal {
                        return Err(self.at(
                            g,
                            f("success_goal"),
                            "a success goal needs a target_group (knowledge-base id)",
                        ));
                    }
                    (None, None)
                }
                Some(g) => {
                    let gid = g.get_ref();
                    if kb.group(gid).is_none() {
                        let hint = crate::text::did_you_mean(gid, kb.group_ids());
                        return Err(self.at(
                            g,
                            f("target_group"),
                            format!(
                                "unknown target group \"{gid}\"{hint} (see `soem knowledge groups`)"
                            ),
                        ));
                    }
                    let goals = kb.goals_of(gid);
                    let goal =
                        match &r.success_goal {
                            None => goals.first().map(|s| s.id.clone()),
                            Some(s) => {
                                if !goals.iter().any(|x| &x.id == s.get_ref()) {
                                    let known: Vec<&str> =
                                        goals.iter().map(|x| x.id.as_str()).collect();
                                    return Err(self.at(s, f("success_goal"), format!(
                                "\"{}\" is not a success goal of \"{gid}\" (its goals: {})",
                                s.get_ref(),
                                if known.is_empty() { "none".to_string() } else { known.join(", ") }
                            )));
                                }
                                Some(s.get_ref().clone())
                            }
                        };
                    (Some(gid.clone()), goal)
                }
            };
        let use_knowledge = match (&r.use_knowledge, &target_group) {
            (Some(u), None) if *u.get_ref() => {
                return Err(self.at(
                    u,
                    f("use_knowledge"),
                    "use_knowledge = true needs a target_group",
                ));
            }
            (Some(u), _) => *u.get_ref(),
            (None, g) => g.is_some(),
        };

        let lag = (course_years.ceil() as usize).max(1);
        let items = self.items(
            &f,
            r,
            settings,
            kb,
            target_group.as_deref(),
            success_goal.as_deref(),
            use_knowledge,
            lag,
            logbook,
            warnings,
            illustrative,
            &id,
        )?;
        if let Err(e) = crate::limits::ITEMS.check(items.len() as u64) {
            return Err(self.at(iv, f("consequence"), e));
        }
        let uncertainty = match &r.uncertainty {
            None => Uncertainty::default(),
            Some(u) => self.uncertainty(u, &f("uncertainty"), logbook, &id)?,
        };
        Ok(Intervention {
            id: id.clone(),
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            target_group,
            success_goal,
            start_year,
            years,
            course_years,
            participants,
            success_rate,
            success_rate_input,
            result_period,
            costs,
            saved_costs,
            items,
            uncertainty,
            independent: r.independent.unwrap_or(false),
        })
    }

    fn success_rate(
        &self,
        v: &Spanned<toml::Value>,
        field: &str,
        logbook: &mut Vec<LogEntry>,
        id: &str,
    ) -> R<SuccessRateInput> {
        let unit = |x: f64, what: &str| -> R<f64> {
            if !(0.0..=1.0).contains(&x) || x.is_nan() {
                let hint = if (1.0..=100.0).contains(&x) {
                    format!(" — write {} for {x} %", fmt_num(x / 100.0))
                } else {
                    String::new()
                };
                return Err(self.at(
                    v,
                    field,
                    format!("{what} must be between 0 and 1, got {}{hint}", fmt_num(x)),
                ));
            }
            Ok(x)
        };
        let num = |x: &toml::Value, key: &str| -> R<f64> {
            match x {
                toml::Value::Float(f) => Ok(*f),
                toml::Value::Integer(i) => Ok(*i as f64),
                other => Err(self.at(
                    v,
                    format!("{field}.{key}"),
                    format!("got {}, expected a number", describe(other)),
                )),
            }
        };
        match v.get_ref() {
            toml::Value::Float(_) | toml::Value::Integer(_) => Ok(SuccessRateInput::Rate {
                rate: unit(num(v.get_ref(), "")?, "the success rate")?,
            }),
            toml::Value::Table(t) => {
                let keys: Vec<&str> = t.keys().map(|k| k.as_str()).collect();
                const ALLOWED: [&str; 7] = ["value", "gross", "counterfactual", "effect_size", "baseline", "note", "source"];
                for k in &keys {
                    if !ALLOWED.contains(k) {
                        let hint = crate::text::suggest(k, ALLOWED).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
                        return Err(self.at(v, format!("{field}.{k}"), format!("unknown field{hint} (a success rate is a number, {{ gross, counterfactual }} or {{ effect_size, baseline }})")));
                    }
                }
                let note = t.get("note").and_then(|x| x.as_str()).map(String::from);
                let source = t.get("source").and_then(|x| x.as_str()).map(String::from);
                log(logbook, &format!("{id}.success_rate"), &note, &source);
                let input = if let Some(x) = t.get("value") {
                    SuccessRateInput::Rate { rate: unit(num(x, "value")?, "the success rate")? }
                } else if let (Some(g), Some(q)) = (t.get("gross"), t.get("counterfactual")) {
                    let gross = unit(num(g, "gross")?, "the gross rate")?;
                    let counterfactual = unit(num(q, "counterfactual")?, "the counterfactual rate")?;
                    if counterfactual > gross {
                        return Err(self.at(v, field, format!("the counterfactual rate {counterfactual} is above the gross rate {gross}: the success rate g − q would be negative")));
                    }
                    SuccessRateInput::GrossCounterfactual { gross, counterfactual }
                } else if let (Some(d), Some(p)) = (t.get("effect_size"), t.get("baseline")) {
                    let effect_size = num(d, "effect_size")?;
                    if !effect_size.is_finite() || effect_size.abs() > 10.0 {
                        return Err(self.at(v, format!("{field}.effect_size"), format!("got {}, expected a Cohen's d between -10 and 10 (typically 0.1–1)", fmt_num(effect_size))));
                    }
                    let baseline = num(p, "baseline")?;
                    if !(baseline > 0.0 && baseline < 1.0) {
                        return Err(self.at(v, format!("{field}.baseline"), format!("got {}, expected a baseline rate strictly between 0 and 1", fmt_num(baseline))));
                    }
                    let s = SuccessRateInput::EffectSize { effect_size, baseline };
                    if s.resolve() < 0.0 {
                        return Err(self.at(v, field, format!("effect size {effect_size} with baseline {baseline} gives a negative success rate {:.4}", s.resolve())));
                    }
                    s
                } else {
                    return Err(self.at(v, field, "expected a number (e.g. 0.14), { gross = 0.30, counterfactual = 0.16 } or { effect_size = 0.3, baseline = 0.2 }"));
                };
                Ok(input)
            }
            other => Err(self.at(v, field, format!("got {}, expected a number (e.g. 0.14), {{ gross, counterfactual }} or {{ effect_size, baseline }}", describe(other)))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn items(
        &self,
        f: &dyn Fn(&str) -> String,
        r: &RawIntervention,
        settings: &Settings,
        kb: &KnowledgeBase,
        group: Option<&str>,
        goal: Option<&str>,
        use_knowledge: bool,
        lag: usize,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<String>,
        illustrative: &mut Vec<Illustrative>,
        id: &str,
    ) -> R<Vec<ItemSpec>> {
        let group_items: Vec<&kb::Consequence> = match (group, goal) {
            (Some(g), Some(s)) => kb.consequences_of(g, s).iter().collect(),
            _ => Vec::new(),
        };
        let mut excluded = HashSet::new();
        for e in r.exclude.iter().flatten() {
            let name = e.get_ref();
            if !group_items.iter().any(|c| &c.item == name) {
                let known: Vec<&str> = group_items.iter().map(|c| c.item.as_str()).collect();
                let hint = crate::text::did_you_mean(name, known.iter().copied());
                return Err(self.at(e, f("exclude"), format!(
                    "\"{name}\" is not a knowledge-base item of this target group{hint} (its items: {})",
                    if known.is_empty() { "none".into() } else { known.join(", ") }
                )));
            }
            excluded.insert(name.clone());
        }
        let mut out: Vec<ItemSpec> = Vec::new();
        // knowledge-base items of the group, in knowledge-base order
        if use_knowledge {
            for c in &group_items {
                if excluded.contains(&c.item) {
                    continue;
                }
                let (Some(g), Some(item)) = (group, kb.item(&c.item)) else {
                    continue;
                };
                let spec = self.kb_item(item, c, g, settings, kb, f, None, warnings)?;
                out.push(spec);
            }
        }
        let mut seen = HashSet::new();
        for (k, rc) in r.consequence.iter().enumerate() {
            let c = rc.get_ref();
            let item_id = c.item.get_ref().clone();
            let field = |name: &str| f(&format!("consequence[{}] \"{item_id}\".{name}", k + 1));
            if !seen.insert(item_id.clone()) {
                return Err(self.at(
                    &c.item,
                    field("item"),
                    format!(
                        "\"{item_id}\" appears twice in this intervention; merge the two blocks"
                    ),
                ));
            }
            if excluded.contains(&item_id) {
                return Err(self.at(&c.item, field("item"), format!("\"{item_id}\" is both excluded and given here; remove it from `exclude` or drop this block")));
            }
            if item_id.trim().is_empty() || item_id.chars().any(char::is_control) {
                return Err(self.at(&c.item, field("item"), "expected a non-empty item id"));
            }
            log(logbook, &format!("{id}.{item_id}"), &c.note, &c.source);
            if let Some(p) = &c.prices {
                log_map(logbook, &format!("{id}.{item_id}.prices"), p.get_ref());
            }
            if c.price_year.is_some() && c.prices.is_none() {
                let py = c
                    .price_year
                    .as_ref()
                    .map(|p| self.line_of(&p.span()))
                    .unwrap_or(1);
                return Err(self.err(py, field("price_year"), "price_year without prices: price_year says which year's prices `prices` are in; add `prices` or remove price_year"));
            }
            let mut spec = match kb.item(&item_id) {
                Some(item) => {
                    if let Some(pos) = out.iter().position(|s| s.id == item_id) {
                        // override of a group item
                        let base = group_items.iter().find(|x| x.item == item_id).copied();
                        let new = match base {
                            Some(b) => self.kb_item(
                                item,
                                b,
                                group.unwrap_or(""),
                                settings,
                                kb,
                                f,
                                Some((c, &field)),
                                warnings,
                            )?,
                            None => unreachable!("items in `out` come from the group"),
                        };
                        out.remove(pos);
                        new
                    } else if let Some(b) = group_items.iter().find(|x| x.item == item_id) {
                        // a group item listed explicitly while use_knowledge = false
                        self.kb_item(
                            item,
                            b,
                            group.unwrap_or(""),
                            settings,
                            kb,
                            f,
                            Some((c, &field)),
                            warnings,
                        )?
                    } else {
                        self.extra_kb_item(item, group, c, settings, kb, &field, warnings)?
                    }
                }
                None => self.own_item(c, settings, kb, &field, warnings)?,
            };
            // during: truncated to the lag
            if let Some(d) = &c.during {
                let field = field("during");
                let mut vals = Vec::new();
                for x in d.get_ref() {
                    vals.push(self.finite(x, &field)?);
                }
                if vals.len() > lag {
                    warnings.push(format!(
                        "{field}: {} values given but a course lasts {lag} year(s); values after year {lag} are ignored",
                        vals.len()
                    ));
                    vals.truncate(lag);
                }
                spec.during = vals;
            }
            out.push(spec);
        }
        for s in &out {
            let consequences = s
                .sources
                .iter()
                .any(|x| x.starts_with("values:") && is_illustrative(x));
            let prices = s
                .sources
                .iter()
                .any(|x| x.starts_with("prices:") && is_illustrative(x));
            if consequences || prices {
                illustrative.push(Illustrative {
                    intervention: id.to_string(),
                    item: s.id.clone(),
                    name: s.name.clone(),
                    consequences,
                    prices,
                });
            }
        }
        Ok(out)
    }

    /// A knowledge-base item of the group, with optional overrides from the scenario.
    #[allow(clippy::too_many_arguments)]
    fn kb_item(
        &self,
        item: &kb::Item,
        c: &kb::Consequence,
        group: &str,
        settings: &Settings,
        kb: &KnowledgeBase,
        f: &dyn Fn(&str) -> String,
        over: Option<(&RawConsequence, FieldName)>,
        warnings: &mut Vec<String>,
    ) -> R<ItemSpec> {
        let mut values: Vec<f64> = c.values.iter().map(|v| v.value).collect();
        let mut status: Vec<Status> = c.values.iter().map(|v| v.status).collect();
        let mut sources = vec![format!(
            "values: {}",
            c.values
                .iter()
                .map(|v| v.source.as_str())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("; ")
        )];
        let mut origin = ItemOrigin::Knowledge;
        let mut fade = true;
        let mut name = item.name.clone();
        let mut independent = false;
        let mut prices = None;
        if let Some((rc, field)) = over {
            self.check_kb_fields(item, rc, field)?;
            if let Some(n) = &rc.name {
                name = n.clone();
            }
            if let Some(v) = &rc.values {
                values = self.values(v, &field("values"), warnings)?;
                status = vec![Status::Estimate; values.len()];
                sources[0] = format!("values: {}", user_source(rc));
                origin = ItemOrigin::Overridden;
            }
            if let Some(fd) = rc.fade {
                fade = fd;
                if !fd {
                    origin = ItemOrigin::Overridden;
                }
            }
            independent = rc.independent.unwrap_or(false);
            if let Some(p) = &rc.prices {
                prices = Some(self.own_prices(
                    p,
                    rc.price_year.as_ref(),
                    settings,
                    kb,
                    &field("prices"),
                    warnings,
                )?);
                sources.push(format!("prices: {}", user_source(rc)));
                origin = ItemOrigin::Overridden;
            }
        }
        let prices = match prices {
            Some(p) => p,
            None => {
                let (p, src) = self.kb_prices(item, Some(group), settings, kb, f, warnings)?;
                sources.push(format!("prices: {src}"));
                p
            }
        };
        Ok(ItemSpec {
            id: item.id.clone(),
            name,
            area: item.area.clone(),
            unit: item.unit.clone(),
            kind: item.kind,
            values,
            status,
            fade,
            during: Vec::new(),
            prices,
            origin,
            independent,
            sources,
        })
    }

    /// A knowledge-base item the group lacks: needs values; prices from the scenario or prices.csv.
    #[allow(clippy::too_many_arguments)]
    fn extra_kb_item(
        &self,
        item: &kb::Item,
        group: Option<&str>,
        rc: &RawConsequence,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &dyn Fn(&str) -> String,
        warnings: &mut Vec<String>,
    ) -> R<ItemSpec> {
        self.check_kb_fields(item, rc, field)?;
        let Some(v) = &rc.values else {
            return Err(self.at(&rc.item, field("values"), format!(
                "\"{}\" is a knowledge-base item without consequences for this target group: give `values` (change per successful participant, years 1..K)",
                item.id
            )));
        };
        let values = self.values(v, &field("values"), warnings)?;
        let mut sources = vec![format!("values: {}", user_source(rc))];
        let prices = match &rc.prices {
            Some(p) => {
                sources.push(format!("prices: {}", user_source(rc)));
                self.own_prices(
                    p,
                    rc.price_year.as_ref(),
                    settings,
                    kb,
                    &field("prices"),
                    warnings,
                )?
            }
            None => {
                if kb.price(group.unwrap_or("*"), &item.id).is_none() {
                    return Err(self.at(&rc.item, field("prices"), format!(
                        "prices.csv has no price for \"{}\" (for this group or \"*\"): give `prices = {{ kommune = …, stat = … }}`",
                        item.id
                    )));
                }
                let (p, src) = self.kb_prices(item, group, settings, kb, field, warnings)?;
                sources.push(format!("prices: {src}"));
                p
            }
        };
        Ok(ItemSpec {
            id: item.id.clone(),
            name: rc.name.clone().unwrap_or_else(|| item.name.clone()),
            area: item.area.clone(),
            unit: item.unit.clone(),
            kind: item.kind,
            status: vec![Status::Estimate; values.len()],
            values,
            fade: rc.fade.unwrap_or(true),
            during: Vec::new(),
            prices,
            origin: ItemOrigin::Overridden,
            independent: rc.independent.unwrap_or(false),
            sources,
        })
    }

    fn check_kb_fields(
        &self,
        item: &kb::Item,
        rc: &RawConsequence,
        field: &dyn Fn(&str) -> String,
    ) -> R<()> {
        let checks: [(&Option<Spanned<String>>, &str, &str); 3] = [
            (&rc.area, "area", &item.area),
            (&rc.unit, "unit", &item.unit),
            (
                &rc.kind,
                "kind",
                match item.kind {
                    Kind::Expenditure => "expenditure",
                    Kind::Revenue => "revenue",
                    Kind::Transfer => "transfer",
                },
            ),
        ];
        for (given, name, kbv) in checks {
            if let Some(g) = given
                && g.get_ref() != kbv
            {
                return Err(self.at(g, field(name), format!(
                        "\"{}\" is a knowledge-base item with {name} \"{kbv}\"; got \"{}\". Remove `{name}`, or give the item another id to define your own",
                        item.id,
                        g.get_ref()
                    )));
            }
        }
        Ok(())
    }

    /// A user-defined item: needs name, area, unit, kind, values and prices.
    fn own_item(
        &self,
        rc: &RawConsequence,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &dyn Fn(&str) -> String,
        warnings: &mut Vec<String>,
    ) -> R<ItemSpec> {
        let id = rc.item.get_ref();
        let missing: Vec<&str> = [
            ("name", rc.name.is_none()),
            ("area", rc.area.is_none()),
            ("unit", rc.unit.is_none()),
            ("kind", rc.kind.is_none()),
            ("values", rc.values.is_none()),
            ("prices", rc.prices.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
        if !missing.is_empty() {
            let hint = crate::text::suggest(id, kb.item_ids())
                .map(|s| format!(" Did you mean the knowledge-base item \"{s}\"?"))
                .unwrap_or_default();
            return Err(self.at(&rc.item, field("item"), format!(
                "\"{id}\" is not a knowledge-base item, so it is your own item and needs {} (missing: {}).{hint}",
                "name, area, unit, kind, values and prices",
                missing.join(", ")
            )));
        }
        let kind_s = rc.kind.as_ref().map(|k| k.get_ref().as_str()).unwrap_or("");
        let Some(kind) = Kind::parse(kind_s) else {
            let k = rc
                .kind
                .as_ref()
                .map(|k| self.line_of(&k.span()))
                .unwrap_or(1);
            return Err(self.err(
                k,
                field("kind"),
                format!("got \"{kind_s}\", expected one of expenditure, revenue, transfer"),
            ));
        };
        let values = self.values(
            rc.values.as_ref().unwrap_or_else(|| unreachable!()),
            &field("values"),
            warnings,
        )?;
        let prices = self.own_prices(
            rc.prices.as_ref().unwrap_or_else(|| unreachable!()),
            rc.price_year.as_ref(),
            settings,
            kb,
            &field("prices"),
            warnings,
        )?;
        let src = user_source(rc);
        Ok(ItemSpec {
            id: id.clone(),
            name: rc.name.clone().unwrap_or_default(),
            area: rc
                .area
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default(),
            unit: rc
                .unit
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default(),
            kind,
            status: vec![Status::Estimate; values.len()],
            values,
            fade: rc.fade.unwrap_or(true),
            during: Vec::new(),
            prices,
            origin: ItemOrigin::Own,
            independent: rc.independent.unwrap_or(false),
            sources: vec![format!("values: {src}"), format!("prices: {src}")],
        })
    }

    fn values(
        &self,
        v: &Spanned<Vec<Spanned<f64>>>,
        field: &str,
        warnings: &mut Vec<String>,
    ) -> R<Vec<f64>> {
        if v.get_ref().is_empty() {
            return Err(self.at(v, field, "the list is empty; give the change per successful participant for years 1..K, e.g. [-2.9, -2.3, -1.7]"));
        }
        let mut out = Vec::new();
        for x in v.get_ref() {
            out.push(self.finite(x, field)?);
        }
        if out.len() > LAST_YEAR {
            warnings.push(format!(
                "{field}: {} values given; values past consequence year {LAST_YEAR} are ignored",
                out.len()
            ));
            out.truncate(LAST_YEAR);
        }
        Ok(out)
    }

    fn own_prices(
        &self,
        p: &Spanned<ActorMap>,
        price_year: Option<&Spanned<i64>>,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &str,
        warnings: &mut Vec<String>,
    ) -> R<Vec<f64>> {
        let factor = match price_year {
            None => 1.0,
            Some(y) => {
                let y = self.year(y, &field.replace(".prices", ".price_year"))?;
                self.convert(y, settings.price_year, kb, warnings, field)
            }
        };
        let mut out = vec![0.0; settings.actors.len()];
        for (k, v) in p.get_ref() {
            if k == "note" || k == "source" {
                continue;
            }
            let fk = format!("{field}.{k}");
            self.known_actor(k, v, &fk, &settings.actors)?;
            let i = settings.actors.iter().position(|a| a == k).unwrap_or(0);
            out[i] = self.number(v, &fk)? * factor;
        }
        Ok(out)
    }

    /// The knowledge-base price of an item, converted to the price year and mapped to the actors.
    fn kb_prices(
        &self,
        item: &kb::Item,
        group: Option<&str>,
        settings: &Settings,
        kb: &KnowledgeBase,
        f: &dyn Fn(&str) -> String,
        warnings: &mut Vec<String>,
    ) -> R<(Vec<f64>, String)> {
        let Some(p) = kb.price(group.unwrap_or("*"), &item.id) else {
            return Err(self.err(
                1,
                f("consequence"),
                format!("the knowledge base has no price for \"{}\"", item.id),
            ));
        };
        let factor = self.convert(
            p.price_year,
            settings.price_year,
            kb,
            warnings,
            "knowledge-base prices",
        );
        let mut out = vec![0.0; settings.actors.len()];
        for (k, a) in kb::KB_ACTORS.iter().enumerate() {
            match settings.actors.iter().position(|x| x == a) {
                Some(i) => out[i] = p.amounts[k] * factor,
                None if p.amounts[k] != 0.0 => {
                    return Err(self.err(1, f("consequence"), format!(
                        "the knowledge-base price of \"{}\" falls partly on \"{a}\" ({} kr.), which is not among the actors [{}]: add \"{a}\" to [settings] actors, or give this item `prices` for your actors",
                        item.id,
                        p.amounts[k],
                        settings.actors.join(", ")
                    )));
                }
                None => {}
            }
        }
        Ok((out, format!("{} (price year {})", p.source, p.price_year)))
    }

    fn uncertainty(
        &self,
        u: &Spanned<raw::RawUncertainty>,
        field: &str,
        logbook: &mut Vec<LogEntry>,
        id: &str,
    ) -> R<Uncertainty> {
        let r = u.get_ref();
        log(logbook, &format!("{id}.uncertainty"), &r.note, &r.source);
        let mut out = Uncertainty::default();
        if let Some(t) = &r.success_rate {
            out.success_rate = Some(self.dist(t, &format!("{field}.success_rate"), &[])?);
            log_map(
                logbook,
                &format!("{id}.uncertainty.success_rate"),
                t.get_ref(),
            );
        }
        if let Some(t) = &r.costs {
            out.costs = Some(self.dist(t, &format!("{field}.costs"), &[])?);
            log_map(logbook, &format!("{id}.uncertainty.costs"), t.get_ref());
        }
        for (slot, t, name) in [
            (&mut out.consequences, &r.consequences, "consequences"),
            (&mut out.prices, &r.prices, "prices"),
        ] {
            if let Some(t) = t {
                let fld = format!("{field}.{name}");
                let dist = self.dist(t, &fld, &["per"])?;
                let per = match t.get_ref().get("per") {
                    None => FactorScope::Item,
                    Some(p) => match p.get_ref().as_str() {
                        Some("item") => FactorScope::Item,
                        Some("area") => FactorScope::Area,
                        Some("all") => FactorScope::All,
                        _ => {
                            return Err(self.at(
                                p,
                                format!("{fld}.per"),
                                format!(
                                    "got {}, expected \"item\", \"area\" or \"all\"",
                                    describe(p.get_ref())
                                ),
                            ));
                        }
                    },
                };
                *slot = Some(ScopedDist { dist, per });
                log_map(logbook, &format!("{id}.uncertainty.{name}"), t.get_ref());
            }
        }
        Ok(out)
    }

    fn dist(&self, t: &Spanned<FreeTable>, field: &str, extra: &[&str]) -> R<Dist> {
        let map = t.get_ref();
        let Some(name) = map.get("dist") else {
            return Err(self.at(
                t,
                field,
                format!(
                    "missing `dist`; expected one of {}",
                    crate::dist::DIST_NAMES.join(", ")
                ),
            ));
        };
        let Some(name_s) = name.get_ref().as_str() else {
            return Err(self.at(
                name,
                format!("{field}.dist"),
                "expected a distribution name in quotes, e.g. \"uniform\"",
            ));
        };
        for (k, v) in map {
            if matches!(k.as_str(), "dist" | "note" | "source" | "per") {
                continue;
            }
            self.number(v, &format!("{field}.{k}"))?;
        }
        let keys: Vec<String> = map.keys().cloned().collect();
        let get = |k: &str| -> Option<f64> {
            map.get(k).and_then(|v| match v.get_ref() {
                toml::Value::Float(f) => Some(*f),
                toml::Value::Integer(i) => Some(*i as f64),
                _ => None,
            })
        };
        Dist::parse(name_s, &get, &keys, extra).map_err(|m| self.at(t, field, m))
    }
}

fn user_source(rc: &RawConsequence) -> String {
    rc.source
        .clone()
        .or_else(|| rc.note.clone())
        .unwrap_or_else(|| "scenario file".into())
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the text \"{s}\""),
        toml::Value::Integer(i) => format!("the whole number {i}"),
        toml::Value::Float(f) => format!("the number {}", fmt_num(*f)),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn log(logbook: &mut Vec<LogEntry>, input: &str, note: &Option<String>, source: &Option<String>) {
    if note.is_some() || source.is_some() {
        logbook.push(LogEntry {
            input: input.to_string(),
            note: note.clone(),
            source: source.clone(),
        });
    }
}

fn log_map(logbook: &mut Vec<LogEntry>, input: &str, map: &BTreeMap<String, Spanned<toml::Value>>) {
    let get = |k: &str| {
        map.get(k)
            .and_then(|v| v.get_ref().as_str())
            .map(String::from)
    };
    log(logbook, input, &get("note"), &get("source"));
}

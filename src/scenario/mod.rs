//! Scenario files (SPEC §5): TOML parsed into raw structs ([`raw`]), then validated once into the
//! checked [`Scenario`] that the model trusts. Every error names the file, the line, the field,
//! the value and what is allowed.

pub mod raw;
mod validate;
pub mod vary;

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::dist::Dist;
use crate::kb::{self, Kind, KnowledgeBase, Status};
use crate::limits::Limits;

/// Largest accepted `years`, participants list, costs list, result period length (sanity limits).
pub const MAX_YEARS: i64 = 100;
/// Calendar years accepted anywhere in a scenario.
pub const YEAR_RANGE: (i64, i64) = (1900, 2300);

/// Something in a scenario file that is used, but not quite as written: the result is computed,
/// and every front end shows the warning, worded in [`crate::present::words::warning`] (JSON
/// carries the English sentence).
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// More `during` values than the course lasts: the ones after the course are ignored.
    DuringTruncated {
        /// The field, e.g. `intervention[1].consequence[2].during`.
        field: String,
        /// Values given.
        given: usize,
        /// Years a course lasts (the lag).
        lag: usize,
    },
    /// More consequence values than the last consequence year: the rest are ignored.
    ValuesTruncated {
        /// The field.
        field: String,
        /// Values given.
        given: usize,
    },
    /// The price index was extended beyond its table to convert prices.
    IndexExtended {
        /// The field whose prices were converted; `None` for the knowledge base's prices.
        what: Option<String>,
        /// The table's first year.
        first: i32,
        /// The table's last year.
        last: i32,
        /// Converted from this price year …
        from: i32,
        /// … to this one.
        to: i32,
    },
    /// Two interventions for the same target group: a portfolio may count the same gains twice.
    SharedTargetGroup {
        /// First intervention.
        a: String,
        /// Second intervention.
        b: String,
        /// The target group.
        group: String,
    },
}

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
    /// The participant's relation these consequences fall on (`boern`, `partner`, …); `None` for
    /// the participant's own. A relation's values are per successful participant: the values per
    /// person times the persons per successful participant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
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
    /// The baseline rate p0 (the share reaching the goal without the intervention) and where it
    /// comes from, when known: `baseline_rate`, or the success rate's own baseline or
    /// counterfactual rate.
    pub baseline: Option<Baseline>,
    /// The knowledge base's effect studies of the target group (Cohen's d).
    pub studies: Vec<StudyRef>,
    /// A share of its participants who also take another intervention of the file.
    pub overlaps: Option<Overlap>,
}

/// A baseline rate p0 and where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baseline {
    /// p0 in (0, 1).
    pub rate: f64,
    /// `baseline_rate`, `effect_size` (the success rate's baseline) or `counterfactual`.
    pub from: &'static str,
}

/// One effect study of an intervention's target group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyRef {
    /// The intervention studied.
    pub intervention: String,
    /// Cohen's d.
    pub effect_size: f64,
    /// Study size.
    pub n: f64,
    /// The study's source (`illustrative` when made up).
    pub source: String,
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
    /// Discount rate r (with a schedule: its first band's rate).
    pub discount_rate: f64,
    /// A named declining schedule instead of the flat rate (`discount_rate = "finansministeriet-2021"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_schedule: Option<&'static crate::model::discount::Schedule>,
    /// Actors in order.
    pub actors: Vec<String>,
    /// Tax rate on transfers per actor.
    pub tax_on_transfers: Vec<f64>,
}

impl Settings {
    /// The discount factor of `year` back to the price year: (1 + r)^−(t − P), or the schedule's.
    pub fn discount_factor(&self, year: i32) -> f64 {
        match self.discount_schedule {
            Some(s) => s.factor(year, self.price_year),
            None => crate::model::discount_factor(self.discount_rate, year, self.price_year),
        }
    }

    /// Sets a flat rate (a driver varying the rate), dropping any schedule.
    pub fn set_flat_rate(&mut self, rate: f64) {
        self.discount_rate = rate;
        self.discount_schedule = None;
    }
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
    /// How the uniforms are drawn (default random).
    pub sampling: Sampling,
    /// `draws = "auto"`: draw until the interval's ends are this precise (then `draws` is the
    /// first round's count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<AutoDraws>,
}

/// Draws until a precision is reached (`[monte_carlo] draws = "auto"`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AutoDraws {
    /// The standard error wanted on the ends of the total's interval (kroner).
    pub precision: f64,
    /// The most draws it may use.
    pub max: u64,
}

impl AutoDraws {
    /// The first round of an automatic run: five whole chunks of 2,048 draws.
    pub const FIRST: u64 = 10_240;
    /// The ceiling unless `max_draws` raises it.
    pub const CEILING: u64 = 10_000_000;
}

/// How a Monte Carlo run draws its uniforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sampling {
    /// Independent uniforms (plain Monte Carlo).
    #[default]
    Random,
    /// Latin hypercube: each input's uniforms stratified within every chunk of 2,048 draws.
    Lhs,
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
    /// Rank correlations between uncertain inputs (`[[correlation]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Correlation>,
    /// The logbook: every note and source in the file.
    pub logbook: Vec<LogEntry>,
    /// Every item whose numbers are illustrative (not from the reference material).
    pub illustrative: Vec<Illustrative>,
    /// Warnings (ignored values, extended price index, …).
    pub warnings: Vec<Warning>,
    /// FNV-1a hash of the file's bytes (hex), for provenance.
    pub hash: String,
    /// The limits the file was checked against and its analyses run within.
    #[serde(skip)]
    pub limits: crate::limits::Limits,
    /// The published calculation this file rebuilds, if it is an erfaringsdatabase case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
}

/// The rank correlations the file asks for: the inputs named (in the order they are first
/// named) and Spearman's ρ between every two (1 on the diagonal, 0 where none is given).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// Input names (`<id>.success_rate`, …, see [`input_name`]).
    pub inputs: Vec<String>,
    /// Rank correlations, `[input][input]`.
    pub rank: Vec<Vec<f64>>,
}

/// The name of an uncertain input of intervention `id` for the user, and its item's or area's
/// name: `<id>.success_rate`, `<id>.costs`, `<id>.<consequences | prices>.<item id | area:<name>>`,
/// `<id>.consequences.all`, and `<id>.prices` for one factor on all prices. `what` is
/// `success_rate`, `costs`, `consequences` or `prices`; `per` and `item` matter for the last two.
pub fn input_name(
    id: &str,
    what: &str,
    per: FactorScope,
    item: Option<&ItemSpec>,
) -> (String, String) {
    match (what, per, item) {
        ("success_rate" | "costs", ..) | (_, _, None) => (format!("{id}.{what}"), String::new()),
        (_, FactorScope::Item, Some(item)) => {
            (format!("{id}.{what}.{}", item.id), item.name.clone())
        }
        (_, FactorScope::Area, Some(item)) => {
            (format!("{id}.{what}.area:{}", item.area), item.area.clone())
        }
        ("prices", FactorScope::All, _) => (format!("{id}.prices"), String::new()),
        (_, FactorScope::All, _) => (format!("{id}.{what}.all"), String::new()),
    }
}

impl Intervention {
    /// The names of its uncertain inputs ([`input_name`]), once each.
    pub fn input_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |n: String| {
            if !out.contains(&n) {
                out.push(n);
            }
        };
        let u = &self.uncertainty;
        if u.success_rate.is_some() {
            add(input_name(&self.id, "success_rate", FactorScope::All, None).0);
        }
        if u.costs.is_some() {
            add(input_name(&self.id, "costs", FactorScope::All, None).0);
        }
        for (what, sd) in [("consequences", &u.consequences), ("prices", &u.prices)] {
            if let Some(sd) = sd {
                for item in &self.items {
                    add(input_name(&self.id, what, sd.per, Some(item)).0);
                }
            }
        }
        out
    }
}

/// A published SØM calculation (Socialstyrelsen's erfaringsdatabase) that a scenario rebuilds:
/// its figures and source, and what in our rebuild is illustrative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The publication.
    pub published: String,
    /// Its address.
    pub url: Option<String>,
    /// The published net result (kroner, total), when the publication gives one.
    pub net: Option<f64>,
    /// Over how many years.
    pub years: Option<i64>,
    /// Per participant.
    pub per_participant: Option<f64>,
    /// The published (net) cost per participant.
    pub cost_per_participant: Option<f64>,
    /// What the file takes from the publication.
    pub from_publication: Option<String>,
    /// What in our rebuild is illustrative.
    pub illustrative: Option<String>,
    /// Why our result may differ.
    pub differences: Option<String>,
}

/// People of one intervention who also take another: `share` of its participants (SPEC-less
/// rule, docs/ANALYSES.md): for them, with independent effects, the chance of reaching the
/// goal through either is 1 − (1 − s₁)(1 − s₂), so a sum counts the later-declared
/// intervention's success on them at s₂(1 − s₁) instead of s₂.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// The other intervention's id.
    pub with: String,
    /// The share of this intervention's participants who also take the other, in [0, 1].
    pub share: f64,
}

/// Loads and validates a scenario file against a knowledge base, within the default limits.
pub fn load(path: &Path, kb: &KnowledgeBase) -> Result<Scenario, ScenarioError> {
    load_with(path, kb, &Limits::default())
}

/// Loads and validates a scenario file within `limits` (which its analyses keep).
pub fn load_with(
    path: &Path,
    kb: &KnowledgeBase,
    limits: &Limits,
) -> Result<Scenario, ScenarioError> {
    if path.is_dir() {
        return Err(ScenarioError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("this is a directory; give a scenario .toml file"),
        });
    }
    let bytes = limits.read_file(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_bytes(path, bytes, kb, limits)
}

/// Validates a scenario file's bytes (read from `path`, or sent by the workbench under that
/// name): UTF-8 checked with a message for other encodings, a byte-order mark ignored, the hash
/// of the bytes kept for provenance.
pub fn from_bytes(
    path: &Path,
    bytes: Vec<u8>,
    kb: &KnowledgeBase,
    limits: &Limits,
) -> Result<Scenario, ScenarioError> {
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
    parse_with(path, text, kb, limits).map(|mut s| {
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
    parse_with(path, text, kb, &Limits::default())
}

/// Parses and validates scenario text within `limits`.
pub fn parse_with(
    path: &Path,
    text: &str,
    kb: &KnowledgeBase,
    limits: &Limits,
) -> Result<Scenario, ScenarioError> {
    validate::parse(path, text, kb, *limits)
}

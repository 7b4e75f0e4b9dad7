//! Validation of a parsed scenario file into the checked [`Scenario`]: one [`Validator`] over
//! the file's text (for line numbers), its methods split by the part of the file they check —
//! [`settings`], [`intervention`], [`items`], [`uncertainty`] — and the helpers they share here.

mod correlation;
mod intervention;
mod items;
mod settings;
mod uncertainty;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::raw::{ActorMap, FreeTable, RawConsequence, RawFile, RawIntervention};
use super::*;
use crate::dist::Dist;
use crate::kb::{Kind, KnowledgeBase, LAST_YEAR, Status, is_illustrative};
use crate::limits::Limits;

/// Parses and validates scenario text (the path is used in messages only).
pub(super) fn parse(
    path: &Path,
    text: &str,
    kb: &KnowledgeBase,
    limits: Limits,
) -> Result<Scenario, ScenarioError> {
    let v = Validator {
        path: path.to_path_buf(),
        text,
        limits,
    };
    if text.trim().is_empty() {
        return Err(v.err(
            1,
            "file",
            "the file is empty; a scenario needs at least one [[intervention]] (try `soem new --target-group hjemloese`)",
        ));
    }
    v.top_level(text)?;
    let raw: RawFile = toml::from_str(text).map_err(|e| v.toml_error(&e))?;
    v.file(raw, kb)
}

struct Validator<'a> {
    path: PathBuf,
    text: &'a str,
    limits: Limits,
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

    /// Refuses an unknown section or top-level field before the file is read into its structs,
    /// so that a misspelt `[[interventions]]` is named as such (and not as the section after it
    /// that no longer fits).
    fn top_level(&self, text: &str) -> R<()> {
        let Ok(doc) = text.parse::<toml::Table>() else {
            return Ok(()); // a syntax error: reported with its line by the full parse
        };
        let Some(name) = doc.keys().find(|k| !raw::TOP_LEVEL.contains(&k.as_str())) else {
            return Ok(());
        };
        let line = self
            .text
            .lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches('[').trim_start();
                l.strip_prefix(name.as_str())
                    .is_some_and(|rest| rest.starts_with([']', '.', ' ', '=']))
            })
            .map_or(1, |i| i + 1);
        let hint = crate::text::suggest(name, raw::TOP_LEVEL)
            .map(|s| format!(" — did you mean `{s}`?"))
            .unwrap_or_default();
        Err(self.err(
            line,
            name.clone(),
            format!(
                "unknown section or field{hint} (allowed here: {})",
                raw::TOP_LEVEL.join(", ")
            ),
        ))
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
        let at = self
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        // a section header: name the section, and say what a header must look like
        if let Some(inner) = at.strip_prefix('[') {
            let list = inner.starts_with('[');
            let name = inner
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            let message = if msg.contains("duplicate key") {
                format!("the section [{name}] appears twice; merge the two into one")
            } else {
                format!(
                    "{msg}: the section header {} does not fit here — is it misspelt, or does it \
                     need {} brackets? The sections are [settings], [[intervention]], \
                     [[intervention.consequence]], [intervention.uncertainty], [monte_carlo] and \
                     [[grid]]",
                    if list {
                        format!("[[{name}]]")
                    } else {
                        format!("[{name}]")
                    },
                    if list { "single" } else { "double" }
                )
            };
            return self.err(line, name, message);
        }
        // serde does not say which key had the wrong type: take it from the offending line
        let key = Some(at)
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
        if let Err(e) = self
            .limits
            .check(&crate::limits::INTERVENTIONS, raw.intervention.len() as u64)
        {
            let last = &raw.intervention[raw.intervention.len() - 1];
            return Err(self.at(last, "intervention", e.to_string()));
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
                sampling: Sampling::Random,
                auto: None,
            },
            Some(mc) => {
                let m = mc.get_ref();
                log(&mut logbook, "monte_carlo", &m.note, &m.source);
                let auto_asked = m
                    .draws
                    .as_ref()
                    .is_some_and(|d| d.get_ref().as_str() == Some("auto"));
                let draws = match &m.draws {
                    None => 10_000,
                    Some(_) if auto_asked => AutoDraws::FIRST,
                    Some(d) => match d.get_ref() {
                        toml::Value::Integer(i) if *i >= 1 => {
                            let n = *i as u64;
                            self.limits
                                .check(&crate::limits::DRAWS, n)
                                .map_err(|e| self.at(d, "monte_carlo.draws", e.to_string()))?;
                            n
                        }
                        other => {
                            return Err(self.at(
                                d,
                                "monte_carlo.draws",
                                format!(
                                    "got {}, expected at least 1 draw (a whole number), or \"auto\" with a precision (e.g. precision = 5000)",
                                    describe(other)
                                ),
                            ));
                        }
                    },
                };
                let auto = match (&m.precision, auto_asked) {
                    (None, false) => None,
                    (Some(p), false) => {
                        return Err(self.at(
                            p,
                            "monte_carlo.precision",
                            "a precision goes with draws = \"auto\" (draw until the interval's ends are that precise)",
                        ));
                    }
                    (None, true) => {
                        let why = "draws = \"auto\" needs a precision: the standard error in kroner wanted on the ends of the total's interval, e.g. precision = 5000";
                        return Err(match &m.draws {
                            Some(d) => self.at(d, "monte_carlo.draws", why),
                            None => self.at(mc, "monte_carlo", why),
                        });
                    }
                    (Some(p), true) => {
                        let precision = self.number(p, "monte_carlo.precision")?;
                        if precision.is_nan() || precision <= 0.0 {
                            return Err(self.at(
                                p,
                                "monte_carlo.precision",
                                format!(
                                    "got {}, expected an amount in kroner > 0",
                                    fmt_num(precision)
                                ),
                            ));
                        }
                        let max = match &m.max_draws {
                            None => AutoDraws::CEILING,
                            Some(x) if *x.get_ref() >= AutoDraws::FIRST as i64 => {
                                let n = *x.get_ref() as u64;
                                self.limits.check(&crate::limits::DRAWS, n).map_err(|e| {
                                    self.at(x, "monte_carlo.max_draws", e.to_string())
                                })?;
                                n
                            }
                            Some(x) => {
                                return Err(self.at(
                                    x,
                                    "monte_carlo.max_draws",
                                    format!(
                                        "got {}, expected at least {} (the first round of an automatic run)",
                                        x.get_ref(),
                                        AutoDraws::FIRST
                                    ),
                                ));
                            }
                        };
                        Some(AutoDraws { precision, max })
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
                let sampling = match m.sampling.as_ref().map(|s| (s, s.get_ref().as_str())) {
                    None | Some((_, "random")) => Sampling::Random,
                    Some((_, "lhs")) => Sampling::Lhs,
                    Some((s, other)) => {
                        return Err(self.at(
                            s,
                            "monte_carlo.sampling",
                            format!(
                                "got \"{other}\", expected \"random\" or \"lhs\" (Latin hypercube){}",
                                crate::text::did_you_mean(other, ["random", "lhs"])
                            ),
                        ));
                    }
                };
                MonteCarloSettings {
                    draws,
                    seed,
                    interval,
                    sampling,
                    auto,
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
                let d = vary::parse_within(v.get_ref(), &self.limits)
                    .map_err(|m| self.at(v, format!("grid[{}].vary", n + 1), m.0))?;
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
        let case = raw.case.as_ref().map(|c| {
            let c = c.get_ref();
            Case {
                published: c.published.clone(),
                url: c.url.clone(),
                net: c.published_net.as_ref().map(|x| *x.get_ref()),
                years: c.published_years.as_ref().map(|x| *x.get_ref()),
                per_participant: c.published_per_participant.as_ref().map(|x| *x.get_ref()),
                cost_per_participant: c
                    .published_cost_per_participant
                    .as_ref()
                    .map(|x| *x.get_ref()),
                from_publication: c.from_publication.clone(),
                illustrative: c.illustrative.clone(),
                differences: c.differences.clone(),
            }
        });
        // overlaps name another intervention of the file, not itself
        for (n, (iv, raw_iv)) in interventions.iter().zip(&raw.intervention).enumerate() {
            let (Some(o), Some(ro)) = (&iv.overlaps, &raw_iv.get_ref().overlaps) else {
                continue;
            };
            let field = format!("intervention[{}] \"{}\".overlaps.with", n + 1, iv.id);
            let ids: Vec<&str> = interventions.iter().map(|i| i.id.as_str()).collect();
            if o.with == iv.id || !ids.contains(&o.with.as_str()) {
                let hint =
                    crate::text::did_you_mean(&o.with, ids.iter().copied().filter(|x| *x != iv.id));
                return Err(self.at(
                    &ro.get_ref().with,
                    field,
                    format!(
                        "\"{}\" is not another intervention of this file{hint} (its ids: {})",
                        o.with,
                        ids.join(", ")
                    ),
                ));
            }
        }
        let correlation = self.correlation(&raw.correlation, &interventions, &mut logbook)?;
        Ok(Scenario {
            correlation,
            case,
            limits: self.limits,
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
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                let x = fmt_num(self.number(v, field)?);
                Err(self.at(
                    v,
                    field,
                    format!(
                        "got the single number {x}, expected a list of amounts per year (element \
                         j falls in year S + j), e.g. [{x}]"
                    ),
                ))
            }
            other => Err(self.at(
                v,
                field,
                format!(
                    "got {}, expected a list of amounts per year",
                    describe(other)
                ),
            )),
        }
    }
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

//! Requirement analysis (kravanalyse), SPEC §4.1: the smallest success rate s* at which the PV
//! over the result period reaches a target, per actor and total.
//!
//! The PV is affine in the success rate: PV(s) = s·G − K, so s* = (target + K) / G when G > 0.
//! No rate reaches the target when G ≤ 0 (`null`). s* is reported as computed, not clamped, with
//! flags when it is above 100 % (unattainable) or below 0 (met even with no success). Every s* is
//! checked by re-running the full calculator at s*.

use serde::Serialize;

use crate::error::AnalysisError;
use crate::model::{Keyed, Prepared, calculate};
use crate::scenario::{Intervention, Scenario};

/// The longest period length in the actors × period table.
pub const MAX_PERIOD: usize = 20;

/// What the PV must reach.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// PV = 0 (break-even).
    BreakEven,
    /// PV = a given amount (kroner, price-year prices).
    Amount(f64),
    /// PV = the PV of another intervention in the same file, actor by actor.
    Match(String),
}

/// What a required success rate means for the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// No rate reaches the target: the intervention gains nothing for this actor.
    NoGain,
    /// s* > 100 %: no success rate in [0, 1] reaches the target.
    Unattainable,
    /// s* ≤ 0: the target is met even with no success.
    MetWithoutSuccess,
    /// 0 < s* ≤ 100 %: the target needs a success rate of at least s*.
    Needs,
}

impl Reading {
    /// The reading of a required rate (`None`: no rate reaches the target).
    pub fn of(rate: Option<f64>) -> Reading {
        match rate {
            None => Reading::NoGain,
            Some(s) if s > 1.0 => Reading::Unattainable,
            Some(s) if s <= 0.0 => Reading::MetWithoutSuccess,
            Some(_) => Reading::Needs,
        }
    }
}

/// One actor's requirement.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// The required success rate s*, unclamped; `None` when no rate reaches the target.
    pub success_rate: Option<f64>,
    /// The target PV for this actor.
    pub target: f64,
    /// PV gained per unit of success rate (G).
    pub slope: f64,
    /// PV at success rate 0 (−K).
    pub pv_at_zero: f64,
    /// s* > 1: no success rate in [0, 1] reaches the target.
    pub unattainable: bool,
    /// s* < 0: the target is met even with no success (SPEC §4.1).
    pub met_without_success: bool,
    /// PV computed by the full calculator at s* (should equal `target`).
    pub check_pv: Option<f64>,
}

/// The result for one intervention.
#[derive(Debug, Clone, Serialize)]
pub struct RequireResult {
    /// Intervention id.
    pub id: String,
    /// Target for the total (SPEC §7 `target`).
    pub target: f64,
    /// What the target is: `break_even`, `amount` or `match:<id>`.
    pub target_kind: String,
    /// The assumed success rate of the scenario.
    pub assumed_success_rate: f64,
    /// The result period used.
    pub result_period: [i32; 2],
    /// s* per actor and total (SPEC §7), `null` where no rate reaches the target.
    pub success_rate: Keyed<Option<f64>>,
    /// Details per actor and total.
    pub details: Keyed<Requirement>,
    /// s* per actor and total for result periods [S, S + L − 1], L = 1..20.
    pub by_period: Vec<PeriodRow>,
    /// Other inputs solved for the same target (bisection), at the assumed success rate.
    pub other_inputs: Keyed<crate::analysis::grid::OtherInputs>,
    /// Items of this intervention with illustrative numbers.
    pub illustrative: Vec<String>,
    /// The required rate as an effect size beside the group's effect studies (the course's
    /// advice to check that the requirement is realistic, seed 000), when a baseline is known.
    pub effect: Option<EffectCheck>,
    /// How many effect studies the knowledge base has for the target group.
    pub studies: usize,
    /// Whether any of those studies is illustrative.
    pub studies_illustrative: bool,
}

/// The required success rate translated into the effect size it implies.
#[derive(Debug, Clone, Serialize)]
pub struct EffectCheck {
    /// The baseline rate p0 used.
    pub baseline: crate::scenario::Baseline,
    /// Per key, the Cohen's d that gives the required rate at the baseline:
    /// d = Φ⁻¹(p0 + s*) − Φ⁻¹(p0) (SPEC §3.2 solved for d); `None` where no rate reaches the
    /// target or p0 + s* is outside (0, 1).
    pub effect_size: Keyed<Option<f64>>,
    /// The group's effect studies at or above the total's required d (when it has one).
    pub at_or_above: Option<usize>,
}

/// The effect size d with Φ(Φ⁻¹(p0) + d) − p0 = s, when 0 < p0 + s < 1.
pub fn implied_effect_size(s: f64, p0: f64) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    let n = Normal::standard();
    let p = p0 + s;
    (p > 0.0 && p < 1.0 && p0 > 0.0 && p0 < 1.0).then(|| n.inverse_cdf(p) - n.inverse_cdf(p0))
}

/// One period length of the actors × period table.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    /// Number of years L in the period [S, S + L − 1].
    pub years: usize,
    /// Last year of the period.
    pub to: i32,
    /// s* per actor and total (break-even or the chosen amount; a matched target uses the other
    /// intervention's PV over the same period).
    pub success_rate: Keyed<Option<f64>>,
}

/// Per-year slope and intercept of the discounted net, per key (total first, then actors).
struct YearLinear {
    keys: Vec<String>,
    slope: Vec<Vec<f64>>,     // [key][t], discounted
    intercept: Vec<Vec<f64>>, // [key][t], discounted
}

fn affine(sc: &Scenario, iv: &Intervention) -> (Prepared, YearLinear) {
    let p = Prepared::new(&sc.settings, iv);
    let at0 = p.net(0.0);
    let at1 = p.net(1.0);
    let n = sc.settings.actors.len();
    let mut keys = vec![crate::model::TOTAL.to_string()];
    keys.extend(sc.settings.actors.iter().cloned());
    let mut slope = vec![vec![0.0; p.len]; n + 1];
    let mut intercept = vec![vec![0.0; p.len]; n + 1];
    for a in 0..n {
        for t in 0..p.len {
            let g = (at1[a][t] - at0[a][t]) * p.discount[t];
            let k = at0[a][t] * p.discount[t];
            slope[a + 1][t] = g;
            intercept[a + 1][t] = k;
            slope[0][t] += g;
            intercept[0][t] += k;
        }
    }
    (
        p,
        YearLinear {
            keys,
            slope,
            intercept,
        },
    )
}

fn solve(target: f64, slope: f64, pv0: f64) -> Option<f64> {
    (slope > 0.0).then(|| (target - pv0) / slope)
}

/// PV at s = 0 and slope per key over the years where `inside(year)` holds.
fn sums(p: &Prepared, a: &YearLinear, inside: impl Fn(i32) -> bool) -> Vec<(f64, f64)> {
    (0..a.keys.len())
        .map(|k| {
            (0..p.len)
                .filter(|t| inside(p.start_year + *t as i32))
                .fold((0.0, 0.0), |(g, c), t| {
                    (g + a.slope[k][t], c + a.intercept[k][t])
                })
        })
        .collect()
}

/// Runs the requirement analysis for every intervention of the scenario.
pub fn run(sc: &Scenario, target: &Target) -> Result<Vec<RequireResult>, AnalysisError> {
    // the matched intervention's PV per key, over any period
    let matched = match target {
        Target::Match(id) => {
            let Some(other) = sc.interventions.iter().find(|i| &i.id == id) else {
                let ids: Vec<&str> = sc.interventions.iter().map(|i| i.id.as_str()).collect();
                return Err(AnalysisError::Invalid(format!(
                    "--match {id}: no intervention with that id in the file (its ids: {})",
                    ids.join(", ")
                )));
            };
            Some(other)
        }
        _ => None,
    };
    let target_kind = match target {
        Target::BreakEven => "break_even".to_string(),
        Target::Amount(_) => "amount".to_string(),
        Target::Match(id) => format!("match:{id}"),
    };
    // the matched intervention's structure, built once: its PV over any period is a sum of it
    let matched = matched.map(|other| (other.success_rate, affine(sc, other)));
    let mut out = Vec::new();
    for iv in &sc.interventions {
        let (p, a) = affine(sc, iv);
        let rp = iv.result_period;
        let target_for = |from: i32, to: i32| -> Vec<f64> {
            match (target, &matched) {
                (Target::Amount(x), _) => vec![*x; a.keys.len()],
                (Target::Match(_), Some((s, (po, ao)))) => sums(po, ao, |y| y >= from && y <= to)
                    .into_iter()
                    .map(|(g, pv0)| pv0 + s * g)
                    .collect(),
                _ => vec![0.0; a.keys.len()],
            }
        };
        let targets = target_for(rp.0, rp.1);
        let main = sums(&p, &a, |y| y >= rp.0 && y <= rp.1);
        let mut details = Vec::new();
        for (k, key) in a.keys.iter().enumerate() {
            let (g, pv0) = main[k];
            let s = solve(targets[k], g, pv0);
            let check_pv = s.map(|s| {
                let mut at = iv.clone();
                at.success_rate = s;
                calculate(sc, &at).pv.get(key).copied().unwrap_or(f64::NAN)
            });
            details.push((
                key.clone(),
                Requirement {
                    success_rate: s,
                    target: targets[k],
                    slope: g,
                    pv_at_zero: pv0,
                    // SPEC §4.1's flags: s* > 1 and s* < 0 (the reading also calls s* = 0,
                    // the target reached exactly with no success, "met without success")
                    unattainable: Reading::of(s) == Reading::Unattainable,
                    met_without_success: s.is_some_and(|s| s < 0.0),
                    check_pv,
                },
            ));
        }
        let by_period = (1..=MAX_PERIOD)
            .map(|years| {
                let to = iv.start_year + years as i32 - 1;
                let t = target_for(iv.start_year, to);
                let s = sums(&p, &a, |y| y >= iv.start_year && y <= to);
                PeriodRow {
                    years,
                    to,
                    success_rate: Keyed(
                        a.keys
                            .iter()
                            .enumerate()
                            .map(|(k, key)| (key.clone(), solve(t[k], s[k].0, s[k].1)))
                            .collect(),
                    ),
                }
            })
            .collect();
        out.push(RequireResult {
            id: iv.id.clone(),
            target: targets[0],
            target_kind: target_kind.clone(),
            assumed_success_rate: iv.success_rate,
            result_period: [rp.0, rp.1],
            success_rate: Keyed(
                details
                    .iter()
                    .map(|(k, d)| (k.clone(), d.success_rate))
                    .collect(),
            ),
            effect: iv.baseline.map(|b| {
                let d: Vec<(String, Option<f64>)> = details
                    .iter()
                    .map(|(k, x)| {
                        (
                            k.clone(),
                            x.success_rate.and_then(|s| implied_effect_size(s, b.rate)),
                        )
                    })
                    .collect();
                let total = d.first().and_then(|(_, x)| *x);
                EffectCheck {
                    baseline: b,
                    at_or_above: total.map(|t| {
                        iv.studies
                            .iter()
                            .filter(|s| s.effect_size >= t - 1e-12)
                            .count()
                    }),
                    effect_size: Keyed(d),
                }
            }),
            studies: iv.studies.len(),
            studies_illustrative: iv
                .studies
                .iter()
                .any(|s| crate::kb::is_illustrative(&s.source)),
            details: Keyed(details),
            by_period,
            illustrative: sc.illustrative_items(&iv.id),
            other_inputs: {
                let e = crate::analysis::grid::AreaLinear::new(sc, iv);
                Keyed(
                    a.keys
                        .iter()
                        .enumerate()
                        .map(|(k, key)| {
                            (
                                key.clone(),
                                crate::analysis::grid::other_inputs(&e, k, targets[k]),
                            )
                        })
                        .collect(),
                )
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::testing::kb;

    const ONE: &str = r#"
[settings]
price_year = 2024
[[intervention]]
id = "a"
start_year = 2024
years = 1
participants = [10]
success_rate = 0.5
costs = { kommune = [1000] }
[[intervention.consequence]]
item = "x"
name = "X"
area = "brugerdefineret"
unit = "dage"
kind = "expenditure"
values = [-1]
fade = false
prices = { kommune = 104, stat = 52 }
"#;

    #[test]
    fn break_even_rate_by_hand() {
        // kommune: PV(s) = −1000 + s · 10 · 104 / 1.04 = −1000 + 1000 s → s* = 1
        // total: −1000 + s · 10 · 156 / 1.04 = −1000 + 1500 s → s* = 2/3; stat: no cost → s* = 0
        let sc = crate::scenario::parse(Path::new("t.toml"), ONE, &kb()).expect("valid");
        let r = &run(&sc, &Target::BreakEven).expect("runs")[0];
        let s = |k: &str| r.success_rate.get(k).copied().flatten().expect("rate");
        assert!((s("kommune") - 1.0).abs() < 1e-12);
        assert!((s("total") - 2.0 / 3.0).abs() < 1e-12);
        assert!(s("stat").abs() < 1e-12);
        assert_eq!(r.success_rate.get("region"), Some(&None)); // no gain for region: no rate
        let d = r.details.get("total").expect("total");
        assert!(d.check_pv.expect("checked").abs() < 1e-6);
        assert!(!d.unattainable && !d.met_without_success);
        // the period table: a one-year period (2024 only) has no gain at all
        assert_eq!(r.by_period[0].success_rate.get("total"), Some(&None));
        assert!(
            (r.by_period[1]
                .success_rate
                .get("total")
                .copied()
                .flatten()
                .expect("2y")
                - 2.0 / 3.0)
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn amount_targets_and_flags() {
        let sc = crate::scenario::parse(Path::new("t.toml"), ONE, &kb()).expect("valid");
        let r = &run(&sc, &Target::Amount(500.0)).expect("runs")[0];
        // kommune: −1000 + 1000 s = 500 → s* = 1.5: unattainable, reported unclamped
        let d = r.details.get("kommune").expect("kommune");
        assert!((d.success_rate.expect("rate") - 1.5).abs() < 1e-12 && d.unattainable);
        let r = &run(&sc, &Target::Amount(-2000.0)).expect("runs")[0];
        let d = r.details.get("kommune").expect("kommune");
        assert!((d.success_rate.expect("rate") + 1.0).abs() < 1e-12 && d.met_without_success);
    }

    #[test]
    fn matching_another_intervention() {
        let b = ONE
            .split("[[intervention]]")
            .nth(1)
            .expect("intervention block")
            .replace("id = \"a\"", "id = \"b\"")
            .replace("[1000]", "[2000]");
        let text = format!("{ONE}[[intervention]]{b}");
        let sc = crate::scenario::parse(Path::new("t.toml"), &text, &kb()).expect("valid");
        assert_eq!(sc.interventions.len(), 2);
        // a must match b's total PV: b = −2000 + 1500·0.5 = −1250 → −1000 + 1500 s = −1250
        let r = &run(&sc, &Target::Match("b".into())).expect("runs")[0];
        let s = r
            .success_rate
            .get("total")
            .copied()
            .flatten()
            .expect("rate");
        assert!((s + 1.0 / 6.0).abs() < 1e-9, "{s}");
        assert!(r.details.get("total").expect("d").met_without_success);
        assert!(run(&sc, &Target::Match("zz".into())).is_err());
    }

    #[test]
    fn the_required_rate_as_an_effect_size_by_hand() {
        // p0 = 0.25, s = Φ(Φ⁻¹(0.25) + 0.3) − 0.25 by the SPEC's rule; solving back gives 0.3
        let s = crate::scenario::SuccessRateInput::EffectSize {
            effect_size: 0.3,
            baseline: 0.25,
        }
        .resolve();
        let d = implied_effect_size(s, 0.25).expect("d");
        assert!((d - 0.3).abs() < 1e-9, "{d}");
        // by hand: p0 = 0.5, s = 0.341344746 (Φ(1) − ½) → d = 1
        let d = implied_effect_size(0.341_344_746_068_542_9, 0.5).expect("d");
        assert!((d - 1.0).abs() < 1e-9, "{d}");
        assert_eq!(implied_effect_size(0.8, 0.25), None, "p0 + s over 1");
        assert_eq!(implied_effect_size(-0.3, 0.25), None, "p0 + s below 0");
    }

    #[test]
    fn the_requirement_sits_beside_the_group_s_effect_studies() {
        let kb = crate::testing::kb();
        let sc =
            crate::scenario::load("scenarios/boern-angst.toml".as_ref(), &kb).expect("shipped");
        let r = &run(&sc, &Target::BreakEven).expect("require")[0];
        let e = r
            .effect
            .as_ref()
            .expect("the effect-size input gives the baseline");
        assert_eq!(e.baseline.from, "effect_size");
        assert_eq!(e.baseline.rate, 0.25);
        let s = r.success_rate.get("total").expect("k").expect("a rate");
        let d = e.effect_size.get("total").expect("k").expect("a d");
        use statrs::distribution::{ContinuousCDF, Normal};
        let n = Normal::standard();
        assert!((d - (n.inverse_cdf(0.25 + s) - n.inverse_cdf(0.25))).abs() < 1e-12);
        // the group's studies at or above the required d, counted by hand
        let want = sc.interventions[0]
            .studies
            .iter()
            .filter(|x| x.effect_size >= d)
            .count();
        assert_eq!(e.at_or_above, Some(want));
        assert_eq!(r.studies, sc.interventions[0].studies.len());
        assert!(r.studies >= 1);
        // a rate given directly and no baseline_rate: nothing to translate, but the studies counted
        let sc = crate::scenario::load("scenarios/cti.toml".as_ref(), &kb).expect("shipped");
        let r = &run(&sc, &Target::BreakEven).expect("require")[0];
        assert!(r.effect.is_none());
        assert_eq!(r.studies, 4);
    }
}

//! Sums of interventions ("Alle indsatser i alt", seed 000: "Hvad er nettogevinsten i alt for
//! begge indsatser i 2020?"): the net per calendar year and actor of every intervention of a file
//! added up, the sum of their present values and the break-even year of the sum — with the
//! course's cautions ("Hvilke forudsætninger skal du være opmærksom på, hvis du lægger indsatser
//! sammen?") checked and said when they apply.
//!
//! The sum's years run from the earliest start to the latest horizon year; an intervention adds
//! nothing in the years outside its horizon. The PV of the sum is the sum of the PVs, each over
//! its own result period (what a budget adds up); its break-even year is computed on the summed
//! discounted net from the earliest start, by the rule of SPEC §3.6.

use serde::Serialize;

use super::{Calculation, Keyed, break_even_index};
use crate::scenario::Scenario;

/// The interventions of a file added up.
#[derive(Debug, Clone, Serialize)]
pub struct Sum {
    /// The interventions summed, in file order.
    pub interventions: Vec<String>,
    /// Calendar years from the earliest start to the latest horizon year.
    pub years: Vec<i32>,
    /// Net gain per year (undiscounted), per key (`total` first, then the actors).
    pub net: Keyed<Vec<f64>>,
    /// The sum of the interventions' PVs, per key.
    pub pv: Keyed<f64>,
    /// The break-even year of the summed discounted net, per key; `None` if none.
    pub break_even_year: Keyed<Option<i32>>,
    /// The course's cautions that apply to this sum.
    pub cautions: Vec<Caution>,
}

/// A reason to read a sum of interventions with care.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Caution {
    /// The PVs summed cover different result periods.
    ResultPeriods {
        /// Each intervention's result period.
        periods: Vec<(String, [i32; 2])>,
    },
    /// The interventions start in different years: every amount is in the file's price year and
    /// discounted to it, whatever year an intervention starts.
    StartYears {
        /// Each intervention's start year.
        starts: Vec<(String, i32)>,
        /// The price year all amounts are in.
        price_year: i32,
    },
    /// Interventions for the same target group: the sum may count the same citizens' gains twice.
    SameTargetGroup {
        /// The target group.
        group: String,
        /// The interventions for it.
        interventions: Vec<String>,
    },
    /// Some participants take two interventions: for them the later one's success counts only
    /// where the other did not succeed (independent effects: 1 − (1 − s₁)(1 − s₂) in all).
    Overlap {
        /// The intervention that declares the overlap.
        intervention: String,
        /// The one it overlaps.
        with: String,
        /// The share of its participants who take both.
        share: f64,
        /// Its success rate in the sum: s₂ · (1 − share · s₁).
        success_rate: f64,
        /// How much lower the sum's total PV is than the interventions' PVs added up.
        pv_correction: f64,
    },
    /// An actor has money in some of the interventions only: its line of the sum is theirs.
    Actors {
        /// The actor.
        actor: String,
        /// The interventions with money for it.
        only: Vec<String>,
    },
}

/// The success rate an intervention counts with in a sum: its own, or with `overlaps` the
/// independent-effects rule s₂ · (1 − share · s₁) (the shared participants' success through it
/// is what it adds to the other's: 1 − (1 − s₁)(1 − s₂) − s₁ = s₂(1 − s₁)).
pub fn success_in_sum(sc: &Scenario, iv: &crate::scenario::Intervention) -> f64 {
    match &iv.overlaps {
        Some(o) => {
            let s1 = sc
                .interventions
                .iter()
                .find(|x| x.id == o.with)
                .map_or(0.0, |x| x.success_rate);
            iv.success_rate * (1.0 - o.share * s1)
        }
        None => iv.success_rate,
    }
}

/// The sum of `calcs` (one per intervention of `sc`, in file order), or `None` with fewer than two.
/// An intervention that overlaps another enters at its success rate in the sum
/// ([`success_in_sum`]).
pub fn sum(sc: &Scenario, calcs: &[Calculation]) -> Option<Sum> {
    if calcs.len() < 2 {
        return None;
    }
    let mut overlap_cautions = Vec::new();
    let adjusted: Vec<Calculation> = sc
        .interventions
        .iter()
        .zip(calcs)
        .map(|(iv, c)| match &iv.overlaps {
            Some(o) => {
                let mut iv2 = iv.clone();
                iv2.success_rate = success_in_sum(sc, iv);
                let c2 = super::calculate(sc, &iv2);
                let pv = |c: &Calculation| c.pv.get(super::TOTAL).copied().unwrap_or(0.0);
                overlap_cautions.push(Caution::Overlap {
                    intervention: iv.id.clone(),
                    with: o.with.clone(),
                    share: o.share,
                    success_rate: iv2.success_rate,
                    pv_correction: pv(c) - pv(&c2),
                });
                c2
            }
            None => c.clone(),
        })
        .collect();
    let calcs = &adjusted[..];
    let first = calcs.iter().map(|c| c.start_year).min()?;
    let last = calcs.iter().filter_map(|c| c.years.last().copied()).max()?;
    let years: Vec<i32> = (first..=last).collect();
    let keys: Vec<String> = calcs[0].net.keys().map(str::to_string).collect();
    let at = |c: &Calculation, y: i32| (y - c.start_year) as usize;
    let mut net = Vec::new();
    let mut pv = Vec::new();
    let mut be = Vec::new();
    for k in &keys {
        let mut row = vec![0.0; years.len()];
        for c in calcs {
            if let Some(v) = c.net.get(k) {
                for (j, y) in years.iter().enumerate() {
                    if *y >= c.start_year
                        && let Some(x) = v.get(at(c, *y))
                    {
                        row[j] += x;
                    }
                }
            }
        }
        let discounted: Vec<f64> = years
            .iter()
            .zip(&row)
            .map(|(y, x)| x * sc.settings.discount_factor(*y))
            .collect();
        be.push((k.clone(), break_even_index(&discounted).map(|i| years[i])));
        pv.push((
            k.clone(),
            calcs.iter().filter_map(|c| c.pv.get(k)).sum::<f64>(),
        ));
        net.push((k.clone(), row));
    }
    Some(Sum {
        interventions: calcs.iter().map(|c| c.id.clone()).collect(),
        years,
        net: Keyed(net),
        pv: Keyed(pv),
        break_even_year: Keyed(be),
        cautions: {
            let mut c = cautions(sc, calcs);
            c.extend(overlap_cautions);
            c
        },
    })
}

/// The file's result in one number: one intervention's total PV, or the sum's; with the period
/// it covers (the earliest start of a result period to the latest end).
pub fn total_pv(sc: &Scenario, calcs: &[Calculation]) -> (f64, [i32; 2]) {
    let period = [
        calcs
            .iter()
            .map(|c| c.result_period[0])
            .min()
            .unwrap_or_default(),
        calcs
            .iter()
            .map(|c| c.result_period[1])
            .max()
            .unwrap_or_default(),
    ];
    let pv = match sum(sc, calcs) {
        Some(s) => s.pv.get(super::TOTAL).copied().unwrap_or(0.0),
        None => calcs.iter().filter_map(|c| c.pv.get(super::TOTAL)).sum(),
    };
    (pv, period)
}

/// The target groups that two or more interventions of `sc` share, each with those interventions
/// in file order.
pub fn shared_target_groups(sc: &Scenario) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for iv in &sc.interventions {
        if let Some(g) = &iv.target_group {
            match groups.iter_mut().find(|(x, _)| x == g) {
                Some((_, list)) => list.push(iv.id.clone()),
                None => groups.push((g.clone(), vec![iv.id.clone()])),
            }
        }
    }
    groups.retain(|(_, ids)| ids.len() > 1);
    groups
}

/// The cautions of seed 000's question that apply to the interventions of `sc`.
fn cautions(sc: &Scenario, calcs: &[Calculation]) -> Vec<Caution> {
    let mut out = Vec::new();
    let periods: Vec<(String, [i32; 2])> = calcs
        .iter()
        .map(|c| (c.id.clone(), c.result_period))
        .collect();
    if periods.iter().any(|(_, p)| *p != periods[0].1) {
        out.push(Caution::ResultPeriods { periods });
    }
    let starts: Vec<(String, i32)> = calcs.iter().map(|c| (c.id.clone(), c.start_year)).collect();
    if starts.iter().any(|(_, s)| *s != starts[0].1) {
        out.push(Caution::StartYears {
            starts,
            price_year: sc.settings.price_year,
        });
    }
    for (group, interventions) in shared_target_groups(sc) {
        out.push(Caution::SameTargetGroup {
            group,
            interventions,
        });
    }
    for actor in &sc.settings.actors {
        let only: Vec<String> = calcs
            .iter()
            .filter(|c| {
                c.net
                    .get(actor)
                    .is_some_and(|v| v.iter().any(|x| x.abs() > 0.0))
            })
            .map(|c| c.id.clone())
            .collect();
        if !only.is_empty() && only.len() < calcs.len() {
            out.push(Caution::Actors {
                actor: actor.clone(),
                only,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::kb;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} != {b}");
    }

    /// Two own-item interventions, hand-checkable: A starts 2024 (cost 1000 in 2024, saves
    /// 600 kr. a year in 2025–2026), B starts 2025 (cost 500 in 2025, saves 400 in 2026–2027),
    /// no discounting.
    const TWO: &str = r#"
[settings]
price_year = 2024
discount_rate = 0.0
[[intervention]]
id = "a"
start_year = 2024
years = 1
participants = [1]
success_rate = 1.0
result_period = [2024, 2026]
costs = { kommune = [1000] }
[[intervention.consequence]]
item = "x"
name = "X"
area = "brugerdefineret"
unit = "uger"
kind = "expenditure"
values = [-1, -1]
fade = false
prices = { kommune = 600 }
[[intervention]]
id = "b"
start_year = 2025
years = 1
participants = [1]
success_rate = 1.0
result_period = [2025, 2027]
costs = { stat = [500] }
[[intervention.consequence]]
item = "y"
name = "Y"
area = "brugerdefineret"
unit = "uger"
kind = "expenditure"
values = [-1, -1]
fade = false
prices = { stat = 400 }
"#;

    #[test]
    fn two_interventions_add_up_by_calendar_year() {
        let sc = crate::scenario::parse("t.toml".as_ref(), TWO, &kb()).expect("valid");
        let calcs: Vec<_> = sc
            .interventions
            .iter()
            .map(|iv| super::super::calculate(&sc, iv))
            .collect();
        let s = sum(&sc, &calcs).expect("two");
        assert_eq!(s.years, vec![2024, 2025, 2026, 2027]);
        let total = s.net.get("total").expect("total");
        // 2024: −1000; 2025: +600 − 500; 2026: +600 + 400; 2027: +400
        for (got, want) in total.iter().zip([-1000.0, 100.0, 1000.0, 400.0]) {
            close(*got, want);
        }
        close(s.net.get("kommune").expect("k")[1], 600.0);
        close(s.net.get("stat").expect("s")[1], -500.0);
        // PV: a = −1000 + 1200 = 200 over 2024–2026; b = −500 + 800 = 300 over 2025–2027
        close(*s.pv.get("total").expect("pv"), 500.0);
        // cumulative total: −1000, −900, 100, 500 → break-even 2026
        assert_eq!(s.break_even_year.get("total"), Some(&Some(2026)));
        assert_eq!(s.break_even_year.get("kommune"), Some(&Some(2026)));
        assert_eq!(s.break_even_year.get("region"), Some(&Some(2024)));
        assert!(
            s.cautions
                .iter()
                .any(|c| matches!(c, Caution::ResultPeriods { .. }))
        );
        assert!(s.cautions.iter().any(|c| matches!(
            c,
            Caution::StartYears {
                price_year: 2024,
                ..
            }
        )));
        assert!(s.cautions.contains(&Caution::Actors {
            actor: "kommune".into(),
            only: vec!["a".into()]
        }));
        assert!(s.cautions.contains(&Caution::Actors {
            actor: "stat".into(),
            only: vec!["b".into()]
        }));
        // one intervention: no sum
        assert!(sum(&sc, &calcs[..1]).is_none());
    }

    #[test]
    fn the_same_target_group_twice_is_a_double_counting_caution() {
        let sc =
            crate::scenario::load("scenarios/sammenligning.toml".as_ref(), &kb()).expect("shipped");
        let calcs: Vec<_> = sc
            .interventions
            .iter()
            .map(|iv| super::super::calculate(&sc, iv))
            .collect();
        let s = sum(&sc, &calcs).expect("two");
        assert!(
            s.cautions.iter().any(
                |c| matches!(c, Caution::SameTargetGroup { group, .. } if group == "hjemloese")
            )
        );
        // the sum of PVs is the PVs summed
        let want: f64 = calcs.iter().map(|c| c.pv.get("total").expect("pv")).sum();
        close(*s.pv.get("total").expect("pv"), want);
    }

    #[test]
    fn people_in_two_interventions_count_once_with_independent_effects() {
        // a: 1 participant, s₁ = 0.5, saves 1000 kr. per success in 2025; b: 1 participant,
        // s₂ = 0.4, the same, and half of b's participants also take a. In the sum b counts
        // s₂(1 − 0.5·s₁) = 0.4 · 0.75 = 0.3: PV 500 + 300 = 800 instead of 900.
        let one = |id: &str, s: f64, extra: &str| {
            format!(
                "[[intervention]]\nid = \"{id}\"\nstart_year = 2024\nyears = 1\nparticipants = [1]\nsuccess_rate = {s}\n{extra}\n[[intervention.consequence]]\nitem = \"x\"\nname = \"X\"\narea = \"brugerdefineret\"\nunit = \"uger\"\nkind = \"expenditure\"\nvalues = [-1]\nfade = false\nprices = {{ kommune = 1000 }}\n"
            )
        };
        let text = format!(
            "[settings]\nprice_year = 2024\ndiscount_rate = 0.0\n{}{}",
            one("a", 0.5, ""),
            one("b", 0.4, "overlaps = { with = \"a\", share = 0.5 }")
        );
        let sc = crate::scenario::parse("t.toml".as_ref(), &text, &kb()).expect("valid");
        assert!((success_in_sum(&sc, &sc.interventions[1]) - 0.3).abs() < 1e-15);
        let calcs: Vec<_> = sc
            .interventions
            .iter()
            .map(|iv| super::super::calculate(&sc, iv))
            .collect();
        close(*calcs[1].pv.get("total").expect("b alone"), 400.0);
        let s = sum(&sc, &calcs).expect("two");
        close(*s.pv.get("total").expect("pv"), 800.0);
        close(s.net.get("total").expect("net")[1], 800.0);
        let c = s
            .cautions
            .iter()
            .find_map(|c| match c {
                Caution::Overlap {
                    success_rate,
                    pv_correction,
                    ..
                } => Some((*success_rate, *pv_correction)),
                _ => None,
            })
            .expect("the overlap is said");
        close(c.0, 0.3);
        close(c.1, 100.0);
        // the portfolio's Monte Carlo uses the same rule: with nothing uncertain but a
        // zero-width cost factor, every draw's sum is the deterministic 800
        let mc = text.clone() + "[monte_carlo]\ndraws = 2000\n";
        let mut sc = crate::scenario::parse("t.toml".as_ref(), &mc, &kb()).expect("valid");
        for iv in &mut sc.interventions {
            iv.uncertainty.success_rate = Some(crate::dist::Dist::Uniform {
                min: iv.success_rate,
                max: iv.success_rate,
            });
        }
        let opt = crate::analysis::mc::Options {
            draws: 2000,
            seed: 1,
            interval: 0.9,
            confidence: None,
            by_year: false,
            at_least: None,
            sensitivity: false,
            decision_key: None,
            sampling: None,
            auto: None,
        };
        let c = crate::analysis::mc::compare(&sc, "kb", &opt, &crate::observer::Quiet)
            .expect("compare");
        assert!(
            (c.portfolio.low - 800.0).abs() < 1e-3,
            "{}",
            c.portfolio.low
        );
        let y2025 = |c: &crate::analysis::mc::Comparison| {
            c.portfolio
                .by_year
                .iter()
                .find(|y| y.year == 2025)
                .and_then(|y| y.net.get("total").cloned())
                .expect("2025")
        };
        assert!((y2025(&c).low - 800.0).abs() < 1e-3, "{:?}", y2025(&c));
        // with s₁ uniform on 0.2–0.8 and s₂ = 0.4, each draw's sum is
        // 1000·s₁ + 1000·0.4·(1 − 0.5·s₁) = 400 + 800·s₁: its 5 % point is 400 + 800·0.23 = 584
        // (the sum of the PVs alone would be 400 + 1000·s₁: 630)
        sc.interventions[0].uncertainty.success_rate =
            Some(crate::dist::Dist::Uniform { min: 0.2, max: 0.8 });
        let opt = crate::analysis::mc::Options {
            draws: 40_000,
            ..opt
        };
        let c = crate::analysis::mc::compare(&sc, "kb", &opt, &crate::observer::Quiet)
            .expect("compare");
        assert!((c.portfolio.low - 584.0).abs() < 4.0, "{}", c.portfolio.low);
        assert!((y2025(&c).low - 584.0).abs() < 4.0, "{:?}", y2025(&c));
        // an overlap that names no other intervention is an error with the ids
        let bad = text.replace("with = \"a\"", "with = \"b\"");
        let e = crate::scenario::parse("t.toml".as_ref(), &bad, &kb())
            .expect_err("itself")
            .to_string();
        assert!(
            e.contains("is not another intervention of this file") && e.contains("overlaps.with"),
            "{e}"
        );
        // a share outside [0, 1]
        let bad = text.replace("share = 0.5", "share = 1.5");
        let e = crate::scenario::parse("t.toml".as_ref(), &bad, &kb())
            .expect_err("share")
            .to_string();
        assert!(
            e.contains("overlaps.share") && e.contains("from 0 to 1"),
            "{e}"
        );
    }
}

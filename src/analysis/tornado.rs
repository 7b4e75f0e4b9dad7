//! Tornado (one-way sensitivity), SPEC §4.3: each consequence item ×(1 ± δ) (its `values` and
//! `during` together), the success rate ± 5 percentage points (clamped to [0, 1]), the costs ± δ
//! (not saved costs), all prices ± δ together; beyond SPEC: each area's items together ± δ and
//! the discount rate at two chosen values (default 2 % and 6 %).
//!
//! Items, areas, costs, prices and the success rate use the linear form ([`Linear`]): a bar is
//! the base plus ±δ times a precomputed PV. The discount-rate bar re-runs the calculator with the
//! other rate. Each bar's `low`/`high` are the smaller/larger PV of its two ends; `pv_minus` and
//! `pv_plus` say which end gave which.

use serde::Serialize;

use crate::error::AnalysisError;
use crate::model::Linear;
use crate::scenario::{Intervention, Scenario};

/// Options of a tornado.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Relative change δ for items, costs, prices and areas (0.2 = ±20 %).
    pub delta: f64,
    /// Change of the success rate in absolute terms (0.05 = ±5 percentage points).
    pub success_points: f64,
    /// The two discount rates of the discount-rate bar (`None`: no bar).
    pub discount: Option<(f64, f64)>,
    /// The key the bars are for: `total` or an actor.
    pub key: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            delta: 0.2,
            success_points: 0.05,
            discount: Some((0.02, 0.06)),
            key: crate::model::TOTAL.into(),
        }
    }
}

/// What a bar varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BarKind {
    /// One consequence item (values and `during`).
    Item,
    /// All items of one area.
    Area,
    /// The success rate.
    SuccessRate,
    /// The intervention costs.
    Costs,
    /// All prices.
    Prices,
    /// The discount rate.
    DiscountRate,
}

/// One bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Identifier: the item id, `area:<name>`, `success_rate`, `costs`, `prices` or
    /// `discount_rate`.
    pub name: String,
    /// Readable label (item or area name).
    pub label: String,
    /// What is varied.
    pub kind: BarKind,
    /// The smaller PV of the two ends.
    pub low: f64,
    /// The larger PV of the two ends.
    pub high: f64,
    /// high − low.
    pub swing: f64,
    /// The input at its lower end (factor 1 − δ, success rate − points, or the lower rate).
    pub input_minus: f64,
    /// The input at its upper end.
    pub input_plus: f64,
    /// PV with the input at its lower end.
    pub pv_minus: f64,
    /// PV with the input at its upper end.
    pub pv_plus: f64,
}

/// A tornado for one intervention (SPEC §7 `{id, base, bars}`, plus more).
#[derive(Debug, Clone, Serialize)]
pub struct Tornado {
    /// Intervention id.
    pub id: String,
    /// The key the bars are for.
    pub key: String,
    /// PV of the key at the scenario's inputs.
    pub base: f64,
    /// δ used.
    pub delta: f64,
    /// The result period.
    pub result_period: [i32; 2],
    /// Bars sorted by swing, largest first.
    pub bars: Vec<Bar>,
    /// Items of this intervention with illustrative numbers.
    pub illustrative: Vec<String>,
}

fn bar(name: String, label: String, kind: BarKind, inputs: (f64, f64), pvs: (f64, f64)) -> Bar {
    let (low, high) = if pvs.0 <= pvs.1 {
        (pvs.0, pvs.1)
    } else {
        (pvs.1, pvs.0)
    };
    Bar {
        name,
        label,
        kind,
        low,
        high,
        swing: high - low,
        input_minus: inputs.0,
        input_plus: inputs.1,
        pv_minus: pvs.0,
        pv_plus: pvs.1,
    }
}

/// The tornado of one intervention.
pub fn tornado(sc: &Scenario, iv: &Intervention, opt: &Options) -> Result<Tornado, AnalysisError> {
    let lin = Linear::new(&sc.settings, iv);
    let k = lin.keys.iter().position(|k| *k == opt.key).ok_or_else(|| {
        AnalysisError::Invalid(format!(
            "--actor {}: not an actor of this scenario{} (its keys: {})",
            opt.key,
            crate::text::did_you_mean(&opt.key, lin.keys.iter().map(String::as_str)),
            lin.keys.join(", ")
        ))
    })?;
    let s = iv.success_rate;
    let ones = vec![1.0; lin.items()];
    let base = lin.pv(s, &ones, 1.0)[k];
    let d = opt.delta;
    let mut bars = Vec::new();
    let item_pv: Vec<f64> = (0..lin.items()).map(|i| lin.item_pv(i, s)[k]).collect();
    for (i, item) in iv.items.iter().enumerate() {
        bars.push(bar(
            item.id.clone(),
            item.name.clone(),
            BarKind::Item,
            (1.0 - d, 1.0 + d),
            (base - d * item_pv[i], base + d * item_pv[i]),
        ));
    }
    let mut areas: Vec<(&str, f64)> = Vec::new();
    for (i, item) in iv.items.iter().enumerate() {
        match areas.iter_mut().find(|(a, _)| *a == item.area) {
            Some((_, x)) => *x += item_pv[i],
            None => areas.push((&item.area, item_pv[i])),
        }
    }
    for (area, x) in &areas {
        bars.push(bar(
            format!("area:{area}"),
            area.to_string(),
            BarKind::Area,
            (1.0 - d, 1.0 + d),
            (base - d * x, base + d * x),
        ));
    }
    let (s_lo, s_hi) = (
        (s - opt.success_points).clamp(0.0, 1.0),
        (s + opt.success_points).clamp(0.0, 1.0),
    );
    bars.push(bar(
        "success_rate".into(),
        "success rate".into(),
        BarKind::SuccessRate,
        (s_lo, s_hi),
        (lin.pv(s_lo, &ones, 1.0)[k], lin.pv(s_hi, &ones, 1.0)[k]),
    ));
    let costs = lin.costs_pv()[k];
    bars.push(bar(
        "costs".into(),
        "costs".into(),
        BarKind::Costs,
        (1.0 - d, 1.0 + d),
        (base + d * costs, base - d * costs),
    ));
    let all_items: f64 = item_pv.iter().sum();
    bars.push(bar(
        "prices".into(),
        "prices".into(),
        BarKind::Prices,
        (1.0 - d, 1.0 + d),
        (base - d * all_items, base + d * all_items),
    ));
    if let Some((r_lo, r_hi)) = opt.discount {
        let at = |r: f64| {
            let mut settings = sc.settings.clone();
            settings.set_flat_rate(r);
            Linear::new(&settings, iv).pv(s, &ones, 1.0)[k]
        };
        bars.push(bar(
            "discount_rate".into(),
            "discount rate".into(),
            BarKind::DiscountRate,
            (r_lo, r_hi),
            (at(r_lo), at(r_hi)),
        ));
    }
    bars.sort_by(|a, b| {
        b.swing
            .total_cmp(&a.swing)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Tornado {
        id: iv.id.clone(),
        key: opt.key.clone(),
        base,
        delta: d,
        result_period: [iv.result_period.0, iv.result_period.1],
        bars,
        illustrative: sc.illustrative_items(&iv.id),
    })
}

/// Tornados for every intervention of the scenario.
pub fn run(sc: &Scenario, opt: &Options) -> Result<Vec<Tornado>, AnalysisError> {
    if !(opt.delta.is_finite() && opt.delta >= 0.0) {
        return Err(AnalysisError::Invalid(format!(
            "--delta must be a share ≥ 0 such as 0.2 (for ±20 %), got {}",
            opt.delta
        )));
    }
    if let Some((a, b)) = opt.discount
        && !(a.is_finite() && b.is_finite() && a > -1.0 && b > -1.0)
    {
        return Err(AnalysisError::Invalid(format!(
            "--discount needs two rates above −1 such as 0.02,0.06, got {a},{b}"
        )));
    }
    sc.interventions
        .iter()
        .map(|iv| tornado(sc, iv, opt))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calculate;

    use crate::testing::shipped as scenario;

    /// Every bar agrees with a full calculator run on a changed intervention (the fast path
    /// against full evaluation).
    #[test]
    fn bars_equal_full_evaluation() {
        for name in ["cti", "afdelinger", "psykisk-misbrug"] {
            let sc = scenario(name);
            for key in ["total", "kommune"] {
                let opt = Options {
                    key: key.into(),
                    ..Options::default()
                };
                for t in run(&sc, &opt).unwrap() {
                    let iv = sc.interventions.iter().find(|i| i.id == t.id).unwrap();
                    let full = |iv: &Intervention| *calculate(&sc, iv).pv.get(key).unwrap();
                    assert!((t.base - full(iv)).abs() < 1e-6);
                    for b in &t.bars {
                        let ends = [(b.input_minus, b.pv_minus), (b.input_plus, b.pv_plus)];
                        for (input, pv) in ends {
                            let mut changed = iv.clone();
                            let mut sc2 = sc.clone();
                            match b.kind {
                                BarKind::Item | BarKind::Area | BarKind::Prices => {
                                    for item in &mut changed.items {
                                        let hit = match b.kind {
                                            BarKind::Item => item.id == b.name,
                                            BarKind::Area => {
                                                format!("area:{}", item.area) == b.name
                                            }
                                            _ => true,
                                        };
                                        if hit && b.kind == BarKind::Prices {
                                            item.prices.iter_mut().for_each(|p| *p *= input);
                                        } else if hit {
                                            item.values.iter_mut().for_each(|v| *v *= input);
                                            item.during.iter_mut().for_each(|v| *v *= input);
                                        }
                                    }
                                }
                                BarKind::SuccessRate => changed.success_rate = input,
                                BarKind::Costs => {
                                    changed.costs.iter_mut().flatten().for_each(|c| *c *= input)
                                }
                                BarKind::DiscountRate => sc2.settings.set_flat_rate(input),
                            }
                            let got = *calculate(&sc2, &changed).pv.get(key).unwrap();
                            assert!(
                                (got - pv).abs() < 1e-6 * (1.0 + pv.abs()),
                                "{name} {key} {}: {got} vs {pv}",
                                b.name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bars_are_sorted_and_bracket_the_base_for_items_with_gains() {
        let sc = scenario("cti");
        let t = &run(&sc, &Options::default()).unwrap()[0];
        assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
        for b in &t.bars {
            assert!(b.low <= b.high);
            if b.kind == BarKind::Item {
                assert!(b.low <= t.base + 1e-9 && t.base <= b.high + 1e-9);
            }
        }
        // the success-rate bar: CTI assumes 14 %, so ±5 pp gives 9 % and 19 %
        let sr = t.bars.iter().find(|b| b.name == "success_rate").unwrap();
        assert!((sr.input_minus - 0.09).abs() < 1e-12 && (sr.input_plus - 0.19).abs() < 1e-12);
    }

    #[test]
    fn clamps_the_success_rate_and_checks_the_actor() {
        let mut sc = scenario("cti");
        sc.interventions[0].success_rate = 0.97;
        let t = &run(&sc, &Options::default()).unwrap()[0];
        let sr = t.bars.iter().find(|b| b.name == "success_rate").unwrap();
        assert_eq!(sr.input_plus, 1.0);
        let bad = Options {
            key: "kommunen".into(),
            ..Options::default()
        };
        assert!(run(&sc, &bad).unwrap_err().to_string().contains("kommune"));
    }
}

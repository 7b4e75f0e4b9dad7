//! Scenario grids (scenarieanalyse), SPEC §4.2, and the generic solver of §4.1.
//!
//! A grid is the Cartesian product of dimensions ([`crate::scenario::vary`]). Inputs that change
//! the settings or the knowledge-base lookup (discount rate, price year, target group, success
//! goal) rebuild the scenario once per combination ("structural"); the others — success rate,
//! participants, cost factor, consequence factors, period length — enter the linear form, summed
//! per area once ([`AreaLinear`]), so a point costs a few hundred multiplications. Points are
//! evaluated in parallel (rayon). A test checks points against full calculator runs.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::AnalysisError;
use crate::kb::KnowledgeBase;
use crate::model::{Linear, break_even_index};
use crate::observer::Observer;
use crate::scenario::vary::{Dimension, Param, Value};
use crate::scenario::{Intervention, Scenario};

/// The linear form of one intervention summed per area.
#[derive(Debug, Clone)]
pub struct AreaLinear {
    /// Keys: `total`, then the actors.
    pub keys: Vec<String>,
    /// Start year.
    pub start_year: i32,
    /// Years in the vectors.
    pub len: usize,
    /// Horizon length.
    pub horizon: usize,
    /// Result period as year indices [from, to].
    pub period: (usize, usize),
    /// Area names.
    pub areas: Vec<String>,
    /// The scenario's success rate.
    pub success_rate: f64,
    /// Mean starters per year.
    pub participants: f64,
    /// All starters over the years of operation.
    pub participants_sum: f64,
    /// Total costs (all actors, undiscounted).
    pub total_costs: f64,
    success: Vec<f64>, // [area][key][t]
    during: Vec<f64>,  // [area][key][t]
    costs: Vec<f64>,   // [key][t]
    saved: Vec<f64>,   // [key][t]
}

/// One point of the linear inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Success rate.
    pub success_rate: f64,
    /// Factor on participants.
    pub participants: f64,
    /// Factor on costs.
    pub costs: f64,
    /// Factor per area (all consequence factors multiplied).
    pub areas: Vec<f64>,
    /// Result period length from the start year (`None`: the scenario's period).
    pub period: Option<usize>,
}

impl AreaLinear {
    /// Builds the evaluator of `iv`.
    pub fn new(sc: &Scenario, iv: &Intervention) -> AreaLinear {
        let lin = Linear::new(&sc.settings, iv);
        let (k_n, len) = (lin.keys.len(), lin.len);
        let mut areas: Vec<String> = Vec::new();
        for item in &iv.items {
            if !areas.contains(&item.area) {
                areas.push(item.area.clone());
            }
        }
        let mut success = vec![0.0; areas.len() * k_n * len];
        let mut during = vec![0.0; areas.len() * k_n * len];
        for (i, item) in iv.items.iter().enumerate() {
            let a = areas.iter().position(|x| *x == item.area).unwrap_or(0);
            for k in 0..k_n {
                for t in 0..len {
                    success[(a * k_n + k) * len + t] += lin.success[i][k][t];
                    during[(a * k_n + k) * len + t] += lin.during[i][k][t];
                }
            }
        }
        let from = lin.in_period.iter().position(|x| *x).unwrap_or(0);
        let to = lin.in_period.iter().rposition(|x| *x).unwrap_or(0);
        let n = iv.participants.len().max(1) as f64;
        AreaLinear {
            keys: lin.keys.clone(),
            start_year: lin.start_year,
            len,
            horizon: lin.horizon,
            period: (from, to),
            areas,
            success_rate: iv.success_rate,
            participants: iv.participants.iter().sum::<f64>() / n,
            participants_sum: iv.participants.iter().sum(),
            total_costs: iv.costs.iter().flatten().sum(),
            success,
            during,
            costs: lin.costs.concat(),
            saved: lin.saved.concat(),
        }
    }

    /// The point of the scenario's own inputs.
    pub fn base(&self) -> Point {
        Point {
            success_rate: self.success_rate,
            participants: 1.0,
            costs: 1.0,
            areas: vec![1.0; self.areas.len()],
            period: None,
        }
    }

    /// Discounted net of key k in year t.
    #[inline]
    fn net(&self, p: &Point, k: usize, t: usize) -> f64 {
        let k_n = self.keys.len();
        let mut x = self.saved[k * self.len + t] - p.costs * self.costs[k * self.len + t];
        for (a, f) in p.areas.iter().enumerate() {
            let at = (a * k_n + k) * self.len + t;
            x += f * p.participants * (p.success_rate * self.success[at] + self.during[at]);
        }
        x
    }

    /// PV per key over the result period.
    pub fn pv(&self, p: &Point, out: &mut [f64]) {
        let (from, to) = match p.period {
            Some(l) => (0, l.saturating_sub(1)),
            None => self.period,
        };
        for (k, o) in out.iter_mut().enumerate().take(self.keys.len()) {
            *o = (from..=to.min(self.len - 1))
                .map(|t| self.net(p, k, t))
                .sum();
        }
    }

    /// PV of key k.
    pub fn pv_of(&self, p: &Point, k: usize) -> f64 {
        let mut out = vec![0.0; self.keys.len()];
        self.pv(p, &mut out);
        out[k]
    }

    /// Break-even year of the total over the horizon.
    pub fn break_even(&self, p: &Point) -> Option<i32> {
        let series: Vec<f64> = (0..self.horizon).map(|t| self.net(p, 0, t)).collect();
        break_even_index(&series).map(|t| self.start_year + t as i32)
    }
}

/// The result of a grid for one intervention.
#[derive(Debug, Clone, Serialize)]
pub struct GridResult {
    /// Intervention id.
    pub id: String,
    /// The dimensions, in the order given.
    pub dimensions: Vec<Dimension>,
    /// Result keys.
    pub keys: Vec<String>,
    /// Number of points.
    pub points: usize,
    /// Items with illustrative numbers, in any of the grid's scenario variants.
    pub illustrative: Vec<String>,
    /// PV per point and key, `[point][key]` (points in row-major order of the dimensions, the
    /// last dimension fastest).
    #[serde(skip)]
    pub pv: Vec<f64>,
    /// Break-even year of the total per point.
    #[serde(skip)]
    pub break_even: Vec<Option<i32>>,
}

impl GridResult {
    /// The values of each dimension at point `i`.
    pub fn coordinates(&self, i: usize) -> Vec<&Value> {
        let radices: Vec<usize> = self.dimensions.iter().map(|d| d.values.len()).collect();
        digits(i, &radices)
            .into_iter()
            .zip(&self.dimensions)
            .map(|(k, d)| &d.values[k])
            .collect()
    }
}

/// The digits of `i` in the mixed radix `radices`, the last digit changing fastest (the order
/// of grid points).
fn digits(mut i: usize, radices: &[usize]) -> Vec<usize> {
    let mut out = vec![0; radices.len()];
    for (d, r) in radices.iter().enumerate().rev() {
        out[d] = i % r;
        i /= r;
    }
    out
}

/// Rebuilds the scenario with structural values (settings and knowledge-base lookups).
fn variant(
    sc: &Scenario,
    kb: &KnowledgeBase,
    edits: &[(&Param, &Value)],
) -> Result<Scenario, AnalysisError> {
    if edits.is_empty() {
        return Ok(sc.clone());
    }
    let text = std::fs::read_to_string(&sc.path)
        .map_err(|e| AnalysisError::Invalid(format!("reading {} again: {e}", sc.path.display())))?;
    let mut doc: toml::Table =
        toml::from_str(&text).map_err(|e| AnalysisError::Invalid(e.to_string()))?;
    let what: Vec<String> = edits
        .iter()
        .map(|(p, v)| {
            let name = match p {
                Param::DiscountRate => "discount_rate",
                Param::PriceYear => "price_year",
                Param::TargetGroup => "target_group",
                _ => "success_goal",
            };
            format!("{name} = {v}")
        })
        .collect();
    for (p, v) in edits {
        match p {
            Param::DiscountRate | Param::PriceYear => {
                let settings = doc
                    .entry("settings")
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = settings {
                    let (key, val) = match p {
                        Param::DiscountRate => ("discount_rate", toml::Value::Float(v.num())),
                        _ => ("price_year", toml::Value::Integer(v.num() as i64)),
                    };
                    t.insert(key.into(), val);
                }
            }
            Param::TargetGroup | Param::SuccessGoal => {
                if let Some(toml::Value::Array(ivs)) = doc.get_mut("intervention") {
                    for iv in ivs {
                        if let toml::Value::Table(t) = iv {
                            if **p == Param::TargetGroup {
                                t.insert("target_group".into(), toml::Value::String(v.to_string()));
                                if !edits.iter().any(|(q, _)| **q == Param::SuccessGoal) {
                                    t.remove("success_goal");
                                }
                                t.remove("exclude");
                            } else {
                                t.insert("success_goal".into(), toml::Value::String(v.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let text = toml::to_string(&doc).map_err(|e| AnalysisError::Invalid(e.to_string()))?;
    crate::scenario::parse_with(&sc.path, &text, kb, &sc.limits).map_err(|e| {
        AnalysisError::Invalid(format!("the grid point with {}: {e}", what.join(", ")))
    })
}

/// Runs a grid over every intervention of the scenario; `observer` can stop it between points.
pub fn run(
    sc: &Scenario,
    kb: &KnowledgeBase,
    dims: &[Dimension],
    observer: &dyn Observer,
) -> Result<Vec<GridResult>, AnalysisError> {
    if dims.is_empty() {
        return Err(AnalysisError::Invalid(
            "no dimensions: give --vary NAME=SPEC (or declare [[grid]] in the file)".into(),
        ));
    }
    let points = dims
        .iter()
        .try_fold(1u64, |acc, d| acc.checked_mul(d.values.len() as u64))
        .unwrap_or(u64::MAX);
    sc.limits
        .check(&crate::limits::GRID_POINTS, points)
        .map_err(|e| {
            AnalysisError::Invalid(format!(
                "the grid: {e} (or use fewer values or larger steps)"
            ))
        })?;
    let points = points as usize;
    for (i, d) in dims.iter().enumerate() {
        if dims[..i].iter().any(|e| e.param == d.param) {
            return Err(AnalysisError::Invalid(format!(
                "{} is varied twice",
                d.name
            )));
        }
    }
    // structural combinations, in mixed-radix order of the structural dimensions
    let structural: Vec<usize> = (0..dims.len())
        .filter(|d| dims[*d].param.structural())
        .collect();
    let n_struct: usize = structural.iter().map(|d| dims[*d].values.len()).product();
    let variants: Vec<Scenario> = (0..n_struct)
        .into_par_iter()
        .map(|c| {
            let radices: Vec<usize> = structural.iter().map(|d| dims[*d].values.len()).collect();
            let edits: Vec<(&Param, &Value)> = digits(c, &radices)
                .into_iter()
                .zip(&structural)
                .map(|(k, d)| (&dims[*d].param, &dims[*d].values[k]))
                .collect();
            variant(sc, kb, &edits)
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (j, iv) in sc.interventions.iter().enumerate() {
        let evals: Vec<AreaLinear> = variants
            .iter()
            .map(|v| AreaLinear::new(v, &v.interventions[j]))
            .collect();
        for d in dims {
            if let Param::AreaFactor(a) = &d.param
                && !evals.iter().any(|e| e.areas.contains(a))
            {
                return Err(AnalysisError::Invalid(format!(
                    "{}: intervention {} has no items in area \"{a}\" (its areas: {})",
                    d.name,
                    iv.id,
                    evals[0].areas.join(", ")
                )));
            }
        }
        let k_n = evals[0].keys.len();
        let radices: Vec<usize> = dims.iter().map(|d| d.values.len()).collect();
        let mut pv = vec![0.0; points * k_n];
        let mut be = vec![None; points];
        let stopped = AtomicBool::new(false);
        pv.par_chunks_mut(k_n)
            .zip(be.par_iter_mut())
            .enumerate()
            .for_each(|(i, (pv, be))| {
                let coords = digits(i, &radices);
                // the structural variant: the structural digits read as one number
                let c = structural
                    .iter()
                    .fold(0, |acc, d| acc * radices[*d] + coords[*d]);
                // the observer is asked every 1,024 points; a stop skips every point after it
                if i % 1024 == 0 && observer.cancelled() {
                    stopped.store(true, Ordering::Relaxed);
                }
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                let e = &evals[c];
                let mut p = e.base();
                for (d, dim) in dims.iter().enumerate() {
                    let x = dim.values[coords[d]].num();
                    match &dim.param {
                        Param::SuccessRate => p.success_rate = x,
                        Param::Participants => {
                            p.participants = if e.participants > 0.0 {
                                x / e.participants
                            } else {
                                0.0
                            }
                        }
                        Param::CostFactor => p.costs = x,
                        Param::ConsequenceFactor => p.areas.iter_mut().for_each(|f| *f *= x),
                        Param::AreaFactor(a) => {
                            if let Some(i) = e.areas.iter().position(|n| n == a) {
                                p.areas[i] *= x;
                            }
                        }
                        Param::Period => p.period = Some(x as usize),
                        _ => {}
                    }
                }
                e.pv(&p, pv);
                *be = e.break_even(&p);
            });
        observer.check()?;
        out.push(GridResult {
            id: iv.id.clone(),
            dimensions: dims.to_vec(),
            keys: evals[0].keys.clone(),
            points,
            pv,
            break_even: be,
            illustrative: {
                let mut items: Vec<String> = Vec::new();
                for v in &variants {
                    for item in v.illustrative_items(&v.interventions[j].id) {
                        if !items.contains(&item) {
                            items.push(item);
                        }
                    }
                }
                items
            },
        });
    }
    Ok(out)
}

/// The outcome of the generic solver.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Solved {
    /// The input value that reaches the target.
    Found {
        /// The value.
        value: f64,
    },
    /// Every value in the searched range reaches (or exceeds) the target.
    AlwaysMet {
        /// Lower end searched.
        from: f64,
        /// Upper end searched.
        to: f64,
    },
    /// No value in the searched range reaches the target.
    NotInRange {
        /// Lower end searched.
        from: f64,
        /// Upper end searched.
        to: f64,
    },
}

/// Bisection: the x in [lo, hi] with f(x) = target, for f monotone on the range; stops when the
/// bracket is below 1e-12 relative (or after 200 steps).
pub fn bisect(f: impl Fn(f64) -> f64, lo: f64, hi: f64, target: f64) -> Solved {
    let (mut a, mut b) = (lo, hi);
    let (fa, fb) = (f(a) - target, f(b) - target);
    if fa == 0.0 {
        return Solved::Found { value: a };
    }
    if fb == 0.0 {
        return Solved::Found { value: b };
    }
    if !fa.is_finite() || !fb.is_finite() || (fa < 0.0 && fb < 0.0) {
        return Solved::NotInRange { from: lo, to: hi };
    }
    if fa > 0.0 && fb > 0.0 {
        return Solved::AlwaysMet { from: lo, to: hi };
    }
    let rising = fb > fa;
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if (b - a) <= 1e-12 * m.abs().max(1e-12) {
            break;
        }
        let fm = f(m) - target;
        if (fm < 0.0) == rising {
            a = m;
        } else {
            b = m;
        }
    }
    Solved::Found {
        value: 0.5 * (a + b),
    }
}

/// Other inputs solved for a target, for one key (SPEC §4.1 "solved generically").
#[derive(Debug, Clone, Serialize)]
pub struct OtherInputs {
    /// The highest cost per participant (kroner, all actors' costs ÷ all participants) that
    /// still reaches the target, costs scaled together.
    pub max_cost_per_participant: Solved,
    /// The smallest factor on all consequence values that reaches the target.
    pub min_consequence_factor: Solved,
    /// The fewest starters per year (on average) that reach the target, costs unchanged.
    pub min_participants: Solved,
}

/// The largest factor searched by the solver (×1000 the scenario's value).
pub const SEARCH_MAX: f64 = 1000.0;

/// Solves the other inputs for key k to reach `target`, the rest at the scenario's values.
pub fn other_inputs(e: &AreaLinear, k: usize, target: f64) -> OtherInputs {
    let scale = |s: Solved, by: f64| match s {
        Solved::Found { value } => Solved::Found { value: value * by },
        Solved::NotInRange { from, to } => Solved::NotInRange {
            from: from * by,
            to: to * by,
        },
        Solved::AlwaysMet { from, to } => Solved::AlwaysMet {
            from: from * by,
            to: to * by,
        },
    };
    let per_participant = e.total_costs / e.participants_sum.max(f64::MIN_POSITIVE);
    let solve = |set: &dyn Fn(&mut Point, f64)| {
        bisect(
            |x| {
                let mut p = e.base();
                set(&mut p, x);
                e.pv_of(&p, k)
            },
            0.0,
            SEARCH_MAX,
            target,
        )
    };
    let cost = solve(&|p, x| p.costs = x);
    let cons = solve(&|p, x| p.areas.iter_mut().for_each(|f| *f = x));
    let part = solve(&|p, x| p.participants = x);
    OtherInputs {
        max_cost_per_participant: scale(cost, per_participant),
        min_consequence_factor: cons,
        min_participants: scale(part, e.participants),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calculate;
    use crate::scenario::vary::parse;

    fn setup(name: &str) -> (KnowledgeBase, Scenario) {
        (crate::testing::kb(), crate::testing::shipped(name))
    }

    /// Every point equals a full calculator run on a changed intervention.
    #[test]
    fn points_equal_full_evaluation() {
        let (kb, sc) = setup("afdelinger");
        let dims: Vec<Dimension> = [
            "success_rate=0.1,0.35",
            "participants=10,40",
            "cost_factor=0.5,1.5",
            "consequence_factor=0.8,1.1",
            "period=3,10",
        ]
        .iter()
        .map(|s| parse(s).unwrap())
        .collect();
        let r = &run(&sc, &kb, &dims, &crate::observer::Quiet).unwrap()[0];
        assert_eq!(r.points, 32);
        let iv = &sc.interventions[0];
        let mean_n = iv.participants.iter().sum::<f64>() / iv.participants.len() as f64;
        for i in 0..r.points {
            let c = r.coordinates(i);
            let mut changed = iv.clone();
            changed.success_rate = c[0].num();
            changed
                .participants
                .iter_mut()
                .for_each(|n| *n *= c[1].num() / mean_n);
            changed
                .costs
                .iter_mut()
                .flatten()
                .for_each(|x| *x *= c[2].num());
            for item in &mut changed.items {
                item.values.iter_mut().for_each(|v| *v *= c[3].num());
                item.during.iter_mut().for_each(|v| *v *= c[3].num());
            }
            changed.result_period = (iv.start_year, iv.start_year + c[4].num() as i32 - 1);
            let full = calculate(&sc, &changed);
            for (k, key) in r.keys.iter().enumerate() {
                let want = *full.pv.get(key).unwrap();
                let got = r.pv[i * r.keys.len() + k];
                assert!(
                    (got - want).abs() < 1e-6 * (1.0 + want.abs()),
                    "{i} {key}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn corners_equal_calc_and_structural_inputs_rebuild_the_scenario() {
        let (kb, sc) = setup("cti");
        let dims: Vec<Dimension> = ["discount_rate=0.02,0.04", "success_rate=0.14"]
            .iter()
            .map(|s| parse(s).unwrap())
            .collect();
        let r = &run(&sc, &kb, &dims, &crate::observer::Quiet).unwrap()[0];
        for (i, rate) in [0.02, 0.04].iter().enumerate() {
            let mut sc2 = sc.clone();
            sc2.settings.discount_rate = *rate;
            let c = calculate(&sc2, &sc2.interventions[0]);
            assert!((r.pv[i * r.keys.len()] - c.pv.get("total").unwrap()).abs() < 1e-6);
            assert_eq!(r.break_even[i], *c.break_even_year.get("total").unwrap());
        }
        // an alternative target group is looked up in the knowledge base
        let alt = [parse("target_group=hjemloese,boern-angst-depression-6-13").unwrap()];
        let r = &run(&sc, &kb, &alt, &crate::observer::Quiet).unwrap()[0];
        assert_ne!(r.pv[0], r.pv[r.keys.len()]);
        assert!(
            (r.pv[0]
                - calculate(&sc, &sc.interventions[0])
                    .pv
                    .get("total")
                    .unwrap())
            .abs()
                < 1e-6
        );
    }

    #[test]
    fn bad_grids_are_refused() {
        let (kb, sc) = setup("cti");
        let twice = [parse("period=5").unwrap(), parse("period=6").unwrap()];
        assert!(
            run(&sc, &kb, &twice, &crate::observer::Quiet)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let area = [parse("consequence_factor:nowhere=1").unwrap()];
        assert!(
            run(&sc, &kb, &area, &crate::observer::Quiet)
                .unwrap_err()
                .to_string()
                .contains("no items in area")
        );
        assert!(
            run(&sc, &kb, &[], &crate::observer::Quiet)
                .unwrap_err()
                .to_string()
                .contains("--vary")
        );
    }

    #[test]
    fn bisection_finds_roots_and_says_when_there_are_none() {
        match bisect(|x| 2.0 * x - 1.0, 0.0, 10.0, 0.0) {
            Solved::Found { value } => assert!((value - 0.5).abs() < 1e-10),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            bisect(|x| -x - 1.0, 0.0, 10.0, 0.0),
            Solved::NotInRange {
                from: 0.0,
                to: 10.0
            }
        );
        assert_eq!(
            bisect(|x| x + 1.0, 0.0, 10.0, 0.0),
            Solved::AlwaysMet {
                from: 0.0,
                to: 10.0
            }
        );
        // the solved cost per participant makes the PV zero: CTI, total
        let (_, sc) = setup("cti");
        let e = AreaLinear::new(&sc, &sc.interventions[0]);
        let o = other_inputs(&e, 0, 0.0);
        let Solved::Found { value } = o.max_cost_per_participant else {
            panic!()
        };
        let mut p = e.base();
        p.costs = value * e.participants_sum / e.total_costs;
        assert!(e.pv_of(&p, 0).abs() < 1e-3);
    }
}

//! The results of `soem mc` and `soem compare` (SPEC §7): per key the PV's statistics and the
//! break-even years, the split incentive, the required rate at a confidence, per-year ranges, the
//! pairs and the portfolio; with the classifications the front ends put in words.

use serde::Serialize;

use crate::model::Keyed;

/// Where a result comes from (printed on every result).
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// Seed.
    pub seed: u64,
    /// Draws.
    pub draws: u64,
    /// Engine version.
    pub engine: String,
    /// Knowledge-base hash.
    pub knowledge_base: String,
    /// Scenario hash.
    pub scenario: String,
}

/// PV statistics of one key (SPEC §7).
#[derive(Debug, Clone, Serialize)]
pub struct PvStats {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1).
    pub sd: f64,
    /// Percentiles.
    pub p1: f64,
    #[allow(missing_docs)]
    pub p5: f64,
    #[allow(missing_docs)]
    pub p10: f64,
    #[allow(missing_docs)]
    pub p25: f64,
    #[allow(missing_docs)]
    pub p50: f64,
    #[allow(missing_docs)]
    pub p75: f64,
    #[allow(missing_docs)]
    pub p90: f64,
    #[allow(missing_docs)]
    pub p95: f64,
    #[allow(missing_docs)]
    pub p99: f64,
    /// The central interval.
    pub interval: [f64; 2],
    /// P(PV > 0).
    pub p_positive: f64,
    /// The deterministic PV (the scenario's inputs), for reference.
    pub deterministic: f64,
    /// The risk profile: `[amount, P(PV ≤ amount)]` at 101 probabilities evenly from 0.5 % to
    /// 99.5 %, the amount being that percentile of the draws (numpy's linear rule) — the
    /// S-curve "sandsynlighed for mindst …" read from the other side: P(PV ≥ amount) = 1 − p.
    pub cdf: Vec<[f64; 2]>,
    /// How precise the estimates above are with this many draws.
    pub precision: Precision,
}

/// The standard errors of a key's Monte Carlo estimates (random sampling): of the mean sd/√n, of
/// P(PV > 0) √(p(1 − p)/n), and of each interval end q the order-statistic estimate
/// (x(q + δ) − x(q − δ))/2 with δ = √(q(1 − q)/n) — the spread of ±1 sd of the end's rank.
#[derive(Debug, Clone, Serialize)]
pub struct Precision {
    /// Standard error of the mean (kroner).
    pub mean_se: f64,
    /// Standard error of P(PV > 0).
    pub p_positive_se: f64,
    /// Standard errors of the interval's low and high ends (kroner).
    pub interval_se: [f64; 2],
}

/// Break-even year statistics of one key (SPEC §7), over the draws that break even.
#[derive(Debug, Clone, Serialize)]
pub struct BeStats {
    /// 10th percentile (calendar year, interpolated).
    pub p10: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Share of draws with no break-even in the horizon.
    pub share_none: f64,
    /// Last year of the horizon.
    pub horizon_end: i32,
}

/// One combination of actors that gain and lose, with its probability.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    /// Keys with PV > 0.
    pub gains: Vec<String>,
    /// Keys with PV ≤ 0.
    pub loses: Vec<String>,
    /// Share of draws.
    pub share: f64,
}

/// Split-incentive risk: an actor loses while the public sector as a whole gains.
#[derive(Debug, Clone, Serialize)]
pub struct SplitIncentive {
    /// Per actor: P(actor PV ≤ 0 and total PV > 0).
    pub loses_while_total_gains: Keyed<f64>,
    /// Every combination that occurs, most likely first.
    pub patterns: Vec<Pattern>,
}

/// The success rate needed for a chosen chance of breaking even.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredAtConfidence {
    /// The chance, e.g. 0.8.
    pub confidence: f64,
    /// Per key; `null` when no success rate in any range gives that chance.
    pub success_rate: Keyed<Option<f64>>,
}

/// A histogram of the total PV (for the report's chart): equal bins between the 0.5th and
/// 99.5th percentiles; draws outside go to the end bins.
#[derive(Debug, Clone, Serialize)]
pub struct Histogram {
    /// Bin edges (bins + 1).
    pub edges: Vec<f64>,
    /// Draws per bin.
    pub counts: Vec<u64>,
}

/// The chance that the total PV reaches an amount (`--at-least`).
#[derive(Debug, Clone, Serialize)]
pub struct AtLeast {
    /// The amount (kroner).
    pub amount: f64,
    /// P(PV ≥ amount), the share of draws.
    pub p: f64,
}

/// How an automatic run (`draws = "auto"`) ended.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AutoResult {
    /// The standard error wanted on the ends of the total's interval (kroner).
    pub precision: f64,
    /// Whether it was reached (else the ceiling stopped it).
    pub reached: bool,
    /// The worst standard error of those ends with the draws used.
    pub se: f64,
    /// The ceiling.
    pub max: u64,
}

/// Low end, median and high end of one year's net (undiscounted kroner).
#[derive(Debug, Clone, Serialize)]
pub struct YearRange {
    /// Low end of the interval (the budget minimum).
    pub low: f64,
    /// Median.
    pub p50: f64,
    /// High end.
    pub high: f64,
}

/// One budget year.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetYear {
    /// Calendar year.
    pub year: i32,
    /// Per key.
    pub net: Keyed<YearRange>,
}

/// The Monte Carlo result of one intervention (SPEC §7 `soem mc`, plus more).
#[derive(Debug, Clone, Serialize)]
pub struct McResult {
    /// Intervention id.
    pub id: String,
    /// Draws.
    pub draws: u64,
    /// Seed.
    pub seed: u64,
    /// Central interval.
    pub interval: f64,
    /// PV statistics per key.
    pub pv: Keyed<PvStats>,
    /// Break-even year statistics per key.
    pub break_even_year: Keyed<BeStats>,
    /// Split-incentive risk (when the scenario has at most 9 actors).
    pub split_incentive: Option<SplitIncentive>,
    /// The required success rate at a confidence (when asked for).
    pub required_success_rate: Option<RequiredAtConfidence>,
    /// Per-year net ranges (when asked for).
    pub by_year: Option<Vec<BudgetYear>>,
    /// P(total PV ≥ amount) for the amount asked (`--at-least`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least: Option<AtLeast>,
    /// What drives the uncertainty: per key, each uncertain input's first-order and total Sobol
    /// index (exact, [`super::anova`]), largest total first (`--sensitivity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Keyed<Vec<super::SobolIndex>>>,
    /// With correlated inputs, what drives the uncertainty instead of Sobol indices: per key each
    /// input's rank correlation with the PV (`--sensitivity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_sensitivity: Option<Keyed<Vec<super::anova::RankIndex>>>,
    /// What knowing more is worth before deciding to fund it or not (`--sensitivity`; not in a
    /// comparison's own results, whose decision is the comparison's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_of_information: Option<super::ValueOfInformation>,
    /// The rank correlations asked for between inputs and those of the draws (`[[correlation]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<super::copula::CorrelationResult>,
    /// How an automatic number of draws ended (`draws = "auto"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<AutoResult>,
    /// Histogram of the total PV.
    pub histogram: Histogram,
    /// Share of draws breaking even in each horizon year (total), `[year, share]`.
    pub break_even_distribution: Vec<(i32, f64)>,
    /// The uncertain inputs drawn.
    pub inputs: Vec<String>,
    /// Items with illustrative numbers.
    pub illustrative: Vec<String>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
}

/// One pair of interventions compared on the total PV.
#[derive(Debug, Clone, Serialize)]
pub struct PairResult {
    /// First intervention.
    pub a: String,
    /// Second intervention.
    pub b: String,
    /// P(PV_a > PV_b), ties counted half.
    pub p_a_better: f64,
    /// The intersection of the two intervals, or `null`.
    pub interval_overlap: Option<[f64; 2]>,
    /// Length of the intersection ÷ length of the union of the two intervals (0 when disjoint,
    /// 1 when identical).
    pub overlap_share: f64,
    /// The intervention with the higher best estimate (deterministic PV).
    pub best_estimate: String,
    /// P(choosing the wrong one when picking `best_estimate`).
    pub wrong_choice_risk: f64,
}

/// How much two intervals overlap, in the course's three words (presentation 3: a small overlap
/// means a clear choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlapSize {
    /// Less than a quarter of the union of the two intervals.
    Small,
    /// A quarter up to 60 %.
    Medium,
    /// 60 % or more.
    Large,
}

impl OverlapSize {
    /// Overlap shares below this are small.
    pub const SMALL_BELOW: f64 = 0.25;
    /// Overlap shares from this on are large.
    pub const LARGE_FROM: f64 = 0.6;

    /// The size of an overlap share (intersection ÷ union).
    pub fn of(share: f64) -> OverlapSize {
        if share < Self::SMALL_BELOW {
            OverlapSize::Small
        } else if share < Self::LARGE_FROM {
            OverlapSize::Medium
        } else {
            OverlapSize::Large
        }
    }
}

impl PairResult {
    /// The size of the two intervals' overlap.
    pub fn overlap_size(&self) -> OverlapSize {
        OverlapSize::of(self.overlap_share)
    }
}

/// The budget minimum of several interventions together.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// Interventions summed.
    pub interventions: Vec<String>,
    /// Low end of the interval of the summed total PV (joint draws).
    pub low: f64,
    /// High end.
    pub high: f64,
    /// Sum of the individual low ends (too conservative).
    pub sum_of_lows: f64,
    /// Per key: low end of the summed PV.
    pub low_by_key: Keyed<f64>,
    /// Per calendar year and key: the range of the summed undiscounted net.
    pub by_year: Vec<BudgetYear>,
    /// Warnings (overlapping target groups).
    pub warnings: Vec<crate::scenario::Warning>,
    /// The deterministic sum of the interventions (best estimates), with the course's cautions.
    pub sum: Option<crate::model::sum::Sum>,
}

/// One intervention's place among all of them, for one key.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    /// Intervention id.
    pub id: String,
    /// The share of draws in which it has the highest PV (draws with a tie at the top are shared
    /// among the tied).
    pub p_best: f64,
    /// Its mean rank over the draws (1 = highest PV; ties take the mean of their places).
    pub expected_rank: f64,
    /// Mean PV.
    pub mean: f64,
    /// The central interval of its PV.
    pub interval: [f64; 2],
}

impl Comparison {
    /// For the intervention at `place` in `key`'s ranking: P(the next one down has the higher
    /// total PV), from the pair of the two — the risk of choosing it over the next. `None` for the
    /// last place.
    pub fn risk_against_next(&self, key: &str, place: usize) -> Option<f64> {
        let list = self.ranking.get(key)?;
        let (this, next) = (&list.get(place)?.id, &list.get(place + 1)?.id);
        self.pairs.iter().find_map(|p| {
            if &p.a == this && &p.b == next {
                Some(1.0 - p.p_a_better)
            } else if &p.b == this && &p.a == next {
                Some(p.p_a_better)
            } else {
                None
            }
        })
    }
}

/// `soem compare`: pairs, portfolio and every intervention's own result.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Every pair (a before b in file order).
    pub pairs: Vec<PairResult>,
    /// Per key: the interventions ranked by their expected rank over the joint draws.
    pub ranking: Keyed<Vec<Ranked>>,
    /// The portfolio.
    pub portfolio: Portfolio,
    /// Each intervention's Monte Carlo result (from the same joint draws).
    pub interventions: Vec<McResult>,
    /// What knowing more is worth before choosing one of them, or none (`--sensitivity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_of_information: Option<super::ValueOfInformation>,
    /// The rank correlations asked for between inputs and those of the draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<super::copula::CorrelationResult>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
}

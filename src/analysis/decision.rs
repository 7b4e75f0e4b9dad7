//! The decision analysis behind the report: every driver the scenario needs, run once, into one
//! [`Summary`] (written as the report's `summary.json` and shown by its pages).

use serde::Serialize;

use crate::analysis::grid::GridResult;
use crate::analysis::mc::{Comparison, McResult, Provenance};
use crate::analysis::require::{RequireResult, Target};
use crate::analysis::tornado::Tornado;
use crate::error::AnalysisError;
use crate::kb::KnowledgeBase;
use crate::model::{Calculation, calculate};
use crate::observer::Observer;
use crate::scenario::Scenario;

/// What the decision material is for (the course's four presentations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Single evaluation: best estimate and interval.
    Evaluation,
    /// Investment: best estimate, interval, break-even year range.
    Investment,
    /// Prioritisation between interventions: interval overlap.
    Prioritisation,
    /// Budget: minimum figures.
    Budget,
    /// All four.
    All,
}

impl Purpose {
    /// True when material for `p` is shown (`All` shows everything).
    pub fn shows(self, p: Purpose) -> bool {
        self == Purpose::All || self == p
    }
}

/// Everything the decision report shows (also written as `summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario title.
    pub title: String,
    /// Purpose.
    pub purpose: Purpose,
    /// Base calculations.
    pub calc: Vec<Calculation>,
    /// Requirement analyses (break-even).
    pub require: Vec<RequireResult>,
    /// Tornados of the total.
    pub tornado: Vec<Tornado>,
    /// Monte Carlo per intervention (joint draws).
    pub mc: Vec<McResult>,
    /// Comparison and portfolio, with two or more interventions.
    pub comparison: Option<Comparison>,
    /// Grids declared in the scenario.
    pub grids: Vec<(String, Vec<GridResult>)>,
    /// Every input's note and source.
    pub logbook: Vec<crate::scenario::LogEntry>,
    /// Items with illustrative numbers.
    pub illustrative: Vec<crate::scenario::Illustrative>,
    /// Scenario warnings.
    pub warnings: Vec<crate::scenario::Warning>,
    /// Seed, draws, engine, hashes.
    pub provenance: Provenance,
    /// Where each knowledge-base table came from (the user's folder or the shipped base).
    pub knowledge: Vec<crate::kb::TableSource>,
    /// The file's settings: price year, discount rate (or schedule), actors, tax on transfers.
    pub settings: crate::scenario::Settings,
    /// Each intervention's own assumptions beside the settings.
    pub assumptions: Vec<Assumptions>,
}

/// What an intervention assumes beside the file's settings (the report's Forudsætninger).
#[derive(Debug, Clone, Serialize)]
pub struct Assumptions {
    /// Intervention id.
    pub id: String,
    /// Target group and success goal, when from the knowledge base.
    pub target_group: Option<String>,
    /// The success goal.
    pub success_goal: Option<String>,
    /// Starters per year, from the start year.
    pub participants: Vec<f64>,
    /// The start year.
    pub start_year: i32,
    /// How the success rate was given (a rate, gross minus counterfactual, or an effect size).
    pub success_rate: crate::scenario::SuccessRateInput,
    /// The success rate it resolves to.
    pub success_rate_used: f64,
    /// The result period [from, to].
    pub result_period: [i32; 2],
    /// The horizon [first, last] calendar year (SPEC §3.6).
    pub horizon: [i32; 2],
}

/// Runs every analysis the scenario needs: the calculator, the requirement analysis, the tornado,
/// the Monte Carlo with the required rate at 80 % and the budget years (with two or more
/// interventions, the comparison and portfolio), and the declared grids.
pub fn analyse(
    sc: &Scenario,
    kb: &KnowledgeBase,
    purpose: Purpose,
    draws: u64,
    seed: u64,
    at_least: Option<f64>,
    observer: &dyn Observer,
) -> Result<Summary, AnalysisError> {
    let mc_opt = crate::analysis::mc::Options {
        draws,
        seed,
        interval: sc.monte_carlo.interval,
        confidence: Some(0.8),
        // budget years: a single intervention's own, or the portfolio's (summed in the engine)
        by_year: sc.interventions.len() < 2,
        at_least,
        // what drives the uncertainty and what knowing more is worth: always in the report
        sensitivity: true,
        decision_key: None,
        sampling: None,
        // the file's "auto" when the report draws the file's first round (no --draws)
        auto: sc
            .monte_carlo
            .auto
            .filter(|_| draws == sc.monte_carlo.draws),
    };
    let (mc, comparison) = if sc.interventions.len() >= 2 {
        let c = crate::analysis::mc::compare(sc, &kb.hash, &mc_opt, observer)?;
        (c.interventions.clone(), Some(c))
    } else {
        (
            crate::analysis::mc::run(sc, &kb.hash, &mc_opt, observer)?,
            None,
        )
    };
    let mut grids = Vec::new();
    for g in &sc.grids {
        grids.push((
            g.name.clone(),
            crate::analysis::grid::run(sc, kb, &g.vary, observer)?,
        ));
    }
    Ok(Summary {
        title: sc.title.clone(),
        purpose,
        calc: sc
            .interventions
            .iter()
            .map(|iv| calculate(sc, iv))
            .collect(),
        require: crate::analysis::require::run(sc, &Target::BreakEven)?,
        tornado: crate::analysis::tornado::run(sc, &Default::default())?,
        mc,
        comparison,
        grids,
        logbook: sc.logbook.clone(),
        illustrative: sc.illustrative.clone(),
        warnings: sc.warnings.clone(),
        provenance: crate::analysis::mc::provenance(sc, &kb.hash, &mc_opt),
        knowledge: kb.tables.clone(),
        settings: sc.settings.clone(),
        assumptions: assumptions(sc),
    })
}

/// Each intervention's assumptions.
pub fn assumptions(sc: &Scenario) -> Vec<Assumptions> {
    sc.interventions
        .iter()
        .map(|iv| {
            let c = calculate(sc, iv);
            Assumptions {
                id: iv.id.clone(),
                target_group: iv.target_group.clone(),
                success_goal: iv.success_goal.clone(),
                participants: iv.participants.clone(),
                start_year: iv.start_year,
                success_rate: iv.success_rate_input.clone(),
                success_rate_used: iv.success_rate,
                result_period: [iv.result_period.0, iv.result_period.1],
                horizon: [
                    c.years.first().copied().unwrap_or(iv.start_year),
                    c.years.last().copied().unwrap_or(iv.start_year),
                ],
            }
        })
        .collect()
}

//! `soem require`: renders requirement analyses (kravanalyse) as text, JSON or CSV.

use crate::analysis::require::{RequireResult, Target, run as analyse};
use crate::error::AnalysisError;
use crate::export::Export;
use crate::present::format::Lang;
use crate::present::table::Table;
use crate::present::view::require as view;
use crate::present::words;
use crate::scenario::Scenario;

/// The requirement analyses of every intervention.
pub struct Require(Vec<RequireResult>);

/// Runs the analysis.
pub fn run(sc: &Scenario, target: &Target) -> Result<Require, AnalysisError> {
    Ok(Require(analyse(sc, target)?))
}

impl Export for Require {
    fn json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&self.0)? + "\n")
    }

    fn table(&self) -> Table {
        view::long(&self.0)
    }

    fn text(&self, lang: Lang) -> String {
        text(&self.0, lang)
    }
}

fn text(results: &[RequireResult], lang: Lang) -> String {
    let mut out = String::new();
    for r in results {
        out += &format!("{}\n", view::heading(r, lang));
        out += &view::actors(r, lang).to_text(lang);
        out += "\n";
        out += &super::titled_text(&view::by_period(r, lang), lang);
        out += "\n";
        out += &super::titled_text(&view::other_inputs(r, lang), lang);
        out += &words::illustrative_line(&r.illustrative, lang);
        out += "\n";
    }
    out
}

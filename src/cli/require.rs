//! `soem require`: renders requirement analyses (kravanalyse) as text, JSON or CSV.

use crate::analysis::require::{RequireResult, Target, run as analyse};
use crate::error::AnalysisError;
use crate::export::Results;
use crate::present::format::Lang;
use crate::present::view::require as view;
use crate::present::words;
use crate::scenario::Scenario;

/// Runs the analysis.
pub fn run(
    sc: &Scenario,
    target: &Target,
) -> Result<Results<'static, Vec<RequireResult>>, AnalysisError> {
    Ok(Results::new(
        analyse(sc, target)?,
        |r: &Vec<RequireResult>| view::long(r),
        |r: &Vec<RequireResult>, lang| text(r, lang),
    ))
}

fn text(results: &[RequireResult], lang: Lang) -> String {
    let mut out = String::new();
    for r in results {
        out += &format!("{}\n", view::heading(r, lang));
        out += &view::actors(r, lang).to_text(lang);
        if let Some(line) = words::effect_check(r, lang) {
            out += &format!("{line}.\n");
        }
        out += "\n";
        out += &super::titled_text(&view::by_period(r, lang), lang);
        out += "\n";
        out += &super::titled_text(&view::other_inputs(r, lang), lang);
        out += &words::illustrative_line(&r.illustrative, lang);
        out += "\n";
    }
    out
}

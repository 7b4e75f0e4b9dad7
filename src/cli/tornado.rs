//! `soem tornado`: renders tornados as text bars, JSON (SPEC §7) or CSV.

use crate::analysis::tornado::{Options, Tornado, run as analyse};
use crate::error::AnalysisError;
use crate::export::Results;
use crate::present::format::Lang;
use crate::present::view::tornado as view;
use crate::present::words;
use crate::scenario::Scenario;

/// Runs the tornado.
pub fn run(sc: &Scenario, opt: &Options) -> Result<Results<'static, Vec<Tornado>>, AnalysisError> {
    Ok(Results::new(
        analyse(sc, opt)?,
        |r: &Vec<Tornado>| view::long(r),
        |r: &Vec<Tornado>, lang| text(r, lang),
    ))
}

fn text(results: &[Tornado], lang: Lang) -> String {
    let mut out = String::new();
    for t in results {
        out += &format!("{}\n", view::heading(t, lang));
        out += &view::bars(t, lang, true).to_text(lang);
        out += &words::illustrative_line(&t.illustrative, lang);
        out += &format!("{}\n\n", view::legend(lang));
    }
    out
}

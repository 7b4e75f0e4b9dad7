//! `soem tornado`: renders tornados as text bars, JSON (SPEC §7) or CSV.

use crate::analysis::tornado::{Options, Tornado, run as analyse};
use crate::error::AnalysisError;
use crate::export::Export;
use crate::present::format::Lang;
use crate::present::table::Table;
use crate::present::view::tornado as view;
use crate::present::words;
use crate::scenario::Scenario;

/// The tornados of every intervention.
pub struct Tornados(Vec<Tornado>);

/// Runs the tornado.
pub fn run(sc: &Scenario, opt: &Options) -> Result<Tornados, AnalysisError> {
    Ok(Tornados(analyse(sc, opt)?))
}

impl Export for Tornados {
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

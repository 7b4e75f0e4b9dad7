//! `soem mc` and `soem compare`: Monte Carlo results as text, JSON (SPEC §7) or CSV.

use crate::analysis::mc::{Comparison, McResult};
use crate::export::Results;
use crate::present::format::Lang;
use crate::present::view::mc as view;
use crate::present::words;
use crate::scenario::Scenario;

/// `soem mc`: every intervention's result.
pub fn mc(sc: &Scenario, results: Vec<McResult>) -> Results<'_, Vec<McResult>> {
    Results::new(
        results,
        |r: &Vec<McResult>| view::long(r),
        move |r: &Vec<McResult>, lang| r.iter().map(|x| text(sc, x, lang)).collect(),
    )
}

/// `soem compare`: the comparison of the interventions.
pub fn compare(sc: &Scenario, comparison: Comparison) -> Results<'_, Comparison> {
    Results::new(comparison, view::pairs_long, move |c: &Comparison, lang| {
        compare_text(sc, c, lang)
    })
}

/// The text view of one intervention's result.
fn text(sc: &Scenario, r: &McResult, lang: Lang) -> String {
    let period = sc
        .interventions
        .iter()
        .find(|i| i.id == r.id)
        .map(|iv| iv.result_period);
    let mut out = format!("{}\n", view::heading(r, period, lang));
    out += &view::summary(r, lang).to_text(lang);
    if let Some(p) = r.pv.get(crate::model::TOTAL) {
        out += &format!("{}\n", words::precision(&p.precision, r.draws, lang));
    }
    if let Some(a) = &r.auto {
        out += &format!("{}\n", words::auto_draws(a, r.draws, lang));
    }
    for line in view::split_incentives(r, 0.0, 1, lang) {
        out += &format!("{line}\n");
    }
    if let Some(line) = view::required_rate(r, lang) {
        out += &format!("{line}\n");
    }
    if let Some(a) = &r.at_least {
        out += &format!("{}\n", words::at_least(a, lang));
    }
    if let Some(c) = &r.correlation {
        out += &format!("{}\n", lang.t("Korrelationer:", "Correlations:"));
        for line in words::correlation_lines(c, lang) {
            out += &format!("  {line}\n");
        }
    }
    if let Some(t) = view::sensitivity(r, crate::model::TOTAL, lang) {
        out += &format!("\n{}", super::titled_text(&t, lang));
    } else if let Some(t) = view::rank_sensitivity(r, crate::model::TOTAL, lang) {
        out += &format!("\n{}\n", words::correlated_sensitivity(lang));
        out += &super::titled_text(&t, lang);
    }
    if let Some(v) = &r.value_of_information {
        out += &value_text(v, lang);
    }
    out += &words::illustrative_line(&r.illustrative, lang);
    out += &format!("{}\n\n", words::provenance(&r.provenance, lang));
    out
}

fn compare_text(sc: &Scenario, c: &Comparison, lang: Lang) -> String {
    let mut out = String::new();
    for r in &c.interventions {
        out += &text(sc, r, lang);
    }
    out += &format!(
        "{}\n",
        lang.t(
            "Prioritering (nutidsværdi i alt)",
            "Prioritisation (total present value)"
        )
    );
    for p in &c.pairs {
        out += &format!("  {}\n", view::pair_sentence(p, lang));
    }
    out += "\n";
    out += &super::titled_text(&view::ranking(c, crate::model::TOTAL, lang), lang);
    out += &format!("\n{}\n", view::portfolio(&c.portfolio, lang));
    out += &format!("{}\n", words::summed_minimums(lang));
    out += &view::budget_years(&c.portfolio.by_year, lang).to_text(lang);
    if let Some(sum) = &c.portfolio.sum {
        out += "\n";
        out += &super::sum_text(sum, sc.settings.price_year, lang);
    }
    // the sum's cautions say the same (double counting), so the warnings show without a sum only
    for w in c
        .portfolio
        .warnings
        .iter()
        .filter(|_| c.portfolio.sum.is_none())
    {
        out += &format!(
            "{} {}\n",
            lang.t("Advarsel:", "Warning:"),
            words::warning(w, lang)
        );
    }
    if let Some(v) = &c.value_of_information {
        out += &value_text(v, lang);
    }
    out += &format!("{}\n", words::provenance(&c.provenance, lang));
    out
}

/// The value of information: its sentences, then its table.
fn value_text(v: &crate::analysis::mc::ValueOfInformation, lang: Lang) -> String {
    let (lines, table) = view::value_parts(v, lang);
    let mut out = String::from("\n");
    for line in lines {
        out += &format!("{line}\n");
    }
    if let Some(t) = table {
        out += &super::titled_text(&t, lang);
    }
    out
}

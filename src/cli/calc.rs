//! `soem calc`: the calculator's results as text, JSON (SPEC §7) or CSV.

use crate::export::Results;
use crate::kb::KnowledgeBase;
use crate::model::{Calculation, calculate};
use crate::present::format::Lang;
use crate::present::view::calc as view;
use crate::present::words;
use crate::scenario::Scenario;

/// Runs the calculator on every intervention.
pub fn run<'a>(sc: &'a Scenario, kb: &'a KnowledgeBase) -> Results<'a, Vec<Calculation>> {
    let results = sc
        .interventions
        .iter()
        .map(|iv| calculate(sc, iv))
        .collect();
    Results::new(
        results,
        |r: &Vec<Calculation>| view::long(r),
        move |r: &Vec<Calculation>, lang| text(sc, kb, r, lang),
    )
}

fn text(sc: &Scenario, kb: &KnowledgeBase, results: &[Calculation], lang: Lang) -> String {
    let mut out = String::new();
    for (iv, r) in sc.interventions.iter().zip(results) {
        out += &format!("{} ({})\n", r.name, r.id);
        if let (Some(g), Some(goal)) = (&iv.target_group, &iv.success_goal) {
            let gname = kb.group(g).map_or(g.as_str(), |x| x.name.as_str());
            let sname = kb
                .goals_of(g)
                .into_iter()
                .find(|s| &s.id == goal)
                .map_or(goal.clone(), |s| s.name.clone());
            out += &format!(
                "{}: {gname} ({g}) · {}: {sname}\n",
                lang.t("Målgruppe", "Target group"),
                lang.t("succesmål", "success goal")
            );
        }
        let n: f64 = iv.participants.iter().sum();
        out += &format!("{}\n\n", view::settings_line(r, n, lang));
        for (i, t) in view::tables(r, lang).iter().enumerate() {
            if i > 0 {
                out += "\n";
            }
            out += &super::titled_text(t, lang);
        }
        for f in &r.flags {
            out += &format!("\n{}\n", words::flag(f, lang));
        }
        let lines = view::illustrative(r, lang);
        if !lines.is_empty() {
            out += &format!("\n{}\n", words::illustrative_heading(lang));
            for l in lines {
                out += &format!("  - {l}\n");
            }
        }
        out += "\n";
    }
    if let Some(sum) = crate::model::sum::sum(sc, results) {
        out += &super::sum_text(&sum, sc.settings.price_year, lang);
    }
    if let Some(case) = &sc.case {
        let (pv, period) = crate::model::sum::total_pv(sc, results);
        out += &format!("{}\n", words::case_heading(lang));
        for l in words::case_lines(case, pv, period, lang) {
            out += &format!("  {l}\n");
        }
        out += "\n";
    }
    if !sc.warnings.is_empty() {
        out += &format!("{}\n", lang.t("Advarsler:", "Warnings:"));
        for w in &sc.warnings {
            out += &format!("  - {}\n", words::warning(w, lang));
        }
    }
    out
}

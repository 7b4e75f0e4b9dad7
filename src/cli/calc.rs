//! `soem calc`: renders [`Calculation`]s as text, JSON (SPEC §7) or CSV.

use anyhow::Result;
use polars::prelude::*;

use super::Format;
use super::table::{actor_label, new as table};
use crate::kb::KnowledgeBase;
use crate::model::{Calculation, calculate};
use crate::scenario::Scenario;
use crate::text::{Lang, kr, pct};

/// Runs the calculator on every intervention and renders the results.
pub fn run(sc: &Scenario, kb: &KnowledgeBase, format: Format, lang: Lang) -> Result<String> {
    let results: Vec<Calculation> = sc
        .interventions
        .iter()
        .map(|iv| calculate(sc, iv))
        .collect();
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&results)? + "\n"),
        Format::Csv => csv(&results),
        Format::Text => Ok(text(sc, kb, &results, lang)),
    }
}

/// The results in long format: intervention, table, key, year, value.
pub fn long_frame(results: &[Calculation]) -> Result<DataFrame> {
    let mut iv = Vec::new();
    let mut tab = Vec::new();
    let mut key = Vec::new();
    let mut year: Vec<Option<i32>> = Vec::new();
    let mut value: Vec<Option<f64>> = Vec::new();
    let mut push = |i: &str, t: &str, k: &str, y: Option<i32>, v: Option<f64>| {
        iv.push(crate::text::cell_safe(i));
        tab.push(t.to_string());
        key.push(crate::text::cell_safe(k));
        year.push(y);
        value.push(v);
    };
    for r in results {
        for (k, series) in &r.net.0 {
            for (y, v) in r.years.iter().zip(series) {
                push(&r.id, "net", k, Some(*y), Some(*v));
            }
        }
        for a in &r.areas {
            for (y, v) in r.years.iter().zip(&a.net) {
                push(&r.id, "net_by_area", &a.area, Some(*y), Some(*v));
            }
        }
        for (k, v) in &r.pv.0 {
            push(&r.id, "pv", k, None, Some(*v));
        }
        for (k, v) in &r.break_even_year.0 {
            push(&r.id, "break_even_year", k, *v, v.map(f64::from));
        }
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new("intervention".into(), iv),
        Column::new("table".into(), tab),
        Column::new("key".into(), key),
        Column::new("year".into(), year),
        Column::new("value".into(), value),
    ])?)
}

fn csv(results: &[Calculation]) -> Result<String> {
    let mut df = long_frame(results)?;
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf)
        .include_header(true)
        .finish(&mut df)?;
    Ok(String::from_utf8(buf)?)
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
        out += &format!(
            "{} {} · {} {} · {}-{} · {} {} · {} {}–{}\n\n",
            crate::text::int(n, lang),
            lang.t("deltagere", "participants"),
            lang.t("succesrate", "success rate"),
            pct(r.success_rate, 1, lang),
            r.price_year,
            lang.t("priser", "prices"),
            lang.t("diskonteringsrente", "discount rate"),
            pct(r.discount_rate, 1, lang),
            lang.t("resultatperiode", "result period"),
            r.result_period[0],
            r.result_period[1]
        );
        out += &format!(
            "{} ({}-{}, {})\n",
            lang.t("Nettogevinst pr. år, kr.", "Net gain per year, DKK"),
            r.price_year,
            lang.t("priser", "prices"),
            lang.t(
                "ikke tilbagediskonteret; * = i resultatperioden",
                "undiscounted; * = in the result period"
            )
        );
        let mut header = vec![lang.t("År", "Year").to_string()];
        header.extend(r.net.keys().map(|k| actor_label(k, lang)));
        let rows = r
            .years
            .iter()
            .enumerate()
            .map(|(t, y)| {
                let mark = if *y >= r.result_period[0] && *y <= r.result_period[1] {
                    "*"
                } else {
                    " "
                };
                let mut row = vec![format!("{y}{mark}")];
                row.extend(r.net.0.iter().map(|(_, v)| kr(v[t], lang)));
                row
            })
            .collect();
        out += &table(header, rows, 1);

        out += &format!(
            "\n{} {}–{} ({} {}) {}\n",
            lang.t("Nutidsværdi", "Present value"),
            r.result_period[0],
            r.result_period[1],
            lang.t("tilbagediskonteret til", "discounted to"),
            r.price_year,
            lang.t("og break-even", "and break-even")
        );
        let header = vec![
            lang.t("Aktør", "Actor").to_string(),
            lang.t("Nutidsværdi", "Present value").to_string(),
            lang.t("Break-even", "Break-even").to_string(),
        ];
        let rows =
            r.pv.0
                .iter()
                .zip(&r.break_even_year.0)
                .zip(&r.break_even_years_since_start.0)
                .map(|(((k, pv), (_, be)), (_, since))| {
                    let be = match (be, since) {
                        (Some(y), Some(s)) => format!("{y} ({} {s})", lang.t("år", "year")),
                        _ => lang
                            .t("ingen i horisonten", "none in the horizon")
                            .to_string(),
                    };
                    vec![actor_label(k, lang), kr(*pv, lang), be]
                })
                .collect();
        out += &table(header, rows, 1);

        out += &format!(
            "\n{} {}–{}\n",
            lang.t("Nutidsværdi pr. område", "Present value per area"),
            r.result_period[0],
            r.result_period[1]
        );
        let mut header = vec![lang.t("Område", "Area").to_string()];
        header.extend(r.pv.keys().map(|k| actor_label(k, lang)));
        let rows = r
            .areas
            .iter()
            .map(|a| {
                let mut row = vec![a.area.clone()];
                row.extend(a.pv.0.iter().map(|(_, v)| kr(*v, lang)));
                row
            })
            .collect();
        out += &table(header, rows, 1);
        if !r.illustrative.is_empty() {
            out += &format!(
                "\n{}\n",
                lang.t(
                    "OBS: beregningen bruger illustrative tal (ikke fra SØM's referencemateriale):",
                    "NOTE: this result uses illustrative numbers (not from the SØM reference material):"
                )
            );
            for l in &r.illustrative {
                let what = match (l.consequences, l.prices) {
                    (true, true) => lang.t("konsekvenser og priser", "consequences and prices"),
                    (true, false) => lang.t("konsekvenser", "consequences"),
                    _ => lang.t("priser", "prices"),
                };
                out += &format!("  - {} ({}): {what}\n", l.name, l.item);
            }
        }
        out += "\n";
    }
    if !sc.warnings.is_empty() {
        out += &format!("{}\n", lang.t("Advarsler:", "Warnings:"));
        for w in &sc.warnings {
            out += &format!("  - {w}\n");
        }
    }
    out
}

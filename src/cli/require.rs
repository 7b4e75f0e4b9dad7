//! `soem require`: renders requirement analyses (kravanalyse) as text, JSON or CSV.

use anyhow::{Result, anyhow};

use super::Format;
use super::table::{actor_label, new as table};
use crate::analysis::grid::Solved;
use crate::analysis::require::{RequireResult, Target, run as analyse};
use crate::scenario::Scenario;
use crate::text::{Lang, dec, kr, pct};

/// Runs the analysis and renders it.
pub fn run(sc: &Scenario, target: &Target, format: Format, lang: Lang) -> Result<String> {
    let results = analyse(sc, target).map_err(|e| anyhow!(e))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&results)? + "\n"),
        Format::Csv => Ok(csv(&results)),
        Format::Text => Ok(text(&results, lang)),
    }
}

fn rate(s: Option<f64>, lang: Lang) -> String {
    match s {
        None => lang.t("ingen", "none").to_string(),
        Some(s) => pct(s, 1, lang),
    }
}

/// The plain-language sentence for one actor.
pub fn sentence(s: Option<f64>, assumed: f64, lang: Lang) -> String {
    match s {
        None => lang
            .t(
                "Ingen succesrate når målet (indsatsen giver ingen gevinst her)",
                "No success rate reaches the target (the intervention gains nothing here)",
            )
            .to_string(),
        Some(s) if s > 1.0 => format!(
            "{} {} ({} {})",
            lang.t("Uopnåeligt: kræver", "Unattainable: needs"),
            pct(s, 1, lang),
            lang.t("antaget:", "assumed:"),
            pct(assumed, 1, lang)
        ),
        Some(s) if s <= 0.0 => lang
            .t("Nås selv uden succes", "Met even with no success")
            .to_string(),
        Some(s) => format!(
            "{} {} ({} {})",
            lang.t(
                "Kræver en succesrate på mindst",
                "Needs a success rate of at least"
            ),
            pct(s, 1, lang),
            lang.t("antaget:", "assumed:"),
            pct(assumed, 1, lang)
        ),
    }
}

fn text(results: &[RequireResult], lang: Lang) -> String {
    let mut out = String::new();
    for r in results {
        let what = match r.target_kind.as_str() {
            "break_even" => lang
                .t("break-even (nutidsværdi 0)", "break-even (present value 0)")
                .to_string(),
            "amount" => format!(
                "{} {}",
                lang.t("nutidsværdi", "present value"),
                kr(r.target, lang)
            ),
            m => format!(
                "{} {}",
                lang.t("samme nutidsværdi som", "the present value of"),
                m.trim_start_matches("match:")
            ),
        };
        out += &format!(
            "{} {} — {} {}, {} {}–{}\n",
            lang.t("Kravanalyse", "Requirement analysis"),
            r.id,
            lang.t("mål:", "target:"),
            what,
            lang.t("periode", "period"),
            r.result_period[0],
            r.result_period[1]
        );
        let rows = r
            .details
            .0
            .iter()
            .map(|(k, d)| {
                vec![
                    actor_label(k, lang),
                    rate(d.success_rate, lang),
                    sentence(d.success_rate, r.assumed_success_rate, lang),
                ]
            })
            .collect();
        out += &super::table::aligned(
            vec![
                lang.t("Aktør", "Actor").into(),
                lang.t("Krævet succesrate", "Required success rate").into(),
                lang.t("Vurdering", "Reading").into(),
            ],
            rows,
            &[false, true, false],
        );
        out += &format!(
            "\n{}\n",
            lang.t(
                "Krævet succesrate efter periodens længde (fra startåret)",
                "Required success rate by period length (from the start year)"
            )
        );
        let mut header = vec![lang.t("År", "Years").to_string()];
        header.extend(r.success_rate.keys().map(|k| actor_label(k, lang)));
        let rows = r
            .by_period
            .iter()
            .map(|p| {
                let mut row = vec![format!("{} (–{})", p.years, p.to)];
                row.extend(p.success_rate.0.iter().map(|(_, s)| rate(*s, lang)));
                row
            })
            .collect();
        out += &table(header, rows, 1);
        out += &format!(
            "\n{}\n",
            lang.t(
                "Andre input, der når samme mål (resten som antaget)",
                "Other inputs that reach the same target (the rest as assumed)"
            )
        );
        let found = |s: &Solved, f: &dyn Fn(f64) -> String| match s {
            Solved::Found { value } => f(*value),
            Solved::AlwaysMet { .. } => lang
                .t("nås for alle værdier", "met at any value")
                .to_string(),
            Solved::NotInRange { from, to } => format!(
                "{} {}–{}",
                lang.t("ingen værdi i", "no value in"),
                f(*from),
                f(*to)
            ),
        };
        let rows = r
            .other_inputs
            .0
            .iter()
            .map(|(k, o)| {
                vec![
                    actor_label(k, lang),
                    found(&o.max_cost_per_participant, &|v| kr(v, lang)),
                    found(&o.min_consequence_factor, &|v| dec(v, 3, lang)),
                    found(&o.min_participants, &|v| dec(v, 1, lang)),
                ]
            })
            .collect();
        out += &table(
            vec![
                lang.t("Aktør", "Actor").into(),
                lang.t(
                    "Højeste omkostning pr. deltager",
                    "Highest cost per participant",
                )
                .into(),
                lang.t("Mindste konsekvensfaktor", "Smallest consequence factor")
                    .into(),
                lang.t("Færreste deltagere pr. år", "Fewest participants per year")
                    .into(),
            ],
            rows,
            1,
        );
        out += &super::illustrative_note(&r.illustrative, lang);
        out += "\n";
    }
    out
}

fn csv(results: &[RequireResult]) -> String {
    let cell = |s: Option<f64>| s.map(|s| s.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for r in results {
        for (k, s) in &r.success_rate.0 {
            rows.push(vec![
                r.id.clone(),
                String::new(),
                r.result_period[1].to_string(),
                k.clone(),
                cell(*s),
            ]);
        }
        for p in &r.by_period {
            for (k, s) in &p.success_rate.0 {
                rows.push(vec![
                    r.id.clone(),
                    p.years.to_string(),
                    p.to.to_string(),
                    k.clone(),
                    cell(*s),
                ]);
            }
        }
    }
    let header = [
        "intervention",
        "period_years",
        "period_to",
        "key",
        "success_rate",
    ]
    .map(String::from);
    super::table::csv(&header, &rows)
}

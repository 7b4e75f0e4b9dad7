//! `soem mc` and `soem compare`: render Monte Carlo results as text, JSON (SPEC §7) or CSV, with
//! a progress bar on a terminal for long runs.

use std::io::IsTerminal;

use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};

use super::Format;
use super::table::{actor_label, aligned};
use crate::analysis::mc::{Comparison, McResult, Options, Provenance, compare as compare_runs};
use crate::scenario::Scenario;
use crate::text::{Lang, dec, int, kr, pct, tkr};

/// Work (draws × row widths × keys) above which a progress bar is shown: about a second.
const PROGRESS_WORK: f64 = 2e9;

/// A progress bar on standard error when it is a terminal, the output is for people and the run
/// is long; otherwise nothing.
fn progress_bar(sc: &Scenario, opt: &Options, format: Format) -> Option<ProgressBar> {
    let keys = sc.settings.actors.len() as f64 + 1.0;
    let width: f64 = sc
        .interventions
        .iter()
        .map(|iv| iv.items.len() as f64 + 8.0)
        .sum();
    let work = opt.draws as f64 * width * keys * 8.0;
    if format == Format::Json || !std::io::stderr().is_terminal() || work < PROGRESS_WORK {
        return None;
    }
    let bar = ProgressBar::new(opt.draws);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} draws, {eta} left")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Runs `f` with a progress callback; clears the bar afterwards.
fn with_progress<T>(bar: Option<ProgressBar>, f: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T) -> T {
    let out = match &bar {
        Some(b) => f(&|m| b.inc(m)),
        None => f(&|_| {}),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out
}

/// Runs a Monte Carlo analysis with a progress bar where one belongs.
fn analyse<T>(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    format: Format,
    f: impl FnOnce(&Scenario, &str, &Options, &(dyn Fn(u64) + Sync)) -> Result<T, String>,
) -> Result<T> {
    let bar = progress_bar(sc, opt, format);
    with_progress(bar, |p| f(sc, kb_hash, opt, p)).map_err(|e| anyhow!(e))
}

/// `soem mc`.
pub fn run(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    format: Format,
    lang: Lang,
) -> Result<String> {
    let results = analyse(sc, kb_hash, opt, format, crate::analysis::mc::run)?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&results)? + "\n"),
        Format::Csv => Ok(csv(&results)),
        Format::Text => {
            let mut out = String::new();
            for r in &results {
                out += &text(sc, r, lang);
            }
            Ok(out)
        }
    }
}

/// `soem compare`.
pub fn compare(
    sc: &Scenario,
    kb_hash: &str,
    opt: &Options,
    format: Format,
    lang: Lang,
) -> Result<String> {
    let c = analyse(sc, kb_hash, opt, format, compare_runs)?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&c)? + "\n"),
        Format::Csv => Ok(compare_csv(&c)),
        Format::Text => Ok(compare_text(sc, &c, lang)),
    }
}

fn csv(results: &[McResult]) -> String {
    let header: Vec<String> = ["intervention", "key", "statistic", "value"]
        .map(String::from)
        .to_vec();
    let mut rows = Vec::new();
    for r in results {
        for (k, s) in &r.pv.0 {
            let mut push = |name: &str, v: f64| {
                rows.push(vec![r.id.clone(), k.clone(), name.into(), v.to_string()]);
            };
            push("deterministic", s.deterministic);
            push("mean", s.mean);
            push("sd", s.sd);
            for (name, v) in [
                ("p1", s.p1),
                ("p5", s.p5),
                ("p10", s.p10),
                ("p25", s.p25),
                ("p50", s.p50),
                ("p75", s.p75),
                ("p90", s.p90),
                ("p95", s.p95),
                ("p99", s.p99),
            ] {
                push(name, v);
            }
            push("interval_low", s.interval[0]);
            push("interval_high", s.interval[1]);
            push("p_positive", s.p_positive);
        }
        for (k, b) in &r.break_even_year.0 {
            for (name, v) in [
                ("break_even_p10", b.p10),
                ("break_even_p50", b.p50),
                ("break_even_p90", b.p90),
            ] {
                rows.push(vec![
                    r.id.clone(),
                    k.clone(),
                    name.into(),
                    v.map(|v| v.to_string()).unwrap_or_default(),
                ]);
            }
            rows.push(vec![
                r.id.clone(),
                k.clone(),
                "break_even_share_none".into(),
                b.share_none.to_string(),
            ]);
        }
    }
    super::table::csv(&header, &rows)
}

fn compare_csv(c: &Comparison) -> String {
    let header: Vec<String> = [
        "a",
        "b",
        "p_a_better",
        "overlap_low",
        "overlap_high",
        "overlap_share",
        "best_estimate",
        "wrong_choice_risk",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = c
        .pairs
        .iter()
        .map(|p| {
            vec![
                p.a.clone(),
                p.b.clone(),
                p.p_a_better.to_string(),
                p.interval_overlap
                    .map(|o| o[0].to_string())
                    .unwrap_or_default(),
                p.interval_overlap
                    .map(|o| o[1].to_string())
                    .unwrap_or_default(),
                p.overlap_share.to_string(),
                p.best_estimate.clone(),
                p.wrong_choice_risk.to_string(),
            ]
        })
        .collect();
    super::table::csv(&header, &rows)
}

fn year(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.0}"))
}

fn stamp(p: &Provenance, lang: Lang) -> String {
    format!(
        "{} {} · {} {} · {} · {} {} · {} {}\n",
        lang.t("Frø", "Seed"),
        p.seed,
        int(p.draws as f64, lang),
        lang.t("træk", "draws"),
        p.engine,
        lang.t("vidensdatabase", "knowledge base"),
        p.knowledge_base,
        lang.t("scenarie", "scenario"),
        p.scenario
    )
}

/// The text view of one intervention's result.
pub fn text(sc: &Scenario, r: &McResult, lang: Lang) -> String {
    let iv = sc.interventions.iter().find(|i| i.id == r.id);
    let period = iv.map_or(String::new(), |iv| {
        format!("{}–{}", iv.result_period.0, iv.result_period.1)
    });
    let mut out = format!(
        "{} {} — {} {}, {} {} ({})\n",
        lang.t("Monte Carlo", "Monte Carlo"),
        r.id,
        lang.t("nutidsværdi", "present value"),
        period,
        pct(r.interval, 0, lang),
        lang.t("interval", "interval"),
        lang.t("tusinde kr.", "thousand kr.")
    );
    let rows =
        r.pv.0
            .iter()
            .zip(&r.break_even_year.0)
            .map(|((k, s), (_, b))| {
                vec![
                    actor_label(k, lang),
                    tkr(s.deterministic, lang),
                    tkr(s.mean, lang),
                    format!(
                        "{} – {}",
                        tkr(s.interval[0], lang),
                        tkr(s.interval[1], lang)
                    ),
                    pct(s.p_positive, 1, lang),
                    if b.p50.is_none() {
                        lang.t("ingen", "none").to_string()
                    } else {
                        format!("{}–{}–{}", year(b.p10), year(b.p50), year(b.p90))
                    },
                    pct(b.share_none, 1, lang),
                ]
            })
            .collect();
    out += &aligned(
        vec![
            lang.t("Aktør", "Actor").into(),
            lang.t("Bedste bud", "Best estimate").into(),
            lang.t("Middel", "Mean").into(),
            lang.t("Interval", "Interval").into(),
            lang.t("P(gevinst)", "P(gain)").into(),
            lang.t("Break-even p10–50–90", "Break-even p10–50–90")
                .into(),
            lang.t("Ingen break-even", "No break-even").into(),
        ],
        rows,
        &[false, true, true, true, true, true, true],
    );
    if let Some(s) = &r.split_incentive {
        for (actor, p) in &s.loses_while_total_gains.0 {
            if *p > 0.0 {
                out += &format!(
                    "{}: {} {}\n",
                    actor_label(actor, lang),
                    lang.t(
                        "taber, mens den offentlige sektor samlet vinder, med sandsynlighed",
                        "loses while the public sector as a whole gains, with probability"
                    ),
                    pct(*p, 1, lang)
                );
            }
        }
    }
    if let Some(req) = &r.required_success_rate {
        let parts: Vec<String> = req
            .success_rate
            .0
            .iter()
            .map(|(k, s)| {
                format!(
                    "{} {}",
                    actor_label(k, lang),
                    s.map_or(lang.t("ingen", "none").to_string(), |s| pct(s, 1, lang))
                )
            })
            .collect();
        out += &format!(
            "{} {} {}: {}\n",
            lang.t("Krævet succesrate for", "Success rate needed for a"),
            pct(req.confidence, 0, lang),
            lang.t("chance for break-even", "chance of breaking even"),
            parts.join(", ")
        );
    }
    out += &super::illustrative_note(&r.illustrative, lang);
    out += &stamp(&r.provenance, lang);
    out += "\n";
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
        let size = if p.overlap_share < 0.25 {
            lang.t("Lille overlap", "Small overlap")
        } else if p.overlap_share < 0.6 {
            lang.t("Mellemstort overlap", "Medium overlap")
        } else {
            lang.t("Stort overlap", "Large overlap")
        };
        out += &format!(
            "  {} {} {}: {} ({} {}), {} {}. P({} > {}) = {}.\n",
            p.a,
            lang.t("mod", "vs"),
            p.b,
            size,
            pct(p.overlap_share, 0, lang),
            lang.t("af intervallerne", "of the intervals"),
            pct(p.wrong_choice_risk, 0, lang),
            lang.t(
                "risiko for at vælge den forkerte indsats",
                "risk of choosing the wrong intervention"
            ),
            p.a,
            p.b,
            dec(p.p_a_better, 3, lang)
        );
    }
    let pf = &c.portfolio;
    out += &format!(
        "\n{} ({}): {} {}; {} {}\n",
        lang.t(
            "Budget: minimumstal for porteføljen",
            "Budget: minimum for the portfolio"
        ),
        pf.interventions.join(" + "),
        kr(pf.low, lang),
        lang.t("(fælles træk)", "(joint draws)"),
        lang.t(
            "summen af de enkelte minimumstal er",
            "the sum of the individual minimums is"
        ),
        kr(pf.sum_of_lows, lang)
    );
    out += &format!(
        "{}\n",
        lang.t(
            "Summen af minimumstal er for forsigtig: det er usandsynligt, at alle indsatser rammer bunden samtidig.",
            "Summed minimums are too conservative: all interventions are unlikely to hit their low end at once."
        )
    );
    let rows = pf
        .by_year
        .iter()
        .map(|y| {
            let mut row = vec![y.year.to_string()];
            row.extend(y.net.0.iter().map(|(_, r)| tkr(r.low, lang)));
            row
        })
        .collect();
    let mut header = vec![
        lang.t("År: minimum (t.kr.)", "Year: minimum (t.kr.)")
            .to_string(),
    ];
    header.extend(pf.by_year.first().map_or(Vec::new(), |y| {
        y.net.0.iter().map(|(k, _)| actor_label(k, lang)).collect()
    }));
    let right: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
    out += &aligned(header, rows, &right);
    for w in &pf.warnings {
        out += &format!("{} {w}\n", lang.t("Advarsel:", "Warning:"));
    }
    out += &stamp(&c.provenance, lang);
    out
}

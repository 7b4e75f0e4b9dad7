//! Monte Carlo and comparison results as tables and sentences: the interval table per actor, the
//! split-incentive and required-rate sentences, the pairs' overlap, the portfolio minimum and the
//! budget years; and both in long form for CSV.

use crate::analysis::mc::{
    BudgetYear, Comparison, McResult, Method, PairResult, Portfolio, ValueOfInformation,
};
use crate::present::format::{Lang, dec, kr, pct, tkr, year};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;

/// The heading: intervention, period, interval.
pub fn heading(r: &McResult, period: Option<(i32, i32)>, lang: Lang) -> String {
    format!(
        "{} {} — {} {}, {} {} ({})",
        lang.t("Monte Carlo", "Monte Carlo"),
        r.id,
        lang.t("nutidsværdi", "present value"),
        period.map_or(String::new(), |(a, z)| format!("{a}–{z}")),
        pct(r.interval, 0, lang),
        lang.t("interval", "interval"),
        lang.t("tusinde kr.", "thousand kr.")
    )
}

/// Per actor: best estimate, mean, interval, P(gain), break-even years p10–p50–p90 and the share
/// of draws that never break even (amounts in thousands of kroner).
pub fn summary(r: &McResult, lang: Lang) -> Table {
    let mut t = Table::new(
        "monte_carlo",
        vec![
            Column::new(lang.t("Aktør", "Actor"), Kind::Text),
            Column::new(lang.t("Bedste bud", "Best estimate"), Kind::Thousands),
            Column::new(lang.t("Middel", "Mean"), Kind::Thousands),
            Column::new(lang.t("Interval", "Interval"), Kind::Figure),
            Column::new(lang.t("P(gevinst)", "P(gain)"), Kind::Share(1)),
            Column::new(
                lang.t("Break-even p10–50–90", "Break-even p10–50–90"),
                Kind::Figure,
            ),
            Column::new(lang.t("Ingen break-even", "No break-even"), Kind::Share(1)),
        ],
    );
    for ((k, s), (_, b)) in r.pv.0.iter().zip(&r.break_even_year.0) {
        let range = if b.p50.is_none() {
            words::none(lang).to_string()
        } else {
            format!("{}–{}–{}", year(b.p10), year(b.p50), year(b.p90))
        };
        t.push(vec![
            Cell::Text(words::actor(k, lang)),
            Cell::Num(s.deterministic),
            Cell::Num(s.mean),
            Cell::Text(interval_thousands(s.interval, lang)),
            Cell::Num(s.p_positive),
            Cell::Text(range),
            Cell::Num(b.share_none),
        ]);
    }
    t
}

fn interval_thousands(i: [f64; 2], lang: Lang) -> String {
    format!("{} – {}", tkr(i[0], lang), tkr(i[1], lang))
}

/// Inputs shown in the tables of what drives the uncertainty and what knowing more is worth;
/// the rest are counted in a last line (every one is in the JSON and CSV).
pub const TOP_INPUTS: usize = 10;

/// What drives the uncertainty of `key`'s PV: each input's share of the variance alone and with
/// its interactions (Sobol indices), the largest first; `None` without `--sensitivity`.
pub fn sensitivity(r: &McResult, key: &str, lang: Lang) -> Option<Table> {
    let list = r.sensitivity.as_ref()?.get(key)?;
    let mut t = Table::new(
        "sensitivity",
        vec![
            Column::new(lang.t("Usikker størrelse", "Uncertain input"), Kind::Text),
            Column::new(lang.t("Alene", "Alone"), Kind::Share(1)),
            Column::new(lang.t("Med samspil", "With interactions"), Kind::Share(1)),
        ],
    )
    .titled(format!(
        "{} — {} ({})",
        lang.t("Hvad driver usikkerheden", "What drives the uncertainty"),
        r.id,
        lang.t(
            "andel af variansen i nutidsværdien",
            "share of the variance of the present value"
        )
    ));
    for i in list.iter().take(TOP_INPUTS) {
        t.push(vec![
            Cell::Text(capitalised(&words::input(&i.input, &i.label, false, lang))),
            Cell::Num(i.first_order),
            Cell::Num(i.total),
        ]);
    }
    if list.len() > TOP_INPUTS {
        let rest = &list[TOP_INPUTS..];
        t.push(vec![
            Cell::Text(format!(
                "{} {} {}",
                rest.len(),
                lang.t("andre, hver højst", "others, each at most"),
                pct(rest[0].total, 1, lang)
            )),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    Some(t)
}

/// With correlated inputs, what drives the uncertainty of `key`'s PV: each input's rank
/// correlation with it and its square, the largest first; `None` without it.
pub fn rank_sensitivity(r: &McResult, key: &str, lang: Lang) -> Option<Table> {
    let list = r.rank_sensitivity.as_ref()?.get(key)?;
    let mut t = Table::new(
        "rank_sensitivity",
        vec![
            Column::new(lang.t("Usikker størrelse", "Uncertain input"), Kind::Text),
            Column::new(
                lang.t("Rangkorrelation", "Rank correlation"),
                Kind::Number(2),
            ),
            Column::new(lang.t("Kvadreret", "Squared"), Kind::Share(1)),
        ],
    )
    .titled(format!(
        "{} — {} ({})",
        lang.t("Hvad driver usikkerheden", "What drives the uncertainty"),
        r.id,
        lang.t(
            "rangkorrelation med nutidsværdien; korrelerede input",
            "rank correlation with the present value; correlated inputs"
        )
    ));
    for i in list.iter().take(TOP_INPUTS) {
        t.push(vec![
            Cell::Text(capitalised(&words::input(&i.input, &i.label, false, lang))),
            Cell::Num(i.rank_correlation),
            Cell::Num(i.squared),
        ]);
    }
    if list.len() > TOP_INPUTS {
        t.push(vec![
            Cell::Text(format!(
                "{} {}",
                list.len() - TOP_INPUTS,
                lang.t("andre", "others")
            )),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    Some(t)
}

/// The value of information as every front end shows it: its sentences, then its table when
/// knowing more is worth anything.
pub fn value_parts(v: &ValueOfInformation, lang: Lang) -> (Vec<String>, Option<Table>) {
    (
        words::value_of_information(v, lang),
        (v.evpi >= words::NO_VALUE_BELOW).then(|| value_of_information(v, lang)),
    )
}

/// [`value_parts`] as HTML: a paragraph per sentence, then the table (the report's and the
/// workbench's).
pub fn value_html(v: &ValueOfInformation, lang: Lang) -> String {
    let (lines, table) = value_parts(v, lang);
    let mut h = String::new();
    for line in lines {
        h += &format!("<p>{}</p>\n", crate::present::table::esc(&line));
    }
    if let Some(t) = table {
        h += &t.to_titled_html(lang);
    }
    h
}

/// What knowing more is worth: per input and group, kroner, the most valuable first.
pub fn value_of_information(v: &ValueOfInformation, lang: Lang) -> Table {
    let several = v.options.len() > 1;
    let mut t = Table::new(
        "value_of_information",
        vec![
            Column::new(lang.t("At kende", "Knowing"), Kind::Text),
            Column::new(lang.t("Værdi (kr.)", "Value (kr.)"), Kind::Kroner),
            Column::new(lang.t("Beregnet", "Computed"), Kind::Text),
        ],
    )
    .titled(lang.t(
        "Værdien af mere viden før beslutningen (forventet værdi af information)",
        "The value of knowing more before deciding (expected value of information)",
    ));
    let how = |m: Method, se: Option<f64>| match (m, se) {
        (Method::Exact, _) => lang.t("eksakt", "exactly").to_string(),
        (Method::Draws, Some(se)) => format!(
            "{} ± {}",
            lang.t("af trækkene", "from the draws"),
            kr(se, lang)
        ),
        (Method::Draws, None) => lang.t("af trækkene", "from the draws").to_string(),
    };
    t.push(vec![
        Cell::Text(
            lang.t(
                "Alle usikre størrelser (EVPI)",
                "Every uncertain input (EVPI)",
            )
            .to_string(),
        ),
        Cell::Num(v.evpi),
        Cell::Text(how(v.evpi_method, v.evpi_se)),
    ]);
    // the valuable ones (sorted, most valuable first); the rest counted in one line
    let shown = v
        .evppi
        .iter()
        .take(TOP_INPUTS)
        .take_while(|e| e.value >= words::NO_VALUE_BELOW)
        .count();
    for e in &v.evppi[..shown] {
        t.push(vec![
            Cell::Text(capitalised(&words::input(
                &e.input, &e.label, several, lang,
            ))),
            Cell::Num(e.value),
            Cell::Text(how(e.method, e.se)),
        ]);
    }
    if let Some(top) = v.evppi.get(shown) {
        let rest = v.evppi.len() - shown;
        let text = if top.value < words::NO_VALUE_BELOW {
            format!("{rest} {}", lang.t("andre: 0 kr.", "others: 0 kr."))
        } else {
            format!(
                "{rest} {} {}",
                lang.t("andre, hver højst", "others, each at most"),
                kr(top.value, lang)
            )
        };
        t.push(vec![Cell::Text(text), Cell::Empty, Cell::Empty]);
    }
    t
}

/// `s` with a capital first letter (an input's words at the start of a row).
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The split-incentive sentences: each actor that loses while the total gains with a
/// probability of at least `min` (`Kommune: taber, mens … med sandsynlighed 12,3 %`).
pub fn split_incentives(r: &McResult, min: f64, decimals: usize, lang: Lang) -> Vec<String> {
    let Some(s) = &r.split_incentive else {
        return Vec::new();
    };
    s.loses_while_total_gains
        .0
        .iter()
        .filter(|(_, p)| *p > 0.0 && *p >= min)
        .map(|(actor, p)| {
            format!(
                "{}: {} {}",
                words::actor(actor, lang),
                words::split_incentive(lang),
                pct(*p, decimals, lang)
            )
        })
        .collect()
}

/// The required success rate for the chosen chance of breaking even, per actor (or nothing when
/// it was not asked for).
pub fn required_rate(r: &McResult, lang: Lang) -> Option<String> {
    let req = r.required_success_rate.as_ref()?;
    let parts: Vec<String> = req
        .success_rate
        .0
        .iter()
        .map(|(k, s)| {
            format!(
                "{} {}",
                words::actor(k, lang),
                s.map_or(words::none(lang).to_string(), |s| pct(s, 1, lang))
            )
        })
        .collect();
    Some(format!(
        "{} {} {}: {}",
        lang.t("Krævet succesrate for", "Success rate needed for a"),
        pct(req.confidence, 0, lang),
        lang.t("chance for break-even", "chance of breaking even"),
        parts.join(", ")
    ))
}

/// The course's sentence on one pair: the overlap's size, the risk of the wrong choice, and
/// P(A > B).
pub fn pair_sentence(p: &PairResult, lang: Lang) -> String {
    format!(
        "{} {} {}: {} ({} {}), {} {}. P({} > {}) = {}.",
        p.a,
        lang.t("mod", "vs"),
        p.b,
        words::overlap(p.overlap_size(), lang),
        pct(p.overlap_share, 0, lang),
        lang.t("af intervallerne", "of the intervals"),
        pct(p.wrong_choice_risk, 0, lang),
        words::wrong_choice(lang),
        p.a,
        p.b,
        dec(p.p_a_better, 3, lang)
    )
}

/// The pairs as a table: overlap, its share, P(A > B), the risk of the wrong choice.
pub fn pairs(c: &Comparison, lang: Lang) -> Table {
    let mut t = Table::new(
        "comparison",
        vec![
            Column::new(lang.t("Par", "Pair"), Kind::Text),
            Column::new(lang.t("Overlap (kr.)", "Overlap (kr.)"), Kind::Figure),
            Column::new(lang.t("Overlap-andel", "Overlap share"), Kind::Share(0)),
            Column::new("P(A > B)", Kind::Share(1)),
            Column::new(
                lang.t("Risiko for forkert valg", "Risk of the wrong choice"),
                Kind::Share(1),
            ),
        ],
    );
    for p in &c.pairs {
        t.push(vec![
            Cell::Text(format!("{} / {}", p.a, p.b)),
            p.interval_overlap.map_or(Cell::Missing("–".into()), |o| {
                Cell::Text(format!("{} – {}", kr(o[0], lang), kr(o[1], lang)))
            }),
            Cell::Num(p.overlap_share),
            Cell::Num(p.p_a_better),
            Cell::Num(p.wrong_choice_risk),
        ]);
    }
    t
}

/// The interventions ranked on one key's PV (thousands of kroner): the chance of being the best,
/// the expected place, mean and interval, and the risk of choosing it over the next one down.
pub fn ranking(c: &Comparison, key: &str, lang: Lang) -> Table {
    let mut t = Table::new(
        "ranking",
        vec![
            Column::new(lang.t("Indsats", "Intervention"), Kind::Text),
            Column::new(lang.t("P(bedst)", "P(best)"), Kind::Share(1)),
            Column::new(lang.t("Forventet plads", "Expected rank"), Kind::Number(2)),
            Column::new(lang.t("Middel", "Mean"), Kind::Thousands),
            Column::new(lang.t("Interval", "Interval"), Kind::Figure),
            Column::new(
                lang.t(
                    "Risiko for forkert valg mod næste",
                    "Risk of the wrong choice vs the next",
                ),
                Kind::Share(1),
            ),
        ],
    )
    .titled(format!(
        "{} ({}, {})",
        lang.t("Rangordning", "Ranking"),
        words::actor(key, lang).to_lowercase(),
        lang.t("tusinde kr.", "thousand kr.")
    ));
    let Some(list) = c.ranking.get(key) else {
        return t;
    };
    for (i, r) in list.iter().enumerate() {
        let risk = c.risk_against_next(key, i);
        t.push(vec![
            Cell::text(&r.id),
            Cell::Num(r.p_best),
            Cell::Num(r.expected_rank),
            Cell::Num(r.mean),
            Cell::Text(interval_thousands(r.interval, lang)),
            Cell::or(risk, "–"),
        ]);
    }
    t
}

/// The portfolio's minimum beside the sum of the individual minimums.
pub fn portfolio(pf: &Portfolio, lang: Lang) -> String {
    format!(
        "{} ({}): {} {}; {} {}",
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
    )
}

/// Each budget year's minimum (low end of the interval) per actor, in thousands of kroner.
pub fn budget_years(years: &[BudgetYear], lang: Lang) -> Table {
    let mut cols = vec![Column::new(
        lang.t("År: minimum (t.kr.)", "Year: minimum (t.kr.)"),
        Kind::Text,
    )];
    cols.extend(years.first().map_or(Vec::new(), |y| {
        y.net
            .0
            .iter()
            .map(|(k, _)| Column::new(words::actor(k, lang), Kind::Thousands))
            .collect()
    }));
    let mut t = Table::new("budget_years", cols);
    for y in years {
        let mut row = vec![Cell::Text(y.year.to_string())];
        row.extend(y.net.0.iter().map(|(_, r)| Cell::Num(r.low)));
        t.push(row);
    }
    t
}

/// Monte Carlo results in long form: intervention, key, statistic, value.
pub fn long(results: &[McResult]) -> Table {
    let mut t = Table::new(
        "monte_carlo",
        ["intervention", "key", "statistic", "value"]
            .map(|c| Column::new(c, Kind::Number(0)))
            .to_vec(),
    );
    for r in results {
        for (k, s) in &r.pv.0 {
            let mut push = |name: &str, v: f64| {
                t.push(vec![
                    Cell::text(&r.id),
                    Cell::text(k),
                    Cell::text(name),
                    Cell::Num(v),
                ]);
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
                ("break_even_share_none", Some(b.share_none)),
            ] {
                t.push(vec![
                    Cell::text(&r.id),
                    Cell::text(k),
                    Cell::text(name),
                    Cell::opt(v),
                ]);
            }
        }
        let mut push = |key: &str, name: String, v: f64| {
            t.push(vec![
                Cell::text(&r.id),
                Cell::text(key),
                Cell::Text(name),
                Cell::Num(v),
            ]);
        };
        // the risk profile: the amount at each probability ("cdf_0.005": P(PV ≤ value) = 0.5 %)
        for (k, s) in &r.pv.0 {
            for [amount, p] in &s.cdf {
                push(k, format!("cdf_{p:.3}"), *amount);
            }
        }
        if let Some(a) = &r.at_least {
            push(crate::model::TOTAL, format!("p_at_least_{}", a.amount), a.p);
        }
        for (k, list) in r.sensitivity.iter().flat_map(|s| &s.0) {
            for i in list {
                push(k, format!("first_order:{}", i.input), i.first_order);
                push(k, format!("total_order:{}", i.input), i.total);
            }
        }
        for (k, list) in r.rank_sensitivity.iter().flat_map(|s| &s.0) {
            for i in list {
                push(
                    k,
                    format!("rank_correlation:{}", i.input),
                    i.rank_correlation,
                );
            }
        }
        if let Some(v) = &r.value_of_information {
            push(&v.key, "evpi".into(), v.evpi);
            for e in &v.evppi {
                push(&v.key, format!("evppi:{}", e.input), e.value);
            }
        }
    }
    t
}

/// The pairs in long form, for CSV.
pub fn pairs_long(c: &Comparison) -> Table {
    let mut t = Table::new(
        "comparison",
        [
            "a",
            "b",
            "p_a_better",
            "overlap_low",
            "overlap_high",
            "overlap_share",
            "best_estimate",
            "wrong_choice_risk",
        ]
        .map(|c| Column::new(c, Kind::Number(0)))
        .to_vec(),
    );
    for p in &c.pairs {
        t.push(vec![
            Cell::text(&p.a),
            Cell::text(&p.b),
            Cell::Num(p.p_a_better),
            Cell::opt(p.interval_overlap.map(|o| o[0])),
            Cell::opt(p.interval_overlap.map(|o| o[1])),
            Cell::Num(p.overlap_share),
            Cell::text(&p.best_estimate),
            Cell::Num(p.wrong_choice_risk),
        ]);
    }
    t
}

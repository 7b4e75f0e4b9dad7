//! The base calculation as tables: net gain per year and actor, present value and break-even per
//! actor, present value per area; and the calculation in long form for CSV.

use crate::model::sum::Sum;
use crate::model::{Calculation, Keyed};
use crate::present::format::{Lang, int, pct};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;

/// The line under the heading: participants, success rate, price year, discount rate and
/// result period.
pub fn settings_line(c: &Calculation, participants: f64, lang: Lang) -> String {
    format!(
        "{} {} · {} {} · {}-{} · {} · {} {}–{}",
        int(participants, lang),
        lang.t("deltagere", "participants"),
        lang.t("succesrate", "success rate"),
        pct(c.success_rate, 1, lang),
        c.price_year,
        lang.t("priser", "prices"),
        words::discount(c.discount_rate, c.discount_schedule, lang),
        lang.t("resultatperiode", "result period"),
        c.result_period[0],
        c.result_period[1]
    )
}

/// Net gain per year and actor (undiscounted), with the result period's years marked `*`.
pub fn net_per_year(c: &Calculation, lang: Lang) -> Table {
    let mut cols = vec![Column::new(lang.t("År", "Year"), Kind::Text)];
    cols.extend(
        c.net
            .keys()
            .map(|k| Column::new(words::actor(k, lang), Kind::Kroner)),
    );
    let mut t = Table::new("net_per_year", cols).titled(format!(
        "{} ({}-{}, {})",
        lang.t("Nettogevinst pr. år, kr.", "Net gain per year, DKK"),
        c.price_year,
        lang.t("priser", "prices"),
        lang.t(
            "ikke tilbagediskonteret; * = i resultatperioden",
            "undiscounted; * = in the result period"
        )
    ));
    year_rows(&mut t, &c.years, &c.net, |y| {
        (c.result_period[0]..=c.result_period[1]).contains(&y)
    });
    t
}

/// One row per year: the year (marked `*` when `marked`) and each key's value.
fn year_rows(t: &mut Table, years: &[i32], net: &Keyed<Vec<f64>>, marked: impl Fn(i32) -> bool) {
    for (i, y) in years.iter().enumerate() {
        let mark = if marked(*y) { "*" } else { " " };
        let mut row = vec![Cell::Text(format!("{y}{mark}"))];
        row.extend(net.0.iter().map(|(_, v)| Cell::Num(v[i])));
        t.push(row);
    }
}

/// All interventions added up ("Alle indsatser i alt"): net per calendar year and actor.
pub fn sum_net(s: &Sum, price_year: i32, lang: Lang) -> Table {
    let mut cols = vec![Column::new(lang.t("År", "Year"), Kind::Text)];
    cols.extend(
        s.net
            .keys()
            .map(|k| Column::new(words::actor(k, lang), Kind::Kroner)),
    );
    let mut t = Table::new("sum_net_per_year", cols).titled(format!(
        "{}: {} ({price_year}-{}, {})",
        words::all_interventions(lang),
        lang.t("nettogevinst pr. år, kr.", "net gain per year, DKK"),
        lang.t("priser", "prices"),
        lang.t("ikke tilbagediskonteret", "undiscounted")
    ));
    year_rows(&mut t, &s.years, &s.net, |_| false);
    t
}

/// All interventions added up: the sum of their present values and the sum's break-even year.
pub fn sum_pv(s: &Sum, lang: Lang) -> Table {
    let mut t = Table::new(
        "sum_present_value",
        vec![
            Column::new(lang.t("Aktør", "Actor"), Kind::Text),
            Column::new(lang.t("Nutidsværdi", "Present value"), Kind::Kroner),
            Column::new(lang.t("Break-even", "Break-even"), Kind::Figure),
        ],
    )
    .titled(format!(
        "{}: {}",
        words::all_interventions(lang),
        lang.t(
            "nutidsværdi (summen af indsatsernes) og break-even for summen",
            "present value (the interventions' summed) and the sum's break-even"
        )
    ));
    let first = s.years.first().copied().unwrap_or_default();
    for ((k, pv), (_, be)) in s.pv.0.iter().zip(&s.break_even_year.0) {
        let be = match be {
            Some(y) => Cell::Text(format!("{y} ({} {})", lang.t("år", "year"), y - first + 1)),
            None => Cell::Missing(words::no_break_even(lang).into()),
        };
        t.push(vec![Cell::Text(words::actor(k, lang)), Cell::Num(*pv), be]);
    }
    t
}

/// Present value and break-even year per actor.
pub fn present_value(c: &Calculation, lang: Lang) -> Table {
    let mut t = Table::new(
        "present_value",
        vec![
            Column::new(lang.t("Aktør", "Actor"), Kind::Text),
            Column::new(lang.t("Nutidsværdi", "Present value"), Kind::Kroner),
            Column::new(lang.t("Break-even", "Break-even"), Kind::Figure),
        ],
    )
    .titled(format!(
        "{} {}–{} ({} {}) {}",
        lang.t("Nutidsværdi", "Present value"),
        c.result_period[0],
        c.result_period[1],
        lang.t("tilbagediskonteret til", "discounted to"),
        c.price_year,
        lang.t("og break-even", "and break-even")
    ));
    for (((k, pv), (_, be)), (_, since)) in
        c.pv.0
            .iter()
            .zip(&c.break_even_year.0)
            .zip(&c.break_even_years_since_start.0)
    {
        let be = match (be, since) {
            (Some(y), Some(s)) => Cell::Text(format!("{y} ({} {s})", lang.t("år", "year"))),
            _ => Cell::Missing(words::no_break_even(lang).into()),
        };
        t.push(vec![Cell::Text(words::actor(k, lang)), Cell::Num(*pv), be]);
    }
    t
}

/// Present value per area and actor.
pub fn areas(c: &Calculation, lang: Lang) -> Table {
    let mut cols = vec![Column::new(lang.t("Område", "Area"), Kind::Text)];
    cols.extend(
        c.pv.keys()
            .map(|k| Column::new(words::actor(k, lang), Kind::Kroner)),
    );
    let mut t = Table::new("present_value_by_area", cols).titled(format!(
        "{} {}–{}",
        lang.t("Nutidsværdi pr. område", "Present value per area"),
        c.result_period[0],
        c.result_period[1]
    ));
    for a in &c.areas {
        let mut row = vec![Cell::Text(a.area.clone())];
        row.extend(a.pv.0.iter().map(|(_, v)| Cell::Num(*v)));
        t.push(row);
    }
    t
}

/// The relations' part of the present value ("heraf familie"), per actor: in all and per
/// relation; `None` when no consequence falls on a relation.
pub fn relations(c: &Calculation, lang: Lang) -> Option<Table> {
    let r = c.relations.as_ref()?;
    let mut cols = vec![
        Column::new(lang.t("Aktør", "Actor"), Kind::Text),
        Column::new(lang.t("Heraf familie", "Of which family"), Kind::Kroner),
    ];
    cols.extend(
        r.by_relation
            .keys()
            .map(|w| Column::new(words::relation(w, lang), Kind::Kroner)),
    );
    let mut t = Table::new("present_value_relations", cols).titled(format!(
        "{} {}–{}",
        lang.t(
            "Heraf familie: nutidsværdi af konsekvenserne for deltagernes pårørende",
            "Of which family: present value of the consequences for the participants' relations"
        ),
        c.result_period[0],
        c.result_period[1]
    ));
    for (k, v) in &r.pv.0 {
        let mut row = vec![Cell::Text(words::actor(k, lang)), Cell::Num(*v)];
        row.extend(
            r.by_relation
                .0
                .iter()
                .map(|(_, per)| Cell::Num(per.get(k).copied().unwrap_or(0.0))),
        );
        t.push(row);
    }
    Some(t)
}

/// The tables of one calculation, in the order they are shown.
pub fn tables(c: &Calculation, lang: Lang) -> Vec<Table> {
    let mut out = vec![net_per_year(c, lang), present_value(c, lang)];
    out.extend(relations(c, lang));
    out.push(areas(c, lang));
    out
}

/// The lines listing the items with illustrative numbers (empty when none).
pub fn illustrative(c: &Calculation, lang: Lang) -> Vec<String> {
    c.illustrative
        .iter()
        .map(|l| {
            format!(
                "{} ({}): {}",
                l.name,
                l.item,
                words::illustrative_parts(l.consequences, l.prices, lang)
            )
        })
        .collect()
}

/// The calculations in long form: intervention, table (`net`, `net_by_area`, `pv`,
/// `break_even_year`), key, year, value.
pub fn long(results: &[Calculation]) -> Table {
    let mut t = Table::new(
        "calc",
        ["intervention", "table", "key", "year", "value"]
            .map(|c| Column::new(c, Kind::Number(0)))
            .to_vec(),
    );
    let mut push = |iv: &str, table: &str, key: &str, year: Option<i32>, value: Option<f64>| {
        t.push(vec![
            Cell::text(iv),
            Cell::text(table),
            Cell::text(key),
            Cell::opt(year.map(f64::from)),
            Cell::opt(value),
        ]);
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
    t
}

/// A sum of interventions for every front end: its two tables and its caution sentences (empty
/// when none applies).
pub fn sum_parts(s: &Sum, price_year: i32, lang: Lang) -> (Vec<Table>, Vec<String>) {
    (
        vec![sum_net(s, price_year, lang), sum_pv(s, lang)],
        s.cautions.iter().map(|c| words::caution(c, lang)).collect(),
    )
}

//! The tornado as a table with text bars, and in long form for CSV.

use crate::analysis::tornado::{Bar, Tornado};
use crate::present::format::{Lang, int, kr, pct};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;

/// Width of the text bars in characters.
const WIDTH: usize = 40;

/// The heading: intervention, actor, period, base value and the change.
pub fn heading(t: &Tornado, lang: Lang) -> String {
    format!(
        "{} {} — {} {} {}–{}: {} (±{})",
        lang.t("Tornado", "Tornado"),
        t.id,
        lang.t("nutidsværdi for", "present value for"),
        words::actor(&t.key, lang).to_lowercase(),
        t.result_period[0],
        t.result_period[1],
        kr(t.base, lang),
        pct(t.delta, 0, lang)
    )
}

/// The line under the bars: how to read them.
pub fn legend(lang: Lang) -> &'static str {
    lang.t(
        "│ = grundberegningen. Søjlerne er sorteret efter udsving: de øverste betyder mest for resultatet.",
        "│ = the base result. Bars are sorted by swing: the top ones matter most for the result.",
    )
}

/// One text bar: the span low..high on a common scale, with the base marked `│`.
fn draw(b: &Bar, lo: f64, hi: f64, base: f64) -> String {
    let pos = |x: f64| -> usize {
        if hi <= lo {
            return WIDTH / 2;
        }
        (((x - lo) / (hi - lo)) * (WIDTH - 1) as f64).round() as usize
    };
    let (a, z, m) = (pos(b.low), pos(b.high), pos(base));
    (0..WIDTH)
        .map(|i| {
            if i == m && (i < a || i > z || a == z) {
                '│'
            } else if i >= a && i <= z {
                if i < m { '▓' } else { '█' }
            } else if i == m {
                '│'
            } else {
                ' '
            }
        })
        .collect()
}

/// The bars: label, low, high, swing, and a text bar on a common scale (`bars = false` leaves
/// the text bars out, for pages that draw a chart instead).
pub fn bars(t: &Tornado, lang: Lang, with_bars: bool) -> Table {
    let lo = t.bars.iter().map(|b| b.low).fold(t.base, f64::min);
    let hi = t.bars.iter().map(|b| b.high).fold(t.base, f64::max);
    let mut cols = vec![
        Column::new(lang.t("Input", "Input"), Kind::Text),
        Column::new(lang.t("Lav", "Low"), Kind::Kroner),
        Column::new(lang.t("Høj", "High"), Kind::Kroner),
        Column::new(lang.t("Udsving", "Swing"), Kind::Kroner),
    ];
    if with_bars {
        cols.push(Column::new(
            format!("{} … {}", int(lo, lang), int(hi, lang)),
            Kind::Text,
        ));
    }
    let mut table = Table::new("tornado", cols);
    for b in &t.bars {
        let mut row = vec![
            Cell::Text(words::bar(b, lang)),
            Cell::Num(b.low),
            Cell::Num(b.high),
            Cell::Num(b.swing),
        ];
        if with_bars {
            row.push(Cell::Text(draw(b, lo, hi, t.base)));
        }
        table.push(row);
    }
    table
}

/// Tornados in long form: one row per bar with both ends, for CSV.
pub fn long(results: &[Tornado]) -> Table {
    let mut t = Table::new(
        "tornado",
        [
            "intervention",
            "key",
            "bar",
            "kind",
            "input_minus",
            "input_plus",
            "pv_minus",
            "pv_plus",
            "low",
            "high",
            "swing",
            "base",
        ]
        .map(|c| Column::new(c, Kind::Number(0)))
        .to_vec(),
    );
    for r in results {
        for b in &r.bars {
            t.push(vec![
                Cell::text(&r.id),
                Cell::text(&r.key),
                Cell::text(&b.name),
                Cell::Text(
                    serde_json::to_value(b.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                ),
                Cell::Num(b.input_minus),
                Cell::Num(b.input_plus),
                Cell::Num(b.pv_minus),
                Cell::Num(b.pv_plus),
                Cell::Num(b.low),
                Cell::Num(b.high),
                Cell::Num(b.swing),
                Cell::Num(r.base),
            ]);
        }
    }
    t
}

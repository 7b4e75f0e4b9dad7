//! `soem tornado`: renders tornados as text bars, JSON (SPEC §7) or CSV.

use anyhow::{Result, anyhow};

use super::Format;
use super::table::actor_label;
use crate::analysis::tornado::{Bar, BarKind, Options, Tornado, run as analyse};
use crate::scenario::Scenario;
use crate::text::{Lang, dec, kr, pct};

/// Width of the text bars in characters.
const WIDTH: usize = 40;

/// Runs the tornado and renders it.
pub fn run(sc: &Scenario, opt: &Options, format: Format, lang: Lang) -> Result<String> {
    let results = analyse(sc, opt).map_err(|e| anyhow!(e))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&results)? + "\n"),
        Format::Csv => Ok(csv(&results)),
        Format::Text => Ok(text(&results, lang)),
    }
}

fn csv(results: &[Tornado]) -> String {
    let header: Vec<String> = [
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
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = results
        .iter()
        .flat_map(|t| {
            t.bars.iter().map(|b| {
                vec![
                    t.id.clone(),
                    t.key.clone(),
                    b.name.clone(),
                    serde_json::to_value(b.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    b.input_minus.to_string(),
                    b.input_plus.to_string(),
                    b.pv_minus.to_string(),
                    b.pv_plus.to_string(),
                    b.low.to_string(),
                    b.high.to_string(),
                    b.swing.to_string(),
                    t.base.to_string(),
                ]
            })
        })
        .collect();
    super::table::csv(&header, &rows)
}

/// The bar's label with the range of its input, e.g. `Succesrate 9–19 %`.
pub fn label(b: &Bar, lang: Lang) -> String {
    let range = |a: f64, z: f64| format!("{}–{}", pct(a, 0, lang), pct(z, 0, lang));
    match b.kind {
        BarKind::SuccessRate => format!(
            "{} {}",
            lang.t("Succesrate", "Success rate"),
            range(b.input_minus, b.input_plus)
        ),
        BarKind::Costs => format!(
            "{} ×{}–{}",
            lang.t("Omkostninger", "Costs"),
            dec(b.input_minus, 2, lang),
            dec(b.input_plus, 2, lang)
        ),
        BarKind::Prices => format!(
            "{} ×{}–{}",
            lang.t("Alle priser", "All prices"),
            dec(b.input_minus, 2, lang),
            dec(b.input_plus, 2, lang)
        ),
        BarKind::DiscountRate => format!(
            "{} {}–{}",
            lang.t("Diskonteringsrente", "Discount rate"),
            pct(b.input_minus, 1, lang),
            pct(b.input_plus, 1, lang)
        ),
        BarKind::Area => format!("{}: {}", lang.t("Område", "Area"), b.label),
        BarKind::Item => b.label.clone(),
    }
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

fn text(results: &[Tornado], lang: Lang) -> String {
    let mut out = String::new();
    for t in results {
        out += &format!(
            "{} {} — {} {} {}–{}: {} (±{})\n",
            lang.t("Tornado", "Tornado"),
            t.id,
            lang.t("nutidsværdi for", "present value for"),
            actor_label(&t.key, lang).to_lowercase(),
            t.result_period[0],
            t.result_period[1],
            kr(t.base, lang),
            pct(t.delta, 0, lang)
        );
        let lo = t.bars.iter().map(|b| b.low).fold(t.base, f64::min);
        let hi = t.bars.iter().map(|b| b.high).fold(t.base, f64::max);
        let rows: Vec<Vec<String>> = t
            .bars
            .iter()
            .map(|b| {
                vec![
                    label(b, lang),
                    kr(b.low, lang),
                    kr(b.high, lang),
                    kr(b.swing, lang),
                    draw(b, lo, hi, t.base),
                ]
            })
            .collect();
        out += &super::table::aligned(
            vec![
                lang.t("Input", "Input").into(),
                lang.t("Lav", "Low").into(),
                lang.t("Høj", "High").into(),
                lang.t("Udsving", "Swing").into(),
                format!(
                    "{} … {}",
                    crate::text::int(lo, lang),
                    crate::text::int(hi, lang)
                ),
            ],
            rows,
            &[false, true, true, true, false],
        );
        out += &super::illustrative_note(&t.illustrative, lang);
        out += &format!(
            "{}\n\n",
            lang.t(
                "│ = grundberegningen. Søjlerne er sorteret efter udsving: de øverste betyder mest for resultatet.",
                "│ = the base result. Bars are sorted by swing: the top ones matter most for the result."
            )
        );
    }
    out
}

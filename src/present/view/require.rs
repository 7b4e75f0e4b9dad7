//! The requirement analysis (kravanalyse) as tables: the required success rate per actor with its
//! reading, by period length, and the other inputs that reach the same target; and in long form
//! for CSV.

use crate::analysis::grid::Solved;
use crate::analysis::require::RequireResult;
use crate::present::format::{Lang, dec, kr};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;

/// The heading: the intervention, what the target is and the period.
pub fn heading(r: &RequireResult, lang: Lang) -> String {
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
    format!(
        "{} {} — {} {}, {} {}–{}",
        lang.t("Kravanalyse", "Requirement analysis"),
        r.id,
        lang.t("mål:", "target:"),
        what,
        lang.t("periode", "period"),
        r.result_period[0],
        r.result_period[1]
    )
}

/// The required success rate per actor and what it means.
pub fn actors(r: &RequireResult, lang: Lang) -> Table {
    let mut t = Table::new(
        "requirement",
        vec![
            Column::new(lang.t("Aktør", "Actor"), Kind::Text),
            Column::new(
                lang.t("Krævet succesrate", "Required success rate"),
                Kind::Share(1),
            ),
            Column::new(lang.t("Vurdering", "Reading"), Kind::Text),
        ],
    );
    for (k, d) in &r.details.0 {
        t.push(vec![
            Cell::Text(words::actor(k, lang)),
            Cell::or(d.success_rate, words::none(lang)),
            Cell::Text(words::requirement(
                d.success_rate,
                r.assumed_success_rate,
                lang,
            )),
        ]);
    }
    t
}

/// The required success rate per actor for each length of the result period.
pub fn by_period(r: &RequireResult, lang: Lang) -> Table {
    let mut cols = vec![Column::new(lang.t("År", "Years"), Kind::Text)];
    cols.extend(
        r.success_rate
            .keys()
            .map(|k| Column::new(words::actor(k, lang), Kind::Share(1))),
    );
    let mut t = Table::new("requirement_by_period", cols).titled(lang.t(
        "Krævet succesrate efter periodens længde (fra startåret)",
        "Required success rate by period length (from the start year)",
    ));
    for p in &r.by_period {
        let mut row = vec![Cell::Text(format!("{} (–{})", p.years, p.to))];
        row.extend(
            p.success_rate
                .0
                .iter()
                .map(|(_, s)| Cell::or(*s, words::none(lang))),
        );
        t.push(row);
    }
    t
}

/// The other inputs solved for the same target (the rest as assumed).
pub fn other_inputs(r: &RequireResult, lang: Lang) -> Table {
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
    let mut t = Table::new(
        "requirement_other_inputs",
        vec![
            Column::new(lang.t("Aktør", "Actor"), Kind::Text),
            Column::new(
                lang.t(
                    "Højeste omkostning pr. deltager",
                    "Highest cost per participant",
                ),
                Kind::Figure,
            ),
            Column::new(
                lang.t("Mindste konsekvensfaktor", "Smallest consequence factor"),
                Kind::Figure,
            ),
            Column::new(
                lang.t("Færreste deltagere pr. år", "Fewest participants per year"),
                Kind::Figure,
            ),
        ],
    )
    .titled(lang.t(
        "Andre input, der når samme mål (resten som antaget)",
        "Other inputs that reach the same target (the rest as assumed)",
    ));
    for (k, o) in &r.other_inputs.0 {
        t.push(vec![
            Cell::Text(words::actor(k, lang)),
            Cell::Text(found(&o.max_cost_per_participant, &|v| kr(v, lang))),
            Cell::Text(found(&o.min_consequence_factor, &|v| dec(v, 3, lang))),
            Cell::Text(found(&o.min_participants, &|v| dec(v, 1, lang))),
        ]);
    }
    t
}

/// Requirement analyses in long form: intervention, period length (empty for the scenario's
/// own period), period end, key, required success rate.
pub fn long(results: &[RequireResult]) -> Table {
    let mut t = Table::new(
        "requirement",
        [
            "intervention",
            "period_years",
            "period_to",
            "key",
            "success_rate",
        ]
        .map(|c| Column::new(c, Kind::Number(0)))
        .to_vec(),
    );
    for r in results {
        for (k, s) in &r.success_rate.0 {
            t.push(vec![
                Cell::text(&r.id),
                Cell::Empty,
                Cell::Num(f64::from(r.result_period[1])),
                Cell::text(k),
                Cell::opt(*s),
            ]);
        }
        for p in &r.by_period {
            for (k, s) in &p.success_rate.0 {
                t.push(vec![
                    Cell::text(&r.id),
                    Cell::Num(p.years as f64),
                    Cell::Num(f64::from(p.to)),
                    Cell::text(k),
                    Cell::opt(*s),
                ]);
            }
        }
    }
    t
}

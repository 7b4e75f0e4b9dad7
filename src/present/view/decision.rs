//! The decision report's data tables (`tables/*.csv` and the sheets of `tables.xlsx`): every
//! figure of the report in full, one table per kind of result, all interventions together.

use crate::analysis::decision::{Purpose, Summary};
use crate::model::TOTAL;
use crate::present::format::Lang;
use crate::present::format::{pct, rkr, year};
use crate::present::table::{Cell, Column, Kind, Table};
use crate::present::words;
use crate::scenario::Scenario;

fn columns(spec: &[(&str, Kind)]) -> Vec<Column> {
    spec.iter().map(|(l, k)| Column::new(*l, *k)).collect()
}

/// Every data table of the report.
pub fn tables(s: &Summary, lang: Lang) -> Vec<Table> {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut out = Vec::new();
    let keys: Vec<String> = s
        .calc
        .first()
        .map(|c| c.pv.keys().map(String::from).collect())
        .unwrap_or_default();
    let labels: Vec<String> = keys.iter().map(|k| words::actor(k, lang)).collect();
    // net per year
    let mut cols = columns(&[
        (l("Indsats", "Intervention"), Kind::Text),
        (l("År", "Year"), Kind::Year),
    ]);
    cols.extend(labels.iter().map(|k| Column::new(k.clone(), Kind::Kroner)));
    let mut t = Table::new("net_per_year", cols);
    for c in &s.calc {
        for (i, y) in c.years.iter().enumerate() {
            let mut r = vec![Cell::text(&c.id), Cell::Num(f64::from(*y))];
            r.extend(c.net.0.iter().map(|(_, v)| Cell::Num(v[i])));
            t.push(r);
        }
    }
    out.push(t);
    // present value and break-even
    let mut t = Table::new(
        "present_value",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Aktør", "Actor"), Kind::Text),
            (l("Nutidsværdi (kr.)", "Present value (kr.)"), Kind::Kroner),
            (l("Break-even år", "Break-even year"), Kind::Year),
        ]),
    );
    for c in &s.calc {
        for (k, v) in &c.pv.0 {
            t.push(vec![
                Cell::text(&c.id),
                Cell::Text(words::actor(k, lang)),
                Cell::Num(*v),
                Cell::opt(c.break_even_year.get(k).copied().flatten().map(f64::from)),
            ]);
        }
    }
    out.push(t);
    // requirement
    let mut t = Table::new(
        "requirement",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Aktør", "Actor"), Kind::Text),
            (
                l("Krævet succesrate", "Required success rate"),
                Kind::Share(1),
            ),
            (
                l("Antaget succesrate", "Assumed success rate"),
                Kind::Share(1),
            ),
        ]),
    );
    for r in &s.require {
        for (k, v) in &r.success_rate.0 {
            t.push(vec![
                Cell::text(&r.id),
                Cell::Text(words::actor(k, lang)),
                Cell::opt(*v),
                Cell::Num(r.assumed_success_rate),
            ]);
        }
    }
    out.push(t);
    // tornado
    let mut t = Table::new(
        "tornado",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Input", "Input"), Kind::Text),
            (l("Lav (kr.)", "Low (kr.)"), Kind::Kroner),
            (l("Høj (kr.)", "High (kr.)"), Kind::Kroner),
            (l("Udsving (kr.)", "Swing (kr.)"), Kind::Kroner),
        ]),
    );
    for tor in &s.tornado {
        for b in &tor.bars {
            t.push(vec![
                Cell::text(&tor.id),
                Cell::Text(words::bar(b, lang)),
                Cell::Num(b.low),
                Cell::Num(b.high),
                Cell::Num(b.swing),
            ]);
        }
    }
    out.push(t);
    // monte carlo
    let mut t = Table::new(
        "monte_carlo",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Aktør", "Actor"), Kind::Text),
            (l("Bedste bud (kr.)", "Best estimate (kr.)"), Kind::Kroner),
            (l("Middel (kr.)", "Mean (kr.)"), Kind::Kroner),
            (l("Spredning (kr.)", "SD (kr.)"), Kind::Kroner),
            (
                l("Interval, lav (kr.)", "Interval, low (kr.)"),
                Kind::Kroner,
            ),
            (l("Median (kr.)", "Median (kr.)"), Kind::Kroner),
            (
                l("Interval, høj (kr.)", "Interval, high (kr.)"),
                Kind::Kroner,
            ),
            (l("P(gevinst)", "P(gain)"), Kind::Share(1)),
            (l("Break-even p10", "Break-even p10"), Kind::Year),
            (l("Break-even p50", "Break-even p50"), Kind::Year),
            (l("Break-even p90", "Break-even p90"), Kind::Year),
            (
                l("Andel uden break-even", "Share without break-even"),
                Kind::Share(1),
            ),
        ]),
    );
    for m in &s.mc {
        for ((k, p), (_, b)) in m.pv.0.iter().zip(&m.break_even_year.0) {
            t.push(vec![
                Cell::text(&m.id),
                Cell::Text(words::actor(k, lang)),
                Cell::Num(p.deterministic),
                Cell::Num(p.mean),
                Cell::Num(p.sd),
                Cell::Num(p.interval[0]),
                Cell::Num(p.p50),
                Cell::Num(p.interval[1]),
                Cell::Num(p.p_positive),
                Cell::opt(b.p10),
                Cell::opt(b.p50),
                Cell::opt(b.p90),
                Cell::Num(b.share_none),
            ]);
        }
    }
    out.push(t);
    // the risk profile of the total: P(PV ≥ amount) at each of the profile's amounts
    let mut t = Table::new(
        "risk_profile",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Mindst (kr.)", "At least (kr.)"), Kind::Kroner),
            (l("Sandsynlighed", "Chance"), Kind::Share(1)),
        ]),
    );
    for m in &s.mc {
        for [amount, p] in m.pv.get(TOTAL).map_or(&[][..], |p| &p.cdf[..]) {
            t.push(vec![
                Cell::text(&m.id),
                Cell::Num(*amount),
                Cell::Num(1.0 - p),
            ]);
        }
    }
    out.push(t);
    // what drives the uncertainty, per key
    let mut t = Table::new(
        "sensitivity",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Aktør", "Actor"), Kind::Text),
            (l("Usikker størrelse", "Uncertain input"), Kind::Text),
            (l("Alene", "Alone"), Kind::Share(1)),
            (l("Med samspil", "With interactions"), Kind::Share(1)),
        ]),
    );
    for m in &s.mc {
        for (k, list) in m.sensitivity.iter().flat_map(|x| &x.0) {
            for i in list {
                t.push(vec![
                    Cell::text(&m.id),
                    Cell::Text(words::actor(k, lang)),
                    Cell::text(&i.input),
                    Cell::Num(i.first_order),
                    Cell::Num(i.total),
                ]);
            }
        }
    }
    out.push(t);
    // with correlated inputs, the rank correlations instead
    if s.mc.iter().any(|m| m.rank_sensitivity.is_some()) {
        let mut t = Table::new(
            "rank_sensitivity",
            columns(&[
                (l("Indsats", "Intervention"), Kind::Text),
                (l("Aktør", "Actor"), Kind::Text),
                (l("Usikker størrelse", "Uncertain input"), Kind::Text),
                (l("Rangkorrelation", "Rank correlation"), Kind::Number(3)),
                (l("Kvadreret", "Squared"), Kind::Share(1)),
            ]),
        );
        for m in &s.mc {
            for (k, list) in m.rank_sensitivity.iter().flat_map(|x| &x.0) {
                for i in list {
                    t.push(vec![
                        Cell::text(&m.id),
                        Cell::Text(words::actor(k, lang)),
                        Cell::text(&i.input),
                        Cell::Num(i.rank_correlation),
                        Cell::Num(i.squared),
                    ]);
                }
            }
        }
        out.push(t);
    }
    // what knowing more is worth: the comparison's decision, or each intervention's own
    let mut t = Table::new(
        "value_of_information",
        columns(&[
            (l("Beslutning mellem", "Decision between"), Kind::Text),
            (l("At kende", "Knowing"), Kind::Text),
            (l("Værdi (kr.)", "Value (kr.)"), Kind::Kroner),
            (
                l("Standardfejl (kr.)", "Standard error (kr.)"),
                Kind::Kroner,
            ),
        ]),
    );
    let vois: Vec<&crate::analysis::mc::ValueOfInformation> = match &s.comparison {
        Some(c) => c.value_of_information.iter().collect(),
        None => {
            s.mc.iter()
                .filter_map(|m| m.value_of_information.as_ref())
                .collect()
        }
    };
    for v in vois {
        let options = v.options.join(", ");
        t.push(vec![
            Cell::text(&options),
            Cell::text("evpi"),
            Cell::Num(v.evpi),
            Cell::opt(v.evpi_se),
        ]);
        for e in &v.evppi {
            t.push(vec![
                Cell::text(&options),
                Cell::text(&e.input),
                Cell::Num(e.value),
                Cell::opt(e.se),
            ]);
        }
    }
    out.push(t);
    // budget years: the portfolio, or the single intervention
    let years = match &s.comparison {
        Some(c) => Some(&c.portfolio.by_year),
        None => s.mc.first().and_then(|m| m.by_year.as_ref()),
    };
    if let Some(years) = years {
        let mut cols = columns(&[(l("År", "Year"), Kind::Year)]);
        cols.extend(
            labels
                .iter()
                .map(|k| Column::new(format!("{k}: minimum"), Kind::Kroner)),
        );
        let mut t = Table::new("budget_years", cols);
        for y in years {
            let mut r = vec![Cell::Num(f64::from(y.year))];
            r.extend(y.net.0.iter().map(|(_, v)| Cell::Num(v.low)));
            t.push(r);
        }
        out.push(t);
    }
    if let Some(c) = &s.comparison {
        let mut t = Table::new(
            "comparison",
            columns(&[
                ("A", Kind::Text),
                ("B", Kind::Text),
                ("P(A > B)", Kind::Share(1)),
                (l("Overlap, lav (kr.)", "Overlap, low (kr.)"), Kind::Kroner),
                (l("Overlap, høj (kr.)", "Overlap, high (kr.)"), Kind::Kroner),
                (l("Overlap-andel", "Overlap share"), Kind::Share(1)),
                (
                    l("Risiko for forkert valg", "Risk of the wrong choice"),
                    Kind::Share(1),
                ),
            ]),
        );
        for p in &c.pairs {
            t.push(vec![
                Cell::text(&p.a),
                Cell::text(&p.b),
                Cell::Num(p.p_a_better),
                Cell::opt(p.interval_overlap.map(|o| o[0])),
                Cell::opt(p.interval_overlap.map(|o| o[1])),
                Cell::Num(p.overlap_share),
                Cell::Num(p.wrong_choice_risk),
            ]);
        }
        out.push(t);
    }
    if let Some(c) = &s.comparison {
        let mut t = Table::new(
            "ranking",
            columns(&[
                (l("Aktør", "Actor"), Kind::Text),
                (l("Indsats", "Intervention"), Kind::Text),
                (l("P(bedst)", "P(best)"), Kind::Share(1)),
                (l("Forventet plads", "Expected rank"), Kind::Number(2)),
                (l("Middel (kr.)", "Mean (kr.)"), Kind::Kroner),
                (
                    l("Interval, lav (kr.)", "Interval, low (kr.)"),
                    Kind::Kroner,
                ),
                (
                    l("Interval, høj (kr.)", "Interval, high (kr.)"),
                    Kind::Kroner,
                ),
            ]),
        );
        for (k, list) in &c.ranking.0 {
            for r in list {
                t.push(vec![
                    Cell::Text(words::actor(k, lang)),
                    Cell::text(&r.id),
                    Cell::Num(r.p_best),
                    Cell::Num(r.expected_rank),
                    Cell::Num(r.mean),
                    Cell::Num(r.interval[0]),
                    Cell::Num(r.interval[1]),
                ]);
            }
        }
        out.push(t);
    }
    if let (Some(sum), Some(c0)) = (
        s.comparison.as_ref().and_then(|c| c.portfolio.sum.as_ref()),
        s.calc.first(),
    ) {
        out.extend(super::calc::sum_parts(sum, c0.price_year, lang).0);
    }
    out.push(settings(s, lang));
    out.push(logbook(s, lang));
    out
}

/// The settings and each intervention's assumptions (the report's Forudsætninger): price year,
/// discount rate, tax on transfers, actors; participants per year, how the success rate was
/// given, result period and horizon.
pub fn settings(s: &Summary, lang: Lang) -> Table {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut t = Table::new(
        "settings",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Forudsætning", "Assumption"), Kind::Text),
            (l("Værdi", "Value"), Kind::Text),
        ]),
    );
    let st = &s.settings;
    let mut row = |iv: &str, what: &str, value: String| {
        t.push(vec![Cell::text(iv), Cell::text(what), Cell::Text(value)]);
    };
    let all = l("alle", "all");
    row(all, l("Prisår", "Price year"), st.price_year.to_string());
    let discount =
        words::discount_value(st.discount_rate, st.discount_schedule.map(|x| x.id), lang);
    row(all, l("Diskonteringsrente", "Discount rate"), discount);
    row(
        all,
        l("Aktører", "Actors"),
        st.actors
            .iter()
            .map(|a| words::actor(a, lang))
            .collect::<Vec<_>>()
            .join(", "),
    );
    row(
        all,
        l("Skat af overførsler", "Tax on transfers"),
        st.actors
            .iter()
            .zip(&st.tax_on_transfers)
            .map(|(a, x)| format!("{} {}", words::actor(a, lang), pct(*x, 1, lang)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for a in &s.assumptions {
        if let Some(g) = &a.target_group {
            let goal = a.success_goal.as_deref().unwrap_or("");
            row(
                &a.id,
                l("Målgruppe og succesmål", "Target group and success goal"),
                format!("{g} · {goal}"),
            );
        }
        let years: Vec<String> = a
            .participants
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    "{}: {}",
                    a.start_year + i as i32,
                    crate::present::format::int(*n, lang)
                )
            })
            .collect();
        row(
            &a.id,
            l(
                "Deltagere pr. år (startende)",
                "Participants per year (starting)",
            ),
            years.join(", "),
        );
        row(
            &a.id,
            l("Succesrate", "Success rate"),
            words::success_input(&a.success_rate, a.success_rate_used, lang),
        );
        row(
            &a.id,
            l("Resultatperiode", "Result period"),
            format!("{}–{}", a.result_period[0], a.result_period[1]),
        );
        row(
            &a.id,
            l(
                "Horisont (sidste år med beløb)",
                "Horizon (last year with amounts)",
            ),
            format!("{}–{}", a.horizon[0], a.horizon[1]),
        );
    }
    t
}

/// Every input's note and source (the course's logbook).
pub fn logbook(s: &Summary, lang: Lang) -> Table {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut t = Table::new(
        "logbook",
        columns(&[
            (l("Input", "Input"), Kind::Text),
            (l("Note", "Note"), Kind::Text),
            (l("Kilde", "Source"), Kind::Text),
        ]),
    );
    for e in &s.logbook {
        t.push(vec![
            Cell::text(&e.input),
            e.note.as_deref().map_or(Cell::Empty, Cell::text),
            e.source.as_deref().map_or(Cell::Empty, Cell::text),
        ]);
    }
    t
}

/// The uncertainty ranges of every intervention, in words ("trekantfordeling 8 %–20 %, mest
/// sandsynligt 14 %").
pub fn uncertainty(sc: &Scenario, lang: Lang) -> Table {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let mut t = Table::new(
        "uncertainty",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Input", "Input"), Kind::Text),
            (l("Fordeling", "Distribution"), Kind::Text),
        ]),
    );
    for iv in &sc.interventions {
        let u = &iv.uncertainty;
        let mut push = |input: String, d: &crate::dist::Dist, share: bool| {
            t.push(vec![
                Cell::text(&iv.id),
                Cell::Text(input),
                Cell::Text(words::distribution(d, share, lang)),
            ]);
        };
        if let Some(x) = &u.success_rate {
            push(l("succesrate", "success rate").into(), x, true);
        }
        if let Some(x) = &u.consequences {
            push(
                format!(
                    "{} ({})",
                    l("konsekvensfaktor", "consequence factor"),
                    words::factor_scope(x.per, lang)
                ),
                &x.dist,
                false,
            );
        }
        if let Some(x) = &u.prices {
            push(
                format!(
                    "{} ({})",
                    l("prisfaktor", "price factor"),
                    words::factor_scope(x.per, lang)
                ),
                &x.dist,
                false,
            );
        }
        if let Some(x) = &u.costs {
            push(l("omkostningsfaktor", "cost factor").into(), x, false);
        }
    }
    t
}

/// The knowledge-base rows each intervention used: item, origin, source and where it was read.
pub fn knowledge_rows(s: &Summary, lang: Lang) -> Table {
    let l = |da: &'static str, en: &'static str| lang.t(da, en);
    let from = |file: &str| -> Option<String> {
        let t = s.knowledge.iter().find(|t| t.file == file)?;
        (!t.shipped).then(|| t.path.display().to_string())
    };
    // consequences and prices are the tables an item's numbers come from
    let own: Vec<String> = ["consequences.csv", "prices.csv"]
        .iter()
        .filter_map(|f| from(f))
        .collect();
    let item_from = if own.is_empty() {
        l("medfølgende vidensdatabase", "shipped knowledge base").to_string()
    } else {
        own.join(", ")
    };
    let mut t = Table::new(
        "knowledge_rows",
        columns(&[
            (l("Indsats", "Intervention"), Kind::Text),
            (l("Post", "Item"), Kind::Text),
            (l("Oprindelse", "Origin"), Kind::Text),
            (l("Kilde", "Source"), Kind::Text),
            (l("Læst fra", "Read from"), Kind::Text),
        ]),
    );
    for c in &s.calc {
        for it in &c.items {
            t.push(vec![
                Cell::text(&c.id),
                Cell::Text(format!("{} ({})", it.name, it.id)),
                Cell::Text(words::origin(it.origin, lang).into()),
                Cell::Text(it.sources.join("; ")),
                Cell::text(&item_from),
            ]);
        }
    }
    t
}

/// With more interventions than this the report is a portfolio report: the prioritisation is
/// shown as the ranking (with the risk of a wrong choice against the next one) and the table of
/// every pair goes to the workbook and CSV only (six interventions make 15 pairs, sixty make
/// 1,770), and each intervention's section keeps its tables but not its seven figures.
pub const DETAILED_UP_TO: usize = 6;

/// Whether the page shows every pair of the comparison (see [`DETAILED_UP_TO`]).
pub fn shows_pairs(c: &crate::analysis::mc::Comparison) -> bool {
    c.interventions.len() <= DETAILED_UP_TO
}

/// Whether each intervention's section has its figures (see [`DETAILED_UP_TO`]).
pub fn figures_per_intervention(s: &Summary) -> bool {
    s.calc.len() <= DETAILED_UP_TO
}

/// One line of the answer: runs of text, each bold or not.
pub type Line = Vec<(String, bool)>;

/// The answer the report opens with, in plain words and amounts rounded to thousands: per
/// intervention the best estimate with its interval and chance of a gain; for an investment the
/// years in which it is paid back; for a budget the minimum figure; for a prioritisation each
/// pair's overlap and the risk of the wrong choice.
pub fn answer(s: &Summary, purpose: Purpose, interval: f64, lang: Lang) -> Vec<Line> {
    let l = |da: &str, en: &str| lang.t(da, en).to_string();
    let plain = |t: String| (t, false);
    let bold = |t: String| (t, true);
    let mut out = Vec::new();
    // a portfolio of many interventions: the sections below carry each one's figures, the
    // answer the portfolio's (the ranking and its budget minimum)
    let each = if figures_per_intervention(s) {
        s.calc.len()
    } else {
        0
    };
    if let Some(cmp) = &s.comparison
        && each == 0
        && purpose.shows(Purpose::Budget)
    {
        out.push(vec![plain(format!(
            "{} ({} {}): {}",
            l(
                "Minimumstal til budgettet for porteføljen",
                "Minimum figure for the budget of the portfolio"
            ),
            cmp.interventions.len(),
            l("indsatser, fælles træk", "interventions, joint draws"),
            rkr(cmp.portfolio.low, lang)
        ))]);
    }
    for (c, m) in s.calc.iter().zip(&s.mc).take(each) {
        let Some(p) = m.pv.get(TOTAL) else { continue };
        out.push(vec![
            bold(c.name.clone()),
            plain(format!(
                " ({}–{}): {} ",
                c.result_period[0],
                c.result_period[1],
                l(
                    "bedste bud på nettogevinsten for den offentlige sektor er",
                    "the best estimate of the net gain for the public sector is"
                )
            )),
            bold(rkr(p.deterministic, lang)),
            plain(format!(
                "; {}-{} {} {} {}; {} {}",
                pct(interval, 0, lang),
                l("interval", "interval"),
                rkr(p.interval[0], lang),
                l("til", "to"),
                rkr(p.interval[1], lang),
                l("sandsynlighed for gevinst", "chance of a gain"),
                pct(p.p_positive, 0, lang)
            )),
        ]);
        if purpose.shows(Purpose::Investment)
            && let Some(b) = m.break_even_year.get(TOTAL)
        {
            let since = |y: f64| y - f64::from(c.start_year) + 1.0;
            out.push(vec![plain(match (b.p10, b.p90) {
                (Some(a), Some(z)) if b.share_none < 0.5 => format!(
                    "{} {:.0}–{:.0} ({}–{}); {} {}.",
                    l("Tilbagebetalt i år", "Paid back in year"),
                    since(a),
                    since(z),
                    year(Some(a)),
                    year(Some(z)),
                    l(
                        "ikke tilbagebetalt i horisonten i",
                        "not paid back within the horizon in"
                    ),
                    pct(b.share_none, 0, lang)
                ),
                _ => format!(
                    "{} {} ({} {}).",
                    l("Ikke tilbagebetalt inden", "Not paid back by"),
                    b.horizon_end,
                    pct(b.share_none, 0, lang),
                    l("af trækkene", "of the draws")
                ),
            })]);
        }
        if purpose.shows(Purpose::Budget) {
            out.push(vec![plain(format!(
                "{} {}",
                l(
                    "Minimumstal til budgettet (nedre grænse af intervallet):",
                    "Minimum figure for the budget (low end of the interval):"
                ),
                rkr(p.interval[0], lang)
            ))]);
        }
    }
    if let Some(cmp) = &s.comparison
        && purpose.shows(Purpose::Prioritisation)
        && !shows_pairs(cmp)
    {
        // many interventions: the best by the ranking, and the risk against the runner-up
        if let Some(best) = cmp.ranking.get(TOTAL).and_then(|list| list.first()) {
            out.push(vec![
                plain(format!("{} ", l("Bedst rangeret:", "Ranked best:"))),
                bold(best.id.clone()),
                plain(format!(
                    " ({} {}); {} {}.",
                    l("bedst i", "best in"),
                    pct(best.p_best, 0, lang),
                    l(
                        "risiko for forkert valg mod den næste:",
                        "risk of the wrong choice against the next:"
                    ),
                    cmp.risk_against_next(TOTAL, 0)
                        .map_or("–".to_string(), |r| pct(r, 0, lang))
                )),
            ]);
        }
    }
    if let Some(cmp) = &s.comparison
        && purpose.shows(Purpose::Prioritisation)
        && shows_pairs(cmp)
    {
        for p in &cmp.pairs {
            out.push(vec![
                plain(format!("{} {} {}: ", p.a, l("mod", "vs"), p.b)),
                bold(format!(
                    "{}: {} {}",
                    words::overlap(p.overlap_size(), lang),
                    pct(p.wrong_choice_risk, 0, lang),
                    words::wrong_choice(lang)
                )),
                plain(format!(
                    " ({} {}).",
                    l("bedste bud:", "best estimate:"),
                    p.best_estimate
                )),
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_says_what_the_purpose_asks_for() {
        let kb = crate::testing::kb();
        let sc = crate::testing::shipped("sammenligning");
        let s = crate::analysis::decision::analyse(
            &sc,
            &kb,
            Purpose::All,
            2_000,
            1,
            None,
            &crate::observer::Quiet,
        )
        .expect("analyses");
        let text = |p: Purpose| -> Vec<String> {
            answer(&s, p, 0.9, Lang::Da)
                .into_iter()
                .map(|l| l.into_iter().map(|(t, _)| t).collect())
                .collect()
        };
        let all = text(Purpose::All);
        // two interventions × (estimate, payback, budget) + one pair
        assert_eq!(all.len(), 7, "{all:#?}");
        assert!(
            all[0].contains("bedste bud på nettogevinsten") && all[0].contains("90 %-interval")
        );
        assert!(all[2].starts_with("Minimumstal til budgettet"));
        assert!(all[6].starts_with("cti mod bostoette: ") && all[6].contains("forkerte indsats"));
        let evaluation = text(Purpose::Evaluation);
        assert_eq!(evaluation.len(), 2, "{evaluation:#?}");
        // the best estimate is bold, rounded to thousands
        let first = &answer(&s, Purpose::Evaluation, 0.9, Lang::Da)[0];
        let p = s.mc[0].pv.get(TOTAL).expect("total").deterministic;
        assert_eq!(first[2], (rkr(p, Lang::Da), true));
    }
}

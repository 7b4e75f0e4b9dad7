//! The knowledge base as tables: where each table was read from, the target groups, items,
//! prices, effect studies, and one group's consequences with their prices.

use crate::kb::{EffectStudy, KnowledgeBase, Price, TableSource, TargetGroup};
use crate::present::format::{Lang, dec, int, pct};
use crate::present::table::{Cell, Column, Kind, Table};

/// A table of text cells whose columns holding only numbers (Danish or English notation, blanks
/// allowed) are right-aligned.
fn numbers_right(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Table {
    let numeric = |c: usize| {
        rows.iter().all(|r| {
            r.get(c).is_none_or(|v| {
                let v = v.trim();
                v.is_empty()
                    || v.chars()
                        .all(|ch| ch.is_ascii_digit() || "-−+.,% ".contains(ch))
            })
        })
    };
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, h)| Column::new(*h, if numeric(i) { Kind::Figure } else { Kind::Text }))
        .collect();
    let mut t = Table::new(name, columns);
    t.rows = rows
        .into_iter()
        .map(|r| r.into_iter().map(Cell::Text).collect())
        .collect();
    t
}

/// One table's origin: file, where it was read from, detected format, rows.
pub fn source_row(t: &TableSource, lang: Lang) -> Vec<String> {
    vec![
        t.file.clone(),
        if t.shipped {
            lang.t("medfølgende", "shipped").to_string()
        } else {
            t.path.display().to_string()
        },
        t.format.clone(),
        t.rows.to_string(),
    ]
}

/// The eight tables and where each came from.
pub fn sources(tables: &[TableSource], lang: Lang) -> Table {
    numbers_right(
        "knowledge_tables",
        &[
            lang.t("tabel", "table"),
            lang.t("fra", "from"),
            lang.t("format", "format"),
            lang.t("rækker", "rows"),
        ],
        tables.iter().map(|t| source_row(t, lang)).collect(),
    )
}

/// The target groups with their success goals and number of consequence rows.
pub fn groups(kb: &KnowledgeBase, lang: Lang) -> Table {
    let rows = kb
        .target_groups
        .iter()
        .map(|g| {
            let goals: Vec<String> = kb.goals_of(&g.id).iter().map(|s| s.id.clone()).collect();
            let n: usize = goals
                .iter()
                .map(|s| kb.consequences_of(&g.id, s).len())
                .sum();
            vec![
                g.id.clone(),
                g.name.clone(),
                g.theme.clone(),
                g.age_band.clone(),
                goals.join(", "),
                n.to_string(),
            ]
        })
        .collect();
    numbers_right(
        "target_groups",
        &[
            "id",
            lang.t("navn", "name"),
            lang.t("tema", "theme"),
            lang.t("alder", "age"),
            lang.t("succesmål", "success goals"),
            lang.t("konsekvenser", "items"),
        ],
        rows,
    )
}

/// The consequence items.
pub fn items(kb: &KnowledgeBase, lang: Lang) -> Table {
    let rows = kb
        .items
        .iter()
        .map(|i| {
            vec![
                i.id.clone(),
                i.name.clone(),
                i.area.clone(),
                i.unit.clone(),
                format!("{:?}", i.kind).to_lowercase(),
            ]
        })
        .collect();
    numbers_right(
        "items",
        &[
            "id",
            lang.t("navn", "name"),
            lang.t("område", "area"),
            lang.t("enhed", "unit"),
            lang.t("art", "kind"),
        ],
        rows,
    )
}

/// Prices per actor.
pub fn prices(list: &[&Price], lang: Lang) -> Table {
    let rows = list
        .iter()
        .map(|p| {
            vec![
                p.target_group.clone().unwrap_or_else(|| "*".into()),
                p.item.clone(),
                int(p.amounts[0], lang),
                int(p.amounts[1], lang),
                int(p.amounts[2], lang),
                p.price_year.to_string(),
                p.source.clone(),
            ]
        })
        .collect();
    numbers_right(
        "prices",
        &[
            lang.t("målgruppe", "target group"),
            "item",
            "kommune",
            "region",
            "stat",
            lang.t("prisår", "price year"),
            lang.t("kilde", "source"),
        ],
        rows,
    )
}

/// Effect studies (Cohen's d).
pub fn studies(list: &[&EffectStudy], lang: Lang) -> Table {
    let rows = list
        .iter()
        .map(|s| {
            vec![
                s.target_group.clone(),
                s.intervention.clone(),
                s.outcome.clone(),
                s.design.clone(),
                s.quality.clone(),
                dec(s.effect_size, 2, lang),
                int(s.n, lang),
                s.country.clone(),
                s.source.clone(),
            ]
        })
        .collect();
    numbers_right(
        "effect_studies",
        &[
            lang.t("målgruppe", "target group"),
            lang.t("indsats", "intervention"),
            lang.t("effektmål", "outcome"),
            "design",
            lang.t("kvalitet", "quality"),
            "d",
            "n",
            lang.t("land", "country"),
            lang.t("kilde", "source"),
        ],
        rows,
    )
}

/// One target group described in lines: name, theme, age, definition, source, characteristics
/// and success goals.
pub fn group_text(kb: &KnowledgeBase, g: &TargetGroup, lang: Lang) -> String {
    let mut out = format!(
        "{} ({})\n{}: {} · {}: {}\n{}: {}\n{}: {}\n",
        g.name,
        g.id,
        lang.t("Tema", "Theme"),
        g.theme,
        lang.t("Alder", "Age"),
        g.age_band,
        lang.t("Definition", "Definition"),
        g.definition,
        lang.t("Kilde", "Source"),
        g.source
    );
    for (k, v) in &g.characteristics {
        out += &format!(
            "  {k}: {}\n",
            if *v >= 100.0 {
                int(*v, lang)
            } else {
                dec(*v, 2, lang)
            }
        );
    }
    out += &format!("\n{}:\n", lang.t("Succesmål", "Success goals"));
    for s in kb.goals_of(&g.id) {
        out += &format!("  {} — {}: {}\n", s.id, s.name, s.definition);
    }
    out
}

/// One group's consequences per successful participant with their prices.
pub fn consequences(kb: &KnowledgeBase, id: &str, lang: Lang) -> Table {
    let mut rows = Vec::new();
    for goal in kb.goals_of(id) {
        for c in kb.consequences_of(id, &goal.id) {
            let p = kb.price(id, &c.item);
            let unit = kb.item(&c.item).map(|i| i.unit.clone()).unwrap_or_default();
            let vals = c
                .values
                .iter()
                .map(|v| dec(v.value, 2, lang))
                .collect::<Vec<_>>()
                .join(" ");
            let (k, r, s, y) = p.map_or(
                (String::new(), String::new(), String::new(), String::new()),
                |p| {
                    (
                        int(p.amounts[0], lang),
                        int(p.amounts[1], lang),
                        int(p.amounts[2], lang),
                        p.price_year.to_string(),
                    )
                },
            );
            let src = c
                .values
                .first()
                .map(|v| v.source.clone())
                .unwrap_or_default();
            rows.push(vec![
                goal.id.clone(),
                c.item.clone(),
                unit,
                vals,
                k,
                r,
                s,
                y,
                src,
            ]);
        }
    }
    numbers_right(
        "consequences",
        &[
            "succesmål",
            "item",
            "enhed",
            "værdier",
            "kommune",
            "region",
            "stat",
            "prisår",
            "kilde",
        ],
        rows,
    )
}

/// The model's settings with their sources (`soem knowledge settings`): the discount rate, the
/// named discount-rate schedules a scenario may choose, the tax on transfers per actor and the
/// price index year by year.
pub fn settings(kb: &KnowledgeBase, lang: Lang) -> Table {
    let p = &kb.parameters;
    let src = |name: &str| p.sources.get(name).cloned().unwrap_or_default();
    let mut rows = vec![vec![
        "discount_rate".to_string(),
        lang.t("Diskonteringsrente (SØM)", "Discount rate (SØM)")
            .to_string(),
        pct(p.discount_rate, 1, lang),
        src("discount_rate"),
    ]];
    for s in crate::model::discount::SCHEDULES {
        let mut from = 1;
        let bands: Vec<String> = s
            .bands
            .iter()
            .map(|b| {
                let r = pct(b.rate, 1, lang);
                match b.to_year {
                    None => format!("{r} {} {from}", lang.t("fra år", "from year")),
                    Some(last) => {
                        let t = format!("{r} {} {from}–{last}", lang.t("år", "years"));
                        from = last + 1;
                        t
                    }
                }
            })
            .collect();
        rows.push(vec![
            format!("discount_rate = \"{}\"", s.id),
            lang.t(
                "Faldende diskonteringsrente (Finansministeriet)",
                "Declining discount rate (Finansministeriet)",
            )
            .to_string(),
            bands.join("; "),
            s.source.to_string(),
        ]);
    }
    for (i, actor) in crate::kb::KB_ACTORS.iter().enumerate() {
        let name = format!("tax_transfers_{actor}");
        rows.push(vec![
            name.clone(),
            format!(
                "{} {actor}",
                lang.t("Skat af overførsler,", "Tax on transfers,")
            ),
            pct(p.tax_transfers[i], 1, lang),
            src(&name),
        ]);
    }
    // the index's source is said once for a run of years that share it
    let idx = &kb.price_index;
    let mut last_source = None;
    for (i, v) in idx.values.iter().enumerate() {
        let year = idx.first_year + i as i32;
        let source = idx.sources.get(i).map(String::as_str).unwrap_or_default();
        let shown = if last_source == Some(source) {
            lang.t("(som ovenfor)", "(as above)").to_string()
        } else {
            source.to_string()
        };
        last_source = Some(source);
        rows.push(vec![
            format!("price_index.{year}"),
            format!("{} {year}", lang.t("Prisindeks", "Price index")),
            dec(*v, 2, lang),
            shown,
        ]);
    }
    numbers_right(
        "settings",
        &[
            lang.t("navn", "name"),
            lang.t("indstilling", "setting"),
            lang.t("værdi", "value"),
            lang.t("kilde", "source"),
        ],
        rows,
    )
}

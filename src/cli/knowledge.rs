//! `soem knowledge …`: browsing the knowledge base as tables or JSON.

use anyhow::{Result, bail};
use serde_json::json;

use super::KnowledgeCmd;
use crate::export::Export;
use crate::kb::KnowledgeBase;
use crate::present::format::Lang;
use crate::present::table::Table;
use crate::present::view::knowledge as view;

fn group_or_error<'a>(kb: &'a KnowledgeBase, id: &str) -> Result<&'a crate::kb::TargetGroup> {
    match kb.group(id) {
        Some(g) => Ok(g),
        None => {
            let hint = crate::text::did_you_mean(id, kb.group_ids());
            bail!("unknown target group \"{id}\"{hint} (see `soem knowledge groups`)")
        }
    }
}

/// The erfaringsdatabase cases shipped under `scenarios/erfaringer/` (file name, text), compiled
/// in so `soem knowledge cases` works from any folder (a test checks the folder and this list
/// agree).
pub const CASES: &[(&str, &str)] = &[
    (
        "cool-kids.toml",
        include_str!("../../scenarios/erfaringer/cool-kids.toml"),
    ),
    (
        "cool-kids-ikast-brande.toml",
        include_str!("../../scenarios/erfaringer/cool-kids-ikast-brande.toml"),
    ),
    (
        "keep.toml",
        include_str!("../../scenarios/erfaringer/keep.toml"),
    ),
    (
        "rr2-adhd.toml",
        include_str!("../../scenarios/erfaringer/rr2-adhd.toml"),
    ),
    (
        "ips.toml",
        include_str!("../../scenarios/erfaringer/ips.toml"),
    ),
    (
        "forebyggende-familie.toml",
        include_str!("../../scenarios/erfaringer/forebyggende-familie.toml"),
    ),
    (
        "flere-problemer.toml",
        include_str!("../../scenarios/erfaringer/flere-problemer.toml"),
    ),
];

fn cases(kb: &KnowledgeBase, lang: Lang) -> Result<Listing> {
    use crate::present::format::kr;
    use crate::present::table::{Cell, Column, Kind};
    let mut t = Table::new(
        "cases",
        vec![
            Column::new(lang.t("Fil", "File"), Kind::Text),
            Column::new(lang.t("Beregning", "Calculation"), Kind::Text),
            Column::new(lang.t("Målgruppe", "Target group"), Kind::Text),
            Column::new(lang.t("Publiceret", "Published"), Kind::Text),
            Column::new(
                lang.t("Vores nutidsværdi", "Our present value"),
                Kind::Kroner,
            ),
            Column::new(lang.t("Kilde", "Source"), Kind::Text),
        ],
    );
    let mut list = Vec::new();
    for (file, text) in CASES {
        let path = std::path::Path::new("scenarios/erfaringer").join(file);
        let sc = crate::scenario::parse(&path, text, kb)?;
        let calcs: Vec<_> = sc
            .interventions
            .iter()
            .map(|iv| crate::model::calculate(&sc, iv))
            .collect();
        let (pv, period) = crate::model::sum::total_pv(&sc, &calcs);
        let groups: Vec<&str> = sc
            .interventions
            .iter()
            .filter_map(|iv| iv.target_group.as_deref())
            .collect();
        let published = sc.case.as_ref().map_or_else(
            || {
                lang.t(
                    "— (eksempel, ikke publiceret)",
                    "— (example, not published)",
                )
                .to_string()
            },
            |c| match (c.net, c.cost_per_participant) {
                (Some(n), _) => format!("{} {}", lang.t("netto ca.", "net about"), kr(n, lang)),
                (None, Some(p)) => format!(
                    "{} {}",
                    kr(p, lang),
                    lang.t("pr. deltager (omkostning)", "per participant (cost)")
                ),
                _ => lang.t("kun i ord", "in words only").to_string(),
            },
        );
        let source = sc
            .case
            .as_ref()
            .and_then(|c| c.url.clone())
            .unwrap_or_else(|| {
                lang.t("illustrativt eksempel", "illustrative example")
                    .to_string()
            });
        t.push(vec![
            Cell::text(*file),
            Cell::text(&sc.title),
            Cell::Text(groups.join(", ")),
            Cell::Text(published),
            Cell::Num(pv),
            Cell::Text(source),
        ]);
        list.push(json!({
            "file": format!("scenarios/erfaringer/{file}"),
            "title": sc.title,
            "target_groups": groups,
            "case": sc.case,
            "pv_total": pv,
            "result_period": period,
        }));
    }
    render(t, json!(list))
}

/// A knowledge-base listing: its table, its JSON, and the text above the table (if any).
pub struct Listing {
    table: Table,
    json: serde_json::Value,
    intro: String,
    /// Text below the table (if any).
    outro: String,
    /// Whether an empty table is shown (with its header) or left out.
    show_empty: bool,
}

impl Export for Listing {
    fn json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&self.json)? + "\n")
    }

    fn table(&self) -> Table {
        self.table.clone()
    }

    fn text(&self, lang: Lang) -> String {
        if self.table.rows.is_empty() && !self.show_empty {
            return format!("{}{}", self.intro, self.outro);
        }
        format!("{}{}{}", self.intro, self.table.to_text(lang), self.outro)
    }
}

fn render(table: Table, json: serde_json::Value) -> Result<Listing> {
    Ok(Listing {
        table,
        json,
        intro: String::new(),
        outro: String::new(),
        show_empty: true,
    })
}

/// Runs a `knowledge` subcommand.
pub fn run(kb: &KnowledgeBase, what: &KnowledgeCmd, lang: Lang) -> Result<Listing> {
    match what {
        KnowledgeCmd::Tables => render(
            view::sources(&kb.tables, lang),
            json!({"dir": kb.dir, "hash": kb.hash, "tables": kb.tables}),
        ),
        KnowledgeCmd::Groups => render(
            view::groups(kb, lang),
            json!(
                kb.target_groups
                    .iter()
                    .map(|g| json!({"group": g, "success_goals": kb.goals_of(&g.id)}))
                    .collect::<Vec<_>>()
            ),
        ),
        KnowledgeCmd::Items => render(view::items(kb, lang), json!(kb.items)),
        KnowledgeCmd::Settings => {
            let idx = &kb.price_index;
            let index: Vec<_> = idx
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    json!({"year": idx.first_year + i as i32, "index": v,
                           "source": idx.sources.get(i)})
                })
                .collect();
            render(
                view::settings(kb, lang),
                json!({
                    "discount_rate": {"value": kb.parameters.discount_rate,
                                      "source": kb.parameters.sources.get("discount_rate")},
                    "discount_schedules": crate::model::discount::SCHEDULES,
                    "tax_on_transfers": crate::kb::KB_ACTORS.iter().enumerate().map(|(i, a)| {
                        let name = format!("tax_transfers_{a}");
                        (a.to_string(), json!({"value": kb.parameters.tax_transfers[i],
                                               "source": kb.parameters.sources.get(&name)}))
                    }).collect::<serde_json::Map<_, _>>(),
                    "price_index": index,
                }),
            )
        }
        KnowledgeCmd::Prices { group } => {
            if let Some(g) = group {
                group_or_error(kb, g)?;
            }
            let list: Vec<&crate::kb::Price> = kb
                .prices
                .iter()
                .filter(|p| match group {
                    None => true,
                    Some(g) => {
                        p.target_group.as_deref().is_none_or(|x| x == g)
                            && kb.price(g, &p.item).is_some_and(|w| std::ptr::eq(w, *p))
                    }
                })
                .collect();
            render(view::prices(&list, lang), json!(list))
        }
        KnowledgeCmd::Studies { group } => {
            if let Some(g) = group {
                group_or_error(kb, g)?;
            }
            let list: Vec<&crate::kb::EffectStudy> = kb
                .effect_studies
                .iter()
                .filter(|s| group.as_ref().is_none_or(|g| &s.target_group == g))
                .collect();
            render(view::studies(&list, lang), json!(list))
        }
        KnowledgeCmd::Show { id } => show(kb, id, lang),
        KnowledgeCmd::Cases => cases(kb, lang),
    }
}

fn show(kb: &KnowledgeBase, id: &str, lang: Lang) -> Result<Listing> {
    let g = group_or_error(kb, id)?;
    let goals = kb.goals_of(id);
    let mut cons = Vec::new();
    for goal in &goals {
        for c in kb.consequences_of(id, &goal.id) {
            cons.push(json!({"success_goal": goal.id, "item": c.item, "values": c.values, "price": kb.price(id, &c.item)}));
        }
    }
    // consequences per person of a participant's relations (consequences.csv `relation`): in
    // the JSON row by row, and a line naming each relation's items below the table
    let mut relations = Vec::new();
    let mut whos: Vec<String> = Vec::new();
    for ((group, goal, who), list) in kb.relations.iter().filter(|((g, _, _), _)| g == id) {
        for c in list {
            relations.push(json!({"success_goal": goal, "relation": who, "item": c.item, "values": c.values, "price": kb.price(group, &c.item)}));
        }
        whos.push(format!(
            "{} ({}: {})",
            crate::present::words::relation(who, lang),
            who,
            list.iter()
                .map(|c| c.item.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    whos.dedup();
    let json = json!({
        "group": g,
        "success_goals": goals,
        "consequences": cons,
        "relations": relations,
    });
    let table = view::consequences(kb, id, lang);
    let mut intro = view::group_text(kb, g, lang);
    intro += &format!(
        "\n{}\n",
        if table.rows.is_empty() {
            lang.t(
                "Ingen konsekvensestimater for denne målgruppe (kun litteraturoversigt).",
                "No consequence estimates for this group (effect studies only).",
            )
        } else {
            lang.t(
                "Konsekvenser pr. deltager med succes (år 1..K) og priser pr. enhed",
                "Consequences per successful participant (years 1..K) and prices per unit",
            )
        }
    );
    let mut outro = String::new();
    if !whos.is_empty() {
        outro = format!(
            "\n{} {}\n",
            lang.t(
                "Konsekvenser pr. pårørende (familieberegninger, [[intervention.relation]]):",
                "Consequences per relation (family calculations, [[intervention.relation]]):"
            ),
            whos.join("; ")
        );
    }
    Ok(Listing {
        table,
        json,
        intro,
        outro,
        show_empty: false,
    })
}

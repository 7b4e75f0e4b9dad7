//! `soem knowledge …`: browsing the knowledge base as tables or JSON.

use anyhow::{Result, bail};
use serde_json::json;

use super::table::csv;
use super::{Format, KnowledgeCmd};
use crate::kb::KnowledgeBase;
use crate::text::{Lang, dec, int};

fn group_or_error<'a>(kb: &'a KnowledgeBase, id: &str) -> Result<&'a crate::kb::TargetGroup> {
    match kb.group(id) {
        Some(g) => Ok(g),
        None => {
            let hint = crate::text::did_you_mean(id, kb.group_ids());
            bail!("unknown target group \"{id}\"{hint} (see `soem knowledge groups`)")
        }
    }
}

fn render(
    format: Format,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    json: serde_json::Value,
) -> Result<String> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&json)? + "\n",
        Format::Csv => csv(&header, &rows),
        Format::Text => numbers_right(header, rows),
    })
}

/// A text table with the columns that hold only numbers (Danish or English notation, blanks
/// allowed) right-aligned and the text columns left-aligned.
fn numbers_right(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
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
    let right: Vec<bool> = (0..header.len()).map(numeric).collect();
    super::table::aligned(header, rows, &right)
}

/// Runs a `knowledge` subcommand.
pub fn run(kb: &KnowledgeBase, what: &KnowledgeCmd, format: Format, lang: Lang) -> Result<String> {
    let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match what {
        KnowledgeCmd::Tables => {
            let rows = kb.tables.iter().map(|t| t.cells(lang)).collect();
            render(
                format,
                h(&[
                    lang.t("tabel", "table"),
                    lang.t("fra", "from"),
                    lang.t("format", "format"),
                    lang.t("rækker", "rows"),
                ]),
                rows,
                json!({"dir": kb.dir, "hash": kb.hash, "tables": kb.tables}),
            )
        }
        KnowledgeCmd::Groups => {
            let rows = kb
                .target_groups
                .iter()
                .map(|g| {
                    let goals: Vec<String> =
                        kb.goals_of(&g.id).iter().map(|s| s.id.clone()).collect();
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
            render(
                format,
                h(&[
                    "id",
                    lang.t("navn", "name"),
                    lang.t("tema", "theme"),
                    lang.t("alder", "age"),
                    lang.t("succesmål", "success goals"),
                    lang.t("konsekvenser", "items"),
                ]),
                rows,
                json!(
                    kb.target_groups
                        .iter()
                        .map(|g| json!({"group": g, "success_goals": kb.goals_of(&g.id)}))
                        .collect::<Vec<_>>()
                ),
            )
        }
        KnowledgeCmd::Items => {
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
            render(
                format,
                h(&[
                    "id",
                    lang.t("navn", "name"),
                    lang.t("område", "area"),
                    lang.t("enhed", "unit"),
                    lang.t("art", "kind"),
                ]),
                rows,
                json!(kb.items),
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
            render(
                format,
                h(&[
                    lang.t("målgruppe", "target group"),
                    "item",
                    "kommune",
                    "region",
                    "stat",
                    lang.t("prisår", "price year"),
                    lang.t("kilde", "source"),
                ]),
                rows,
                json!(list),
            )
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
            render(
                format,
                h(&[
                    lang.t("målgruppe", "target group"),
                    lang.t("indsats", "intervention"),
                    lang.t("effektmål", "outcome"),
                    "design",
                    lang.t("kvalitet", "quality"),
                    "d",
                    "n",
                    lang.t("land", "country"),
                    lang.t("kilde", "source"),
                ]),
                rows,
                json!(list),
            )
        }
        KnowledgeCmd::Show { id } => show(kb, id, format, lang),
    }
}

fn show(kb: &KnowledgeBase, id: &str, format: Format, lang: Lang) -> Result<String> {
    let g = group_or_error(kb, id)?;
    let goals = kb.goals_of(id);
    let mut cons = Vec::new();
    for goal in &goals {
        for c in kb.consequences_of(id, &goal.id) {
            let price = kb.price(id, &c.item);
            cons.push((goal.id.clone(), c, price));
        }
    }
    if format == Format::Json {
        return Ok(serde_json::to_string_pretty(&json!({
            "group": g,
            "success_goals": goals,
            "consequences": cons.iter().map(|(goal, c, p)| json!({"success_goal": goal, "item": c.item, "values": c.values, "price": p})).collect::<Vec<_>>(),
        }))? + "\n");
    }
    let mut out = String::new();
    if format == Format::Text {
        out += &format!(
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
        for s in &goals {
            out += &format!("  {} — {}: {}\n", s.id, s.name, s.definition);
        }
        if cons.is_empty() {
            out += &format!(
                "\n{}\n",
                lang.t(
                    "Ingen konsekvensestimater for denne målgruppe (kun litteraturoversigt).",
                    "No consequence estimates for this group (effect studies only)."
                )
            );
            return Ok(out);
        }
        out += &format!(
            "\n{}\n",
            lang.t(
                "Konsekvenser pr. deltager med succes (år 1..K) og priser pr. enhed",
                "Consequences per successful participant (years 1..K) and prices per unit"
            )
        );
    }
    let header: Vec<String> = [
        "succesmål",
        "item",
        "enhed",
        "værdier",
        "kommune",
        "region",
        "stat",
        "prisår",
        "kilde",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = cons
        .iter()
        .map(|(goal, c, p)| {
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
            vec![goal.clone(), c.item.clone(), unit, vals, k, r, s, y, src]
        })
        .collect();
    match format {
        Format::Csv => Ok(csv(&header, &rows)),
        _ => Ok(out + &numbers_right(header, rows)),
    }
}

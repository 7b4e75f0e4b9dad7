//! One reader per knowledge-base table: each turns a parsed [`Table`] into its rows, checking
//! every cell and every reference to another table (a success goal's target group, a
//! consequence's item …) with the file, line and column in the error.

use std::collections::{BTreeMap, HashMap};

use super::table::Table;
use super::*;

/// `(target group, success goal)` → `(item, row, value)` before they are grouped per item.
type ConsequenceRows = BTreeMap<(String, String, String), Vec<(String, usize, ConsequenceValue)>>;

/// Consequences per (target group, success goal), and per (group, goal, relation) for the rows of
/// the optional `relation` column (consequences for a participant's relations, e.g. `boern`).
pub(super) type Consequences = (
    BTreeMap<(String, String), Vec<Consequence>>,
    BTreeMap<(String, String, String), Vec<Consequence>>,
);

/// `target_groups.csv`: id, name, theme, age band, definition, source, then characteristics.
pub(super) fn target_groups(t: &Table) -> Result<Vec<TargetGroup>, KbError> {
    non_empty(t)?;
    let mut target_groups = Vec::new();
    let mut seen = HashMap::new();
    for r in 0..t.rows() {
        let id = t.id(r, "id")?.to_string();
        if let Some(first) = seen.insert(id.clone(), r) {
            return Err(t.duplicate(r, &format!("target group \"{id}\""), first));
        }
        let mut characteristics = Vec::new();
        for c in t.columns().iter().skip(6) {
            if let Some(v) = t.opt_f64(r, c)? {
                characteristics.push((c.clone(), v));
            }
        }
        target_groups.push(TargetGroup {
            id,
            name: t.str(r, "name")?.into(),
            theme: t.str(r, "theme")?.into(),
            age_band: t.str(r, "age_band")?.into(),
            definition: t.str(r, "definition")?.into(),
            source: t.str(r, "source")?.into(),
            characteristics,
        });
    }
    Ok(target_groups)
}
/// `success_goals.csv`: each goal of a known target group, once.
pub(super) fn success_goals(t: &Table, group_ids: &[&str]) -> Result<Vec<SuccessGoal>, KbError> {
    let mut success_goals = Vec::new();
    let mut seen = HashMap::new();
    for r in 0..t.rows() {
        let g = t.id(r, "target_group")?;
        if !group_ids.contains(&g) {
            return Err(t.unknown(r, "target_group", g, "target group", group_ids));
        }
        let id = t.id(r, "id")?;
        if let Some(first) = seen.insert((g.to_string(), id.to_string()), r) {
            return Err(t.duplicate(r, &format!("success goal \"{g}/{id}\""), first));
        }
        success_goals.push(SuccessGoal {
            target_group: g.into(),
            id: id.into(),
            name: t.str(r, "name")?.into(),
            definition: t.str(r, "definition")?.into(),
            source: t.str(r, "source")?.into(),
        });
    }
    Ok(success_goals)
}
/// `items.csv`: the consequence items with their area, unit and kind.
pub(super) fn items(t: &Table) -> Result<Vec<Item>, KbError> {
    non_empty(t)?;
    let mut items = Vec::new();
    let mut seen = HashMap::new();
    for r in 0..t.rows() {
        let id = t.id(r, "id")?.to_string();
        if let Some(first) = seen.insert(id.clone(), r) {
            return Err(t.duplicate(r, &format!("item \"{id}\""), first));
        }
        let kind = Kind::parse(t.one_of(r, "kind", &Kind::NAMES)?).unwrap_or(Kind::Expenditure);
        items.push(Item {
            id,
            name: t.str(r, "name")?.into(),
            area: t.str(r, "area")?.into(),
            unit: t.str(r, "unit")?.into(),
            kind,
        });
    }
    Ok(items)
}
/// `consequences.csv`: values per year of a known group, goal and item, grouped per item in
/// `items.csv` order, years running 1, 2, … without gaps; rows with a `relation` (a slug such as
/// `boern` or `partner`) are per person of that relation of a successful participant.
pub(super) fn consequences(
    t: &Table,
    group_ids: &[&str],
    success_goals: &[SuccessGoal],
    item_ids: &[&str],
) -> Result<Consequences, KbError> {
    let mut rows: ConsequenceRows = BTreeMap::new();
    let mut seen = HashMap::new();
    for r in 0..t.rows() {
        let g = t.id(r, "target_group")?;
        if !group_ids.contains(&g) {
            return Err(t.unknown(r, "target_group", g, "target group", group_ids));
        }
        let goal = t.id(r, "success_goal")?;
        if !success_goals
            .iter()
            .any(|s| s.target_group == g && s.id == goal)
        {
            let known: Vec<&str> = success_goals
                .iter()
                .filter(|s| s.target_group == g)
                .map(|s| s.id.as_str())
                .collect();
            return Err(t.unknown(
                r,
                "success_goal",
                goal,
                &format!("success goal of \"{g}\""),
                &known,
            ));
        }
        let item = t.id(r, "item")?;
        if !item_ids.contains(&item) {
            return Err(t.unknown(r, "item", item, "item", item_ids));
        }
        let relation = t.opt_str(r, "relation").unwrap_or_default();
        if !relation.is_empty() && !super::is_slug(relation) {
            return Err(KbError::Cell {
                path: t.path.clone(),
                line: t.line(r),
                column: "relation".into(),
                value: relation.into(),
                expected: "a lowercase id such as boern or partner (blank for the participant)"
                    .into(),
            });
        }
        let year = t.int(r, "year", (1, LAST_YEAR as i64))? as u32;
        if let Some(first) = seen.insert((g, goal, relation, item, year), r) {
            return Err(t.duplicate(r, &format!("{g}/{goal}/{item} year {year}"), first));
        }
        let status = match t.one_of(r, "status", &["estimate", "forecast"])? {
            "forecast" => Status::Forecast,
            _ => Status::Estimate,
        };
        rows.entry((g.into(), goal.into(), relation.into()))
            .or_default()
            .push((
                item.into(),
                r,
                ConsequenceValue {
                    year,
                    value: t.f64(r, "value")?,
                    status,
                    source: t.str(r, "source")?.into(),
                },
            ));
    }
    let mut consequences = BTreeMap::new();
    let mut relations = BTreeMap::new();
    for (key, mut list) in rows {
        let mut out: Vec<Consequence> = Vec::new();
        // keep items in items.csv order, years ascending
        list.sort_by_cached_key(|(item, _, v)| (item_ids.iter().position(|i| i == item), v.year));
        for (item, r, v) in list {
            match out.last_mut() {
                Some(c) if c.item == item => {
                    if v.year as usize != c.values.len() + 1 {
                        return Err(KbError::Cell {
                            path: t.path.clone(),
                            line: t.line(r),
                            column: "year".into(),
                            value: v.year.to_string(),
                            expected: format!(
                                "year {} next for {}/{}/{item} (years must run 1, 2, … without gaps)",
                                c.values.len() + 1,
                                key.0,
                                key.1
                            ),
                        });
                    }
                    c.values.push(v);
                }
                _ => {
                    if v.year != 1 {
                        return Err(KbError::Cell {
                            path: t.path.clone(),
                            line: t.line(r),
                            column: "year".into(),
                            value: v.year.to_string(),
                            expected: format!(
                                "year 1 first for {}/{}/{item} (years must run 1, 2, … without gaps)",
                                key.0, key.1
                            ),
                        });
                    }
                    out.push(Consequence {
                        item,
                        values: vec![v],
                    });
                }
            }
        }
        if key.2.is_empty() {
            consequences.insert((key.0, key.1), out);
        } else {
            relations.insert(key, out);
        }
    }
    Ok((consequences, relations))
}
/// `prices.csv`: a price per actor for a known item, for one target group or all (`*`).
pub(super) fn prices(
    t: &Table,
    group_ids: &[&str],
    item_ids: &[&str],
) -> Result<Vec<Price>, KbError> {
    let mut prices = Vec::new();
    let mut seen = HashMap::new();
    for r in 0..t.rows() {
        let g = t.str(r, "target_group")?;
        let target_group = if g == "*" {
            None
        } else {
            let g = t.id(r, "target_group")?;
            if !group_ids.contains(&g) {
                return Err(t.unknown(r, "target_group", g, "target group (or *)", group_ids));
            }
            Some(g.to_string())
        };
        let item = t.id(r, "item")?;
        if !item_ids.contains(&item) {
            return Err(t.unknown(r, "item", item, "item", item_ids));
        }
        let key = format!("the price of \"{item}\" for target group \"{g}\"");
        if let Some(first) = seen.insert(key.clone(), r) {
            return Err(t.duplicate(r, &key, first));
        }
        prices.push(Price {
            target_group,
            item: item.into(),
            amounts: [t.f64(r, "kommune")?, t.f64(r, "region")?, t.f64(r, "stat")?],
            price_year: t.int(r, "price_year", (1900, 2200))? as i32,
            source: t.str(r, "source")?.into(),
        });
    }
    Ok(prices)
}
/// `price_index.csv`: consecutive ascending years with positive indices.
pub(super) fn price_index(t: &Table) -> Result<PriceIndex, KbError> {
    non_empty(t)?;
    let mut first_year = 0;
    let mut values = Vec::new();
    let mut sources = Vec::new();
    for r in 0..t.rows() {
        sources.push(t.opt_str(r, "source").unwrap_or_default().to_string());
        let year = t.int(r, "year", (1900, 2200))? as i32;
        if r == 0 {
            first_year = year;
        } else if year != first_year + r as i32 {
            return Err(KbError::Cell {
                path: t.path.clone(),
                line: t.line(r),
                column: "year".into(),
                value: year.to_string(),
                expected: format!(
                    "{} (years must be consecutive and ascending)",
                    first_year + r as i32
                ),
            });
        }
        let v = t.f64(r, "index")?;
        if v <= 0.0 {
            return Err(KbError::Cell {
                path: t.path.clone(),
                line: t.line(r),
                column: "index".into(),
                value: v.to_string(),
                expected: "a positive index (2018 = 1.00)".into(),
            });
        }
        values.push(v);
    }
    Ok(PriceIndex {
        first_year,
        values,
        sources,
    })
}
/// `parameters.csv`: the discount rate and the tax on transfers per actor, each in its range.
pub(super) fn parameters(t: &Table) -> Result<Parameters, KbError> {
    let mut found: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for r in 0..t.rows() {
        let name = t.str(r, "name")?.to_string();
        let v = t.f64(r, "value")?;
        if let Some((_, first)) = found.insert(name.clone(), (v, r)) {
            return Err(t.duplicate(r, &format!("parameter \"{name}\""), first));
        }
        sources.insert(name, t.str(r, "source")?.to_string());
    }
    let need = |name: &str, lo: f64, hi: f64| -> Result<f64, KbError> {
        match found.get(name) {
            None => Err(KbError::Rule {
                path: t.path.clone(),
                message: format!(
                    "missing parameter \"{name}\" (add a row: {name},<value>,<source>)"
                ),
            }),
            Some((v, r)) if *v < lo || *v > hi => Err(KbError::Cell {
                path: t.path.clone(),
                line: t.line(*r),
                column: "value".into(),
                value: v.to_string(),
                expected: format!("a value from {lo} to {hi} for {name}"),
            }),
            Some((v, _)) => Ok(*v),
        }
    };
    let parameters = Parameters {
        discount_rate: need("discount_rate", -0.5, 1.0)?,
        tax_transfers: [
            need("tax_transfers_kommune", 0.0, 1.0)?,
            need("tax_transfers_region", 0.0, 1.0)?,
            need("tax_transfers_stat", 0.0, 1.0)?,
        ],
        sources,
    };
    Ok(parameters)
}
/// `effect_studies.csv`: studies of known target groups with their effect sizes (Cohen's d).
pub(super) fn effect_studies(t: &Table, group_ids: &[&str]) -> Result<Vec<EffectStudy>, KbError> {
    let mut effect_studies = Vec::new();
    for r in 0..t.rows() {
        let g = t.id(r, "target_group")?;
        if !group_ids.contains(&g) {
            return Err(t.unknown(r, "target_group", g, "target group", group_ids));
        }
        effect_studies.push(EffectStudy {
            target_group: g.into(),
            intervention: t.str(r, "intervention")?.into(),
            outcome: t.str(r, "outcome")?.into(),
            design: t.str(r, "design")?.into(),
            quality: t.one_of(r, "quality", &["Lav", "Mellem", "Høj"])?.into(),
            effect_size: t.f64(r, "effect_size")?,
            n: t.f64(r, "n")?,
            country: t.str(r, "country")?.into(),
            source: t.str(r, "source")?.into(),
        });
    }
    Ok(effect_studies)
}

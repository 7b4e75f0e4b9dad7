//! Validating an intervention's consequence items: knowledge-base items as they are, overridden
//! or excluded, items of another group, and the user's own items with their values and prices.

#[allow(unused_imports)]
use super::*;

impl Validator<'_> {
    /// The items of one set of consequences — the participant's, or one relation's: the
    /// knowledge base's `group_items` (unless `use_knowledge` is false) with the scenario's
    /// `consequences` overriding or adding to them and `exclude` leaving some out.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn items(
        &self,
        f: &dyn Fn(&str) -> String,
        exclude: Option<&Vec<Spanned<String>>>,
        consequences: &[Spanned<RawConsequence>],
        group_items: Vec<&kb::Consequence>,
        settings: &Settings,
        kb: &KnowledgeBase,
        group: Option<&str>,
        use_knowledge: bool,
        lag: usize,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<Warning>,
        id: &str,
    ) -> R<Vec<ItemSpec>> {
        let mut excluded = HashSet::new();
        for e in exclude.into_iter().flatten() {
            let name = e.get_ref();
            if !group_items.iter().any(|c| &c.item == name) {
                let known: Vec<&str> = group_items.iter().map(|c| c.item.as_str()).collect();
                let hint = crate::text::did_you_mean(name, known.iter().copied());
                return Err(self.at(e, f("exclude"), format!(
                    "\"{name}\" is not a knowledge-base item of this target group{hint} (its items: {})",
                    if known.is_empty() { "none".into() } else { known.join(", ") }
                )));
            }
            excluded.insert(name.clone());
        }
        let mut out: Vec<ItemSpec> = Vec::new();
        // knowledge-base items of the group, in knowledge-base order
        if use_knowledge {
            for c in &group_items {
                if excluded.contains(&c.item) {
                    continue;
                }
                let (Some(g), Some(item)) = (group, kb.item(&c.item)) else {
                    continue;
                };
                let spec = self.kb_item(item, c, g, settings, kb, f, None, warnings)?;
                out.push(spec);
            }
        }
        let mut seen = HashSet::new();
        for (k, rc) in consequences.iter().enumerate() {
            let c = rc.get_ref();
            let item_id = c.item.get_ref().clone();
            let field = |name: &str| f(&format!("consequence[{}] \"{item_id}\".{name}", k + 1));
            if !seen.insert(item_id.clone()) {
                return Err(self.at(
                    &c.item,
                    field("item"),
                    format!(
                        "\"{item_id}\" appears twice in this intervention; merge the two blocks"
                    ),
                ));
            }
            if excluded.contains(&item_id) {
                return Err(self.at(&c.item, field("item"), format!("\"{item_id}\" is both excluded and given here; remove it from `exclude` or drop this block")));
            }
            if item_id.trim().is_empty() || item_id.chars().any(char::is_control) {
                return Err(self.at(&c.item, field("item"), "expected a non-empty item id"));
            }
            log(logbook, &format!("{id}.{item_id}"), &c.note, &c.source);
            if let Some(p) = &c.prices {
                log_map(logbook, &format!("{id}.{item_id}.prices"), p.get_ref());
            }
            if c.price_year.is_some() && c.prices.is_none() {
                let py = c
                    .price_year
                    .as_ref()
                    .map(|p| self.line_of(&p.span()))
                    .unwrap_or(1);
                return Err(self.err(py, field("price_year"), "price_year without prices: price_year says which year's prices `prices` are in; add `prices` or remove price_year"));
            }
            let mut spec = match kb.item(&item_id) {
                Some(item) => {
                    if let Some(pos) = out.iter().position(|s| s.id == item_id) {
                        // override of a group item
                        let base = group_items.iter().find(|x| x.item == item_id).copied();
                        let new = match base {
                            Some(b) => self.kb_item(
                                item,
                                b,
                                group.unwrap_or(""),
                                settings,
                                kb,
                                f,
                                Some((c, &field)),
                                warnings,
                            )?,
                            None => unreachable!("items in `out` come from the group"),
                        };
                        out.remove(pos);
                        new
                    } else if let Some(b) = group_items.iter().find(|x| x.item == item_id) {
                        // a group item listed explicitly while use_knowledge = false
                        self.kb_item(
                            item,
                            b,
                            group.unwrap_or(""),
                            settings,
                            kb,
                            f,
                            Some((c, &field)),
                            warnings,
                        )?
                    } else {
                        self.extra_kb_item(item, group, c, settings, kb, &field, warnings)?
                    }
                }
                None => self.own_item(c, settings, kb, &field, warnings)?,
            };
            // during: truncated to the lag
            if let Some(d) = &c.during {
                let field = field("during");
                let mut vals = Vec::new();
                for x in d.get_ref() {
                    vals.push(self.finite(x, &field)?);
                }
                if vals.len() > lag {
                    warnings.push(Warning::DuringTruncated {
                        field: field.clone(),
                        given: vals.len(),
                        lag,
                    });
                    vals.truncate(lag);
                }
                spec.during = vals;
            }
            out.push(spec);
        }
        Ok(out)
    }

    /// Records the items with illustrative numbers.
    pub(super) fn note_illustrative(
        items: &[ItemSpec],
        id: &str,
        illustrative: &mut Vec<Illustrative>,
    ) {
        for s in items {
            let consequences = s
                .sources
                .iter()
                .any(|x| x.starts_with("values:") && is_illustrative(x));
            let prices = s
                .sources
                .iter()
                .any(|x| x.starts_with("prices:") && is_illustrative(x));
            if consequences || prices {
                illustrative.push(Illustrative {
                    intervention: id.to_string(),
                    item: s.id.clone(),
                    name: s.name.clone(),
                    consequences,
                    prices,
                });
            }
        }
    }

    /// One `[[intervention.relation]]`: its items (the knowledge base's consequences for that
    /// relation of the group and goal, and the scenario's own), each value times the persons per
    /// successful participant, ids `<who>:<item>`. Persons default from the group's
    /// characteristics: `boern` → share_with_children, `partner` → share_couples.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn relation(
        &self,
        f: &dyn Fn(&str) -> String,
        k: usize,
        rel: &Spanned<super::raw::RawRelation>,
        settings: &Settings,
        kb: &KnowledgeBase,
        group: Option<&str>,
        goal: Option<&str>,
        lag: usize,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<Warning>,
        id: &str,
    ) -> R<Vec<ItemSpec>> {
        let r = rel.get_ref();
        let who = r.who.get_ref().clone();
        let rf = |name: &str| f(&format!("relation[{}] \"{who}\".{name}", k + 1));
        if !kb::is_slug(&who) {
            return Err(self.at(&r.who, rf("who"), format!("\"{who}\" is not a valid id; use lowercase letters, digits, '-' or '_' (e.g. \"boern\", \"partner\")")));
        }
        log(logbook, &format!("{id}.relation.{who}"), &r.note, &r.source);
        let characteristic = match who.as_str() {
            "boern" => Some("share_with_children"),
            "partner" => Some("share_couples"),
            _ => None,
        };
        let persons = match &r.persons {
            Some(p) => {
                let x = self.finite(p, &rf("persons"))?;
                if x < 0.0 {
                    return Err(self.at(
                        p,
                        rf("persons"),
                        format!("got {x}, expected persons per successful participant ≥ 0"),
                    ));
                }
                x
            }
            None => {
                let from_group = group.and_then(|g| kb.group(g)).and_then(|g| {
                    let c = characteristic?;
                    g.characteristics
                        .iter()
                        .find(|(n, _)| n == c)
                        .map(|(_, v)| *v)
                });
                match from_group {
                    Some(x) => x,
                    None => {
                        return Err(self.at(&r.who, rf("persons"), format!(
                            "give `persons` (persons of this relation per successful participant){}",
                            match (characteristic, group) {
                                (Some(c), Some(g)) => format!(": the target group \"{g}\" has no {c} in target_groups.csv to default from"),
                                (Some(c), None) => format!(": without a target group there is no {c} to default from"),
                                (None, _) => " — only boern (share_with_children) and partner (share_couples) default from the target group".to_string(),
                            }
                        )));
                    }
                }
            }
        };
        let use_knowledge = match &r.use_knowledge {
            Some(u) => *u.get_ref(),
            None => group.is_some(),
        };
        let group_items: Vec<&kb::Consequence> = match (group, goal) {
            (Some(g), Some(s)) => kb.relation_consequences(g, s, &who).iter().collect(),
            _ => Vec::new(),
        };
        if use_knowledge && group_items.is_empty() && r.consequence.is_empty() {
            return Err(self.at(&r.who, rf("consequence"), format!(
                "the knowledge base has no consequences for \"{who}\" of this target group and success goal: add [[intervention.relation.consequence]] blocks with values and prices"
            )));
        }
        // item names are Danish like the knowledge base's: "… (børn)"
        let name = r.name.clone().unwrap_or_else(|| {
            crate::present::words::relation(&who, crate::present::format::Lang::Da).to_lowercase()
        });
        let mut items = self.items(
            &rf,
            r.exclude.as_ref(),
            &r.consequence,
            group_items,
            settings,
            kb,
            group,
            use_knowledge,
            lag,
            logbook,
            warnings,
            &format!("{id}.{who}"),
        )?;
        for it in &mut items {
            it.id = format!("{who}:{}", it.id);
            it.name = format!("{} ({name})", it.name);
            it.values.iter_mut().for_each(|v| *v *= persons);
            it.during.iter_mut().for_each(|v| *v *= persons);
            it.sources.push(format!(
                "persons: {persons} {name} per successful participant"
            ));
            it.relation = Some(who.clone());
        }
        Ok(items)
    }

    /// A knowledge-base item of the group, with optional overrides from the scenario.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn kb_item(
        &self,
        item: &kb::Item,
        c: &kb::Consequence,
        group: &str,
        settings: &Settings,
        kb: &KnowledgeBase,
        f: &dyn Fn(&str) -> String,
        over: Option<(&RawConsequence, FieldName)>,
        warnings: &mut Vec<Warning>,
    ) -> R<ItemSpec> {
        let mut values: Vec<f64> = c.values.iter().map(|v| v.value).collect();
        let mut status: Vec<Status> = c.values.iter().map(|v| v.status).collect();
        let mut sources = vec![format!(
            "values: {}",
            c.values
                .iter()
                .map(|v| v.source.as_str())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join("; ")
        )];
        let mut origin = ItemOrigin::Knowledge;
        let mut fade = true;
        let mut name = item.name.clone();
        let mut independent = false;
        let mut prices = None;
        if let Some((rc, field)) = over {
            self.check_kb_fields(item, rc, field)?;
            if let Some(n) = &rc.name {
                name = n.clone();
            }
            if let Some(v) = &rc.values {
                values = self.values(v, &field("values"), warnings)?;
                status = vec![Status::Estimate; values.len()];
                sources[0] = format!("values: {}", user_source(rc));
                origin = ItemOrigin::Overridden;
            }
            if let Some(fd) = rc.fade {
                fade = fd;
                if !fd {
                    origin = ItemOrigin::Overridden;
                }
            }
            independent = rc.independent.unwrap_or(false);
            if let Some(p) = &rc.prices {
                prices = Some(self.own_prices(
                    p,
                    rc.price_year.as_ref(),
                    settings,
                    kb,
                    &field("prices"),
                    warnings,
                )?);
                sources.push(format!("prices: {}", user_source(rc)));
                origin = ItemOrigin::Overridden;
            }
        }
        let prices = match prices {
            Some(p) => p,
            None => {
                let (p, src) = self.kb_prices(item, Some(group), settings, kb, f, warnings)?;
                sources.push(format!("prices: {src}"));
                p
            }
        };
        Ok(ItemSpec {
            id: item.id.clone(),
            name,
            area: item.area.clone(),
            unit: item.unit.clone(),
            kind: item.kind,
            values,
            status,
            fade,
            during: Vec::new(),
            prices,
            origin,
            independent,
            sources,
            relation: None,
        })
    }

    /// A knowledge-base item the group lacks: needs values; prices from the scenario or prices.csv.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn extra_kb_item(
        &self,
        item: &kb::Item,
        group: Option<&str>,
        rc: &RawConsequence,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &dyn Fn(&str) -> String,
        warnings: &mut Vec<Warning>,
    ) -> R<ItemSpec> {
        self.check_kb_fields(item, rc, field)?;
        let Some(v) = &rc.values else {
            return Err(self.at(&rc.item, field("values"), format!(
                "\"{}\" is a knowledge-base item without consequences for this target group: give `values` (change per successful participant, years 1..K)",
                item.id
            )));
        };
        let values = self.values(v, &field("values"), warnings)?;
        let mut sources = vec![format!("values: {}", user_source(rc))];
        let prices = match &rc.prices {
            Some(p) => {
                sources.push(format!("prices: {}", user_source(rc)));
                self.own_prices(
                    p,
                    rc.price_year.as_ref(),
                    settings,
                    kb,
                    &field("prices"),
                    warnings,
                )?
            }
            None => {
                if kb.price(group.unwrap_or("*"), &item.id).is_none() {
                    return Err(self.at(&rc.item, field("prices"), format!(
                        "prices.csv has no price for \"{}\" (for this group or \"*\"): give `prices = {{ kommune = …, stat = … }}`",
                        item.id
                    )));
                }
                let (p, src) = self.kb_prices(item, group, settings, kb, field, warnings)?;
                sources.push(format!("prices: {src}"));
                p
            }
        };
        Ok(ItemSpec {
            id: item.id.clone(),
            name: rc.name.clone().unwrap_or_else(|| item.name.clone()),
            area: item.area.clone(),
            unit: item.unit.clone(),
            kind: item.kind,
            status: vec![Status::Estimate; values.len()],
            values,
            fade: rc.fade.unwrap_or(true),
            during: Vec::new(),
            prices,
            origin: ItemOrigin::Overridden,
            independent: rc.independent.unwrap_or(false),
            sources,
            relation: None,
        })
    }

    pub(super) fn check_kb_fields(
        &self,
        item: &kb::Item,
        rc: &RawConsequence,
        field: &dyn Fn(&str) -> String,
    ) -> R<()> {
        let checks: [(&Option<Spanned<String>>, &str, &str); 3] = [
            (&rc.area, "area", &item.area),
            (&rc.unit, "unit", &item.unit),
            (
                &rc.kind,
                "kind",
                match item.kind {
                    Kind::Expenditure => "expenditure",
                    Kind::Revenue => "revenue",
                    Kind::Transfer => "transfer",
                },
            ),
        ];
        for (given, name, kbv) in checks {
            if let Some(g) = given
                && g.get_ref() != kbv
            {
                return Err(self.at(g, field(name), format!(
                        "\"{}\" is a knowledge-base item with {name} \"{kbv}\"; got \"{}\". Remove `{name}`, or give the item another id to define your own",
                        item.id,
                        g.get_ref()
                    )));
            }
        }
        Ok(())
    }

    /// A user-defined item: needs name, area, unit, kind, values and prices.
    pub(super) fn own_item(
        &self,
        rc: &RawConsequence,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &dyn Fn(&str) -> String,
        warnings: &mut Vec<Warning>,
    ) -> R<ItemSpec> {
        let id = rc.item.get_ref();
        let missing: Vec<&str> = [
            ("name", rc.name.is_none()),
            ("area", rc.area.is_none()),
            ("unit", rc.unit.is_none()),
            ("kind", rc.kind.is_none()),
            ("values", rc.values.is_none()),
            ("prices", rc.prices.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
        if !missing.is_empty() {
            let hint = crate::text::suggest(id, kb.item_ids())
                .map(|s| format!(" Did you mean the knowledge-base item \"{s}\"?"))
                .unwrap_or_default();
            return Err(self.at(&rc.item, field("item"), format!(
                "\"{id}\" is not a knowledge-base item, so it is your own item and needs {} (missing: {}).{hint}",
                "name, area, unit, kind, values and prices",
                missing.join(", ")
            )));
        }
        let kind_s = rc.kind.as_ref().map(|k| k.get_ref().as_str()).unwrap_or("");
        let Some(kind) = Kind::parse(kind_s) else {
            let k = rc
                .kind
                .as_ref()
                .map(|k| self.line_of(&k.span()))
                .unwrap_or(1);
            return Err(self.err(
                k,
                field("kind"),
                format!("got \"{kind_s}\", expected one of expenditure, revenue, transfer"),
            ));
        };
        let values = self.values(
            rc.values.as_ref().unwrap_or_else(|| unreachable!()),
            &field("values"),
            warnings,
        )?;
        let prices = self.own_prices(
            rc.prices.as_ref().unwrap_or_else(|| unreachable!()),
            rc.price_year.as_ref(),
            settings,
            kb,
            &field("prices"),
            warnings,
        )?;
        let src = user_source(rc);
        Ok(ItemSpec {
            id: id.clone(),
            name: rc.name.clone().unwrap_or_default(),
            area: rc
                .area
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default(),
            unit: rc
                .unit
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default(),
            kind,
            status: vec![Status::Estimate; values.len()],
            values,
            fade: rc.fade.unwrap_or(true),
            during: Vec::new(),
            prices,
            origin: ItemOrigin::Own,
            independent: rc.independent.unwrap_or(false),
            sources: vec![format!("values: {src}"), format!("prices: {src}")],
            relation: None,
        })
    }

    pub(super) fn values(
        &self,
        v: &Spanned<Vec<Spanned<f64>>>,
        field: &str,
        warnings: &mut Vec<Warning>,
    ) -> R<Vec<f64>> {
        if v.get_ref().is_empty() {
            return Err(self.at(v, field, "the list is empty; give the change per successful participant for years 1..K, e.g. [-2.9, -2.3, -1.7]"));
        }
        let mut out = Vec::new();
        for x in v.get_ref() {
            out.push(self.finite(x, field)?);
        }
        if out.len() > LAST_YEAR {
            warnings.push(Warning::ValuesTruncated {
                field: field.to_string(),
                given: out.len(),
            });
            out.truncate(LAST_YEAR);
        }
        Ok(out)
    }

    pub(super) fn own_prices(
        &self,
        p: &Spanned<ActorMap>,
        price_year: Option<&Spanned<i64>>,
        settings: &Settings,
        kb: &KnowledgeBase,
        field: &str,
        warnings: &mut Vec<Warning>,
    ) -> R<Vec<f64>> {
        let factor = match price_year {
            None => 1.0,
            Some(y) => {
                let y = self.year(y, &field.replace(".prices", ".price_year"))?;
                self.convert(y, settings.price_year, kb, warnings, Some(field))
            }
        };
        let mut out = vec![0.0; settings.actors.len()];
        for (k, v) in p.get_ref() {
            if k == "note" || k == "source" {
                continue;
            }
            let fk = format!("{field}.{k}");
            self.known_actor(k, v, &fk, &settings.actors)?;
            let i = settings.actors.iter().position(|a| a == k).unwrap_or(0);
            out[i] = self.number(v, &fk)? * factor;
        }
        Ok(out)
    }

    /// The knowledge-base price of an item, converted to the price year and mapped to the actors.
    pub(super) fn kb_prices(
        &self,
        item: &kb::Item,
        group: Option<&str>,
        settings: &Settings,
        kb: &KnowledgeBase,
        f: &dyn Fn(&str) -> String,
        warnings: &mut Vec<Warning>,
    ) -> R<(Vec<f64>, String)> {
        let Some(p) = kb.price(group.unwrap_or("*"), &item.id) else {
            return Err(self.err(
                1,
                f("consequence"),
                format!("the knowledge base has no price for \"{}\"", item.id),
            ));
        };
        let factor = self.convert(p.price_year, settings.price_year, kb, warnings, None);
        let mut out = vec![0.0; settings.actors.len()];
        for (k, a) in kb::KB_ACTORS.iter().enumerate() {
            match settings.actors.iter().position(|x| x == a) {
                Some(i) => out[i] = p.amounts[k] * factor,
                None if p.amounts[k] != 0.0 => {
                    return Err(self.err(1, f("consequence"), format!(
                        "the knowledge-base price of \"{}\" falls partly on \"{a}\" ({} kr.), which is not among the actors [{}]: add \"{a}\" to [settings] actors, or give this item `prices` for your actors",
                        item.id,
                        p.amounts[k],
                        settings.actors.join(", ")
                    )));
                }
                None => {}
            }
        }
        Ok((out, format!("{} (price year {})", p.source, p.price_year)))
    }
}

fn user_source(rc: &RawConsequence) -> String {
    rc.source
        .clone()
        .or_else(|| rc.note.clone())
        .unwrap_or_else(|| "scenario file".into())
}

#[cfg(test)]
mod tests {
    use crate::scenario::ItemOrigin;
    use crate::testing::kb;

    fn load(consequences: &str) -> Result<crate::scenario::Scenario, String> {
        let text = format!(
            "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\n\
             years = 1\nparticipants = [10]\nsuccess_rate = 0.2\ncosts = {{ kommune = [1000] }}\n\
             {consequences}\n"
        );
        crate::scenario::parse("c.toml".as_ref(), &text, &kb()).map_err(|e| e.to_string())
    }

    #[test]
    fn knowledge_base_items_as_they_are_overridden_and_own() {
        let plain = load("").expect("the group's items");
        let n = plain.interventions[0].items.len();
        assert!(n > 5);
        assert!(
            plain.interventions[0]
                .items
                .iter()
                .all(|i| i.origin == ItemOrigin::Knowledge)
        );
        let changed = load(
            "[[intervention.consequence]]\nitem = \"kontanthjaelp\"\nvalues = [-1.0, -0.5]\n\n\
             [[intervention.consequence]]\nitem = \"egen\"\nname = \"Egen\"\narea = \"brugerdefineret\"\n\
             unit = \"dage\"\nkind = \"revenue\"\nvalues = [2]\nfade = false\nprices = { kommune = 100 }",
        )
        .expect("override and own");
        let items = &changed.interventions[0].items;
        assert_eq!(items.len(), n + 1);
        let k = items
            .iter()
            .find(|i| i.id == "kontanthjaelp")
            .expect("kontanthjaelp");
        assert_eq!(k.origin, ItemOrigin::Overridden);
        assert_eq!(k.values, [-1.0, -0.5]);
        assert!(k.fade, "fades to year 20 unless told otherwise");
        let own = items.iter().find(|i| i.id == "egen").expect("own item");
        assert_eq!(own.origin, ItemOrigin::Own);
        assert!(!own.fade);
        assert_eq!(own.prices[0], 100.0);
    }

    #[test]
    fn an_own_item_without_prices_is_refused_with_its_line() {
        let e = load(
            "[[intervention.consequence]]\nitem = \"egen\"\nname = \"Egen\"\narea = \"brugerdefineret\"\n\
             unit = \"dage\"\nkind = \"revenue\"\nvalues = [2]",
        )
        .expect_err("no prices");
        assert!(
            e.contains("c.toml:10:") && e.contains("missing: prices"),
            "{e}"
        );
    }
}

//! Validating `[settings]`: price year, discount rate, actors and departments, tax on transfers;
//! and the amounts per actor that costs and prices are given as.

#[allow(unused_imports)]
use super::*;

impl Validator<'_> {
    pub(super) fn settings(
        &self,
        raw: Option<&Spanned<raw::RawSettings>>,
        first_start: i32,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
    ) -> R<Settings> {
        let mut actors: Vec<String> = kb::KB_ACTORS.iter().map(|s| s.to_string()).collect();
        let mut price_year = first_start;
        let mut discount_rate = kb.parameters.discount_rate;
        let mut discount_schedule = None;
        let mut tax_map: BTreeMap<String, f64> = BTreeMap::new();
        if let Some(s) = raw {
            let s = s.get_ref();
            log(logbook, "settings", &s.note, &s.source);
            if let Some(p) = &s.price_year {
                price_year = self.year(p, "settings.price_year")?;
            }
            if let Some(r) = &s.discount_rate {
                if let toml::Value::String(name) = r.get_ref() {
                    let Some(sch) = crate::model::discount::schedule(name) else {
                        let names: Vec<&str> = crate::model::discount::SCHEDULES
                            .iter()
                            .map(|s| s.id)
                            .collect();
                        let hint = crate::text::did_you_mean(name, names.iter().copied());
                        return Err(self.at(
                            r,
                            "settings.discount_rate",
                            format!("\"{name}\" is not a discount-rate schedule; expected a rate such as 0.04 or one of: {}{hint}", names.join(", ")),
                        ));
                    };
                    discount_rate = sch.first_rate();
                    discount_schedule = Some(sch);
                } else {
                    let x = self.number(r, "settings.discount_rate")?;
                    if !x.is_finite() || !(-0.5..=1.0).contains(&x) {
                        return Err(self.at(
                            r,
                            "settings.discount_rate",
                            format!("got {x}, expected a rate from -0.5 to 1 (write 0.04 for 4 %) or \"finansministeriet-2021\""),
                        ));
                    }
                    discount_rate = x;
                }
            }
            if let Some(list) = &s.actors {
                if list.get_ref().is_empty() {
                    return Err(self.at(list, "settings.actors", "the list is empty; name at least one actor (default: kommune, region, stat)"));
                }
                actors.clear();
                for a in list.get_ref() {
                    let name = a.get_ref();
                    if !kb::is_slug(name) {
                        return Err(self.at(a, "settings.actors", format!("\"{name}\" is not a valid actor name; use lowercase letters, digits, '-' or '_' (e.g. \"beskaeftigelse\")")));
                    }
                    if name == crate::model::TOTAL {
                        return Err(self.at(
                            a,
                            "settings.actors",
                            "\"total\" is reserved for the sum over actors",
                        ));
                    }
                    if actors.contains(name) {
                        return Err(self.at(
                            a,
                            "settings.actors",
                            format!("\"{name}\" is listed twice"),
                        ));
                    }
                    actors.push(name.clone());
                }
            }
            if let Some(t) = &s.tax_on_transfers {
                for (k, v) in t.get_ref() {
                    let field = format!("settings.tax_on_transfers.{k}");
                    if k == "note" || k == "source" {
                        continue;
                    }
                    self.known_actor(k, v, &field, &actors)?;
                    let x = self.number(v, &field)?;
                    if !(0.0..=1.0).contains(&x) {
                        return Err(self.at(
                            v,
                            field,
                            format!(
                                "got {x}, expected a tax rate from 0 to 1 (write 0.264 for 26.4 %)"
                            ),
                        ));
                    }
                    tax_map.insert(k.clone(), x);
                }
                log_map(logbook, "settings.tax_on_transfers", t.get_ref());
            }
        }
        let tax_on_transfers = actors
            .iter()
            .map(|a| {
                tax_map.get(a).copied().unwrap_or_else(|| {
                    kb::KB_ACTORS
                        .iter()
                        .position(|k| k == a)
                        .map(|i| kb.parameters.tax_transfers[i])
                        .unwrap_or(0.0)
                })
            })
            .collect();
        Ok(Settings {
            price_year,
            discount_rate,
            discount_schedule,
            actors,
            tax_on_transfers,
        })
    }

    pub(super) fn known_actor(
        &self,
        name: &str,
        at: &Spanned<toml::Value>,
        field: &str,
        actors: &[String],
    ) -> R<()> {
        if actors.iter().any(|a| a == name) {
            return Ok(());
        }
        let hint = crate::text::did_you_mean(name, actors.iter().map(|s| s.as_str()));
        Err(self.at(
            at,
            field,
            format!(
                "unknown actor \"{name}\"{hint} (the actors are {}; add more under [settings] actors)",
                actors.join(", ")
            ),
        ))
    }

    /// Costs or saved costs: per actor, a list (element j in year S + j), optionally with a
    /// `price_year`; converted to the scenario's price year.
    pub(super) fn actor_amounts(
        &self,
        map: Option<&Spanned<ActorMap>>,
        field: &str,
        settings: &Settings,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<Warning>,
    ) -> R<Vec<Vec<f64>>> {
        let mut out = vec![Vec::new(); settings.actors.len()];
        let Some(map) = map else { return Ok(out) };
        let mut factor = 1.0;
        if let Some(py) = map.get_ref().get("price_year") {
            let y = match py.get_ref() {
                toml::Value::Integer(y) if (YEAR_RANGE.0..=YEAR_RANGE.1).contains(y) => *y as i32,
                other => {
                    return Err(self.at(
                        py,
                        format!("{field}.price_year"),
                        format!("got {}, expected a calendar year", describe(other)),
                    ));
                }
            };
            factor = self.convert(y, settings.price_year, kb, warnings, Some(field));
        }
        for (k, v) in map.get_ref() {
            if matches!(k.as_str(), "note" | "source" | "price_year") {
                continue;
            }
            let f = format!("{field}.{k}");
            self.known_actor(k, v, &f, &settings.actors)?;
            let i = settings.actors.iter().position(|a| a == k).unwrap_or(0);
            out[i] = self
                .numbers(v, &f)?
                .into_iter()
                .map(|x| x * factor)
                .collect();
        }
        log_map(logbook, field, map.get_ref());
        Ok(out)
    }

    pub(super) fn convert(
        &self,
        from: i32,
        to: i32,
        kb: &KnowledgeBase,
        warnings: &mut Vec<Warning>,
        what: Option<&str>,
    ) -> f64 {
        let (f, extended) = kb.price_index.factor(from, to);
        if extended {
            let w = Warning::IndexExtended {
                what: what.map(str::to_string),
                first: kb.price_index.first_year,
                last: kb.price_index.last_year(),
                from,
                to,
            };
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::kb;

    const IV: &str = "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\nyears = 1\nparticipants = [10]\nsuccess_rate = 0.2\ncosts = { kommune = [1000] }\n";

    fn load(settings: &str) -> Result<crate::scenario::Scenario, String> {
        let text = format!("[settings]\n{settings}\n\n{IV}");
        crate::scenario::parse("s.toml".as_ref(), &text, &kb()).map_err(|e| e.to_string())
    }

    #[test]
    fn settings_default_from_the_knowledge_base_and_take_what_is_given() {
        let sc = load("").expect("defaults");
        assert_eq!(sc.settings.price_year, 2024, "the first start year");
        assert!((sc.settings.discount_rate - 0.04).abs() < 1e-12);
        assert_eq!(sc.settings.actors, ["kommune", "region", "stat"]);
        assert!(sc.settings.discount_schedule.is_none());
        let sc = load("discount_rate = \"finansministeriet-2021\"").expect("a schedule");
        assert_eq!(sc.settings.discount_rate, 0.035);
        assert!((sc.settings.discount_factor(2026) - 1.0 / 1.035f64.powi(2)).abs() < 1e-15);
        let sc = load("discount_rate = 0.03").expect("a rate");
        assert!((sc.settings.discount_factor(2026) - 1.0 / 1.0609).abs() < 1e-15);
        let sc = load("actors = [\"kommune\", \"region\", \"stat\", \"job\"]\ntax_on_transfers = { job = 0.1 }")
            .expect("an extra actor");
        assert_eq!(sc.settings.actors.len(), 4);
        assert!((sc.settings.tax_on_transfers[3] - 0.1).abs() < 1e-12);
        assert!(
            (sc.settings.tax_on_transfers[0] - 0.264).abs() < 1e-12,
            "kommune keeps its rate"
        );
    }

    #[test]
    fn bad_settings_name_the_line_and_the_fix() {
        let e = load("discount_rate = 4").expect_err("percent");
        assert!(
            e.contains("s.toml:2:") && e.contains("write 0.04 for 4 %"),
            "{e}"
        );
        let e = load("discount_rate = \"finansministeriet\"").expect_err("a schedule's name");
        assert!(
            e.contains("s.toml:2:") && e.contains("did you mean \"finansministeriet-2021\""),
            "{e}"
        );
        let e = load("tax_on_transfers = { komune = 0.2 }").expect_err("typo");
        assert!(e.contains("did you mean \"kommune\""), "{e}");
    }
}

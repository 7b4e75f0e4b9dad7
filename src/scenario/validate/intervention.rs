//! Validating one `[[intervention]]`: target group and success goal, years, participants, the
//! success rate in its three forms, costs, saved costs and the result period.

#[allow(unused_imports)]
use super::*;

impl Validator<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn intervention(
        &self,
        n: usize,
        iv: &Spanned<RawIntervention>,
        settings: &Settings,
        kb: &KnowledgeBase,
        logbook: &mut Vec<LogEntry>,
        warnings: &mut Vec<Warning>,
        illustrative: &mut Vec<Illustrative>,
    ) -> R<Intervention> {
        let r = iv.get_ref();
        let id = r.id.get_ref().clone();
        let f = |name: &str| format!("intervention[{n}] \"{id}\".{name}");
        if id.trim().is_empty() || id.chars().any(char::is_control) {
            return Err(self.at(
                &r.id,
                f("id"),
                "expected a non-empty id without control characters, e.g. \"cti\"",
            ));
        }
        log(logbook, &id, &r.note, &r.source);
        let start_year = self.year(&r.start_year, &f("start_year"))?;
        let years = *r.years.get_ref();
        if !(1..=MAX_YEARS).contains(&years) {
            return Err(self.at(
                &r.years,
                f("years"),
                format!(
                    "got {years}, expected the number of years of operation from 1 to {MAX_YEARS}"
                ),
            ));
        }
        let years = years as usize;
        let course_years = match &r.course_years {
            None => 1.0,
            Some(d) => {
                let x = self.finite(d, &f("course_years"))?;
                if !(x > 0.0 && x <= 50.0) {
                    return Err(self.at(d, f("course_years"), format!("got {x}, expected the length of one course in years, above 0 and at most 50 (e.g. 1.0 or 0.5)")));
                }
                x
            }
        };
        let parts = r.participants.get_ref();
        if parts.len() != years {
            return Err(self.at(
                &r.participants,
                f("participants"),
                format!("{} value(s) given, but years = {years}: give one number of starters per year of operation", parts.len()),
            ));
        }
        let mut participants = Vec::with_capacity(years);
        for p in parts {
            let x = self.finite(p, &f("participants"))?;
            if x < 0.0 {
                return Err(self.at(
                    p,
                    f("participants"),
                    format!("got {x}, expected a number of participants ≥ 0"),
                ));
            }
            participants.push(x);
        }
        let success_rate_input =
            self.success_rate(&r.success_rate, &f("success_rate"), logbook, &id)?;
        let success_rate = success_rate_input.resolve();
        let baseline = match &r.baseline_rate {
            Some(b) => {
                let x = self.finite(b, &f("baseline_rate"))?;
                if !(x > 0.0 && x < 1.0) {
                    return Err(self.at(
                        b,
                        f("baseline_rate"),
                        format!("got {x}, expected a share between 0 and 1 (not 0 or 1), e.g. 0.2: the share of the group who reach the goal without the intervention"),
                    ));
                }
                Some(Baseline {
                    rate: x,
                    from: "baseline_rate",
                })
            }
            None => match success_rate_input {
                SuccessRateInput::EffectSize { baseline, .. } => Some(Baseline {
                    rate: baseline,
                    from: "effect_size",
                }),
                SuccessRateInput::GrossCounterfactual { counterfactual, .. }
                    if counterfactual > 0.0 && counterfactual < 1.0 =>
                {
                    Some(Baseline {
                        rate: counterfactual,
                        from: "counterfactual",
                    })
                }
                _ => None,
            },
        };
        let result_period = match &r.result_period {
            None => (start_year, start_year + 5),
            Some(p) => {
                let v = p.get_ref();
                if v.len() != 2 {
                    return Err(self.at(
                        p,
                        f("result_period"),
                        format!(
                            "got {} value(s), expected [from, to], e.g. [{start_year}, {}]",
                            v.len(),
                            start_year + 9
                        ),
                    ));
                }
                let (a, b) = (v[0], v[1]);
                if a > b || a < YEAR_RANGE.0 || b > YEAR_RANGE.1 || b - a >= 200 {
                    return Err(self.at(p, f("result_period"), format!("got [{a}, {b}], expected [from, to] with from ≤ to, calendar years, at most 200 years")));
                }
                (a as i32, b as i32)
            }
        };
        let costs = self.actor_amounts(
            r.costs.as_ref(),
            &f("costs"),
            settings,
            kb,
            logbook,
            warnings,
        )?;
        let saved_costs = self.actor_amounts(
            r.saved_costs.as_ref(),
            &f("saved_costs"),
            settings,
            kb,
            logbook,
            warnings,
        )?;

        // target group and success goal
        let (target_group, success_goal) =
            match &r.target_group {
                None => {
                    if let Some(g) = &r.success_goal {
                        return Err(self.at(
                            g,
                            f("success_goal"),
                            "a success goal needs a target_group (knowledge-base id)",
                        ));
                    }
                    (None, None)
                }
                Some(g) => {
                    let gid = g.get_ref();
                    if kb.group(gid).is_none() {
                        let hint = crate::text::did_you_mean(gid, kb.group_ids());
                        return Err(self.at(
                            g,
                            f("target_group"),
                            format!(
                                "unknown target group \"{gid}\"{hint} (see `soem knowledge groups`)"
                            ),
                        ));
                    }
                    let goals = kb.goals_of(gid);
                    let goal =
                        match &r.success_goal {
                            None => goals.first().map(|s| s.id.clone()),
                            Some(s) => {
                                if !goals.iter().any(|x| &x.id == s.get_ref()) {
                                    let known: Vec<&str> =
                                        goals.iter().map(|x| x.id.as_str()).collect();
                                    return Err(self.at(s, f("success_goal"), format!(
                                "\"{}\" is not a success goal of \"{gid}\" (its goals: {})",
                                s.get_ref(),
                                if known.is_empty() { "none".to_string() } else { known.join(", ") }
                            )));
                                }
                                Some(s.get_ref().clone())
                            }
                        };
                    (Some(gid.clone()), goal)
                }
            };
        let use_knowledge = match (&r.use_knowledge, &target_group) {
            (Some(u), None) if *u.get_ref() => {
                return Err(self.at(
                    u,
                    f("use_knowledge"),
                    "use_knowledge = true needs a target_group",
                ));
            }
            (Some(u), _) => *u.get_ref(),
            (None, g) => g.is_some(),
        };

        let lag = (course_years.ceil() as usize).max(1);
        let group_items: Vec<&kb::Consequence> =
            match (target_group.as_deref(), success_goal.as_deref()) {
                (Some(g), Some(s)) => kb.consequences_of(g, s).iter().collect(),
                _ => Vec::new(),
            };
        let mut items = self.items(
            &f,
            r.exclude.as_ref(),
            &r.consequence,
            group_items,
            settings,
            kb,
            target_group.as_deref(),
            use_knowledge,
            lag,
            logbook,
            warnings,
            &id,
        )?;
        for (k, rel) in r.relation.iter().enumerate() {
            let more = self.relation(
                &f,
                k,
                rel,
                settings,
                kb,
                target_group.as_deref(),
                success_goal.as_deref(),
                lag,
                logbook,
                warnings,
                &id,
            )?;
            items.extend(more);
        }
        Self::note_illustrative(&items, &id, illustrative);
        if let Err(e) = self.limits.check(&crate::limits::ITEMS, items.len() as u64) {
            return Err(self.at(iv, f("consequence"), e.to_string()));
        }
        let uncertainty = match &r.uncertainty {
            None => Uncertainty::default(),
            Some(u) => self.uncertainty(u, &f("uncertainty"), logbook, &id)?,
        };
        let studies = target_group
            .as_deref()
            .map(|g| {
                kb.effect_studies
                    .iter()
                    .filter(|s| s.target_group == g)
                    .map(|s| StudyRef {
                        intervention: s.intervention.clone(),
                        effect_size: s.effect_size,
                        n: s.n,
                        source: s.source.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let overlaps = match &r.overlaps {
            None => None,
            Some(o) => {
                let o2 = o.get_ref();
                let share = self.finite(&o2.share, &f("overlaps.share"))?;
                if !(0.0..=1.0).contains(&share) {
                    return Err(self.at(&o2.share, f("overlaps.share"), format!("got {share}, expected the share of this intervention's participants who also take the other, from 0 to 1")));
                }
                log(logbook, &format!("{id}.overlaps"), &o2.note, &o2.source);
                Some(Overlap {
                    with: o2.with.get_ref().clone(),
                    share,
                })
            }
        };
        Ok(Intervention {
            overlaps,
            id: id.clone(),
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            target_group,
            success_goal,
            start_year,
            years,
            course_years,
            participants,
            success_rate,
            success_rate_input,
            result_period,
            costs,
            saved_costs,
            items,
            uncertainty,
            independent: r.independent.unwrap_or(false),
            baseline,
            studies,
        })
    }

    pub(super) fn success_rate(
        &self,
        v: &Spanned<toml::Value>,
        field: &str,
        logbook: &mut Vec<LogEntry>,
        id: &str,
    ) -> R<SuccessRateInput> {
        let unit = |x: f64, what: &str| -> R<f64> {
            if !(0.0..=1.0).contains(&x) || x.is_nan() {
                let hint = if (1.0..=100.0).contains(&x) {
                    format!(" — write {} for {x} %", fmt_num(x / 100.0))
                } else {
                    String::new()
                };
                return Err(self.at(
                    v,
                    field,
                    format!("{what} must be between 0 and 1, got {}{hint}", fmt_num(x)),
                ));
            }
            Ok(x)
        };
        let num = |x: &toml::Value, key: &str| -> R<f64> {
            match x {
                toml::Value::Float(f) => Ok(*f),
                toml::Value::Integer(i) => Ok(*i as f64),
                other => Err(self.at(
                    v,
                    format!("{field}.{key}"),
                    format!("got {}, expected a number", describe(other)),
                )),
            }
        };
        match v.get_ref() {
            toml::Value::Float(_) | toml::Value::Integer(_) => Ok(SuccessRateInput::Rate {
                rate: unit(num(v.get_ref(), "")?, "the success rate")?,
            }),
            toml::Value::Table(t) => {
                let keys: Vec<&str> = t.keys().map(|k| k.as_str()).collect();
                const ALLOWED: [&str; 7] = ["value", "gross", "counterfactual", "effect_size", "baseline", "note", "source"];
                for k in &keys {
                    if !ALLOWED.contains(k) {
                        let hint = crate::text::suggest(k, ALLOWED).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
                        return Err(self.at(v, format!("{field}.{k}"), format!("unknown field{hint} (a success rate is a number, {{ gross, counterfactual }} or {{ effect_size, baseline }})")));
                    }
                }
                let note = t.get("note").and_then(|x| x.as_str()).map(String::from);
                let source = t.get("source").and_then(|x| x.as_str()).map(String::from);
                log(logbook, &format!("{id}.success_rate"), &note, &source);
                let input = if let Some(x) = t.get("value") {
                    SuccessRateInput::Rate { rate: unit(num(x, "value")?, "the success rate")? }
                } else if let (Some(g), Some(q)) = (t.get("gross"), t.get("counterfactual")) {
                    let gross = unit(num(g, "gross")?, "the gross rate")?;
                    let counterfactual = unit(num(q, "counterfactual")?, "the counterfactual rate")?;
                    if counterfactual > gross {
                        return Err(self.at(v, field, format!("the counterfactual rate {counterfactual} is above the gross rate {gross}: the success rate g − q would be negative")));
                    }
                    SuccessRateInput::GrossCounterfactual { gross, counterfactual }
                } else if let (Some(d), Some(p)) = (t.get("effect_size"), t.get("baseline")) {
                    let effect_size = num(d, "effect_size")?;
                    if !effect_size.is_finite() || effect_size.abs() > 10.0 {
                        return Err(self.at(v, format!("{field}.effect_size"), format!("got {}, expected a Cohen's d between -10 and 10 (typically 0.1–1)", fmt_num(effect_size))));
                    }
                    let baseline = num(p, "baseline")?;
                    if !(baseline > 0.0 && baseline < 1.0) {
                        return Err(self.at(v, format!("{field}.baseline"), format!("got {}, expected a baseline rate strictly between 0 and 1", fmt_num(baseline))));
                    }
                    let s = SuccessRateInput::EffectSize { effect_size, baseline };
                    if s.resolve() < 0.0 {
                        return Err(self.at(v, field, format!("effect size {effect_size} with baseline {baseline} gives a negative success rate {:.4}", s.resolve())));
                    }
                    s
                } else {
                    return Err(self.at(v, field, "expected a number (e.g. 0.14), { gross = 0.30, counterfactual = 0.16 } or { effect_size = 0.3, baseline = 0.2 }"));
                };
                Ok(input)
            }
            other => Err(self.at(v, field, format!("got {}, expected a number (e.g. 0.14), {{ gross, counterfactual }} or {{ effect_size, baseline }}", describe(other)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::SuccessRateInput;
    use crate::testing::kb;

    fn load(fields: &str) -> Result<crate::scenario::Scenario, String> {
        let text = format!(
            "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\n{fields}\n"
        );
        crate::scenario::parse("i.toml".as_ref(), &text, &kb()).map_err(|e| e.to_string())
    }

    #[test]
    fn the_success_rate_in_its_three_forms() {
        let base = "years = 1\nparticipants = [10]\ncosts = { kommune = [1000] }\n";
        let direct = load(&format!("{base}success_rate = 0.14")).expect("direct");
        assert!((direct.interventions[0].success_rate - 0.14).abs() < 1e-12);
        let gross = load(&format!(
            "{base}success_rate = {{ gross = 0.30, counterfactual = 0.16 }}"
        ))
        .expect("gross − counterfactual");
        assert!((gross.interventions[0].success_rate - 0.14).abs() < 1e-12);
        let d = load(&format!(
            "{base}success_rate = {{ effect_size = 0.3, baseline = 0.2 }}"
        ))
        .expect("Cohen's d");
        // Φ(Φ⁻¹(0.2) + 0.3) − 0.2 = Φ(−0.841621 + 0.3) − 0.2 = Φ(−0.541621) − 0.2 = 0.094045
        assert!((d.interventions[0].success_rate - 0.094045).abs() < 1e-5);
        assert!(matches!(
            d.interventions[0].success_rate_input,
            SuccessRateInput::EffectSize { .. }
        ));
    }

    #[test]
    fn lengths_that_do_not_match_are_named() {
        let e =
            load("years = 2\nparticipants = [10]\nsuccess_rate = 0.1\ncosts = { kommune = [1] }")
                .expect_err("two years, one cohort");
        assert!(e.contains("i.toml:") && e.contains("participants"), "{e}");
        let e =
            load("years = 1\nparticipants = [10]\nsuccess_rate = 1.4\ncosts = { kommune = [1] }")
                .expect_err("above 1");
        assert!(e.contains("success_rate") && e.contains("0.014"), "{e}");
    }

    #[test]
    fn a_baseline_rate_is_a_share_strictly_between_0_and_1() {
        let text = |b: &str| {
            format!(
                "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\nyears = 1\nparticipants = [10]\nsuccess_rate = 0.2\nbaseline_rate = {b}\n"
            )
        };
        let sc = crate::scenario::parse("s.toml".as_ref(), &text("0.1"), &kb()).expect("valid");
        let b = sc.interventions[0].baseline.expect("baseline");
        assert_eq!((b.rate, b.from), (0.1, "baseline_rate"));
        let e = crate::scenario::parse("s.toml".as_ref(), &text("1.5"), &kb())
            .expect_err("out of range")
            .to_string();
        assert!(
            e.contains("s.toml:8:") && e.contains("baseline_rate") && e.contains("between 0 and 1"),
            "{e}"
        );
        // a gross/counterfactual success rate gives its counterfactual as the baseline
        let g = "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\nyears = 1\nparticipants = [10]\nsuccess_rate = { gross = 0.3, counterfactual = 0.1 }\n";
        let sc = crate::scenario::parse("s.toml".as_ref(), g, &kb()).expect("valid");
        let b = sc.interventions[0].baseline.expect("baseline");
        assert_eq!((b.rate, b.from), (0.1, "counterfactual"));
    }
}

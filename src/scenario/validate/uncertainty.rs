//! Validating `[intervention.uncertainty]`: the distributions of the success rate, consequences,
//! prices and costs, and their factor scopes.

#[allow(unused_imports)]
use super::*;

impl Validator<'_> {
    pub(super) fn uncertainty(
        &self,
        u: &Spanned<raw::RawUncertainty>,
        field: &str,
        logbook: &mut Vec<LogEntry>,
        id: &str,
    ) -> R<Uncertainty> {
        let r = u.get_ref();
        log(logbook, &format!("{id}.uncertainty"), &r.note, &r.source);
        let mut out = Uncertainty::default();
        if let Some(t) = &r.success_rate {
            let f = format!("{field}.success_rate");
            let d = self.dist(t, &f, &[])?;
            if let Some(why) = outside_shares(&d) {
                return Err(self.at(t, f, why));
            }
            out.success_rate = Some(d);
            log_map(
                logbook,
                &format!("{id}.uncertainty.success_rate"),
                t.get_ref(),
            );
        }
        if let Some(t) = &r.costs {
            out.costs = Some(self.dist(t, &format!("{field}.costs"), &[])?);
            log_map(logbook, &format!("{id}.uncertainty.costs"), t.get_ref());
        }
        for (slot, t, name) in [
            (&mut out.consequences, &r.consequences, "consequences"),
            (&mut out.prices, &r.prices, "prices"),
        ] {
            if let Some(t) = t {
                let fld = format!("{field}.{name}");
                let dist = self.dist(t, &fld, &["per"])?;
                let per = match t.get_ref().get("per") {
                    None => FactorScope::Item,
                    Some(p) => match p.get_ref().as_str() {
                        Some("item") => FactorScope::Item,
                        Some("area") => FactorScope::Area,
                        Some("all") => FactorScope::All,
                        _ => {
                            return Err(self.at(
                                p,
                                format!("{fld}.per"),
                                format!(
                                    "got {}, expected \"item\", \"area\" or \"all\"",
                                    describe(p.get_ref())
                                ),
                            ));
                        }
                    },
                };
                *slot = Some(ScopedDist { dist, per });
                log_map(logbook, &format!("{id}.uncertainty.{name}"), t.get_ref());
            }
        }
        Ok(out)
    }

    pub(super) fn dist(&self, t: &Spanned<FreeTable>, field: &str, extra: &[&str]) -> R<Dist> {
        let map = t.get_ref();
        let Some(name) = map.get("dist") else {
            return Err(self.at(
                t,
                field,
                format!(
                    "missing `dist`; expected one of {}",
                    crate::dist::DIST_NAMES.join(", ")
                ),
            ));
        };
        let Some(name_s) = name.get_ref().as_str() else {
            return Err(self.at(
                name,
                format!("{field}.dist"),
                "expected a distribution name in quotes, e.g. \"uniform\"",
            ));
        };
        if crate::dist::SUCCESS_ONLY.contains(&name_s) && !field.ends_with(".success_rate") {
            return Err(self.at(
                name,
                format!("{field}.dist"),
                format!(
                    "\"{name_s}\" describes a success rate (a pilot's result or an effect size), \
                     not a factor; use it under success_rate, and for a factor one of uniform, \
                     triangular, pert, normal, lognormal, beta"
                ),
            ));
        }
        for (k, v) in map {
            if matches!(k.as_str(), "dist" | "note" | "source" | "per") {
                continue;
            }
            self.number(v, &format!("{field}.{k}"))?;
        }
        let keys: Vec<String> = map.keys().cloned().collect();
        let get = |k: &str| -> Option<f64> {
            map.get(k).and_then(|v| match v.get_ref() {
                toml::Value::Float(f) => Some(*f),
                toml::Value::Integer(i) => Some(*i as f64),
                _ => None,
            })
        };
        Dist::parse(name_s, &get, &keys, extra).map_err(|m| self.at(t, field, m.0))
    }
}

/// Why a success-rate distribution is not one of shares (its range, or for the normal and
/// lognormal its mean, outside 0–1): most likely percentages written as whole numbers. Its draws
/// would all be clamped to 0 or 1, so the file is refused rather than silently reinterpreted.
fn outside_shares(d: &Dist) -> Option<String> {
    let (lo, hi) = match *d {
        Dist::Fixed { value } => (value, value),
        Dist::Uniform { min, max }
        | Dist::Triangular { min, max, .. }
        | Dist::Pert { min, max, .. } => (min, max),
        Dist::Normal { mean, min, max, .. } => (min.unwrap_or(mean), max.unwrap_or(mean)),
        Dist::Lognormal { mean, .. } => (mean, mean),
        Dist::Beta { .. } | Dist::Pilot { .. } | Dist::EffectSize { .. } => return None,
    };
    let share = |x: f64| (0.0..=1.0).contains(&x);
    (!(share(lo) && share(hi))).then(|| {
        format!(
            "a success rate is a share from 0 to 1, but this distribution reaches {}; write \
             percentages as shares (0.2 for 20 %)",
            if share(lo) { hi } else { lo }
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::kb;

    fn load(uncertainty: &str) -> Result<crate::scenario::Scenario, String> {
        let text = format!(
            "[[intervention]]\nid = \"t\"\ntarget_group = \"hjemloese\"\nstart_year = 2024\n\
             years = 1\nparticipants = [10]\nsuccess_rate = 0.2\ncosts = {{ kommune = [1000] }}\n\n\
             [intervention.uncertainty]\n{uncertainty}\n"
        );
        crate::scenario::parse("t.toml".as_ref(), &text, &kb()).map_err(|e| e.to_string())
    }

    #[test]
    fn success_rates_in_percent_are_refused_with_the_fix() {
        let e = load("success_rate = { dist = \"triangular\", min = 10, mode = 20, max = 30 }")
            .expect_err("percent");
        assert!(
            e.contains("t.toml:11:") && e.contains("0.2 for 20 %"),
            "{e}"
        );
        let e = load("success_rate = { dist = \"normal\", mean = 14, sd = 3 }").expect_err("mean");
        assert!(e.contains("reaches 14"), "{e}");
        let ok =
            load("success_rate = { dist = \"uniform\", min = 0.1, max = 0.3 }").expect("shares");
        assert!(ok.interventions[0].uncertainty.success_rate.is_some());
    }

    #[test]
    fn factor_scopes_are_read_and_wrong_ones_named() {
        let sc = load("prices = { dist = \"uniform\", min = 0.9, max = 1.1, per = \"area\" }")
            .expect("area");
        let p = sc.interventions[0]
            .uncertainty
            .prices
            .as_ref()
            .expect("prices");
        assert_eq!(p.per, crate::scenario::FactorScope::Area);
        let e = load("prices = { dist = \"uniform\", min = 0.9, max = 1.1, per = \"items\" }")
            .expect_err("items");
        assert!(
            e.contains("uncertainty.prices.per") && e.contains("\"item\", \"area\" or \"all\""),
            "{e}"
        );
    }
}

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
            out.success_rate = Some(self.dist(t, &format!("{field}.success_rate"), &[])?);
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

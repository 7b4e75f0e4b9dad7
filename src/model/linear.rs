//! The calculator in linear form, for the drivers (SPEC §4: "PV is affine in the success rate and
//! linear in each item's values and prices — use it, and check it").
//!
//! For an intervention under fixed settings, the discounted net of key k (total or an actor) in
//! year t is
//!
//! `disc_net[k][t] = Σ_i f_i · (s · success[i][k][t] + during[i][k][t]) − c · costs[k][t] + saved[k][t]`
//!
//! where s is the success rate, f_i a factor on item i (consequence values × prices, which scale
//! the tax on transfers too) and c a factor on the intervention costs. Everything here is
//! discounted to the price year; [`Linear::pv`] sums the result period, [`Linear::break_even`]
//! scans the horizon. The tests check this form against [`crate::model::calculate`].

use super::{Prepared, break_even_index};
use crate::scenario::{Intervention, Settings};

/// The linear structure of one intervention.
#[derive(Debug, Clone)]
pub struct Linear {
    /// Result keys: `total`, then the scenario's actors.
    pub keys: Vec<String>,
    /// Start year S (index 0 of every year vector).
    pub start_year: i32,
    /// Years in the vectors.
    pub len: usize,
    /// Horizon H (years S..S+H−1), fixed at the scenario's success rate.
    pub horizon: usize,
    /// Whether each year is in the result period.
    pub in_period: Vec<bool>,
    /// Discount factor per year.
    pub discount: Vec<f64>,
    /// The scenario's success rate.
    pub success_rate: f64,
    /// Per item, key, year: discounted money per unit of success rate.
    pub success: Vec<Vec<Vec<f64>>>,
    /// Per item, key, year: discounted money from `during` values (not scaled by s).
    pub during: Vec<Vec<Vec<f64>>>,
    /// Per key, year: discounted intervention costs (positive amounts).
    pub costs: Vec<Vec<f64>>,
    /// Per key, year: discounted saved costs.
    pub saved: Vec<Vec<f64>>,
}

impl Linear {
    /// Builds the linear structure of `iv` under `settings`.
    pub fn new(settings: &Settings, iv: &Intervention) -> Linear {
        Linear::from_prepared(&Prepared::new(settings, iv), &settings.actors)
    }

    /// Builds the linear structure from a prepared intervention.
    pub fn from_prepared(p: &Prepared, actors: &[String]) -> Linear {
        let n_keys = actors.len() + 1;
        let per_item = |units: &[Vec<f64>]| -> Vec<Vec<Vec<f64>>> {
            (0..p.price_money.len())
                .map(|i| {
                    let mut rows = vec![vec![0.0; p.len]; n_keys];
                    for a in 0..p.actors {
                        let m = p.price_money[i][a] + p.tax_money[i][a];
                        for t in 0..p.len {
                            let x = m * units[i][t] * p.discount[t];
                            rows[a + 1][t] = x;
                            rows[0][t] += x;
                        }
                    }
                    rows
                })
                .collect()
        };
        let per_key = |money: &[Vec<f64>]| -> Vec<Vec<f64>> {
            let mut rows = vec![vec![0.0; p.len]; n_keys];
            for a in 0..p.actors {
                for t in 0..p.len {
                    let x = money[a][t] * p.discount[t];
                    rows[a + 1][t] = x;
                    rows[0][t] += x;
                }
            }
            rows
        };
        let mut keys = vec![crate::model::TOTAL.to_string()];
        keys.extend(actors.iter().cloned());
        Linear {
            keys,
            start_year: p.start_year,
            len: p.len,
            horizon: p.horizon,
            in_period: p.in_period.clone(),
            discount: p.discount.clone(),
            success_rate: p.success_rate,
            success: per_item(&p.units_success),
            during: per_item(&p.units_during),
            costs: per_key(&p.costs),
            saved: per_key(&p.saved),
        }
    }

    /// Number of items.
    pub fn items(&self) -> usize {
        self.success.len()
    }

    /// Discounted net per key per year at success rate `s`, item factors `f` (one per item) and
    /// cost factor `c`.
    pub fn discounted(&self, s: f64, f: &[f64], c: f64) -> Vec<Vec<f64>> {
        let mut out: Vec<Vec<f64>> = (0..self.keys.len())
            .map(|k| {
                (0..self.len)
                    .map(|t| self.saved[k][t] - c * self.costs[k][t])
                    .collect()
            })
            .collect();
        for (i, fi) in f.iter().enumerate() {
            for (k, row) in out.iter_mut().enumerate() {
                for (t, x) in row.iter_mut().enumerate() {
                    *x += fi * (s * self.success[i][k][t] + self.during[i][k][t]);
                }
            }
        }
        out
    }

    /// Sum of a discounted series over the result period.
    pub fn period_sum(&self, series: &[f64]) -> f64 {
        series
            .iter()
            .zip(&self.in_period)
            .filter(|(_, inside)| **inside)
            .map(|(x, _)| x)
            .sum()
    }

    /// PV over the result period per key.
    pub fn pv(&self, s: f64, f: &[f64], c: f64) -> Vec<f64> {
        self.discounted(s, f, c)
            .iter()
            .map(|row| self.period_sum(row))
            .collect()
    }

    /// Break-even year (calendar) per key over the horizon.
    pub fn break_even(&self, s: f64, f: &[f64], c: f64) -> Vec<Option<i32>> {
        self.discounted(s, f, c)
            .iter()
            .map(|row| break_even_index(&row[..self.horizon]).map(|t| self.start_year + t as i32))
            .collect()
    }

    /// PV per key of item i alone (factor 1) at success rate `s`.
    pub fn item_pv(&self, i: usize, s: f64) -> Vec<f64> {
        (0..self.keys.len())
            .map(|k| {
                let row: Vec<f64> = (0..self.len)
                    .map(|t| s * self.success[i][k][t] + self.during[i][k][t])
                    .collect();
                self.period_sum(&row)
            })
            .collect()
    }

    /// PV per key of the costs alone (positive amounts).
    pub fn costs_pv(&self) -> Vec<f64> {
        self.costs.iter().map(|r| self.period_sum(r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calculate;

    #[test]
    fn the_linear_form_reproduces_the_calculator() {
        for name in ["cti", "afdelinger", "psykisk-misbrug", "sammenligning"] {
            let sc = crate::testing::shipped(name);
            for iv in &sc.interventions {
                let lin = Linear::new(&sc.settings, iv);
                let ones = vec![1.0; lin.items()];
                let pv = lin.pv(iv.success_rate, &ones, 1.0);
                let be = lin.break_even(iv.success_rate, &ones, 1.0);
                let c = calculate(&sc, iv);
                for (k, key) in lin.keys.iter().enumerate() {
                    assert!(
                        (pv[k] - c.pv.get(key).unwrap()).abs() < 1e-6,
                        "{name} {key}"
                    );
                    assert_eq!(be[k], *c.break_even_year.get(key).unwrap(), "{name} {key}");
                }
                // item i doubled adds exactly its own PV
                if lin.items() > 0 {
                    let mut f = ones.clone();
                    f[0] = 2.0;
                    let pv2 = lin.pv(iv.success_rate, &f, 1.0);
                    let own = lin.item_pv(0, iv.success_rate);
                    assert!((pv2[0] - pv[0] - own[0]).abs() < 1e-6);
                }
            }
        }
    }
}

//! The base calculator (beregningsramme), SPEC §3: cohorts, lag, fade, `during`, the three item
//! kinds with tax on transfers, costs and saved costs, net per year per actor and per area,
//! present value over the result period, horizon and break-even year.
//!
//! [`Prepared`] holds everything that does not depend on the success rate or on factors, in the
//! affine form the drivers use: for item i, actor a and year t,
//! `net[a][t] = Σ_i pf_i · f_i · m[i][a] · (s · U[i][t] + D[i][t]) − cf · costs[a][t] + saved[a][t]`.

pub mod discount;
mod keyed;
pub mod linear;
pub mod sum;

use serde::Serialize;

pub use keyed::Keyed;

/// The key of the whole public sector's figures beside the actors' (`"total"`).
pub const TOTAL: &str = "total";
pub use linear::Linear;

use crate::kb::{Kind, LAST_YEAR, Status};
use crate::scenario::{Intervention, ItemOrigin, Scenario, Settings};

/// Area name for intervention costs (indsatsomkostninger).
pub const COSTS_AREA: &str = "indsatsomkostninger";
/// Area the tax on transfers is booked in.
pub const TAX_AREA: &str = "skat af indkomst";

/// Consequence values v_1..v_20 from v_1..v_K (SPEC §3.3): with `fade`, a linear fade to zero in
/// year 20 after year K; without, zeros after K. The status of faded years is `forecast`.
pub fn fade_values(values: &[f64], status: &[Status], fade: bool) -> (Vec<f64>, Vec<Status>) {
    let k_last = values.len().min(LAST_YEAR);
    let mut v = vec![0.0; LAST_YEAR];
    let mut st = vec![Status::Forecast; LAST_YEAR];
    v[..k_last].copy_from_slice(&values[..k_last]);
    st[..k_last].copy_from_slice(&status[..k_last.min(status.len())]);
    if fade && k_last > 0 && k_last < LAST_YEAR {
        let vk = values[k_last - 1];
        for k in (k_last + 1)..=LAST_YEAR {
            v[k - 1] = vk * (LAST_YEAR - k) as f64 / (LAST_YEAR - k_last) as f64;
        }
    }
    (v, st)
}

/// The discount factor (1 + r)^−(t − P).
pub fn discount_factor(rate: f64, year: i32, price_year: i32) -> f64 {
    (1.0 + rate).powi(-(year - price_year))
}

/// The first year (index) from which the cumulative sum of `discounted` is ≥ 0 and stays ≥ 0 to
/// the end; `None` if the last cumulative value is negative.
pub fn break_even_index(discounted: &[f64]) -> Option<usize> {
    let mut cum = 0.0;
    let mut first_ok = None;
    for (t, x) in discounted.iter().enumerate() {
        cum += x;
        if cum >= 0.0 {
            first_ok.get_or_insert(t);
        } else {
            first_ok = None;
        }
    }
    first_ok
}

/// The deterministic structure of one intervention (see the module docs).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Start year S (index 0 of every year vector).
    pub start_year: i32,
    /// Number of years T in the vectors (covers every flow and the result period).
    pub len: usize,
    /// Horizon H: years S..S+H−1 (SPEC §3.6).
    pub horizon: usize,
    /// Number of actors.
    pub actors: usize,
    /// Per item: money per unit per actor, price part (−p for expenditure/transfer, +p for revenue).
    pub price_money: Vec<Vec<f64>>,
    /// Per item: money per unit per actor from tax on transfers (+Σp · tax_a; 0 for other kinds).
    pub tax_money: Vec<Vec<f64>>,
    /// Per item: units per unit of success rate per year (Σ_c n_c · v_k).
    pub units_success: Vec<Vec<f64>>,
    /// Per item: units from `during` values per year (all participants; not scaled by s).
    pub units_during: Vec<Vec<f64>>,
    /// Costs per actor per year.
    pub costs: Vec<Vec<f64>>,
    /// Saved costs per actor per year.
    pub saved: Vec<Vec<f64>>,
    /// (1 + r)^−(t − P) per year.
    pub discount: Vec<f64>,
    /// Whether each year is in the result period.
    pub in_period: Vec<bool>,
    /// The success rate of the scenario.
    pub success_rate: f64,
}

impl Prepared {
    /// Builds the structure of `iv` under `settings`.
    pub fn new(settings: &Settings, iv: &Intervention) -> Prepared {
        let s0 = iv.success_rate;
        let start = iv.start_year;
        let lag = iv.lag();
        let n_cohorts = iv.participants.len();
        let max_list = iv
            .costs
            .iter()
            .chain(iv.saved_costs.iter())
            .map(|v| v.len())
            .max()
            .unwrap_or(0);
        let len = [
            n_cohorts - 1 + lag + LAST_YEAR,
            (iv.result_period.1 - start + 1).max(0) as usize,
            max_list,
            1,
        ]
        .into_iter()
        .max()
        .unwrap_or(1);
        let actors = settings.actors.len();
        let mut price_money = Vec::new();
        let mut tax_money = Vec::new();
        let mut units_success = Vec::new();
        let mut units_during = Vec::new();
        for item in &iv.items {
            let sign = match item.kind {
                Kind::Revenue => 1.0,
                Kind::Expenditure | Kind::Transfer => -1.0,
            };
            price_money.push(item.prices.iter().map(|p| sign * p).collect::<Vec<_>>());
            let sum: f64 = item.prices.iter().sum();
            tax_money.push(
                settings
                    .tax_on_transfers
                    .iter()
                    .map(|tax| {
                        if item.kind == Kind::Transfer {
                            sum * tax
                        } else {
                            0.0
                        }
                    })
                    .collect::<Vec<_>>(),
            );
            let (v, _) = fade_values(&item.values, &item.status, item.fade);
            let mut u = vec![0.0; len];
            let mut d = vec![0.0; len];
            for (c, n) in iv.participants.iter().enumerate() {
                for (k, vk) in v.iter().enumerate() {
                    u[c + lag + k] += n * vk;
                }
                for (j, dj) in item.during.iter().take(lag).enumerate() {
                    d[c + j] += n * dj;
                }
            }
            units_success.push(u);
            units_during.push(d);
        }
        let mut costs = vec![vec![0.0; len]; actors];
        let mut saved = vec![vec![0.0; len]; actors];
        for a in 0..actors {
            for (j, x) in iv.costs[a].iter().enumerate() {
                costs[a][j] = *x;
            }
            for (j, x) in iv.saved_costs[a].iter().enumerate() {
                saved[a][j] = *x;
            }
        }
        let years = (0..len).map(|t| start + t as i32);
        let discount = years.clone().map(|y| settings.discount_factor(y)).collect();
        let in_period = years
            .map(|y| y >= iv.result_period.0 && y <= iv.result_period.1)
            .collect();

        // horizon: the last year with a non-zero flow at the scenario's success rate
        let mut last = None;
        for t in 0..len {
            let item_live = iv.items.iter().enumerate().any(|(i, item)| {
                item.prices.iter().any(|p| *p != 0.0)
                    && s0 * units_success[i][t] + units_during[i][t] != 0.0
            });
            let cost_live = (0..actors).any(|a| costs[a][t] != 0.0 || saved[a][t] != 0.0);
            if item_live || cost_live {
                last = Some(t);
            }
        }
        Prepared {
            start_year: start,
            len,
            horizon: last.map_or(1, |t| t + 1),
            actors,
            price_money,
            tax_money,
            units_success,
            units_during,
            costs,
            saved,
            discount,
            in_period,
            success_rate: s0,
        }
    }

    /// Net gain per actor per year at success rate `s` (all factors 1).
    pub fn net(&self, s: f64) -> Vec<Vec<f64>> {
        let mut net = vec![vec![0.0; self.len]; self.actors];
        for i in 0..self.price_money.len() {
            for (a, row) in net.iter_mut().enumerate() {
                let m = self.price_money[i][a] + self.tax_money[i][a];
                if m == 0.0 {
                    continue;
                }
                for (t, x) in row.iter_mut().enumerate() {
                    *x += m * (s * self.units_success[i][t] + self.units_during[i][t]);
                }
            }
        }
        for (a, row) in net.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                *x += self.saved[a][t] - self.costs[a][t];
            }
        }
        net
    }

    /// Present value over the result period of a per-year series.
    pub fn pv(&self, series: &[f64]) -> f64 {
        series
            .iter()
            .zip(&self.discount)
            .zip(&self.in_period)
            .filter(|(_, inside)| **inside)
            .map(|((x, d), _)| x * d)
            .sum()
    }

    /// Break-even year (calendar) of a per-year series over the horizon.
    pub fn break_even(&self, series: &[f64]) -> Option<i32> {
        let disc: Vec<f64> = series[..self.horizon]
            .iter()
            .zip(&self.discount)
            .map(|(x, d)| x * d)
            .collect();
        break_even_index(&disc).map(|t| self.start_year + t as i32)
    }
}

/// One area's line (hoveddimension): net per year summed over actors, and PV per actor.
#[derive(Debug, Clone, Serialize)]
pub struct AreaLine {
    /// Area name.
    pub area: String,
    /// Net gain per horizon year, all actors.
    pub net: Vec<f64>,
    /// PV over the result period per actor and total.
    pub pv: Keyed<f64>,
}

/// One item's contribution.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLine {
    /// Item id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Area.
    pub area: String,
    /// Unit.
    pub unit: String,
    /// Kind.
    pub kind: Kind,
    /// Where the item comes from.
    pub origin: ItemOrigin,
    /// Consequence values per successful participant, years 1..20 after fade.
    pub values: Vec<f64>,
    /// Status per consequence year.
    pub status: Vec<Status>,
    /// Prices per actor (price-year kroner per unit).
    pub prices: Keyed<f64>,
    /// Units per horizon year (all participants).
    pub units: Vec<f64>,
    /// Net gain per horizon year, all actors, including tax on transfers.
    pub net: Vec<f64>,
    /// PV over the result period per actor and total, including tax on transfers.
    pub pv: Keyed<f64>,
    /// Sources of values and prices.
    pub sources: Vec<String>,
    /// The participant's relation it falls on, if any (`boern`, `partner`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
}

/// The relations' part of a result ("heraf familie"): the PV of the consequences that fall on
/// the participants' relations, per key, in total and per relation.
#[derive(Debug, Clone, Serialize)]
pub struct RelationsPart {
    /// PV of every relation's items, per key.
    pub pv: Keyed<f64>,
    /// Per relation (`who`), its PV per key.
    pub by_relation: Keyed<Keyed<f64>>,
}

/// The relations' part of `items`, or `None` when no item falls on a relation.
pub fn relations_part(items: &[ItemLine]) -> Option<RelationsPart> {
    let first = items.first()?;
    let zero = || {
        Keyed(
            first
                .pv
                .0
                .iter()
                .map(|(k, _)| (k.clone(), 0.0))
                .collect::<Vec<_>>(),
        )
    };
    let mut total = zero();
    let mut by: Vec<(String, Keyed<f64>)> = Vec::new();
    for it in items {
        let Some(who) = &it.relation else { continue };
        let pos = match by.iter().position(|(w, _)| w == who) {
            Some(p) => p,
            None => {
                by.push((who.clone(), zero()));
                by.len() - 1
            }
        };
        for (j, (_, v)) in it.pv.0.iter().enumerate() {
            total.0[j].1 += v;
            by[pos].1.0[j].1 += v;
        }
    }
    (!by.is_empty()).then_some(RelationsPart {
        pv: total,
        by_relation: Keyed(by),
    })
}

/// The result of the base calculator for one intervention (SPEC §7 `soem calc`, plus more).
#[derive(Debug, Clone, Serialize)]
pub struct Calculation {
    /// Intervention id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Price year P.
    pub price_year: i32,
    /// Discount rate r (with a schedule: its first band's rate).
    pub discount_rate: f64,
    /// The named declining schedule used instead of the flat rate, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_schedule: Option<&'static str>,
    /// Result period [from, to].
    pub result_period: [i32; 2],
    /// Success rate s used.
    pub success_rate: f64,
    /// Start year S.
    pub start_year: i32,
    /// Calendar years of the horizon.
    pub years: Vec<i32>,
    /// Net gain per horizon year (undiscounted), per actor and total.
    pub net: Keyed<Vec<f64>>,
    /// PV over the result period.
    pub pv: Keyed<f64>,
    /// Break-even year (calendar), or null.
    pub break_even_year: Keyed<Option<i32>>,
    /// Break-even as years since start (t − S + 1), or null.
    pub break_even_years_since_start: Keyed<Option<i32>>,
    /// Cumulative discounted net over the horizon (for the cumulative-PV chart).
    pub cumulative_pv: Keyed<Vec<f64>>,
    /// Net per area per year, with the intervention costs as their own line.
    pub areas: Vec<AreaLine>,
    /// Per item.
    pub items: Vec<ItemLine>,
    /// Costs per actor per horizon year (positive amounts).
    pub costs: Keyed<Vec<f64>>,
    /// Saved costs per actor per horizon year.
    pub saved_costs: Keyed<Vec<f64>>,
    /// Items of this intervention with illustrative numbers.
    pub illustrative: Vec<crate::scenario::Illustrative>,
    /// Where SØM itself warns about this result (empty when nothing applies).
    pub flags: Vec<Flag>,
    /// The part of the result that falls on the participants' relations ("heraf familie").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relations: Option<RelationsPart>,
}

/// Area of the social services (sociale serviceydelser), whose estimates seed 002 calls the
/// model's least certain.
pub const SOCIAL_SERVICES_AREA: &str = "sociale serviceydelser";

/// The share of the gains above which the social services' uncertainty is flagged.
pub const SOCIAL_SERVICES_FLAG_SHARE: f64 = 1.0 / 3.0;

/// A warning SØM itself gives about a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// The social services carry more than a third of the gains: seed 002 (l. 1146–1150) says
    /// their estimates are more uncertain than the other areas' and probably overestimated.
    SocialServices {
        /// Their share of the gains: their PV (total) over the summed PV of every area that gains.
        share: f64,
    },
}

/// The share of the gains (areas with a positive total PV, intervention costs left out) that
/// `area` carries; `None` when it gains nothing or nothing gains.
pub fn gain_share(areas: &[AreaLine], area: &str) -> Option<f64> {
    let pv = |a: &AreaLine| a.pv.get(TOTAL).copied().unwrap_or(0.0);
    let gains: f64 = areas
        .iter()
        .filter(|a| a.area != COSTS_AREA)
        .map(pv)
        .filter(|x| *x > 0.0)
        .sum();
    let own = areas.iter().find(|a| a.area == area).map(pv)?;
    (own > 0.0 && gains > 0.0).then(|| own / gains)
}

/// The flags of a calculation with these areas.
pub fn flags(areas: &[AreaLine]) -> Vec<Flag> {
    gain_share(areas, SOCIAL_SERVICES_AREA)
        .filter(|s| *s > SOCIAL_SERVICES_FLAG_SHARE)
        .map(|share| Flag::SocialServices { share })
        .into_iter()
        .collect()
}

/// Runs the base calculator for one intervention of a scenario.
pub fn calculate(scenario: &Scenario, iv: &Intervention) -> Calculation {
    let settings = &scenario.settings;
    let p = Prepared::new(settings, iv);
    let s = iv.success_rate;
    let h = p.horizon;
    let actors = &settings.actors;
    let net = p.net(s);
    let total: Vec<f64> = (0..p.len).map(|t| net.iter().map(|r| r[t]).sum()).collect();
    let series = |per_actor: &[Vec<f64>], total: &[f64]| -> Vec<(String, Vec<f64>)> {
        std::iter::once((TOTAL.to_string(), total.to_vec()))
            .chain(actors.iter().cloned().zip(per_actor.iter().cloned()))
            .collect()
    };
    let all = series(&net, &total);
    let pv = Keyed(all.iter().map(|(k, v)| (k.clone(), p.pv(v))).collect());
    let be: Vec<(String, Option<i32>)> = all
        .iter()
        .map(|(k, v)| (k.clone(), p.break_even(v)))
        .collect();
    let since = Keyed(
        be.iter()
            .map(|(k, y)| (k.clone(), y.map(|y| y - iv.start_year + 1)))
            .collect(),
    );
    let cumulative_pv = Keyed(
        all.iter()
            .map(|(k, v)| {
                let mut c = 0.0;
                let cum = v[..h]
                    .iter()
                    .zip(&p.discount)
                    .map(|(x, d)| {
                        c += x * d;
                        c
                    })
                    .collect();
                (k.clone(), cum)
            })
            .collect(),
    );

    // per item and per area
    let mut areas: Vec<(String, Vec<Vec<f64>>)> = Vec::new(); // area -> [actor][t]
    let mut add_area = |name: &str, a: usize, t: usize, x: f64| {
        let pos = match areas.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                areas.push((name.to_string(), vec![vec![0.0; p.len]; actors.len()]));
                areas.len() - 1
            }
        };
        areas[pos].1[a][t] += x;
    };
    for a in 0..actors.len() {
        for t in 0..p.len {
            let x = p.saved[a][t] - p.costs[a][t];
            add_area(COSTS_AREA, a, t, x);
        }
    }
    let mut items = Vec::new();
    for (i, item) in iv.items.iter().enumerate() {
        let units: Vec<f64> = (0..p.len)
            .map(|t| s * p.units_success[i][t] + p.units_during[i][t])
            .collect();
        let mut per_actor = vec![vec![0.0; p.len]; actors.len()];
        for (a, row) in per_actor.iter_mut().enumerate() {
            for (t, u) in units.iter().enumerate() {
                let price_part = p.price_money[i][a] * u;
                let tax_part = p.tax_money[i][a] * u;
                row[t] = price_part + tax_part;
                add_area(&item.area, a, t, price_part);
                if item.kind == Kind::Transfer {
                    add_area(TAX_AREA, a, t, tax_part);
                }
            }
        }
        let item_total: Vec<f64> = (0..p.len)
            .map(|t| per_actor.iter().map(|r| r[t]).sum())
            .collect();
        let (values, status) = fade_values(&item.values, &item.status, item.fade);
        items.push(ItemLine {
            id: item.id.clone(),
            name: item.name.clone(),
            area: item.area.clone(),
            unit: item.unit.clone(),
            kind: item.kind,
            origin: item.origin,
            values,
            status,
            prices: Keyed(
                actors
                    .iter()
                    .cloned()
                    .zip(item.prices.iter().copied())
                    .collect(),
            ),
            units: units[..h].to_vec(),
            net: item_total[..h].to_vec(),
            pv: Keyed(
                series(&per_actor, &item_total)
                    .into_iter()
                    .map(|(k, v)| (k, p.pv(&v)))
                    .collect(),
            ),
            sources: item.sources.clone(),
            relation: item.relation.clone(),
        });
    }
    let areas: Vec<AreaLine> = areas
        .into_iter()
        .map(|(name, per_actor)| {
            let tot: Vec<f64> = (0..p.len)
                .map(|t| per_actor.iter().map(|r| r[t]).sum())
                .collect();
            AreaLine {
                area: name,
                net: tot[..h].to_vec(),
                pv: Keyed(
                    series(&per_actor, &tot)
                        .into_iter()
                        .map(|(k, v)| (k, p.pv(&v)))
                        .collect(),
                ),
            }
        })
        .collect();
    let cut = |rows: &[Vec<f64>]| {
        Keyed(
            actors
                .iter()
                .cloned()
                .zip(rows.iter().map(|r| r[..h].to_vec()))
                .collect(),
        )
    };
    let flags = flags(&areas);
    let relations = relations_part(&items);
    Calculation {
        id: iv.id.clone(),
        name: iv.name.clone(),
        price_year: settings.price_year,
        discount_rate: settings.discount_rate,
        discount_schedule: settings.discount_schedule.map(|s| s.id),
        result_period: [iv.result_period.0, iv.result_period.1],
        success_rate: s,
        start_year: iv.start_year,
        years: (0..h).map(|t| iv.start_year + t as i32).collect(),
        net: Keyed(
            all.iter()
                .map(|(k, v)| (k.clone(), v[..h].to_vec()))
                .collect(),
        ),
        pv,
        break_even_year: Keyed(be),
        break_even_years_since_start: since,
        cumulative_pv,
        areas,
        items,
        costs: cut(&p.costs),
        saved_costs: cut(&p.saved),
        illustrative: scenario.illustrative_of(&iv.id),
        flags,
        relations,
    }
}

#[cfg(test)]
mod tests;

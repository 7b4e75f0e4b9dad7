//! Discounting: SØM's flat rate (4 % from the knowledge base) or a named declining schedule as the
//! state prescribes it for long horizons.
//!
//! A schedule gives the rate of each year after the price year P: the discount factor of year
//! t ≥ P is Π_{k=1..t−P} 1/(1 + r_k), with r_k the rate of the band that holds year k. Years
//! before P are compounded forward at the first band's rate, as a flat rate would be.

use serde::Serialize;

/// A declining discount-rate schedule.
#[derive(Debug, PartialEq, Serialize)]
pub struct Schedule {
    /// The name a scenario gives it: `discount_rate = "finansministeriet-2021"`.
    pub id: &'static str,
    /// Bands in order: years up to `to_year` (counted from the price year) at `rate`; the last
    /// band (`to_year` none) holds every later year.
    pub bands: &'static [Band],
    /// Where the rates come from.
    pub source: &'static str,
}

/// One band of a schedule.
#[derive(Debug, PartialEq, Serialize)]
pub struct Band {
    /// The last year (after the price year) of the band; `None` for the open last band.
    pub to_year: Option<u32>,
    /// The rate in those years.
    pub rate: f64,
}

/// Finansministeriet's recommended socio-economic discount rate since January 2021: 3.5 % in
/// years 0–35, 2.5 % in years 36–70 and 1.5 % after year 70.
pub const FINANSMINISTERIET_2021: Schedule = Schedule {
    id: "finansministeriet-2021",
    bands: &[
        Band {
            to_year: Some(35),
            rate: 0.035,
        },
        Band {
            to_year: Some(70),
            rate: 0.025,
        },
        Band {
            to_year: None,
            rate: 0.015,
        },
    ],
    source: "Finansministeriet, Dokumentationsnotat – den samfundsøkonomiske diskonteringsrente, \
             7. januar 2021: lowered from 4 to 3,5 pct. in years 0–35 and from 3 to 2,5 pct. in \
             years 36–70 (read in the note); after year 70 lowered from 2 to 1,5 pct. (not in the \
             part of the note read here — SØM horizons never reach it); the 2018 note \
             (Finansudvalget FIU Alm.del spm. 418) gives the earlier 4/3/2 pct.",
};

/// Every named schedule.
pub const SCHEDULES: &[&Schedule] = &[&FINANSMINISTERIET_2021];

/// The schedule a scenario names, if it is one.
pub fn schedule(id: &str) -> Option<&'static Schedule> {
    SCHEDULES.iter().copied().find(|s| s.id == id)
}

impl Schedule {
    /// The rate of year k after the price year (k ≥ 1).
    pub fn rate(&self, k: u32) -> f64 {
        self.bands
            .iter()
            .find(|b| b.to_year.is_none_or(|last| k <= last))
            .map_or(0.0, |b| b.rate)
    }

    /// The first band's rate (the rate of the years a SØM calculation usually covers).
    pub fn first_rate(&self) -> f64 {
        self.bands.first().map_or(0.0, |b| b.rate)
    }

    /// The discount factor of `year` for price year `price_year`.
    pub fn factor(&self, year: i32, price_year: i32) -> f64 {
        let tau = year - price_year;
        if tau <= 0 {
            return (1.0 + self.first_rate()).powi(-tau);
        }
        let mut f = 1.0;
        let mut from = 0u32;
        for b in self.bands {
            let to = b.to_year.unwrap_or(u32::MAX).min(tau as u32);
            if to > from {
                f /= (1.0 + b.rate).powi((to - from) as i32);
                from = to;
            }
            if from == tau as u32 {
                break;
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn the_finansministeriet_schedule_by_hand() {
        let s = &FINANSMINISTERIET_2021;
        close(s.factor(2024, 2024), 1.0);
        close(s.factor(2025, 2024), 1.0 / 1.035);
        close(s.factor(2034, 2024), 1.035f64.powi(-10));
        close(s.factor(2024 + 35, 2024), 1.035f64.powi(-35));
        // year 36 is the first at 2.5 %
        close(s.factor(2024 + 36, 2024), 1.035f64.powi(-35) / 1.025);
        close(
            s.factor(2024 + 80, 2024),
            1.035f64.powi(-35) * 1.025f64.powi(-35) * 1.015f64.powi(-10),
        );
        // before the price year: compounded at the first rate
        close(s.factor(2022, 2024), 1.035 * 1.035);
        assert_eq!(s.rate(1), 0.035);
        assert_eq!(s.rate(35), 0.035);
        assert_eq!(s.rate(36), 0.025);
        assert_eq!(s.rate(71), 0.015);
        assert_eq!(schedule("finansministeriet-2021"), Some(s));
        assert_eq!(schedule("fm"), None);
    }
}

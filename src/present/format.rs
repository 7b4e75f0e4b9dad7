//! Numbers as people read them, in Danish (`-1.234.567 kr.`, `21,4 %`) and English
//! (`-1,234,567 kr.`, `21.4%`), and the language choice itself. Every front end formats through
//! these functions.

use serde::Serialize;

/// The language of human-readable output (sprog).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Danish (dansk): `-1.234.567 kr.`, `21,4 %`. The default.
    #[default]
    Da,
    /// English: `-1,234,567 kr.`, `21.4%`.
    En,
}

impl Lang {
    /// Picks the Danish or the English text.
    pub fn t<'a>(self, da: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Da => da,
            Lang::En => en,
        }
    }

    /// The language's code for `<html lang>`: `da` or `en`.
    pub fn code(self) -> &'static str {
        self.t("da", "en")
    }
}

/// A whole number with thousands separators (`.` in Danish, `,` in English), rounded.
pub fn int(value: f64, lang: Lang) -> String {
    let r = value.round();
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    let digits = format!("{:.0}", r.abs());
    let sep = match lang {
        Lang::Da => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    if r < 0.0 { format!("-{out}") } else { out }
}

/// An amount in kroner: `-1.234.567 kr.` (Danish) or `-1,234,567 kr.` (English).
pub fn kr(value: f64, lang: Lang) -> String {
    format!("{} kr.", int(value, lang))
}

/// An amount rounded to thousands for running text: `-7.319.000 kr.`.
pub fn rkr(value: f64, lang: Lang) -> String {
    kr((value / 1000.0).round() * 1000.0, lang)
}

/// Whole thousands of kroner for compact tables and axes: `-7.319`.
pub fn tkr(value: f64, lang: Lang) -> String {
    int(value / 1000.0, lang)
}

/// A decimal number with `decimals` places and the language's decimal mark.
pub fn dec(value: f64, decimals: usize, lang: Lang) -> String {
    let s = format!("{value:.decimals$}");
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    };
    match lang {
        Lang::Da => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A share as a percentage: `21,4 %` (Danish) or `21.4%` (English).
pub fn pct(share: f64, decimals: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("{} %", dec(share * 100.0, decimals, lang)),
        Lang::En => format!("{}%", dec(share * 100.0, decimals, lang)),
    }
}

/// A year held as a number (a percentile of break-even years), or `–` for none.
pub fn year(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.0}"))
}

/// A time as `YYYY-MM-DD HH:MM` in UTC, from seconds since 1970 (the civil date by Howard
/// Hinnant's algorithm): the report's generation time and the workbench's "last changed".
pub fn utc_minutes(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00");
        // 2026-12-02 03:12:30 UTC, and the leap day of 2024
        assert_eq!(utc_minutes(1_796_181_150), "2026-12-02 03:12");
        assert_eq!(utc_minutes(1_709_164_800), "2024-02-29 00:00");
    }

    #[test]
    fn danish_and_english_amounts() {
        assert_eq!(kr(-1_234_567.4, Lang::Da), "-1.234.567 kr.");
        assert_eq!(kr(-1_234_567.4, Lang::En), "-1,234,567 kr.");
        assert_eq!(kr(999.5, Lang::Da), "1.000 kr.");
        assert_eq!(kr(-0.3, Lang::Da), "0 kr.");
        assert_eq!(int(100_000.0, Lang::Da), "100.000");
        assert_eq!(rkr(-7_319_499.0, Lang::Da), "-7.319.000 kr.");
        assert_eq!(tkr(-7_319_499.0, Lang::En), "-7,319");
    }

    #[test]
    fn percentages_and_years() {
        assert_eq!(pct(0.214, 1, Lang::Da), "21,4 %");
        assert_eq!(pct(0.214, 1, Lang::En), "21.4%");
        assert_eq!(dec(-0.0001, 2, Lang::Da), "0,00");
        assert_eq!(year(Some(2031.0)), "2031");
        assert_eq!(year(None), "–");
    }
}

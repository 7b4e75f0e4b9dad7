//! Small text helpers shared by errors and presentation: "did you mean" suggestions and number
//! formatting in Danish (`-1.234.567 kr.`, `21,4 %`) and English.

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
}

/// Edit distance between two strings (Levenshtein, on chars).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest known name, if it is close enough to be a plausible typo.
pub fn suggest<'a>(value: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (value.chars().count() / 3).max(2);
    known
        .into_iter()
        .map(|k| (edit_distance(&value.to_lowercase(), &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_string())
}

/// ` — did you mean "x"?` for the nearest known name, or nothing when none is close.
pub fn did_you_mean<'a>(value: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    suggest(value, known)
        .map(|s| format!(" — did you mean \"{s}\"?"))
        .unwrap_or_default()
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

/// The characters of Windows-1252 (WinAnsi) bytes 0x80–0x9F; the other bytes are Latin-1.
/// Bytes Windows leaves undefined map to the C1 control with the same number.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The character of a Windows-1252 byte.
pub fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
        _ => char::from(b),
    }
}

/// The Windows-1252 byte of a character, if it has one (C1 controls excluded).
pub fn cp1252_byte(c: char) -> Option<u8> {
    match c as u32 {
        0..=0x7F | 0xA0..=0xFF => Some(c as u8),
        _ => CP1252_HIGH
            .iter()
            .position(|h| *h == c && !h.is_control())
            .map(|i| 0x80 + i as u8),
    }
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

/// What a file that should be text is instead (scenario files and knowledge-base tables alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// UTF-16 with a byte-order mark (Notepad's "Unicode", Excel's "Unicode text").
    Utf16,
    /// An Excel workbook (.xlsx zip or old .xls compound file).
    Workbook,
    /// Other binary data: control bytes other than tab, line ends and form feed.
    Binary,
}

/// Classifies bytes that are not plain text (in any 8-bit encoding); `None` for text. Control
/// bytes are looked for in the first 64 KiB.
pub fn not_text(bytes: &[u8]) -> Option<NotText> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        Some(NotText::Utf16)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some(NotText::Workbook)
    } else if bytes
        .iter()
        .take(64 * 1024)
        .any(|b| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
    {
        Some(NotText::Binary)
    } else {
        None
    }
}

/// A text cell for CSV/XLSX that a spreadsheet cannot take for a formula: a leading `=`, `+`,
/// `-` or `@` (unless the whole cell is a number) gets a `'` in front.
pub fn cell_safe(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@']);
    if risky && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_and_english_amounts() {
        assert_eq!(kr(-1_234_567.4, Lang::Da), "-1.234.567 kr.");
        assert_eq!(kr(-1_234_567.4, Lang::En), "-1,234,567 kr.");
        assert_eq!(kr(999.5, Lang::Da), "1.000 kr.");
        assert_eq!(kr(-0.3, Lang::Da), "0 kr.");
        assert_eq!(int(100_000.0, Lang::Da), "100.000");
    }

    #[test]
    fn windows_1252_both_ways() {
        assert_eq!(cp1252_char(0xF8), 'ø');
        assert_eq!(cp1252_char(0x96), '–');
        for b in 0x20..=0xFFu8 {
            if !cp1252_char(b).is_control() {
                assert_eq!(cp1252_byte(cp1252_char(b)), Some(b));
            }
        }
        assert_eq!(cp1252_byte('−'), None);
    }

    #[test]
    fn percentages() {
        assert_eq!(pct(0.214, 1, Lang::Da), "21,4 %");
        assert_eq!(pct(0.214, 1, Lang::En), "21.4%");
        assert_eq!(dec(-0.0001, 2, Lang::Da), "0,00");
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("sucess_rate", ["success_rate", "start_year"]).as_deref(),
            Some("success_rate")
        );
        assert_eq!(suggest("zzz", ["success_rate"]), None);
    }
}

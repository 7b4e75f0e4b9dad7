//! Small text helpers for reading input: "did you mean" suggestions, Windows-1252 characters and
//! telling text files from binary ones. (Numbers for people are formatted in
//! [`crate::present::format`].)

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("sucess_rate", ["success_rate", "start_year"]).as_deref(),
            Some("success_rate")
        );
        assert_eq!(suggest("zzz", ["success_rate"]), None);
    }
}

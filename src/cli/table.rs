//! Terminal tables (comfy-table) with right-aligned number columns.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

/// A table with a header; columns after the first `left` are right-aligned.
pub fn new(header: Vec<String>, rows: Vec<Vec<String>>, left: usize) -> String {
    let right: Vec<bool> = (0..header.len()).map(|i| i >= left).collect();
    aligned(header, rows, &right)
}

/// A table with a header; `right[i]` says whether column i is right-aligned.
pub fn aligned(header: Vec<String>, rows: Vec<Vec<String>>, right: &[bool]) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for r in rows {
        t.add_row(r);
    }
    for (i, col) in t.column_iter_mut().enumerate() {
        if right.get(i).copied().unwrap_or(false) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("{t}\n")
}

/// An actor's display name: `kommune` → `Kommune`, `total` → `I alt`/`Total`.
pub fn actor_label(key: &str, lang: crate::text::Lang) -> String {
    if key == "total" {
        return lang.t("I alt", "Total").to_string();
    }
    let mut c = key.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// CSV text with a header; every cell quoted where needed and made formula-safe.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| {
        let s = crate::text::cell_safe(s);
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = header.iter().map(|h| esc(h)).collect::<Vec<_>>().join(",") + "\n";
    for r in rows {
        out += &(r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(",") + "\n");
    }
    out
}

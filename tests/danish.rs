//! Danish output is Danish: the terminal text of every analysis command on every shipped
//! scenario, and the Danish report page, contain none of a list of English words. (Data shown
//! as it is — ids, the knowledge base's and the scenario's notes and sources — is left out of the
//! scan: it is the user's text, not ours.)

mod common;

use common::{scenarios, soem};

/// English words that have no business in Danish output (checked as whole words; "interval",
/// "minimum" and "overlap" are Danish words too).
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "with",
    "have",
    "has",
    "of",
    "is",
    "are",
    "not",
    "none",
    "Warning",
    "values",
    "given",
    "ignored",
    "Total",
    "Actor",
    "Year",
    "Years",
    "present",
    "value",
    "Mean",
    "gain",
    "loses",
    "while",
    "probability",
    "share",
    "draws",
    "Seed",
    "needs",
    "risk",
    "choosing",
    "wrong",
    "prices",
    "costs",
    "Costs",
    "Success",
    "rate",
    "knowledge-base",
    "shipped",
    "Note",
    "NOTE",
];

/// The English words in `text`, each with the line it is on (file names such as
/// `knowledge/prices.csv` and field names such as `baseline_rate` are names, not words).
fn english_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let words = line
            .split_whitespace()
            .filter(|t| !t.contains(".csv") && !t.contains('/') && !t.contains('_'))
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric() && c != '-'));
        for word in words {
            if ENGLISH.contains(&word) {
                found.push(format!("{word:?} in: {line}"));
            }
        }
    }
    found
}

fn run(args: &[&str]) -> String {
    let out = soem().args(args).output().expect("runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn terminal_text_in_danish_has_no_english_words() {
    let mut found = Vec::new();
    for path in scenarios() {
        let file = path.to_string_lossy().into_owned();
        for args in [
            vec!["calc", &file],
            vec!["require", &file],
            vec!["tornado", &file],
            vec!["grid", &file],
            vec!["mc", &file, "--draws", "500", "--confidence", "0.8"],
            vec!["compare", &file, "--draws", "500"],
        ] {
            for hit in english_in(&run(&args)) {
                found.push(format!("soem {}: {hit}", args.join(" ")));
            }
        }
    }
    assert!(
        found.is_empty(),
        "English in Danish output:\n{}",
        found.join("\n")
    );
}

/// `html` without every part from `open` to the next `close`.
fn strip(html: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(a) = rest.find(open) {
        out += &rest[..a];
        rest = rest[a..]
            .find(close)
            .map_or("", |b| &rest[a + b + close.len()..]);
    }
    out + rest
}

/// The page's text: no style sheet, no figures (their labels are checked through the same
/// words), no tags, and not the two tables whose cells are the user's and the knowledge base's
/// own text (the logbook, the knowledge-base rows used).
fn page_text(html: &str) -> String {
    let mut h = strip(html, "<style>", "</style>");
    h = strip(&h, "<svg", "</svg>");
    h = strip(&h, "<h3>Logbog", "</table>");
    h = strip(&h, "<h3>Vidensdatabasens rækker", "</table>");
    let mut out = String::new();
    let mut in_tag = false;
    for c in h.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_danish_report_has_no_english_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut found = Vec::new();
    for path in scenarios() {
        let out = dir.path().join(path.file_stem().expect("stem"));
        let file = path.to_string_lossy().into_owned();
        run(&[
            "report",
            &file,
            "--draws",
            "500",
            "--out",
            &out.to_string_lossy(),
        ]);
        let html = std::fs::read_to_string(out.join("index.html")).expect("index.html");
        for hit in english_in(&page_text(&html)) {
            found.push(format!("{}: {hit}", path.display()));
        }
    }
    assert!(
        found.is_empty(),
        "English in the Danish report:\n{}",
        found.join("\n")
    );
}

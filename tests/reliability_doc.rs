//! Keeps the figures in `docs/RELIABILITY.md` current: the corpus size and the number of command
//! runs it makes, and the property tests with their random cases, are counted from the test
//! sources here and must be the numbers the document states (CI runs this with the corpus and the
//! property tests themselves; the fuzzing figures are recorded by hand).

use std::path::Path;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).expect(rel)
}

/// 1234 → "1,234".
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// (cases, command runs) of `tests/corpus/cases.toml`, counted as `tests/corpus.rs` runs them.
fn corpus() -> (usize, usize) {
    let v: toml::Value = toml::from_str(&read("tests/corpus/cases.toml")).expect("toml");
    let cases = v["case"].as_array().expect("cases");
    let runs = cases
        .iter()
        .map(|c| {
            if c.get("scenario").is_some() {
                8
            } else if c.get("knowledge").is_some() {
                3
            } else {
                1
            }
        })
        .sum();
    (cases.len(), runs)
}

/// (properties, random cases per run) of `tests/properties.rs`: each `proptest!` block's
/// `with_cases(N)` times its number of tests.
fn properties() -> (usize, usize) {
    let src = read("tests/properties.rs");
    let (mut props, mut cases) = (0, 0);
    for block in src.split("proptest! {").skip(1) {
        let n: usize = block
            .split("with_cases(")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .and_then(|n| n.trim().parse().ok())
            .expect("with_cases(N) in every proptest! block");
        let tests = block.matches("#[test]").count();
        props += tests;
        cases += tests * n;
    }
    (props, cases)
}

#[test]
fn reliability_figures_are_current() {
    let doc = read("docs/RELIABILITY.md");
    let (cases, runs) = corpus();
    let (props, prop_cases) = properties();
    for want in [
        format!("{} malformed inputs", thousands(cases)),
        format!("{} command runs", thousands(runs)),
        format!("{props} properties"),
        format!("{} random scenarios per run", thousands(prop_cases)),
    ] {
        assert!(
            doc.contains(&want),
            "docs/RELIABILITY.md should say \"{want}\" (counted from the tests)"
        );
    }
}

#[test]
fn thousands_separator() {
    assert_eq!(thousands(694), "694");
    assert_eq!(thousands(1234), "1,234");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

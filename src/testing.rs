//! Helpers for the unit tests: the shipped knowledge base and scenarios.

use std::path::Path;

use crate::kb::KnowledgeBase;
use crate::scenario::Scenario;

/// The shipped knowledge base.
pub fn kb() -> KnowledgeBase {
    KnowledgeBase::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))
        .expect("the shipped knowledge base loads")
}

/// A shipped scenario, `scenarios/<name>.toml`.
pub fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    crate::scenario::load(&path, &kb()).expect("a shipped scenario loads")
}

/// Scenario text checked against the shipped knowledge base.
pub fn parse(text: &str) -> Scenario {
    crate::scenario::parse(Path::new("test.toml"), text, &kb()).expect("valid scenario")
}

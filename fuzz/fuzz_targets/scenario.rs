//! Fuzzes the scenario loader and validation (SPEC §5) against the shipped knowledge base, and
//! runs the calculator, requirement analysis, tornado and a small Monte Carlo on every scenario
//! that loads (`soem::analysis::exercise`): any panic is a bug (bad input must give an error).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soem::kb::KnowledgeBase;

static KB: OnceLock<KnowledgeBase> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let kb = KB.get_or_init(|| KnowledgeBase::shipped().expect("shipped knowledge base"));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sc) = soem::scenario::parse(Path::new("fuzz.toml"), text, kb) {
        soem::analysis::exercise(&sc);
    }
});

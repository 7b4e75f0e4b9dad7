//! Fuzzes the knowledge-base loader: the first byte picks one of the eight tables, the rest are
//! that table's bytes (any encoding, separator, line ends); the other tables are the shipped ones.
//! Any panic is a bug (a bad table must give an error naming file, line and column).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use soem::kb::{FILES, KnowledgeBase};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let file = FILES[usize::from(*first) % FILES.len()];
    let _ = KnowledgeBase::from_tables(Path::new("fuzz"), &[(file, rest.to_vec())]);
});

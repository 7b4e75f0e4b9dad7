//! Fuzzes one CSV table on its own — encoding, separator and decimal-mark detection, the ragged-
//! line check, polars' reader, and every cell accessor (text, id, number, whole number) — much
//! faster than the whole knowledge base (`knowledge`), so it reaches millions of inputs. Any panic
//! is a bug.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use soem::kb::Table;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = Table::from_bytes(PathBuf::from("fuzz.csv"), data.to_vec(), &[]) else {
        return;
    };
    let columns: Vec<String> = t.columns().to_vec();
    for r in 0..t.rows().min(200) {
        let _ = t.line(r);
        for c in &columns {
            let _ = t.opt_str(r, c);
            let _ = t.id(r, c);
            let _ = t.f64(r, c);
            let _ = t.opt_f64(r, c);
            let _ = t.int(r, c, (1900, 2200));
            let _ = t.one_of(r, c, &["estimate", "forecast"]);
        }
    }
});

//! Analysis drivers around the base calculator. Each takes the checked scenario and returns a
//! serde result struct; no printing, no paths.

pub mod grid;
pub mod mc;
pub mod require;
pub mod tornado;

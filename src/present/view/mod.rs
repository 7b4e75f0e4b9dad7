//! One view per result: the tables (and sentences) that show it, built once for every front end.

pub mod calc;
pub mod decision;
pub mod grid;
pub mod knowledge;
pub mod mc;
pub mod require;
pub mod tornado;

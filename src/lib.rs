//! `soem` — an engine for the Danish socio-economic investment model SØM (Den Socialøkonomiske
//! Investeringsmodel) and the sensitivity and uncertainty analyses around it.
//!
//! Data flows one way: the knowledge base ([`kb`]) and a scenario file ([`scenario`]) are loaded
//! and validated once; the base calculator ([`model`]) turns a checked intervention into results;
//! analysis drivers call the model many times; presentation ([`cli`]) renders finished results.
#![deny(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod dist;
pub mod interrupt;
pub mod kb;
pub mod limits;
pub mod model;
pub mod report;
pub mod scenario;
pub mod text;

#[cfg(test)]
mod testing;

/// The engine version, stamped on results.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

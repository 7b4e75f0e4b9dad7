//! `soem` — an engine for the Danish socio-economic investment model SØM (Den Socialøkonomiske
//! Investeringsmodel) and the sensitivity and uncertainty analyses around it.
//!
//! Data flows one way: the knowledge base ([`kb`]) and a scenario file ([`scenario`]) are loaded
//! and validated once; the base calculator ([`model`]) turns a checked intervention into results;
//! the analysis drivers ([`analysis`]) call the model many times; presentation ([`present`])
//! turns finished results into words and tables for the front ends — the terminal ([`cli`]) and
//! the decision report ([`report`]). Long runs report progress to, and can be stopped by, an
//! [`Observer`] the caller passes in; errors are typed ([`Error`]).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use soem::present::{format::Lang, view, words};
//!
//! let kb = soem::kb::KnowledgeBase::shipped()?;
//! let sc = soem::scenario::load("scenarios/cti.toml".as_ref(), &kb)?;
//! let r = soem::model::calculate(&sc, &sc.interventions[0]); // pure; serde-serialisable
//! let pv = r.pv.get(soem::model::TOTAL).copied().unwrap_or_default();
//! assert!(pv < 0.0); // CTI does not pay back within its five years
//! // the same table the terminal and the report show
//! let table = view::calc::present_value(&r, Lang::Da);
//! assert_eq!(table.rows[0][0], soem::present::table::Cell::Text(words::actor("total", Lang::Da)));
//! println!("{}", table.to_text(Lang::Da));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
pub mod cli;
pub mod dist;
pub mod error;
pub mod export;
pub mod kb;
pub mod limits;
pub mod model;
pub mod observer;
pub mod present;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod text;

#[cfg(test)]
mod testing;

pub use error::{Error, Result};
pub use observer::{Observer, Quiet};

/// The engine version, stamped on results.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

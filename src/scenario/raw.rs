//! The scenario file as written (SPEC §5): serde structs that mirror the TOML, with source spans
//! so validation can name the line. Unknown fields are errors (`deny_unknown_fields`); the loader
//! turns serde's message into one that suggests the nearest known name.
//!
//! Field names are the file format itself; each is documented in the README ("Scenario files").
#![allow(missing_docs)]

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// An actor-keyed table such as `costs = { kommune = [1000], stat = [0] }`; may also hold `note`,
/// `source` and (for costs and prices) `price_year`.
pub type ActorMap = BTreeMap<String, Spanned<toml::Value>>;

/// A table with free keys, e.g. a distribution `{ dist = "uniform", min = 0.8, max = 1.2 }`.
pub type FreeTable = BTreeMap<String, Spanned<toml::Value>>;

/// The keys of [`RawFile`]: the file's sections and top-level fields, in the order the error
/// messages list them (a test checks them against the struct).
pub const TOP_LEVEL: [&str; 9] = [
    "title",
    "case",
    "settings",
    "intervention",
    "monte_carlo",
    "correlation",
    "grid",
    "note",
    "source",
];

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// A title for reports (default: the file name).
    pub title: Option<String>,
    /// `[case]`: a published calculation this file rebuilds (erfaringsdatabasen).
    pub case: Option<Spanned<RawCase>>,
    /// `[settings]`.
    pub settings: Option<Spanned<RawSettings>>,
    /// `[[intervention]]`.
    #[serde(default)]
    pub intervention: Vec<Spanned<RawIntervention>>,
    /// `[monte_carlo]`.
    pub monte_carlo: Option<Spanned<RawMonteCarlo>>,
    /// `[[correlation]]`: rank correlations between uncertain inputs.
    #[serde(default)]
    pub correlation: Vec<Spanned<RawCorrelation>>,
    /// `[[grid]]`: scenario grids a report includes.
    #[serde(default)]
    pub grid: Vec<Spanned<RawGrid>>,
    /// Logbook note.
    pub note: Option<String>,
    /// Logbook source.
    pub source: Option<String>,
}

/// `[case]`: the published figures of an erfaringsdatabase calculation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    pub published: String,
    pub url: Option<String>,
    pub published_net: Option<Spanned<f64>>,
    pub published_years: Option<Spanned<i64>>,
    pub published_per_participant: Option<Spanned<f64>>,
    pub published_cost_per_participant: Option<Spanned<f64>>,
    pub from_publication: Option<String>,
    pub illustrative: Option<String>,
    pub differences: Option<String>,
}

/// `overlaps = { with = "id", share = 0.4 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverlap {
    pub with: Spanned<String>,
    pub share: Spanned<f64>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[settings]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub price_year: Option<Spanned<i64>>,
    pub discount_rate: Option<Spanned<toml::Value>>,
    pub actors: Option<Spanned<Vec<Spanned<String>>>>,
    pub tax_on_transfers: Option<Spanned<ActorMap>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[[intervention]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntervention {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub target_group: Option<Spanned<String>>,
    pub success_goal: Option<Spanned<String>>,
    pub use_knowledge: Option<Spanned<bool>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub start_year: Spanned<i64>,
    pub years: Spanned<i64>,
    pub course_years: Option<Spanned<f64>>,
    pub participants: Spanned<Vec<Spanned<f64>>>,
    pub success_rate: Spanned<toml::Value>,
    /// The share of the group who reach the goal without the intervention (for effect sizes).
    pub baseline_rate: Option<Spanned<f64>>,
    pub result_period: Option<Spanned<Vec<i64>>>,
    pub costs: Option<Spanned<ActorMap>>,
    pub saved_costs: Option<Spanned<ActorMap>>,
    /// Draw this intervention's uncertain inputs independently of the other interventions'.
    pub independent: Option<bool>,
    /// A share of the participants who also take another intervention of the file.
    pub overlaps: Option<Spanned<RawOverlap>>,
    pub note: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub consequence: Vec<Spanned<RawConsequence>>,
    /// Consequences for the participants' relations (familieberegninger).
    #[serde(default)]
    pub relation: Vec<Spanned<RawRelation>>,
    pub uncertainty: Option<Spanned<RawUncertainty>>,
}

/// `[[intervention.relation]]`: consequences for a participant's relations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    /// Who: a slug such as `boern` or `partner`.
    pub who: Spanned<String>,
    /// Display name (default from `who`).
    pub name: Option<String>,
    /// Persons of this relation per successful participant.
    pub persons: Option<Spanned<f64>>,
    pub use_knowledge: Option<Spanned<bool>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub consequence: Vec<Spanned<RawConsequence>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[[intervention.consequence]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsequence {
    pub item: Spanned<String>,
    pub name: Option<String>,
    pub area: Option<Spanned<String>>,
    pub unit: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub values: Option<Spanned<Vec<Spanned<f64>>>>,
    pub fade: Option<bool>,
    pub during: Option<Spanned<Vec<Spanned<f64>>>>,
    pub prices: Option<Spanned<ActorMap>>,
    pub price_year: Option<Spanned<i64>>,
    /// Draw this item's consequence factor independently of the same item in other interventions.
    pub independent: Option<bool>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[intervention.uncertainty]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertainty {
    pub success_rate: Option<Spanned<FreeTable>>,
    pub consequences: Option<Spanned<FreeTable>>,
    pub prices: Option<Spanned<FreeTable>>,
    pub costs: Option<Spanned<FreeTable>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[monte_carlo]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonteCarlo {
    pub draws: Option<Spanned<toml::Value>>,
    pub precision: Option<Spanned<toml::Value>>,
    pub max_draws: Option<Spanned<i64>>,
    pub seed: Option<Spanned<i64>>,
    pub interval: Option<Spanned<f64>>,
    pub sampling: Option<Spanned<String>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `[[correlation]]`: one pair (`inputs` = two names, `rank`), or a whole matrix (`matrix`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCorrelation {
    pub inputs: Option<Spanned<Vec<Spanned<String>>>>,
    pub rank: Option<Spanned<toml::Value>>,
    pub matrix: Option<Spanned<RawMatrix>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

/// `matrix = { inputs = [...], rank = [[...], ...] }` of a `[[correlation]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatrix {
    pub inputs: Spanned<Vec<Spanned<String>>>,
    pub rank: Spanned<Vec<Spanned<Vec<Spanned<toml::Value>>>>>,
}

/// `[[grid]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGrid {
    pub name: Option<String>,
    pub vary: Spanned<Vec<Spanned<String>>>,
    pub note: Option<String>,
    pub source: Option<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_top_level_list_is_the_file_struct() {
        // serde names the allowed fields of RawFile in its "unknown field" message
        let e = toml::from_str::<super::RawFile>("zzz = 1").expect_err("unknown");
        let msg = e.message();
        for k in super::TOP_LEVEL {
            assert!(msg.contains(&format!("`{k}`")), "{k} in {msg}");
        }
        assert_eq!(
            msg.matches('`').count(),
            2 * (super::TOP_LEVEL.len() + 1),
            "{msg}"
        );
    }
}

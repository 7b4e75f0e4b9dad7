//! The knowledge base (vidensdatabase): target groups, success goals, consequence items,
//! consequences per successful participant, prices per actor, the net price index, parameters and
//! effect studies — CSV tables under `knowledge/` (SPEC §2), loaded with polars and validated.

mod read;
mod table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

pub use table::{Table, is_slug, parse_number};

/// The three actors the knowledge base prices are split on (kommune, region, stat).
pub const KB_ACTORS: [&str; 3] = ["kommune", "region", "stat"];

/// The last consequence year the model knows (year 20, SPEC §3.3).
pub const LAST_YEAR: usize = 20;

/// An error in a knowledge-base table: always names the file, and the line and column when a cell
/// is at fault.
#[derive(Debug, Error)]
pub enum KbError {
    /// The file could not be read.
    #[error("{path}: cannot read the knowledge-base table: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a CSV table we can read.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A required column is missing.
    #[error("{path}: missing column `{column}` (found: {found})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// The columns that are there.
        found: String,
    },
    /// A cell does not hold what its column needs.
    #[error("{path}: line {line}, column `{column}`: got \"{value}\", expected {expected}")]
    Cell {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: usize,
        /// The column.
        column: String,
        /// The cell's text.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A cell refers to an id that does not exist.
    #[error(
        "{path}: line {line}, column `{column}`: unknown {what} \"{value}\"{}",
        hint(suggestion)
    )]
    Unknown {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The column.
        column: String,
        /// The unknown id.
        value: String,
        /// What kind of id (target group, item, …).
        what: String,
        /// The nearest known id.
        suggestion: Option<String>,
    },
    /// Two rows with the same key.
    #[error("{path}: line {line}: duplicate row for {key} (first given on line {first_line})")]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// 1-based line of the repeat.
        line: usize,
        /// The repeated key.
        key: String,
        /// 1-based line of the first occurrence.
        first_line: usize,
    },
    /// A table-level rule is broken (e.g. a consequence without a price).
    #[error("{path}: {message}")]
    Rule {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
}

fn hint(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(" — did you mean \"{s}\"?"))
        .unwrap_or_default()
}

/// How a consequence item enters the public budget (SPEC §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A service the public pays for (udgift): fewer units is a gain.
    Expenditure,
    /// Public income, e.g. tax on earnings (indtægt): more units is a gain.
    Revenue,
    /// A cash benefit (overførsel): fewer units is a gain, minus the tax on the benefit.
    Transfer,
}

impl Kind {
    /// Parses `expenditure`, `revenue` or `transfer`.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "expenditure" => Some(Kind::Expenditure),
            "revenue" => Some(Kind::Revenue),
            "transfer" => Some(Kind::Transfer),
            _ => None,
        }
    }
    /// The allowed spellings.
    pub const NAMES: [&'static str; 3] = ["expenditure", "revenue", "transfer"];
}

/// Whether a consequence value was estimated or projected (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Estimated from register data (estimat).
    Estimate,
    /// Projected, e.g. by the fade to year 20 (forecast/fremskrivning).
    Forecast,
}

/// A target group (målgruppe).
#[derive(Debug, Clone, Serialize)]
pub struct TargetGroup {
    /// Slug id, e.g. `hjemloese`.
    pub id: String,
    /// Danish name.
    pub name: String,
    /// Theme (tema), e.g. "Udsatte voksne".
    pub theme: String,
    /// Age band, e.g. "18-65" or "6-13".
    pub age_band: String,
    /// Register definition.
    pub definition: String,
    /// Where the row comes from.
    pub source: String,
    /// Further numeric columns (share_couples, mean_age, persons, …), blank cells left out.
    pub characteristics: Vec<(String, f64)>,
}

/// A SØM success goal (SØM-succesmål) of a target group.
#[derive(Debug, Clone, Serialize)]
pub struct SuccessGoal {
    /// The target group's id.
    pub target_group: String,
    /// Slug id, unique within the group.
    pub id: String,
    /// Short name.
    pub name: String,
    /// Register definition (measured in the calendar year after).
    pub definition: String,
    /// Where the row comes from.
    pub source: String,
}

/// A consequence item (ydelse/aktivitet).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Slug id, e.g. `kontanthjaelp`.
    pub id: String,
    /// Danish name.
    pub name: String,
    /// Area (hoveddimension), e.g. "indkomstoverførsler".
    pub area: String,
    /// Unit of the consequence values, e.g. "uger".
    pub unit: String,
    /// Expenditure, revenue or transfer.
    pub kind: Kind,
}

/// One year's change per successful participant.
#[derive(Debug, Clone, Serialize)]
pub struct ConsequenceValue {
    /// Consequence year 1..20 after the course.
    pub year: u32,
    /// Change in units per successful participant (negative = less use).
    pub value: f64,
    /// Estimate or forecast.
    pub status: Status,
    /// Where the number comes from (`illustrative` when made up for this knowledge base).
    pub source: String,
}

/// The consequences of one item for one (target group, success goal).
#[derive(Debug, Clone, Serialize)]
pub struct Consequence {
    /// The item id.
    pub item: String,
    /// Years 1..K in order, with no gaps.
    pub values: Vec<ConsequenceValue>,
}

/// The price of one unit of an item for the three knowledge-base actors.
#[derive(Debug, Clone, Serialize)]
pub struct Price {
    /// The target group the row is for; `None` for the `*` row that applies to all groups.
    pub target_group: Option<String>,
    /// The item id.
    pub item: String,
    /// Kroner per unit for kommune, region, stat (in `price_year` prices).
    pub amounts: [f64; 3],
    /// The price level of `amounts`.
    pub price_year: i32,
    /// Where the row comes from.
    pub source: String,
}

/// An effect study (litteraturoversigt).
#[derive(Debug, Clone, Serialize)]
pub struct EffectStudy {
    /// Target group id.
    pub target_group: String,
    /// The intervention studied.
    pub intervention: String,
    /// The outcome measured (effektmål).
    pub outcome: String,
    /// Study design.
    pub design: String,
    /// Quality: Lav, Mellem or Høj.
    pub quality: String,
    /// Standardised effect size (Cohen's d).
    pub effect_size: f64,
    /// Number of observations.
    pub n: f64,
    /// Country.
    pub country: String,
    /// Where the row comes from.
    pub source: String,
}

/// The net price index (nettoprisindeks), 2018 = 1.00, with the SPEC §3.1 extension rule.
#[derive(Debug, Clone, Serialize)]
pub struct PriceIndex {
    /// First year in the table.
    pub first_year: i32,
    /// Index values for consecutive years from `first_year`.
    pub values: Vec<f64>,
    /// The `source` of each year's row (empty when the table has no such column).
    #[serde(skip)]
    pub sources: Vec<String>,
}

impl PriceIndex {
    /// Last year in the table.
    pub fn last_year(&self) -> i32 {
        self.first_year + self.values.len() as i32 - 1
    }

    /// The index of `year`, extended multiplicatively with the last (or first) known annual
    /// change outside the table. The flag says whether the year was outside the table.
    pub fn get(&self, year: i32) -> (f64, bool) {
        let n = self.values.len();
        if year < self.first_year {
            let k = (self.first_year - year) as f64;
            let g = if n > 1 {
                self.values[1] / self.values[0]
            } else {
                1.0
            };
            (self.values[0] / g.powf(k), true)
        } else if year > self.last_year() {
            let k = (year - self.last_year()) as f64;
            let g = if n > 1 {
                self.values[n - 1] / self.values[n - 2]
            } else {
                1.0
            };
            (self.values[n - 1] * g.powf(k), true)
        } else {
            (self.values[(year - self.first_year) as usize], false)
        }
    }

    /// The factor converting an amount in `from` prices to `to` prices: index(to) / index(from).
    pub fn factor(&self, from: i32, to: i32) -> (f64, bool) {
        let (a, ea) = self.get(to);
        let (b, eb) = self.get(from);
        (a / b, ea || eb)
    }
}

/// Model constants from `parameters.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    /// Discount rate (diskonteringsrente), e.g. 0.04.
    pub discount_rate: f64,
    /// Tax rate on transfers for kommune, region, stat.
    pub tax_transfers: [f64; 3],
    /// Source of each parameter by name.
    pub sources: BTreeMap<String, String>,
}

/// The whole knowledge base, validated.
#[derive(Debug, Clone, Serialize)]
pub struct KnowledgeBase {
    /// The directory it was loaded from.
    pub dir: PathBuf,
    /// Target groups in file order.
    pub target_groups: Vec<TargetGroup>,
    /// Success goals in file order (the first per group is its default).
    pub success_goals: Vec<SuccessGoal>,
    /// Items in file order.
    pub items: Vec<Item>,
    /// Consequences per (target group, success goal), items in file order.
    pub consequences: BTreeMap<(String, String), Vec<Consequence>>,
    /// Consequences per person of a participant's relation, per (group, goal, relation):
    /// `consequences.csv` rows with a `relation` (familieberegninger).
    pub relations: BTreeMap<(String, String, String), Vec<Consequence>>,
    /// Price rows.
    pub prices: Vec<Price>,
    /// Net price index.
    pub price_index: PriceIndex,
    /// Parameters.
    pub parameters: Parameters,
    /// Effect studies.
    pub effect_studies: Vec<EffectStudy>,
    /// Where each of the eight tables came from, in [`FILES`] order of reading.
    pub tables: Vec<TableSource>,
    /// FNV-1a hash of the table files' bytes (hex), for provenance.
    pub hash: String,
}

/// The table files, in the order they are hashed.
pub const FILES: [&str; 8] = [
    "target_groups.csv",
    "success_goals.csv",
    "items.csv",
    "consequences.csv",
    "prices.csv",
    "price_index.csv",
    "parameters.csv",
    "effect_studies.csv",
];

/// 64-bit FNV-1a over bytes, continuing from `h`.
pub fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The FNV-1a offset basis.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// True when a source text marks a number as illustrative (not from the reference material).
pub fn is_illustrative(source: &str) -> bool {
    source.to_lowercase().contains("illustrative")
}

/// The shipped knowledge base, compiled into the program (the files under `knowledge/`), in
/// [`FILES`] order: a folder given with `--knowledge` may hold only the tables a user changed, and
/// the rest come from here.
const SHIPPED: [&[u8]; 8] = [
    include_bytes!("../../knowledge/target_groups.csv"),
    include_bytes!("../../knowledge/success_goals.csv"),
    include_bytes!("../../knowledge/items.csv"),
    include_bytes!("../../knowledge/consequences.csv"),
    include_bytes!("../../knowledge/prices.csv"),
    include_bytes!("../../knowledge/price_index.csv"),
    include_bytes!("../../knowledge/parameters.csv"),
    include_bytes!("../../knowledge/effect_studies.csv"),
];

/// How the shipped tables are named in messages and reports.
pub const SHIPPED_DIR: &str = "<shipped knowledge base>";

/// Where one of the eight tables was read from.
#[derive(Debug, Clone, Serialize)]
pub struct TableSource {
    /// The table's file name, e.g. `prices.csv`.
    pub file: String,
    /// The file read (`<shipped knowledge base>/prices.csv` for a shipped table).
    pub path: PathBuf,
    /// True when the table is the shipped one (the user's folder does not have it).
    pub shipped: bool,
    /// What was detected about the file (encoding, separator, line ends).
    pub format: String,
    /// Number of data rows.
    pub rows: usize,
}

/// The bytes of one table and where they came from.
struct Source {
    path: PathBuf,
    bytes: Vec<u8>,
    shipped: bool,
}

impl KnowledgeBase {
    /// The shipped knowledge base (compiled into the program).
    pub fn shipped() -> Result<KnowledgeBase, KbError> {
        Self::from_tables(Path::new(SHIPPED_DIR), &[])
    }

    /// Loads and validates the tables in `dir`. A table the folder does not have comes from the
    /// shipped knowledge base (so a folder may hold only the tables a user changed); every
    /// table's origin is kept in [`KnowledgeBase::tables`]. A folder with none of the tables, or
    /// with a CSV file that is not one of them, is an error (a misspelt `price.csv` would
    /// otherwise be silently ignored). Files are read within the default limits.
    pub fn load(dir: &Path) -> Result<KnowledgeBase, KbError> {
        Self::load_with(dir, &crate::limits::Limits::default())
    }

    /// [`KnowledgeBase::load`] within `limits` (the size of one file).
    pub fn load_with(dir: &Path, limits: &crate::limits::Limits) -> Result<KnowledgeBase, KbError> {
        if !dir.is_dir() {
            return Err(KbError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not a directory with the knowledge-base CSV tables (see `--knowledge`)",
                ),
            });
        }
        let entries = std::fs::read_dir(dir).map_err(|source| KbError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in &names {
            let lower = name.to_lowercase();
            let table_like = [".csv", ".xlsx", ".xls", ".ods"]
                .iter()
                .any(|ext| lower.ends_with(ext));
            if !table_like || FILES.contains(&name.as_str()) || name.starts_with('.') {
                continue;
            }
            let message = if lower.ends_with(".csv") {
                format!(
                    "not a knowledge-base table{}; the tables are {}",
                    crate::text::did_you_mean(&lower, FILES),
                    FILES.join(", ")
                )
            } else {
                format!(
                    "knowledge-base tables must be CSV files: in Excel use Save as → \
                     CSV (semicolon or comma), named one of {}",
                    FILES.join(", ")
                )
            };
            return Err(KbError::Format {
                path: dir.join(name),
                message,
            });
        }
        let mut own = Vec::new();
        for f in FILES {
            let path = dir.join(f);
            if path.exists() {
                let bytes = limits.read_file(&path).map_err(|source| KbError::Io {
                    path: path.clone(),
                    source,
                })?;
                own.push((f, bytes));
            }
        }
        if own.is_empty() {
            return Err(KbError::Format {
                path: dir.to_path_buf(),
                message: format!(
                    "no knowledge-base tables here; expected one or more of {} (a folder may \
                     hold only the tables you changed: the rest come from the shipped knowledge \
                     base)",
                    FILES.join(", ")
                ),
            });
        }
        Self::from_tables(dir, &own)
    }

    /// Builds the knowledge base from the given tables (file name and bytes, e.g. read from the
    /// user's folder `dir`), the shipped tables filling in the rest.
    pub fn from_tables(dir: &Path, own: &[(&str, Vec<u8>)]) -> Result<KnowledgeBase, KbError> {
        let inputs: Vec<Source> = FILES
            .iter()
            .zip(SHIPPED)
            .map(
                |(f, shipped)| match own.iter().find(|(name, _)| name == f) {
                    Some((_, bytes)) => Source {
                        path: dir.join(f),
                        bytes: bytes.clone(),
                        shipped: false,
                    },
                    None => Source {
                        path: Path::new(SHIPPED_DIR).join(f),
                        bytes: shipped.to_vec(),
                        shipped: true,
                    },
                },
            )
            .collect();
        let mut hash = FNV_START;
        for (f, s) in FILES.iter().zip(&inputs) {
            hash = fnv1a(hash, f.as_bytes());
            hash = fnv1a(hash, &s.bytes);
        }
        let mut tables = Vec::new();
        let mut read = |file: &str, required: &[&str]| -> Result<Table, KbError> {
            let i = FILES.iter().position(|f| *f == file).unwrap_or(0);
            let s = &inputs[i];
            let t = Table::from_bytes(s.path.clone(), s.bytes.clone(), required)?;
            tables.push(TableSource {
                file: file.to_string(),
                path: s.path.clone(),
                shipped: s.shipped,
                format: t.format.clone(),
                rows: t.rows(),
            });
            Ok(t)
        };

        let t = read(
            "target_groups.csv",
            &["id", "name", "theme", "age_band", "definition", "source"],
        )?;
        let target_groups = read::target_groups(&t)?;
        let group_ids: Vec<&str> = target_groups.iter().map(|g| g.id.as_str()).collect();
        let t = read(
            "success_goals.csv",
            &["target_group", "id", "name", "definition", "source"],
        )?;
        let success_goals = read::success_goals(&t, &group_ids)?;
        let t = read("items.csv", &["id", "name", "area", "unit", "kind"])?;
        let items = read::items(&t)?;
        let item_ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        let t = read(
            "consequences.csv",
            &[
                "target_group",
                "success_goal",
                "item",
                "year",
                "value",
                "status",
                "source",
            ],
        )?;
        let (consequences, relations) =
            read::consequences(&t, &group_ids, &success_goals, &item_ids)?;
        let t = read(
            "prices.csv",
            &[
                "target_group",
                "item",
                "kommune",
                "region",
                "stat",
                "price_year",
                "source",
            ],
        )?;
        let prices = read::prices(&t, &group_ids, &item_ids)?;
        let t = read("price_index.csv", &["year", "index"])?;
        let price_index = read::price_index(&t)?;
        let t = read("parameters.csv", &["name", "value", "source"])?;
        let parameters = read::parameters(&t)?;
        let t = read(
            "effect_studies.csv",
            &[
                "target_group",
                "intervention",
                "outcome",
                "design",
                "quality",
                "effect_size",
                "n",
                "country",
                "source",
            ],
        )?;
        let effect_studies = read::effect_studies(&t, &group_ids)?;

        let prices_path = inputs[4].path.clone();
        let kb = KnowledgeBase {
            dir: dir.to_path_buf(),
            tables,
            target_groups,
            success_goals,
            items,
            consequences,
            relations,
            prices,
            price_index,
            parameters,
            effect_studies,
            hash: format!("{hash:016x}"),
        };
        kb.check_prices(&prices_path)?;
        Ok(kb)
    }

    /// Every consequence must have a price row (for its group or `*`).
    fn check_prices(&self, prices: &Path) -> Result<(), KbError> {
        let rows = self
            .consequences
            .iter()
            .map(|((g, goal), list)| (g, goal.clone(), list))
            .chain(
                self.relations
                    .iter()
                    .map(|((g, goal, who), list)| (g, format!("{goal} ({who})"), list)),
            );
        for (g, goal, list) in rows {
            for c in list {
                if self.price(g, &c.item).is_none() {
                    return Err(KbError::Rule {
                        path: prices.to_path_buf(),
                        message: format!(
                            "missing price for item \"{}\" used by {g}/{goal} in consequences.csv: \
                             add a row with target_group \"{g}\" or \"*\"",
                            c.item
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// A target group by id.
    pub fn group(&self, id: &str) -> Option<&TargetGroup> {
        self.target_groups.iter().find(|g| g.id == id)
    }

    /// The success goals of a group, the default first.
    pub fn goals_of(&self, group: &str) -> Vec<&SuccessGoal> {
        self.success_goals
            .iter()
            .filter(|s| s.target_group == group)
            .collect()
    }

    /// An item by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The consequences for (group, goal); empty if none.
    pub fn consequences_of(&self, group: &str, goal: &str) -> &[Consequence] {
        self.consequences
            .get(&(group.to_string(), goal.to_string()))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The consequences per person of `relation` (e.g. `boern`) of a successful participant.
    pub fn relation_consequences(&self, group: &str, goal: &str, relation: &str) -> &[Consequence] {
        self.relations
            .get(&(group.to_string(), goal.to_string(), relation.to_string()))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// The price row for an item in a group: the group's own row wins over the `*` row.
    pub fn price(&self, group: &str, item: &str) -> Option<&Price> {
        self.prices
            .iter()
            .find(|p| p.item == item && p.target_group.as_deref() == Some(group))
            .or_else(|| {
                self.prices
                    .iter()
                    .find(|p| p.item == item && p.target_group.is_none())
            })
    }

    /// Target-group ids, for suggestions.
    pub fn group_ids(&self) -> Vec<&str> {
        self.target_groups.iter().map(|g| g.id.as_str()).collect()
    }

    /// Item ids, for suggestions.
    pub fn item_ids(&self) -> Vec<&str> {
        self.items.iter().map(|i| i.id.as_str()).collect()
    }
}

fn non_empty(t: &Table) -> Result<(), KbError> {
    if t.rows() == 0 {
        Err(KbError::Rule {
            path: t.path.clone(),
            message: "the table has a header but no rows".into(),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PriceIndex {
        PriceIndex {
            sources: Vec::new(),
            first_year: 2020,
            values: vec![1.00, 1.02, 1.05],
        }
    }

    #[test]
    fn price_index_inside_table() {
        assert_eq!(index().get(2021), (1.02, false));
        let (f, ext) = index().factor(2020, 2022);
        assert!((f - 1.05).abs() < 1e-12 && !ext);
    }

    #[test]
    fn price_index_extends_after_last_year_with_last_change() {
        // index(2024) = 1.05 × (1.05 / 1.02)^2
        let (v, ext) = index().get(2024);
        assert!((v - 1.05 * (1.05f64 / 1.02).powi(2)).abs() < 1e-12);
        assert!(ext);
    }

    #[test]
    fn price_index_extends_before_first_year_with_first_change() {
        // index(2018) = 1.00 / (1.02 / 1.00)^2
        let (v, ext) = index().get(2018);
        assert!((v - 1.0 / 1.02f64.powi(2)).abs() < 1e-12);
        assert!(ext);
    }

    /// A temporary folder holding the given tables.
    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(d.path().join(name), text).expect("write");
        }
        d
    }

    fn shipped_text(file: &str) -> String {
        let i = FILES.iter().position(|f| *f == file).expect("a table");
        String::from_utf8(SHIPPED[i].to_vec()).expect("UTF-8")
    }

    #[test]
    fn embedded_tables_equal_the_knowledge_folder() {
        let disk = KnowledgeBase::load(Path::new("knowledge")).expect("folder");
        let embedded = KnowledgeBase::shipped().expect("embedded");
        assert_eq!(disk.hash, embedded.hash);
        assert!(disk.tables.iter().all(|t| !t.shipped));
        assert!(embedded.tables.iter().all(|t| t.shipped));
        assert_eq!(embedded.tables.len(), 8);
    }

    #[test]
    fn a_folder_with_only_changed_prices_takes_the_rest_from_the_shipped_base() {
        // the user's prices.csv: the shipped one with kontanthjælp for kommune raised to 3.000,50
        // saved from a Danish Excel (semicolons, decimal commas)
        let mut text = String::new();
        for line in shipped_text("prices.csv").lines() {
            let mut cells: Vec<String> = split_csv(line);
            if cells[1] == "kontanthjaelp" && cells[0] == "*" {
                cells[2] = "3.000,50".into();
            }
            let cells: Vec<String> = cells
                .iter()
                .map(|c| {
                    if c.contains(';') || c.contains(',') {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect();
            text += &cells.join(";");
            text += "\r\n";
        }
        let d = folder(&[("prices.csv", &text)]);
        let kb = KnowledgeBase::load(d.path()).expect("overlay loads");
        let p = kb.price("hjemloese", "kontanthjaelp").expect("price");
        assert_eq!(p.amounts, [3000.5, 0.0, 550.0]);
        let prices = kb
            .tables
            .iter()
            .find(|t| t.file == "prices.csv")
            .expect("t");
        assert!(!prices.shipped);
        assert_eq!(prices.path, d.path().join("prices.csv"));
        assert_eq!(prices.format, "UTF-8, semicolon, decimal comma, CRLF");
        for t in kb.tables.iter().filter(|t| t.file != "prices.csv") {
            assert!(t.shipped, "{} should be shipped", t.file);
            assert_eq!(t.path, Path::new(SHIPPED_DIR).join(&t.file));
        }
        // the rest is the shipped base
        let shipped = KnowledgeBase::shipped().expect("shipped");
        assert_eq!(kb.items.len(), shipped.items.len());
        assert_eq!(
            kb.consequences_of("hjemloese", "ikke-110").len(),
            shipped.consequences_of("hjemloese", "ikke-110").len()
        );
        assert_ne!(kb.hash, shipped.hash);
    }

    /// Splits one line of the shipped (comma, quoted) CSV.
    fn split_csv(line: &str) -> Vec<String> {
        let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        out.push(cur);
        out
    }

    #[test]
    fn overlay_errors_name_the_shipped_table_that_no_longer_fits() {
        // an items.csv without kontanthjaelp: the shipped consequences refer to it
        let items: String = shipped_text("items.csv")
            .lines()
            .filter(|l| !l.starts_with("kontanthjaelp,"))
            .map(|l| format!("{l}\n"))
            .collect();
        let d = folder(&[("items.csv", &items)]);
        let e = KnowledgeBase::load(d.path())
            .expect_err("must fail")
            .to_string();
        assert!(
            e.starts_with("<shipped knowledge base>/consequences.csv: line "),
            "{e}"
        );
        assert!(e.contains("unknown item \"kontanthjaelp\""), "{e}");
    }

    #[test]
    fn folders_without_tables_or_with_misnamed_ones_are_refused() {
        let d = folder(&[]);
        let e = KnowledgeBase::load(d.path())
            .expect_err("empty")
            .to_string();
        assert!(e.contains("no knowledge-base tables here"), "{e}");
        let d = folder(&[("price.csv", "x\n")]);
        let e = KnowledgeBase::load(d.path()).expect_err("typo").to_string();
        assert!(e.contains("price.csv: not a knowledge-base table"), "{e}");
        assert!(e.contains("did you mean \"prices.csv\""), "{e}");
        let d = folder(&[("prices.xlsx", "PK")]);
        let e = KnowledgeBase::load(d.path()).expect_err("xlsx").to_string();
        assert!(e.contains("must be CSV files"), "{e}");
        // other files are fine
        let d = folder(&[
            ("README.md", "notes"),
            ("parameters.csv", &shipped_text("parameters.csv")),
        ]);
        assert!(KnowledgeBase::load(d.path()).is_ok());
    }

    #[test]
    fn shipped_knowledge_base_loads() {
        let kb = KnowledgeBase::load(Path::new("knowledge")).expect("shipped KB loads");
        assert_eq!(kb.price_index.get(2018).0, 1.0);
        assert_eq!(kb.price_index.get(2023).0, 1.11);
        assert_eq!(kb.parameters.discount_rate, 0.04);
        assert_eq!(kb.parameters.tax_transfers, [0.264, 0.0, 0.121]);
        let p = kb.price("hjemloese", "kontanthjaelp").expect("price");
        assert_eq!(p.amounts, [2211.0, 0.0, 550.0]);
        let c = kb.consequences_of("hjemloese", "ikke-110");
        let cash = c.iter().find(|c| c.item == "kontanthjaelp").expect("cash");
        let v: Vec<f64> = cash.values.iter().map(|v| v.value).collect();
        assert_eq!(v, vec![-2.9, -2.3, -1.7, -1.0, -0.6, -0.3]);
        assert!(kb.effect_studies.len() >= 20);
        // the group's own price row wins over the `*` row
        assert_eq!(
            kb.price("hjemloese", "alkoholbehandling")
                .map(|p| p.amounts[0]),
            Some(116.0)
        );
        assert_eq!(
            kb.price("stofmisbrug", "alkoholbehandling")
                .map(|p| p.amounts[0]),
            Some(120.0)
        );
    }

    /// Issue 16's corrections, one assertion per fact, each against its seed.
    mod fidelity {
        use super::*;

        fn kb() -> KnowledgeBase {
            KnowledgeBase::load(Path::new("knowledge")).expect("shipped KB loads")
        }

        fn children(kb: &KnowledgeBase, group: &str) -> bool {
            kb.group(group)
                .is_some_and(|g| g.theme == "Udsatte børn og unge")
        }

        #[test]
        fn seed_002_prices_are_2018_prices() {
            // seed 002 l. 1248–1251 (transfers) and l. 1520–1523 (homeless): a calculation in
            // "kr. 2018-priser", index basis 2018.
            let kb = kb();
            for (group, item, kommune) in [
                ("*", "kontanthjaelp", 2211.0),
                ("*", "foertidspension", 2853.0),
                ("*", "uddannelseshjaelp", 1325.0),
                ("*", "oevrige-overfoersler", 2781.0),
                ("hjemloese", "vejledning-opkvalificering", 885.0),
                ("hjemloese", "skat-beskaeftigelse", 107.0),
                ("hjemloese", "alkoholbehandling", 116.0),
                ("hjemloese", "beskyttet-beskaeftigelse", 375.0),
            ] {
                let p = kb
                    .prices
                    .iter()
                    .find(|p| p.item == item && p.target_group.as_deref().unwrap_or("*") == group)
                    .expect(item);
                assert_eq!(p.amounts[0], kommune, "{item}");
                assert_eq!(p.price_year, 2018, "{item}");
                assert!(
                    p.source.contains("seed 002") && p.source.contains("l. "),
                    "{item}"
                );
                assert!(!is_illustrative(&p.source), "{item}");
            }
            // in 2024 prices kontanthjælp is 2211 × index(2024)/index(2018) = 2211 × 1.11 × 1.11/1.08
            let (f, extended) = kb.price_index.factor(2018, 2024);
            assert!(extended);
            assert!((2211.0 * f - 2211.0 * 1.11 * (1.11 / 1.08)).abs() < 1e-9);
        }

        #[test]
        fn success_goals_the_seeds_do_not_give_are_illustrative() {
            let kb = kb();
            for group in [
                "boern-plejefamilie-0-5",
                "boern-specialundervisning-14-17",
                "boern-hjemmebaseret-52",
            ] {
                let goals = kb.goals_of(group);
                assert!(!goals.is_empty(), "{group}");
                assert!(goals.iter().all(|g| is_illustrative(&g.source)), "{group}");
            }
            // the seed-000 goals stay sourced
            assert!(!is_illustrative(&kb.goals_of("hjemloese")[0].source));
        }

        #[test]
        fn eftervaern_has_its_two_sub_groups_and_no_children_items() {
            let kb = kb();
            let g = kb.group("eftervaern").expect("group");
            assert_eq!(g.age_band, "18-22");
            for sub in ["eftervaern-i-uddannelse", "eftervaern-ikke-i-uddannelse"] {
                let s = kb.group(sub).expect(sub);
                assert_eq!(s.age_band, "18-22");
                assert!(s.source.contains("seed 004"), "{sub}");
                let goal = &kb.goals_of(sub)[0];
                assert_eq!(goal.id, "uddannelse-beskaeftigelse");
                assert!(!kb.consequences_of(sub, &goal.id).is_empty());
            }
            // seed 002 l. 676–690: efterværn items ("Konsekvenser kun for børne- og
            // ungdomsgrupperne") belong to the children's groups only
            for ((group, _), cons) in &kb.consequences {
                for c in cons {
                    let area = &kb.item(&c.item).expect("item").area;
                    if [
                        "efterværn",
                        "sociale foranstaltninger",
                        "grundskole",
                        "ungdomsuddannelse",
                    ]
                    .contains(&area.as_str())
                    {
                        assert!(children(&kb, group), "{group} has {}", c.item);
                    }
                }
            }
        }

        #[test]
        fn adult_only_items_stay_with_adults() {
            // seed 002 l. 638–646 and 656–660: "kun estimeret for voksenmålgrupperne"
            let kb = kb();
            let adult_only = [
                "botilbud-midlertidigt",
                "botilbud-laengerevarende",
                "socpaed-eget-hjem",
                "socpaed-botilbudslignende",
                "personlig-praktisk-hjaelp",
                "handicaphjaelperordning",
                "ledsagerordning",
                "beskyttet-beskaeftigelse",
                "ungdoms-videregaaende-uddannelse",
                "vejledning-opkvalificering",
            ];
            for ((group, _), cons) in &kb.consequences {
                for c in cons {
                    if adult_only.contains(&c.item.as_str()) {
                        assert!(!children(&kb, group), "{group} has {}", c.item);
                    }
                }
            }
        }

        #[test]
        fn merged_items_are_split_as_the_seed_lists_them() {
            // seed 002 l. 1503–1504, 1509–1510: four items, not two
            let kb = kb();
            assert!(kb.item("botilbud").is_none());
            assert!(kb.item("socialpaedagogisk-stoette").is_none());
            for id in [
                "botilbud-midlertidigt",
                "botilbud-laengerevarende",
                "socpaed-eget-hjem",
                "socpaed-botilbudslignende",
            ] {
                let it = kb.item(id).expect(id);
                assert_eq!(it.area, "sociale serviceydelser");
            }
            // the split keeps the homeless group's money: 0.5·(1650 + 1950) per day of the old 1800,
            // 0.6·480 + 0.4·530 per hour of the old 500
            let c = kb.consequences_of("hjemloese", "ikke-110");
            let v = |id: &str| {
                c.iter()
                    .find(|c| c.item == id)
                    .map(|c| c.values[0].value)
                    .expect(id)
            };
            let p = |id: &str| kb.price("hjemloese", id).map(|p| p.amounts[0]).expect(id);
            let stay = v("botilbud-midlertidigt") * p("botilbud-midlertidigt")
                + v("botilbud-laengerevarende") * p("botilbud-laengerevarende");
            assert!((stay - (-6.0 * 1800.0)).abs() < 1e-9, "{stay}");
            let support = v("socpaed-eget-hjem") * p("socpaed-eget-hjem")
                + v("socpaed-botilbudslignende") * p("socpaed-botilbudslignende");
            assert!((support - 10.0 * 500.0).abs() < 1e-9, "{support}");
        }

        #[test]
        fn drug_abuse_has_the_substitution_sub_group() {
            let kb = kb();
            let g = kb.group("stofmisbrug-substitution").expect("group");
            assert!(g.source.contains("l. 1359"));
            assert_eq!(
                kb.goals_of("stofmisbrug-substitution")[0].id,
                "faerdigbehandlet"
            );
        }
    }
}

//! The command line (clap): parses arguments, loads inputs, calls the model and drivers, and
//! renders their finished results as text, JSON or CSV. Exit codes: 0 ok, 1 input or data error,
//! 2 usage error.

mod calc;
mod knowledge;
mod new;
mod require;
pub mod table;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::kb::KnowledgeBase;
use crate::scenario::Scenario;
use crate::text::Lang;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Readable tables for a terminal (default).
    #[default]
    Text,
    /// JSON as SPEC §7 (for machines).
    Json,
    /// CSV in long format (one value per row), for spreadsheets.
    Csv,
}

const AFTER: &str = "\
Examples:
  soem calc scenarios/cti.toml                 # the result table, in Danish
  soem calc scenarios/cti.toml --lang en       # in English
  soem calc scenarios/cti.toml --format json   # SPEC §7 JSON for machines
  soem require scenarios/cti.toml              # success rate needed to break even
  soem knowledge groups                        # browse the knowledge base
  soem new --target-group hjemloese --out mit-forslag.toml

Exit codes: 0 ok, 1 input or data error (the message names file, line and field), 2 usage error.";

/// SØM — the socio-economic investment model, with sensitivity and uncertainty analyses.
///
/// Computes what a social intervention costs and saves for each public actor (kommune, region,
/// stat or departments), its present value and break-even year, from a scenario file (TOML) and
/// the knowledge base (CSV tables).
#[derive(Debug, Parser)]
#[command(name = "soem", version, after_help = AFTER)]
pub struct Cli {
    /// Knowledge-base directory with the CSV tables of SPEC §2 [default: ./knowledge, else the
    /// shipped one]
    #[arg(long, global = true, value_name = "DIR", env = "SOEM_KNOWLEDGE")]
    pub knowledge: Option<PathBuf>,
    /// Language of text output: da (Danish, default) or en (English)
    #[arg(long, global = true, value_enum, default_value_t = Lang::Da)]
    pub lang: Lang,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The command
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the base calculator: net gain per year and actor, present value, break-even year.
    #[command(after_help = "\
Example:
  soem calc scenarios/cti.toml
  soem calc scenarios/cti.toml --format json > cti.json
  soem calc scenarios/afdelinger.toml --lang en --format csv > result.csv")]
    Calc {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
    },
    /// Requirement analysis (kravanalyse): the success rate needed to break even or reach a target.
    #[command(after_help = "\
Examples:
  soem require scenarios/cti.toml                       # break-even rate per actor and period length
  soem require scenarios/cti.toml --target -1000000     # rate for a PV of -1.000.000 kr.
  soem require scenarios/sammenligning.toml --match cti # rate at which each matches CTI's PV
  soem require scenarios/cti.toml --format json")]
    Require {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
        /// Target present value in kroner (default: 0, break-even)
        #[arg(
            long,
            value_name = "AMOUNT",
            allow_hyphen_values = true,
            conflicts_with = "match"
        )]
        target: Option<f64>,
        /// Target: the present value of another intervention in the file, actor by actor
        #[arg(long = "match", value_name = "ID")]
        r#match: Option<String>,
    },
    /// Browse the knowledge base: target groups, items, prices, effect studies.
    #[command(after_help = "\
Examples:
  soem knowledge groups
  soem knowledge show hjemloese
  soem knowledge items
  soem knowledge prices --group hjemloese
  soem knowledge studies --group hjemloese --format json")]
    Knowledge {
        /// What to show
        #[command(subcommand)]
        what: KnowledgeCmd,
    },
    /// Write a commented starting scenario for a knowledge-base target group.
    #[command(after_help = "\
Example:
  soem new --target-group hjemloese --out scenarios/mit-forslag.toml
  soem calc scenarios/mit-forslag.toml")]
    New {
        /// Target group id (see `soem knowledge groups`)
        #[arg(long, value_name = "ID")]
        target_group: String,
        /// Success goal id (default: the group's first)
        #[arg(long, value_name = "ID")]
        success_goal: Option<String>,
        /// Write to this file instead of standard output (never overwrites without --force)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
}

/// `soem knowledge …` subcommands.
#[derive(Debug, Subcommand)]
pub enum KnowledgeCmd {
    /// List target groups with their success goals
    Groups,
    /// Show one target group: definition, characteristics, success goals, consequences, prices
    Show {
        /// Target group id, e.g. hjemloese
        id: String,
    },
    /// List consequence items with area, unit and kind
    Items,
    /// List prices per actor
    Prices {
        /// Only prices that apply to this target group (its own rows and `*` rows)
        #[arg(long, value_name = "ID")]
        group: Option<String>,
    },
    /// List effect studies (Cohen's d)
    Studies {
        /// Only studies of this target group
        #[arg(long, value_name = "ID")]
        group: Option<String>,
    },
}

/// The knowledge base directory to use: the flag, else `./knowledge`, else the shipped one.
pub fn knowledge_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(d) = flag {
        return d.to_path_buf();
    }
    let local = PathBuf::from("knowledge");
    if local.join("items.csv").is_file() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("knowledge")
}

/// Loads the knowledge base named by the flags.
pub fn load_kb(cli: &Cli) -> Result<KnowledgeBase> {
    let dir = knowledge_dir(cli.knowledge.as_deref());
    KnowledgeBase::load(&dir)
        .with_context(|| format!("loading the knowledge base from {}", dir.display()))
}

/// Loads and validates a scenario file.
pub fn load_scenario(path: &Path, kb: &KnowledgeBase) -> Result<Scenario> {
    Ok(crate::scenario::load(path, kb)?)
}

/// Runs the command line; returns what to print on standard output.
pub fn run(cli: &Cli) -> Result<String> {
    match &cli.command {
        Command::Calc { file } => {
            let kb = load_kb(cli)?;
            let sc = load_scenario(file, &kb)?;
            calc::run(&sc, &kb, cli.format, cli.lang)
        }
        Command::Require {
            file,
            target,
            r#match,
        } => {
            let kb = load_kb(cli)?;
            let sc = load_scenario(file, &kb)?;
            let t = match (target, r#match) {
                (Some(x), _) if !x.is_finite() => {
                    anyhow::bail!("--target must be a finite amount in kroner")
                }
                (Some(x), _) => crate::analysis::require::Target::Amount(*x),
                (None, Some(id)) => crate::analysis::require::Target::Match(id.clone()),
                (None, None) => crate::analysis::require::Target::BreakEven,
            };
            require::run(&sc, &t, cli.format, cli.lang)
        }
        Command::Knowledge { what } => {
            let kb = load_kb(cli)?;
            knowledge::run(&kb, what, cli.format, cli.lang)
        }
        Command::New {
            target_group,
            success_goal,
            out,
            force,
        } => {
            let kb = load_kb(cli)?;
            let text = new::scenario(&kb, target_group, success_goal.as_deref())?;
            match out {
                None => Ok(text),
                Some(path) => {
                    crate::cli::write_new_file(path, text.as_bytes(), *force)?;
                    Ok(format!(
                        "{} {}\n",
                        cli.lang.t("Skrev", "Wrote"),
                        path.display()
                    ))
                }
            }
        }
    }
}

/// Writes a file completely or not at all (temporary file, then rename); refuses to replace an
/// existing file unless `force`.
pub fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        anyhow::bail!(
            "{} exists already; choose another --out or add --force to replace it",
            path.display()
        );
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("moving the new file into place at {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

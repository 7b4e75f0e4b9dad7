//! The command line (clap): parses arguments, loads inputs, calls the model and drivers, and
//! renders their finished results as text, JSON or CSV. Exit codes: 0 ok, 1 input or data error,
//! 2 usage error.
// The doc comments of the clap definitions are the `--help` text: their [brackets] name scenario
// sections for the user, they are not links for rustdoc.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

mod calc;
mod grid;
pub mod interrupt;
mod knowledge;
mod mc;
pub mod new;
pub mod progress;
mod require;
mod tornado;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::export::Export;
pub use crate::export::Format;
use crate::kb::KnowledgeBase;
use crate::limits::Limits;
use crate::present::format::Lang;
use crate::present::table::Table;
use crate::scenario::Scenario;

const AFTER: &str = "\
Examples:
  soem calc scenarios/cti.toml                 # the result table, in Danish
  soem calc scenarios/cti.toml --lang en       # in English
  soem calc scenarios/cti.toml --format json   # SPEC §7 JSON for machines
  soem require scenarios/cti.toml              # success rate needed to break even
  soem tornado scenarios/cti.toml              # which inputs matter most
  soem mc scenarios/cti.toml                   # intervals and break-even-year range
  soem compare scenarios/sammenligning.toml    # which intervention, and how sure
  soem report scenarios/cti.toml               # the decision report, reports/cti/index.html
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
    /// shipped one]. It may hold only the tables you changed (e.g. prices.csv); the other tables
    /// come from the shipped knowledge base, and reports say which table came from where
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
    /// Scenario grid: the result over every combination of chosen input values.
    #[command(after_help = "\
Inputs (NAME): success_rate, participants (starters per year; costs unchanged), cost_factor,
consequence_factor, consequence_factor:<area>, period (years from the start year),
discount_rate, price_year, target_group, success_goal (ids from the knowledge base).
Values (SPEC): FROM:TO:STEP (inclusive) or a list V1,V2,…

Examples:
  soem grid scenarios/cti.toml --vary success_rate=0.05:0.30:0.05 --vary period=5,8,10
  soem grid scenarios/cti.toml --vary target_group=hjemloese,psykiske-vanskeligheder
  soem grid scenarios/cti.toml --vary success_rate=0:1:0.01 --vary cost_factor=0.5:1.5:0.01 --out grid.parquet
  soem grid scenarios/cti.toml                        # the [[grid]] tables declared in the file")]
    Grid {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
        /// A dimension NAME=FROM:TO:STEP or NAME=V1,V2,… (repeat for more dimensions)
        #[arg(long = "vary", value_name = "NAME=SPEC", value_parser = vary_arg)]
        vary: Vec<crate::scenario::vary::Dimension>,
        /// Write every point to FILE (.csv, .parquet, .json or .xlsx) instead of printing
        #[arg(long, value_name = "FILE", value_parser = table_file)]
        out: Option<PathBuf>,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Tornado: which inputs move the result most (each item, area, success rate, costs, prices,
    /// discount rate, one at a time).
    #[command(after_help = "\
Examples:
  soem tornado scenarios/cti.toml                     # ±20 %, success rate ±5 points, total
  soem tornado scenarios/cti.toml --actor kommune     # the municipality's present value
  soem tornado scenarios/cti.toml --delta 0.1 --discount 0.03,0.05
  soem tornado scenarios/cti.toml --format json       # SPEC §7: {id, base, bars}")]
    Tornado {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
        /// Relative change of items, costs and prices (0.2 = ±20 %)
        #[arg(long, default_value_t = 0.2, value_name = "SHARE", value_parser = share_up_to_one)]
        delta: f64,
        /// Change of the success rate in percentage points as a share (0.05 = ±5 points)
        #[arg(long, default_value_t = 0.05, value_name = "SHARE", value_parser = share_up_to_one)]
        success_points: f64,
        /// The two discount rates of the discount-rate bar, or `none`
        #[arg(long, default_value = "0.02,0.06", value_name = "LOW,HIGH", value_parser = rate_pair)]
        discount: RatePair,
        /// The present value of this actor instead of the total (e.g. kommune)
        #[arg(long, default_value = "total", value_name = "ACTOR")]
        actor: String,
    },
    /// Monte Carlo: intervals, P(gain), break-even-year range, required rate at a confidence and
    /// split-incentive risk, from the scenario's [intervention.uncertainty].
    #[command(after_help = "\
Examples:
  soem mc scenarios/cti.toml                          # draws, seed and interval from [monte_carlo]
  soem mc scenarios/cti.toml --draws 100000 --seed 7 --interval 0.8
  soem mc scenarios/cti.toml --confidence 0.8         # success rate for an 80 % chance of break-even
  soem mc scenarios/cti.toml --by-year --format json  # plus each budget year's range

The same seed gives bit-identical results whatever the number of threads (RAYON_NUM_THREADS).")]
    Mc {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
        #[allow(missing_docs)]
        #[command(flatten)]
        mc: McArgs,
    },
    /// Compare two or more interventions with paired draws: interval overlap, the risk of
    /// choosing the wrong one, and the budget minimum of the portfolio.
    #[command(after_help = "\
Examples:
  soem compare scenarios/sammenligning.toml
  soem compare scenarios/sammenligning.toml --draws 50000 --format json")]
    Compare {
        /// Scenario file with two or more [[intervention]] tables
        file: PathBuf,
        #[allow(missing_docs)]
        #[command(flatten)]
        mc: McArgs,
    },
    /// Write the decision report: an HTML page with figures, tables (CSV, XLSX) and summary.json.
    #[command(after_help = "\
Examples:
  soem report scenarios/cti.toml                          # reports/cti/index.html
  soem report scenarios/sammenligning.toml --for prioritisation
  soem report scenarios/cti.toml --for budget --lang en --out reports/cti-en
  soem report scenarios/cti.toml --draws 100000 --seed 7

The folder is written completely or not at all; an existing folder is replaced only when soem
wrote it (or with --force). The scenario file is never written to.")]
    Report {
        /// Scenario file (TOML, SPEC §5)
        file: PathBuf,
        /// Output folder [default: reports/<scenario name>]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// What the result is for: the course's presentations
        #[arg(long = "for", value_enum, default_value_t = crate::analysis::decision::Purpose::All)]
        purpose: crate::analysis::decision::Purpose,
        /// Number of draws [default: the scenario's [monte_carlo] draws]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
        draws: Option<u64>,
        /// Seed [default: the scenario's [monte_carlo] seed]
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// The amount the risk profile's sentence is about, e.g. 1000000 ("P(nettogevinst ≥
        /// 1.000.000 kr.)") [default: 0, the chance of a gain]
        #[arg(long, value_name = "KR", allow_negative_numbers = true)]
        at_least: Option<f64>,
        /// Replace DIR even if soem did not write it
        #[arg(long)]
        force: bool,
    },
    /// Browse the knowledge base: target groups, items, prices, effect studies.
    #[command(after_help = "\
Examples:
  soem knowledge groups
  soem knowledge tables --knowledge my-kb      # which tables came from my folder
  soem knowledge show hjemloese
  soem knowledge items
  soem knowledge prices --group hjemloese
  soem knowledge studies --group hjemloese --format json")]
    Knowledge {
        /// What to show
        #[command(subcommand)]
        what: KnowledgeCmd,
    },
    /// The workbench: a local web page to build a case step by step, watch its results and
    /// uncertainty as you type, compare interventions and make the report.
    #[command(after_help = "\
Examples:
  soem serve                        # the scenarios/ folder, http://127.0.0.1:8421/
  soem serve mine --port 9000 --no-open
  soem serve --host 0.0.0.0         # other machines too: needs the printed token

The URL is the first line printed; Ctrl-C stops the server. Files are saved in DIR; deleted files
are moved to DIR/.trash/.")]
    Serve {
        /// The folder of scenario files [default: ./scenarios]
        #[arg(default_value = "scenarios", value_name = "DIR")]
        dir: PathBuf,
        /// Port (the next free one when taken)
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; anything but loopback needs a token on every request
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        host: std::net::IpAddr,
        /// The token requests must carry [default: generated when --host is not loopback]
        #[arg(long, env = "SOEM_TOKEN", value_name = "TOKEN")]
        token: Option<String>,
        /// Do not open the browser
        #[arg(long)]
        no_open: bool,
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

/// Monte Carlo options shared by `mc` and `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct McArgs {
    /// Number of draws [default: the scenario's [monte_carlo] draws, else 10000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
    pub draws: Option<u64>,
    /// Seed [default: the scenario's [monte_carlo] seed, else 1]
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Central interval as a share [default: the scenario's [monte_carlo] interval, else 0.9]
    #[arg(long, value_name = "SHARE", value_parser = open_share)]
    pub interval: Option<f64>,
    /// Also find the success rate that gives this chance of breaking even, e.g. 0.8 (one more
    /// pass over the draws)
    #[arg(long, value_name = "SHARE", value_parser = open_share)]
    pub confidence: Option<f64>,
    /// Also give each budget year's range of the net (more memory: 4 bytes per draw, actor and
    /// year)
    #[arg(long)]
    pub by_year: bool,
    /// Also give the chance that the total present value is at least this many kroner, e.g.
    /// 1000000 ("P(nettogevinst ≥ 1.000.000 kr.)")
    #[arg(long, value_name = "KR", allow_negative_numbers = true)]
    pub at_least: Option<f64>,
    /// Also say what drives the uncertainty (each input's share of the variance: Sobol
    /// indices) and what knowing more is worth before deciding (EVPI, EVPPI)
    #[arg(long)]
    pub sensitivity: bool,
    /// The key the decision is taken on for the value of information: total or an actor
    /// [default: total]
    #[arg(long, value_name = "KEY", requires = "sensitivity")]
    pub decision_key: Option<String>,
    /// How the draws' uniforms are made: random, or lhs (Latin hypercube, stratified within
    /// every chunk of 2,048 draws) [default: the file's [monte_carlo] sampling, else random]
    #[arg(long, value_enum)]
    pub sampling: Option<crate::scenario::Sampling>,
}

impl McArgs {
    fn options(&self, sc: &Scenario) -> crate::analysis::mc::Options {
        crate::analysis::mc::Options {
            draws: self.draws.unwrap_or(sc.monte_carlo.draws),
            seed: self.seed.unwrap_or(sc.monte_carlo.seed),
            interval: self.interval.unwrap_or(sc.monte_carlo.interval),
            confidence: self.confidence,
            by_year: self.by_year,
            at_least: self.at_least,
            sensitivity: self.sensitivity,
            decision_key: self.decision_key.clone(),
            sampling: self.sampling,
            // a number of draws on the command line replaces the file's "auto"
            auto: sc.monte_carlo.auto.filter(|_| self.draws.is_none()),
        }
    }
}

/// `soem knowledge …` subcommands.
#[derive(Debug, Subcommand)]
pub enum KnowledgeCmd {
    /// List the eight tables: where each was read from (your folder or the shipped knowledge
    /// base), the detected format and the number of rows
    Tables,
    /// List target groups with their success goals
    Groups,
    /// Show one target group: definition, characteristics, success goals, consequences, prices
    Show {
        /// Target group id, e.g. hjemloese
        id: String,
    },
    /// List consequence items with area, unit and kind
    Items,
    /// Show the model's settings with their sources: discount rate (and the named declining
    /// schedule), tax on transfers per actor, price index year by year
    Settings,
    /// List prices per actor
    Prices {
        /// Only prices that apply to this target group (its own rows and `*` rows)
        #[arg(long, value_name = "ID")]
        group: Option<String>,
    },
    /// List the erfaringsdatabase cases shipped under scenarios/erfaringer/: each published
    /// SØM calculation with its published result beside ours
    Cases,
    /// List effect studies (Cohen's d)
    Studies {
        /// Only studies of this target group
        #[arg(long, value_name = "ID")]
        group: Option<String>,
    },
}

/// The knowledge base directory to use: the flag (or `SOEM_KNOWLEDGE`), else `./knowledge` when
/// it has tables; `None` means the shipped knowledge base compiled into the program.
pub fn knowledge_dir(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(d) = flag {
        return Some(d.to_path_buf());
    }
    let local = PathBuf::from("knowledge");
    crate::kb::FILES
        .iter()
        .any(|f| local.join(f).is_file())
        .then_some(local)
}

/// The limits in force: each [`crate::limits::Limit`]'s environment variable when it holds a
/// whole number ≥ 1 (underscores allowed), and `SOEM_MAX_MEMORY_GB` when it holds a positive
/// number; the defaults otherwise.
pub fn limits() -> Limits {
    let mut l = Limits::default();
    for limit in crate::limits::ALL {
        if let Some(v) = std::env::var(limit.env)
            .ok()
            .and_then(|v| v.trim().replace('_', "").parse::<u64>().ok())
            .filter(|v| *v >= 1)
        {
            l = l.with(&limit, v);
        }
    }
    if let Some(gb) = std::env::var(crate::limits::MEMORY_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| *v > 0.0)
    {
        l.memory_gb = gb;
    }
    l
}

/// Loads the knowledge base named by the flags.
pub fn load_kb(cli: &Cli) -> Result<KnowledgeBase> {
    match knowledge_dir(cli.knowledge.as_deref()) {
        Some(dir) => KnowledgeBase::load_with(&dir, &limits())
            .with_context(|| format!("loading the knowledge base from {}", dir.display())),
        None => KnowledgeBase::shipped().context("loading the shipped knowledge base"),
    }
}

/// Loads and validates a scenario file within the limits in force.
pub fn load_scenario(path: &Path, kb: &KnowledgeBase) -> Result<Scenario> {
    Ok(crate::scenario::load_with(path, kb, &limits())?)
}

/// A file a command wrote: what it says on the terminal, and `{"index": path}` style JSON.
struct Wrote {
    line: String,
    json: serde_json::Value,
    path: PathBuf,
}

impl Export for Wrote {
    fn json(&self) -> serde_json::Result<String> {
        Ok(serde_json::to_string_pretty(&self.json)? + "\n")
    }

    fn table(&self) -> Table {
        let mut t = Table::new(
            "wrote",
            vec![crate::present::table::Column::new(
                "file",
                crate::present::table::Kind::Text,
            )],
        );
        t.push(vec![crate::present::table::Cell::Text(
            self.path.display().to_string(),
        )]);
        t
    }

    fn text(&self, _: Lang) -> String {
        self.line.clone()
    }
}

/// Runs the command line; returns what to print on standard output.
pub fn run(cli: &Cli) -> Result<String> {
    let kb = load_kb(cli)?;
    let sc = match cli.command.file() {
        Some(file) => Some(load_scenario(file, &kb)?),
        None => None,
    };
    let out = result(cli, &kb, sc.as_ref())?;
    Ok(crate::export::render(out.as_ref(), cli.format, cli.lang)?)
}

impl Command {
    /// The scenario file the command reads, if it reads one.
    fn file(&self) -> Option<&Path> {
        match self {
            Command::Calc { file }
            | Command::Require { file, .. }
            | Command::Grid { file, .. }
            | Command::Tornado { file, .. }
            | Command::Mc { file, .. }
            | Command::Compare { file, .. }
            | Command::Report { file, .. } => Some(file),
            Command::Knowledge { .. } | Command::New { .. } | Command::Serve { .. } => None,
        }
    }
}

/// Runs the command on the loaded knowledge base and scenario and returns its result (the
/// workbench's JSON API answers through this too, so its JSON is the command's).
pub fn result<'a>(
    cli: &Cli,
    kb: &'a KnowledgeBase,
    sc: Option<&'a Scenario>,
) -> Result<Box<dyn Export + 'a>> {
    let lang = cli.lang;
    let scenario = || sc.context("the command reads a scenario file");
    Ok(match &cli.command {
        Command::Calc { .. } => Box::new(calc::run(scenario()?, kb)),
        Command::Require {
            target, r#match, ..
        } => {
            let sc = scenario()?;
            let t = match (target, r#match) {
                (Some(x), _) if !x.is_finite() => {
                    anyhow::bail!("--target must be a finite amount in kroner")
                }
                (Some(x), _) => crate::analysis::require::Target::Amount(*x),
                (None, Some(id)) => crate::analysis::require::Target::Match(id.clone()),
                (None, None) => crate::analysis::require::Target::BreakEven,
            };
            Box::new(require::run(sc, &t)?)
        }
        Command::Grid {
            vary, out, force, ..
        } => {
            let sc = scenario()?;
            let grids = grid::run(sc, kb, vary.clone(), &progress::Terminal::silent())?;
            match out {
                None => Box::new(grids),
                Some(path) => {
                    let exporter = crate::export::for_file(path).context(
                        "--out: the file name must end in .csv, .parquet, .json or .xlsx",
                    )?;
                    let bytes = exporter.export(&grids, lang)?;
                    crate::export::write_new_file(
                        path,
                        &bytes,
                        *force,
                        &progress::Terminal::silent(),
                    )?;
                    Box::new(Wrote {
                        line: format!(
                            "{} {} {} {}\n",
                            lang.t("Skrev", "Wrote"),
                            crate::present::format::int(grids.points() as f64, lang),
                            lang.t("punkter til", "points to"),
                            path.display()
                        ),
                        json: serde_json::json!({ "file": path, "points": grids.points() }),
                        path: path.clone(),
                    })
                }
            }
        }
        Command::Tornado {
            delta,
            success_points,
            discount,
            actor,
            ..
        } => {
            let opt = crate::analysis::tornado::Options {
                delta: *delta,
                success_points: *success_points,
                discount: discount.0,
                key: actor.clone(),
            };
            Box::new(tornado::run(scenario()?, &opt)?)
        }
        Command::Mc { mc: args, .. } => {
            let sc = scenario()?;
            let opt = args.options(sc);
            let watch = progress::Terminal::monte_carlo(sc, opt.draws, cli.format);
            let results = crate::analysis::mc::run(sc, &kb.hash, &opt, &watch)?;
            Box::new(mc::mc(sc, results))
        }
        Command::Compare { mc: args, .. } => {
            let sc = scenario()?;
            let opt = args.options(sc);
            let watch = progress::Terminal::monte_carlo(sc, opt.draws, cli.format);
            let comparison = crate::analysis::mc::compare(sc, &kb.hash, &opt, &watch)?;
            Box::new(mc::compare(sc, comparison))
        }
        Command::Report {
            out,
            purpose,
            draws,
            seed,
            force,
            at_least,
            ..
        } => {
            let sc = scenario()?;
            let opt = crate::report::Options {
                out: out
                    .clone()
                    .unwrap_or_else(|| crate::report::default_dir(sc)),
                purpose: *purpose,
                lang,
                draws: draws.unwrap_or(sc.monte_carlo.draws),
                seed: seed.unwrap_or(sc.monte_carlo.seed),
                force: *force,
                at_least: *at_least,
            };
            let lock = crate::report::prepare(&opt)?;
            let watch = progress::Terminal::monte_carlo(sc, opt.draws, cli.format);
            let summary = crate::analysis::decision::analyse(
                sc,
                kb,
                opt.purpose,
                opt.draws,
                opt.seed,
                opt.at_least,
                &watch,
            )?;
            drop(watch);
            let index =
                crate::report::write(sc, &summary, &opt, &lock, &progress::Terminal::silent())?;
            Box::new(Wrote {
                line: format!("{} {}\n", lang.t("Skrev", "Wrote"), index.display()),
                json: serde_json::json!({ "index": index }),
                path: index,
            })
        }
        Command::Knowledge { what } => Box::new(knowledge::run(kb, what, lang)?),
        Command::Serve {
            dir,
            port,
            host,
            token,
            no_open,
        } => {
            let opt = crate::serve::Options {
                dir: dir.clone(),
                host: *host,
                port: *port,
                token: token.clone(),
                open: !no_open,
                lang,
            };
            crate::serve::run(&opt, kb.clone(), limits())?;
            Box::new(Wrote {
                line: String::new(),
                json: serde_json::json!({}),
                path: PathBuf::new(),
            })
        }
        Command::New {
            target_group,
            success_goal,
            out,
            force,
        } => {
            let text = new::scenario(kb, target_group, success_goal.as_deref(), lang)?;
            match out {
                None => Box::new(Wrote {
                    json: serde_json::json!({ "scenario": text }),
                    line: text,
                    path: PathBuf::new(),
                }),
                Some(path) => {
                    crate::export::write_new_file(
                        path,
                        text.as_bytes(),
                        *force,
                        &progress::Terminal::silent(),
                    )?;
                    Box::new(Wrote {
                        line: format!("{} {}\n", lang.t("Skrev", "Wrote"), path.display()),
                        json: serde_json::json!({ "file": path }),
                        path: path.clone(),
                    })
                }
            }
        }
    })
}

impl Cli {
    /// Parses `args` (the program name first) as the command line does; the error is clap's
    /// message (the workbench's API builds its commands this way).
    pub fn try_parse_from_args(args: &[String]) -> std::result::Result<Cli, String> {
        <Cli as Parser>::try_parse_from(args).map_err(|e| e.render().to_string())
    }

    /// Whether the command is the workbench server (for which Ctrl-C is the normal stop).
    pub fn is_serve(&self) -> bool {
        matches!(self.command, Command::Serve { .. })
    }
}

/// A sum of interventions as terminal text: its tables, then its cautions.
pub fn sum_text(sum: &crate::model::sum::Sum, price_year: i32, lang: Lang) -> String {
    let (tables, cautions) = crate::present::view::calc::sum_parts(sum, price_year, lang);
    let mut out = String::new();
    for t in &tables {
        out += &titled_text(t, lang);
        out += "\n";
    }
    if !cautions.is_empty() {
        out += &format!("{}\n", crate::present::words::cautions_heading(lang));
        for c in cautions {
            out += &format!("  - {c}\n");
        }
        out += "\n";
    }
    out
}

/// A table for the terminal with its title on the line above (when it has one).
fn titled_text(t: &Table, lang: Lang) -> String {
    match &t.title {
        Some(title) => format!("{title}\n{}", t.to_text(lang)),
        None => t.to_text(lang),
    }
}

/// Two rates, or none (`tornado --discount`).
#[derive(Debug, Clone, Copy)]
pub struct RatePair(pub Option<(f64, f64)>);

/// `--vary NAME=SPEC`, within the grid-point limit in force.
fn vary_arg(
    text: &str,
) -> std::result::Result<crate::scenario::vary::Dimension, crate::scenario::vary::VaryError> {
    crate::scenario::vary::parse_within(text, &limits())
}

/// `--discount`: two rates `a,b` (each from −0.5 to 1) or `none`.
fn rate_pair(text: &str) -> std::result::Result<RatePair, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(RatePair(None));
    }
    let bad =
        || format!("expected two rates such as 0.02,0.06 (from -0.5 to 1), or none; got {text}");
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [a, b] => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if [a, b].iter().all(|r| (-0.5..=1.0).contains(r)) => {
                Ok(RatePair(Some((a, b))))
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// `grid --out`: a file name ending in .csv, .parquet, .json or .xlsx (one of the
/// [`crate::export::for_file`] formats).
fn table_file(text: &str) -> std::result::Result<PathBuf, String> {
    let p = PathBuf::from(text);
    match crate::export::for_file(&p) {
        Some(_) => Ok(p),
        None => Err(format!(
            "the file name must end in .csv, .parquet, .json or .xlsx (e.g. grid.csv), got {text}"
        )),
    }
}

/// A share strictly between 0 and 1 (`--interval 0.9`, `--confidence 0.8`).
fn open_share(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "expected a share between 0 and 1 such as 0.9 (for 90 %), got {text}"
        )),
    }
}

/// A share above 0 and at most 1 (`--delta 0.2` for ±20 %).
fn share_up_to_one(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!(
            "expected a share above 0 and at most 1 such as 0.2 (for ±20 %), got {text}"
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

//! The command line's [`Observer`]: a progress bar on standard error for long runs (only on a
//! terminal, and not when the output is JSON), and the Ctrl-C flag ([`super::interrupt`]) as the
//! signal to stop.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::export::Format;
use crate::observer::Observer;
use crate::scenario::Scenario;

/// Work (draws × row widths × keys) above which a progress bar is shown: about a second.
const PROGRESS_WORK: f64 = 2e9;

/// Watches a run from the terminal.
pub struct Terminal {
    bar: Option<ProgressBar>,
}

impl Terminal {
    /// No progress bar; stops on Ctrl-C.
    pub fn silent() -> Terminal {
        Terminal { bar: None }
    }

    /// A bar over `draws` Monte Carlo draws of `sc` when the run is long and the output is for
    /// people on a terminal; otherwise [`Terminal::silent`].
    pub fn monte_carlo(sc: &Scenario, draws: u64, format: Format) -> Terminal {
        let keys = sc.settings.actors.len() as f64 + 1.0;
        let width: f64 = sc
            .interventions
            .iter()
            .map(|iv| iv.items.len() as f64 + 8.0)
            .sum();
        let work = draws as f64 * width * keys * 8.0;
        if format == Format::Json || !std::io::stderr().is_terminal() || work < PROGRESS_WORK {
            return Terminal::silent();
        }
        let bar = ProgressBar::new(draws);
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} draws, {eta} left")
        {
            bar.set_style(style);
        }
        Terminal { bar: Some(bar) }
    }
}

impl Observer for Terminal {
    fn progress(&self, done: u64) {
        if let Some(b) = &self.bar {
            b.inc(done);
        }
    }

    fn cancelled(&self) -> bool {
        super::interrupt::requested()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

//! How a long run reports progress and learns that it should stop: an [`Observer`] passed in by
//! the caller. The library reads no global flag; the command line's observer holds the progress
//! bar and the Ctrl-C flag, the workbench's its request's cancellation.

use crate::error::AnalysisError;

/// Watches a long run.
pub trait Observer: Sync {
    /// `done` more units of work (draws, grid points) are finished.
    fn progress(&self, done: u64) {
        let _ = done;
    }

    /// True once the run should stop (checked between chunks of work).
    fn cancelled(&self) -> bool {
        false
    }

    /// `Err(Interrupted)` once the run should stop.
    fn check(&self) -> Result<(), AnalysisError> {
        if self.cancelled() {
            Err(AnalysisError::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// An observer that shows nothing and never stops a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Observer for Quiet {}

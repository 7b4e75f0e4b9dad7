//! Ctrl-C (SIGINT) and SIGTERM, for the command line: the first one asks the long runs (Monte
//! Carlo, grids, reports) to stop at the next chunk — through the command line's
//! [`crate::Observer`] (`progress::Terminal`), which reads this flag; they
//! stop with [`crate::error::AnalysisError::Interrupted`] and write nothing (a report's folder is built
//! aside and only moved into place when complete, and is removed on interruption). A second
//! Ctrl-C ends the process at once; the hidden temporary folder it may leave is removed by the
//! next run.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit code of an interrupted run (128 + SIGINT, as shells expect).
pub const EXIT_CODE: u8 = 130;

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    // only async-signal-safe work here: an atomic swap, and _exit on the second signal
    if REQUESTED.swap(true, Ordering::SeqCst) {
        // SAFETY: _exit is async-signal-safe and takes no pointers.
        unsafe { libc::_exit(i32::from(EXIT_CODE)) };
    }
}

/// Installs the handler for SIGINT and SIGTERM (once, at the start of `main`).
pub fn install() {
    #[cfg(unix)]
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let handler: extern "C" fn(libc::c_int) = on_signal;
        // SAFETY: the handler only touches an atomic and calls _exit (async-signal-safe).
        unsafe {
            libc::signal(sig, handler as libc::sighandler_t);
        }
    }
}

/// True once a stop was asked for.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

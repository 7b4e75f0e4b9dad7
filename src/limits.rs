//! Sane limits on the size of a request, checked before any work starts. The library takes the
//! limits in force as a [`Limits`] value (the defaults unless the caller says otherwise); the
//! command line reads them from environment variables, which every error names so a user with
//! the memory and the time can raise a limit.

use crate::error::AnalysisError;

/// One limit: what it counts, its default, and the environment variable that raises it.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// What is counted, e.g. "Monte Carlo draws".
    pub what: &'static str,
    /// The environment variable the command line reads another limit from, e.g.
    /// `SOEM_MAX_DRAWS`.
    pub env: &'static str,
    /// The limit when nothing else is said.
    pub default: u64,
    /// Its place in [`Limits`].
    id: usize,
}

/// Monte Carlo draws per run (each draw keeps about 5 bytes per actor and intervention).
pub const DRAWS: Limit = Limit {
    what: "Monte Carlo draws",
    env: "SOEM_MAX_DRAWS",
    default: 100_000_000,
    id: 0,
};

/// Points of one scenario grid (the product of the values of every varied input).
pub const GRID_POINTS: Limit = Limit {
    what: "grid points",
    env: "SOEM_MAX_GRID_POINTS",
    default: 10_000_000,
    id: 1,
};

/// Consequence items of one intervention (knowledge-base items and the scenario's own).
pub const ITEMS: Limit = Limit {
    what: "consequence items in one intervention",
    env: "SOEM_MAX_ITEMS",
    default: 2_000,
    id: 2,
};

/// Interventions in one scenario file (compare pairs every two of them).
pub const INTERVENTIONS: Limit = Limit {
    what: "interventions in one scenario",
    env: "SOEM_MAX_INTERVENTIONS",
    default: 200,
    id: 3,
};

/// Bytes of one input file (a scenario or a knowledge-base table): larger files, and endless ones
/// such as `/dev/zero`, are refused after reading this much.
pub const FILE_BYTES: Limit = Limit {
    what: "bytes in one input file",
    env: "SOEM_MAX_FILE_BYTES",
    default: 64 << 20,
    id: 4,
};

/// Every counted limit.
pub const ALL: [Limit; 5] = [DRAWS, GRID_POINTS, ITEMS, INTERVENTIONS, FILE_BYTES];

/// The environment variable that sets the memory limit for stored Monte Carlo draws.
pub const MEMORY_ENV: &str = "SOEM_MAX_MEMORY_GB";

/// The memory a run may use for its stored draws, in GiB, by default.
pub const MAX_MEMORY_GB: f64 = 8.0;

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    counts: [u64; 5],
    /// GiB the stored draws of one run may take.
    pub memory_gb: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            counts: ALL.map(|l| l.default),
            memory_gb: MAX_MEMORY_GB,
        }
    }
}

impl Limits {
    /// The limit in force for `l`.
    pub fn get(&self, l: &Limit) -> u64 {
        self.counts[l.id]
    }

    /// The same limits with `l` set to `max` (at least 1).
    pub fn with(mut self, l: &Limit, max: u64) -> Limits {
        self.counts[l.id] = max.max(1);
        self
    }

    /// `Err` with the limit and how to raise it when `n` is above the limit `l`.
    pub fn check(&self, l: &Limit, n: u64) -> Result<(), AnalysisError> {
        let max = self.get(l);
        if n <= max {
            return Ok(());
        }
        Err(AnalysisError::Limit {
            what: l.what,
            got: n,
            max,
            variable: l.env,
        })
    }

    /// Reads a whole input file, refusing one longer than the [`FILE_BYTES`] limit (without
    /// reading further).
    pub fn read_file(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let limit = self.get(&FILE_BYTES);
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::other(format!(
                "the file is longer than {limit} bytes; is it the right file? (raise the limit with \
                 the environment variable {}=…)",
                FILE_BYTES.env
            )));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_gives_the_limit_and_how_to_raise_it() {
        let l = Limits::default().with(&ITEMS, 10);
        assert_eq!(l.get(&ITEMS), 10);
        assert_eq!(l.get(&DRAWS), 100_000_000);
        assert!(l.check(&ITEMS, 10).is_ok());
        let e = l.check(&ITEMS, 11).expect_err("above");
        assert_eq!(
            e.to_string(),
            "11 consequence items in one intervention is more than the limit of 10; if the \
             machine has the memory and the time, raise it with the environment variable \
             SOEM_MAX_ITEMS=11"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big.toml");
        std::fs::write(&p, vec![b'x'; 100]).expect("write");
        let l = Limits::default().with(&FILE_BYTES, 99);
        let e = l.read_file(&p).expect_err("too long");
        assert!(e.to_string().contains("longer than 99 bytes"), "{e}");
        assert_eq!(
            Limits::default()
                .with(&FILE_BYTES, 100)
                .read_file(&p)
                .map(|b| b.len())
                .ok(),
            Some(100)
        );
    }
}

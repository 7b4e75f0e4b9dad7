//! Sane limits on the size of a request, checked before any work starts. Each can be raised with
//! an environment variable when the machine has the memory and the time; the error says which.

/// One limit: what it counts, its default, and the environment variable that raises it.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// What is counted, e.g. "Monte Carlo draws".
    pub what: &'static str,
    /// The environment variable that sets another limit, e.g. `SOEM_MAX_DRAWS`.
    pub env: &'static str,
    /// The limit when the variable is not set.
    pub default: u64,
}

/// Monte Carlo draws per run (each draw keeps about 5 bytes per actor and intervention).
pub const DRAWS: Limit = Limit {
    what: "Monte Carlo draws",
    env: "SOEM_MAX_DRAWS",
    default: 100_000_000,
};

/// Points of one scenario grid (the product of the values of every varied input).
pub const GRID_POINTS: Limit = Limit {
    what: "grid points",
    env: "SOEM_MAX_GRID_POINTS",
    default: 10_000_000,
};

/// Consequence items of one intervention (knowledge-base items and the scenario's own).
pub const ITEMS: Limit = Limit {
    what: "consequence items in one intervention",
    env: "SOEM_MAX_ITEMS",
    default: 2_000,
};

/// Interventions in one scenario file (compare pairs every two of them).
pub const INTERVENTIONS: Limit = Limit {
    what: "interventions in one scenario",
    env: "SOEM_MAX_INTERVENTIONS",
    default: 200,
};

/// Bytes of one input file (a scenario or a knowledge-base table): larger files, and endless ones
/// such as `/dev/zero`, are refused after reading this much.
pub const FILE_BYTES: Limit = Limit {
    what: "bytes in one input file",
    env: "SOEM_MAX_FILE_BYTES",
    default: 64 << 20,
};

/// Reads a whole input file, refusing one longer than [`FILE_BYTES`] (without reading further).
pub fn read_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = FILE_BYTES.get();
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

impl Limit {
    /// The limit in force: the environment variable when it holds a whole number ≥ 1, else the
    /// default.
    pub fn get(&self) -> u64 {
        std::env::var(self.env)
            .ok()
            .and_then(|v| v.trim().replace('_', "").parse::<u64>().ok())
            .filter(|v| *v >= 1)
            .unwrap_or(self.default)
    }

    /// `Err` with the limit and how to raise it when `n` is above it.
    pub fn check(&self, n: u64) -> Result<(), String> {
        let limit = self.get();
        if n <= limit {
            return Ok(());
        }
        Err(format!(
            "{n} {} is more than the limit of {limit}; if the machine has the memory and the \
             time, raise it with the environment variable {}={n}",
            self.what, self.env
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_gives_the_limit_and_how_to_raise_it() {
        let l = Limit {
            what: "widgets",
            env: "SOEM_TEST_NO_SUCH_LIMIT",
            default: 10,
        };
        assert_eq!(l.get(), 10);
        assert!(l.check(10).is_ok());
        let e = l.check(11).expect_err("above");
        assert_eq!(
            e,
            "11 widgets is more than the limit of 10; if the machine has the memory and the \
             time, raise it with the environment variable SOEM_TEST_NO_SUCH_LIMIT=11"
        );
    }
}

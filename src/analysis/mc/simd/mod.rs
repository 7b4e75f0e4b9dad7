//! The instruction sets of the Monte Carlo inner loops: [`Isa`], chosen once per run, and every
//! SIMD form in [`avx2`] (x86-64 only). The scalar forms stay beside the code they belong to; the
//! engine, the bounds and the search call the AVX2 form only when the run's `Isa` says so.

#[cfg(target_arch = "x86_64")]
pub(super) mod avx2;

/// The instruction set of the inner loops, chosen once per run: AVX2 where the CPU has it, else
/// plain scalar code. Only the instructions differ — the arithmetic (separate multiplies and
/// adds, a fixed summation order) is the same, so both give bit-identical results (tested on
/// every shipped scenario and the benchmark workloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Isa {
    avx2: bool,
}

impl Isa {
    /// The best the CPU supports.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return Isa { avx2: true };
        }
        Isa { avx2: false }
    }

    /// Scalar code only.
    pub fn scalar() -> Isa {
        Isa { avx2: false }
    }

    /// True when the AVX2 paths run.
    pub fn avx2(self) -> bool {
        self.avx2
    }
}

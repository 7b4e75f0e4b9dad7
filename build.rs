//! Links the `soem` program as a position-dependent executable on Linux.
//!
//! A position-independent executable (the default) is relocated by the dynamic loader at every
//! start: about 70,000 relocations, each writing to a page of the 40 MB program, ≈ 1.5 ms before
//! `main` (measured: `soem --version` 3.6 ms → 2.1 ms). Every `soem` run pays it, and the
//! Monte Carlo benchmark (≈ 0.13 s) measures whole processes. The price is that the program's own
//! code is not placed at a random address (ASLR still applies to the stack, heap and libraries);
//! for a command-line tool that reads local files this is an acceptable trade. Only the binaries
//! are affected (`-bins`), not tests, benches or the library.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

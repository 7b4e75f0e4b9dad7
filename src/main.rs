use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = soem::cli::Cli::parse(); // usage errors: clap prints them and exits with 2
    soem::cli::interrupt::install();
    let result = soem::cli::run(&cli);
    if soem::cli::interrupt::requested() && !cli.is_serve() {
        // Ctrl-C: whatever was computed is not printed, and nothing was written
        eprintln!("Error: {}", soem::error::AnalysisError::Interrupted);
        return ExitCode::from(soem::cli::interrupt::EXIT_CODE);
    }
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // a closed pipe (e.g. `| head`) is not an error worth a message
            let _ = stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(1)
        }
    }
}

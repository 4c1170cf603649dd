//! The `handover` binary: parse, run, print the error and its hint, exit with its code.

use clap::Parser;

fn main() {
    let cli = handover::cli::Cli::parse();
    std::process::exit(handover::run(cli));
}

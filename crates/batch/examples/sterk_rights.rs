//! Development harness: runs the CLI module `crates/cli/src/rights.rs` without
//! the `sterk` binary (`cargo run -p sterk-batch --example sterk_rights -- rights eval FILE`).
#[path = "../../cli/src/rights.rs"]
mod rights;

#[derive(clap::Parser)]
enum Cli {
    #[command(subcommand)]
    Rights(rights::RightsCommand),
    #[command(subcommand)]
    Rules(rights::RulesCommand),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    match <Cli as clap::Parser>::parse() {
        Cli::Rights(c) => rights::run_rights(c),
        Cli::Rules(c) => rights::run_rules(c),
    }
}

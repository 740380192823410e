//! Project automation, run as `cargo xtask <command>` (the alias is in `.cargo/config.toml`).
//!
//! One module per command; arguments are parsed by hand to keep this crate's dependencies few.

mod audit;
mod bench;
mod build_spa;
mod demo;
mod schema;
mod test;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};

const HELP: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  audit                   Check Cargo.lock against the RustSec advisory database (offline)
  build-spa [--release]   Build the admin app (WASM) into app/dist/
  demo [ARGS…]            Build the SPA and start the server with demo data (SQLite);
                          ARGS go to `guichet serve`, e.g. --bind 0.0.0.0:8080
  test [--no-lint]        Everything CI runs: prepare services, rustfmt, clippy, SPA, tests
  schema                  Regenerate schema.graphql from the server
  bench [--tickets N] [--backend sqlite|postgres|both] [--runs N]
                          Query latency on a large tenant (release build)
  bench live [--subscribers 1000,10000] [--rounds N] [--backend sqlite|postgres|both]
                          One ticket change delivered to that many subscriptions:
                          latency, SQL per event, memory per socket (release build)
  help                    Show this help
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((command, options)) = args.split_first() else {
        print!("{HELP}");
        return Ok(());
    };
    match command.as_str() {
        "audit" => audit::run(),
        "build-spa" => build_spa::run(&build_spa::Options::parse(options)?),
        "demo" => demo::run(options),
        "test" => test::run(options),
        "schema" => schema::run(),
        "bench" => bench::run(options),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{HELP}"),
    }
}

/// The workspace root: this crate's parent folder. Read from the environment `cargo run`
/// sets, not only from compile time: with a shared target folder, a binary built in another
/// clone can be reused, and its compile-time path would point there.
pub fn workspace_root() -> PathBuf {
    (std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        std::path::PathBuf::from,
    ))
    .parent()
    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace root) or
/// `<workspace>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

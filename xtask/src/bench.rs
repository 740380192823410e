//! `cargo xtask bench [--tickets N] [--backend sqlite|postgres|both]`: query latency on a
//! large tenant (the `queries` bench of the tests crate, in release mode).
//!
//! `cargo xtask bench live [--subscribers 1000,10000] [--rounds N] [--backend B]`: one
//! ticket change delivered to that many subscriptions (the `live_fanout` bench).

use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::workspace_root;

/// Runs the benchmark.
pub fn run(options: &[String]) -> Result<()> {
    let (bench, options) = match options.first().map(String::as_str) {
        Some("live") => ("live_fanout", &options[1..]),
        _ => ("queries", options),
    };
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(workspace_root())
        .args(["bench", "-p", "guichet-tests", "--bench", bench]);
    let mut args = options.iter();
    while let Some(option) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{option} needs a value"))?;
        match option.as_str() {
            "--tickets" => command.env("GUICHET_BENCH_TICKETS", value),
            "--backend" => command.env("GUICHET_BENCH_BACKEND", value),
            "--runs" => command.env("GUICHET_BENCH_RUNS", value),
            "--subscribers" => command.env("GUICHET_BENCH_SUBSCRIBERS", value),
            "--rounds" => command.env("GUICHET_BENCH_ROUNDS", value),
            other => bail!(
                "unknown option `{other}` (--tickets N, --backend B, --runs N; for live: \
                 --subscribers N,M, --rounds N, --backend B)"
            ),
        };
    }
    let status = command.status().context("cannot run cargo bench")?;
    ensure!(status.success(), "the benchmark failed or missed a target");
    Ok(())
}

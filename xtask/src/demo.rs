//! `cargo xtask demo`: builds the SPA as it is deployed (size-optimised: `--release`, then
//! wasm-opt) and starts the server with demo data on SQLite.

use std::process::Command;

use anyhow::{ensure, Context, Result};

use crate::{build_spa, workspace_root};

/// Builds the release SPA, then runs `guichet serve --demo` with `extra` arguments (e.g. `--bind`).
pub fn run(extra: &[String]) -> Result<()> {
    build_spa::run(&build_spa::Options { release: true })?;
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "run", "-p", "server", "--bin", "guichet", "--", "serve", "--demo",
        ])
        .args(extra)
        .status()
        .context("cannot start the server")?;
    ensure!(status.success(), "the server stopped with {status}");
    Ok(())
}

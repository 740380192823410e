//! `cargo xtask test`: everything CI checks, in the order that fails fastest. Installs or
//! starts what is missing (wasm32 target, Chromium, PostgreSQL) through `.ci/prepare.sh`.

use std::process::Command;

use anyhow::{ensure, Context, Result};

use crate::{build_spa, workspace_root};

fn cargo(args: &[&str]) -> Result<()> {
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(args)
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    ensure!(status.success(), "cargo {} failed", args.join(" "));
    Ok(())
}

/// Runs the checks; `--no-lint` skips rustfmt and clippy.
pub fn run(options: &[String]) -> Result<()> {
    let lint = !options.iter().any(|o| o == "--no-lint");
    let root = workspace_root();
    let status = Command::new("bash")
        .arg(root.join(".ci/prepare.sh"))
        .current_dir(&root)
        .status()
        .context("cannot run .ci/prepare.sh")?;
    ensure!(status.success(), ".ci/prepare.sh failed");
    if lint {
        cargo(&["fmt", "--all", "--", "--check"])?;
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])?;
    }
    build_spa::run(&build_spa::Options::parse(&[])?)?;
    cargo(&["test", "--workspace", "--no-fail-fast"])
}

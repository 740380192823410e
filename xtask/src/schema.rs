//! `cargo xtask schema`: regenerates the committed `schema.graphql` from the server.

use std::process::Command;

use anyhow::{ensure, Context, Result};

use crate::workspace_root;

/// Writes the server's SDL to `schema.graphql`.
pub fn run() -> Result<()> {
    let root = workspace_root();
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "run", "--quiet", "-p", "server", "--bin", "guichet", "--", "schema",
        ])
        .output()
        .context("cannot run `guichet schema`")?;
    ensure!(
        output.status.success(),
        "`guichet schema` failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(root.join("schema.graphql"), &output.stdout)
        .context("cannot write schema.graphql")?;
    println!("schema.graphql regenerated");
    Ok(())
}

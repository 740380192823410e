//! `cargo xtask audit`: checks `Cargo.lock` against the RustSec advisory database, offline
//! (the machines cannot fetch it: a snapshot is kept beside the project). A vulnerability
//! fails the check unless `xtask/audit-exceptions.toml` accepts its advisory with a reason.
//!
//! The database is the folder named by `GUICHET_ADVISORY_DB`, else the first of
//! `../shared/advisory-db` (beside the project) and `/work/shared/advisory-db` that exists.
//! Without one the check is skipped with a warning, except in CI (`CI=true`), where it
//! fails.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;

use crate::workspace_root;

/// The accepted advisories: id → why.
#[derive(Debug, Deserialize)]
struct Exceptions {
    #[serde(default)]
    accepted: BTreeMap<String, String>,
}

fn database_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GUICHET_ADVISORY_DB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let root = workspace_root();
    [
        root.join("../shared/advisory-db"),
        PathBuf::from("/work/shared/advisory-db"),
    ]
    .into_iter()
    .find(|p| p.join("crates").is_dir())
}

fn exceptions() -> Result<Exceptions> {
    let path = workspace_root().join("xtask/audit-exceptions.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let exceptions: Exceptions =
        toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))?;
    for (id, reason) in &exceptions.accepted {
        ensure!(
            !reason.trim().is_empty(),
            "{id} is accepted without a reason in {}",
            path.display()
        );
    }
    Ok(exceptions)
}

/// Runs the check.
pub fn run() -> Result<()> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Some(path) = database_path() else {
        if in_ci {
            bail!("no RustSec advisory database: set GUICHET_ADVISORY_DB");
        }
        println!("audit: no advisory database found (set GUICHET_ADVISORY_DB); skipped");
        return Ok(());
    };
    let database = rustsec::Database::open(&path)
        .with_context(|| format!("cannot open the advisory database {}", path.display()))?;
    let lockfile = rustsec::Lockfile::load(workspace_root().join("Cargo.lock"))
        .context("cannot read Cargo.lock")?;
    let accepted = exceptions()?.accepted;
    let mut refused = Vec::new();
    let found = database.vulnerabilities(&lockfile);
    for vulnerability in &found {
        let id = vulnerability.advisory.id.to_string();
        let line = format!(
            "{id} {} {}: {} (patched: {})",
            vulnerability.package.name,
            vulnerability.package.version,
            vulnerability.advisory.title,
            vulnerability
                .versions
                .patched()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        match accepted.get(&id) {
            Some(reason) => println!("audit: accepted {line}\n       because {reason}"),
            None => refused.push(line),
        }
    }
    println!(
        "audit: {} packages checked against {} advisories ({}): {} vulnerable, {} accepted",
        lockfile.packages.len(),
        database.iter().count(),
        path.display(),
        refused.len(),
        found.len() - refused.len()
    );
    ensure!(
        refused.is_empty(),
        "vulnerable dependencies:\n{}",
        refused.join("\n")
    );
    Ok(())
}

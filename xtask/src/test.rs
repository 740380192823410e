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
    crate::audit::run()?;
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
    run_tests()?;
    // The benchmark on a tiny data set, so that it keeps working (figures come from
    // `cargo xtask bench`).
    // `--workspace`, so that features resolve as for the suite and nothing is rebuilt.
    cargo(&["test", "--workspace", "--bench", "queries"])?;
    cargo(&["test", "--workspace", "--bench", "sign_in_load"])?;
    cargo(&["test", "--workspace", "--bench", "live_fanout"])
}

/// Runs the test suite, echoing its output, and ends with one summary line over every test
/// binary (`tests: N passed, M failed`), since the last binaries cargo runs (doc tests)
/// often have none.
fn run_tests() -> Result<()> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let args = ["test", "--workspace", "--no-fail-fast"];
    println!("$ cargo {}", args.join(" "));
    let mut child = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo test")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count_before(rest, " passed");
                failed += count_before(rest, " failed");
            }
        }
    }
    let status = child.wait()?;
    println!("tests: {passed} passed, {failed} failed");
    ensure!(status.success() && failed == 0, "cargo test failed");
    ensure!(passed > 0, "no test ran");
    Ok(())
}

/// The number just before `label` in a `test result:` line.
fn count_before(line: &str, label: &str) -> u64 {
    line.find(label)
        .and_then(|end| line[..end].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::count_before;

    #[test]
    fn counts_are_read_from_test_result_lines() {
        let line =
            "ok. 16 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 21.75s";
        assert_eq!(count_before(line, " passed"), 16);
        assert_eq!(count_before(line, " failed"), 2);
    }
}

//! `cargo xtask build-spa [--release]`: builds the `app` crate for the browser and writes
//! `app/dist/` (`index.html`, `style.css`, `app.js`, `app_bg.wasm`), which the server serves.
//!
//! wasm-bindgen runs in-process through `wasm-bindgen-cli-support`, pinned to the same
//! version as the `wasm-bindgen` crate, so no binary has to be downloaded or installed.

use std::fs;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use wasm_bindgen_cli_support::Bindgen;

use crate::{target_dir, workspace_root};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The profile of `--release`, defined in the root `Cargo.toml`.
const RELEASE_PROFILE: &str = "release-wasm";

/// The name of the generated files (`app.js`, `app_bg.wasm`), as `index.html` imports them.
const OUT_NAME: &str = "app";

/// The static files copied next to the generated ones.
const STATIC_FILES: [&str; 3] = ["index.html", "style.css", "boot.js"];

/// What `build-spa` was asked for.
#[derive(Debug, Default)]
pub struct Options {
    /// Build with the size-optimised `release-wasm` profile instead of `dev`.
    pub release: bool,
}

impl Options {
    /// Reads the command's arguments.
    pub fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--release" => options.release = true,
                other => bail!("build-spa: unknown option `{other}` (expected --release)"),
            }
        }
        Ok(options)
    }
}

/// Builds the app and writes `app/dist/`.
pub fn run(options: &Options) -> Result<()> {
    let root = workspace_root();
    let started = Instant::now();

    ensure_wasm_target()?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(&root).args([
        "build",
        "--package",
        "app",
        "--bin",
        "app",
        "--target",
        WASM_TARGET,
    ]);
    if options.release {
        build.args(["--profile", RELEASE_PROFILE]);
    }
    run_command(&mut build)?;

    let profile_dir = if options.release {
        RELEASE_PROFILE
    } else {
        "debug"
    };
    let wasm = target_dir(&root)
        .join(WASM_TARGET)
        .join(profile_dir)
        .join(format!("{OUT_NAME}.wasm"));
    if !wasm.is_file() {
        bail!("cargo did not produce {}", wasm.display());
    }

    let app_dir = root.join("app");
    let dist = app_dir.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("creating {}", dist.display()))?;

    // `omit_default_module_path(false)`: without the default path the generated `init()`
    // cannot find `app_bg.wasm` and the page stays blank. No `keep_debug`: it makes a debug
    // build's wasm about twenty times larger and the glue step slow. A release build also
    // drops the function names, more than half of its size; a debug build keeps them for
    // readable panics.
    Bindgen::new()
        .input_path(&wasm)
        .out_name(OUT_NAME)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .remove_name_section(options.release)
        .generate(&dist)
        .with_context(|| format!("running wasm-bindgen on {}", wasm.display()))?;

    for file in STATIC_FILES {
        let from = app_dir.join(file);
        fs::copy(&from, dist.join(file)).with_context(|| format!("copying {}", from.display()))?;
    }

    let wasm_size = fs::metadata(dist.join(format!("{OUT_NAME}_bg.wasm")))
        .map(|metadata| metadata.len())
        .unwrap_or_default();
    println!(
        "build-spa: wrote {} ({} KiB of wasm) in {:.1} s",
        dist.display(),
        wasm_size / 1024,
        started.elapsed().as_secs_f32()
    );
    Ok(())
}

/// Installs the wasm target with rustup when it is missing (a fresh machine lacks it).
fn ensure_wasm_target() -> Result<()> {
    let installed = match Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        Ok(output) if output.status.success() => output.stdout,
        // No rustup: the toolchain was installed some other way; let cargo say what lacks.
        _ => return Ok(()),
    };
    if String::from_utf8_lossy(&installed)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    println!("build-spa: installing the {WASM_TARGET} target");
    run_command(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn run_command(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

//! `cargo xtask build-spa [--release]`: builds the `app` crate for the browser and writes
//! `app/dist/`, which the server serves:
//!
//! - `index.html`, which names every other file by its content: `style-<hash>.css`,
//!   `boot-<hash>.js`, `app-<hash>.js` (wasm-bindgen's glue) and `app_bg-<hash>.wasm`, where
//!   `<hash>` is the first 16 hex digits of the file's SHA-256. A name never changes meaning,
//!   so the server lets browsers keep these files for a year; only `index.html` is asked for
//!   again.
//! - beside each file, its `.br` (brotli) and `.gz` (gzip), which the server sends to
//!   browsers that accept them, so nothing is compressed per request: at brotli 11 and gzip 9
//!   for a release build, at fast levels for a debug one (see [`Levels`]).
//!
//! Debug and release builds write the same names, so the server and the tests have one case.
//! `--release` uses the size-optimised `release-wasm` profile and then runs `wasm-opt` on what
//! wasm-bindgen wrote.
//!
//! wasm-bindgen runs in-process through `wasm-bindgen-cli-support`, pinned to the same
//! version as the `wasm-bindgen` crate; `wasm-opt` comes from Debian's `binaryen` package,
//! installed with apt when missing. Nothing prebuilt is downloaded.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use wasm_bindgen_cli_support::Bindgen;

use crate::{target_dir, workspace_root};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The profile of `--release`, defined in the root `Cargo.toml`.
const RELEASE_PROFILE: &str = "release-wasm";

/// The stem of wasm-bindgen's files (`app.js`, `app_bg.wasm`). `boot.js` and `index.html`
/// name them so in the sources; the build replaces these names with the hashed ones.
const OUT_NAME: &str = "app";

/// What `wasm-opt` is asked for, after wasm-bindgen (which rewrites the module, so running it
/// before would be partly undone). `-Oz` gave the smallest file of `-O2`, `-O3`, `-O4`, `-Os`
/// and `-Oz`, by about 5 %; compressed, all are within 0.5 % (docs/benchmarks.md, "The SPA's
/// size"). The features are those rustc enables
/// for wasm32 and writes in the module's `target_features` section (bulk memory,
/// non-trapping float-to-int, sign extension, reference types, multi-value, mutable
/// globals); binaryen 108 reads that section too, the flags keep it working without. Not
/// `--all-features`: its output is 14 % smaller but uses `call_ref` (typed function
/// references), which rustc never emits and older browsers (Safari before 18) refuse.
/// `--strip-debug` and `--strip-producers` are left out: there is nothing left to strip
/// (wasm-bindgen dropped the names), and with them the output came out 13 KB larger.
const WASM_OPT_ARGS: [&str; 7] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-mutable-globals",
];

/// How hard the files are compressed.
#[derive(Clone, Copy)]
struct Levels {
    /// Brotli's quality, 0–11.
    brotli: i32,
    /// Gzip's level, 0–9.
    gzip: u32,
}

impl Levels {
    /// For a release build, what is deployed: the best of both (brotli 11 with the largest
    /// window every browser decodes, gzip 9).
    const RELEASE: Levels = Levels {
        brotli: 11,
        gzip: 9,
    };

    /// For a debug build, which only the tests and local runs receive: fast levels. Its wasm
    /// is about 46 MB (names kept for readable panics): brotli 11 would take about 25 minutes
    /// on it here (xtask, and so the brotli crate, is built unoptimised); brotli 3 and gzip 1
    /// take about ten seconds.
    const DEBUG: Levels = Levels { brotli: 3, gzip: 1 };
}

/// Brotli's largest window that every browser decodes.
const BROTLI_WINDOW: i32 = 24;

/// What `build-spa` was asked for.
#[derive(Debug, Default)]
pub struct Options {
    /// Build with the size-optimised `release-wasm` profile instead of `dev`, then `wasm-opt`.
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

    /// The folder of cargo's output for this build, under the target's.
    fn profile_dir(&self) -> &'static str {
        if self.release {
            RELEASE_PROFILE
        } else {
            "debug"
        }
    }
}

/// Builds the app and writes `app/dist/`.
pub fn run(options: &Options) -> Result<()> {
    let root = workspace_root();
    let started = Instant::now();

    ensure_wasm_target()?;
    // Before the long build, so that a missing tool fails at once.
    if options.release {
        ensure_wasm_opt()?;
    }
    let wasm = build_wasm(&root, options)?;

    // wasm-bindgen writes into a folder of its own; the files then go to `dist` under their
    // hashed names.
    let bindgen_dir = target_dir(&root)
        .join("spa-bindgen")
        .join(options.profile_dir());
    let (glue_path, mut wasm_path) = generate_glue(&wasm, &bindgen_dir, options.release)?;
    if options.release {
        // Beside wasm-bindgen's output, which stays there to compare with.
        let optimised = bindgen_dir.join(format!("{OUT_NAME}_bg.opt.wasm"));
        optimise_wasm(&wasm_path, &optimised)?;
        wasm_path = optimised;
    }

    let compressing = Instant::now();
    let app_dir = root.join("app");
    let files = name_files(
        &app_dir,
        read(&glue_path)?,
        read(&wasm_path)?,
        read(&app_dir.join("style.css"))?,
    )?;
    let dist = app_dir.join("dist");
    let levels = if options.release {
        Levels::RELEASE
    } else {
        Levels::DEBUG
    };
    let written = write_files(&dist, &files, levels)?;
    println!(
        "build-spa: compressed in {:.1} s",
        compressing.elapsed().as_secs_f32()
    );

    for file in written.iter().filter(|file| file.name.ends_with(".wasm")) {
        println!(
            "build-spa: {}: {} KiB, {} KiB gzip, {} KiB brotli",
            file.name,
            file.identity / 1024,
            file.gzip / 1024,
            file.brotli / 1024
        );
    }
    // Every file is what a first visit loads.
    println!(
        "build-spa: wrote {} in {:.1} s: a first visit loads {} KiB ({} KiB with brotli)",
        dist.display(),
        started.elapsed().as_secs_f32(),
        written.iter().map(|file| file.identity).sum::<u64>() / 1024,
        written.iter().map(|file| file.brotli).sum::<u64>() / 1024,
    );
    Ok(())
}

/// Builds the app for wasm32: the path of cargo's wasm.
fn build_wasm(root: &Path, options: &Options) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(root).args([
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

    let wasm = target_dir(root)
        .join(WASM_TARGET)
        .join(options.profile_dir())
        .join(format!("{OUT_NAME}.wasm"));
    if !wasm.is_file() {
        bail!("cargo did not produce {}", wasm.display());
    }
    Ok(wasm)
}

/// Runs wasm-bindgen on `wasm` into `out_dir`: the paths of the glue and of the wasm.
fn generate_glue(wasm: &Path, out_dir: &Path, release: bool) -> Result<(PathBuf, PathBuf)> {
    let started = Instant::now();
    recreate_dir(out_dir)?;
    // `omit_default_module_path(true)`: `boot.js` always passes the (hashed) wasm's address
    // to `init()`, so the glue's default (`app_bg.wasm`, a name that no longer exists) would
    // only mislead. No `keep_debug`: it would add a debug build's DWARF (about 100 MB) to
    // the wasm and make the glue step slow. A release build also drops the function names,
    // more than half of its size; a debug build keeps them for readable panics.
    Bindgen::new()
        .input_path(wasm)
        .out_name(OUT_NAME)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(true)
        .remove_name_section(release)
        .generate(out_dir)
        .with_context(|| format!("running wasm-bindgen on {}", wasm.display()))?;
    println!(
        "build-spa: wasm-bindgen in {:.1} s",
        started.elapsed().as_secs_f32()
    );
    let glue = out_dir.join(format!("{OUT_NAME}.js"));
    let wasm = out_dir.join(format!("{OUT_NAME}_bg.wasm"));
    // Only these two go to `dist`: JavaScript snippets (`#[wasm_bindgen(inline_js)]`, a
    // `snippets/` folder) would be left behind, and the app would fail to load.
    for entry in fs::read_dir(out_dir)? {
        let path = entry?.path();
        if path != glue && path != wasm {
            bail!(
                "wasm-bindgen also wrote {}, which build-spa does not copy to dist",
                path.display()
            );
        }
    }
    Ok((glue, wasm))
}

/// A file of `dist`: its name there and its content.
struct DistFile {
    name: String,
    content: Vec<u8>,
}

/// Gives each file its hashed name and points `boot.js` and `index.html` at those names.
/// Each file's name comes from its final content, so `boot.js` is hashed after the names it
/// holds are written into it, and `index.html` keeps its name.
fn name_files(
    app_dir: &Path,
    glue: Vec<u8>,
    wasm: Vec<u8>,
    style: Vec<u8>,
) -> Result<Vec<DistFile>> {
    let glue = DistFile::hashed("app", "js", glue);
    let wasm = DistFile::hashed("app_bg", "wasm", wasm);
    let style = DistFile::hashed("style", "css", style);

    let boot = replace_names(
        &app_dir.join("boot.js"),
        &[("./app.js", &glue.name), ("./app_bg.wasm", &wasm.name)],
    )?;
    let boot = DistFile::hashed("boot", "js", boot.into_bytes());

    let index = replace_names(
        &app_dir.join("index.html"),
        &[
            ("./style.css", &style.name),
            ("./boot.js", &boot.name),
            ("./app.js", &glue.name),
            ("./app_bg.wasm", &wasm.name),
        ],
    )?;
    let index = DistFile {
        name: "index.html".to_owned(),
        content: index.into_bytes(),
    };
    Ok(vec![index, style, boot, glue, wasm])
}

impl DistFile {
    /// `<stem>-<first 16 hex digits of the SHA-256 of content>.<extension>`.
    fn hashed(stem: &str, extension: &str, content: Vec<u8>) -> DistFile {
        let digest = format!("{:x}", Sha256::digest(&content));
        DistFile {
            name: format!("{stem}-{}.{extension}", &digest[..16]),
            content,
        }
    }
}

/// The file at `path` with each `./<name>` of `names` replaced by `./<hashed name>`; a name
/// the file no longer mentions is an error, not a page that silently loads nothing.
fn replace_names(path: &Path, names: &[(&str, &String)]) -> Result<String> {
    let mut text =
        fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    for (from, to) in names {
        if !text.contains(from) {
            bail!(
                "{} no longer mentions `{from}`, which the build points at `{to}`",
                path.display()
            );
        }
        text = text.replace(from, &format!("./{to}"));
    }
    Ok(text)
}

/// The sizes of a written file, as sent without compression, with gzip and with brotli.
struct WrittenFile {
    name: String,
    identity: u64,
    gzip: u64,
    brotli: u64,
}

/// Writes each file into `dist`, emptied first, with its `.gz` and `.br` beside it. The files
/// are compressed at the same time, one thread per file and encoding (the wasm's brotli
/// takes most of the time), before `dist` is emptied: a server running meanwhile keeps
/// serving the previous build for all that time.
fn write_files(dist: &Path, files: &[DistFile], levels: Levels) -> Result<Vec<WrittenFile>> {
    let compressed = std::thread::scope(|scope| {
        let jobs: Vec<_> = files
            .iter()
            .map(|file| {
                (
                    scope.spawn(move || gzip(&file.content, levels.gzip)),
                    scope.spawn(move || brotli(&file.content, levels.brotli)),
                )
            })
            .collect();
        jobs.into_iter()
            .map(|(gzip, brotli)| -> Result<(Vec<u8>, Vec<u8>)> {
                let gzip = gzip
                    .join()
                    .map_err(|_| anyhow::anyhow!("gzip panicked"))??;
                let brotli = brotli
                    .join()
                    .map_err(|_| anyhow::anyhow!("brotli panicked"))??;
                Ok((gzip, brotli))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    recreate_dir(dist)?;
    let mut written = Vec::new();
    for (file, (gzip, brotli)) in files.iter().zip(compressed) {
        write(&dist.join(&file.name), &file.content)?;
        write(&dist.join(format!("{}.gz", file.name)), &gzip)?;
        write(&dist.join(format!("{}.br", file.name)), &brotli)?;
        written.push(WrittenFile {
            name: file.name.clone(),
            identity: file.content.len() as u64,
            gzip: gzip.len() as u64,
            brotli: brotli.len() as u64,
        });
    }
    Ok(written)
}

/// Gzip at `level`. The header's time stays zero, so a build is reproducible.
fn gzip(content: &[u8], level: u32) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    encoder.write_all(content)?;
    Ok(encoder.finish()?)
}

/// Brotli at `quality`.
fn brotli(content: &[u8], quality: i32) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        lgwin: BROTLI_WINDOW,
        size_hint: content.len(),
        ..Default::default()
    };
    let mut compressed = Vec::new();
    brotli::BrotliCompress(&mut &content[..], &mut compressed, &params)?;
    Ok(compressed)
}

/// Runs `wasm-opt` on `wasm`, writing `optimised`.
fn optimise_wasm(wasm: &Path, optimised: &Path) -> Result<()> {
    let started = Instant::now();
    run_command(
        Command::new("wasm-opt")
            .args(WASM_OPT_ARGS)
            .arg(wasm)
            .arg("-o")
            .arg(optimised),
    )?;
    let before = read(wasm)?;
    let mut after = read(optimised)?;
    let restored = restore_table_exports(&before, &mut after)?;
    if restored > 0 {
        println!("build-spa: wasm-opt exported {restored} table(s) as table 0; put back");
        write(optimised, &after)?;
    }
    println!(
        "build-spa: wasm-opt: {} KiB -> {} KiB in {:.1} s",
        before.len() / 1024,
        after.len() / 1024,
        started.elapsed().as_secs_f32()
    );
    Ok(())
}

/// Binaryen before version 110 (Debian 12 has 108) writes every exported table as table 0
/// (binaryen issue 4711): wasm-bindgen's `__wbindgen_externrefs`, the second table, then
/// names the function table and the app fails at start ("WebAssembly.Table.set(): Argument
/// 1 is invalid for table"). This points each table export of `optimised` back at the
/// table `original` exports under that name, once sure both list tables of the same types;
/// the number of exports it changed (none with a fixed binaryen).
fn restore_table_exports(original: &[u8], optimised: &mut [u8]) -> Result<usize> {
    let before = WasmTables::read(original).context("reading wasm-bindgen's wasm")?;
    let after = WasmTables::read(optimised).context("reading wasm-opt's wasm")?;
    if before.types != after.types {
        bail!("wasm-opt changed the module's tables; its table exports cannot be checked");
    }
    let mut restored = 0;
    for export in &after.exports {
        let Some(wanted) = before
            .exports
            .iter()
            .find(|original| original.name == export.name)
            .map(|original| original.index)
        else {
            continue;
        };
        if wanted != export.index {
            // One LEB128 byte on each side: the index is below 128.
            let (Ok(byte @ 0..=127), 1) = (u8::try_from(wanted), export.length) else {
                bail!("cannot restore a table export at index {wanted}");
            };
            optimised[export.offset] = byte;
            restored += 1;
        }
    }
    Ok(restored)
}

/// The tables of a wasm module, as far as [`restore_table_exports`] needs them.
#[derive(Default)]
struct WasmTables {
    /// The element type of each table (`0x70` funcref, `0x6f` externref), imports first.
    types: Vec<u8>,
    exports: Vec<TableExport>,
}

/// An exported table: its name, index, and where that index is written (offset, bytes).
struct TableExport {
    name: Vec<u8>,
    index: u64,
    offset: usize,
    length: usize,
}

impl WasmTables {
    /// Reads the import, table and export sections (the binary format's, version 1).
    fn read(wasm: &[u8]) -> Result<WasmTables> {
        if wasm.get(..8) != Some(b"\0asm\x01\0\0\0") {
            bail!("not a wasm module");
        }
        let mut reader = WasmReader { wasm, at: 8 };
        let mut tables = WasmTables::default();
        while reader.at < wasm.len() {
            let section = reader.byte()?;
            let size = usize::try_from(reader.leb()?)?;
            let end = reader.at + size;
            match section {
                // Imports: a table import takes the next table index.
                2 => {
                    for _ in 0..reader.leb()? {
                        reader.name()?;
                        reader.name()?;
                        // Function (type), table, memory, global (type, mutability), tag.
                        match reader.byte()? {
                            0 => {
                                reader.leb()?;
                            }
                            1 => tables.types.push(reader.table_type()?),
                            2 => reader.limits()?,
                            3 => {
                                reader.value_type()?;
                                reader.byte()?;
                            }
                            4 => {
                                reader.byte()?;
                                reader.leb()?;
                            }
                            kind => bail!("unknown import kind {kind}"),
                        }
                    }
                }
                4 => {
                    for _ in 0..reader.leb()? {
                        tables.types.push(reader.table_type()?);
                    }
                }
                7 => {
                    for _ in 0..reader.leb()? {
                        let name = reader.name()?.to_vec();
                        let kind = reader.byte()?;
                        let offset = reader.at;
                        let index = reader.leb()?;
                        if kind == 1 {
                            tables.exports.push(TableExport {
                                name,
                                index,
                                offset,
                                length: reader.at - offset,
                            });
                        }
                    }
                }
                _ => {}
            }
            reader.at = end;
        }
        Ok(tables)
    }
}

/// A cursor over a wasm module's bytes.
struct WasmReader<'a> {
    wasm: &'a [u8],
    at: usize,
}

impl<'a> WasmReader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let byte = *self.wasm.get(self.at).context("wasm module cut short")?;
        self.at += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 number.
    fn leb(&mut self) -> Result<u64> {
        let mut value = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        bail!("LEB128 number too long")
    }

    fn name(&mut self) -> Result<&'a [u8]> {
        let length = usize::try_from(self.leb()?)?;
        let name = self
            .wasm
            .get(self.at..self.at + length)
            .context("wasm module cut short")?;
        self.at += length;
        Ok(name)
    }

    /// A number or reference type; typed references (GC) are not expected from rustc.
    fn value_type(&mut self) -> Result<u8> {
        match self.byte()? {
            value_type @ (0x6f..=0x70 | 0x7b..=0x7f) => Ok(value_type),
            other => bail!("unexpected value type {other:#x}"),
        }
    }

    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 == 1 {
            self.leb()?;
        }
        Ok(())
    }

    fn table_type(&mut self) -> Result<u8> {
        let element = self.value_type()?;
        self.limits()?;
        Ok(element)
    }
}

/// Makes sure `wasm-opt` is on the `PATH`: installs Debian's `binaryen` package with apt
/// (as root, or with sudo) when it is missing, as `.ci/prepare.sh` does for Chromium.
fn ensure_wasm_opt() -> Result<()> {
    if wasm_opt_version().is_some() {
        return Ok(());
    }
    println!("build-spa: wasm-opt is missing; installing Debian's binaryen package");
    // `env` inside sudo: sudo resets the environment.
    let mut words = if is_root() {
        vec![]
    } else if Command::new("sudo").arg("--version").output().is_ok() {
        vec!["sudo"]
    } else {
        bail!("{WASM_OPT_MISSING}");
    };
    words.extend(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-qq"]);
    for args in [&["update"][..], &["install", "-y", "binaryen"][..]] {
        run_command(Command::new(words[0]).args(&words[1..]).args(args))
            .context(WASM_OPT_MISSING)?;
    }
    match wasm_opt_version() {
        Some(version) => {
            println!("build-spa: installed {version}");
            Ok(())
        }
        None => bail!("{WASM_OPT_MISSING}"),
    }
}

const WASM_OPT_MISSING: &str = "`build-spa --release` needs wasm-opt, from Debian's binaryen \
     package: install it with `sudo apt-get install binaryen` (or run .ci/prepare.sh), then retry";

/// `wasm-opt --version`'s answer (`wasm-opt version 108`), when it runs.
fn wasm_opt_version() -> Option<String> {
    let output = Command::new("wasm-opt").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
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

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, content: &[u8]) -> Result<()> {
    fs::write(path, content).with_context(|| format!("writing {}", path.display()))
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

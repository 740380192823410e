//! The architecture's invariants that Cargo cannot check, as tests (in the spirit of
//! rust-analyzer's `xtask/src/tidy.rs`): run with `cargo test -p xtask`, and so by CI.
//!
//! What Cargo checks by itself: the domain is a crate of its own (`server/domain`) whose
//! manifest names no HTTP or GraphQL crate, so an `axum` import there does not build. What
//! these tests add: that the manifests stay that way, that the doors (GraphQL, HTTP and the
//! channel adapters in `server/src/channels`) run no database query of their own, that
//! `entity` knows nothing of GraphQL, that the SPA depends on no server crate, and that
//! `unwrap`/`expect` stay denied outside tests.

#![cfg(test)]

use std::path::{Path, PathBuf};

use crate::workspace_root;

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The names of the `[dependencies]` (and target-specific dependencies) of a manifest.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = read(manifest);
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]");
            continue;
        }
        if in_dependencies && !line.is_empty() && !line.starts_with('#') {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                names.push(name.trim().to_owned());
            }
        }
    }
    names
}

/// `(file, line number, line)` of every non-comment line under `dir` that contains one of
/// `needles`.
fn find(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        for (number, line) in read(&file).lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if needles.iter().any(|n| code.contains(n)) {
                found.push(format!("{}:{}: {}", file.display(), number + 1, code));
            }
        }
    }
    found
}

const DOORS_AND_WIRES: &[&str] = &[
    "axum",
    "async-graphql",
    "async-graphql-axum",
    "tower",
    "tower-http",
    "hyper",
    "reqwest",
    "lettre",
    "mail-parser",
];

#[test]
fn the_domain_names_no_door_or_wire_crate() {
    let root = workspace_root();
    let deps = dependencies(&root.join("server/domain/Cargo.toml"));
    let forbidden: Vec<_> = deps
        .iter()
        .filter(|d| DOORS_AND_WIRES.contains(&d.as_str()))
        .collect();
    assert!(
        forbidden.is_empty(),
        "server/domain/Cargo.toml depends on {forbidden:?}: the domain knows no HTTP, GraphQL or wire format"
    );
    let imports = find(
        &root.join("server/domain/src"),
        &[
            "axum::",
            "async_graphql",
            "reqwest::",
            "lettre::",
            "mail_parser::",
        ],
    );
    assert!(
        imports.is_empty(),
        "the domain imports a door:\n{}",
        imports.join("\n")
    );
}

#[test]
fn entity_knows_nothing_of_graphql() {
    let root = workspace_root();
    let deps = dependencies(&root.join("entity/Cargo.toml"));
    assert!(
        !deps.iter().any(|d| d.starts_with("async-graphql")),
        "entity depends on async-graphql"
    );
    let uses = find(&root.join("entity/src"), &["async_graphql"]);
    assert!(uses.is_empty(), "entity uses GraphQL:\n{}", uses.join("\n"));
}

#[test]
fn the_app_depends_on_no_server_crate() {
    let deps = dependencies(&workspace_root().join("app/Cargo.toml"));
    for crate_name in ["server", "domain", "entity", "migration", "seeds"] {
        assert!(
            !deps.iter().any(|d| d == crate_name),
            "app depends on {crate_name}: its contract is schema.graphql"
        );
    }
}

/// The doors into the domain: the GraphQL resolvers and loaders, the HTTP handlers, and the
/// channel adapters (webhooks in, provider transports out).
const DOORS: &[&str] = &[
    "server/src/graphql",
    "server/src/http",
    "server/src/channels",
];

#[test]
fn the_doors_run_no_query_of_their_own() {
    let root = workspace_root();
    let needles = [
        // Reads and writes through an entity.
        "Entity::find",
        "::find_by_id(",
        "Entity::insert",
        "Entity::update",
        "Entity::delete",
        "update_many()",
        "delete_many()",
        "ActiveModel {",
        // Raw statements.
        "find_by_statement",
        "from_raw_sql",
        ".query_all(",
        ".query_one(",
        "execute_unprepared",
        // Transactions.
        ".begin()",
        // The query builders' traits: without them no query can be built or run.
        "EntityTrait",
        "ActiveModelTrait",
        "QueryFilter",
        "PaginatorTrait",
        "TransactionTrait",
        "ConnectionTrait",
    ];
    let found: Vec<String> = DOORS
        .iter()
        .flat_map(|door| find(&root.join(door), &needles))
        .collect();
    assert!(
        found.is_empty(),
        "the doors must go through domain functions (loaders, exports and channel adapters \
         included):\n{}",
        found.join("\n")
    );
}

#[test]
fn unwrap_and_expect_are_denied_outside_tests() {
    let root = workspace_root();
    let manifest = read(&root.join("Cargo.toml"));
    for lint in ["unwrap_used = \"deny\"", "expect_used = \"deny\""] {
        assert!(
            manifest.contains(lint),
            "the workspace's [workspace.lints.clippy] must say {lint}"
        );
    }
    let clippy = read(&root.join("clippy.toml"));
    for setting in [
        "allow-unwrap-in-tests = true",
        "allow-expect-in-tests = true",
    ] {
        assert!(clippy.contains(setting), "clippy.toml must say {setting}");
    }
    // Every member inherits the workspace lints.
    for member in [
        "server",
        "server/domain",
        "app",
        "entity",
        "migration",
        "seeds",
        "tests",
        "xtask",
    ] {
        let text = read(&root.join(member).join("Cargo.toml"));
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{member}/Cargo.toml does not inherit the workspace lints"
        );
    }
}

/// The domain returns facts and the server's templates (`server/src/texts.rs`) word them:
/// a string literal with non-ASCII text (accents, emoji) outside tests is a sentence for
/// people written in the domain. English sentences slip through this net; review catches
/// those, and `Notice` is where they go.
#[test]
fn the_domain_writes_no_sentences_for_people() {
    let mut found = Vec::new();
    for file in rust_files(&workspace_root().join("server/domain/src")) {
        let text = read(&file);
        // Test modules close the files; what follows `#[cfg(test)]` is theirs.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            let literal = line.split('"').skip(1).step_by(2).any(|s| !s.is_ascii());
            if literal {
                found.push(format!("{}:{}: {line}", file.display(), number + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "sentences belong in server/src/texts.rs (a `Notice` for the domain):\n{}",
        found.join("\n")
    );
}

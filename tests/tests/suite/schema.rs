//! The committed `schema.graphql` is the contract of external tools and of the SPA: it must
//! match the server's schema, and every document the SPA sends must validate against it.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    (std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        std::path::PathBuf::from,
    ))
    .parent()
    .map(Path::to_path_buf)
    .unwrap_or_default()
}

#[test]
fn committed_schema_matches_the_server() {
    let committed =
        std::fs::read_to_string(workspace_root().join("schema.graphql")).unwrap_or_default();
    let current = server::graphql::schema::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: regenerate it with `cargo xtask schema` (or `cargo run -p server --bin guichet -- schema > schema.graphql`) and commit it"
    );
}

#[test]
fn every_spa_document_is_valid_against_the_committed_schema() {
    let sdl = std::fs::read_to_string(workspace_root().join("schema.graphql")).unwrap_or_default();
    let schema = apollo_compiler::Schema::parse_and_validate(sdl, "schema.graphql")
        .unwrap_or_else(|errors| panic!("schema.graphql is not a valid schema: {errors}"));
    let dir = workspace_root().join("app/graphql");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).collect())
        .unwrap_or_default();
    entries.sort_by_key(std::fs::DirEntry::path);
    let mut checked = 0;
    for entry in entries {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("graphql") {
            continue;
        }
        let document = std::fs::read_to_string(&path).unwrap_or_default();
        if let Err(errors) = apollo_compiler::ExecutableDocument::parse_and_validate(
            &schema,
            document,
            path.display().to_string(),
        ) {
            panic!(
                "{} does not validate against schema.graphql:\n{errors}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 5,
        "expected the SPA's GraphQL documents in {}",
        dir.display()
    );
}

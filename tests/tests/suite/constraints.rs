//! Unique violations become `CONFLICT` by the constraint's name, not by words of the driver's
//! message: `domain::error::UNIQUE_CONSTRAINTS` must name every unique index the migrations
//! create, with its table and columns, on both databases; and a duplicate through the API
//! gets that constraint's sentence.

use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use server::domain::error::UNIQUE_CONSTRAINTS;

async fn every_unique_index_has_a_conflict_sentence(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let db = &server.state.services.db;
    let mut found: Vec<(String, String, Vec<String>)> = Vec::new();
    match backend {
        Backend::Sqlite => {
            let indexes = db
                .query_all(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE%'",
                ))
                .await?;
            for index in indexes {
                let name: String = index.try_get("", "name")?;
                let table: String = index.try_get("", "tbl_name")?;
                let columns = db
                    .query_all(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"),
                    ))
                    .await?
                    .iter()
                    .map(|row| row.try_get::<String>("", "name"))
                    .collect::<Result<Vec<_>, _>>()?;
                found.push((name, table, columns));
            }
        }
        Backend::Postgres => {
            let indexes = db
                .query_all(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT i.relname AS name, t.relname AS tbl, \
                     array_to_string(ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) \
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',') AS cols \
                     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
                     JOIN pg_namespace s ON s.oid = t.relnamespace \
                     WHERE x.indisunique AND NOT x.indisprimary AND s.nspname = current_schema()",
                ))
                .await?;
            for index in indexes {
                let columns: String = index.try_get("", "cols")?;
                found.push((
                    index.try_get("", "name")?,
                    index.try_get("", "tbl")?,
                    columns.split(',').map(str::to_owned).collect(),
                ));
            }
        }
    }
    assert!(
        found.len() >= 10,
        "expected the schema's unique indexes, found {found:?}"
    );
    for (name, table, columns) in &found {
        let known = UNIQUE_CONSTRAINTS
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| {
                panic!("unique index {name} on {table} has no row in UNIQUE_CONSTRAINTS")
            });
        assert_eq!(known.table, table, "{name}");
        assert_eq!(known.columns, columns.as_slice(), "{name}");
    }
    for known in UNIQUE_CONSTRAINTS {
        assert!(
            found.iter().any(|(name, _, _)| name == known.name),
            "UNIQUE_CONSTRAINTS names {}, which the migrations do not create",
            known.name
        );
    }

    // A duplicate through the API: the constraint's own sentence.
    let tenant = server.tenant("Doublons").await?;
    let create = "mutation { createCustomer(input: { firstName: \"Léa\", lastName: \"Roux\", email: \"lea@roux.test\" }) { id } }";
    server
        .ok(Some(&tenant.admin_token), create, json!({}))
        .await?;
    let body = server
        .graphql(Some(&tenant.admin_token), create, json!({}))
        .await?;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["message"], "this e-mail address is already in use",
        "{body}"
    );
    Ok(())
}

both_backends!(every_unique_index_has_a_conflict_sentence);

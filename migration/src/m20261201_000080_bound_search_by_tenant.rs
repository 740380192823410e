//! The full-text indexes bounded by tenant, so that a search reads only the caller's
//! tenant's entries in the index instead of every tenant's matches filtered afterwards.
//!
//! - SQLite: `ticket_text` and `message_text` gain a `tenant_id` column (and
//!   `message_text` a `visibility` column), read from their content tables like the text;
//!   a search matches `tenant_id : <id>` together with its words, inside FTS5.
//! - PostgreSQL: the indexed `tsvector`s gain a lexeme naming the tenant
//!   (`guichettenant<id>`), and a search asks for it with its words, so GIN's fast scan
//!   walks the tenant's entries only. (A GIN index leading with `tenant_id` through
//!   `btree_gin` was tried: the planner ignores its tenant column and reads every tenant's
//!   entries for a common word, 25 ms against 1.5 ms on 300 000 rows.) The search still
//!   filters `tenant_id` on the rows: a text that happens to contain another tenant's
//!   lexeme costs a recheck, never a leak.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "DROP TRIGGER IF EXISTS message_text_delete",
    "DROP TRIGGER IF EXISTS message_text_update",
    "DROP TRIGGER IF EXISTS message_text_insert",
    "DROP TRIGGER IF EXISTS ticket_text_delete",
    "DROP TRIGGER IF EXISTS ticket_text_update",
    "DROP TRIGGER IF EXISTS ticket_text_insert",
    "DROP TABLE IF EXISTS message_text",
    "DROP TABLE IF EXISTS ticket_text",
    "CREATE VIRTUAL TABLE ticket_text USING fts5(
        subject, description, tenant_id, content = 'tickets', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE message_text USING fts5(
        body, tenant_id, visibility, content = 'messages', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ticket_text_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_text (rowid, subject, description, tenant_id)
        VALUES (new.id, new.subject, new.description, new.tenant_id);
     END",
    "CREATE TRIGGER ticket_text_update AFTER UPDATE OF subject, description, tenant_id ON tickets BEGIN
        INSERT INTO ticket_text (ticket_text, rowid, subject, description, tenant_id)
        VALUES ('delete', old.id, old.subject, old.description, old.tenant_id);
        INSERT INTO ticket_text (rowid, subject, description, tenant_id)
        VALUES (new.id, new.subject, new.description, new.tenant_id);
     END",
    "CREATE TRIGGER ticket_text_delete AFTER DELETE ON tickets BEGIN
        INSERT INTO ticket_text (ticket_text, rowid, subject, description, tenant_id)
        VALUES ('delete', old.id, old.subject, old.description, old.tenant_id);
     END",
    "CREATE TRIGGER message_text_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_text (rowid, body, tenant_id, visibility)
        VALUES (new.id, new.body, new.tenant_id, new.visibility);
     END",
    "CREATE TRIGGER message_text_update AFTER UPDATE OF body, tenant_id, visibility ON messages BEGIN
        INSERT INTO message_text (message_text, rowid, body, tenant_id, visibility)
        VALUES ('delete', old.id, old.body, old.tenant_id, old.visibility);
        INSERT INTO message_text (rowid, body, tenant_id, visibility)
        VALUES (new.id, new.body, new.tenant_id, new.visibility);
     END",
    "CREATE TRIGGER message_text_delete AFTER DELETE ON messages BEGIN
        INSERT INTO message_text (message_text, rowid, body, tenant_id, visibility)
        VALUES ('delete', old.id, old.body, old.tenant_id, old.visibility);
     END",
    "INSERT INTO ticket_text (ticket_text) VALUES ('rebuild')",
    "INSERT INTO message_text (message_text) VALUES ('rebuild')",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS message_text_delete",
    "DROP TRIGGER IF EXISTS message_text_update",
    "DROP TRIGGER IF EXISTS message_text_insert",
    "DROP TRIGGER IF EXISTS ticket_text_delete",
    "DROP TRIGGER IF EXISTS ticket_text_update",
    "DROP TRIGGER IF EXISTS ticket_text_insert",
    "DROP TABLE IF EXISTS message_text",
    "DROP TABLE IF EXISTS ticket_text",
    "CREATE VIRTUAL TABLE ticket_text USING fts5(
        subject, description, content = 'tickets', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE message_text USING fts5(
        body, content = 'messages', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ticket_text_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_text (rowid, subject, description)
        VALUES (new.id, new.subject, new.description);
     END",
    "CREATE TRIGGER ticket_text_update AFTER UPDATE OF subject, description ON tickets BEGIN
        INSERT INTO ticket_text (ticket_text, rowid, subject, description)
        VALUES ('delete', old.id, old.subject, old.description);
        INSERT INTO ticket_text (rowid, subject, description)
        VALUES (new.id, new.subject, new.description);
     END",
    "CREATE TRIGGER ticket_text_delete AFTER DELETE ON tickets BEGIN
        INSERT INTO ticket_text (ticket_text, rowid, subject, description)
        VALUES ('delete', old.id, old.subject, old.description);
     END",
    "CREATE TRIGGER message_text_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_text (rowid, body) VALUES (new.id, new.body);
     END",
    "CREATE TRIGGER message_text_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO message_text (message_text, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO message_text (rowid, body) VALUES (new.id, new.body);
     END",
    "CREATE TRIGGER message_text_delete AFTER DELETE ON messages BEGIN
        INSERT INTO message_text (message_text, rowid, body) VALUES ('delete', old.id, old.body);
     END",
    "INSERT INTO ticket_text (ticket_text) VALUES ('rebuild')",
    "INSERT INTO message_text (message_text) VALUES ('rebuild')",
];

const POSTGRES_UP: &[&str] = &[
    "DROP INDEX IF EXISTS idx_tickets_search",
    "DROP INDEX IF EXISTS idx_messages_search",
    "CREATE INDEX idx_tickets_search ON tickets USING GIN (to_tsvector('simple', 'guichettenant' || tenant_id::text || ' ' || guichet_fold(subject || ' ' || description)))",
    "CREATE INDEX idx_messages_search ON messages USING GIN (to_tsvector('simple', 'guichettenant' || tenant_id::text || ' ' || guichet_fold(body)))",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_tickets_search",
    "DROP INDEX IF EXISTS idx_messages_search",
    "CREATE INDEX idx_tickets_search ON tickets USING GIN (to_tsvector('simple', guichet_fold(subject || ' ' || description)))",
    "CREATE INDEX idx_messages_search ON messages USING GIN (to_tsvector('simple', guichet_fold(body)))",
];

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// Runs SQLite statements as one batch in one transaction, on one connection: the tables
/// and triggers are dropped and created again under the same names, and a pooled
/// connection with a stale schema would skip a `DROP … IF EXISTS` of an object another
/// connection created (its `CREATE` then fails). Reading `sqlite_master` first brings the
/// connection's schema up to date.
async fn run_batch(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let mut batch = String::from("BEGIN IMMEDIATE;\nSELECT count(*) FROM sqlite_master;\n");
    for statement in statements {
        batch.push_str(statement);
        batch.push_str(";\n");
    }
    batch.push_str("COMMIT;");
    manager.get_connection().execute_unprepared(&batch).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_batch(manager, SQLITE_UP).await,
            DbBackend::Postgres => run_all(manager, POSTGRES_UP).await,
            _ => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_batch(manager, SQLITE_DOWN).await,
            DbBackend::Postgres => run_all(manager, POSTGRES_DOWN).await,
            _ => Ok(()),
        }
    }
}

//! Full-text search over tickets and their threads.
//!
//! PostgreSQL: GIN indexes on `to_tsvector('simple', …)` of ticket subject and description
//! and of message bodies; queries use the same expressions so the indexes apply. The
//! `simple` configuration does no stemming: the seeds' users write French and Dutch.
//!
//! SQLite: an FTS5 table `ticket_search`, one row per ticket text and per message, kept in
//! step by triggers (so every write path, including raw SQL, stays searchable), with
//! diacritics folded (`remove_diacritics 2`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE ticket_search USING fts5(
        body, ticket_id UNINDEXED, tenant_id UNINDEXED, source UNINDEXED, source_id UNINDEXED,
        visibility UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ticket_search_tickets_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        VALUES (new.subject || ' ' || new.description, new.id, new.tenant_id, 'ticket', new.id, 'public');
     END",
    "CREATE TRIGGER ticket_search_tickets_update AFTER UPDATE OF subject, description ON tickets BEGIN
        DELETE FROM ticket_search WHERE source = 'ticket' AND source_id = old.id;
        INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        VALUES (new.subject || ' ' || new.description, new.id, new.tenant_id, 'ticket', new.id, 'public');
     END",
    "CREATE TRIGGER ticket_search_tickets_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM ticket_search WHERE ticket_id = old.id;
     END",
    "CREATE TRIGGER ticket_search_messages_insert AFTER INSERT ON messages BEGIN
        INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        VALUES (new.body, new.ticket_id, new.tenant_id, 'message', new.id, new.visibility);
     END",
    "CREATE TRIGGER ticket_search_messages_update AFTER UPDATE OF body, ticket_id, visibility ON messages BEGIN
        DELETE FROM ticket_search WHERE source = 'message' AND source_id = old.id;
        INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        VALUES (new.body, new.ticket_id, new.tenant_id, 'message', new.id, new.visibility);
     END",
    "CREATE TRIGGER ticket_search_messages_delete AFTER DELETE ON messages BEGIN
        DELETE FROM ticket_search WHERE source = 'message' AND source_id = old.id;
     END",
    // Rows written before this migration.
    "INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        SELECT subject || ' ' || description, id, tenant_id, 'ticket', id, 'public' FROM tickets",
    "INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        SELECT body, ticket_id, tenant_id, 'message', id, visibility FROM messages",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS ticket_search_messages_delete",
    "DROP TRIGGER IF EXISTS ticket_search_messages_update",
    "DROP TRIGGER IF EXISTS ticket_search_messages_insert",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_delete",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_update",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_insert",
    "DROP TABLE IF EXISTS ticket_search",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE INDEX idx_tickets_search ON tickets USING GIN (to_tsvector('simple', subject || ' ' || description))",
    "CREATE INDEX idx_messages_search ON messages USING GIN (to_tsvector('simple', body))",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_messages_search",
    "DROP INDEX IF EXISTS idx_tickets_search",
];

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, POSTGRES_UP).await,
            DbBackend::Sqlite => run_all(manager, SQLITE_UP).await,
            DbBackend::MySql => Err(DbErr::Migration("MySQL is not supported".into())),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, POSTGRES_DOWN).await,
            DbBackend::Sqlite => run_all(manager, SQLITE_DOWN).await,
            DbBackend::MySql => Err(DbErr::Migration("MySQL is not supported".into())),
        }
    }
}

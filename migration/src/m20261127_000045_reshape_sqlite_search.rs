//! SQLite's full-text index, reshaped for size: two external-content FTS5 tables,
//! `ticket_text` over `tickets (subject, description)` and `message_text` over
//! `messages (body)`, whose rowids are the ticket's and the message's ids.
//!
//! The first index (`ticket_search`) kept its own copy of every text with the ticket id,
//! tenant and visibility beside it: a search read that copy back for each matching row to
//! learn its ticket (half a second for two common words on a million tickets), and its
//! triggers found the row to replace by scanning the whole index, since `source_id` is not
//! indexed. Now a match yields ids directly, the texts live only in their tables, and the
//! triggers remove the old entry by rowid with FTS5's `delete` command.
//! PostgreSQL's GIN indexes are unchanged.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "DROP TRIGGER IF EXISTS ticket_search_messages_delete",
    "DROP TRIGGER IF EXISTS ticket_search_messages_update",
    "DROP TRIGGER IF EXISTS ticket_search_messages_insert",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_delete",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_update",
    "DROP TRIGGER IF EXISTS ticket_search_tickets_insert",
    "DROP TABLE IF EXISTS ticket_search",
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

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS message_text_delete",
    "DROP TRIGGER IF EXISTS message_text_update",
    "DROP TRIGGER IF EXISTS message_text_insert",
    "DROP TRIGGER IF EXISTS ticket_text_delete",
    "DROP TRIGGER IF EXISTS ticket_text_update",
    "DROP TRIGGER IF EXISTS ticket_text_insert",
    "DROP TABLE IF EXISTS message_text",
    "DROP TABLE IF EXISTS ticket_text",
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
    "INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        SELECT subject || ' ' || description, id, tenant_id, 'ticket', id, 'public' FROM tickets",
    "INSERT INTO ticket_search (body, ticket_id, tenant_id, source, source_id, visibility)
        SELECT body, ticket_id, tenant_id, 'message', id, visibility FROM messages",
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
            DbBackend::Sqlite => run_all(manager, SQLITE_UP).await,
            _ => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_all(manager, SQLITE_DOWN).await,
            _ => Ok(()),
        }
    }
}

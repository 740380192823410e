//! Accent-insensitive full-text search on PostgreSQL, as SQLite's FTS5 already is
//! (`remove_diacritics`): "chaudiere" finds "Chaudière". The folding function uses the
//! built-in `translate`, so no extension is needed, and is `IMMUTABLE` so that the GIN
//! indexes can be built on it. Upper-case accented letters are listed too: `lower` only
//! folds ASCII under the C locale.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE OR REPLACE FUNCTION guichet_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT translate(lower($1), 'àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöøōőŕřśšşťùúûüūůűýÿźżžłÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮÑŃŇÒÓÔÕÖØŌŐŔŘŚŠŞŤÙÚÛÜŪŮŰÝŸŹŻŽŁ', 'aaaaaaaaacccdeeeeeeeeiiiiiinnnoooooooorrssstuuuuuuuyyzzzlaaaaaaaaacccdeeeeeeeeiiiiiinnnoooooooorrssstuuuuuuuyyzzzl') $$",
    "DROP INDEX IF EXISTS idx_tickets_search",
    "DROP INDEX IF EXISTS idx_messages_search",
    "CREATE INDEX idx_tickets_search ON tickets USING GIN (to_tsvector('simple', guichet_fold(subject || ' ' || description)))",
    "CREATE INDEX idx_messages_search ON messages USING GIN (to_tsvector('simple', guichet_fold(body)))",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_messages_search",
    "DROP INDEX IF EXISTS idx_tickets_search",
    "CREATE INDEX idx_tickets_search ON tickets USING GIN (to_tsvector('simple', subject || ' ' || description))",
    "CREATE INDEX idx_messages_search ON messages USING GIN (to_tsvector('simple', body))",
    "DROP FUNCTION IF EXISTS guichet_fold(text)",
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
            // FTS5 folds accents already.
            _ => Ok(()),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, POSTGRES_DOWN).await,
            _ => Ok(()),
        }
    }
}

//! Opening the database and running migrations.

use std::str::FromStr;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlxSqliteConnector,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Opens a pool on `url`.
///
/// SQLite files run in WAL mode (readers never wait on the writer, so the pool's
/// connections read in parallel while the instance's writes take turns, see
/// `domain::write`), with foreign keys enforced and a generous busy timeout so concurrent
/// writers queue instead of failing. Each connection maps up to 256 MiB of the file
/// (reads come from the page cache without a copy per page), keeps 32 MiB of pages of
/// its own and sorts in memory; sqlx keeps each connection's prepared statements.
///
/// # Errors
///
/// Fails when the database cannot be reached or opened.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory")
            .statement_cache_capacity(256)
            // A board's column (at most 101 rows) comes from SQLite's worker thread without
            // the worker waiting for the reader.
            .row_buffer_size(256);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
        return Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool));
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(16)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Brings the schema up to date.
///
/// # Errors
///
/// Fails when a migration fails.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    refresh_statistics(db).await
}

/// Keeps the query planner's statistics fresh. PostgreSQL's autovacuum does it by itself;
/// SQLite only plans well with `ANALYZE` data (without it, a ticket page on 100 000
/// tickets took 630 ms instead of 6 ms in the bench), and `PRAGMA optimize` analyses the
/// tables whose statistics are missing or stale, cheaply when nothing changed. Run at
/// start-up and by the scheduler.
///
/// # Errors
///
/// Database errors.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA optimize=0x10002").await?;
    }
    Ok(())
}

//! SQLite: prepared multi-row `INSERT`s as wide as the parameter limit allows, on one
//! connection, in one transaction.
//!
//! - When a table receives more rows than it holds, its secondary indexes are dropped for
//!   the load and created again after it from their own SQL as `sqlite_master` keeps it
//!   (one sort per index instead of millions of scattered inserts into fourteen indexes on
//!   `tickets`), in the same transaction.
//! - The full-text tables (`ticket_text`, `message_text`, external-content FTS5 tables
//!   kept by triggers, migration `bound_search_by_tenant`) are filled once at the end
//!   with one `INSERT … SELECT` over the new rows, as the insert triggers would have one
//!   row at a time; the two insert triggers are dropped for the load and created again
//!   from their own SQL as `sqlite_master` keeps it, in the same transaction, so a failed
//!   load rolls back to them. The report rollups' insert trigger is dropped the same way
//!   and the tenant's rollups recomputed at the end (`migration::rollups`), one
//!   `GROUP BY` instead of a rollup row appended per ticket.
//! - The connection gets a large page cache and in-memory temporary storage for the load
//!   and its previous settings back after it; it is then closed rather than returned to
//!   the pool, so no pooled connection keeps a load setting whatever happens. The
//!   database's journal mode and its `synchronous` setting for other connections are not
//!   touched.
//! - Ids are given by the loader, after the table's largest id and its `AUTOINCREMENT`
//!   counter; SQLite moves the counter past the inserted ids itself.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::error::BoxDynError;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments as _, Connection as _, Executor as _, SqliteConnection, SqlitePool};
use tokio::sync::mpsc;

use super::generate::{generate, FirstIds, Plan, Summary};
use super::rows::{Sink, SinkFactory, Table, LOADED};
use super::Progress;

/// SQLite's limit on a statement's parameters (`SQLITE_MAX_VARIABLE_NUMBER` since 3.32).
const MAX_PARAMETERS: usize = 32_766;

/// The full-text insert triggers (migration `bound_search_by_tenant`), and the statement
/// doing their work for the rows from an id on.
const FULL_TEXT: [(&str, &str); 2] = [
    (
        "ticket_text_insert",
        "INSERT INTO ticket_text (rowid, subject, description, tenant_id) \
         SELECT id, subject, description, tenant_id FROM tickets WHERE id >= ?",
    ),
    (
        "message_text_insert",
        "INSERT INTO message_text (rowid, body, tenant_id, visibility) \
         SELECT id, body, tenant_id, visibility FROM messages WHERE id >= ?",
    ),
];

/// The connection settings changed for the load: the page cache (1 GiB, in KiB), temporary
/// tables and indexes in memory, no waiting for the disk (the transaction commits once;
/// the database's own durability settings are restored before anything else runs on this
/// connection), sorting threads, no foreign key lookups.
const LOAD_PRAGMAS: [(&str, &str); 5] = [
    ("cache_size", "-1048576"),
    ("temp_store", "2"),
    ("synchronous", "0"),
    // The index builds' sorts may use a second core.
    ("threads", "2"),
    // Each row would look its parents up (some 30 million lookups at a million tickets):
    // the rows point at the tenant, its users and customers, checked before the load,
    // and at rows of the load itself (PostgreSQL, loading the same rows, validates every
    // key at the end).
    ("foreign_keys", "0"),
];

/// One table's rows as bound parameters, cut into statements of at most
/// [`MAX_PARAMETERS`].
pub(super) struct ArgsSink {
    per_statement: usize,
    current: SqliteArguments<'static>,
    in_current: usize,
    /// Full statements: (rows, arguments).
    done: Vec<(usize, SqliteArguments<'static>)>,
    rows: usize,
    error: Option<BoxDynError>,
}

impl ArgsSink {
    fn new(table: &Table) -> Self {
        Self {
            per_statement: MAX_PARAMETERS / table.columns.len(),
            current: SqliteArguments::default(),
            in_current: 0,
            done: Vec::new(),
            rows: 0,
            error: None,
        }
    }

    fn add<T>(&mut self, value: T)
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        if let Err(error) = self.current.add(value) {
            self.error.get_or_insert(error);
        }
    }

    /// The statements' (rows, arguments).
    fn finish(mut self) -> Result<Vec<(usize, SqliteArguments<'static>)>, BoxDynError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.in_current > 0 {
            self.done.push((self.in_current, self.current));
        }
        Ok(self.done)
    }
}

impl Sink for ArgsSink {
    fn begin_row(&mut self) {
        if self.in_current == self.per_statement {
            let full = std::mem::take(&mut self.current);
            self.done.push((self.in_current, full));
            self.in_current = 0;
        }
        self.in_current += 1;
        self.rows += 1;
    }
    fn int8(&mut self, value: i64) {
        self.add(value);
    }
    fn int4(&mut self, value: i32) {
        self.add(value);
    }
    fn boolean(&mut self, value: bool) {
        self.add(value);
    }
    fn text(&mut self, value: &str) {
        self.add(value.to_owned());
    }
    // The same encodings as sea-orm's (through sqlx): RFC 3339 text, `%F` dates.
    fn time(&mut self, value: DateTime<Utc>) {
        self.add(value);
    }
    fn date(&mut self, value: NaiveDate) {
        self.add(value);
    }
    fn null(&mut self) {
        self.add(None::<i64>);
    }
    fn rows(&self) -> usize {
        self.rows
    }
}

struct ArgsFactory;

impl SinkFactory for ArgsFactory {
    type Sink = ArgsSink;
    fn sink(&self, table: &'static Table) -> ArgsSink {
        ArgsSink::new(table)
    }
}

/// Loads `plan` (whose `first_ids` are set here).
pub(super) async fn load(
    pool: &SqlitePool,
    plan: Plan,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> anyhow::Result<Summary> {
    let mut conn = pool.acquire().await?;
    // Whatever happens below, this connection does not go back to the pool.
    conn.close_on_drop();
    let mut saved = Vec::new();
    for (pragma, _) in LOAD_PRAGMAS {
        let value: i64 = sqlx::query_scalar(&format!("PRAGMA {pragma}"))
            .fetch_one(&mut *conn)
            .await?;
        saved.push((pragma, value.to_string()));
    }
    for (pragma, value) in LOAD_PRAGMAS {
        conn.execute(format!("PRAGMA {pragma} = {value}").as_str())
            .await?;
    }
    let loaded = load_on(&mut conn, plan, progress).await;
    for (pragma, value) in saved {
        conn.execute(format!("PRAGMA {pragma} = {value}").as_str())
            .await?;
    }
    loaded
}

async fn load_on(
    conn: &mut SqliteConnection,
    mut plan: Plan,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> anyhow::Result<Summary> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    // Reads the schema as it is now (another pooled connection may have changed it).
    tx.execute("SELECT count(*) FROM sqlite_master").await?;
    let mut first = [0_i64; 5];
    for (table, first) in LOADED.iter().zip(&mut first) {
        *first = sqlx::query_scalar(&format!(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM {0}), 0), \
                        COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{0}'), 0)) + 1",
            table.name
        ))
        .fetch_one(&mut *tx)
        .await?;
    }
    plan.first_ids = FirstIds {
        customer: first[0],
        ticket: first[1],
        message: first[2],
        event: first[3],
        time_entry: first[4],
    };
    // Statements creating again what is set aside, in order.
    let mut restore = Vec::new();
    let most = super::generate::most_rows(plan.customers, plan.tickets);
    for (table, rows) in LOADED.iter().zip(most) {
        if rows > 0 && holds_fewer_rows(&mut tx, table, rows).await? {
            restore.extend(set_aside_indexes(&mut tx, table).await?);
        }
    }
    let mut triggers = Vec::new();
    let dropped = FULL_TEXT
        .iter()
        .map(|(name, _)| *name)
        .chain([migration::rollups::INSERT_TRIGGER]);
    for name in dropped {
        let sql: Option<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        let sql = sql.ok_or_else(|| anyhow::anyhow!("no trigger {name}: schema out of date"))?;
        tx.execute(format!("DROP TRIGGER {name}").as_str()).await?;
        triggers.push(sql);
    }

    let started = std::time::Instant::now();
    let total = plan.tickets;
    let tenant_id = plan.tenant_id;
    let first_ids = plan.first_ids;
    let (sender, mut receiver) = mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || generate(&plan, &ArgsFactory, &sender));
    let mut statements: HashMap<(&str, usize), String> = HashMap::new();
    let mut loaded = 0;
    while let Some(batch) = receiver.recv().await {
        for (table, sink) in batch.parts {
            let chunks = sink.finish().map_err(|e| anyhow::anyhow!(e))?;
            for (rows, arguments) in chunks {
                let sql = statements
                    .entry((table.name, rows))
                    .or_insert_with(|| insert_statement(table, rows));
                sqlx::query_with(sql.as_str(), arguments)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        loaded += batch.tickets;
        progress(Progress::Rows {
            tickets: loaded,
            total,
        });
    }
    let summary = generator.await?;
    anyhow::ensure!(loaded == total, "the generator stopped early");

    tracing::debug!(elapsed = ?started.elapsed(), "bulk rows inserted");
    progress(Progress::Indexes);
    for statement in restore {
        let at = std::time::Instant::now();
        tx.execute(statement.as_str()).await?;
        tracing::debug!(took = ?at.elapsed(), %statement, "bulk index restored");
    }
    for ((_, fill), from) in FULL_TEXT.iter().zip([first_ids.ticket, first_ids.message]) {
        let at = std::time::Instant::now();
        sqlx::query(fill).bind(from).execute(&mut *tx).await?;
        tracing::debug!(took = ?at.elapsed(), statement = fill, "bulk full-text index filled");
    }
    for trigger in triggers {
        tx.execute(trigger.as_str()).await?;
    }
    rebuild_rollups(&mut tx, tenant_id).await?;
    for ((ticket_type, year), last_value) in &summary.sequences {
        sqlx::query(
            "INSERT INTO ticket_sequences (tenant_id, ticket_type, year, last_value) \
             VALUES (?, ?, ?, ?) \
             ON CONFLICT (tenant_id, ticket_type, year) DO UPDATE SET last_value = excluded.last_value",
        )
        .bind(tenant_id)
        .bind(ticket_type.as_str())
        .bind(year)
        .bind(last_value)
        .execute(&mut *tx)
        .await?;
    }
    let at = std::time::Instant::now();
    tx.commit().await?;
    tracing::debug!(took = ?at.elapsed(), "bulk load committed");
    Ok(summary)
}

/// Recomputes the tenant's report rollups, which no trigger kept during the load.
async fn rebuild_rollups(tx: &mut SqliteConnection, tenant_id: i64) -> anyhow::Result<()> {
    let at = std::time::Instant::now();
    for statement in migration::rollups::rebuild_statements(sea_orm::DbBackend::Sqlite) {
        sqlx::query(&statement)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
    }
    tracing::debug!(took = ?at.elapsed(), "bulk rollups rebuilt");
    Ok(())
}

/// Whether `table` holds fewer than `rows` rows (counting no further).
async fn holds_fewer_rows(
    tx: &mut SqliteConnection,
    table: &Table,
    rows: usize,
) -> anyhow::Result<bool> {
    let held: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {rows})",
        table.name
    ))
    .fetch_one(&mut *tx)
    .await?;
    Ok(usize::try_from(held)? < rows)
}

/// Drops `table`'s indexes other than those of its own constraints (which have no SQL:
/// the primary key, `UNIQUE` columns), and returns the statements that create them again.
async fn set_aside_indexes(
    tx: &mut SqliteConnection,
    table: &Table,
) -> anyhow::Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
    )
    .bind(table.name)
    .fetch_all(&mut *tx)
    .await?;
    let mut restore = Vec::new();
    for (name, sql) in indexes {
        tx.execute(format!("DROP INDEX \"{name}\"").as_str())
            .await?;
        restore.push(sql);
    }
    Ok(restore)
}

/// `INSERT INTO table (columns) VALUES (?, …), … ` for `rows` rows.
fn insert_statement(table: &Table, rows: usize) -> String {
    let row = format!("({})", vec!["?"; table.columns.len()].join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        table.name,
        table.columns.join(", "),
        vec![row.as_str(); rows].join(", ")
    )
}

//! PostgreSQL: binary `COPY … FROM STDIN`, in one transaction.
//!
//! Row by row, the load would be dominated by what each row sets off, not by the rows:
//! every foreign key checks its parent with a query per row (about 40 million checks at a
//! million tickets), and every secondary index, the full-text GIN indexes included, is
//! updated entry by entry. So when a table receives more rows than it holds, its
//! foreign keys and secondary indexes are set aside for the load and put back after it,
//! from their own definitions as the catalog gives them (`pg_get_indexdef`,
//! `pg_get_constraintdef`, i.e. exactly what the migrations created): one sorted build per
//! index, one join per foreign key. Everything happens in one transaction, so a failure
//! leaves the tables, their indexes and their keys as they were. The report rollups'
//! insert trigger is switched off for the load (`ALTER TABLE … DISABLE TRIGGER`, which
//! holds other writers of `tickets` until the commit) and the tenant's rollups are
//! recomputed at the end (`migration::rollups`), one `GROUP BY` instead of a rollup row
//! appended per ticket.
//!
//! Ids are given by the loader: each table's sequence is advanced past the range first
//! (`setval`, which no rollback undoes: at worst a failed load leaves a gap in the ids).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{Executor, PgPool, Postgres, Transaction};
use tokio::sync::mpsc;

use super::generate::{generate, FirstIds, Plan, Summary};
use super::rows::{Sink, SinkFactory, Table, LOADED};
use super::Progress;

/// Bytes per `CopyData` message.
const COPY_PIECE: usize = 256 * 1024;

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// `NaiveDate::num_days_from_ce` of 2000-01-01.
const PG_EPOCH_DAYS_FROM_CE: i32 = 730_120;

/// One table's rows in `COPY`'s binary format.
pub(super) struct CopySink {
    buf: Vec<u8>,
    fields: i16,
    rows: usize,
}

impl CopySink {
    fn new(table: &Table) -> Self {
        let mut buf = Vec::with_capacity(1 << 20);
        // Signature, flags, header extension length.
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0_i32.to_be_bytes());
        buf.extend_from_slice(&0_i32.to_be_bytes());
        Self {
            buf,
            fields: i16::try_from(table.columns.len()).unwrap_or(i16::MAX),
            rows: 0,
        }
    }

    /// The stream, with its trailer.
    fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(&(-1_i16).to_be_bytes());
        self.buf
    }

    fn field(&mut self, bytes: &[u8]) {
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(bytes);
    }
}

impl Sink for CopySink {
    fn begin_row(&mut self) {
        self.rows += 1;
        self.buf.extend_from_slice(&self.fields.to_be_bytes());
    }
    fn int8(&mut self, value: i64) {
        self.field(&value.to_be_bytes());
    }
    fn int4(&mut self, value: i32) {
        self.field(&value.to_be_bytes());
    }
    fn boolean(&mut self, value: bool) {
        self.field(&[u8::from(value)]);
    }
    fn text(&mut self, value: &str) {
        self.field(value.as_bytes());
    }
    fn time(&mut self, value: DateTime<Utc>) {
        self.int8(value.timestamp_micros() - PG_EPOCH_MICROS);
    }
    fn date(&mut self, value: NaiveDate) {
        self.int4(value.num_days_from_ce() - PG_EPOCH_DAYS_FROM_CE);
    }
    fn null(&mut self) {
        self.buf.extend_from_slice(&(-1_i32).to_be_bytes());
    }
    fn rows(&self) -> usize {
        self.rows
    }
}

struct CopyFactory;

impl SinkFactory for CopyFactory {
    type Sink = CopySink;
    fn sink(&self, table: &'static Table) -> CopySink {
        CopySink::new(table)
    }
}

/// Rows a table is expected to receive, to decide whether its indexes are set aside.
fn expected_rows(table: &Table, plan: &Plan) -> usize {
    match table.name {
        "customers" => plan.customers,
        "messages" => plan.tickets * 5,
        "ticket_events" => plan.tickets * 3,
        _ => plan.tickets,
    }
}

/// Loads `plan` (whose `first_ids` are set here).
pub(super) async fn load(
    pool: &PgPool,
    mut plan: Plan,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> anyhow::Result<Summary> {
    let mut tx = pool.begin().await?;
    // One commit at the end: waiting for its flush is all `synchronous_commit` would do.
    tx.execute("SET LOCAL synchronous_commit = off").await?;
    // Room for the index builds' sorts and the GIN index's entries.
    tx.execute("SET LOCAL maintenance_work_mem = '512MB'")
        .await?;
    let counts = super::generate::most_rows(plan.customers, plan.tickets);
    let mut reserved = Vec::new();
    for (table, count) in LOADED.iter().zip(counts) {
        reserved.push(reserve_ids(&mut tx, table, count).await?);
    }
    plan.first_ids = FirstIds {
        customer: reserved[0].first,
        ticket: reserved[1].first,
        message: reserved[2].first,
        event: reserved[3].first,
        time_entry: reserved[4].first,
    };
    let mut restore = Vec::new();
    for table in LOADED {
        let rows = expected_rows(table, &plan);
        if rows > 0 && holds_fewer_rows(&mut tx, table, rows).await? {
            restore.extend(set_aside(&mut tx, table).await?);
        }
    }

    let rollups = format!(
        "ALTER TABLE tickets DISABLE TRIGGER {}",
        migration::rollups::INSERT_TRIGGER
    );
    tx.execute(rollups.as_str()).await?;

    let started = std::time::Instant::now();
    let total = plan.tickets;
    let tenant_id = plan.tenant_id;
    let (sender, mut receiver) = mpsc::channel(2);
    let generator = tokio::task::spawn_blocking(move || generate(&plan, &CopyFactory, &sender));
    let mut loaded = 0;
    while let Some(batch) = receiver.recv().await {
        for (table, sink) in batch.parts {
            if sink.rows() == 0 {
                continue;
            }
            let statement = format!(
                "COPY {} ({}) FROM STDIN (FORMAT binary)",
                table.name,
                table.columns.join(", ")
            );
            let mut copy = tx.copy_in_raw(&statement).await?;
            // In pieces: one 10 MB write over TLS once left the COPY waiting forever for
            // data the client believed sent (sqlx 0.8.6 with rustls, 1 load in 5).
            for piece in sink.finish().chunks(COPY_PIECE) {
                copy.send(piece).await?;
            }
            copy.finish().await?;
        }
        loaded += batch.tickets;
        progress(Progress::Rows {
            tickets: loaded,
            total,
        });
    }
    let summary = generator.await?;
    anyhow::ensure!(loaded == total, "the generator stopped early");

    tracing::debug!(elapsed = ?started.elapsed(), "bulk rows copied");
    progress(Progress::Indexes);
    for statement in restore {
        let at = std::time::Instant::now();
        tx.execute(statement.as_str()).await?;
        tracing::debug!(took = ?at.elapsed(), %statement, "bulk index or key restored");
    }
    for reserved in &reserved {
        reserved.trim(&mut tx).await?;
    }
    for ((ticket_type, year), last_value) in &summary.sequences {
        sqlx::query(
            "INSERT INTO ticket_sequences (tenant_id, ticket_type, year, last_value) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, ticket_type, year) DO UPDATE SET last_value = excluded.last_value",
        )
        .bind(tenant_id)
        .bind(ticket_type.as_str())
        .bind(year)
        .bind(last_value)
        .execute(&mut *tx)
        .await?;
    }
    tx.execute(rollups.replace(" DISABLE ", " ENABLE ").as_str())
        .await?;
    let at = std::time::Instant::now();
    for statement in migration::rollups::rebuild_statements(sea_orm::DbBackend::Postgres) {
        sqlx::query(&statement)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
    }
    tracing::debug!(took = ?at.elapsed(), "bulk rollups rebuilt");
    let at = std::time::Instant::now();
    tx.commit().await?;
    tracing::debug!(took = ?at.elapsed(), "bulk load committed");
    Ok(summary)
}

/// Ids set aside for the load in a table's sequence.
struct Reserved {
    table: &'static str,
    sequence: String,
    first: i64,
    /// The sequence's value after the reservation, when it moved.
    last: Option<i64>,
}

impl Reserved {
    /// Gives back the reserved ids the load did not use, unless something else took ids
    /// after them meanwhile.
    async fn trim(&self, tx: &mut Transaction<'_, Postgres>) -> anyhow::Result<()> {
        let Some(last) = self.last else {
            return Ok(());
        };
        sqlx::query(&format!(
            "SELECT setval($1, m) FROM (SELECT MAX(id) AS m FROM {}) AS loaded \
             WHERE m IS NOT NULL AND (SELECT last_value FROM {}) = $2",
            self.table, self.sequence
        ))
        .bind(&self.sequence)
        .bind(last)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// The first of `count` ids for `table`, its sequence moved past them.
async fn reserve_ids(
    tx: &mut Transaction<'_, Postgres>,
    table: &'static Table,
    count: usize,
) -> anyhow::Result<Reserved> {
    let sequence: String = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
        .bind(table.name)
        .fetch_one(&mut **tx)
        .await?;
    let (max_id, last_value): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COALESCE((SELECT MAX(id) FROM {}), 0), (SELECT last_value FROM {sequence})",
        table.name
    ))
    .fetch_one(&mut **tx)
    .await?;
    let first = max_id.max(last_value) + 1;
    let mut last = None;
    if count > 0 {
        let value = first + i64::try_from(count)? - 1;
        sqlx::query("SELECT setval($1, $2)")
            .bind(&sequence)
            .bind(value)
            .execute(&mut **tx)
            .await?;
        last = Some(value);
    }
    Ok(Reserved {
        table: table.name,
        sequence,
        first,
        last,
    })
}

/// Whether `table` holds fewer than `rows` rows (counting no further).
async fn holds_fewer_rows(
    tx: &mut Transaction<'_, Postgres>,
    table: &Table,
    rows: usize,
) -> anyhow::Result<bool> {
    let held: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {rows}) AS sample",
        table.name
    ))
    .fetch_one(&mut **tx)
    .await?;
    Ok(usize::try_from(held)? < rows)
}

/// Drops `table`'s foreign keys and its indexes other than those of its own
/// constraints (the primary key), and returns the statements that create them again.
async fn set_aside(
    tx: &mut Transaction<'_, Postgres>,
    table: &Table,
) -> anyhow::Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid) \
         FROM pg_index x \
         WHERE x.indrelid = $1::regclass \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
                           WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid \
                             AND c.contype IN ('p', 'u', 'x')) \
         ORDER BY x.indexrelid",
    )
    .bind(table.name)
    .fetch_all(&mut **tx)
    .await?;
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY oid",
    )
    .bind(table.name)
    .fetch_all(&mut **tx)
    .await?;
    let mut restore = Vec::new();
    for (name, definition) in indexes {
        tx.execute(format!("DROP INDEX {name}").as_str()).await?;
        restore.push(definition);
    }
    for (name, definition) in keys {
        tx.execute(format!("ALTER TABLE {} DROP CONSTRAINT {name}", table.name).as_str())
            .await?;
        restore.push(format!(
            "ALTER TABLE {} ADD CONSTRAINT {name} {definition}",
            table.name
        ));
    }
    Ok(restore)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_count_from_2000() -> anyhow::Result<()> {
        let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
        assert_eq!(epoch.num_days_from_ce(), PG_EPOCH_DAYS_FROM_CE);
        let midnight = epoch
            .and_hms_opt(0, 0, 0)
            .ok_or_else(|| anyhow::anyhow!("time"))?;
        assert_eq!(midnight.and_utc().timestamp_micros(), PG_EPOCH_MICROS);
        Ok(())
    }
}

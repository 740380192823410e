//! Keeping the report rollups small and right.
//!
//! The database keeps `ticket_rollups` itself: triggers on `tickets` append what each
//! change adds and takes away, read from the view `ticket_rollup_contributions` (the one
//! definition of what a ticket counts for; see the migration that made them). Appending
//! never queues concurrent writers on a shared row; [`compact`] then folds each touched
//! day into one settled row per key, and [`rebuild`] recomputes a tenant from its tickets.

use migration::rollups::{rebuild_statements, MEASURES};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

use crate::error::DomainResult;

const KEYS: &str = "tenant_id, day, ticket_type, assignee_id, department_id";

/// `SUM(m), …` over every measure, in [`MEASURES`]' order.
fn sums() -> String {
    MEASURES
        .iter()
        .map(|m| format!("SUM({m})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps a folded row only when one of its figures is not zero (a ticket that moved away
/// from a key leaves nothing there).
fn not_all_zero() -> String {
    MEASURES
        .iter()
        .map(|m| format!("SUM({m}) <> 0"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Folds the rows appended since the last pass into one settled row per key, for every
/// day that has unsettled rows. Safe to run on several instances at once: on PostgreSQL
/// each row is folded by the pass that deleted it (one statement), on SQLite the pass
/// holds the write lock.
///
/// # Errors
///
/// Database errors.
pub async fn compact(db: &DatabaseConnection) -> DomainResult<u64> {
    let backend = db.get_database_backend();
    let measures = MEASURES.join(", ");
    match backend {
        DbBackend::Postgres => {
            let result = db
                .execute(Statement::from_string(
                    backend,
                    format!(
                        "WITH touched AS (SELECT DISTINCT tenant_id, day FROM ticket_rollups \
                         WHERE NOT settled), \
                         gone AS (DELETE FROM ticket_rollups r USING touched \
                         WHERE r.tenant_id = touched.tenant_id AND r.day = touched.day \
                         RETURNING r.*) \
                         INSERT INTO ticket_rollups ({KEYS}, {measures}, settled) \
                         SELECT {KEYS}, {}, TRUE FROM gone GROUP BY {KEYS} HAVING {}",
                        sums(),
                        not_all_zero()
                    ),
                ))
                .await?;
            Ok(result.rows_affected())
        }
        _ => {
            // Read before the transaction, which then starts by writing (a deferred
            // transaction that reads first may fail to upgrade its lock). Rows appended
            // meanwhile have larger ids and wait for the next pass.
            let Some(last) = db
                .query_one(Statement::from_string(
                    backend,
                    "SELECT MAX(id) AS last FROM ticket_rollups WHERE NOT settled",
                ))
                .await?
                .and_then(|row| row.try_get::<Option<i64>>("", "last").ok().flatten())
            else {
                return Ok(0);
            };
            let txn = db.begin().await?;
            let touched = format!(
                "id <= {last} AND (tenant_id, day) IN \
                 (SELECT tenant_id, day FROM ticket_rollups WHERE NOT settled AND id <= {last})"
            );
            let folded = txn
                .execute(Statement::from_string(
                    backend,
                    format!(
                        "INSERT INTO ticket_rollups ({KEYS}, {measures}, settled) \
                         SELECT {KEYS}, {}, 1 FROM ticket_rollups WHERE {touched} \
                         GROUP BY {KEYS} HAVING {}",
                        sums(),
                        not_all_zero()
                    ),
                ))
                .await?
                .rows_affected();
            txn.execute(Statement::from_string(
                backend,
                format!("DELETE FROM ticket_rollups WHERE {touched}"),
            ))
            .await?;
            txn.commit().await?;
            Ok(folded)
        }
    }
}

/// Recomputes a tenant's rollups from its tickets (`guichet rollups rebuild`, and after a
/// bulk load that switched the triggers off). Writers of the tenant's tickets wait meanwhile.
///
/// # Errors
///
/// Database errors.
pub async fn rebuild(db: &impl TransactionTrait, tenant_id: i64) -> DomainResult<u64> {
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        // Ticket writes wait until the rollups are rebuilt, so none is counted twice or lost.
        txn.execute_unprepared("LOCK TABLE tickets IN SHARE MODE")
            .await?;
    }
    let [delete, insert] = rebuild_statements(backend);
    txn.execute(Statement::from_sql_and_values(
        backend,
        delete,
        [tenant_id.into()],
    ))
    .await?;
    let written = txn
        .execute(Statement::from_sql_and_values(
            backend,
            insert,
            [tenant_id.into()],
        ))
        .await?
        .rows_affected();
    txn.commit().await?;
    Ok(written)
}

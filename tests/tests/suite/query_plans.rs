//! Writes and jobs read through indexes what they need, not the tickets' history: the
//! database's own plan for each such statement names the index it must use. On
//! PostgreSQL the plan is asked with sequential scans discouraged (on tables this small the
//! planner would rather read everything; at a million tickets it would not), so a query
//! no index can serve still shows a scan and fails.

use chrono::Duration;
use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement, TransactionTrait};

/// The plan of `statement`, one line per step.
async fn plan(server: &TestServer, statement: Statement) -> anyhow::Result<Vec<String>> {
    let db = &server.state.services.db;
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let explain = match backend {
        DbBackend::Postgres => {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await?;
            format!("EXPLAIN {}", statement.sql)
        }
        _ => format!("EXPLAIN QUERY PLAN {}", statement.sql),
    };
    let rows = txn
        .query_all(Statement {
            sql: explain,
            ..statement
        })
        .await?;
    let lines = rows
        .iter()
        .map(|row| match backend {
            DbBackend::Postgres => row.try_get::<String>("", "QUERY PLAN"),
            _ => row.try_get::<String>("", "detail"),
        })
        .collect::<Result<Vec<_>, _>>()?;
    txn.rollback().await?;
    Ok(lines)
}

/// Whether the plan reads tickets through `index` and never scans the table.
fn reads_through(lines: &[String], index: &str) -> bool {
    let scans_tickets = lines.iter().any(|line| {
        line.contains("Seq Scan on tickets")
            || line == "SCAN t"
            || line.starts_with("SCAN t ")
            || line.starts_with("SCAN tickets")
    });
    !scans_tickets && lines.iter().any(|line| line.contains(index))
}

async fn writes_and_jobs_read_open_work_through_indexes(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let backend = server.state.services.db.get_database_backend();
    let now = server.clock_now();

    // Auto-assignment, on every ticket created: each agent's open tickets.
    let statement = server::domain::tickets::available_agent(backend, tenant.id, 1);
    let lines = plan(&server, statement).await?;
    assert!(
        reads_through(&lines, "idx_tickets_tenant_id_assignee_id_status"),
        "auto-assignment: {lines:#?}"
    );

    // The jobs, every minute: tickets in a few statuses, oldest first.
    for (job, select) in [
        ("SLA breaches", server::domain::sla::breach_candidates(now)),
        (
            "SLA warnings",
            server::domain::sla::warning_candidates(now, now + Duration::hours(1)),
        ),
        (
            "auto-close",
            server::domain::auto_close::waiting_candidates(now - Duration::days(1)),
        ),
    ] {
        let lines = plan(&server, select.build(backend)).await?;
        assert!(
            reads_through(&lines, "idx_tickets_status_id"),
            "{job}: {lines:#?}"
        );
    }
    Ok(())
}

both_backends!(writes_and_jobs_read_open_work_through_indexes);

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

/// A board search on a tenant with history starts from the full-text matches. SQLite's
/// planner, left to choose, walked every message and asked the full-text index once per
/// message (9 s on 20 000 tickets): the message branch must scan the full-text table and
/// look messages up by id, never scan the messages.
async fn a_search_starts_from_the_full_text_matches(backend: Backend) -> anyhow::Result<()> {
    use sea_orm::{QueryOrder, QuerySelect};
    use server::domain::actor::{Actor, AuthMethod};

    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let db = &server.state.services.db;
    let (agent, _) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    guichet_tests::bulk::load(db, tenant.id, &[agent.parse()?], 2_000, server.clock_now()).await?;
    db.execute_unprepared("ANALYZE").await?;
    let admin = Actor {
        tenant_id: tenant.id,
        user_id: 1,
        role: entity::enums::Role::Admin,
        customer_id: None,
        method: AuthMethod::Internal,
        scopes: Vec::new(),
    };
    let filter = server::domain::tickets::TicketFilter {
        search: Some("chaudière fuite".into()),
        ..Default::default()
    };
    let backend = db.get_database_backend();
    let statement = server::domain::tickets::filtered_tickets(backend, &admin, &filter)
        .order_by_desc(entity::ticket::Column::Id)
        .limit(101)
        .build(backend);
    let lines = plan(&server, statement).await?;
    match backend {
        DbBackend::Postgres => assert!(
            lines.iter().any(|l| l.contains("idx_messages_search"))
                && !lines.iter().any(|l| l.contains("Seq Scan on messages")),
            "{lines:#?}"
        ),
        _ => {
            let at = |wanted: &str| lines.iter().position(|l| l.starts_with(wanted));
            let matches = at("SCAN message_text VIRTUAL TABLE");
            let lookups = at("SEARCH m USING INTEGER PRIMARY KEY");
            assert!(
                matches.is_some() && lookups.is_some() && matches < lookups,
                "{lines:#?}"
            );
            let scans_messages = |l: &String| {
                l == "SCAN m" || l.starts_with("SCAN m ") || l.starts_with("SCAN messages")
            };
            assert!(!lines.iter().any(scans_messages), "{lines:#?}");
        }
    }
    Ok(())
}

both_backends!(a_search_starts_from_the_full_text_matches);

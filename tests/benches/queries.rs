//! Query latency on a large tenant, through the real HTTP server, on SQLite and PostgreSQL.
//!
//! `cargo bench -p guichet-tests --bench queries` (or `cargo xtask bench`) loads
//! `GUICHET_BENCH_TICKETS` tickets (100 000 by default; 1 000 000 for the target size) into
//! a fresh database with the bulk loader, then times each query `GUICHET_BENCH_RUNS` times
//! (20 by default) after two warm-up runs, and prints the median, the 95th percentile and
//! the number of SQL statements per run. `GUICHET_BENCH_BACKEND` picks `sqlite`,
//! `postgres` or `both` (default).
//!
//! Targets (the run fails when a median exceeds them): the SPA's board, filtered board,
//! full-text search and ticket page under 250 ms each; each report (a quarter, or a year
//! of monthly costs) under 1 s. The statement counts show that
//! nothing grows with the data (no N+1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use guichet_tests::{Backend, TestDatabase, TestServer};
use serde_json::{json, Value};

const TARGET: Duration = Duration::from_millis(250);
const REPORT_TARGET: Duration = Duration::from_millis(1000);

const BOARD: &str = include_str!("../../app/graphql/board_tickets.graphql");
const TICKET: &str = include_str!("../../app/graphql/ticket.graphql");

struct Case {
    name: &'static str,
    query: &'static str,
    variables: Value,
    target: Option<Duration>,
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

async fn bench(backend: Backend, tickets: usize, runs: usize) -> anyhow::Result<bool> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let server = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = server.tenant("Bench").await?;
    let mut agents = Vec::new();
    for i in 0..20 {
        let (id, _) = tenant
            .user(&server, &format!("agent{i}@bench.test"), "agent", None)
            .await?;
        agents.push(id.parse::<i64>()?);
    }
    let started = Instant::now();
    let loaded = guichet_tests::bulk::load(
        &server.state.services.db,
        tenant.id,
        &agents,
        tickets,
        server.clock_now(),
    )
    .await?;
    let load_time = started.elapsed();
    println!(
        "\n{backend:?}: loaded {} tickets, {} customers, {} messages in {:.1} s",
        loaded.tickets,
        loaded.customers,
        loaded.messages,
        load_time.as_secs_f64()
    );
    {
        // Fresh planner statistics, as a running server has after such a load
        // (autovacuum on PostgreSQL, the scheduler's `PRAGMA optimize` on SQLite).
        use sea_orm::ConnectionTrait;
        server
            .state
            .services
            .db
            .execute_unprepared("ANALYZE")
            .await?;
    }
    let token = tenant.admin_token.clone();
    let some_ticket = server
        .ok(
            Some(&token),
            "{ tickets(first: 1) { nodes { id customer { id } } } }",
            json!({}),
        )
        .await?;
    let ticket_id = some_ticket["tickets"]["nodes"][0]["id"].clone();
    let customer_id = some_ticket["tickets"]["nodes"][0]["customer"]["id"].clone();

    // Reports over the last quarter (and a year) of the loaded history.
    let today = server.clock_now().date_naive();
    let to = today.to_string();
    let quarter_from = (today - chrono::Duration::days(91)).to_string();
    let year_from = (today - chrono::Duration::days(365)).to_string();
    let quarter = json!({ "from": quarter_from, "to": to });

    let cases = [
        Case {
            name: "board (SPA query, 100 newest)",
            query: BOARD,
            variables: json!({}),
            target: Some(TARGET),
        },
        Case {
            name: "board filtered (open, high)",
            query: BOARD,
            variables: json!({ "filter": { "status": ["OPEN"], "priority": ["HIGH"] } }),
            target: Some(TARGET),
        },
        Case {
            name: "board of one customer",
            query: BOARD,
            variables: json!({ "filter": { "customerId": customer_id } }),
            target: Some(TARGET),
        },
        Case {
            name: "full-text search",
            query: BOARD,
            variables: json!({ "filter": { "search": "chaudière fuite" } }),
            target: Some(TARGET),
        },
        Case {
            name: "ticket page",
            query: TICKET,
            variables: json!({ "id": ticket_id }),
            target: Some(TARGET),
        },
        Case {
            name: "report: response/resolution times",
            query: "query($f: ReportFilterInput!) { ticketTimesReport(filter: $f) { tickets responded meanFirstResponseSeconds resolved meanResolutionSeconds } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
        },
        Case {
            name: "report: satisfaction per agent",
            query: "query($f: ReportFilterInput!) { satisfactionReport(filter: $f) { agent { displayName } ratings mean distribution } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
        },
        Case {
            name: "report: opened/closed per week",
            query: "query($f: ReportFilterInput!) { ticketsPerWeek(filter: $f) { weekStart opened closed } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
        },
        Case {
            name: "report: backlog per week",
            query: "query($f: ReportFilterInput!) { backlogReport(filter: $f) { date open } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
        },
        Case {
            name: "report: cost per month, 1 year",
            query: "query($from: NaiveDate, $to: NaiveDate) { costReport(groupBy: MONTH, from: $from, to: $to) { periodStart minutes amount } }",
            variables: json!({ "from": year_from, "to": to }),
            target: Some(REPORT_TARGET),
        },
        Case {
            name: "report: cost per customer, quarter",
            query: "query($from: NaiveDate, $to: NaiveDate) { costReport(groupBy: CUSTOMER, from: $from, to: $to) { minutes amount } }",
            variables: json!({ "from": quarter_from, "to": to }),
            target: Some(REPORT_TARGET),
        },
    ];

    let mut ok = true;
    println!(
        "{:<38} {:>10} {:>10} {:>11} {:>8}",
        "query", "median ms", "p95 ms", "statements", "target"
    );
    for case in &cases {
        for _ in 0..2 {
            check(
                server
                    .graphql(Some(&token), case.query, case.variables.clone())
                    .await?,
            )?;
        }
        let mut times = Vec::with_capacity(runs);
        let before = server.statement_count();
        for _ in 0..runs {
            let start = Instant::now();
            check(
                server
                    .graphql(Some(&token), case.query, case.variables.clone())
                    .await?,
            )?;
            times.push(start.elapsed());
        }
        let statements = (server.statement_count() - before) / runs.max(1);
        times.sort();
        let median = times[times.len() / 2];
        let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
        let verdict = match case.target {
            Some(target) if median > target => {
                ok = false;
                "MISSED"
            }
            Some(_) => "ok",
            None => "-",
        };
        println!(
            "{:<38} {:>10.1} {:>10.1} {:>11} {:>8}",
            case.name,
            median.as_secs_f64() * 1000.0,
            p95.as_secs_f64() * 1000.0,
            statements,
            verdict
        );
    }
    create_tickets(&server, tenant.id, &token, &customer_id, runs).await?;
    Ok(ok)
}

/// `createTicket` from `GUICHET_BENCH_CLIENTS` (16) clients at once, each creating `runs`
/// tickets, with auto-assignment among the 20 agents (put in the support department,
/// online): what a write costs next to the loaded history. Reported, not a target yet.
async fn create_tickets(
    server: &TestServer,
    tenant_id: i64,
    token: &str,
    customer_id: &Value,
    runs: usize,
) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    server
        .state
        .services
        .db
        .execute_unprepared(&format!(
            "UPDATE users SET availability = 'online', max_open_tickets = 1000000, \
             department_id = (SELECT id FROM departments WHERE tenant_id = {tenant_id} AND kind = 'support') \
             WHERE tenant_id = {tenant_id} AND role = 'agent'"
        ))
        .await?;
    let clients = env_number("GUICHET_BENCH_CLIENTS", 16);
    let create = |n: usize| async move {
        let mut times = Vec::with_capacity(runs);
        for i in 0..runs {
            let start = Instant::now();
            let response = server
                .graphql(
                    Some(token),
                    "mutation($c: ID!, $s: String!) { createTicket(input: { ticketType: SUPPORT, subject: $s, description: \"Bench\", customerId: $c }) { id assignee { id } } }",
                    json!({ "c": customer_id, "s": format!("Bench {n}-{i}") }),
                )
                .await?;
            check(response)?;
            times.push(start.elapsed());
        }
        anyhow::Ok(times)
    };
    let before = server.statement_count();
    let started = Instant::now();
    let results = futures::future::join_all((0..clients).map(create)).await;
    let elapsed = started.elapsed();
    let mut times = Vec::new();
    for result in results {
        times.extend(result?);
    }
    times.sort();
    let count = times.len().max(1);
    println!(
        "{:<38} {:>10.1} {:>10.1} {:>11} {:>8}",
        format!("createTicket, {clients} clients"),
        times[count / 2].as_secs_f64() * 1000.0,
        times[(count * 99 / 100).min(count - 1)].as_secs_f64() * 1000.0,
        (server.statement_count() - before) / count,
        format!("{:.0}/s", count as f64 / elapsed.as_secs_f64()),
    );
    Ok(())
}

fn check(response: Value) -> anyhow::Result<()> {
    if let Some(errors) = response.get("errors") {
        anyhow::bail!("query failed: {errors}");
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: then only
    // a tiny run checks that the bench works.
    let benching = std::env::args().any(|a| a == "--bench");
    let tickets = if benching {
        env_number("GUICHET_BENCH_TICKETS", 100_000)
    } else {
        500
    };
    let runs = env_number("GUICHET_BENCH_RUNS", 20);
    let backends = match std::env::var("GUICHET_BENCH_BACKEND").as_deref() {
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut ok = true;
    for backend in backends {
        ok &= runtime.block_on(bench(backend, tickets, runs))?;
    }
    anyhow::ensure!(ok, "a query missed its target");
    Ok(())
}

//! Query latency on a large tenant, through the real HTTP server, beside raw SQL fetching
//! the same rows in the same run, on SQLite and PostgreSQL.
//!
//! `cargo bench -p guichet-tests --bench queries` (or `cargo xtask bench`) loads
//! `GUICHET_BENCH_TICKETS` tickets (100 000 by default; 1 000 000 for the target size) into
//! a fresh database with the bulk loader, then times each query `GUICHET_BENCH_RUNS` times
//! (20 by default) after two warm-up runs, interleaved with the raw SQL of the same rows
//! where there is one (the statements a hand-written client would send, rows fetched
//! through the same pool), and prints the median, the 99th percentile, the first (cold)
//! request, the ratio to raw SQL and the number of SQL statements per run. Then 32 clients
//! at once on the board's listing (requests per second, against raw SQL from 32 tasks), and
//! `createTicket` from 16 clients on a small tenant and on the large one.
//! `GUICHET_BENCH_BACKEND` picks `sqlite`, `postgres` or `both` (default).
//!
//! A real run (`--bench`) writes its tables into `docs/benchmarks.md`, between the
//! `bench:queries` markers, with the machine it ran on: that file is the record.
//!
//! Targets (the run fails when a median exceeds them): the SPA's board, filtered board,
//! full-text search and ticket page under 250 ms each; each report (a quarter, or a year
//! of monthly costs) under 1 s. The statement counts show that nothing grows with the
//! data (no N+1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use guichet_tests::{Backend, TestDatabase, TestServer};
use serde_json::{json, Value};

const TARGET: Duration = Duration::from_millis(250);
const REPORT_TARGET: Duration = Duration::from_millis(1000);

const BOARD: &str = include_str!("../../app/graphql/board_tickets.graphql");
const TICKET: &str = include_str!("../../app/graphql/ticket.graphql");
const REPORTS_PAGE: &str = include_str!("../../app/graphql/report_dashboard.graphql");

struct Case {
    name: &'static str,
    query: &'static str,
    variables: Value,
    target: Option<Duration>,
    /// The raw SQL fetching the same rows (run in sequence), if any.
    raw: Vec<String>,
}

/// One line of the record.
struct Line {
    name: String,
    p50: Duration,
    p99: Duration,
    first: Duration,
    raw_p50: Option<Duration>,
    statements: usize,
}

/// What a backend's run measured, for the record.
struct Run {
    backend: Backend,
    tickets: usize,
    load: Duration,
    lines: Vec<Line>,
    /// `(what, requests per second, p99, raw requests per second)`.
    throughput: Vec<(String, f64, Duration, f64)>,
    /// `(what, tickets per second, p50, p99)`.
    writes: Vec<(String, f64, Duration, Duration)>,
}

const LISTING: &str =
    "query($n: Int) { tickets(first: $n) { nodes { id number subject status priority \
    ticketType updatedAt responseDueAt resolutionDueAt firstResponseAt \
    customer { id displayName } assignee { id displayName } } } }";

/// The raw SQL of a board listing: the newest `limit` tickets of the tenant (in `status`,
/// if given) with their customer and assignee.
fn raw_listing(tenant_id: i64, status: Option<&str>, limit: usize) -> String {
    let status = status.map_or_else(String::new, |s| format!(" AND t.status = '{s}'"));
    format!(
        "SELECT t.id, t.number, t.subject, t.status, t.priority, t.ticket_type, t.updated_at, \
         t.response_due_at, t.resolution_due_at, t.first_response_at, \
         c.id, c.first_name, c.last_name, c.company, u.id, u.display_name \
         FROM tickets t JOIN customers c ON c.id = t.customer_id \
         LEFT JOIN users u ON u.id = t.assignee_id \
         WHERE t.tenant_id = {tenant_id}{status} ORDER BY t.id DESC LIMIT {limit}"
    )
}

/// Runs `statements` on the server's own pool, fetching every row.
async fn raw(server: &TestServer, statements: &[String]) -> anyhow::Result<usize> {
    use sea_orm::ConnectionTrait;
    let db = &server.state.services.db;
    let mut rows = 0;
    for statement in statements {
        rows += match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => sqlx::query(statement)
                .fetch_all(db.get_postgres_connection_pool())
                .await?
                .len(),
            _ => sqlx::query(statement)
                .fetch_all(db.get_sqlite_connection_pool())
                .await?
                .len(),
        };
    }
    Ok(rows)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

async fn bench(backend: Backend, tickets: usize, runs: usize) -> anyhow::Result<(bool, Run)> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let server = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = server.tenant("Bench").await?;
    let agents = agents_of(&server, &tenant, 20).await?;
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
            name: "tickets, 50 newest, customer, assignee",
            query: LISTING,
            variables: json!({ "n": 50 }),
            target: Some(TARGET),
            raw: vec![raw_listing(tenant.id, None, 51)],
        },
        Case {
            name: "tickets, 100 newest, customer, assignee",
            query: LISTING,
            variables: json!({ "n": 100 }),
            target: Some(TARGET),
            raw: vec![raw_listing(tenant.id, None, 101)],
        },
        Case {
            name: "board (SPA query, 6 columns x 25)",
            query: BOARD,
            variables: json!({}),
            target: Some(TARGET),
            raw: ["new", "open", "pending", "resolved", "closed", "cancelled"]
                .into_iter()
                .map(|status| raw_listing(tenant.id, Some(status), 26))
                .collect(),
        },
        Case {
            name: "board filtered (open, high)",
            query: BOARD,
            variables: json!({ "filter": { "status": ["OPEN"], "priority": ["HIGH"] } }),
            target: Some(TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "board of one customer",
            query: BOARD,
            variables: json!({ "filter": { "customerId": customer_id } }),
            target: Some(TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "full-text search",
            query: BOARD,
            variables: json!({ "filter": { "search": "chaudière fuite" } }),
            target: Some(TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "ticket page",
            query: TICKET,
            variables: json!({ "id": ticket_id }),
            target: Some(TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: response/resolution times",
            query: "query($f: ReportFilterInput!) { ticketTimesReport(filter: $f) { tickets responded meanFirstResponseSeconds resolved meanResolutionSeconds } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: satisfaction per agent",
            query: "query($f: ReportFilterInput!) { satisfactionReport(filter: $f) { agent { displayName } ratings mean distribution } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: opened/closed per week",
            query: "query($f: ReportFilterInput!) { ticketsPerWeek(filter: $f) { weekStart opened closed } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: backlog per week",
            query: "query($f: ReportFilterInput!) { backlogReport(filter: $f) { date open } }",
            variables: json!({ "f": quarter }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "SPA reports page, 1 year",
            query: REPORTS_PAGE,
            variables: json!({ "filter": { "from": year_from, "to": to } }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: cost per month, 1 year",
            query: "query($from: NaiveDate, $to: NaiveDate) { costReport(groupBy: MONTH, from: $from, to: $to) { periodStart minutes amount } }",
            variables: json!({ "from": year_from, "to": to }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
        Case {
            name: "report: cost per customer, quarter",
            query: "query($from: NaiveDate, $to: NaiveDate) { costReport(groupBy: CUSTOMER, from: $from, to: $to) { minutes amount } }",
            variables: json!({ "from": quarter_from, "to": to }),
            target: Some(REPORT_TARGET),
            raw: Vec::new(),
        },
    ];

    let mut ok = true;
    println!(
        "{:<40} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>7}",
        "query", "p50 ms", "p99 ms", "first", "raw p50", "x raw", "stmts", "target"
    );
    let mut lines = Vec::new();
    for case in &cases {
        let cold = Instant::now();
        check(
            server
                .graphql(Some(&token), case.query, case.variables.clone())
                .await?,
        )?;
        let first = cold.elapsed();
        check(
            server
                .graphql(Some(&token), case.query, case.variables.clone())
                .await?,
        )?;
        raw(&server, &case.raw).await?;
        let mut times = Vec::with_capacity(runs);
        let mut raw_times = Vec::with_capacity(runs);
        let mut statements = 0;
        for _ in 0..runs {
            let before = server.statement_count();
            let start = Instant::now();
            check(
                server
                    .graphql(Some(&token), case.query, case.variables.clone())
                    .await?,
            )?;
            times.push(start.elapsed());
            statements += server.statement_count() - before;
            if !case.raw.is_empty() {
                let start = Instant::now();
                raw(&server, &case.raw).await?;
                raw_times.push(start.elapsed());
            }
        }
        let statements = statements / runs.max(1);
        times.sort();
        raw_times.sort();
        let line = Line {
            name: case.name.to_owned(),
            p50: percentile(&times, 50),
            p99: percentile(&times, 99),
            first,
            raw_p50: (!raw_times.is_empty()).then(|| percentile(&raw_times, 50)),
            statements,
        };
        let verdict = match case.target {
            Some(target) if line.p50 > target => {
                ok = false;
                "MISSED"
            }
            Some(_) => "ok",
            None => "-",
        };
        println!(
            "{:<40} {:>8.2} {:>8.2} {:>8.1} {:>8} {:>7} {:>6} {:>7}",
            line.name,
            ms(line.p50),
            ms(line.p99),
            ms(line.first),
            line.raw_p50
                .map_or("-".to_owned(), |r| format!("{:.2}", ms(r))),
            ratio(&line),
            line.statements,
            verdict
        );
        lines.push(line);
    }
    let mut throughput = Vec::new();
    for (name, query, variables, statements) in [
        (
            "tickets, 100 newest, 32 clients",
            LISTING,
            json!({ "n": 100 }),
            vec![raw_listing(tenant.id, None, 101)],
        ),
        (
            "board (SPA query), 32 clients",
            BOARD,
            json!({}),
            ["new", "open", "pending", "resolved", "closed", "cancelled"]
                .into_iter()
                .map(|status| raw_listing(tenant.id, Some(status), 26))
                .collect(),
        ),
    ] {
        let (rate, p99) = clients(32, || async {
            check(
                server
                    .graphql(Some(&token), query, variables.clone())
                    .await?,
            )
        })
        .await?;
        let (raw_rate, _) =
            clients(32, || async { raw(&server, &statements).await.map(drop) }).await?;
        println!(
            "{name:<40} {rate:>8.0}/s p99 {:>6.1} ms, raw SQL {raw_rate:.0}/s",
            ms(p99)
        );
        throughput.push((name.to_owned(), rate, p99, raw_rate));
    }
    let mut writes = Vec::new();
    // A small tenant (a few dozen tickets), then the large one: a write must not cost
    // more with history.
    let small = server.tenant("Small").await?;
    let small_agents = agents_of(&server, &small, 20).await?;
    guichet_tests::bulk::load(
        &server.state.services.db,
        small.id,
        &small_agents,
        40,
        server.clock_now(),
    )
    .await?;
    let small_customer = server
        .ok(
            Some(&small.admin_token),
            "{ tickets(first: 1) { nodes { customer { id } } } }",
            json!({}),
        )
        .await?["tickets"]["nodes"][0]["customer"]["id"]
        .clone();
    writes.push(
        create_tickets(
            &server,
            small.id,
            &small.admin_token,
            &small_customer,
            runs,
            "40 tickets",
        )
        .await?,
    );
    writes.push(
        create_tickets(
            &server,
            tenant.id,
            &token,
            &customer_id,
            runs,
            &format!("{tickets} tickets"),
        )
        .await?,
    );
    Ok((
        ok,
        Run {
            backend,
            tickets,
            load: load_time,
            lines,
            throughput,
            writes,
        },
    ))
}

/// `count` agents of `tenant`.
async fn agents_of(
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    count: usize,
) -> anyhow::Result<Vec<i64>> {
    let mut agents = Vec::new();
    for i in 0..count {
        let (id, _) = tenant
            .user(
                server,
                &format!("agent{i}@{}.test", tenant.slug),
                "agent",
                None,
            )
            .await?;
        agents.push(id.parse::<i64>()?);
    }
    Ok(agents)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The median over raw SQL's, as `15.2x`.
fn ratio(line: &Line) -> String {
    line.raw_p50.map_or("-".to_owned(), |raw| {
        format!(
            "{:.1}x",
            line.p50.as_secs_f64() / raw.as_secs_f64().max(1e-9)
        )
    })
}

/// `n` clients sending `request` in a loop for `GUICHET_BENCH_SECONDS` (3): requests per
/// second and the 99th percentile.
async fn clients<F, Fut>(n: usize, request: F) -> anyhow::Result<(f64, Duration)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let seconds = env_number("GUICHET_BENCH_SECONDS", 3);
    let deadline = Instant::now() + Duration::from_secs(seconds as u64);
    let started = Instant::now();
    let one = |_| async {
        let mut times = Vec::new();
        while Instant::now() < deadline {
            let start = Instant::now();
            request().await?;
            times.push(start.elapsed());
        }
        anyhow::Ok(times)
    };
    let results = futures::future::join_all((0..n).map(one)).await;
    let elapsed = started.elapsed();
    let mut times = Vec::new();
    for result in results {
        times.extend(result?);
    }
    times.sort();
    Ok((
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 99),
    ))
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
    history: &str,
) -> anyhow::Result<(String, f64, Duration, Duration)> {
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
    let name = format!("createTicket, {clients} clients, {history}");
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "{name:<40} {rate:>8.0}/s p50 {:>6.1} ms, p99 {:>6.1} ms, {} statements",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 99)),
        (server.statement_count() - before) / count,
    );
    Ok((name, rate, percentile(&times, 50), percentile(&times, 99)))
}

/// The record of `runs` as Markdown.
fn record(runs: &[Run]) -> String {
    use std::fmt::Write as _;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench` on {} ({cores} cores, {cpu}; load generator, server and \
         database share them), release build. p50 and p99 over interleaved runs; \"x raw\" is \
         the median over that of raw SQL fetching the same rows through the same pool in the \
         same run; \"first\" is the first (cold) request.\n",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    for run in runs {
        let _ = writeln!(
            out,
            "### {:?}, {} tickets (loaded in {:.0} s)\n",
            run.backend,
            run.tickets,
            run.load.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "| query | p50 ms | p99 ms | first ms | raw SQL p50 ms | × raw | statements |\n|---|---:|---:|---:|---:|---:|---:|"
        );
        for line in &run.lines {
            let _ = writeln!(
                out,
                "| {} | {:.2} | {:.2} | {:.1} | {} | {} | {} |",
                line.name,
                ms(line.p50),
                ms(line.p99),
                ms(line.first),
                line.raw_p50
                    .map_or("".to_owned(), |r| format!("{:.2}", ms(r))),
                ratio(line),
                line.statements
            );
        }
        let _ = writeln!(
            out,
            "\n| under load | req/s | p99 ms | raw SQL req/s |\n|---|---:|---:|---:|"
        );
        for (name, rate, p99, raw_rate) in &run.throughput {
            let _ = writeln!(
                out,
                "| {name} | {rate:.0} | {:.1} | {raw_rate:.0} |",
                ms(*p99)
            );
        }
        let _ = writeln!(
            out,
            "\n| write | tickets/s | p50 ms | p99 ms |\n|---|---:|---:|---:|"
        );
        for (name, rate, p50, p99) in &run.writes {
            let _ = writeln!(
                out,
                "| {name} | {rate:.0} | {:.1} | {:.1} |",
                ms(*p50),
                ms(*p99)
            );
        }
        out.push('\n');
    }
    out
}

/// Puts `record` into `docs/benchmarks.md` between its markers (added at the end the first
/// time).
fn write_record(record: &str) -> anyhow::Result<()> {
    const START: &str = "<!-- bench:queries:start -->";
    const END: &str = "<!-- bench:queries:end -->";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/benchmarks.md");
    let text = std::fs::read_to_string(&path)?;
    let section = format!("{START}\n{record}{END}");
    let text = match (text.find(START), text.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{section}{}", &text[..start], &text[end + END.len()..])
        }
        _ => format!(
            "{}\n## Queries and writes at scale (`cargo xtask bench`)\n\n{section}\n",
            text.trim_end()
        ),
    };
    std::fs::write(&path, text)?;
    println!("wrote {}", path.display());
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
    let mut record_runs = Vec::new();
    for backend in backends {
        let (passed, run) = runtime.block_on(bench(backend, tickets, runs))?;
        ok &= passed;
        record_runs.push(run);
    }
    if benching {
        write_record(&record(&record_runs))?;
    }
    anyhow::ensure!(ok, "a query missed its target");
    Ok(())
}

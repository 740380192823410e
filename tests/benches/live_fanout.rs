//! One ticket change, many subscribers: event-to-delivery latency and memory per
//! connection, for 1 000 and 10 000 authenticated `ticketEvents` subscriptions on one
//! instance.
//!
//! `cargo xtask bench live` (or `cargo bench -p guichet-tests --bench live_fanout`) runs the
//! server in a child process (this program with `--serve`), so that its memory is measured
//! alone, and opens the sockets from this one. Each step opens `n` sockets (agents signed
//! in, 100 sockets each, as tabs), subscribes each to the board's `ticketEvents`, then
//! changes a ticket's priority `GUICHET_BENCH_ROUNDS` (20) times, each time waiting for
//! every subscriber to receive the event. It reports, per step: the time from the mutation
//! being sent to each delivery (p50, p99, max), the SQL statements one event cost, the
//! server's resident memory per open socket, and what stayed after every socket closed.
//! `GUICHET_BENCH_SUBSCRIBERS` lists the steps (`1000,10000`); `GUICHET_BENCH_BACKEND` is
//! `sqlite` (default) or `postgres`. In `--bench` mode the run fails when the largest
//! step's p99 exceeds 200 ms. `cargo test --benches` runs a small step without the target,
//! to keep it working.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use futures::{SinkExt, StreamExt};
use guichet_tests::{Backend, TestDatabase, TestServer};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

const TARGET_P99: Duration = Duration::from_millis(200);

/// Sockets per signed-in agent (tabs and devices).
const SOCKETS_PER_USER: usize = 100;

/// The board's subscription, as the SPA sends it.
const BOARD_EVENTS: &str = "subscription { ticketEvents { kind ticket { id number subject \
     status priority ticketType updatedAt responseDueAt resolutionDueAt firstResponseAt \
     customer { id displayName } assignee { id displayName } allowedTransitions } \
     message { id body authorKind authorName internal createdAt } } }";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// This process's resident memory, in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time this process used so far (user and system), from `/proc/self/stat`.
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name (which may hold spaces) start at `) `.
            let rest = stat.rsplit_once(") ")?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let user: u64 = fields.get(11)?.parse().ok()?;
            let system: u64 = fields.get(12)?.parse().ok()?;
            Some(user + system)
        })
        .unwrap_or(0);
    // The kernel's USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

// ---------------------------------------------------------------------------------------
// The server (child process).

/// Serves until stdin closes. Prints one line with the address, the tokens and the ticket;
/// then answers each line `stats` with the statements run so far, the resident memory and
/// the open sockets.
async fn serve(backend: Backend, users: usize) -> anyhow::Result<()> {
    let server = TestServer::start_on(
        Arc::new(TestDatabase::create(backend).await?),
        server::config::Config {
            ws_connections_per_address: 1_000_000,
            ws_connections_per_user: SOCKETS_PER_USER,
            ..server::config::Config::default()
        },
    )
    .await?;
    let tenant = server.tenant("Bench").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &customer, "SUPPORT", "Fuite")
        .await?;
    let mut tokens = Vec::with_capacity(users);
    for n in 0..users {
        let (_, token) = tenant
            .user(&server, &format!("agent{n}@bench.test"), "agent", None)
            .await?;
        tokens.push(token);
    }
    let ready = json!({
        "base_url": server.base_url,
        "admin": tenant.admin_token,
        "tokens": tokens,
        "ticket": ticket["id"],
    });
    println!("{ready}");
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));
    while let Some(line) = lines.next_line().await? {
        if line.trim() == "stats" {
            let stats = json!({
                "statements": server.statement_count(),
                "rss_kib": resident_kib(),
                "sockets": server.state.sockets.open(),
                "cpu_ms": cpu_time().as_millis() as u64,
            });
            println!("{stats}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The clients (this process).

struct ServerProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    ready: Value,
}

impl ServerProcess {
    fn start(backend: &str, users: usize) -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--serve", backend, &users.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the server process")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let ready: Value =
            serde_json::from_str(&line).with_context(|| format!("server said {line:?}"))?;
        Ok(Self {
            child,
            stdin,
            stdout,
            ready,
        })
    }

    fn stats(&mut self) -> anyhow::Result<Value> {
        writeln!(self.stdin, "stats")?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        Ok(serde_json::from_str(&line)?)
    }

    /// Waits until the server counts `sockets` open (closing is asynchronous).
    fn settle(&mut self, sockets: u64) -> anyhow::Result<Value> {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let stats = self.stats()?;
            if stats["sockets"].as_u64() == Some(sockets) || Instant::now() > until {
                // Give tasks ending with the sockets a moment to free what they hold.
                std::thread::sleep(Duration::from_millis(500));
                return self.stats();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens a socket as `token`, subscribes to the board's events, and says so on
/// `subscribed`; then notes the arrival time of every event and counts it in `arrived`
/// (nothing more per event: the load generator shares the cores with the server). Returns
/// the arrival times once stopped.
async fn subscriber(
    url: String,
    token: String,
    arrived: Arc<AtomicUsize>,
    subscribed: mpsc::UnboundedSender<anyhow::Result<()>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Instant> {
    let mut arrivals = Vec::new();
    let opened = async {
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (mut socket, _) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
        let init = json!({ "type": "connection_init", "payload": { "token": token } });
        socket.send(Message::Text(init.to_string().into())).await?;
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("connection_ack") => {}
            other => bail!("no connection_ack: {other:?}"),
        }
        let subscribe =
            json!({ "id": "1", "type": "subscribe", "payload": { "query": BOARD_EVENTS } });
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await?;
        anyhow::Ok(socket)
    };
    let mut socket = match opened.await {
        Ok(socket) => {
            let _ = subscribed.send(Ok(()));
            socket
        }
        Err(error) => {
            let _ = subscribed.send(Err(error));
            return arrivals;
        }
    };
    loop {
        tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let at = Instant::now();
                    if text.contains("\"next\"") {
                        arrivals.push(at);
                        arrived.fetch_add(1, Ordering::Relaxed);
                    } else if text.contains("\"ping\"") {
                        let _ = socket.send(Message::Text(json!({"type": "pong"}).to_string().into())).await;
                    }
                }
                Some(Ok(_)) => {}
                _ => return arrivals,
            },
            _ = stop.changed() => {
                let _ = socket.close(None).await;
                return arrivals;
            }
        }
    }
}

struct Step {
    subscribers: usize,
    deliveries: Vec<Duration>,
    missing: usize,
    statements_per_event: f64,
    kib_per_socket: f64,
    kib_kept_after_close: f64,
    open_seconds: f64,
    /// CPU time per delivery, in the server and in the clients.
    server_us_per_delivery: f64,
    client_us_per_delivery: f64,
}

async fn step(
    server: &mut ServerProcess,
    n: usize,
    rounds: usize,
    priority: &mut bool,
) -> anyhow::Result<Step> {
    let base = server.ready["base_url"]
        .as_str()
        .context("no base url")?
        .to_owned();
    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let tokens: Vec<String> = server.ready["tokens"]
        .as_array()
        .context("no tokens")?
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let before = server.settle(0)?;
    let arrived = Arc::new(AtomicUsize::new(0));
    let (done, mut subscribed) = mpsc::unbounded_channel();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let opening = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let token = tokens[i / SOCKETS_PER_USER].clone();
        tasks.push(tokio::spawn(subscriber(
            url.clone(),
            token,
            Arc::clone(&arrived),
            done.clone(),
            stopped.clone(),
        )));
        // Open in waves, as a floor's tabs reconnect, without flooding the accept queue.
        if i % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for _ in 0..n {
        subscribed
            .recv()
            .await
            .context("a subscriber vanished")?
            .context("a subscriber could not subscribe")?;
    }
    let open_seconds = opening.elapsed().as_secs_f64();
    // The server opens a subscription's receiver when it first polls it: let it settle.
    tokio::time::sleep(Duration::from_millis(500 + n as u64 / 10)).await;
    let open = server.settle(n as u64)?;

    let http = reqwest::Client::new();
    let admin = server.ready["admin"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let ticket = server.ready["ticket"].clone();
    let mut sent_at = Vec::with_capacity(rounds);
    let stats_before = server.stats()?;
    let client_cpu_before = cpu_time();
    for round in 1..=rounds {
        *priority = !*priority;
        let level = if *priority { "HIGH" } else { "LOW" };
        let sent = Instant::now();
        sent_at.push(sent);
        let response: Value = http
            .post(format!("{base}/graphql"))
            .bearer_auth(&admin)
            .json(&json!({
                "query": "mutation($t: ID!, $p: TicketPriority!) { changeTicketPriority(ticketId: $t, priority: $p) { id } }",
                "variables": { "t": ticket, "p": level },
            }))
            .send()
            .await?
            .json()
            .await?;
        if response.get("errors").is_some() {
            bail!("the change failed: {response}");
        }
        // Every subscriber notes its own arrival time; this only waits for the count.
        let deadline = Instant::now() + Duration::from_secs(60);
        while arrived.load(Ordering::Relaxed) < n * round && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // Between changes, as on a real floor: not back to back.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats_after = server.stats()?;
    let client_cpu = cpu_time().saturating_sub(client_cpu_before);
    let counted = |name: &str| {
        stats_after[name].as_u64().unwrap_or(0) - stats_before[name].as_u64().unwrap_or(0)
    };
    let statements = counted("statements");
    let server_cpu = Duration::from_millis(counted("cpu_ms"));

    stop.send(true)?;
    let mut deliveries = Vec::with_capacity(n * rounds);
    let mut missing = 0;
    for task in tasks {
        let arrivals = task.await.unwrap_or_default();
        missing += rounds.saturating_sub(arrivals.len());
        // Each subscriber receives each round's change once, in order.
        for (at, sent) in arrivals.iter().zip(&sent_at) {
            deliveries.push(at.saturating_duration_since(*sent));
        }
    }
    let after = server.settle(0)?;
    let kib = |v: &Value| v["rss_kib"].as_f64().unwrap_or(0.0);
    deliveries.sort();
    Ok(Step {
        subscribers: n,
        deliveries,
        missing,
        statements_per_event: statements as f64 / rounds as f64,
        kib_per_socket: (kib(&open) - kib(&before)) / n as f64,
        kib_kept_after_close: (kib(&after) - kib(&before)) / n as f64,
        open_seconds,
        server_us_per_delivery: server_cpu.as_secs_f64() * 1e6 / (n * rounds) as f64,
        client_us_per_delivery: client_cpu.as_secs_f64() * 1e6 / (n * rounds) as f64,
    })
}

async fn run(backend: &str, steps: &[usize], rounds: usize) -> anyhow::Result<Vec<Step>> {
    let largest = steps.iter().copied().max().unwrap_or(0);
    let mut server = ServerProcess::start(backend, largest.div_ceil(SOCKETS_PER_USER).max(1))?;
    let mut priority = false;
    let mut results = Vec::new();
    for &n in steps {
        let result = step(&mut server, n, rounds, &mut priority).await?;
        println!(
            "{backend:>8} {:>6} subscribers: delivery p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  \
             missing {}  | {:.1} statements/event | {:.1} KiB/socket, {:.1} KiB/socket kept after close \
             | opened in {:.1} s | CPU per delivery: server {:.1} µs, clients {:.1} µs",
            result.subscribers,
            ms(percentile(&result.deliveries, 0.5)),
            ms(percentile(&result.deliveries, 0.99)),
            ms(result.deliveries.last().copied().unwrap_or_default()),
            result.missing,
            result.statements_per_event,
            result.kib_per_socket,
            result.kib_kept_after_close,
            result.open_seconds,
            result.server_us_per_delivery,
            result.client_us_per_delivery,
        );
        results.push(result);
    }
    Ok(results)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        let backend = match args.get(at + 1).map(String::as_str) {
            Some("postgres") => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        let users = args.get(at + 2).and_then(|u| u.parse().ok()).unwrap_or(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        return runtime.block_on(serve(backend, users));
    }
    let benching = args.iter().any(|a| a == "--bench");
    let (steps, rounds) = if benching {
        let steps: Vec<usize> = std::env::var("GUICHET_BENCH_SUBSCRIBERS")
            .unwrap_or_else(|_| "1000,10000".into())
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        (steps, env_number("GUICHET_BENCH_ROUNDS", 20))
    } else {
        (vec![20, 150], 2)
    };
    let backends = match std::env::var("GUICHET_BENCH_BACKEND").as_deref() {
        Ok("postgres") => vec!["postgres"],
        Ok("both") => vec!["sqlite", "postgres"],
        _ => vec!["sqlite"],
    };
    // The clients' side: sockets are cheap here too, and both cores are shared with the
    // server, as a load generator on the same machine is.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut failures = Vec::new();
    for backend in backends {
        let results = runtime.block_on(run(backend, &steps, rounds))?;
        let Some(largest) = results.iter().max_by_key(|r| r.subscribers) else {
            continue;
        };
        if largest.missing > 0 {
            failures.push(format!(
                "{backend}: {} deliveries missing at {} subscribers",
                largest.missing, largest.subscribers
            ));
        }
        let p99 = percentile(&largest.deliveries, 0.99);
        if benching && p99 > TARGET_P99 {
            failures.push(format!(
                "{backend}: p99 {:.1} ms at {} subscribers is over the target of {} ms",
                ms(p99),
                largest.subscribers,
                TARGET_P99.as_millis()
            ));
        }
    }
    if !failures.is_empty() {
        return Err(anyhow!(failures.join("; ")));
    }
    Ok(())
}

//! `kill -9` under write load loses no acknowledged write, on SQLite and on PostgreSQL:
//! the real `guichet` binary serves while clients create tickets as fast as they can; it
//! is killed with SIGKILL mid-load, started again on the same database, and every ticket
//! whose creation was answered must be there, whole (its creation recorded in its history,
//! which the same transaction writes).
//!
//! PostgreSQL is `postgres://postgres@127.0.0.1:5432/postgres` unless `GUICHET_TEST_PG_URL`
//! says otherwise; a fresh database is created there and dropped at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::Connection as _;

const BINARY: &str = env!("CARGO_BIN_EXE_guichet");
const PASSWORD: &str = "correct horse battery";
const SECRET: &str = "a-session-secret-for-the-durability-test-0123456789";

struct Instance {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn guichet(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env("GUICHET_DATA_DIR", data_dir)
        .env("GUICHET_SESSION_SECRET", SECRET)
        .env("GUICHET_JOBS_INTERVAL_SECONDS", "0")
        .env("GUICHET_SPA_DIR", data_dir.join("no-spa"))
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn start(data_dir: &std::path::Path, database_url: &str) -> Instance {
    let port = free_port();
    let mut child = guichet(data_dir, database_url)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .spawn()
        .expect("guichet starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status().is_success() {
                return Instance { child, base };
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("guichet did not become healthy at {base}");
}

async fn graphql(base: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn sign_in(base: &str) -> String {
    let data = graphql(
        base,
        None,
        "mutation($p: String!) { login(email: \"admin@durable.test\", password: $p) { token } }",
        json!({ "p": PASSWORD }),
    )
    .await;
    data["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {data}"))
        .to_owned()
}

async fn survives_kill_9(database_url: &str) {
    let data_dir = tempfile::tempdir().unwrap();
    let created = guichet(data_dir.path(), database_url)
        .args([
            "tenant",
            "create",
            "Durable",
            "--admin-email",
            "admin@durable.test",
            "--admin-password",
            PASSWORD,
        ])
        .status()
        .unwrap();
    assert!(created.success(), "tenant create failed");

    let first = start(data_dir.path(), database_url).await;
    let token = sign_in(&first.base).await;
    let customer = graphql(
        &first.base,
        Some(&token),
        "mutation { createCustomer(input: { firstName: \"Jean\", lastName: \"Dupont\" }) { id } }",
        json!({}),
    )
    .await;
    let customer = customer["data"]["createCustomer"]["id"].clone();
    assert!(customer.is_string(), "{customer}");

    // Writers create tickets as fast as they are answered; only answered ones count.
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (base, token, customer, acknowledged) = (
            first.base.clone(),
            token.clone(),
            customer.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0.. {
                let subject = format!("Writer {writer}, ticket {n}");
                let sent = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "query": "mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }",
                        "variables": { "i": {
                            "ticketType": "SUPPORT",
                            "subject": subject,
                            "description": "Écrit pendant le test de durabilité",
                            "customerId": customer,
                        }},
                    }))
                    .send()
                    .await;
                // Once the server is killed, requests fail: the writer stops.
                let Ok(response) = sent else { return };
                let Ok(body) = response.json::<Value>().await else { return };
                if let Some(id) = body["data"]["createTicket"]["id"].as_str() {
                    let id: i64 = id.parse().unwrap();
                    acknowledged.lock().unwrap().push((id, subject));
                }
            }
        }));
    }
    // Let the load run, then SIGKILL mid-write.
    let mut child = first.child;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if acknowledged.lock().unwrap().len() >= 150 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150);

    // Started again on the same database: every answered ticket is there, whole.
    let second = start(data_dir.path(), database_url).await;
    let db = server::db::connect(database_url).await.unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let ids: Vec<i64> = acknowledged.iter().map(|(id, _)| *id).collect();
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows = entity::ticket::Entity::find()
            .filter(entity::ticket::Column::Id.is_in(chunk.iter().copied()))
            .all(&db)
            .await
            .unwrap();
        for row in rows {
            let expected = acknowledged
                .iter()
                .find(|(id, _)| *id == row.id)
                .map(|(_, subject)| subject.clone());
            assert_eq!(Some(row.subject.clone()), expected);
            found.insert(row.id);
        }
        let created = entity::ticket_event::Entity::find()
            .filter(entity::ticket_event::Column::TicketId.is_in(chunk.iter().copied()))
            .filter(entity::ticket_event::Column::Kind.eq(entity::enums::TicketEventKind::Created))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(created.len(), chunk.len(), "a ticket without its history");
    }
    let lost: Vec<&i64> = ids.iter().filter(|id| !found.contains(id)).collect();
    assert!(lost.is_empty(), "acknowledged tickets lost: {lost:?}");
    // And the server works on.
    let token = sign_in(&second.base).await;
    let me = graphql(&second.base, Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "admin@durable.test");
    let mut child = second.child;
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_write() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        folder.path().join("durable.sqlite").display()
    );
    survives_kill_9(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_write() {
    let admin = std::env::var("GUICHET_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let name = format!(
        "guichet_durable_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL is required for this test");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    survives_kill_9(&format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

//! Test harness: a real Guichet server on a fresh database per test, on SQLite or
//! PostgreSQL, driven over HTTP and WebSocket like any client.
//!
//! PostgreSQL is reached at `GUICHET_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own database and
//! drops it afterwards. A missing PostgreSQL fails the test: it is never skipped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context as _};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use server::clock::ManualClock;
use server::config::Config;
use server::domain::tenants::{create_tenant, NewTenant};
use server::state::AppState;
use sqlx::{Connection, Executor, PgConnection};

pub use chrono;

pub mod browser;
pub use server::bulk;
pub mod fake_api;
pub mod proxy;
pub mod smtp;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// Runs an async test body once per backend: `both_backends!(name, body_fn)` defines
/// `name::sqlite` and `name::postgres`, each calling `body_fn(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await.expect("test failed on SQLite");
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await.expect("test failed on PostgreSQL");
                }
            }
        )+
    };
}

/// For browser scenarios, which run one at a time in the one browser (`browser::serially`
/// starts its own runtime): `on_both_databases!(name)` defines `name::sqlite` and
/// `name::postgres`, each calling the synchronous `name(Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() -> anyhow::Result<()> {
                    super::$name($crate::Backend::Sqlite)
                }

                #[test]
                fn postgres() -> anyhow::Result<()> {
                    super::$name($crate::Backend::Postgres)
                }
            }
        )+
    };
}

/// The PostgreSQL server used by tests.
#[must_use]
pub fn postgres_admin_url() -> String {
    std::env::var("GUICHET_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database created for one test and removed after it.
pub struct TestDatabase {
    /// Connection URL.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDatabase {
    /// Creates an empty database.
    ///
    /// # Errors
    ///
    /// Fails when PostgreSQL is unreachable (on purpose: tests never skip it).
    pub async fn create(backend: Backend) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("test.sqlite").display()
                );
                Ok(Self {
                    url,
                    backend,
                    pg_name: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!(
                    "guichet_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    Utc::now().timestamp_micros()
                );
                let mut conn = PgConnection::connect(&admin).await.with_context(|| {
                    format!("PostgreSQL is required for tests and unreachable at {admin}")
                })?;
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                conn.close().await?;
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                Ok(Self {
                    url: format!("{base}/{name}"),
                    backend,
                    pg_name: Some(name),
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside async context: use a thread with its own small runtime.
        let handle = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&postgres_admin_url()).await {
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// A running server on its own database and port, with a clock the test controls.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The server's state (database, services).
    pub state: AppState,
    /// The server's clock.
    pub clock: ManualClock,
    /// SQL statements executed so far.
    pub statements: Arc<AtomicUsize>,
    /// The database; kept until the server is dropped.
    pub database: Arc<TestDatabase>,
    http: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
    /// Held while a subscription is being opened (see [`Self::subscribe`]).
    subscribing: tokio::sync::Mutex<()>,
    _files: tempfile::TempDir,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The instant test clocks start at.
#[must_use]
pub fn test_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

impl TestServer {
    /// Starts a server on a fresh database.
    ///
    /// # Errors
    ///
    /// Fails when the database cannot be created or the server cannot start.
    pub async fn start(backend: Backend) -> anyhow::Result<Self> {
        let database = Arc::new(TestDatabase::create(backend).await?);
        Self::start_on(database, Config::default()).await
    }

    /// Starts a server on an existing database (several instances may share one).
    ///
    /// # Errors
    ///
    /// Fails when the server cannot start.
    pub async fn start_on(database: Arc<TestDatabase>, mut config: Config) -> anyhow::Result<Self> {
        // Attachments and secrets go to a folder of this server's own.
        let files = tempfile::tempdir()?;
        config.data_dir = files.path().to_path_buf();
        let mut db = server::db::connect(&database.url).await?;
        server::db::migrate(&db).await?;
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let log = std::env::var_os("GUICHET_TEST_LOG_SQL").is_some();
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::SeqCst);
            if log {
                eprintln!("SQL {}", info.statement.sql);
            }
        });
        let clock = ManualClock::new(test_epoch());
        let state = AppState::new(
            config,
            db,
            Arc::new(clock.clone()),
            b"test-secret-test-secret-test-secret!",
        )
        .await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let app = server::app(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum_serve(listener, app).await;
        });
        Ok(Self {
            base_url,
            state,
            clock,
            statements,
            database,
            http: reqwest::Client::new(),
            task,
            subscribing: tokio::sync::Mutex::new(()),
            _files: files,
        })
    }

    /// Posts a GraphQL request and returns the whole response body.
    ///
    /// # Errors
    ///
    /// Fails on transport errors or a non-JSON answer.
    pub async fn graphql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({
                "query": query,
                "variables": variables,
            }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        let body = response.text().await?;
        serde_json::from_str(&body).map_err(|error| {
            let excerpt: String = body.chars().take(300).collect();
            anyhow!("the server answered {status} with no JSON ({error}): {excerpt}")
        })
    }

    /// Posts a GraphQL request that must succeed, and returns its `data`.
    ///
    /// # Errors
    ///
    /// Fails when the response carries errors.
    pub async fn ok(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let body = self.graphql(token, query, variables).await?;
        if let Some(errors) = body.get("errors") {
            bail!("GraphQL errors: {errors}");
        }
        body.get("data")
            .cloned()
            .ok_or_else(|| anyhow!("no data in {body}"))
    }

    /// Posts a GraphQL request that must fail, and returns the first error's
    /// `extensions.code`.
    ///
    /// # Errors
    ///
    /// Fails when the request succeeded.
    pub async fn error_code(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<String> {
        let body = self.graphql(token, query, variables).await?;
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_owned);
        code.ok_or_else(|| anyhow!("expected an error with a code, got {body}"))
    }

    /// Uploads `content` as `filename` to a ticket through the GraphQL multipart request
    /// specification, and returns the whole response body.
    ///
    /// # Errors
    ///
    /// Fails on transport errors or a non-JSON answer.
    pub async fn upload(
        &self,
        token: &str,
        ticket_id: &Value,
        filename: &str,
        content: Vec<u8>,
    ) -> anyhow::Result<Value> {
        self.upload_as(Some(token), ticket_id, filename, content)
            .await
    }

    /// [`Self::upload`], with or without a credential.
    ///
    /// # Errors
    ///
    /// Fails on transport errors or a non-JSON answer.
    pub async fn upload_as(
        &self,
        token: Option<&str>,
        ticket_id: &Value,
        filename: &str,
        content: Vec<u8>,
    ) -> anyhow::Result<Value> {
        let operations = json!({
            "query": "mutation($t: ID!, $f: Upload!) { uploadAttachment(ticketId: $t, file: $f) { id filename contentType sizeBytes url } }",
            "variables": { "t": ticket_id, "f": null },
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.f"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(content)
                    .file_name(filename.to_owned())
                    .mime_str("application/octet-stream")?,
            );
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Ok(request.send().await?.json().await?)
    }

    /// A GET on the server, optionally with a bearer token.
    ///
    /// # Errors
    ///
    /// Fails on transport errors.
    pub async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<reqwest::Response> {
        let mut request = self.http.get(format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Ok(request.send().await?)
    }

    /// Signs in and returns the session token.
    ///
    /// # Errors
    ///
    /// Fails when the credentials are refused.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": password }),
            )
            .await?;
        data["login"]["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no token"))
    }

    /// Creates a tenant with an admin through the domain (as `guichet tenant create` does),
    /// signs the admin in, and returns the tenant's fixture.
    ///
    /// # Errors
    ///
    /// Fails when the tenant cannot be created.
    pub async fn tenant(&self, name: &str) -> anyhow::Result<TenantFixture> {
        let slug = server::domain::tenants::slugify(name);
        let email = format!("admin@{slug}.test");
        let password = "correct horse battery".to_owned();
        let (tenant, _) = create_tenant(
            &self.state.services.db,
            NewTenant {
                name: name.to_owned(),
                slug: None,
                admin_email: email.clone(),
                admin_password: password.clone(),
                admin_name: format!("Admin {name}"),
            },
            self.clock_now(),
        )
        .await?;
        let admin_token = self.login(&email, &password).await?;
        Ok(TenantFixture {
            id: tenant.id,
            slug,
            admin_email: email,
            password,
            admin_token,
        })
    }

    /// The server clock's current time.
    #[must_use]
    pub fn clock_now(&self) -> DateTime<Utc> {
        use server::clock::Clock as _;
        self.clock.now()
    }

    /// The number of SQL statements the server has run so far.
    #[must_use]
    pub fn statement_count(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    app: axum_router::Router,
) -> std::io::Result<()> {
    // As `guichet serve` does: handlers see the peer's address (sign-in throttling).
    axum_router::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}

mod axum_router {
    pub use axum::{serve, Router};
}

/// A tenant created for a test, with its admin signed in.
#[derive(Debug, Clone)]
pub struct TenantFixture {
    /// Tenant id.
    pub id: i64,
    /// Tenant identifier.
    pub slug: String,
    /// The admin's e-mail.
    pub admin_email: String,
    /// The password of every account the fixture creates.
    pub password: String,
    /// The admin's session token.
    pub admin_token: String,
}

impl TenantFixture {
    /// Creates a customer through the API and returns its id.
    ///
    /// # Errors
    ///
    /// Fails when the API refuses.
    pub async fn customer(
        &self,
        server: &TestServer,
        first: &str,
        last: &str,
    ) -> anyhow::Result<String> {
        let model = server::domain::customers::insert_customer(
            &server.state.services.db,
            self.id,
            server::domain::customers::NewCustomer {
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                email: Some(format!(
                    "{}.{}@{}.test",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    self.slug
                )),
                ..Default::default()
            },
            server.clock_now(),
        )
        .await?;
        Ok(model.id.to_string())
    }

    /// Creates a user of `role` (and, for customers, links it to `customer_id`), and signs
    /// it in.
    ///
    /// # Errors
    ///
    /// Fails when the user cannot be created.
    pub async fn user(
        &self,
        server: &TestServer,
        email: &str,
        role: &str,
        customer_id: Option<&str>,
    ) -> anyhow::Result<(String, String)> {
        let user = server::domain::users::insert_user(
            &server.state.services.db,
            self.id,
            server::domain::users::NewUser {
                email: email.to_owned(),
                password: Some(self.password.clone()),
                display_name: email.split('@').next().unwrap_or(email).to_owned(),
                role: role.parse().map_err(|_| anyhow!("unknown role {role}"))?,
                department: None,
                customer_id: customer_id.map(str::parse).transpose()?,
                max_open_tickets: 10,
            },
            server.clock_now(),
        )
        .await?;
        let token = server.login(email, &self.password).await?;
        Ok((user.id.to_string(), token))
    }

    /// Creates a ticket through the API as the admin and returns `{id, number}`.
    ///
    /// # Errors
    ///
    /// Fails when the API refuses.
    pub async fn ticket(
        &self,
        server: &TestServer,
        customer_id: &str,
        ticket_type: &str,
        subject: &str,
    ) -> anyhow::Result<Value> {
        let data = server
            .ok(
                Some(&self.admin_token),
                "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number status } }",
                json!({ "input": {
                    "ticketType": ticket_type,
                    "subject": subject,
                    "description": format!("Description of {subject}"),
                    "customerId": customer_id,
                }}),
            )
            .await?;
        Ok(data["createTicket"].clone())
    }
}

/// What a websocket yields: a message, an error, or `None` once it is closed.
type SocketItem =
    Option<Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>>;

/// A graphql-transport-ws subscription, as the SPA opens it.
pub struct Subscription {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    /// What the socket yielded while the subscription was being opened (a refusal, or the
    /// socket's end), for [`Self::next_within`] to read first.
    early: Option<SocketItem>,
}

impl TestServer {
    /// Opens `/graphql/ws`, authenticates with `token` in `connection_init`, and starts
    /// `query`. Returns once the server has acknowledged the connection and had time to
    /// register the subscription.
    ///
    /// # Errors
    ///
    /// Fails when the connection or the handshake fails.
    pub async fn subscribe(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Subscription> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        use tokio_tungstenite::tungstenite::Message;

        let url = format!("{}/graphql/ws", self.base_url.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
        let init = json!({ "type": "connection_init", "payload": token.map_or(json!({}), |t| json!({ "token": t })) });
        socket.send(Message::Text(init.to_string().into())).await?;
        loop {
            let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
                .await?
                .ok_or_else(|| anyhow!("socket closed before connection_ack"))??;
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text)?;
                if value["type"] == "connection_ack" {
                    break;
                }
                bail!("unexpected message before ack: {value}");
            }
        }
        // The graphql-transport-ws protocol acknowledges the connection, not the
        // subscription: the server opens the subscription's event receiver when it first
        // polls it, and events published before that are not the subscriber's. So wait
        // until the server's event bus has handed out one more receiver, or until the
        // server answers instead (a refusal: no receiver is opened then). One subscription
        // is opened at a time on this server, so the receiver counted is this one's.
        let _one_at_a_time = self.subscribing.lock().await;
        let mut opened = self.state.services.events.receivers_opened();
        let before = *opened.borrow_and_update();
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } });
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await?;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        let early = loop {
            tokio::select! {
                registered = opened.wait_for(|count| *count > before) => {
                    registered.map_err(|_| anyhow!("the server's event bus is gone"))?;
                    break None;
                }
                item = socket.next() => {
                    match &item {
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Text(text)))
                            if serde_json::from_str::<Value>(text)?["type"] == "ping" =>
                        {
                            let pong = json!({ "type": "pong" }).to_string();
                            socket.send(Message::Text(pong.into())).await?;
                            continue;
                        }
                        _ => break Some(item),
                    }
                }
                () = tokio::time::sleep_until(deadline) => {
                    bail!("the server neither opened the subscription nor answered it within 10 s")
                }
            }
        };
        Ok(Subscription { socket, early })
    }
}

impl Subscription {
    /// Starts one more operation on the same socket, as `id`, without waiting for anything.
    ///
    /// # Errors
    ///
    /// Fails when the socket breaks.
    pub async fn start(&mut self, id: &str, query: &str) -> anyhow::Result<()> {
        use futures::SinkExt;
        use tokio_tungstenite::tungstenite::Message;

        let subscribe = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
        self.socket
            .send(Message::Text(subscribe.to_string().into()))
            .await?;
        Ok(())
    }

    /// Runs one more operation (a query or a mutation) on the same socket, as `id`, and
    /// returns its payload (`{data}` or `{errors}`).
    ///
    /// # Errors
    ///
    /// Fails when the socket breaks or nothing answers within 10 s.
    pub async fn operation(
        &mut self,
        id: &str,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;

        let subscribe = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
        self.socket
            .send(Message::Text(subscribe.to_string().into()))
            .await?;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let item = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .map_err(|_| anyhow!("no answer to operation {id} within 10 s"))?;
            let message = item.ok_or_else(|| anyhow!("socket closed"))??;
            match message {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text)?;
                    if value["id"] != id {
                        continue;
                    }
                    match value["type"].as_str() {
                        Some("next") => return Ok(value["payload"].clone()),
                        Some("error") => return Ok(json!({ "errors": value["payload"] })),
                        _ => {}
                    }
                }
                Message::Close(frame) => bail!("socket closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The close code the server ends the socket with, if it does within `wait` (events
    /// and pings meanwhile are skipped).
    ///
    /// # Errors
    ///
    /// Fails when the socket breaks without a close frame.
    pub async fn closed_within(
        &mut self,
        wait: std::time::Duration,
    ) -> anyhow::Result<Option<u16>> {
        use futures::StreamExt;
        use tokio_tungstenite::tungstenite::Message;

        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let item = match self.early.take() {
                Some(early) => early,
                None => match tokio::time::timeout_at(deadline, self.socket.next()).await {
                    Ok(item) => item,
                    Err(_) => return Ok(None),
                },
            };
            match item {
                Some(Ok(Message::Close(frame))) => {
                    return Ok(Some(frame.map_or(1005, |f| u16::from(f.code))))
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
                None => bail!("socket ended without a close frame"),
            }
        }
    }

    /// The next `next` payload (`{data}` or `{errors}`), or `None` if nothing comes within
    /// `wait`.
    ///
    /// # Errors
    ///
    /// Fails when the socket breaks or the server ends the subscription with an error.
    pub async fn next_within(
        &mut self,
        wait: std::time::Duration,
    ) -> anyhow::Result<Option<Value>> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;

        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let item = match self.early.take() {
                Some(early) => early,
                None => match tokio::time::timeout_at(deadline, self.socket.next()).await {
                    Ok(item) => item,
                    Err(_) => return Ok(None),
                },
            };
            let message = item.ok_or_else(|| anyhow!("socket closed"))??;
            match message {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text)?;
                    match value["type"].as_str() {
                        Some("next") => return Ok(Some(value["payload"].clone())),
                        Some("ping") => {
                            self.socket
                                .send(Message::Text(json!({ "type": "pong" }).to_string().into()))
                                .await?
                        }
                        Some("error") => return Ok(Some(json!({ "errors": value["payload"] }))),
                        Some("complete") => bail!("subscription completed"),
                        _ => {}
                    }
                }
                Message::Close(frame) => bail!("socket closed: {frame:?}"),
                _ => {}
            }
        }
    }
}

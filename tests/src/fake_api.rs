//! A local stand-in for a third-party HTTP API (Telegram's Bot API, Twilio's REST API): it
//! records every request and answers as the provider documents a success (Telegram
//! `{"ok": true, "result": …}`, Twilio `201` with the message resource).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text.
    pub body: String,
}

impl Recorded {
    /// The body parsed as JSON (Telegram).
    ///
    /// # Errors
    ///
    /// Fails when it is not JSON.
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_str(&self.body)?)
    }

    /// The value of `name` in a form-encoded body (Twilio).
    #[must_use]
    pub fn form(&self, name: &str) -> Option<String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&self.body).ok()?;
        pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A running fake API.
pub struct FakeApi {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeApi {
    /// Starts the fake on a random port.
    ///
    /// # Errors
    ///
    /// Fails when no port can be bound.
    pub async fn start() -> anyhow::Result<Self> {
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let sink = requests.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let sink = sink.clone();
                async move { record(&sink, method, uri, headers, body) }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url,
            requests,
            task,
        })
    }

    /// Every request received so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        if let Ok(mut r) = self.requests.lock() {
            r.clear();
        }
    }

    /// Waits until at least `n` requests came (the outbox sends them synchronously, so
    /// this rarely waits).
    ///
    /// # Errors
    ///
    /// Fails after `wait` with what came.
    pub async fn wait_for(&self, n: usize, wait: Duration) -> anyhow::Result<Vec<Recorded>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let got = self.requests();
            if got.len() >= n {
                return Ok(got);
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!("expected {n} requests, got {}: {got:#?}", got.len());
            }
            // A poll, bounded by the deadline.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn record(
    sink: &Mutex<Vec<Recorded>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let path = uri.path().to_owned();
    if let Ok(mut r) = sink.lock() {
        r.push(Recorded {
            method: method.to_string(),
            path: uri.to_string(),
            authorization: header("authorization"),
            content_type: header("content-type"),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    if path.ends_with("/Messages.json") {
        (
            StatusCode::CREATED,
            axum::Json(json!({ "sid": "SM00000000000000000000000000000001", "status": "queued" })),
        )
            .into_response()
    } else {
        axum::Json(json!({ "ok": true, "result": { "message_id": 1 } })).into_response()
    }
}

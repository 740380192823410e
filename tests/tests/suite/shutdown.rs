//! Serving as `guichet serve` does (`cli::serve_on`): graceful shutdown — at SIGTERM (here,
//! the signal future `serve_on` is given) the server stops accepting connections, answers
//! the requests in flight, closes every websocket with 1001 ("going away") and lets the
//! scheduler finish its running step — and slow clients dropped.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// `server`'s state served as `guichet serve` does, on a port of its own: the address, the
/// stop signal and the serving task.
async fn serve(
    server: &TestServer,
) -> anyhow::Result<(
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::cli::serve_on(
        server.state.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    Ok((address, stop, serving))
}

async fn shutdown_drains_requests_and_closes_sockets(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let (address, stop, serving) = serve(&server).await?;

    // A subscriber on the websocket.
    let mut request = format!("ws://{address}/graphql/ws").into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let hello = json!({ "type": "connection_init", "payload": { "token": tenant.admin_token } });
    socket.send(Message::Text(hello.to_string().into())).await?;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { ticketEvents { kind } }" } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await?;

    // Quiet first: the socket's handshake and the scheduler's first pass (run at start)
    // also reach the database, and must not be taken for the request below.
    let mut last = server.statement_count();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = server.statement_count();
        if now == last {
            break;
        }
        last = now;
    }

    // A request in flight: a sign-in, whose password check takes a while. The shutdown
    // begins once it has reached the database.
    let before = server.statement_count();
    let url = format!("http://{address}/graphql");
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .json(&json!({ "query": "mutation { login(email: \"nobody@alpha.test\", password: \"wrong password\") { token } }" }))
            .send()
            .await?
            .json::<Value>()
            .await
            .map_err(anyhow::Error::from)
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.statement_count() == before && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let _ = stop.send(());

    // The request in flight is answered, not cut.
    let answered = in_flight.await??;
    assert_eq!(
        answered["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answered}"
    );
    // The socket is told the server goes away.
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            if let Ok(Message::Close(frame)) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await?;
    assert_eq!(closed, Some(server::http::CLOSE_GOING_AWAY));
    // The server returns once drained, and accepts nothing more.
    tokio::time::timeout(Duration::from_secs(30), serving).await???;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
    Ok(())
}

/// A client that sends its headers too slowly (slowloris) loses its connection; a normal
/// request on the same server is served.
async fn slow_clients_are_dropped(backend: Backend) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let server = TestServer::start_on(
        std::sync::Arc::new(guichet_tests::TestDatabase::create(backend).await?),
        server::config::Config {
            http_header_timeout_seconds: 1,
            ..server::config::Config::default()
        },
    )
    .await?;
    let (address, stop, serving) = serve(&server).await?;

    let healthy = reqwest::get(format!("http://{address}/healthz")).await?;
    assert_eq!(healthy.status(), 200);

    let mut slow = tokio::net::TcpStream::connect(address).await?;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: guichet\r\n")
        .await?;
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the slow connection is still open after 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "dropped after {:?}",
        started.elapsed()
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(30), serving).await???;
    Ok(())
}

both_backends!(
    shutdown_drains_requests_and_closes_sockets,
    slow_clients_are_dropped
);

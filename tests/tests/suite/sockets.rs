//! A credential lives no longer on a websocket than over HTTP: every operation on a socket
//! runs with its credential checked again, and revoking an API token closes the sockets it
//! opened (close code 4403), on every instance.

use std::sync::Arc;
use std::time::Duration;

use guichet_tests::{both_backends, Backend, TenantFixture, TestDatabase, TestServer};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

const EVENTS: &str = "subscription { ticketEvents { kind } }";
const WHO: &str = "{ me { email } }";
const CLOSE_CREDENTIAL_ENDED: u16 = 4403;

async fn api_token(server: &TestServer, tenant: &TenantFixture) -> anyhow::Result<(Value, String)> {
    let created = server
        .ok(
            Some(&tenant.admin_token),
            "mutation { createApiToken(input: { name: \"outil\", scopes: [\"read\", \"write\"] }) { token apiToken { id } } }",
            json!({}),
        )
        .await?;
    let token = created["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((created["createApiToken"]["apiToken"]["id"].clone(), token))
}

async fn revoking_a_token_closes_its_sockets_at_once(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let (id, token) = api_token(&server, &tenant).await?;
    let mut with_token = server.subscribe(Some(&token), EVENTS, json!({})).await?;
    let mut with_session = server
        .subscribe(Some(&tenant.admin_token), EVENTS, json!({}))
        .await?;
    // Before: the token works on its socket.
    let me = with_token.operation("2", WHO, json!({})).await?;
    assert_eq!(me["data"]["me"]["email"], tenant.admin_email);

    server
        .ok(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        with_token.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED),
        "the revoked token's socket closes"
    );
    // The same user's session socket holds another credential, still valid: it stays.
    assert_eq!(
        with_session
            .closed_within(Duration::from_millis(500))
            .await?,
        None
    );
    let me = with_session.operation("2", WHO, json!({})).await?;
    assert_eq!(me["data"]["me"]["email"], tenant.admin_email);
    // And the token is refused on a new socket too.
    let mut again = server.subscribe(Some(&token), EVENTS, json!({})).await?;
    let refused = again.next_within(Duration::from_secs(5)).await?;
    assert_eq!(
        refused
            .as_ref()
            .and_then(|r| r["errors"][0]["extensions"]["code"].as_str()),
        Some("UNAUTHENTICATED"),
        "{refused:?}"
    );
    Ok(())
}

async fn every_operation_on_a_socket_checks_its_credential_again(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let (_, agent_token) = tenant
        .user(&server, "agathe@alpha.test", "agent", None)
        .await?;
    let mut socket = server
        .subscribe(Some(&agent_token), EVENTS, json!({}))
        .await?;
    let me = socket.operation("2", WHO, json!({})).await?;
    assert_eq!(me["data"]["me"]["email"], "agathe@alpha.test");

    // Deactivated behind Guichet's back (no event): the next operation already knows.
    entity::user::Entity::update_many()
        .col_expr(entity::user::Column::IsActive, Expr::value(false))
        .filter(entity::user::Column::Email.eq("agathe@alpha.test"))
        .exec(&server.state.services.db)
        .await?;
    let refused = socket.operation("3", WHO, json!({})).await?;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let mutation = socket
        .operation(
            "4",
            "mutation { createApiToken(input: { name: \"copie\", scopes: [\"read\"] }) { token } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        mutation["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "a deactivated user mints nothing on an old socket: {mutation}"
    );

    // An expired session: the clock moves past its 12 hours.
    let (_, manager_token) = tenant
        .user(&server, "martin@alpha.test", "manager", None)
        .await?;
    let mut later = server
        .subscribe(Some(&manager_token), EVENTS, json!({}))
        .await?;
    server.clock.advance(chrono::Duration::hours(13));
    let expired = later.operation("2", WHO, json!({})).await?;
    assert_eq!(
        expired["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{expired}"
    );
    Ok(())
}

/// A socket that never says `connection_init` is closed (4408), and one socket holds a
/// bounded number of operations at once.
async fn sockets_have_limits(backend: Backend) -> anyhow::Result<()> {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;

    let database = Arc::new(TestDatabase::create(backend).await?);
    let config = server::config::Config {
        ws_init_timeout_seconds: 1,
        ws_subscriptions_per_connection: 2,
        ..server::config::Config::default()
    };
    let server = TestServer::start_on(database, config).await?;
    let tenant = server.tenant("Alpha").await?;

    let url = format!("{}/graphql/ws", server.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut silent, _) = tokio_tungstenite::connect_async(request).await?;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = silent.next().await {
            if let Ok(Message::Close(frame)) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await?;
    assert_eq!(closed, Some(4408), "a silent socket is closed");

    let mut socket = server
        .subscribe(Some(&tenant.admin_token), EVENTS, json!({}))
        .await?;
    socket.start("2", EVENTS).await?;
    let refused = socket.operation("3", EVENTS, json!({})).await?;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "a third operation at once is refused: {refused}"
    );
    Ok(())
}

both_backends!(
    sockets_have_limits,
    revoking_a_token_closes_its_sockets_at_once,
    every_operation_on_a_socket_checks_its_credential_again,
);

/// Revoked through one instance, the token's socket on another closes too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_reaches_sockets_on_every_instance() -> anyhow::Result<()> {
    let database = Arc::new(TestDatabase::create(Backend::Postgres).await?);
    let first = TestServer::start_on(database.clone(), server::config::Config::default()).await?;
    let second = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = first.tenant("Alpha").await?;
    let (id, token) = api_token(&first, &tenant).await?;
    let mut on_first = first.subscribe(Some(&token), EVENTS, json!({})).await?;
    second
        .ok(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        on_first.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );
    Ok(())
}

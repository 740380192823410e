//! A credential lives no longer on a websocket than over HTTP: every operation on a socket
//! runs with its credential checked again, and revoking an API token, signing out (one
//! session or all), deactivating a user or changing their role closes the sockets concerned
//! (close code 4403), on every instance.

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

    // Deactivated behind Guichet's back (by hand in the database, so no event): the
    // instance trusts the credential it checked for at most `MAX_AGE`, then reads it
    // again. (Every door of Guichet announces such a change, which ends the credential at
    // once: see `deactivating_or_demoting_a_user_closes_their_sockets`.)
    entity::user::Entity::update_many()
        .col_expr(entity::user::Column::IsActive, Expr::value(false))
        .filter(entity::user::Column::Email.eq("agathe@alpha.test"))
        .exec(&server.state.services.db)
        .await?;
    tokio::time::sleep(server::domain::credentials::MAX_AGE).await;
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

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

async fn signing_out_ends_the_session_and_its_sockets(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let (_, agent) = tenant
        .user(&server, "agathe@alpha.test", "agent", None)
        .await?;
    // Two devices of the same agent.
    let laptop = agent;
    let phone = server.login("agathe@alpha.test", &tenant.password).await?;
    let mut on_laptop = server.subscribe(Some(&laptop), EVENTS, json!({})).await?;
    let mut on_phone = server.subscribe(Some(&phone), EVENTS, json!({})).await?;

    let out = server
        .ok(Some(&laptop), "mutation { signOut }", json!({}))
        .await?;
    assert_eq!(out["signOut"], true);
    assert_eq!(
        on_laptop.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED),
        "the signed-out session's socket closes"
    );
    let refused = server.graphql(Some(&laptop), WHO, json!({})).await?;
    assert_eq!(code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    // Signing out twice with the dead token: refused, nothing else happens.
    let again = server
        .graphql(Some(&laptop), "mutation { signOut }", json!({}))
        .await?;
    assert_eq!(code(&again), Some("UNAUTHENTICATED"), "{again}");
    // The other device keeps its session.
    assert_eq!(
        on_phone.closed_within(Duration::from_millis(500)).await?,
        None
    );
    let me = on_phone.operation("2", WHO, json!({})).await?;
    assert_eq!(me["data"]["me"]["email"], "agathe@alpha.test");

    // Everywhere: every session of the user ends, other users' do not.
    let tablet = server.login("agathe@alpha.test", &tenant.password).await?;
    let mut admin_socket = server
        .subscribe(Some(&tenant.admin_token), EVENTS, json!({}))
        .await?;
    let ended = server
        .ok(Some(&tablet), "mutation { signOutEverywhere }", json!({}))
        .await?;
    assert_eq!(ended["signOutEverywhere"], 2, "the phone and the tablet");
    assert_eq!(
        on_phone.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );
    for token in [&phone, &tablet] {
        let refused = server.graphql(Some(token), WHO, json!({})).await?;
        assert_eq!(code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    }
    assert_eq!(
        admin_socket
            .closed_within(Duration::from_millis(500))
            .await?,
        None
    );
    // Signing in again works.
    let fresh = server.login("agathe@alpha.test", &tenant.password).await?;
    let me = server.ok(Some(&fresh), WHO, json!({})).await?;
    assert_eq!(me["me"]["email"], "agathe@alpha.test");

    // An API token has no session to end: it is revoked instead.
    let (_, token) = api_token(&server, &tenant).await?;
    let refused = server
        .graphql(Some(&token), "mutation { signOutEverywhere }", json!({}))
        .await?;
    assert_eq!(code(&refused), Some("FORBIDDEN"), "{refused}");
    Ok(())
}

async fn deactivating_or_demoting_a_user_closes_their_sockets(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let other = server.tenant("Beta").await?;
    let (agent_id, agent) = tenant
        .user(&server, "agathe@alpha.test", "agent", None)
        .await?;
    let (manager_id, manager) = tenant
        .user(&server, "martin@alpha.test", "manager", None)
        .await?;
    let mut agent_socket = server.subscribe(Some(&agent), EVENTS, json!({})).await?;
    let mut manager_socket = server.subscribe(Some(&manager), EVENTS, json!({})).await?;
    let admin = tenant.admin_token.clone();
    let access = |mutation: &'static str, id: String| {
        let (server, admin) = (&server, &admin);
        async move {
            server
                .graphql(Some(admin), mutation, json!({ "id": id }))
                .await
        }
    };

    // Only an admin, only in their tenant, never themselves.
    let by_manager = server
        .graphql(
            Some(&manager),
            "mutation($id: ID!) { deactivateUser(id: $id) { isActive } }",
            json!({ "id": agent_id }),
        )
        .await?;
    assert_eq!(code(&by_manager), Some("FORBIDDEN"), "{by_manager}");
    let foreign = server
        .graphql(
            Some(&other.admin_token),
            "mutation($id: ID!) { deactivateUser(id: $id) { isActive } }",
            json!({ "id": agent_id }),
        )
        .await?;
    assert_eq!(code(&foreign), Some("NOT_FOUND"), "{foreign}");
    let me = server
        .ok(Some(&tenant.admin_token), "{ me { id } }", json!({}))
        .await?;
    let myself = access(
        "mutation($id: ID!) { deactivateUser(id: $id) { isActive } }",
        me["me"]["id"].as_str().unwrap_or_default().to_owned(),
    )
    .await?;
    assert_eq!(code(&myself), Some("BAD_USER_INPUT"), "{myself}");
    let to_customer = server
        .graphql(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { changeUserRole(id: $id, role: CUSTOMER) { role } }",
            json!({ "id": agent_id }),
        )
        .await?;
    assert_eq!(code(&to_customer), Some("BAD_USER_INPUT"), "{to_customer}");

    // Deactivated: the socket closes, the session is dead, signing in is refused.
    let done = access(
        "mutation($id: ID!) { deactivateUser(id: $id) { isActive } }",
        agent_id.clone(),
    )
    .await?;
    assert_eq!(done["data"]["deactivateUser"]["isActive"], false, "{done}");
    assert_eq!(
        agent_socket.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );
    let refused = server.graphql(Some(&agent), WHO, json!({})).await?;
    assert_eq!(code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    assert!(server
        .login("agathe@alpha.test", &tenant.password)
        .await
        .is_err());
    // Reactivated: the old session stays ended, a new sign-in works.
    let back = access(
        "mutation($id: ID!) { reactivateUser(id: $id) { isActive } }",
        agent_id,
    )
    .await?;
    assert_eq!(back["data"]["reactivateUser"]["isActive"], true, "{back}");
    let refused = server.graphql(Some(&agent), WHO, json!({})).await?;
    assert_eq!(code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    let fresh = server.login("agathe@alpha.test", &tenant.password).await?;
    assert_eq!(
        server.ok(Some(&fresh), WHO, json!({})).await?["me"]["email"],
        "agathe@alpha.test"
    );

    // Demoted: the socket closes (its subscriptions were granted to a manager); the
    // session itself still works, with the new role.
    let demoted = server
        .graphql(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { changeUserRole(id: $id, role: AGENT) { role } }",
            json!({ "id": manager_id }),
        )
        .await?;
    assert_eq!(
        demoted["data"]["changeUserRole"]["role"], "AGENT",
        "{demoted}"
    );
    assert_eq!(
        manager_socket
            .closed_within(Duration::from_secs(10))
            .await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );
    let reports = server
        .graphql(Some(&manager), "{ budgets { id } }", json!({}))
        .await?;
    assert_eq!(code(&reports), Some("FORBIDDEN"), "{reports}");
    Ok(())
}

/// A websocket client connection, as the tests open them.
type RawSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a raw graphql-transport-ws connection with an optional `Origin`: the HTTP status
/// of a refused upgrade, or the socket.
async fn raw_socket(
    server: &TestServer,
    origin: Option<&str>,
) -> anyhow::Result<Result<RawSocket, u16>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Error;

    let url = format!("{}/graphql/ws", server.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    if let Some(origin) = origin {
        request.headers_mut().insert("Origin", origin.parse()?);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(Ok(socket)),
        Err(Error::Http(response)) => Ok(Err(response.status().as_u16())),
        Err(other) => Err(other.into()),
    }
}

/// Sends `connection_init` with `token`: `Ok(())` on `connection_ack`, else the close code.
async fn init(socket: &mut RawSocket, token: &str) -> anyhow::Result<Result<(), Option<u16>>> {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let hello = json!({ "type": "connection_init", "payload": { "token": token } });
    socket.send(Message::Text(hello.to_string().into())).await?;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(10), socket.next()).await?;
        match next {
            Some(Ok(Message::Text(text))) => {
                if serde_json::from_str::<Value>(&text)?["type"] == "connection_ack" {
                    return Ok(Ok(()));
                }
            }
            Some(Ok(Message::Close(frame))) => return Ok(Err(frame.map(|f| u16::from(f.code)))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Ok(Err(None)),
        }
    }
}

/// A socket without `Origin`, once the server has taken back the places of sockets just
/// closed (it notices a close asynchronously).
async fn eventually_open(server: &TestServer) -> anyhow::Result<RawSocket> {
    for _ in 0..50 {
        if let Ok(socket) = raw_socket(server, None).await? {
            return Ok(socket);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the address's places were not given back")
}

async fn browsers_come_from_allowed_origins_and_connections_are_counted(
    backend: Backend,
) -> anyhow::Result<()> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let config = server::config::Config {
        ws_connections_per_address: 3,
        ws_connections_per_user: 2,
        allowed_origins: vec!["https://crm.example.com".into()],
        ..server::config::Config::default()
    };
    let server = TestServer::start_on(database, config).await?;
    let tenant = server.tenant("Alpha").await?;
    let (_, agent) = tenant
        .user(&server, "agathe@alpha.test", "agent", None)
        .await?;

    // A page of another site cannot open a socket with a stolen token; the server's own
    // pages, listed origins and clients that are not browsers can.
    assert_eq!(
        raw_socket(&server, Some("https://evil.example"))
            .await?
            .err(),
        Some(403)
    );
    assert_eq!(
        raw_socket(&server, Some("http://evil.example"))
            .await?
            .err(),
        Some(403)
    );
    let mut own = raw_socket(&server, Some(&server.base_url))
        .await?
        .map_err(|status| anyhow::anyhow!("own origin refused: {status}"))?;
    let mut listed = raw_socket(&server, Some("https://crm.example.com"))
        .await?
        .map_err(|status| anyhow::anyhow!("listed origin refused: {status}"))?;

    // Per user: two sockets of the admin, the third refused at connection_init.
    assert_eq!(init(&mut own, &tenant.admin_token).await?, Ok(()));
    assert_eq!(init(&mut listed, &tenant.admin_token).await?, Ok(()));
    let mut tool = raw_socket(&server, None)
        .await?
        .map_err(|status| anyhow::anyhow!("no origin refused: {status}"))?;
    assert!(
        init(&mut tool, &tenant.admin_token).await?.is_err(),
        "a third socket of the same account is refused"
    );
    // The refused socket was closed and gave its place back. One more fills the address
    // (three sockets); a fourth is refused before the upgrade.
    let third = eventually_open(&server).await?;
    assert_eq!(raw_socket(&server, None).await?.err(), Some(429));
    drop(tool);
    drop(third);
    drop(listed);
    // Places are given back when sockets end.
    let mut freed = eventually_open(&server).await?;
    assert_eq!(init(&mut freed, &agent).await?, Ok(()));
    Ok(())
}

/// A credential is read from the database once, then trusted from what the instance kept,
/// until its user's access changes: the change is seen by the very next request.
async fn a_checked_credential_is_read_once_until_access_changes(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let (manager_id, manager) = tenant
        .user(&server, "martin@alpha.test", "manager", None)
        .await?;
    let (_, token) = api_token(&server, &tenant).await?;
    let statements = |credential: String| {
        let server = &server;
        async move {
            let before = server.statement_count();
            let answer = server.graphql(Some(&credential), WHO, json!({})).await?;
            anyhow::Ok((server.statement_count() - before, answer))
        }
    };
    for credential in [manager.clone(), token.clone()] {
        let (first, answer) = statements(credential.clone()).await?;
        assert!(answer["errors"].is_null(), "{answer}");
        let (second, answer) = statements(credential.clone()).await?;
        assert!(answer["errors"].is_null(), "{answer}");
        assert!(
            second < first,
            "the second request reads no credential: {second} statements against {first}"
        );
        assert_eq!(second, 1, "only `me` itself is read");
    }
    // A supervisor's reports, then demoted: the next request is an agent's.
    let budgets = "{ budgets { id } }";
    let allowed = server.graphql(Some(&manager), budgets, json!({})).await?;
    assert!(allowed["errors"].is_null(), "{allowed}");
    server
        .ok(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { changeUserRole(id: $id, role: AGENT) { role } }",
            json!({ "id": manager_id }),
        )
        .await?;
    let refused = server.graphql(Some(&manager), budgets, json!({})).await?;
    assert_eq!(code(&refused), Some("FORBIDDEN"), "{refused}");
    // A token used a moment ago, revoked: refused at once.
    let (id, tool) = api_token(&server, &tenant).await?;
    assert!(server.graphql(Some(&tool), WHO, json!({})).await?["errors"].is_null());
    server
        .ok(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await?;
    let refused = server.graphql(Some(&tool), WHO, json!({})).await?;
    assert_eq!(code(&refused), Some("UNAUTHENTICATED"), "{refused}");
    // A kept session still ends by its own expiry, on the server's clock.
    server.clock.advance(chrono::Duration::hours(13));
    let expired = server.graphql(Some(&manager), WHO, json!({})).await?;
    assert_eq!(code(&expired), Some("UNAUTHENTICATED"), "{expired}");
    Ok(())
}

both_backends!(
    a_checked_credential_is_read_once_until_access_changes,
    sockets_have_limits,
    browsers_come_from_allowed_origins_and_connections_are_counted,
    signing_out_ends_the_session_and_its_sockets,
    deactivating_or_demoting_a_user_closes_their_sockets,
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

//! Live events through NATS instead of PostgreSQL `NOTIFY` (`nats_url`): two instances on
//! one database, each connected to the NATS server on the machine (127.0.0.1:4222). A
//! change made through one reaches a subscriber of the other, presence is shared, a
//! revocation closes the token's sockets on both, and the scheduled jobs, run by both at
//! once, still act once.

use std::sync::Arc;
use std::time::Duration;

use guichet_tests::{both_backends, Backend, TestDatabase, TestServer};
use serde_json::json;
use server::http::CLOSE_CREDENTIAL_ENDED;
use server::jobs::run_due_jobs;

/// The NATS server the machine runs (CI too): tests fail, never skip, without it.
fn nats_url() -> String {
    std::env::var("GUICHET_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// Two instances of one deployment: one database, one subject prefix of their own (other
/// test runs on the same NATS server never hear them).
async fn two_instances(backend: Backend) -> anyhow::Result<(TestServer, TestServer)> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let prefix = format!(
        "guichet-test-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    let config = server::config::Config {
        nats_url: Some(nats_url()),
        nats_subject_prefix: prefix,
        ..server::config::Config::default()
    };
    let first = TestServer::start_on(database.clone(), config.clone()).await?;
    let second = TestServer::start_on(database, config).await?;
    Ok((first, second))
}

async fn nats_carries_events_presence_and_revocations_between_instances(
    backend: Backend,
) -> anyhow::Result<()> {
    let (first, second) = two_instances(backend).await?;
    let tenant = first.tenant("Alpha").await?;
    let admin = Some(tenant.admin_token.as_str());
    let customer = tenant.customer(&first, "Jean", "Dupont").await?;

    // A ticket created through the second instance reaches the first one's board.
    let mut board = first
        .subscribe(
            admin,
            "subscription { ticketEvents { kind ticket { id subject } } }",
            json!({}),
        )
        .await?;
    let created = second
        .ok(
            admin,
            "mutation($c: ID!) { createTicket(input: { ticketType: SUPPORT, subject: \"Via B\", description: \"d\", customerId: $c }) { id } }",
            json!({ "c": customer }),
        )
        .await?;
    let ticket_id = created["createTicket"]["id"].clone();
    let event = board
        .next_within(Duration::from_secs(10))
        .await?
        .expect("the event crosses instances through NATS");
    assert_eq!(event["data"]["ticketEvents"]["ticket"]["subject"], "Via B");

    // Presence reported to the second instance is seen on the first.
    second
        .ok(
            admin,
            "mutation($t: ID!) { reportPresence(ticketId: $t, state: TYPING) }",
            json!({ "t": ticket_id }),
        )
        .await?;
    let mut seen = serde_json::Value::Null;
    for _ in 0..50 {
        seen = first
            .ok(
                admin,
                "query($t: ID!) { ticket(id: $t) { presence { state user { email } } } }",
                json!({ "t": ticket_id }),
            )
            .await?;
        if seen["ticket"]["presence"][0]["state"] == "TYPING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen["ticket"]["presence"][0]["user"]["email"],
        tenant.admin_email.as_str(),
        "{seen}"
    );

    // A token revoked through the second instance closes its sockets on both.
    let made = first
        .ok(
            admin,
            "mutation { createApiToken(input: { name: \"outil\", scopes: [\"read\"] }) { token apiToken { id } } }",
            json!({}),
        )
        .await?;
    let token = made["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    const EVENTS: &str = "subscription { ticketEvents { kind } }";
    let mut on_first = first.subscribe(Some(&token), EVENTS, json!({})).await?;
    let mut on_second = second.subscribe(Some(&token), EVENTS, json!({})).await?;
    second
        .ok(
            admin,
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": made["createApiToken"]["apiToken"]["id"] }),
        )
        .await?;
    assert_eq!(
        on_first.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );
    assert_eq!(
        on_second.closed_within(Duration::from_secs(10)).await?,
        Some(CLOSE_CREDENTIAL_ENDED)
    );

    // A month later the ticket's first response is overdue: both instances run the jobs at
    // once, and the breach is recorded (and told) once.
    first.clock.advance(chrono::Duration::days(30));
    second.clock.advance(chrono::Duration::days(30));
    let (a, b) = tokio::join!(
        run_due_jobs(&first.state.services),
        run_due_jobs(&second.state.services)
    );
    let (a, b) = (a?, b?);
    assert_eq!(
        a.sla.response_breaches + b.sla.response_breaches,
        1,
        "{:?} {:?}",
        a.sla,
        b.sla
    );
    Ok(())
}

both_backends!(nats_carries_events_presence_and_revocations_between_instances);

/// Whoever can publish on the NATS server is not trusted: a malformed payload is dropped
/// and the instance goes on delivering.
async fn a_malformed_message_on_nats_is_ignored(backend: Backend) -> anyhow::Result<()> {
    let (first, _second) = two_instances(backend).await?;
    let tenant = first.tenant("Alpha").await?;
    let admin = Some(tenant.admin_token.as_str());
    let customer = tenant.customer(&first, "Jean", "Dupont").await?;
    let mut board = first
        .subscribe(
            admin,
            "subscription { ticketEvents { kind ticket { subject } } }",
            json!({}),
        )
        .await?;
    let prefix = first.state.config.nats_subject_prefix.clone();
    let intruder = async_nats::connect(nats_url()).await?;
    for garbage in [&b"not json"[..], b"{\"tenant_id\": \"x\"}", b"\0\0\0", b""] {
        intruder
            .publish(format!("{prefix}.events"), garbage.to_vec().into())
            .await?;
        intruder
            .publish(format!("{prefix}.presence"), garbage.to_vec().into())
            .await?;
    }
    intruder.flush().await?;
    tenant.ticket(&first, &customer, "SUPPORT", "Après").await?;
    let event = board
        .next_within(Duration::from_secs(10))
        .await?
        .expect("events still flow");
    assert_eq!(event["data"]["ticketEvents"]["ticket"]["subject"], "Après");
    Ok(())
}

both_backends!(a_malformed_message_on_nats_is_ignored);

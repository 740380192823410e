//! Two server instances on one PostgreSQL database: an agent connected to one sees tickets
//! created through the other (events travel through LISTEN/NOTIFY).

use std::sync::Arc;
use std::time::Duration;

use guichet_tests::{Backend, TestDatabase, TestServer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_reach_subscribers_of_another_instance() -> anyhow::Result<()> {
    let database = Arc::new(TestDatabase::create(Backend::Postgres).await?);
    let first = TestServer::start_on(database.clone(), server::config::Config::default()).await?;
    let second = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = first.tenant("Alpha").await?;
    let customer = tenant.customer(&first, "Jean", "Dupont").await?;
    let mut feed = first
        .subscribe(
            Some(&tenant.admin_token),
            "subscription { ticketEvents { kind ticket { subject } } }",
            json!({}),
        )
        .await?;
    // The same session token works on the other instance (shared secret, shared database).
    let created = second
        .ok(
            Some(&tenant.admin_token),
            "mutation($c: ID!) { createTicket(input: { ticketType: SUPPORT, subject: \"Via l'instance B\", description: \"d\", customerId: $c }) { id } }",
            json!({ "c": customer }),
        )
        .await?;
    assert!(created["createTicket"]["id"].is_string());
    let event = feed
        .next_within(Duration::from_secs(10))
        .await?
        .expect("the event crosses instances");
    assert_eq!(
        event["data"]["ticketEvents"]["ticket"]["subject"],
        "Via l'instance B"
    );
    Ok(())
}

/// Instances keep each tenant's workflows; a change made through one is forgotten by the
/// other at once (the change travels as an event), so its next moves are right everywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_change_reaches_every_instance() -> anyhow::Result<()> {
    let database = Arc::new(TestDatabase::create(Backend::Postgres).await?);
    let first = TestServer::start_on(database.clone(), server::config::Config::default()).await?;
    let second = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = first.tenant("Alpha").await?;
    let customer = tenant.customer(&first, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&first, &customer, "INQUIRY", "Horaires")
        .await?;
    const MOVES: &str = "query($id: ID!) { ticket(id: $id) { allowedTransitions } }";
    let admin = Some(tenant.admin_token.as_str());
    // The second instance loads (and keeps) the workflows.
    let before = second
        .ok(admin, MOVES, json!({ "id": ticket["id"] }))
        .await?;
    let before = before["ticket"]["allowedTransitions"].clone();
    assert_eq!(before, json!(["OPEN"]));
    first
        .ok(
            admin,
            "mutation { setWorkflowTransitions(ticketType: INQUIRY, transitions: [{ from: NEW, to: CANCELLED }, { from: CANCELLED, to: NEW }]) { transitions { from } } }",
            json!({}),
        )
        .await?;
    let mut after = json!(null);
    for _ in 0..100 {
        after = second
            .ok(admin, MOVES, json!({ "id": ticket["id"] }))
            .await?;
        if after["ticket"]["allowedTransitions"] == json!(["CANCELLED"]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(after["ticket"]["allowedTransitions"], json!(["CANCELLED"]));
    // And the moves it refuses follow.
    let code = second
        .error_code(
            admin,
            "mutation($id: ID!) { changeTicketStatus(ticketId: $id, status: OPEN) { status } }",
            json!({ "id": ticket["id"] }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT");
    Ok(())
}

/// Instances keep each tenant's setup and the credentials they checked; a change made
/// through one reaches the other as an event, at once, well before the bound on what an
/// instance trusts without reading it again (`credentials::MAX_AGE`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_changes_and_sign_outs_reach_every_instance() -> anyhow::Result<()> {
    use std::time::Instant;

    const CREATE: &str = "mutation($c: ID!) { createTicket(input: { ticketType: SUPPORT, subject: \"S\", description: \"D\", customerId: $c }) { responseDueAt } }";
    const WHO: &str = "{ me { email } }";
    let soon = Duration::from_secs(5);
    assert!(soon < server::domain::credentials::MAX_AGE);
    let database = Arc::new(TestDatabase::create(Backend::Postgres).await?);
    let first = TestServer::start_on(database.clone(), server::config::Config::default()).await?;
    let second = TestServer::start_on(database, server::config::Config::default()).await?;
    let tenant = first.tenant("Alpha").await?;
    let customer = tenant.customer(&first, "Jean", "Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());

    // The second instance keeps the tenant's setup: its SLA policies.
    let before = second.ok(admin, CREATE, json!({ "c": customer })).await?;
    let after_change = "2026-03-02T11:00:00+00:00";
    assert_ne!(before["createTicket"]["responseDueAt"], after_change);
    first
        .ok(
            admin,
            "mutation { updateSlaPolicy(ticketType: SUPPORT, responseHours: 2, resolutionHours: 24) { responseHours } }",
            json!({}),
        )
        .await?;
    let started = Instant::now();
    loop {
        let created = second.ok(admin, CREATE, json!({ "c": customer })).await?;
        if created["createTicket"]["responseDueAt"] == after_change {
            break;
        }
        assert!(
            started.elapsed() < soon,
            "the second instance kept the old policy"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The second instance keeps the agent's session; signed out through the first, it is
    // refused on the second at once.
    let (_, agent) = tenant
        .user(&first, "agathe@alpha.test", "agent", None)
        .await?;
    let me = second.ok(Some(&agent), WHO, json!({})).await?;
    assert_eq!(me["me"]["email"], "agathe@alpha.test");
    first
        .ok(Some(&agent), "mutation { signOut }", json!({}))
        .await?;
    let started = Instant::now();
    loop {
        let answer = second.graphql(Some(&agent), WHO, json!({})).await?;
        if answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" {
            break;
        }
        assert!(
            started.elapsed() < soon,
            "the second instance still trusts a signed-out session: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

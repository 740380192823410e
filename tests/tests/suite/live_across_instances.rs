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

//! Budgets live: logging time moves a customer's spend, remaining amount and projection on
//! the budgets' subscribers' screens; a threshold crossed arrives as its own event; an
//! hourly cost changing every budget asks them to load again. Supervisors only, and only
//! their tenant's. And the cost of one ticket event does not grow with its subscribers.

use std::time::Duration;

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::{json, Value};

const BUDGET_EVENTS: &str = "subscription { budgetEvents { kind customerId budgetId threshold \
     budgets { id actualAmount remainingAmount projectedAmount raisedThresholds } } }";
const SET_COST: &str = "mutation($u: ID!, $c: Decimal!, $d: NaiveDate!) { setHourlyCost(userId: $u, hourlyCost: $c, effectiveFrom: $d) { id } }";
const LOG: &str =
    "mutation($t: ID!, $m: Int!) { logTime(input: { ticketId: $t, minutes: $m }) { id } }";
const CREATE_BUDGET: &str =
    "mutation($c: ID!, $input: BudgetInput!) { createBudget(customerId: $c, input: $input) { id } }";

async fn next(subscription: &mut guichet_tests::Subscription) -> anyhow::Result<Value> {
    subscription
        .next_within(Duration::from_secs(5))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no event within 5 s"))
}

async fn budgets_move_live_and_a_crossing_arrives_as_an_event(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let me = server.ok(admin, "{ me { id } }", json!({})).await?;
    let month = server.clock_now().format("%Y-%m-01").to_string();
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière")
        .await?;
    // An hour costs 60: a minute costs 1.
    server
        .ok(
            admin,
            SET_COST,
            json!({ "u": me["me"]["id"], "c": "60", "d": month }),
        )
        .await?;
    let budget = server
        .ok(
            admin,
            CREATE_BUDGET,
            json!({ "c": jean, "input": { "periodKind": "MONTH", "periodStart": month,
                    "plannedAmount": "100", "thresholds": [50, 100] } }),
        )
        .await?;
    let budget_id = budget["createBudget"]["id"].clone();

    let mut supervisor = server.subscribe(admin, BUDGET_EVENTS, json!({})).await?;
    // Another tenant's admin hears nothing of it; an agent may not listen at all.
    let other = server.tenant("Garage Martin").await?;
    let mut stranger = server
        .subscribe(Some(&other.admin_token), BUDGET_EVENTS, json!({}))
        .await?;
    let (_, agent) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let mut refused = server
        .subscribe(Some(&agent), BUDGET_EVENTS, json!({}))
        .await?;
    let refusal = next(&mut refused).await?;
    assert_eq!(
        refusal["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refusal}"
    );

    // 30 minutes: 30 of 100 spent, no threshold yet.
    server
        .ok(admin, LOG, json!({ "t": ticket["id"], "m": 30 }))
        .await?;
    let moved = next(&mut supervisor).await?;
    let event = &moved["data"]["budgetEvents"];
    assert_eq!(event["kind"], "UPDATED", "{moved}");
    assert_eq!(event["customerId"], jean.as_str());
    assert_eq!(event["budgets"][0]["id"], budget_id);
    assert_eq!(event["budgets"][0]["actualAmount"], "30.00");
    assert_eq!(event["budgets"][0]["remainingAmount"], "70.00");
    assert!(
        event["budgets"][0]["projectedAmount"].is_string(),
        "{moved}"
    );

    // 25 more: 55 crosses 50 %, an event of its own, then the spend.
    server
        .ok(admin, LOG, json!({ "t": ticket["id"], "m": 25 }))
        .await?;
    let crossed = next(&mut supervisor).await?;
    let event = &crossed["data"]["budgetEvents"];
    assert_eq!(event["kind"], "THRESHOLD_CROSSED", "{crossed}");
    assert_eq!(event["budgetId"], budget_id);
    assert_eq!(event["threshold"], 50);
    assert_eq!(event["budgets"][0]["raisedThresholds"], json!([50]));
    let moved = next(&mut supervisor).await?;
    assert_eq!(moved["data"]["budgetEvents"]["kind"], "UPDATED", "{moved}");
    assert_eq!(
        moved["data"]["budgetEvents"]["budgets"][0]["actualAmount"],
        "55.00"
    );

    // A new hourly cost moves every budget the agent worked on: load them again.
    server
        .ok(
            admin,
            SET_COST,
            json!({ "u": me["me"]["id"], "c": "120", "d": month }),
        )
        .await?;
    let mut kinds = Vec::new();
    while let Some(event) = supervisor.next_within(Duration::from_secs(2)).await? {
        kinds.push(event["data"]["budgetEvents"]["kind"].clone());
    }
    // 110 of 100: both thresholds are now crossed (100 % raised), then the resync.
    assert!(kinds.contains(&json!("THRESHOLD_CROSSED")), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&json!("RESYNC")), "{kinds:?}");

    assert!(
        stranger
            .next_within(Duration::from_millis(300))
            .await?
            .is_none(),
        "another tenant heard of these budgets"
    );
    Ok(())
}

both_backends!(budgets_move_live_and_a_crossing_arrives_as_an_event);

/// The board's subscription, as the SPA sends it: the card's relations are what each
/// subscriber used to load for itself.
const BOARD_EVENTS: &str = "subscription { ticketEvents { kind ticket { id priority \
     customer { displayName } assignee { displayName } department { name } allowedTransitions } } }";

/// Changes the ticket's priority and waits for every subscriber to see the card: the
/// statements that cost, from the change to the last delivery.
async fn change(
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    ticket: &Value,
    priority: &str,
    subscribers: &mut [guichet_tests::Subscription],
) -> anyhow::Result<usize> {
    let before = server.statement_count();
    server
        .ok(
            Some(&tenant.admin_token),
            "mutation($t: ID!, $p: TicketPriority!) { changeTicketPriority(ticketId: $t, priority: $p) { id } }",
            json!({ "t": ticket["id"], "p": priority }),
        )
        .await?;
    for subscriber in subscribers.iter_mut() {
        let event = next(subscriber).await?;
        let card = &event["data"]["ticketEvents"]["ticket"];
        assert_eq!(card["priority"], priority, "{event}");
        assert_eq!(card["customer"]["displayName"], "Jean Dupont", "{event}");
        assert_eq!(card["assignee"]["displayName"], "agent0", "{event}");
    }
    Ok(server.statement_count() - before)
}

async fn one_event_costs_the_same_for_one_subscriber_as_for_six(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière")
        .await?;
    let mut agents = Vec::new();
    for n in 0..6 {
        let (id, token) = tenant
            .user(
                &server,
                &format!("agent{n}@atelier-dupont.test"),
                "agent",
                None,
            )
            .await?;
        agents.push((id, token));
    }
    server
        .ok(
            admin,
            "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }",
            json!({ "t": ticket["id"], "a": agents[0].0 }),
        )
        .await?;
    let mut subscribers = vec![
        server
            .subscribe(Some(&agents[0].1), BOARD_EVENTS, json!({}))
            .await?,
    ];
    // The first change warms what is kept per instance (the tenant's workflows).
    change(&server, &tenant, &ticket, "HIGH", &mut subscribers).await?;
    let alone = change(&server, &tenant, &ticket, "LOW", &mut subscribers).await?;
    for (_, token) in &agents[1..] {
        subscribers.push(
            server
                .subscribe(Some(token), BOARD_EVENTS, json!({}))
                .await?,
        );
    }
    let six = change(&server, &tenant, &ticket, "HIGH", &mut subscribers).await?;
    assert_eq!(
        six, alone,
        "one change cost {alone} statements with one subscriber and {six} with six"
    );
    Ok(())
}

both_backends!(one_event_costs_the_same_for_one_subscriber_as_for_six);

//! Live that never lies: a subscriber that falls behind is told to load again (`RESYNC`)
//! rather than silently missing events; a job pass that changes many tickets sends one
//! `RESYNC`, not an event per ticket; the bell is pushed, to its owner only; presence fades
//! by the services' clock.

use std::time::Duration;

use chrono::Duration as Span;
use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;
use server::domain::events::{LiveEvent, LiveEventKind};

const EVENTS: &str = "subscription { ticketEvents { kind ticket { id status } } }";
const BELL: &str = "subscription { bellEvents { unreadCount } }";
const ASSIGN: &str =
    "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";

async fn a_subscriber_that_falls_behind_is_told_to_resync(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let id: i64 = ticket["id"].as_str().unwrap_or_default().parse()?;
    let mut socket = server
        .subscribe(Some(&tenant.admin_token), EVENTS, json!({}))
        .await?;
    // Far more events than the bus keeps, faster than a subscriber loads them.
    for _ in 0..6_000 {
        server
            .state
            .services
            .events
            .publish(LiveEvent::ticket(
                tenant.id,
                LiveEventKind::TicketUpdated,
                id,
                None,
            ))
            .await;
    }
    let mut resynced = false;
    let mut updates = 0;
    while let Some(event) = socket.next_within(Duration::from_secs(5)).await? {
        match event["data"]["ticketEvents"]["kind"].as_str() {
            Some("RESYNC") => {
                assert_eq!(event["data"]["ticketEvents"]["ticket"], json!(null));
                resynced = true;
            }
            Some("UPDATED") => updates += 1,
            other => anyhow::bail!("unexpected event {other:?}: {event}"),
        }
    }
    assert!(resynced, "the lag was told ({updates} updates came)");
    assert!(updates < 6_000);
    Ok(())
}

async fn a_job_closing_many_tickets_sends_one_resync(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let other = server.tenant("Garage Martin").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    for n in 0..25 {
        let ticket = tenant
            .ticket(&server, &jean, "SUPPORT", &format!("Panne {n}"))
            .await?;
        for status in ["OPEN", "RESOLVED"] {
            server
                .ok(admin, MOVE, json!({ "id": ticket["id"], "s": status }))
                .await?;
        }
    }
    let mut ours = server.subscribe(admin, EVENTS, json!({})).await?;
    let mut theirs = server
        .subscribe(Some(&other.admin_token), EVENTS, json!({}))
        .await?;
    // They have waited ten days (the sessions above are kept: the clock stays).
    {
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::ticket::Entity::update_many()
            .col_expr(
                entity::ticket::Column::WaitingSince,
                Expr::value(Some(server.clock_now() - Span::days(10))),
            )
            .filter(entity::ticket::Column::TenantId.eq(tenant.id))
            .exec(&server.state.services.db)
            .await?;
    }
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.auto_close.closed, 25);
    let first = ours
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(first["data"]["ticketEvents"]["kind"], "RESYNC", "{first}");
    assert!(
        ours.next_within(Duration::from_millis(500))
            .await?
            .is_none(),
        "one resync, not fifty events"
    );
    assert!(
        theirs
            .next_within(Duration::from_millis(300))
            .await?
            .is_none(),
        "another tenant hears nothing"
    );
    // A single change is still an event of its own.
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Radiateur")
        .await?;
    let next = ours
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(next["data"]["ticketEvents"]["kind"], "CREATED", "{next}");
    assert_eq!(next["data"]["ticketEvents"]["ticket"]["id"], ticket["id"]);
    Ok(())
}

async fn the_bell_is_pushed_to_its_owner_only(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let (bob_id, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    let (_, alice) = tenant
        .user(&server, "alice@atelier-dupont.test", "agent", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let mut bobs = server.subscribe(Some(&bob), BELL, json!({})).await?;
    let first = bobs
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(first["data"]["bellEvents"]["unreadCount"], 0, "{first}");

    // A new ticket rings both agents' bells; Bob's stream says 1.
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let rung = bobs
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(rung["data"]["bellEvents"]["unreadCount"], 1, "{rung}");
    // Assigned to Bob: 2. Then Alice reads hers: nothing for Bob.
    server
        .ok(admin, ASSIGN, json!({ "t": ticket["id"], "a": bob_id }))
        .await?;
    let rung = bobs
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(rung["data"]["bellEvents"]["unreadCount"], 2, "{rung}");
    server
        .ok(
            Some(&alice),
            "mutation { markNotificationsRead }",
            json!({}),
        )
        .await?;
    // A change that tells nobody (the priority) does not ring either.
    server
        .ok(
            admin,
            "mutation($t: ID!) { changeTicketPriority(ticketId: $t, priority: HIGH) { id } }",
            json!({ "t": ticket["id"] }),
        )
        .await?;
    assert!(bobs
        .next_within(Duration::from_millis(500))
        .await?
        .is_none());
    // Bob reads in another tab: this one follows.
    server
        .ok(Some(&bob), "mutation { markNotificationsRead }", json!({}))
        .await?;
    let read = bobs
        .next_within(Duration::from_secs(5))
        .await?
        .unwrap_or_default();
    assert_eq!(read["data"]["bellEvents"]["unreadCount"], 0, "{read}");
    Ok(())
}

async fn presence_fades_by_the_services_clock(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let (_, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    const PRESENT: &str = "query($t: ID!) { ticket(id: $t) { presence { state user { email } } } }";
    for state in ["VIEWING", "TYPING"] {
        server
            .ok(
                Some(&bob),
                "mutation($t: ID!, $s: PresenceState!) { reportPresence(ticketId: $t, state: $s) }",
                json!({ "t": ticket["id"], "s": state }),
            )
            .await?;
    }
    // The report travels on the bus; give it a moment.
    let mut shown = json!(null);
    for _ in 0..50 {
        shown = server
            .ok(
                Some(&tenant.admin_token),
                PRESENT,
                json!({ "t": ticket["id"] }),
            )
            .await?;
        if shown["ticket"]["presence"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        shown["ticket"]["presence"],
        json!([{ "state": "TYPING", "user": { "email": "bob@atelier-dupont.test" } }])
    );
    server.clock.advance(Span::seconds(44));
    let still = server
        .ok(
            Some(&tenant.admin_token),
            PRESENT,
            json!({ "t": ticket["id"] }),
        )
        .await?;
    assert_eq!(
        still["ticket"]["presence"].as_array().map(Vec::len),
        Some(1)
    );
    server.clock.advance(Span::seconds(2));
    let gone = server
        .ok(
            Some(&tenant.admin_token),
            PRESENT,
            json!({ "t": ticket["id"] }),
        )
        .await?;
    assert_eq!(gone["ticket"]["presence"], json!([]), "faded after 45 s");
    Ok(())
}

/// Subscribers who would get the same answer share one resolution of an event; a customer
/// never gets the staff's (their CRM figures), whoever resolved first.
async fn a_shared_resolution_never_reaches_another_kind_of_subscriber(
    backend: Backend,
) -> anyhow::Result<()> {
    const CARD: &str = "subscription { ticketEvents { kind ticket { id priority \
         customer { displayName notesCount } } } }";
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let (_, agent) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let mut staff = vec![
        server.subscribe(admin, CARD, json!({})).await?,
        server.subscribe(Some(&agent), CARD, json!({})).await?,
    ];
    let mut portal = server.subscribe(Some(&customer), CARD, json!({})).await?;
    // Several changes, so that each kind of subscriber resolves first at some point.
    for round in 0..6 {
        let priority = if round % 2 == 0 { "HIGH" } else { "LOW" };
        server
            .ok(
                admin,
                "mutation($t: ID!, $p: TicketPriority!) { changeTicketPriority(ticketId: $t, priority: $p) { id } }",
                json!({ "t": ticket["id"], "p": priority }),
            )
            .await?;
        let mut seen = Vec::new();
        for subscriber in &mut staff {
            let event = subscriber
                .next_within(Duration::from_secs(5))
                .await?
                .unwrap_or_default();
            let card = &event["data"]["ticketEvents"]["ticket"];
            assert_eq!(card["priority"], priority, "{event}");
            assert_eq!(card["customer"]["notesCount"], 0, "{event}");
            seen.push(event);
        }
        assert_eq!(seen[0], seen[1], "two agents get the same answer");
        let event = portal
            .next_within(Duration::from_secs(5))
            .await?
            .unwrap_or_default();
        assert!(
            event["data"]["ticketEvents"]["ticket"]["customer"]["notesCount"].is_null(),
            "a customer got the staff's CRM figures: {event}"
        );
        assert_eq!(
            event["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{event}"
        );
    }
    Ok(())
}

both_backends!(
    a_shared_resolution_never_reaches_another_kind_of_subscriber,
    a_subscriber_that_falls_behind_is_told_to_resync,
    a_job_closing_many_tickets_sends_one_resync,
    the_bell_is_pushed_to_its_owner_only,
    presence_fades_by_the_services_clock,
);

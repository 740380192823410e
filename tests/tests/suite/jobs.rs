//! Scheduled jobs with the clock moved forward: SLA breaches escalate exactly once, the
//! SLA clock pauses while a ticket waits on its customer, and auto-close reminds then
//! closes tickets without customer reply, once, however often the jobs run.

use chrono::Duration;
use guichet_tests::{both_backends, Backend, TenantFixture, TestServer};
use serde_json::{json, Value};
use server::jobs::run_due_jobs;

const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";
const REPLY: &str =
    "mutation($id: ID!, $b: String!) { replyToTicket(input: { ticketId: $id, body: $b }) { id } }";
const TICKET: &str = "query($id: ID!) { ticket(id: $id) { status priority responseDueAt resolutionDueAt closedAt messages { authorKind body } history { kind change { __typename ... on SlaDeadlineChange { deadline } ... on PriorityChange { from to } } } } }";

/// Sessions last 12 hours; tests that move the clock by days sign in again.
async fn relogin(
    server: &TestServer,
    email: &str,
    tenant: &TenantFixture,
) -> anyhow::Result<String> {
    server.login(email, &tenant.password).await
}

fn kinds(ticket: &Value) -> Vec<String> {
    ticket["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn sla_breaches_escalate_exactly_once(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (agent_id, _) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let late = tenant
        .ticket(&server, &jean, "SUPPORT", "Sans réponse")
        .await?;
    let answered = tenant
        .ticket(&server, &jean, "SUPPORT", "Répondu à temps")
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(
            admin,
            "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }",
            json!({ "t": late["id"], "a": agent_id }),
        )
        .await?;
    server.clock.advance(Duration::hours(2));
    server
        .ok(
            admin,
            REPLY,
            json!({ "id": answered["id"], "b": "Nous regardons." }),
        )
        .await?;

    server
        .clock
        .advance(Duration::hours(5) + Duration::minutes(59));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.sla.response_breaches, 0, "not yet due at 7 h 59");
    assert_eq!(
        report.sla.warnings, 1,
        "warned within the hour before the deadline"
    );
    assert_eq!(
        run_due_jobs(&server.state.services).await?.sla.warnings,
        0,
        "warned once"
    );
    let agent_token = relogin(&server, "agathe@atelier-dupont.test", &tenant).await?;
    let bell = server
        .ok(Some(&agent_token), "{ notifications { kind } }", json!({}))
        .await?;
    assert_eq!(
        bell["notifications"],
        json!([
            { "kind": "sla_warning" },
            { "kind": "ticket_assigned" },
            // Agathe works every department's tickets (she is in none): she heard of both.
            { "kind": "ticket_created" },
            { "kind": "ticket_created" },
        ]),
        "the assignee is warned (newest first, after the assignment)"
    );
    server
        .ok(
            Some(&agent_token),
            "mutation { markNotificationsRead }",
            json!({}),
        )
        .await?;
    server.clock.advance(Duration::minutes(2));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(
        report.sla.response_breaches, 1,
        "only the unanswered ticket breaches"
    );
    let again = run_due_jobs(&server.state.services).await?;
    assert_eq!(again.sla.response_breaches, 0, "a breach is recorded once");

    let admin_token = relogin(&server, &tenant.admin_email, &tenant).await?;
    let data = server
        .ok(Some(&admin_token), TICKET, json!({ "id": late["id"] }))
        .await?;
    assert_eq!(data["ticket"]["priority"], "HIGH", "escalated one step");
    assert_eq!(
        kinds(&data["ticket"]),
        [
            "CREATED",
            "ASSIGNED",
            "SLA_WARNING",
            "SLA_BREACHED",
            "ESCALATED"
        ]
    );
    let history = &data["ticket"]["history"];
    assert_eq!(history[2]["change"]["deadline"], "RESPONSE");
    assert_eq!(history[3]["change"]["deadline"], "RESPONSE");
    assert_eq!(
        history[4]["change"],
        json!({ "__typename": "PriorityChange", "from": "NORMAL", "to": "HIGH" })
    );
    let agent_token = relogin(&server, "agathe@atelier-dupont.test", &tenant).await?;
    for token in [&admin_token, &agent_token] {
        let bell = server
            .ok(
                Some(token),
                "{ unreadNotificationCount notifications { kind title ticketId } }",
                json!({}),
            )
            .await?;
        assert_eq!(bell["unreadNotificationCount"], 1);
        assert_eq!(bell["notifications"][0]["kind"], "sla_breached");
        assert_eq!(bell["notifications"][0]["ticketId"], late["id"]);
    }
    let marked = server
        .ok(
            Some(&agent_token),
            "mutation { markNotificationsRead }",
            json!({}),
        )
        .await?;
    assert_eq!(marked["markNotificationsRead"], 1);
    let bell = server
        .ok(Some(&agent_token), "{ unreadNotificationCount }", json!({}))
        .await?;
    assert_eq!(bell["unreadNotificationCount"], 0);

    // The resolution deadline (72 h) breaches both tickets, each once.
    server.clock.advance(Duration::hours(65));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.sla.resolution_breaches, 2);
    assert_eq!(
        run_due_jobs(&server.state.services)
            .await?
            .sla
            .resolution_breaches,
        0
    );
    let admin_token = relogin(&server, &tenant.admin_email, &tenant).await?;
    let data = server
        .ok(Some(&admin_token), TICKET, json!({ "id": late["id"] }))
        .await?;
    assert_eq!(data["ticket"]["priority"], "URGENT");
    Ok(())
}

async fn sla_clock_pauses_while_pending(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Il manque une info")
        .await?;
    let id = ticket["id"].clone();
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    server
        .ok(
            admin,
            REPLY,
            json!({ "id": id, "b": "Quel est le numéro de série ?" }),
        )
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "PENDING" }))
        .await?;
    // Ten hours waiting on the customer.
    server.clock.advance(Duration::hours(10));
    server
        .ok(Some(&customer), REPLY, json!({ "id": id, "b": "SN-1234" }))
        .await?;
    let data = server.ok(admin, TICKET, json!({ "id": id })).await?;
    assert_eq!(
        data["ticket"]["status"], "OPEN",
        "the customer's answer hands the ticket back"
    );
    assert_eq!(
        data["ticket"]["resolutionDueAt"], "2026-03-05T19:00:00+00:00",
        "72 h plus the 10 h paused"
    );
    Ok(())
}

async fn auto_close_reminds_then_closes_once(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, _) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let (agent_id, _) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let waiting = tenant
        .ticket(&server, &jean, "SUPPORT", "En attente du client")
        .await?;
    let id = waiting["id"].clone();
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    server
        .ok(
            admin,
            REPLY,
            json!({ "id": id, "b": "Pouvez-vous confirmer que c'est réglé ?" }),
        )
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "RESOLVED" }))
        .await?;
    // A system-side change later must not restart the wait (updated_at is not the clock).
    server.clock.advance(Duration::hours(2));
    server
        .ok(
            admin,
            "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }",
            json!({ "t": id, "a": agent_id }),
        )
        .await?;

    server.clock.advance(Duration::days(3));
    assert_eq!(
        run_due_jobs(&server.state.services)
            .await?
            .auto_close
            .reminded,
        0,
        "too early to remind"
    );
    server
        .clock
        .advance(Duration::days(1) - Duration::hours(2) + Duration::minutes(1));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.auto_close.reminded, 1, "a day before the deadline");
    assert_eq!(
        run_due_jobs(&server.state.services)
            .await?
            .auto_close
            .reminded,
        0,
        "reminded once"
    );
    let customer = relogin(&server, "jean@atelier-dupont.test", &tenant).await?;
    let bell = server
        .ok(Some(&customer), "{ unreadNotificationCount }", json!({}))
        .await?;
    // The reminder, after "your request is resolved".
    assert_eq!(bell["unreadNotificationCount"], 2);

    server.clock.advance(Duration::days(1));
    // Two instances running the job at once close it once.
    let (a, b) = tokio::join!(
        run_due_jobs(&server.state.services),
        run_due_jobs(&server.state.services)
    );
    assert_eq!(a?.auto_close.closed + b?.auto_close.closed, 1);
    assert_eq!(
        run_due_jobs(&server.state.services)
            .await?
            .auto_close
            .closed,
        0
    );
    let admin_token = relogin(&server, &tenant.admin_email, &tenant).await?;
    let data = server
        .ok(Some(&admin_token), TICKET, json!({ "id": id }))
        .await?;
    assert_eq!(data["ticket"]["status"], "CLOSED");
    let messages = data["ticket"]["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let system: Vec<_> = messages
        .iter()
        .filter(|m| m["authorKind"] == "SYSTEM")
        .map(|m| m["body"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(system.len(), 2, "reminder and closing message: {system:?}");
    assert!(
        system[1].contains("5 jours"),
        "the thread says why: {}",
        system[1]
    );
    assert!(kinds(&data["ticket"]).contains(&"AUTO_CLOSED".to_owned()));
    Ok(())
}

async fn a_customer_reply_stops_auto_close(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Le client répond")
        .await?;
    let id = ticket["id"].clone();
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    server
        .ok(
            admin,
            REPLY,
            json!({ "id": id, "b": "Une photo de la borne ?" }),
        )
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "PENDING" }))
        .await?;
    server.clock.advance(Duration::days(4) + Duration::hours(1));
    let customer = relogin(&server, "jean@atelier-dupont.test", &tenant).await?;
    server
        .ok(
            Some(&customer),
            REPLY,
            json!({ "id": id, "b": "La voici." }),
        )
        .await?;
    server.clock.advance(Duration::days(6));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(
        (report.auto_close.reminded, report.auto_close.closed),
        (0, 0)
    );
    let admin_token = relogin(&server, &tenant.admin_email, &tenant).await?;
    let data = server
        .ok(Some(&admin_token), TICKET, json!({ "id": id }))
        .await?;
    assert_eq!(data["ticket"]["status"], "OPEN");
    Ok(())
}

/// The customer thanks, then the agent resolves without writing: the wait starts when the
/// ticket was resolved, so it closes after the tenant's days (it never closed before: the
/// customer's message was newer than the agent's last one). A customer answering the
/// reminder stops it.
async fn auto_close_counts_from_when_the_wait_began(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let customer = relogin(&server, "jean@atelier-dupont.test", &tenant).await?;
    let open_with_thanks = |subject: &'static str| {
        let (server, tenant, jean, customer) = (&server, &tenant, &jean, &customer);
        async move {
            let ticket = tenant.ticket(server, jean, "SUPPORT", subject).await?;
            let id = ticket["id"].clone();
            server
                .ok(
                    Some(&tenant.admin_token),
                    MOVE,
                    json!({ "id": id, "s": "OPEN" }),
                )
                .await?;
            server
                .ok(
                    Some(&tenant.admin_token),
                    REPLY,
                    json!({ "id": id, "b": "C'est réparé." }),
                )
                .await?;
            server.clock.advance(Duration::hours(1));
            server
                .ok(Some(customer), REPLY, json!({ "id": id, "b": "Merci !" }))
                .await?;
            server.clock.advance(Duration::hours(1));
            anyhow::Ok(id)
        }
    };
    let thanked = open_with_thanks("Merci et au revoir").await?;
    let answering = open_with_thanks("Il répondra au rappel").await?;
    for id in [&thanked, &answering] {
        server
            .ok(admin, MOVE, json!({ "id": id, "s": "RESOLVED" }))
            .await?;
    }

    // A day before the deadline, both are reminded.
    server
        .clock
        .advance(Duration::days(4) + Duration::minutes(1));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.auto_close.reminded, 2, "{report:?}");
    // Jean answers the reminder on one of them: it reopens and stays open.
    let customer = relogin(&server, "jean@atelier-dupont.test", &tenant).await?;
    server
        .ok(
            Some(&customer),
            REPLY,
            json!({ "id": answering, "b": "En fait, ça refuit." }),
        )
        .await?;
    server.clock.advance(Duration::days(1));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.auto_close.closed, 1, "{report:?}");
    let admin_token = relogin(&server, &tenant.admin_email, &tenant).await?;
    for (id, status) in [(&thanked, "CLOSED"), (&answering, "OPEN")] {
        let data = server
            .ok(Some(&admin_token), TICKET, json!({ "id": id }))
            .await?;
        assert_eq!(data["ticket"]["status"], status);
    }
    server.clock.advance(Duration::days(10));
    let report = run_due_jobs(&server.state.services).await?;
    assert_eq!(report.auto_close.closed, 0, "an open ticket does not wait");
    Ok(())
}

both_backends!(
    auto_close_counts_from_when_the_wait_began,
    sla_breaches_escalate_exactly_once,
    sla_clock_pauses_while_pending,
    auto_close_reminds_then_closes_once,
    a_customer_reply_stops_auto_close,
);

//! Ticket lifecycle beyond the foundation: concurrent numbering, history, priority,
//! satisfaction ratings, time logging, and the workflow and SLA settings admins edit.

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::{json, Value};

mod entity_kind {
    pub use entity::enums::{DepartmentKind, Role};
}

const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";
const RATE: &str = "mutation($input: RateTicketInput!) { rateTicket(input: $input) { satisfactionRating satisfactionComment ratedAt } }";

async fn concurrent_creations_get_gapless_unique_numbers(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let count = 200;
    let creations = (0..count).map(|i| {
        let (server, tenant, customer) = (&server, &tenant, &customer);
        async move {
            let ticket_type = if i % 4 == 0 { "SALES" } else { "SUPPORT" };
            tenant
                .ticket(server, customer, ticket_type, &format!("Concurrent {i}"))
                .await
        }
    });
    let results = futures::future::join_all(creations).await;
    let mut support = Vec::new();
    let mut sales = Vec::new();
    for created in results {
        let number = created?["number"].as_str().unwrap_or_default().to_owned();
        if number.starts_with("SAL-") {
            sales.push(number)
        } else {
            support.push(number)
        }
    }
    support.sort();
    sales.sort();
    let expected = |prefix: &str, n: usize| {
        (1..=n)
            .map(|i| format!("{prefix}-2026-{i:05}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        support,
        expected("SUP", 150),
        "support numbers are 1..=150 without gap or duplicate"
    );
    assert_eq!(
        sales,
        expected("SAL", 50),
        "sales numbers are 1..=50 without gap or duplicate"
    );
    Ok(())
}

async fn history_records_every_move(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Historique")
        .await?;
    let id = ticket["id"].clone();
    let admin = Some(tenant.admin_token.as_str());
    server.clock.advance(chrono::Duration::minutes(10));
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    let priority = "mutation($id: ID!, $p: TicketPriority!) { changeTicketPriority(ticketId: $id, priority: $p) { priority } }";
    let changed = server
        .ok(admin, priority, json!({ "id": id, "p": "URGENT" }))
        .await?;
    assert_eq!(changed["changeTicketPriority"]["priority"], "URGENT");
    assert_eq!(
        server
            .error_code(Some(&customer), priority, json!({ "id": id, "p": "LOW" }))
            .await?,
        "FORBIDDEN"
    );
    for status in ["RESOLVED", "OPEN"] {
        server
            .ok(admin, MOVE, json!({ "id": id, "s": status }))
            .await?;
    }
    let (agent_id, _) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let assign =
        "mutation($id: ID!, $a: ID) { assignTicket(ticketId: $id, assigneeId: $a) { id } }";
    server
        .ok(admin, assign, json!({ "id": id, "a": agent_id }))
        .await?;
    // Each entry's change is typed: statuses and priorities as enums, people as users.
    let query = "query($id: ID!) { ticket(id: $id) { history { kind fromValue toValue actor { email } createdAt change { __typename ... on StatusChange { from to } ... on PriorityChange { priorityFrom: from priorityTo: to } ... on AssigneeChange { assigneeFrom: from { email } assigneeTo: to { email } } } } } }";
    let data = server.ok(admin, query, json!({ "id": id })).await?;
    let changes: Vec<_> = data["ticket"]["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| (h["kind"].clone(), h["change"].clone()))
        .collect();
    let status =
        |from: Value, to: &str| json!({ "__typename": "StatusChange", "from": from, "to": to });
    assert_eq!(
        changes,
        [
            (json!("CREATED"), status(json!(null), "NEW")),
            (json!("STATUS_CHANGED"), status(json!("NEW"), "OPEN")),
            (
                json!("PRIORITY_CHANGED"),
                json!({ "__typename": "PriorityChange", "priorityFrom": "NORMAL", "priorityTo": "URGENT" })
            ),
            (json!("STATUS_CHANGED"), status(json!("OPEN"), "RESOLVED")),
            (json!("REOPENED"), status(json!("RESOLVED"), "OPEN")),
            (
                json!("ASSIGNED"),
                json!({ "__typename": "AssigneeChange", "assigneeFrom": null, "assigneeTo": { "email": "agathe@atelier-dupont.test" } })
            ),
        ]
    );
    // The stored values stay readable, deprecated, for tools written against them.
    assert_eq!(data["ticket"]["history"][1]["fromValue"], "new");
    assert_eq!(data["ticket"]["history"][1]["toValue"], "open");
    assert_eq!(
        data["ticket"]["history"][1]["actor"]["email"],
        "admin@atelier-dupont.test"
    );
    assert_eq!(
        data["ticket"]["history"][1]["createdAt"],
        "2026-03-02T09:10:00+00:00"
    );
    // Customers do not see the internal history.
    let theirs = server
        .ok(Some(&customer), query, json!({ "id": id }))
        .await?;
    assert_eq!(theirs["ticket"]["history"], json!([]));
    Ok(())
}

async fn only_the_customer_rates_a_resolved_ticket_once(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    let (_, jean_token) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let (_, marie_token) = tenant
        .user(
            &server,
            "marie@atelier-dupont.test",
            "customer",
            Some(&marie),
        )
        .await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "À noter").await?;
    let id = ticket["id"].clone();
    let rating = |stars: i32| json!({ "input": { "ticketId": id, "rating": stars, "comment": "Très réactif" } });
    let admin = Some(tenant.admin_token.as_str());
    // Not yet resolved.
    assert_eq!(
        server
            .error_code(Some(&jean_token), RATE, rating(5))
            .await?,
        "BAD_USER_INPUT"
    );
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "RESOLVED" }))
        .await?;
    // Not by staff, not by another customer, not out of range.
    assert_eq!(
        server.error_code(admin, RATE, rating(5)).await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(Some(&marie_token), RATE, rating(5))
            .await?,
        "NOT_FOUND"
    );
    for stars in [0, 6, -1] {
        assert_eq!(
            server
                .error_code(Some(&jean_token), RATE, rating(stars))
                .await?,
            "BAD_USER_INPUT"
        );
    }
    let rated = server.ok(Some(&jean_token), RATE, rating(4)).await?;
    assert_eq!(rated["rateTicket"]["satisfactionRating"], 4);
    assert_eq!(rated["rateTicket"]["satisfactionComment"], "Très réactif");
    // Once.
    assert_eq!(
        server
            .error_code(Some(&jean_token), RATE, rating(1))
            .await?,
        "CONFLICT"
    );
    let stored = server
        .ok(
            admin,
            "query($id: ID!) { ticket(id: $id) { satisfactionRating } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(stored["ticket"]["satisfactionRating"], 4);
    Ok(())
}

async fn agents_log_time_on_tickets(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, agent) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Temps passé")
        .await?;
    let id = ticket["id"].clone();
    let log = "mutation($input: LogTimeInput!) { logTime(input: $input) { minutes workDate note user { email } } }";
    let entry = server
        .ok(
            Some(&agent),
            log,
            json!({ "input": { "ticketId": id, "minutes": 45, "note": "Diagnostic" } }),
        )
        .await?;
    assert_eq!(entry["logTime"]["workDate"], "2026-03-02");
    assert_eq!(
        entry["logTime"]["user"]["email"],
        "agathe@atelier-dupont.test"
    );
    server
        .ok(
            Some(&agent),
            log,
            json!({ "input": { "ticketId": id, "minutes": 30, "workDate": "2026-02-27" } }),
        )
        .await?;
    for (minutes, date) in [(0, "2026-03-01"), (1441, "2026-03-01"), (10, "2026-03-03")] {
        let input = json!({ "input": { "ticketId": id, "minutes": minutes, "workDate": date } });
        assert_eq!(
            server.error_code(Some(&agent), log, input).await?,
            "BAD_USER_INPUT",
            "{minutes} min on {date}"
        );
    }
    assert_eq!(
        server
            .error_code(
                Some(&customer),
                log,
                json!({ "input": { "ticketId": id, "minutes": 5 } })
            )
            .await?,
        "FORBIDDEN"
    );
    let query =
        "query($id: ID!) { ticket(id: $id) { loggedMinutes timeEntries { minutes workDate } } }";
    let data = server.ok(Some(&agent), query, json!({ "id": id })).await?;
    assert_eq!(data["ticket"]["loggedMinutes"], 75);
    assert_eq!(data["ticket"]["timeEntries"][0]["workDate"], "2026-02-27");
    let theirs = server
        .ok(Some(&customer), query, json!({ "id": id }))
        .await?;
    assert_eq!(
        theirs["ticket"]["loggedMinutes"], 0,
        "customers do not see internal time"
    );
    Ok(())
}

async fn admins_edit_workflows_and_slas(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, agent) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let flows = server
        .ok(
            Some(&agent),
            "{ workflows { ticketType initialStatus transitions { from to } } }",
            json!({}),
        )
        .await?;
    let inquiry = flows["workflows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|w| w["ticketType"] == "INQUIRY")
        .cloned()
        .unwrap_or_default();
    assert!(
        !inquiry["transitions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["to"] == "PENDING"),
        "inquiries skip pending"
    );

    let set = "mutation($t: TicketType!, $m: [TransitionInput!]!) { setWorkflowTransitions(ticketType: $t, transitions: $m) { transitions { from to } } }";
    // Inquiries may now go straight from new to resolved, and nothing else from new.
    let moves =
        json!([{ "from": "NEW", "to": "RESOLVED" }, { "from": "RESOLVED", "to": "CLOSED" }]);
    assert_eq!(
        server
            .error_code(Some(&agent), set, json!({ "t": "INQUIRY", "m": moves }))
            .await?,
        "FORBIDDEN"
    );
    server
        .ok(admin, set, json!({ "t": "INQUIRY", "m": moves }))
        .await?;
    let bad = json!([{ "from": "OPEN", "to": "OPEN" }, { "from": "NEW", "to": "OPEN" }]);
    assert_eq!(
        server
            .error_code(admin, set, json!({ "t": "INQUIRY", "m": bad }))
            .await?,
        "BAD_USER_INPUT"
    );
    let stuck = json!([{ "from": "OPEN", "to": "CLOSED" }]);
    assert_eq!(
        server
            .error_code(admin, set, json!({ "t": "INQUIRY", "m": stuck }))
            .await?,
        "BAD_USER_INPUT"
    );
    let ticket = tenant.ticket(&server, &jean, "INQUIRY", "Question").await?;
    assert_eq!(
        server
            .error_code(admin, MOVE, json!({ "id": ticket["id"], "s": "OPEN" }))
            .await?,
        "BAD_USER_INPUT"
    );
    server
        .ok(admin, MOVE, json!({ "id": ticket["id"], "s": "RESOLVED" }))
        .await?;

    let sla = "mutation($t: TicketType!, $r: Int!, $s: Int!) { updateSlaPolicy(ticketType: $t, responseHours: $r, resolutionHours: $s) { responseHours resolutionHours } }";
    assert_eq!(
        server
            .error_code(
                Some(&agent),
                sla,
                json!({ "t": "SUPPORT", "r": 2, "s": 24 })
            )
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(admin, sla, json!({ "t": "SUPPORT", "r": 0, "s": 24 }))
            .await?,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        server
            .error_code(admin, sla, json!({ "t": "SUPPORT", "r": 48, "s": 24 }))
            .await?,
        "BAD_USER_INPUT"
    );
    server
        .ok(admin, sla, json!({ "t": "SUPPORT", "r": 2, "s": 24 }))
        .await?;
    let created = server
        .ok(
            admin,
            "mutation($c: ID!) { createTicket(input: { ticketType: SUPPORT, subject: \"S\", description: \"D\", customerId: $c }) { responseDueAt resolutionDueAt } }",
            json!({ "c": jean }),
        )
        .await?;
    assert_eq!(
        created["createTicket"]["responseDueAt"],
        "2026-03-02T11:00:00+00:00"
    );
    assert_eq!(
        created["createTicket"]["resolutionDueAt"],
        "2026-03-03T09:00:00+00:00"
    );
    let policies = server
        .ok(
            Some(&agent),
            "{ slaPolicies { ticketType responseHours resolutionHours } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        policies["slaPolicies"][0],
        json!({ "ticketType": "SUPPORT", "responseHours": 2, "resolutionHours": 24 })
    );
    // Another tenant's settings are untouched.
    let other = server.tenant("Autre").await?;
    let theirs = server
        .ok(
            Some(&other.admin_token),
            "{ slaPolicies { responseHours } }",
            json!({}),
        )
        .await?;
    assert_eq!(theirs["slaPolicies"][0]["responseHours"], 8);
    Ok(())
}

async fn full_text_search_with_filters(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let mut tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let borne = tenant
        .ticket(&server, &jean, "SUPPORT", "Borne de recharge en panne")
        .await?;
    let facture = tenant
        .ticket(&server, &marie, "SUPPORT", "Facture incorrecte")
        .await?;
    server.clock.advance(chrono::Duration::days(2));
    // Sessions last 12 hours: sign in again after the jump.
    tenant.admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let jean_token = server
        .login("jean@atelier-dupont.test", &tenant.password)
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let devis = tenant
        .ticket(&server, &jean, "SALES", "Demande de devis")
        .await?;
    let reply = "mutation($id: ID!, $b: String!, $i: Boolean) { replyToTicket(input: { ticketId: $id, body: $b, internal: $i }) { id } }";
    server
        .ok(
            admin,
            reply,
            json!({ "id": facture["id"], "b": "Le prélèvement SEPA a échoué", "i": false }),
        )
        .await?;
    server
        .ok(
            admin,
            reply,
            json!({ "id": devis["id"], "b": "Remise confidentielle accordée", "i": true }),
        )
        .await?;
    // Another tenant's identical words never match.
    let other = server.tenant("Autre").await?;
    let other_customer = other.customer(&server, "Paul", "Petit").await?;
    other
        .ticket(
            &server,
            &other_customer,
            "SUPPORT",
            "Borne de recharge cassée",
        )
        .await?;

    let query = "query($f: TicketFilter) { tickets(filter: $f) { nodes { number } } }";
    let numbers = |data: serde_json::Value| -> Vec<String> {
        data["tickets"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n["number"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let search = |words: &str| json!({ "f": { "search": words } });
    assert_eq!(
        numbers(server.ok(admin, query, search("borne recharge")).await?),
        [borne["number"].as_str().unwrap_or_default()]
    );
    assert_eq!(
        numbers(server.ok(admin, query, search("rech")).await?),
        [borne["number"].as_str().unwrap_or_default()],
        "prefixes match"
    );
    assert_eq!(
        numbers(server.ok(admin, query, search("prélèvement")).await?),
        [facture["number"].as_str().unwrap_or_default()],
        "messages are searched"
    );
    assert_eq!(
        numbers(server.ok(admin, query, search("borne facture")).await?),
        Vec::<String>::new(),
        "all words must match"
    );
    assert_eq!(
        numbers(server.ok(admin, query, search("Remise")).await?),
        [devis["number"].as_str().unwrap_or_default()],
        "staff search internal notes"
    );
    assert_eq!(
        numbers(
            server
                .ok(Some(&jean_token), query, search("remise"))
                .await?
        ),
        Vec::<String>::new(),
        "customers do not"
    );
    assert_eq!(
        numbers(server.ok(admin, query, search("\"'*) OR 1=1 --")).await?).len(),
        0,
        "query syntax is not interpreted"
    );
    // Combined with filters.
    let combined = json!({ "f": { "search": "de", "customerId": jean, "ticketType": ["SALES"] } });
    assert_eq!(
        numbers(server.ok(admin, query, combined).await?),
        [devis["number"].as_str().unwrap_or_default()]
    );
    let recent = json!({ "f": { "createdAfter": "2026-03-03T00:00:00Z" } });
    assert_eq!(
        numbers(server.ok(admin, query, recent).await?),
        [devis["number"].as_str().unwrap_or_default()]
    );
    let older = json!({ "f": { "createdBefore": "2026-03-03T00:00:00Z" } });
    assert_eq!(numbers(server.ok(admin, query, older).await?).len(), 2);
    let departments = server
        .ok(
            admin,
            "query($id: ID!) { ticket(id: $id) { department { id } } }",
            json!({ "id": devis["id"] }),
        )
        .await?;
    let sales = json!({ "f": { "departmentId": departments["ticket"]["department"]["id"] } });
    assert_eq!(
        numbers(server.ok(admin, query, sales).await?),
        [devis["number"].as_str().unwrap_or_default()]
    );
    assert_eq!(
        numbers(
            server
                .ok(admin, query, json!({ "f": { "unassigned": true } }))
                .await?
        )
        .len(),
        3
    );
    Ok(())
}

async fn new_tickets_go_to_the_least_loaded_available_agent(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let db = &server.state.services.db;
    let make_agent = |email: &'static str, department: entity_kind::DepartmentKind, max: i32| {
        server::domain::users::insert_user(
            db,
            tenant.id,
            server::domain::users::NewUser {
                email: email.to_owned(),
                password: None,
                display_name: email.to_owned(),
                role: entity_kind::Role::Agent,
                department: Some(department),
                customer_id: None,
                max_open_tickets: max,
            },
            server.clock_now(),
        )
    };
    let tech1 = make_agent("tech1@x.test", entity_kind::DepartmentKind::Technical, 2).await?;
    let tech2 = make_agent("tech2@x.test", entity_kind::DepartmentKind::Technical, 1).await?;
    let billing = make_agent("billing@x.test", entity_kind::DepartmentKind::Billing, 5).await?;
    let create = "mutation($c: TicketCategory!, $cust: ID!) { createTicket(input: { ticketType: SUPPORT, category: $c, subject: \"S\", description: \"D\", customerId: $cust }) { assignee { email } } }";
    let admin = Some(tenant.admin_token.as_str());
    let mut assignees = Vec::new();
    for _ in 0..4 {
        let data = server
            .ok(admin, create, json!({ "c": "TECHNICAL", "cust": jean }))
            .await?;
        assignees.push(data["createTicket"]["assignee"]["email"].clone());
    }
    // tech1 (older account) first, then tech2 (fewest open), then tech1 again; then both are full.
    assert_eq!(
        assignees,
        [
            json!(tech1.email),
            json!(tech2.email),
            json!(tech1.email),
            json!(null)
        ]
    );
    let data = server
        .ok(admin, create, json!({ "c": "BILLING", "cust": jean }))
        .await?;
    assert_eq!(
        data["createTicket"]["assignee"]["email"],
        billing.email.as_str()
    );
    // Agents away get nothing; general questions go to support, which has nobody.
    let data = server
        .ok(admin, create, json!({ "c": "OTHER", "cust": jean }))
        .await?;
    assert_eq!(data["createTicket"]["assignee"], json!(null));
    Ok(())
}

async fn duplicates_merge_and_related_tickets_link(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let original = tenant
        .ticket(&server, &jean, "SUPPORT", "Borne en panne")
        .await?;
    let duplicate = tenant
        .ticket(&server, &jean, "SUPPORT", "Borne toujours en panne")
        .await?;
    let other_customer = tenant
        .ticket(&server, &marie, "SUPPORT", "Autre client")
        .await?;
    let reply = "mutation($id: ID!, $b: String!) { replyToTicket(input: { ticketId: $id, body: $b }) { id } }";
    server
        .ok(
            Some(&customer),
            reply,
            json!({ "id": duplicate["id"], "b": "Photo jointe" }),
        )
        .await?;

    let merge = "mutation($d: ID!, $t: ID!) { mergeTickets(duplicateId: $d, targetId: $t) { number messages { body } } }";
    assert_eq!(
        server
            .error_code(
                Some(&customer),
                merge,
                json!({ "d": duplicate["id"], "t": original["id"] })
            )
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(
                admin,
                merge,
                json!({ "d": duplicate["id"], "t": duplicate["id"] })
            )
            .await?,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        server
            .error_code(
                admin,
                merge,
                json!({ "d": duplicate["id"], "t": other_customer["id"] })
            )
            .await?,
        "BAD_USER_INPUT"
    );
    let merged = server
        .ok(
            admin,
            merge,
            json!({ "d": duplicate["id"], "t": original["id"] }),
        )
        .await?;
    let bodies: Vec<_> = merged["mergeTickets"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        bodies.contains(&"Photo jointe".to_owned()),
        "the thread moved: {bodies:?}"
    );
    assert_eq!(
        server
            .error_code(
                admin,
                merge,
                json!({ "d": duplicate["id"], "t": original["id"] })
            )
            .await?,
        "CONFLICT"
    );
    let gone = server.ok(admin, "query($id: ID!) { ticket(id: $id) { status mergedInto { number } messageCount history { kind toValue } } }", json!({ "id": duplicate["id"] })).await?;
    assert_eq!(gone["ticket"]["status"], "CLOSED");
    assert_eq!(gone["ticket"]["mergedInto"]["number"], original["number"]);
    assert_eq!(gone["ticket"]["messageCount"], 0);
    assert!(gone["ticket"]["history"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|h| h["kind"] == "MERGED"));
    // The customer sees the moved message on the original, not the internal merge note.
    let theirs = server
        .ok(
            Some(&customer),
            "query($id: ID!) { ticket(id: $id) { messages { body } } }",
            json!({ "id": original["id"] }),
        )
        .await?;
    assert_eq!(
        theirs["ticket"]["messages"],
        json!([{ "body": "Photo jointe" }])
    );

    let link = "mutation($a: ID!, $b: ID!) { linkTickets(ticketId: $a, otherId: $b) { linkedTickets { number } } }";
    let linked = server
        .ok(
            admin,
            link,
            json!({ "a": original["id"], "b": other_customer["id"] }),
        )
        .await?;
    assert_eq!(
        linked["linkTickets"]["linkedTickets"],
        json!([{ "number": other_customer["number"] }])
    );
    server
        .ok(
            admin,
            link,
            json!({ "a": other_customer["id"], "b": original["id"] }),
        )
        .await?;
    let back = server
        .ok(
            admin,
            "query($id: ID!) { ticket(id: $id) { linkedTickets { number } } }",
            json!({ "id": other_customer["id"] }),
        )
        .await?;
    assert_eq!(
        back["ticket"]["linkedTickets"],
        json!([{ "number": original["number"] }]),
        "links are symmetric and not duplicated"
    );
    assert_eq!(
        server
            .error_code(
                admin,
                link,
                json!({ "a": original["id"], "b": original["id"] })
            )
            .await?,
        "BAD_USER_INPUT"
    );
    let unlink = "mutation($a: ID!, $b: ID!) { unlinkTickets(ticketId: $a, otherId: $b) { linkedTickets { number } } }";
    let unlinked = server
        .ok(
            admin,
            unlink,
            json!({ "a": other_customer["id"], "b": original["id"] }),
        )
        .await?;
    assert_eq!(unlinked["unlinkTickets"]["linkedTickets"], json!([]));
    // Another tenant's ticket cannot be linked.
    let other = server.tenant("Autre").await?;
    let outsider_customer = other.customer(&server, "Paul", "Petit").await?;
    let outsider = other
        .ticket(&server, &outsider_customer, "SUPPORT", "Ailleurs")
        .await?;
    assert_eq!(
        server
            .error_code(
                admin,
                link,
                json!({ "a": original["id"], "b": outsider["id"] })
            )
            .await?,
        "NOT_FOUND"
    );
    Ok(())
}

const SET_CALENDAR: &str = "mutation($tz: String!, $hours: [OpeningIntervalInput!]!, $holidays: [NaiveDate!]!) { setBusinessCalendar(timezone: $tz, openingHours: $hours, holidays: $holidays) { timezone alwaysOpen openingHours { weekday opens closes } holidays } }";
const DEADLINES: &str =
    "query($id: ID!) { ticket(id: $id) { responseDueAt resolutionDueAt status } }";

fn office_hours() -> serde_json::Value {
    json!(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .iter()
        .map(|d| json!({ "weekday": d, "opens": "09:00", "closes": "18:00" }))
        .collect::<Vec<_>>())
}

fn instant(value: &serde_json::Value) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    Ok(value
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("not a date: {value}"))?
        .parse::<chrono::DateTime<chrono::Utc>>()?)
}

fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("a valid instant")
}

async fn deadlines_count_in_business_hours(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    // Around the clock by default.
    let default = server
        .ok(
            admin,
            "{ businessCalendar { alwaysOpen openingHours { weekday } } }",
            json!({}),
        )
        .await?;
    assert_eq!(default["businessCalendar"]["alwaysOpen"], true);

    // Refusals: agents may not edit it; bad zones, times and intervals are explained.
    let (_, agent) = tenant
        .user(&server, "agent@atelier-dupont.test", "agent", None)
        .await?;
    let vars = |tz: &str, hours: serde_json::Value| json!({ "tz": tz, "hours": hours, "holidays": ["2026-03-09"] });
    assert_eq!(
        server
            .error_code(
                Some(&agent),
                SET_CALENDAR,
                vars("Europe/Paris", office_hours())
            )
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(admin, SET_CALENDAR, vars("Europe/Atlantis", office_hours()))
            .await?,
        "BAD_USER_INPUT"
    );
    for (opens, closes) in [("25:00", "18:00"), ("18:00", "09:00")] {
        let hours = json!([{ "weekday": "MONDAY", "opens": opens, "closes": closes }]);
        assert_eq!(
            server
                .error_code(admin, SET_CALENDAR, vars("Europe/Paris", hours))
                .await?,
            "BAD_USER_INPUT"
        );
    }
    let set = server
        .ok(admin, SET_CALENDAR, vars("Europe/Paris", office_hours()))
        .await?;
    assert_eq!(set["setBusinessCalendar"]["alwaysOpen"], false);
    assert_eq!(
        set["setBusinessCalendar"]["holidays"],
        json!(["2026-03-09"])
    );
    assert_eq!(
        set["setBusinessCalendar"]["openingHours"][0],
        json!({ "weekday": "MONDAY", "opens": "09:00", "closes": "18:00" })
    );

    // Friday 6 March, 17:00 in Paris (16:00 UTC). Support: 8 h to respond, 72 h to resolve.
    server.clock.set(utc("2026-03-06T16:00:00Z"));
    let admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let admin = Some(admin_token.as_str());
    let ticket = tenant_ticket(&server, admin, &customer).await?;
    let read = server.ok(admin, DEADLINES, json!({ "id": ticket })).await?;
    // 1 h on Friday; Monday 9 is a holiday; 7 h on Tuesday → 16:00 Paris.
    assert_eq!(
        instant(&read["ticket"]["responseDueAt"])?,
        utc("2026-03-10T15:00:00Z")
    );
    // 1 h + 7 open days of 9 h + 8 h on Thursday 19 → 17:00 Paris.
    assert_eq!(
        instant(&read["ticket"]["resolutionDueAt"])?,
        utc("2026-03-19T16:00:00Z")
    );

    // Waiting on the customer from Tuesday 09:00 to Wednesday 13:00 (Paris): the 7 h left
    // of the response time start again on Wednesday 13:00 → Thursday 11:00 Paris.
    server.clock.set(utc("2026-03-10T08:00:00Z"));
    let admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let admin = Some(admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": ticket, "s": "OPEN" }))
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": ticket, "s": "PENDING" }))
        .await?;
    server.clock.set(utc("2026-03-11T12:00:00Z"));
    let admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let admin = Some(admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": ticket, "s": "OPEN" }))
        .await?;
    let read = server.ok(admin, DEADLINES, json!({ "id": ticket })).await?;
    assert_eq!(
        instant(&read["ticket"]["responseDueAt"])?,
        utc("2026-03-12T10:00:00Z")
    );
    Ok(())
}

async fn tenant_ticket(
    server: &TestServer,
    admin: Option<&str>,
    customer: &str,
) -> anyhow::Result<serde_json::Value> {
    let created = server
        .ok(
            admin,
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }",
            json!({ "input": { "ticketType": "SUPPORT", "subject": "Chaudière", "description": "Plus d'eau chaude", "customerId": customer } }),
        )
        .await?;
    Ok(created["createTicket"]["id"].clone())
}

const PRESENCE: &str =
    "mutation($id: ID!, $s: PresenceState!) { reportPresence(ticketId: $id, state: $s) }";

async fn agents_see_who_views_and_types(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &customer, "SUPPORT", "Radiateur")
        .await?;
    let id = ticket["id"].clone();
    let (_, alice) = tenant
        .user(&server, "alice@atelier-dupont.test", "agent", None)
        .await?;
    let (_, jean) = tenant
        .user(
            &server,
            "jean@atelier-dupont.test",
            "customer",
            Some(&customer),
        )
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let mut watch = server
        .subscribe(
            admin,
            "subscription($id: ID!) { ticketPresence(ticketId: $id) { ticketId state user { email } } }",
            json!({ "id": id }),
        )
        .await?;
    let wait = std::time::Duration::from_secs(10);
    for state in ["VIEWING", "TYPING"] {
        server
            .ok(Some(&alice), PRESENCE, json!({ "id": id, "s": state }))
            .await?;
        let event = watch
            .next_within(wait)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no presence event for {state}"))?;
        let presence = &event["data"]["ticketPresence"];
        assert_eq!(presence["state"], state);
        assert_eq!(presence["user"]["email"], "alice@atelier-dupont.test");
        assert_eq!(presence["ticketId"], id);
    }
    // The ticket shows who is on it (the registry follows the same events).
    let mut present = json!(null);
    for _ in 0..50 {
        present = server
            .ok(
                admin,
                "query($id: ID!) { ticket(id: $id) { presence { state user { email } } } }",
                json!({ "id": id }),
            )
            .await?["ticket"]["presence"]
            .clone();
        if present
            == json!([{ "state": "TYPING", "user": { "email": "alice@atelier-dupont.test" } }])
        {
            break;
        }
        // A poll, bounded by the loop: the registry follows the events in a task of its
        // own, which has no event to await.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        present,
        json!([{ "state": "TYPING", "user": { "email": "alice@atelier-dupont.test" } }])
    );
    server
        .ok(Some(&alice), PRESENCE, json!({ "id": id, "s": "LEFT" }))
        .await?;
    let event = watch
        .next_within(wait)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no LEFT"))?;
    assert_eq!(event["data"]["ticketPresence"]["state"], "LEFT");

    // Customers neither report nor see presence; other tenants cannot reach the ticket.
    assert_eq!(
        server
            .error_code(Some(&jean), PRESENCE, json!({ "id": id, "s": "VIEWING" }))
            .await?,
        "FORBIDDEN"
    );
    let other = server.tenant("Autre").await?;
    assert_eq!(
        server
            .error_code(
                Some(&other.admin_token),
                PRESENCE,
                json!({ "id": id, "s": "VIEWING" })
            )
            .await?,
        "NOT_FOUND"
    );
    let mut spy = server
        .subscribe(
            Some(&other.admin_token),
            "subscription($id: ID!) { ticketPresence(ticketId: $id) { state } }",
            json!({ "id": id }),
        )
        .await?;
    let refused = spy.next_within(wait).await?.unwrap_or_default();
    assert!(refused.get("errors").is_some(), "{refused}");
    Ok(())
}

async fn search_ignores_accents_and_case(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let accented = tenant
        .ticket(
            &server,
            &customer,
            "SUPPORT",
            "Chaudière ÉTEINTE au sous-sol",
        )
        .await?;
    tenant
        .ticket(&server, &customer, "SUPPORT", "Radiateur froid")
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let search = "query($s: String!) { tickets(filter: { search: $s }) { nodes { number } } }";
    for words in ["chaudiere", "CHAUDIÈRE eteinte", "éteint"] {
        let found = server.ok(admin, search, json!({ "s": words })).await?;
        assert_eq!(
            found["tickets"]["nodes"],
            json!([{ "number": accented["number"] }]),
            "searching {words}"
        );
    }
    Ok(())
}

/// The full-text index follows texts edited and removed in the tables (by an admin tool,
/// a migration or a deletion), not only those written through the API; on SQLite, FTS5's
/// own integrity check agrees with the tables after every kind of change.
async fn search_follows_edited_texts(backend: Backend) -> anyhow::Result<()> {
    use entity::{message, ticket};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let created = tenant
        .ticket(&server, &customer, "SUPPORT", "Chaudière en panne")
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let reply = "mutation($id: ID!, $b: String!) { replyToTicket(input: { ticketId: $id, body: $b }) { id } }";
    let message_id: i64 = server
        .ok(
            admin,
            reply,
            json!({ "id": created["id"], "b": "Le technicien passe jeudi" }),
        )
        .await?["replyToTicket"]["id"]
        .as_str()
        .unwrap_or_default()
        .parse()?;
    server
        .ok(admin, MOVE, json!({ "id": created["id"], "s": "OPEN" }))
        .await?;
    let ticket_id: i64 = created["id"].as_str().unwrap_or_default().parse()?;
    let db = &server.state.services.db;
    let found = |words: &'static str| {
        let server = &server;
        async move {
            let data = server
                .ok(
                    admin,
                    "query($s: String!) { tickets(filter: { search: $s }) { nodes { id } } }",
                    json!({ "s": words }),
                )
                .await?;
            Ok::<usize, anyhow::Error>(data["tickets"]["nodes"].as_array().map_or(0, Vec::len))
        }
    };
    assert_eq!(found("chaudiere").await?, 1);
    assert_eq!(found("jeudi").await?, 1);

    ticket::Entity::update_many()
        .col_expr(ticket::Column::Subject, Expr::value("Pompe bruyante"))
        .col_expr(
            ticket::Column::Description,
            Expr::value("Elle vibre la nuit"),
        )
        .filter(ticket::Column::Id.eq(ticket_id))
        .exec(db)
        .await?;
    message::Entity::update_many()
        .col_expr(
            message::Column::Body,
            Expr::value("Le technicien passe vendredi"),
        )
        .filter(message::Column::Id.eq(message_id))
        .exec(db)
        .await?;
    assert_eq!(found("chaudiere").await?, 0, "the old subject is gone");
    assert_eq!(found("pompe").await?, 1, "the new subject is found");
    assert_eq!(found("jeudi").await?, 0, "the old body is gone");
    assert_eq!(found("vendredi").await?, 1, "the new body is found");

    message::Entity::delete_by_id(message_id).exec(db).await?;
    assert_eq!(found("vendredi").await?, 0, "a deleted message is gone");
    if backend == Backend::Sqlite {
        for table in ["ticket_text", "message_text"] {
            db.execute_unprepared(&format!(
                "INSERT INTO {table} ({table}) VALUES ('integrity-check')"
            ))
            .await?;
        }
    }
    Ok(())
}

/// Assigning a ticket to a colleague tells them in their bell (in their language), never
/// the one who assigned it; taking a ticket oneself tells nobody.
async fn the_new_assignee_is_notified(backend: Backend) -> anyhow::Result<()> {
    const ASSIGN: &str =
        "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
    const BELL: &str = "{ notifications { kind title body ticketId } }";
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (agathe_id, agathe) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let (bruno_id, bruno) = tenant
        .user(&server, "bruno@atelier-dupont.test", "agent", None)
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière en panne")
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let bell = |token: &str| {
        let (server, token) = (&server, token.to_owned());
        async move {
            let data = server.ok(Some(&token), BELL, json!({})).await?;
            anyhow::Ok(
                data["notifications"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            )
        }
    };

    server
        .ok(admin, ASSIGN, json!({ "t": ticket["id"], "a": agathe_id }))
        .await?;
    let heard = bell(&agathe).await?;
    let assigned: Vec<&Value> = heard
        .iter()
        .filter(|n| n["kind"] == "ticket_assigned")
        .collect();
    assert_eq!(assigned.len(), 1, "{heard:?}");
    assert_eq!(
        assigned[0]["title"],
        format!(
            "{} vous est assigné par Admin Atelier Dupont",
            ticket["number"].as_str().unwrap_or_default()
        )
    );
    assert_eq!(assigned[0]["body"], "Chaudière en panne");
    assert_eq!(assigned[0]["ticketId"], ticket["id"]);
    assert!(bell(&tenant.admin_token)
        .await?
        .iter()
        .all(|n| n["kind"] != "ticket_assigned"));

    // Reassigned: the new assignee hears of it; the previous one hears nothing more.
    server
        .ok(admin, ASSIGN, json!({ "t": ticket["id"], "a": bruno_id }))
        .await?;
    let count = |list: &[Value]| {
        list.iter()
            .filter(|n| n["kind"] == "ticket_assigned")
            .count()
    };
    assert_eq!(count(&bell(&bruno).await?), 1);
    assert_eq!(count(&bell(&agathe).await?), 1);

    // Taking a ticket oneself tells nobody.
    let other = tenant.ticket(&server, &jean, "SUPPORT", "Facture").await?;
    server
        .ok(
            Some(&bruno),
            ASSIGN,
            json!({ "t": other["id"], "a": bruno_id }),
        )
        .await?;
    assert_eq!(count(&bell(&bruno).await?), 1);
    Ok(())
}

both_backends!(
    the_new_assignee_is_notified,
    search_follows_edited_texts,
    duplicates_merge_and_related_tickets_link,
    full_text_search_with_filters,
    new_tickets_go_to_the_least_loaded_available_agent,
    concurrent_creations_get_gapless_unique_numbers,
    history_records_every_move,
    only_the_customer_rates_a_resolved_ticket_once,
    agents_log_time_on_tickets,
    admins_edit_workflows_and_slas,
    deadlines_count_in_business_hours,
    agents_see_who_views_and_types,
    search_ignores_accents_and_case,
);

//! The ticket API as an external tool or the SPA uses it: authentication, creation with
//! numbering, listing with filters and cursors, the thread, workflow moves, assignment.

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;

const CREATE: &str = "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number status ticketType department { kind } responseDueAt resolutionDueAt } }";
const THREAD: &str = "query($id: ID!) { ticket(id: $id) { number status allowedTransitions messages { body internal authorKind authorName } messageCount } }";
const REPLY: &str = "mutation($input: ReplyInput!) { replyToTicket(input: $input) { id body internal authorKind } }";
const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status allowedTransitions } }";

async fn authentication_errors_have_stable_codes(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let wrong = server
        .error_code(None, "mutation { login(email: \"admin@atelier-dupont.test\", password: \"nope nope\") { token } }", json!({}))
        .await?;
    assert_eq!(wrong, "UNAUTHENTICATED");
    let unknown = server
        .error_code(
            None,
            "mutation { login(email: \"nobody@x.test\", password: \"whatever1\") { token } }",
            json!({}),
        )
        .await?;
    assert_eq!(unknown, "UNAUTHENTICATED");
    assert_eq!(
        server.error_code(None, "{ me { id } }", json!({})).await?,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        server
            .error_code(Some("garbage"), "{ me { id } }", json!({}))
            .await?,
        "UNAUTHENTICATED"
    );
    let me = server
        .ok(
            Some(&tenant.admin_token),
            "{ me { email role } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        me["me"],
        json!({ "email": "admin@atelier-dupont.test", "role": "ADMIN" })
    );
    // An expired session is refused once the clock passes its lifetime.
    server.clock.advance(chrono::Duration::hours(13));
    assert_eq!(
        server
            .error_code(Some(&tenant.admin_token), "{ me { id } }", json!({}))
            .await?,
        "UNAUTHENTICATED"
    );
    Ok(())
}

async fn tickets_are_numbered_per_type_and_routed(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let mut numbers = Vec::new();
    for (ticket_type, category, department) in [
        ("SUPPORT", "TECHNICAL", "TECHNICAL"),
        ("SUPPORT", "BILLING", "BILLING"),
        ("SALES", "QUOTE_REQUEST", "SALES"),
        ("INQUIRY", "INFORMATION", "SUPPORT"),
        ("SUPPORT", "OTHER", "SUPPORT"),
    ] {
        let data = server
            .ok(
                Some(&tenant.admin_token),
                CREATE,
                json!({ "input": { "ticketType": ticket_type, "category": category, "subject": "Sujet", "description": "Détails", "customerId": customer } }),
            )
            .await?;
        let created = &data["createTicket"];
        assert_eq!(created["status"], "NEW");
        assert_eq!(
            created["department"]["kind"], department,
            "{ticket_type}/{category}"
        );
        numbers.push(created["number"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(
        numbers,
        [
            "SUP-2026-00001",
            "SUP-2026-00002",
            "SAL-2026-00001",
            "INQ-2026-00001",
            "SUP-2026-00003"
        ]
    );
    // SLA deadlines follow the type's default policy: support 8 h / 72 h.
    let data = server
        .ok(Some(&tenant.admin_token), CREATE, json!({ "input": { "ticketType": "SALES", "subject": "S", "description": "D", "customerId": customer } }))
        .await?;
    assert_eq!(
        data["createTicket"]["responseDueAt"],
        "2026-03-02T13:00:00+00:00"
    );
    assert_eq!(
        data["createTicket"]["resolutionDueAt"],
        "2026-03-04T09:00:00+00:00"
    );
    Ok(())
}

async fn bad_input_is_refused_with_a_code(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let token = Some(tenant.admin_token.as_str());
    let empty = json!({ "input": { "ticketType": "SUPPORT", "subject": "  ", "description": "D", "customerId": customer } });
    assert_eq!(
        server.error_code(token, CREATE, empty).await?,
        "BAD_USER_INPUT"
    );
    let no_customer = json!({ "input": { "ticketType": "SUPPORT", "subject": "S", "description": "D", "customerId": "999999" } });
    assert_eq!(
        server.error_code(token, CREATE, no_customer).await?,
        "BAD_USER_INPUT"
    );
    let bad_id = json!({ "input": { "ticketType": "SUPPORT", "subject": "S", "description": "D", "customerId": "abc" } });
    assert_eq!(
        server.error_code(token, CREATE, bad_id).await?,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        server
            .error_code(token, "{ tickets(first: 101) { nodes { id } } }", json!({}))
            .await?,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        server
            .error_code(
                token,
                "{ tickets(after: \"nonsense\") { nodes { id } } }",
                json!({})
            )
            .await?,
        "BAD_USER_INPUT"
    );
    // Nothing was half-written: no ticket exists.
    let data = server
        .ok(token, "{ tickets { nodes { id } } }", json!({}))
        .await?;
    assert_eq!(data["tickets"]["nodes"], json!([]));
    Ok(())
}

async fn listing_filters_and_paginates(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    for i in 0..7 {
        let customer = if i % 2 == 0 { &jean } else { &marie };
        let ticket_type = if i < 5 { "SUPPORT" } else { "SALES" };
        tenant
            .ticket(&server, customer, ticket_type, &format!("Ticket {i}"))
            .await?;
    }
    let token = Some(tenant.admin_token.as_str());
    let query = "query($f: TicketFilter, $first: Int, $after: String) { tickets(filter: $f, first: $first, after: $after) { nodes { subject } pageInfo { hasNextPage endCursor } } }";
    let page1 = server.ok(token, query, json!({ "first": 3 })).await?;
    let subjects = |page: &serde_json::Value| -> Vec<String> {
        page["tickets"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n["subject"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(subjects(&page1), ["Ticket 6", "Ticket 5", "Ticket 4"]);
    assert_eq!(page1["tickets"]["pageInfo"]["hasNextPage"], true);
    let cursor = page1["tickets"]["pageInfo"]["endCursor"].clone();
    let page2 = server
        .ok(token, query, json!({ "first": 3, "after": cursor }))
        .await?;
    assert_eq!(subjects(&page2), ["Ticket 3", "Ticket 2", "Ticket 1"]);
    let cursor = page2["tickets"]["pageInfo"]["endCursor"].clone();
    let page3 = server
        .ok(token, query, json!({ "first": 3, "after": cursor }))
        .await?;
    assert_eq!(subjects(&page3), ["Ticket 0"]);
    assert_eq!(page3["tickets"]["pageInfo"]["hasNextPage"], false);

    let by_customer = server
        .ok(token, query, json!({ "f": { "customerId": marie } }))
        .await?;
    assert_eq!(subjects(&by_customer), ["Ticket 5", "Ticket 3", "Ticket 1"]);
    let by_type = server
        .ok(token, query, json!({ "f": { "ticketType": ["SALES"] } }))
        .await?;
    assert_eq!(subjects(&by_type), ["Ticket 6", "Ticket 5"]);
    let combined = server.ok(token, query, json!({ "f": { "ticketType": ["SUPPORT"], "customerId": jean, "status": ["NEW"], "priority": ["NORMAL"] } })).await?;
    assert_eq!(subjects(&combined), ["Ticket 4", "Ticket 2", "Ticket 0"]);
    let none = server
        .ok(token, query, json!({ "f": { "status": ["CLOSED"] } }))
        .await?;
    assert_eq!(subjects(&none), Vec::<String>::new());
    Ok(())
}

async fn thread_status_and_assignment(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (agent_id, agent) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let (_, customer) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Connexion impossible")
        .await?;
    let id = ticket["id"].clone();

    // Assignment: admins assign anyone, agents only themselves, never to a customer.
    let assign = "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { assignee { id displayName } } }";
    let data = server
        .ok(
            Some(&tenant.admin_token),
            assign,
            json!({ "t": id, "a": agent_id }),
        )
        .await?;
    assert_eq!(data["assignTicket"]["assignee"]["id"], agent_id.as_str());
    let admin_id = server
        .ok(Some(&tenant.admin_token), "{ me { id } }", json!({}))
        .await?["me"]["id"]
        .clone();
    assert_eq!(
        server
            .error_code(Some(&agent), assign, json!({ "t": id, "a": admin_id }))
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(Some(&customer), assign, json!({ "t": id, "a": agent_id }))
            .await?,
        "FORBIDDEN"
    );

    // The workflow: new → open is allowed, new → closed is not.
    assert_eq!(
        server
            .error_code(Some(&agent), MOVE, json!({ "id": id, "s": "CLOSED" }))
            .await?,
        "BAD_USER_INPUT"
    );
    let moved = server
        .ok(Some(&agent), MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    assert_eq!(moved["changeTicketStatus"]["status"], "OPEN");
    assert_eq!(
        moved["changeTicketStatus"]["allowedTransitions"],
        json!(["RESOLVED", "CANCELLED", "PENDING"])
    );
    assert_eq!(
        server
            .error_code(Some(&customer), MOVE, json!({ "id": id, "s": "RESOLVED" }))
            .await?,
        "FORBIDDEN"
    );

    // The thread: both sides reply; internal notes stay among staff.
    server.clock.advance(chrono::Duration::minutes(5));
    server
        .ok(
            Some(&customer),
            REPLY,
            json!({ "input": { "ticketId": id, "body": "Toujours bloqué." } }),
        )
        .await?;
    server.clock.advance(chrono::Duration::minutes(5));
    server
        .ok(
            Some(&agent),
            REPLY,
            json!({ "input": { "ticketId": id, "body": "Client à rappeler", "internal": true } }),
        )
        .await?;
    server.clock.advance(chrono::Duration::minutes(5));
    let reply = server
        .ok(
            Some(&agent),
            REPLY,
            json!({ "input": { "ticketId": id, "body": "Accès réinitialisé." } }),
        )
        .await?;
    assert_eq!(reply["replyToTicket"]["authorKind"], "AGENT");
    assert_eq!(
        server
            .error_code(
                Some(&customer),
                REPLY,
                json!({ "input": { "ticketId": id, "body": "x", "internal": true } })
            )
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(
                Some(&agent),
                REPLY,
                json!({ "input": { "ticketId": id, "body": "" } })
            )
            .await?,
        "BAD_USER_INPUT"
    );

    let staff_view = server.ok(Some(&agent), THREAD, json!({ "id": id })).await?;
    let bodies: Vec<_> = staff_view["ticket"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(
        bodies,
        [
            json!("Toujours bloqué."),
            json!("Client à rappeler"),
            json!("Accès réinitialisé.")
        ]
    );
    assert_eq!(staff_view["ticket"]["messageCount"], 3);
    assert_eq!(
        staff_view["ticket"]["messages"][0]["authorName"],
        "Jean Dupont"
    );
    assert_eq!(
        staff_view["ticket"]["messages"][0]["authorKind"],
        "CUSTOMER"
    );

    let customer_view = server
        .ok(Some(&customer), THREAD, json!({ "id": id }))
        .await?;
    let bodies: Vec<_> = customer_view["ticket"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(
        bodies,
        [json!("Toujours bloqué."), json!("Accès réinitialisé.")]
    );
    assert_eq!(customer_view["ticket"]["messageCount"], 2);

    // First response is the first public agent reply, not the internal note.
    let first = server
        .ok(
            Some(&agent),
            "query($id: ID!) { ticket(id: $id) { firstResponseAt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        first["ticket"]["firstResponseAt"],
        "2026-03-02T09:15:00+00:00"
    );

    // Resolve, close, reopen.
    for status in ["RESOLVED", "CLOSED", "OPEN"] {
        let moved = server
            .ok(Some(&agent), MOVE, json!({ "id": id, "s": status }))
            .await?;
        assert_eq!(moved["changeTicketStatus"]["status"], status);
    }
    Ok(())
}

async fn customers_see_only_their_own_tickets(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    let (_, jean_token) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let mine = tenant.ticket(&server, &jean, "SUPPORT", "Le mien").await?;
    let theirs = tenant
        .ticket(&server, &marie, "SUPPORT", "Pas le mien")
        .await?;
    let list = server
        .ok(Some(&jean_token), "{ tickets { nodes { id } } }", json!({}))
        .await?;
    assert_eq!(list["tickets"]["nodes"], json!([{ "id": mine["id"] }]));
    let other = server
        .ok(
            Some(&jean_token),
            "query($id: ID!) { ticket(id: $id) { id } }",
            json!({ "id": theirs["id"] }),
        )
        .await?;
    assert_eq!(other["ticket"], json!(null));
    let code = server
        .error_code(
            Some(&jean_token),
            REPLY,
            json!({ "input": { "ticketId": theirs["id"], "body": "x" } }),
        )
        .await?;
    assert_eq!(code, "NOT_FOUND");
    // A customer opens a ticket for themselves only.
    let own = server
        .ok(Some(&jean_token), CREATE, json!({ "input": { "ticketType": "INQUIRY", "subject": "Question", "description": "?" } }))
        .await?;
    assert_eq!(own["createTicket"]["number"], "INQ-2026-00001");
    let code = server
        .error_code(Some(&jean_token), CREATE, json!({ "input": { "ticketType": "INQUIRY", "subject": "Q", "description": "?", "customerId": marie } }))
        .await?;
    assert_eq!(code, "FORBIDDEN");
    Ok(())
}

async fn api_tokens_are_scoped_and_revocable(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    tenant
        .ticket(&server, &jean, "SUPPORT", "Vu par l'outil")
        .await?;
    let create = "mutation($n: String!, $s: [String!]!) { createApiToken(input: { name: $n, scopes: $s }) { token apiToken { id prefix scopes } } }";
    let admin = Some(tenant.admin_token.as_str());
    let reader = server
        .ok(
            admin,
            create,
            json!({ "n": "Tableau de bord", "s": ["read"] }),
        )
        .await?;
    let reader_token = reader["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reader_token.starts_with("gch_"));
    assert!(reader_token.starts_with(
        reader["createApiToken"]["apiToken"]["prefix"]
            .as_str()
            .unwrap_or("?")
    ));
    assert_eq!(
        server
            .error_code(admin, create, json!({ "n": "x", "s": ["everything"] }))
            .await?,
        "BAD_USER_INPUT"
    );

    let list = server
        .ok(
            Some(&reader_token),
            "{ tickets { nodes { subject } } }",
            json!({}),
        )
        .await?;
    assert_eq!(list["tickets"]["nodes"][0]["subject"], "Vu par l'outil");
    let code = server
        .error_code(
            Some(&reader_token),
            CREATE,
            json!({ "input": { "ticketType": "SUPPORT", "subject": "S", "description": "D", "customerId": jean } }),
        )
        .await?;
    assert_eq!(code, "FORBIDDEN", "a read-only token cannot write");

    // Agents cannot manage tokens; the token list never shows secrets.
    let (_, agent) = tenant
        .user(&server, "agent@atelier-dupont.test", "agent", None)
        .await?;
    assert_eq!(
        server
            .error_code(Some(&agent), "{ apiTokens { id } }", json!({}))
            .await?,
        "FORBIDDEN"
    );
    let tokens = server
        .ok(
            admin,
            "{ apiTokens { name scopes revokedAt lastUsedAt } }",
            json!({}),
        )
        .await?;
    assert_eq!(tokens["apiTokens"][0]["name"], "Tableau de bord");
    assert!(
        tokens["apiTokens"][0]["lastUsedAt"].is_string(),
        "use is recorded"
    );

    let id = reader["createApiToken"]["apiToken"]["id"].clone();
    server
        .ok(
            admin,
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        server
            .error_code(
                Some(&reader_token),
                "{ tickets { nodes { id } } }",
                json!({})
            )
            .await?,
        "UNAUTHENTICATED"
    );

    // A token may carry an expiry, which must lie ahead; past it, the token ends by itself.
    let expiring = "mutation($at: DateTime!) { createApiToken(input: { name: \"Export\", scopes: [\"read\"], expiresAt: $at }) { token apiToken { expiresAt } } }";
    let past = (server.clock_now() - chrono::Duration::hours(1)).to_rfc3339();
    assert_eq!(
        server
            .error_code(admin, expiring, json!({ "at": past }))
            .await?,
        "BAD_USER_INPUT"
    );
    let soon = server.clock_now() + chrono::Duration::days(2);
    let created = server
        .ok(admin, expiring, json!({ "at": soon.to_rfc3339() }))
        .await?;
    let shown = created["createApiToken"]["apiToken"]["expiresAt"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(shown)?.timestamp(),
        soon.timestamp()
    );
    let export = created["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let whoami = "{ me { email } }";
    server.ok(Some(&export), whoami, json!({})).await?;
    server.clock.advance(chrono::Duration::days(3));
    assert_eq!(
        server.error_code(Some(&export), whoami, json!({})).await?,
        "UNAUTHENTICATED",
        "an expired token is refused"
    );
    Ok(())
}

async fn query_limits_hold(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    // Too deep: rejected before execution.
    let too_deep = format!(
        "{{ tickets {{ nodes {{ {} id {} }} }} }}",
        "mergedInto { ".repeat(12),
        "} ".repeat(12)
    );
    let body = server
        .graphql(Some(&tenant.admin_token), &too_deep, json!({}))
        .await?;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("deep"),
        "{body}"
    );
    // Too large a body: refused by the HTTP layer from its announced length, before it is
    // read (so the test sends only the headers and reads the answer).
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.base_url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await?;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        13 * 1024 * 1024
    );
    socket.write_all(head.as_bytes()).await?;
    let mut answer = vec![0u8; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
        .await??;
    let status_line = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
    Ok(())
}

/// Agents take unassigned tickets and let their own go, never a colleague's; customers
/// do not set their own priority or channel.
async fn assignment_and_triage_belong_to_staff(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (agathe, agathe_token) = tenant
        .user(&server, "agathe@alpha.test", "agent", None)
        .await?;
    let (bruno, bruno_token) = tenant
        .user(&server, "bruno@alpha.test", "agent", None)
        .await?;
    let (_, customer_token) = tenant
        .user(&server, "jean@alpha.test", "customer", Some(&jean))
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière")
        .await?;
    let assign = "mutation($id: ID!, $a: ID) { assignTicket(ticketId: $id, assigneeId: $a) { assignee { email } } }";
    let id = ticket["id"].clone();
    server
        .ok(
            Some(&agathe_token),
            assign,
            json!({ "id": id, "a": agathe }),
        )
        .await?;
    for (whom, what) in [(json!(null), "unassign"), (json!(bruno), "take")] {
        assert_eq!(
            server
                .error_code(Some(&bruno_token), assign, json!({ "id": id, "a": whom }))
                .await?,
            "FORBIDDEN",
            "an agent may not {what} a colleague's ticket"
        );
    }
    let released = server
        .ok(Some(&agathe_token), assign, json!({ "id": id, "a": null }))
        .await?;
    assert_eq!(released["assignTicket"]["assignee"], json!(null));
    let taken = server
        .ok(Some(&bruno_token), assign, json!({ "id": id, "a": bruno }))
        .await?;
    assert_eq!(
        taken["assignTicket"]["assignee"]["email"],
        "bruno@alpha.test"
    );
    // A manager reassigns anyone.
    let moved = server
        .ok(
            Some(&tenant.admin_token),
            assign,
            json!({ "id": id, "a": agathe }),
        )
        .await?;
    assert_eq!(
        moved["assignTicket"]["assignee"]["email"],
        "agathe@alpha.test"
    );

    let created = server
        .ok(
            Some(&customer_token),
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { priority channel } }",
            json!({ "input": { "ticketType": "SUPPORT", "subject": "Urgent !", "description": "d", "priority": "URGENT", "channel": "PHONE" } }),
        )
        .await?;
    assert_eq!(
        created["createTicket"],
        json!({ "priority": "NORMAL", "channel": "WEB" })
    );
    Ok(())
}

both_backends!(
    assignment_and_triage_belong_to_staff,
    authentication_errors_have_stable_codes,
    tickets_are_numbered_per_type_and_routed,
    bad_input_is_refused_with_a_code,
    listing_filters_and_paginates,
    thread_status_and_assignment,
    customers_see_only_their_own_tickets,
    api_tokens_are_scoped_and_revocable,
    query_limits_hold,
);

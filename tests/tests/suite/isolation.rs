//! Tenant isolation is a security boundary: neither queries, mutations nor subscriptions
//! of one tenant reach another's rows.

use std::time::Duration;

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;

const EVENTS: &str =
    "subscription { ticketEvents { kind ticket { number subject } message { body } } }";

async fn tenants_never_see_each_other(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let alpha = server.tenant("Alpha").await?;
    let beta = server.tenant("Beta").await?;
    let alpha_customer = alpha.customer(&server, "Jean", "Dupont").await?;
    let beta_customer = beta.customer(&server, "Marie", "Martin").await?;
    let alpha_ticket = alpha
        .ticket(&server, &alpha_customer, "SUPPORT", "Secret d'Alpha")
        .await?;
    let beta_ticket = beta
        .ticket(&server, &beta_customer, "SUPPORT", "Secret de Beta")
        .await?;
    // Numbering is per tenant: both start at 1.
    assert_eq!(alpha_ticket["number"], "SUP-2026-00001");
    assert_eq!(beta_ticket["number"], "SUP-2026-00001");

    let beta_token = Some(beta.admin_token.as_str());
    let list = server
        .ok(beta_token, "{ tickets { nodes { subject } } }", json!({}))
        .await?;
    assert_eq!(
        list["tickets"]["nodes"],
        json!([{ "subject": "Secret de Beta" }])
    );
    let by_id = server
        .ok(
            beta_token,
            "query($id: ID!) { ticket(id: $id) { subject } }",
            json!({ "id": alpha_ticket["id"] }),
        )
        .await?;
    assert_eq!(by_id["ticket"], json!(null));
    let filtered = server
        .ok(
            beta_token,
            "query($c: ID) { tickets(filter: { customerId: $c }) { nodes { subject } } }",
            json!({ "c": alpha_customer }),
        )
        .await?;
    assert_eq!(filtered["tickets"]["nodes"], json!([]));
    let customers = server
        .ok(beta_token, "{ customers { displayName } }", json!({}))
        .await?;
    assert_eq!(
        customers["customers"],
        json!([{ "displayName": "Marie Martin" }])
    );
    let agents = server
        .ok(beta_token, "{ agents { email } }", json!({}))
        .await?;
    assert_eq!(agents["agents"], json!([{ "email": "admin@beta.test" }]));

    // Mutations on the other tenant's rows fail as if the rows did not exist.
    let reply = "mutation($id: ID!) { replyToTicket(input: { ticketId: $id, body: \"intrusion\" }) { id } }";
    assert_eq!(
        server
            .error_code(beta_token, reply, json!({ "id": alpha_ticket["id"] }))
            .await?,
        "NOT_FOUND"
    );
    let status = "mutation($id: ID!) { changeTicketStatus(ticketId: $id, status: OPEN) { id } }";
    assert_eq!(
        server
            .error_code(beta_token, status, json!({ "id": alpha_ticket["id"] }))
            .await?,
        "NOT_FOUND"
    );
    let create = "mutation($c: ID!) { createTicket(input: { ticketType: SUPPORT, subject: \"x\", description: \"y\", customerId: $c }) { id } }";
    assert_eq!(
        server
            .error_code(beta_token, create, json!({ "c": alpha_customer }))
            .await?,
        "BAD_USER_INPUT"
    );
    let me = server.ok(beta_token, "{ me { id } }", json!({})).await?;
    let assign = "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
    assert_eq!(
        server
            .error_code(
                beta_token,
                assign,
                json!({ "t": alpha_ticket["id"], "a": me["me"]["id"] })
            )
            .await?,
        "NOT_FOUND"
    );
    let alpha_me = server
        .ok(Some(&alpha.admin_token), "{ me { id } }", json!({}))
        .await?;
    assert_eq!(
        server
            .error_code(
                beta_token,
                assign,
                json!({ "t": beta_ticket["id"], "a": alpha_me["me"]["id"] })
            )
            .await?,
        "BAD_USER_INPUT",
        "another tenant's user cannot be assignee"
    );
    // The tenant comes from the token: the same e-mail in two tenants needs the tenant named.
    Ok(())
}

async fn subscriptions_only_carry_the_callers_tenant(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let alpha = server.tenant("Alpha").await?;
    let beta = server.tenant("Beta").await?;
    let alpha_customer = alpha.customer(&server, "Jean", "Dupont").await?;
    let beta_customer = beta.customer(&server, "Marie", "Martin").await?;
    let mut alpha_feed = server
        .subscribe(Some(&alpha.admin_token), EVENTS, json!({}))
        .await?;
    let mut beta_feed = server
        .subscribe(Some(&beta.admin_token), EVENTS, json!({}))
        .await?;

    alpha
        .ticket(&server, &alpha_customer, "SUPPORT", "Pour Alpha")
        .await?;
    let event = alpha_feed
        .next_within(Duration::from_secs(10))
        .await?
        .expect("alpha sees its ticket");
    assert_eq!(event["data"]["ticketEvents"]["kind"], "CREATED");
    assert_eq!(
        event["data"]["ticketEvents"]["ticket"]["subject"],
        "Pour Alpha"
    );
    assert_eq!(
        beta_feed.next_within(Duration::from_millis(800)).await?,
        None,
        "beta sees nothing of alpha"
    );

    let beta_ticket = beta
        .ticket(&server, &beta_customer, "SALES", "Pour Beta")
        .await?;
    let event = beta_feed
        .next_within(Duration::from_secs(10))
        .await?
        .expect("beta sees its ticket");
    assert_eq!(
        event["data"]["ticketEvents"]["ticket"]["subject"],
        "Pour Beta"
    );
    assert_eq!(
        alpha_feed.next_within(Duration::from_millis(800)).await?,
        None,
        "alpha sees nothing of beta"
    );

    // A message added is pushed with its body, to its tenant only.
    server
        .ok(
            Some(&beta.admin_token),
            "mutation($id: ID!) { replyToTicket(input: { ticketId: $id, body: \"Bonjour\" }) { id } }",
            json!({ "id": beta_ticket["id"] }),
        )
        .await?;
    let event = beta_feed
        .next_within(Duration::from_secs(10))
        .await?
        .expect("beta sees the reply");
    assert_eq!(event["data"]["ticketEvents"]["kind"], "MESSAGE_ADDED");
    assert_eq!(event["data"]["ticketEvents"]["message"]["body"], "Bonjour");
    assert_eq!(
        alpha_feed.next_within(Duration::from_millis(500)).await?,
        None
    );
    Ok(())
}

async fn subscriptions_need_credentials_and_hide_internal_notes(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    let (_, jean_token) = tenant
        .user(&server, "jean@alpha.test", "customer", Some(&jean))
        .await?;

    let mut anonymous = server.subscribe(None, EVENTS, json!({})).await?;
    let refused = anonymous
        .next_within(Duration::from_secs(5))
        .await?
        .expect("an error");
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );

    let mut jean_feed = server
        .subscribe(Some(&jean_token), EVENTS, json!({}))
        .await?;
    tenant
        .ticket(&server, &marie, "SUPPORT", "Ticket de Marie")
        .await?;
    assert_eq!(
        jean_feed.next_within(Duration::from_millis(800)).await?,
        None,
        "not Jean's ticket"
    );
    let own = tenant
        .ticket(&server, &jean, "SUPPORT", "Ticket de Jean")
        .await?;
    let event = jean_feed
        .next_within(Duration::from_secs(10))
        .await?
        .expect("Jean sees his ticket");
    assert_eq!(
        event["data"]["ticketEvents"]["ticket"]["subject"],
        "Ticket de Jean"
    );
    let note = "mutation($id: ID!) { replyToTicket(input: { ticketId: $id, body: \"interne\", internal: true }) { id } }";
    server
        .ok(Some(&tenant.admin_token), note, json!({ "id": own["id"] }))
        .await?;
    assert_eq!(
        jean_feed.next_within(Duration::from_millis(800)).await?,
        None,
        "internal notes are not pushed to customers"
    );
    Ok(())
}

/// The full-text index itself is bounded by tenant: a search reads only the caller's
/// tenant's entries (FTS5 matches the tenant column with the words; PostgreSQL's vectors
/// carry a tenant lexeme the search asks for), rather than every tenant's matches filtered
/// afterwards.
async fn the_search_index_is_bounded_by_tenant(backend: Backend) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

    let server = TestServer::start(backend).await?;
    let alpha = server.tenant("Alpha").await?;
    let beta = server.tenant("Beta").await?;
    let a = alpha.customer(&server, "Jean", "Dupont").await?;
    let b = beta.customer(&server, "Marie", "Martin").await?;
    alpha
        .ticket(&server, &a, "SUPPORT", "Chaudière en panne")
        .await?;
    beta.ticket(&server, &b, "SUPPORT", "Chaudière qui fuit")
        .await?;
    let found = server
        .ok(
            Some(&alpha.admin_token),
            "{ tickets(filter: { search: \"chaudiere\" }) { nodes { subject } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        found["tickets"]["nodes"].as_array().map(Vec::len),
        Some(1),
        "{found}"
    );
    let db = &server.state.services.db;
    match backend {
        Backend::Sqlite => {
            let query = format!(
                "SELECT count(*) AS n FROM ticket_text WHERE ticket_text MATCH 'tenant_id : \"{}\" AND {{subject description}} : (\"chaudiere\"*)'",
                alpha.id
            );
            let row = db
                .query_one(Statement::from_string(db.get_database_backend(), query))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no row"))?;
            assert_eq!(
                row.try_get::<i64>("", "n")?,
                1,
                "the index yields Alpha's row only"
            );
        }
        Backend::Postgres => {
            // Both GIN indexes hold the tenant lexeme, and the search's condition is the
            // indexed expression, so the index is searched with the tenant. (With a handful
            // of rows the planner prefers the tenant's primary-key range; without it, it must
            // take the GIN index, and the plan shows the tenant in the index condition.)
            let rows = db
                .query_all(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT indexname, indexdef FROM pg_indexes \
                     WHERE indexname IN ('idx_tickets_search', 'idx_messages_search') \
                     ORDER BY indexname",
                ))
                .await?;
            let definitions: Vec<String> = rows
                .iter()
                .filter_map(|row| row.try_get::<String>("", "indexdef").ok())
                .collect();
            assert_eq!(definitions.len(), 2, "{definitions:?}");
            for definition in &definitions {
                assert!(
                    definition.contains("USING gin (to_tsvector('simple'::regconfig, ")
                        && definition.contains("('guichettenant'::text || (tenant_id)::text)"),
                    "{definition}"
                );
            }
            let txn = db.begin().await?;
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await?;
            let plan = txn
                .query_all(Statement::from_string(
                    db.get_database_backend(),
                    format!(
                        "EXPLAIN SELECT t.id FROM tickets t WHERE to_tsvector('simple', 'guichettenant' || t.tenant_id::text || ' ' || guichet_fold(t.subject || ' ' || t.description)) \
                         @@ to_tsquery('simple', guichet_fold('guichettenant{id} & chaudiere:*'))",
                        id = alpha.id
                    ),
                ))
                .await?
                .iter()
                .filter_map(|row| row.try_get::<String>("", "QUERY PLAN").ok())
                .collect::<Vec<_>>()
                .join("\n");
            txn.rollback().await?;
            assert!(
                plan.contains("idx_tickets_search")
                    && plan.contains(&format!("guichettenant{}", alpha.id)),
                "the GIN index is searched with the tenant:\n{plan}"
            );
        }
    }
    Ok(())
}

/// The rule of who sees which ticket and message has two forms, SQL for queries and
/// in memory for live events loaded once for every subscriber: they must agree for every
/// kind of caller on every row.
async fn the_in_memory_visibility_rules_agree_with_the_queries(
    backend: Backend,
) -> anyhow::Result<()> {
    use entity::enums::Role;
    use sea_orm::{EntityTrait, QueryFilter};
    use server::domain::scope;
    use server::domain::{Actor, AuthMethod};

    let server = TestServer::start(backend).await?;
    let a = server.tenant("Atelier Dupont").await?;
    let b = server.tenant("Garage Martin").await?;
    let jean = a.customer(&server, "Jean", "Dupont").await?;
    let anne = a.customer(&server, "Anne", "Petit").await?;
    let luc = b.customer(&server, "Luc", "Martin").await?;
    for (tenant, customer) in [(&a, &jean), (&a, &anne), (&b, &luc)] {
        let ticket = tenant.ticket(&server, customer, "SUPPORT", "Fuite").await?;
        for internal in [false, true] {
            server
                .ok(
                    Some(&tenant.admin_token),
                    "mutation($t: ID!, $i: Boolean) { replyToTicket(input: { ticketId: $t, body: \"Vu\", internal: $i }) { id } }",
                    json!({ "t": ticket["id"], "i": internal }),
                )
                .await?;
        }
    }
    let actor = |tenant_id: i64, role: Role, customer_id: Option<&String>| Actor {
        tenant_id,
        user_id: 1,
        role,
        customer_id: customer_id.and_then(|c| c.parse().ok()),
        method: AuthMethod::Internal,
        scopes: Vec::new(),
    };
    let actors = [
        actor(a.id, Role::Agent, None),
        actor(a.id, Role::Admin, None),
        actor(a.id, Role::Customer, Some(&jean)),
        actor(a.id, Role::Customer, Some(&anne)),
        actor(a.id, Role::Customer, None),
        actor(b.id, Role::Manager, None),
        actor(b.id, Role::Customer, Some(&luc)),
    ];
    let db = &server.state.services.db;
    let tickets = entity::ticket::Entity::find().all(db).await?;
    let messages = entity::message::Entity::find().all(db).await?;
    assert!(tickets.len() == 3 && messages.len() >= 6);
    for who in &actors {
        let mut by_query: Vec<i64> = entity::ticket::Entity::find()
            .filter(scope::visible_tickets(who))
            .all(db)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let mut in_memory: Vec<i64> = tickets
            .iter()
            .filter(|t| scope::may_see_ticket(who, t))
            .map(|t| t.id)
            .collect();
        by_query.sort_unstable();
        in_memory.sort_unstable();
        assert_eq!(by_query, in_memory, "tickets, {who:?}");
        let mut by_query: Vec<i64> = entity::message::Entity::find()
            .filter(scope::visible_messages(who))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut in_memory: Vec<i64> = messages
            .iter()
            .filter(|m| scope::may_read_message(who, m))
            .map(|m| m.id)
            .collect();
        by_query.sort_unstable();
        in_memory.sort_unstable();
        assert_eq!(by_query, in_memory, "messages, {who:?}");
    }
    Ok(())
}

both_backends!(
    the_in_memory_visibility_rules_agree_with_the_queries,
    the_search_index_is_bounded_by_tenant,
    tenants_never_see_each_other,
    subscriptions_only_carry_the_callers_tenant,
    subscriptions_need_credentials_and_hide_internal_notes,
);

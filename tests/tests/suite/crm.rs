//! The CRM and sales over the GraphQL API, as an external tool drives it: customers with
//! notes, activities and tags, seed 002's example queries, inbound contacts that never
//! create the same person twice, leads, the pipeline, conversions, meetings and their
//! iCalendar export, live events, and the refusals.

use std::time::Duration;

use guichet_tests::chrono::Duration as ChronoDuration;
use guichet_tests::{both_backends, Backend, TenantFixture, TestServer};
use serde_json::{json, Value};

const CREATE_CUSTOMER: &str = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id firstName lastName phone email country currency segment totalOrders totalRevenue tags metadata } }";
const CREATE_LEAD: &str = "mutation($input: CreateLeadInput!) { createLead(input: $input) { id status stage opportunityValue weightedValue conversionProbability currency } }";
const PIPELINE: &str = "{ pipeline { stage count totalValue weightedValue } }";
const INBOUND: &str = "mutation($input: InboundContactInput!) { recordInboundContact(input: $input) { created customer { id phone email segment tags preferredChannel activitiesCount } } }";

async fn create_customer(
    server: &TestServer,
    tenant: &TenantFixture,
    input: Value,
) -> anyhow::Result<Value> {
    let data = server
        .ok(
            Some(&tenant.admin_token),
            CREATE_CUSTOMER,
            json!({ "input": input }),
        )
        .await?;
    Ok(data["createCustomer"].clone())
}

async fn create_lead(
    server: &TestServer,
    tenant: &TenantFixture,
    input: Value,
) -> anyhow::Result<Value> {
    let data = server
        .ok(
            Some(&tenant.admin_token),
            CREATE_LEAD,
            json!({ "input": input }),
        )
        .await?;
    Ok(data["createLead"].clone())
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["lastName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn customers_notes_activities_and_tags(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Coccinelle").await?;
    let token = Some(tenant.admin_token.as_str());

    let sophie = create_customer(
        &server,
        &tenant,
        json!({
            "firstName": "Sophie", "lastName": "Martin", "email": "Sophie@Example.com",
            "phone": "06 12 34 56 78", "tags": ["premier contact", "sms"],
            "metadata": { "source": "salon" }
        }),
    )
    .await?;
    assert_eq!(sophie["phone"], "+33612345678");
    assert_eq!(sophie["email"], "sophie@example.com");
    assert_eq!(sophie["country"], "FR");
    assert_eq!(sophie["currency"], "EUR");
    assert_eq!(sophie["segment"], "PROSPECT");
    assert_eq!(sophie["totalRevenue"], "0");
    assert_eq!(sophie["tags"], json!(["premier-contact", "sms"]));
    assert_eq!(sophie["metadata"], json!({ "source": "salon" }));
    let id = sophie["id"].clone();

    // The same number written differently is the same person.
    let body = server
        .graphql(
            token,
            CREATE_CUSTOMER,
            json!({ "input": { "firstName": "S", "lastName": "M", "phone": "+33 6 12 34 56 78" } }),
        )
        .await?;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );

    let updated = server
        .ok(
            token,
            "mutation($id: ID!) { updateCustomer(id: $id, input: { city: \"Lyon\", postalCode: \"69001\", segment: CLIENT, preferredChannel: SMS, company: null }) { city postalCode segment preferredChannel company } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        updated["updateCustomer"],
        json!({ "city": "Lyon", "postalCode": "69001", "segment": "CLIENT", "preferredChannel": "SMS", "company": null })
    );

    server
        .ok(
            token,
            "mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"Intéressée par un T3 Paris 15e\") { id content author { email } } }",
            json!({ "id": id }),
        )
        .await?;
    server
        .ok(
            token,
            "mutation($id: ID!) { logCustomerActivity(input: { customerId: $id, kind: CALL, channel: PHONE, description: \"Rappel\" }) { kind channel } }",
            json!({ "id": id }),
        )
        .await?;
    let tags = server
        .ok(
            token,
            "mutation($id: ID!) { addCustomerTags(customerId: $id, tags: [\"vip-potentiel\", \"sms\"]) }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        tags["addCustomerTags"],
        json!(["premier-contact", "sms", "vip-potentiel"])
    );
    let tags = server
        .ok(
            token,
            "mutation($id: ID!) { removeCustomerTag(customerId: $id, tag: \"sms\") }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        tags["removeCustomerTag"],
        json!(["premier-contact", "vip-potentiel"])
    );

    let card = server
        .ok(
            token,
            "query($id: ID!) { customer(id: $id) { notesCount activitiesCount tags lastContactAt notes { content author { email } } } }",
            json!({ "id": id }),
        )
        .await?;
    let card = &card["customer"];
    assert_eq!(card["notesCount"], 1);
    assert_eq!(card["activitiesCount"], 1);
    assert_eq!(card["notes"][0]["author"]["email"], tenant.admin_email);
    assert!(card["lastContactAt"].is_string());

    // Refusals: bad input, and customers see nothing of the CRM.
    for (input, field) in [
        (
            json!({ "firstName": "A", "lastName": "B", "phone": "12" }),
            "phone",
        ),
        (
            json!({ "firstName": "A", "lastName": "B", "country": "France" }),
            "country",
        ),
        (
            json!({ "firstName": "A", "lastName": "B", "email": "pas-un-email" }),
            "email",
        ),
        (json!({ "firstName": " ", "lastName": "" }), "lastName"),
    ] {
        let body = server
            .graphql(token, CREATE_CUSTOMER, json!({ "input": input }))
            .await?;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let (_, customer_token) = tenant
        .user(&server, "sophie@portal.test", "customer", id.as_str())
        .await?;
    let customer_token = Some(customer_token.as_str());
    for (query, variables) in [
        (
            "query($id: ID!) { customer(id: $id) { id } }",
            json!({ "id": id }),
        ),
        ("{ customers { id } }", json!({})),
        ("{ leads { id } }", json!({})),
        ("{ pipeline { count } }", json!({})),
        (
            "mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"x\") { id } }",
            json!({ "id": id }),
        ),
    ] {
        assert_eq!(
            server.error_code(customer_token, query, variables).await?,
            "FORBIDDEN",
            "{query}"
        );
    }

    // Archiving hides the customer from the list, unless asked.
    server
        .ok(
            token,
            "mutation($id: ID!) { archiveCustomer(id: $id) { status archivedAt } }",
            json!({ "id": id }),
        )
        .await?;
    let list = server.ok(token, "{ customers { id } }", json!({})).await?;
    assert_eq!(list["customers"], json!([]));
    let list = server
        .ok(
            token,
            "{ customers(filter: { includeArchived: true }) { status } }",
            json!({}),
        )
        .await?;
    assert_eq!(list["customers"], json!([{ "status": "ARCHIVED" }]));
    Ok(())
}

const LIST_WITH_AGGREGATES: &str =
    "{ customers(first: 100) { lastName notesCount activitiesCount tags } }";

async fn aggregates_do_not_grow_with_customers(backend: Backend) -> anyhow::Result<()> {
    let mut counts = Vec::new();
    for n in [3_usize, 30] {
        let server = TestServer::start(backend).await?;
        let tenant = server.tenant(&format!("T{n}")).await?;
        for i in 0..n {
            let c = create_customer(
                &server,
                &tenant,
                json!({ "firstName": "Client", "lastName": format!("N{i:03}"), "tags": ["a", "b"] }),
            )
            .await?;
            server
                .ok(
                    Some(&tenant.admin_token),
                    "mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"note\") { id } }",
                    json!({ "id": c["id"] }),
                )
                .await?;
        }
        let before = server.statement_count();
        let data = server
            .ok(Some(&tenant.admin_token), LIST_WITH_AGGREGATES, json!({}))
            .await?;
        counts.push(server.statement_count() - before);
        let list = data["customers"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), n);
        assert!(list
            .iter()
            .all(|c| c["notesCount"] == 1 && c["tags"] == json!(["a", "b"])));
    }
    assert_eq!(counts[0], counts[1], "statements for 3 vs 30 customers");
    Ok(())
}

/// Seed 002's "Exemples de requêtes", through the API.
async fn seed_example_queries(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Exemples").await?;
    let token = Some(tenant.admin_token.as_str());
    let order = "mutation($id: ID!, $a: Decimal!) { recordCustomerOrder(customerId: $id, amount: $a) { totalOrders totalRevenue segment } }";
    // name, segment, orders, amount per order
    let people = [
        ("Alpha", "VIP", 6, "100.10"),
        ("Bravo", "VIP", 7, "250.25"),
        ("Charlie", "VIP", 3, "1000"),
        ("Delta", "CLIENT", 9, "500"),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, segment, orders, amount) in people {
        let c = create_customer(
            &server,
            &tenant,
            json!({ "firstName": "Client", "lastName": name, "segment": segment }),
        )
        .await?;
        for _ in 0..orders {
            server
                .ok(token, order, json!({ "id": c["id"], "a": amount }))
                .await?;
        }
        ids.insert(name, c["id"].clone());
    }
    // 1. VIP customers with more than 5 orders, by revenue.
    let vip = server
        .ok(
            token,
            "{ customers(filter: { segment: [VIP], minOrders: 5 }, orderBy: REVENUE_DESC) { lastName totalOrders totalRevenue } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        vip["customers"],
        json!([
            { "lastName": "Bravo", "totalOrders": 7, "totalRevenue": "1751.75" },
            { "lastName": "Alpha", "totalOrders": 6, "totalRevenue": "600.6" },
        ])
    );

    // 2. Activity of the last month, most interactions first. Orders were activities "now";
    // move 40 days on and log fresh ones.
    server.clock.advance(ChronoDuration::days(40));
    // Sessions do not last 40 days: sign in again.
    let fresh = server.login(&tenant.admin_email, &tenant.password).await?;
    let token = Some(fresh.as_str());
    let call = "mutation($id: ID!) { logCustomerActivity(input: { customerId: $id, kind: CALL, channel: PHONE }) { id } }";
    for (name, times) in [("Charlie", 1), ("Delta", 3)] {
        for _ in 0..times {
            server.ok(token, call, json!({ "id": ids[name] })).await?;
        }
    }
    let recent = server
        .ok(
            token,
            "{ customers(filter: { activeWithinDays: 30 }, orderBy: ACTIVITIES_DESC) { lastName } }",
            json!({}),
        )
        .await?;
    assert_eq!(super_ids(&recent["customers"]), ["Delta", "Charlie"]);

    // 3. No contact for 30 days (or never), newest first (same instant: by id).
    let never = server
        .ok(
            token,
            CREATE_CUSTOMER,
            json!({ "input": { "firstName": "Client", "lastName": "Echo" } }),
        )
        .await?;
    assert!(never["createCustomer"]["id"].is_string());
    let silent = server
        .ok(
            token,
            "{ customers(filter: { noContactForDays: 30 }, orderBy: CREATED_DESC) { lastName } }",
            json!({}),
        )
        .await?;
    assert_eq!(super_ids(&silent["customers"]), ["Echo", "Alpha", "Bravo"]);

    // Bad numbers of days are refused.
    assert_eq!(
        server
            .error_code(
                token,
                "{ customers(filter: { noContactForDays: -1 }) { id } }",
                json!({})
            )
            .await?,
        "BAD_USER_INPUT"
    );
    Ok(())
}

fn super_ids(list: &Value) -> Vec<String> {
    ids(list)
}

async fn inbound_contacts_never_duplicate(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Canaux").await?;
    let forms = [
        "06 98 76 54 32",
        "+33698765432",
        "0698765432",
        "+33 6 98 76 54 32",
    ];
    let mut calls = Vec::new();
    for i in 0..20 {
        let server = &server;
        let token = tenant.admin_token.clone();
        let phone = forms[i % forms.len()];
        calls.push(async move {
            server
                .ok(
                    Some(&token),
                    INBOUND,
                    json!({ "input": { "channel": "SMS", "phone": phone, "message": format!("Bonjour {i}") } }),
                )
                .await
        });
    }
    let results = futures::future::join_all(calls).await;
    let mut created = 0;
    let mut customer_ids = std::collections::HashSet::new();
    for result in results {
        let data = result?;
        let r = &data["recordInboundContact"];
        if r["created"] == true {
            created += 1;
        }
        customer_ids.insert(r["customer"]["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(created, 1, "exactly one call creates the customer");
    assert_eq!(customer_ids.len(), 1, "every call finds the same customer");
    let id = customer_ids.into_iter().next().unwrap_or_default();
    let card = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { customer(id: $id) { firstName lastName phone segment preferredChannel tags activitiesCount timeline { kind activityKind channel title } } }",
            json!({ "id": id }),
        )
        .await?;
    let card = &card["customer"];
    assert_eq!(card["phone"], "+33698765432");
    assert_eq!(card["segment"], "PROSPECT");
    assert_eq!(card["preferredChannel"], "SMS");
    assert_eq!(
        card["tags"],
        json!(["auto-created", "first-contact", "sms"])
    );
    assert_eq!(card["activitiesCount"], 20);
    assert_eq!(card["timeline"][0]["activityKind"], "MESSAGE_RECEIVED");
    assert_eq!(card["timeline"][0]["channel"], "SMS");

    // E-mail contacts, case-insensitively, concurrently too.
    let mut calls = Vec::new();
    for i in 0..20 {
        let server = &server;
        let token = tenant.admin_token.clone();
        let email = if i % 2 == 0 {
            "Jean.Dupont@Example.FR"
        } else {
            "jean.dupont@example.fr"
        };
        calls.push(async move {
            server
                .ok(
                    Some(&token),
                    INBOUND,
                    json!({ "input": { "channel": "EMAIL", "email": email, "firstName": "Jean", "lastName": "Dupont" } }),
                )
                .await
        });
    }
    let results = futures::future::join_all(calls).await;
    let mut created = 0;
    for result in results {
        if result?["recordInboundContact"]["created"] == true {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    let list = server
        .ok(
            Some(&tenant.admin_token),
            "{ customers { lastName email } }",
            json!({}),
        )
        .await?;
    assert_eq!(list["customers"].as_array().map(Vec::len), Some(2));

    // Nothing to recognise the sender by, or a bad number: refused.
    for input in [
        json!({ "channel": "SMS" }),
        json!({ "channel": "SMS", "phone": "123" }),
    ] {
        assert_eq!(
            server
                .error_code(
                    Some(&tenant.admin_token),
                    INBOUND,
                    json!({ "input": input })
                )
                .await?,
            "BAD_USER_INPUT"
        );
    }
    Ok(())
}

async fn leads_pipeline_and_conversions(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Ventes").await?;
    let token = Some(tenant.admin_token.as_str());
    let customer = tenant.customer(&server, "Paul", "Durand").await?;

    let a = create_lead(
        &server,
        &tenant,
        json!({ "customerId": customer, "opportunityValue": "0.1", "conversionProbability": 30, "source": "salon" }),
    )
    .await?;
    assert_eq!(a["status"], "NEW");
    assert_eq!(a["stage"], "LEAD");
    assert_eq!(a["currency"], "EUR");
    assert_eq!(a["opportunityValue"], "0.1");
    assert_eq!(a["weightedValue"], "0.03");
    create_lead(
        &server,
        &tenant,
        json!({ "customerId": customer, "opportunityValue": "0.2", "conversionProbability": 70 }),
    )
    .await?;
    let c = create_lead(
        &server,
        &tenant,
        json!({ "customerId": customer, "stage": "PROPOSAL", "opportunityValue": "12345.6789", "conversionProbability": 45, "documentUrl": "https://drive.example.com/folder/1" }),
    )
    .await?;
    assert_eq!(c["status"], "IN_PROGRESS");

    let pipeline = server.ok(token, PIPELINE, json!({})).await?;
    assert_eq!(
        pipeline["pipeline"],
        json!([
            { "stage": "LEAD", "count": 2, "totalValue": "0.3", "weightedValue": "0.17" },
            { "stage": "QUALIFIED", "count": 0, "totalValue": "0", "weightedValue": "0" },
            { "stage": "PROPOSAL", "count": 1, "totalValue": "12345.6789", "weightedValue": "5555.555505" },
            { "stage": "NEGOTIATION", "count": 0, "totalValue": "0", "weightedValue": "0" },
            { "stage": "WON", "count": 0, "totalValue": "0", "weightedValue": "0" },
            { "stage": "LOST", "count": 0, "totalValue": "0", "weightedValue": "0" },
        ])
    );

    // Typed refusals.
    for (input, field) in [
        (
            json!({ "customerId": customer, "conversionProbability": 101 }),
            "conversionProbability",
        ),
        (
            json!({ "customerId": customer, "opportunityValue": "-1" }),
            "opportunityValue",
        ),
        (json!({ "customerId": customer, "stage": "WON" }), "stage"),
        (
            json!({ "customerId": customer, "documentUrl": "javascript:alert(1)" }),
            "documentUrl",
        ),
    ] {
        let body = server
            .graphql(token, CREATE_LEAD, json!({ "input": input }))
            .await?;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    assert_eq!(
        server
            .error_code(
                token,
                CREATE_LEAD,
                json!({ "input": { "customerId": "999999" } })
            )
            .await?,
        "NOT_FOUND"
    );

    // Moving a card.
    let moved = server
        .ok(
            token,
            "mutation($id: ID!) { moveLead(id: $id, stage: QUALIFIED) { stage status } }",
            json!({ "id": a["id"] }),
        )
        .await?;
    assert_eq!(
        moved["moveLead"],
        json!({ "stage": "QUALIFIED", "status": "IN_PROGRESS" })
    );
    assert_eq!(
        server
            .error_code(
                token,
                "mutation($id: ID!) { moveLead(id: $id, stage: WON) { stage } }",
                json!({ "id": a["id"] })
            )
            .await?,
        "BAD_USER_INPUT"
    );

    // A support ticket does not become a lead; a sales ticket does, once.
    let support = tenant
        .ticket(&server, &customer, "SUPPORT", "Panne")
        .await?;
    let convert = "mutation($t: ID!) { convertTicketToLead(ticketId: $t) { id status stage source ticket { id number } customer { lastName } } }";
    let body = server
        .graphql(token, convert, json!({ "t": support["id"] }))
        .await?;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["field"], "ticketId");
    let sales = tenant
        .ticket(&server, &customer, "SALES", "Devis cuisine")
        .await?;
    let lead = server
        .ok(token, convert, json!({ "t": sales["id"] }))
        .await?;
    let lead = lead["convertTicketToLead"].clone();
    assert_eq!(lead["ticket"]["number"], sales["number"]);
    assert_eq!(lead["customer"]["lastName"], "Durand");
    assert_eq!(
        server
            .error_code(token, convert, json!({ "t": sales["id"] }))
            .await?,
        "CONFLICT"
    );

    // Winning: one transaction updates the lead and the customer.
    let win = "mutation($id: ID!, $a: Decimal!) { winLead(id: $id, orderAmount: $a) { status stage wonAt customer { totalOrders totalRevenue segment lastOrderAt timeline { kind activityKind } } } }";
    let won = server
        .ok(token, win, json!({ "id": lead["id"], "a": "1999.99" }))
        .await?;
    let won = &won["winLead"];
    assert_eq!(won["status"], "CONVERTED");
    assert_eq!(won["stage"], "WON");
    assert_eq!(won["customer"]["totalOrders"], 1);
    assert_eq!(won["customer"]["totalRevenue"], "1999.99");
    assert_eq!(won["customer"]["segment"], "CLIENT");
    assert!(won["customer"]["lastOrderAt"].is_string());
    assert!(won["customer"]["timeline"]
        .as_array()
        .is_some_and(|t| t.iter().any(|e| e["activityKind"] == "ORDER")));
    assert_eq!(
        server
            .error_code(token, win, json!({ "id": lead["id"], "a": "5" }))
            .await?,
        "CONFLICT"
    );
    assert_eq!(
        server
            .error_code(token, win, json!({ "id": a["id"], "a": "0" }))
            .await?,
        "BAD_USER_INPUT"
    );

    let lose = "mutation($id: ID!, $r: String!) { loseLead(id: $id, reason: $r) { status stage lostReason } }";
    assert_eq!(
        server
            .error_code(token, lose, json!({ "id": c["id"], "r": " " }))
            .await?,
        "BAD_USER_INPUT"
    );
    let lost = server
        .ok(token, lose, json!({ "id": c["id"], "r": "Trop cher" }))
        .await?;
    assert_eq!(
        lost["loseLead"],
        json!({ "status": "LOST", "stage": "LOST", "lostReason": "Trop cher" })
    );
    let pipeline = server.ok(token, PIPELINE, json!({})).await?;
    let won_column = &pipeline["pipeline"][4];
    assert_eq!(won_column["count"], 1);

    // Agents may work leads but not delete them.
    let (_, agent) = tenant
        .user(&server, "agent@ventes.test", "agent", None)
        .await?;
    assert_eq!(
        server
            .error_code(
                Some(&agent),
                "mutation($id: ID!) { deleteLead(id: $id) }",
                json!({ "id": a["id"] })
            )
            .await?,
        "FORBIDDEN"
    );
    let deleted = server
        .ok(
            token,
            "mutation($id: ID!) { deleteLead(id: $id) }",
            json!({ "id": lead["id"] }),
        )
        .await?;
    assert_eq!(deleted["deleteLead"], true);
    Ok(())
}

async fn meetings_export_to_icalendar(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Agenda").await?;
    let other = server.tenant("Autre").await?;
    let customer = tenant.customer(&server, "Anne", "Leroy").await?;
    let lead = create_lead(&server, &tenant, json!({ "customerId": customer })).await?;
    let schedule = "mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id title durationMinutes attendees videoUrl } }";
    let meeting = server
        .ok(
            Some(&tenant.admin_token),
            schedule,
            json!({ "input": {
                "leadId": lead["id"], "title": "Visite, showroom; étage 2",
                "scheduledAt": "2026-03-10T14:30:00Z", "durationMinutes": 90,
                "location": "12 rue de la Paix, Paris",
                "attendees": ["anne.leroy@example.fr", "Paul (commercial)"],
            }}),
        )
        .await?;
    assert_eq!(meeting["scheduleMeeting"]["durationMinutes"], 90);
    let body = server
        .graphql(
            Some(&tenant.admin_token),
            schedule,
            json!({ "input": { "leadId": lead["id"], "title": "x", "scheduledAt": "2026-03-10T14:30:00Z", "durationMinutes": 0 } }),
        )
        .await?;
    assert_eq!(body["errors"][0]["extensions"]["field"], "durationMinutes");
    let body = server
        .graphql(
            Some(&tenant.admin_token),
            schedule,
            json!({ "input": { "leadId": lead["id"], "title": "x", "scheduledAt": "2026-03-10T14:30:00Z", "durationMinutes": 30, "videoUrl": "pas un lien" } }),
        )
        .await?;
    assert_eq!(body["errors"][0]["extensions"]["field"], "videoUrl");

    let path = format!(
        "/leads/{}/meetings.ics",
        lead["id"].as_str().unwrap_or_default()
    );
    let response = server.get(&path, Some(&tenant.admin_token)).await?;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/calendar")));
    let ics = response.text().await?;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    // Unfold (RFC 5545 §3.1) and check each property.
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").collect();
    for expected in [
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "DTSTART:20260310T143000Z",
        "DURATION:PT90M",
        "SUMMARY:Visite\\, showroom\\; étage 2",
        "LOCATION:12 rue de la Paix\\, Paris",
        "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:anne.leroy@example.fr",
        "END:VEVENT",
    ] {
        assert!(lines.contains(&expected), "missing {expected} in {ics}");
    }
    assert!(lines.iter().any(|l| l.starts_with("UID:meeting-")));
    assert!(lines.iter().any(|l| l.starts_with("DTSTAMP:2026")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("DESCRIPTION:Customer: Anne Leroy\\nAttendees: Paul (commercial)")));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
    }

    // Like attachments: a bearer credential of the lead's tenant, nothing else.
    assert_eq!(server.get(&path, None).await?.status(), 401);
    assert_eq!(
        server.get(&path, Some(&other.admin_token)).await?.status(),
        404
    );
    assert_eq!(server.get(&path, Some("garbage")).await?.status(), 401);
    Ok(())
}

async fn timeline_gathers_every_interaction(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Chrono").await?;
    let token = Some(tenant.admin_token.as_str());
    let customer = tenant.customer(&server, "Luc", "Petit").await?;
    let step = || server.clock.advance(ChronoDuration::minutes(5));
    server
        .ok(
            token,
            "mutation($id: ID!) { logCustomerActivity(input: { customerId: $id, kind: VISIT, description: \"Visite magasin\" }) { id } }",
            json!({ "id": customer }),
        )
        .await?;
    step();
    let ticket = tenant.ticket(&server, &customer, "SALES", "Devis").await?;
    step();
    server
        .ok(
            token,
            "mutation($t: ID!) { replyToTicket(input: { ticketId: $t, body: \"Voici le devis\" }) { id } }",
            json!({ "t": ticket["id"] }),
        )
        .await?;
    step();
    let lead = server
        .ok(
            token,
            "mutation($t: ID!) { convertTicketToLead(ticketId: $t) { id } }",
            json!({ "t": ticket["id"] }),
        )
        .await?;
    step();
    server
        .ok(
            token,
            "mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"Rappeler lundi\") { id } }",
            json!({ "id": customer }),
        )
        .await?;
    let at = (server.clock_now() + ChronoDuration::days(3)).to_rfc3339();
    server
        .ok(
            token,
            "mutation($l: ID!, $at: DateTime!) { scheduleMeeting(input: { leadId: $l, title: \"Signature\", scheduledAt: $at, durationMinutes: 30, videoUrl: \"https://meet.example.com/abc\" }) { id } }",
            json!({ "l": lead["convertTicketToLead"]["id"], "at": at }),
        )
        .await?;
    let card = server
        .ok(
            token,
            "query($id: ID!) { customer(id: $id) { timeline { kind title text ticketId ticketNumber internal leadId leadStage activityKind } } }",
            json!({ "id": customer }),
        )
        .await?;
    let kinds: Vec<&str> = card["customer"]["timeline"]
        .as_array()
        .map(|t| t.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        ["MEETING", "NOTE", "LEAD", "MESSAGE", "TICKET", "ACTIVITY"],
        "{card}"
    );
    assert_eq!(card["customer"]["timeline"][4]["ticketId"], ticket["id"]);
    // Facts, not sentences: what people wrote as they wrote it, the rest typed.
    let timeline = &card["customer"]["timeline"];
    let typed = |i: usize| {
        let e = &timeline[i];
        json!([
            e["text"],
            e["ticketNumber"],
            e["internal"],
            e["leadStage"],
            e["activityKind"]
        ])
    };
    assert_eq!(typed(0), json!(["Signature", null, false, null, null]));
    assert_eq!(typed(1), json!(["Rappeler lundi", null, false, null, null]));
    assert_eq!(typed(2), json!([null, null, false, "LEAD", null]));
    assert_eq!(typed(3), json!([null, ticket["number"], false, null, null]));
    assert_eq!(
        typed(4),
        json!(["Devis", ticket["number"], false, null, null])
    );
    assert_eq!(
        typed(5),
        json!(["Visite magasin", null, false, null, "VISIT"])
    );
    // The English summary stays, deprecated, for tools written against it.
    assert_eq!(
        timeline[3]["title"],
        format!("{}: message", ticket["number"].as_str().unwrap_or_default())
    );
    Ok(())
}

async fn crm_is_isolated_between_tenants(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let alpha = server.tenant("Alpha").await?;
    let beta = server.tenant("Beta").await?;
    let alpha_customer = alpha.customer(&server, "Jean", "Dupont").await?;
    let beta_customer = beta.customer(&server, "Marie", "Martin").await?;
    let alpha_lead = create_lead(
        &server,
        &alpha,
        json!({ "customerId": alpha_customer, "opportunityValue": "1000", "conversionProbability": 50 }),
    )
    .await?;
    let beta_token = Some(beta.admin_token.as_str());

    let mut beta_leads = server
        .subscribe(
            beta_token,
            "subscription { leadEvents { kind lead { id } } }",
            json!({}),
        )
        .await?;
    let mut beta_customers = server
        .subscribe(
            beta_token,
            "subscription { customerEvents { kind customer { lastName } } }",
            json!({}),
        )
        .await?;
    let mut alpha_leads = server
        .subscribe(
            Some(&alpha.admin_token),
            "subscription { leadEvents { kind lead { id stage } } }",
            json!({}),
        )
        .await?;

    // Reads: Beta sees none of Alpha's rows.
    let q = server
        .ok(
            beta_token,
            "query($c: ID!, $l: ID!) { customer(id: $c) { id } lead(id: $l) { id } leads { id } pipeline { count } }",
            json!({ "c": alpha_customer, "l": alpha_lead["id"] }),
        )
        .await?;
    assert_eq!(q["customer"], json!(null));
    assert_eq!(q["lead"], json!(null));
    assert_eq!(q["leads"], json!([]));
    assert!(q["pipeline"]
        .as_array()
        .is_some_and(|p| p.iter().all(|s| s["count"] == 0)));
    let filtered = server
        .ok(
            beta_token,
            "query($c: ID) { leads(filter: { customerId: $c }) { id } }",
            json!({ "c": alpha_customer }),
        )
        .await?;
    assert_eq!(filtered["leads"], json!([]));

    // Writes on Alpha's rows fail as if they did not exist.
    for (query, variables) in [
        ("mutation($id: ID!) { updateCustomer(id: $id, input: { city: \"x\" }) { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { archiveCustomer(id: $id) { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"x\") { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { addCustomerTags(customerId: $id, tags: [\"x\"]) }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { recordCustomerOrder(customerId: $id, amount: \"1\") { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { logCustomerActivity(input: { customerId: $id, kind: CALL }) { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { createLead(input: { customerId: $id }) { id } }", json!({ "id": alpha_customer })),
        ("mutation($id: ID!) { moveLead(id: $id, stage: PROPOSAL) { id } }", json!({ "id": alpha_lead["id"] })),
        ("mutation($id: ID!) { winLead(id: $id, orderAmount: \"10\") { id } }", json!({ "id": alpha_lead["id"] })),
        ("mutation($id: ID!) { loseLead(id: $id, reason: \"x\") { id } }", json!({ "id": alpha_lead["id"] })),
        ("mutation($id: ID!) { deleteLead(id: $id) }", json!({ "id": alpha_lead["id"] })),
        ("mutation($id: ID!) { scheduleMeeting(input: { leadId: $id, title: \"x\", scheduledAt: \"2026-03-10T10:00:00Z\", durationMinutes: 30 }) { id } }", json!({ "id": alpha_lead["id"] })),
    ] {
        assert_eq!(server.error_code(beta_token, query, variables).await?, "NOT_FOUND", "{query}");
    }
    let alpha_ticket = alpha
        .ticket(&server, &alpha_customer, "SALES", "Secret")
        .await?;
    assert_eq!(
        server
            .error_code(
                beta_token,
                "mutation($t: ID!) { convertTicketToLead(ticketId: $t) { id } }",
                json!({ "t": alpha_ticket["id"] })
            )
            .await?,
        "NOT_FOUND"
    );
    // The same phone number is a different person in another tenant.
    let inbound = server
        .ok(
            beta_token,
            INBOUND,
            json!({ "input": { "channel": "WHATSAPP", "email": "jean.dupont@alpha.test" } }),
        )
        .await?;
    assert_eq!(inbound["recordInboundContact"]["created"], true);

    // Live: Alpha's lead move reaches Alpha, not Beta.
    server
        .ok(
            Some(&alpha.admin_token),
            "mutation($id: ID!) { moveLead(id: $id, stage: NEGOTIATION) { id } }",
            json!({ "id": alpha_lead["id"] }),
        )
        .await?;
    let event = alpha_leads
        .next_within(Duration::from_secs(5))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no lead event for Alpha"))?;
    assert_eq!(event["data"]["leadEvents"]["kind"], "UPDATED");
    assert_eq!(event["data"]["leadEvents"]["lead"]["stage"], "NEGOTIATION");
    assert_eq!(
        beta_leads.next_within(Duration::from_millis(500)).await?,
        None
    );
    // Beta's own customer events arrive (the inbound contact created one, then this note).
    server
        .ok(
            beta_token,
            "mutation($id: ID!) { addCustomerNote(customerId: $id, content: \"ok\") { id } }",
            json!({ "id": beta_customer }),
        )
        .await?;
    let mut names = Vec::new();
    while let Some(event) = beta_customers.next_within(Duration::from_secs(2)).await? {
        names.push(event["data"]["customerEvents"]["customer"]["lastName"].clone());
    }
    assert!(names.contains(&json!("Martin")), "{names:?}");
    assert!(!names.contains(&json!("Dupont")), "{names:?}");

    // Customers may not subscribe.
    let (_, customer_token) = beta
        .user(
            &server,
            "marie@portal.test",
            "customer",
            Some(beta_customer.as_str()),
        )
        .await?;
    let mut refused = server
        .subscribe(
            Some(&customer_token),
            "subscription { leadEvents { kind } }",
            json!({}),
        )
        .await?;
    let answer = refused
        .next_within(Duration::from_secs(5))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no answer"))?;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );
    Ok(())
}

/// The demo data set has the CRM filled in: leads in every stage with meetings, notes,
/// activities, tags and VIPs with orders.
async fn demo_fills_the_crm(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    server::demo::load_data_set(&server.state.services, &seeds::demo()).await?;
    let admin = server
        .login("admin@demo.guichet.test", seeds::DEMO_PASSWORD)
        .await?;
    let data = server
        .ok(
            Some(&admin),
            "{ pipeline { stage count weightedValue } leads { meetings { id } } customers(first: 100) { notesCount activitiesCount tags segment totalOrders } }",
            json!({}),
        )
        .await?;
    let pipeline = data["pipeline"].as_array().cloned().unwrap_or_default();
    assert_eq!(pipeline.len(), 6);
    assert!(
        pipeline
            .iter()
            .all(|s| s["count"].as_i64().unwrap_or(0) > 0),
        "a lead in every stage: {pipeline:?}"
    );
    let leads = data["leads"].as_array().cloned().unwrap_or_default();
    assert!(leads
        .iter()
        .any(|l| l["meetings"].as_array().is_some_and(|m| !m.is_empty())));
    let customers = data["customers"].as_array().cloned().unwrap_or_default();
    assert!(customers.iter().any(|c| c["notesCount"].as_i64() > Some(0)));
    assert!(customers
        .iter()
        .any(|c| c["activitiesCount"].as_i64() > Some(0)));
    assert!(customers
        .iter()
        .all(|c| c["tags"].as_array().is_some_and(|t| !t.is_empty())));
    assert!(customers
        .iter()
        .any(|c| c["segment"] == "VIP" && c["totalOrders"].as_i64() > Some(5)));
    Ok(())
}

both_backends!(
    demo_fills_the_crm,
    customers_notes_activities_and_tags,
    aggregates_do_not_grow_with_customers,
    seed_example_queries,
    inbound_contacts_never_duplicate,
    leads_pipeline_and_conversions,
    meetings_export_to_icalendar,
    timeline_gathers_every_interaction,
    crm_is_isolated_between_tenants,
);

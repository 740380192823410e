//! The demo data set loads through the domain on both databases, covers every type,
//! status and priority, and loading it twice changes nothing.

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;

async fn demo_data_loads_once_and_covers_everything(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let data = seeds::demo();
    let report = server::demo::load_data_set(&server.state.services, &data).await?;
    assert!(!report.already_loaded);
    let again = server::demo::load_data_set(&server.state.services, &data).await?;
    assert!(again.already_loaded, "loading twice is a no-op");

    let admin = server
        .login("admin@demo.guichet.test", seeds::DEMO_PASSWORD)
        .await?;
    let list = server
        .ok(
            Some(&admin),
            "{ tickets(first: 100) { nodes { number status priority ticketType messageCount } } }",
            json!({}),
        )
        .await?;
    let nodes = list["tickets"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), data.tickets.len());
    for (field, values) in [
        (
            "status",
            &["NEW", "OPEN", "PENDING", "RESOLVED", "CLOSED", "CANCELLED"][..],
        ),
        ("priority", &["LOW", "NORMAL", "HIGH", "URGENT"][..]),
        ("ticketType", &["SUPPORT", "SALES", "INQUIRY"][..]),
    ] {
        for value in values {
            assert!(
                nodes.iter().any(|n| n[field] == *value),
                "no demo ticket with {field} {value}"
            );
        }
    }
    assert!(
        nodes
            .iter()
            .any(|n| n["messageCount"].as_i64().unwrap_or(0) >= 3),
        "discussion histories exist"
    );
    // Costs and budgets show every case: a rate change mid-history, an exceeded budget and
    // one past its 80 % alert only, and satisfaction ratings.
    let budgets = server
        .ok(
            Some(&admin),
            "{ budgets { exceeded raisedThresholds actualAmount } agents { id email } }",
            json!({}),
        )
        .await?;
    let list = budgets["budgets"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), data.budgets.len());
    assert!(list.iter().any(|b| b["exceeded"] == true));
    assert!(list
        .iter()
        .any(|b| b["exceeded"] == false && b["raisedThresholds"] == json!([80])));
    let agathe = budgets["agents"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["email"] == "agent@demo.guichet.test")
        .map(|a| a["id"].clone())
        .unwrap_or_default();
    let history = server
        .ok(
            Some(&admin),
            "query($u: ID!) { hourlyCosts(userId: $u) { hourlyCost } }",
            json!({ "u": agathe }),
        )
        .await?;
    assert_eq!(
        history["hourlyCosts"],
        json!([{ "hourlyCost": "38.50" }, { "hourlyCost": "41.75" }])
    );
    // Every role can sign in.
    for email in [
        "manager@demo.guichet.test",
        "agent@demo.guichet.test",
        &data.users[6].email,
    ] {
        server.login(email, seeds::DEMO_PASSWORD).await?;
    }
    Ok(())
}

/// `guichet seed --bulk-tickets` adds a large history to the demo tenant: its numbers
/// continue after the demo's, and tickets created afterwards continue after both.
async fn bulk_tickets_join_the_demo_tenant(backend: Backend) -> anyhow::Result<()> {
    use entity::{tenant, ticket, user};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    let server = TestServer::start(backend).await?;
    let data = seeds::demo();
    server::demo::load_data_set(&server.state.services, &data).await?;
    let db = &server.state.services.db;
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo tenant"))?;
    let agents: Vec<i64> = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.id))
        .filter(user::Column::Role.eq(entity::enums::Role::Agent))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    // More than one multi-row insert.
    let loaded = server::bulk::load(db, tenant.id, &agents, 1_200, server.clock_now()).await?;
    assert_eq!(loaded.tickets, 1_200);
    let count = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant.id))
        .count(db)
        .await?;
    assert_eq!(count, u64::try_from(data.tickets.len() + 1_200)?);

    let admin = server
        .login("admin@demo.guichet.test", seeds::DEMO_PASSWORD)
        .await?;
    let customer = server
        .ok(Some(&admin), "{ customers(first: 1) { id } }", json!({}))
        .await?["customers"][0]["id"]
        .clone();
    let created = server
        .ok(
            Some(&admin),
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }",
            json!({ "input": { "ticketType": "SUPPORT", "subject": "Après l'import",
                               "description": "Un nouveau ticket", "customerId": customer } }),
        )
        .await?;
    let number = created["createTicket"]["number"]
        .as_str()
        .unwrap_or_default();
    let numbers = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant.id))
        .filter(ticket::Column::Number.eq(number))
        .count(db)
        .await?;
    assert_eq!(numbers, 1, "{number} is new");
    Ok(())
}

both_backends!(demo_data_loads_once_and_covers_everything);
both_backends!(bulk_tickets_join_the_demo_tenant);

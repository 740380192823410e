//! What a write costs does not grow with the tenant's history: `createTicket` runs the same
//! statements on a fresh tenant and on one with thousands of tickets, and what it can read
//! once (the tenant's setup, the caller's credential) is not read again.

use entity::enums::{Availability, DepartmentKind, Role};
use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const CREATE: &str = "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number assignee { id } } }";

/// The statements of one `createTicket` by the admin, and the answer.
async fn create(
    server: &TestServer,
    token: &str,
    customer: &str,
    ticket_type: &str,
) -> anyhow::Result<(usize, serde_json::Value)> {
    let category = if ticket_type == "SUPPORT" {
        "TECHNICAL"
    } else {
        "OTHER"
    };
    let before = server.statement_count();
    let data = server
        .ok(
            Some(token),
            CREATE,
            json!({ "input": {
                "ticketType": ticket_type,
                "category": category,
                "subject": "Imprimante hors ligne",
                "description": "Elle ne répond plus depuis ce matin.",
                "customerId": customer,
            } }),
        )
        .await?;
    Ok((server.statement_count() - before, data))
}

async fn create_ticket_costs_the_same_at_any_history(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let svc = &server.state.services;
    // Two agents of the technical department (auto-assignment picks one), one of sales
    // (nobody online to pick there: the department hears of the ticket).
    let mut agents = Vec::new();
    for (email, department) in [
        ("tech1@alpha.test", DepartmentKind::Technical),
        ("tech2@alpha.test", DepartmentKind::Technical),
        ("sales@alpha.test", DepartmentKind::Sales),
    ] {
        let user = server::domain::users::insert_user(
            &svc.db,
            tenant.id,
            server::domain::users::NewUser {
                email: email.to_owned(),
                password: Some(tenant.password.clone()),
                display_name: email.to_owned(),
                role: Role::Agent,
                department: Some(department),
                customer_id: None,
                max_open_tickets: 1_000_000,
            },
            server.clock_now(),
        )
        .await?;
        agents.push(user.id);
    }
    // The sales agent is away: a sales ticket goes to nobody, and the department hears.
    entity::user::Entity::update_many()
        .col_expr(
            entity::user::Column::Availability,
            sea_orm::sea_query::Expr::value(Availability::Away),
        )
        .filter(entity::user::Column::Id.eq(agents[2]))
        .exec(&svc.db)
        .await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let token = tenant.admin_token.clone();

    // Warm: the first creation reads the credential and the setup once.
    let (cold, _) = create(&server, &token, &customer, "SUPPORT").await?;
    let (support_small, answer) = create(&server, &token, &customer, "SUPPORT").await?;
    assert!(
        !answer["createTicket"]["assignee"].is_null(),
        "auto-assigned: {answer}"
    );
    assert!(support_small < cold, "{support_small} < {cold}");
    let (sales_small, answer) = create(&server, &token, &customer, "SALES").await?;
    assert!(answer["createTicket"]["assignee"].is_null(), "{answer}");

    // Thousands of tickets later, spread over the same agents.
    guichet_tests::bulk::load(&svc.db, tenant.id, &agents, 3_000, server.clock_now()).await?;
    let (support_large, answer) = create(&server, &token, &customer, "SUPPORT").await?;
    assert!(!answer["createTicket"]["assignee"].is_null(), "{answer}");
    let (sales_large, _) = create(&server, &token, &customer, "SALES").await?;
    assert_eq!(
        support_large, support_small,
        "the same statements at 3 000 tickets"
    );
    assert_eq!(
        sales_large, sales_small,
        "the same statements at 3 000 tickets"
    );
    // The statements: the customer, the agent to pick (or the department's staff and
    // their choices), then in the transaction the ticket, its history, its number and
    // the notices, and the commit.
    println!("createTicket: support {support_small}, sales {sales_small} statements");
    assert!(support_small <= 12, "{support_small} statements");
    assert!(sales_small <= 13, "{sales_small} statements");
    Ok(())
}

both_backends!(create_ticket_costs_the_same_at_any_history);

//! The board query must cost the same number of SQL statements for 10 tickets as for 500:
//! every relation goes through a DataLoader.

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;

const BOARD: &str = "{ tickets(first: 100) { nodes { number status priority subject customer { displayName company } assignee { displayName department { name } } department { name } messageCount allowedTransitions messages { authorName body } } pageInfo { hasNextPage } } }";

async fn count_board_statements(server: &TestServer, token: &str) -> anyhow::Result<usize> {
    let before = server.statement_count();
    eprintln!("SQL ---- board");
    let data = server.ok(Some(token), BOARD, json!({})).await?;
    assert!(data["tickets"]["nodes"]
        .as_array()
        .is_some_and(|n| !n.is_empty()));
    Ok(server.statement_count() - before)
}

async fn populate(
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    tickets: usize,
) -> anyhow::Result<()> {
    let (agent_id, _) = tenant
        .user(
            server,
            &format!("agent{tickets}@{}.test", tenant.slug),
            "agent",
            None,
        )
        .await?;
    let mut customers = Vec::new();
    for i in 0..10 {
        customers.push(
            tenant
                .customer(server, &format!("Client{i}"), &format!("Nom{tickets}"))
                .await?,
        );
    }
    for i in 0..tickets {
        let ticket = tenant
            .ticket(
                server,
                &customers[i % customers.len()],
                "SUPPORT",
                &format!("Ticket {i}"),
            )
            .await?;
        if i % 3 == 0 {
            server
                .ok(
                    Some(&tenant.admin_token),
                    "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }",
                    json!({ "t": ticket["id"], "a": agent_id }),
                )
                .await?;
            server
                .ok(
                    Some(&tenant.admin_token),
                    "mutation($t: ID!) { replyToTicket(input: { ticketId: $t, body: \"Bonjour\" }) { id } }",
                    json!({ "t": ticket["id"] }),
                )
                .await?;
        }
    }
    Ok(())
}

async fn board_statement_count_does_not_grow_with_tickets(backend: Backend) -> anyhow::Result<()> {
    let small_server = TestServer::start(backend).await?;
    let small = small_server.tenant("Petit").await?;
    populate(&small_server, &small, 10).await?;
    let small_count = count_board_statements(&small_server, &small.admin_token).await?;

    let large_server = TestServer::start(backend).await?;
    let large = large_server.tenant("Grand").await?;
    populate(&large_server, &large, 500).await?;
    let large_count = count_board_statements(&large_server, &large.admin_token).await?;
    assert_eq!(
        small_count, large_count,
        "statements for 10 tickets vs 100 of 500 tickets"
    );
    assert!(large_count <= 12, "the board took {large_count} statements");
    Ok(())
}

both_backends!(board_statement_count_does_not_grow_with_tickets);

//! The board pages each column: `board` gives every status its newest tickets (open work
//! first, so years of closed tickets never push today's work off the board), each column
//! pages on with `tickets` and its cursor, through every ticket of its status exactly once,
//! with the caller's visibility and filters; the statements it costs do not grow with the
//! tenant's history.

use std::collections::BTreeMap;

use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

const BOARD: &str = "query($f: TicketFilter, $n: Int) { board(filter: $f, perColumn: $n) { \
    status tickets { nodes { id status priority customer { id displayName } assignee { id } } \
    pageInfo { hasNextPage endCursor } } } }";

const COLUMN: &str =
    "query($f: TicketFilter, $after: String) { tickets(first: 25, filter: $f, after: $after) { \
    nodes { id status } pageInfo { hasNextPage endCursor } } }";

/// The tenant's ticket ids per status, newest first, straight from the database.
async fn ids_by_status(
    server: &TestServer,
    tenant_id: i64,
) -> anyhow::Result<BTreeMap<String, Vec<i64>>> {
    let db = &server.state.services.db;
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT id, status FROM tickets WHERE tenant_id = {tenant_id} ORDER BY id DESC"
            ),
        ))
        .await?;
    let mut by_status: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for row in rows {
        let status: String = row.try_get("", "status")?;
        by_status
            .entry(status.to_uppercase())
            .or_default()
            .push(row.try_get("", "id")?);
    }
    Ok(by_status)
}

fn ids(nodes: &Value) -> anyhow::Result<Vec<i64>> {
    nodes
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("no nodes"))?
        .iter()
        .map(|node| Ok(node["id"].as_str().unwrap_or_default().parse()?))
        .collect()
}

/// The columns' statuses, in order.
fn statuses(columns: &[Value]) -> Vec<&str> {
    columns
        .iter()
        .map(|c| c["status"].as_str().unwrap_or_default())
        .collect()
}

/// The customer of the board's first card.
fn first_customer(board: &Value) -> anyhow::Result<String> {
    board
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c["tickets"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find_map(|n| n["customer"]["id"].as_str().map(str::to_owned))
        .ok_or_else(|| anyhow::anyhow!("an empty board"))
}

/// Every id of `status` the column gives, its first page then `tickets` after its cursor.
async fn page_through(
    server: &TestServer,
    token: &str,
    status: &str,
    column: &Value,
) -> anyhow::Result<Vec<i64>> {
    let mut seen = ids(&column["tickets"]["nodes"])?;
    let mut info = column["tickets"]["pageInfo"].clone();
    while info["hasNextPage"] == json!(true) {
        let data = server
            .ok(
                Some(token),
                COLUMN,
                json!({ "f": { "status": [status] }, "after": info["endCursor"] }),
            )
            .await?;
        for node in data["tickets"]["nodes"].as_array().into_iter().flatten() {
            assert_eq!(
                node["status"],
                json!(status),
                "a column pages within its status"
            );
        }
        seen.extend(ids(&data["tickets"]["nodes"])?);
        info = data["tickets"]["pageInfo"].clone();
    }
    Ok(seen)
}

async fn columns_page_through_every_status(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Colonnes").await?;
    let other = server.tenant("Voisins").await?;
    let (agent, _) = tenant
        .user(&server, "agent@colonnes.test", "agent", None)
        .await?;
    let db = &server.state.services.db;
    server::bulk::load(db, tenant.id, &[agent.parse()?], 400, server.clock_now()).await?;
    let (other_agent, _) = other
        .user(&server, "agent@voisins.test", "agent", None)
        .await?;
    server::bulk::load(
        db,
        other.id,
        &[other_agent.parse()?],
        100,
        server.clock_now(),
    )
    .await?;
    let truth = ids_by_status(&server, tenant.id).await?;
    assert!(
        truth.get("CLOSED").map_or(0, Vec::len) > 5,
        "the history holds closed tickets: {:?}",
        truth.keys()
    );

    let data = server
        .ok(Some(&tenant.admin_token), BOARD, json!({ "n": 5 }))
        .await?;
    let columns = data["board"].as_array().cloned().unwrap_or_default();
    let customer_id = first_customer(&data["board"])?;
    let order = statuses(&columns);
    assert_eq!(
        order,
        ["NEW", "OPEN", "PENDING", "RESOLVED", "CLOSED", "CANCELLED"],
        "every status, open work first"
    );
    for column in &columns {
        let status = column["status"].as_str().unwrap_or_default();
        let expected = truth.get(status).cloned().unwrap_or_default();
        let first = ids(&column["tickets"]["nodes"])?;
        assert_eq!(
            first,
            expected.iter().copied().take(5).collect::<Vec<_>>(),
            "column {status} shows its 5 newest tickets"
        );
        assert_eq!(
            column["tickets"]["pageInfo"]["hasNextPage"],
            json!(expected.len() > 5),
            "column {status} says whether it has more"
        );
        assert_eq!(
            page_through(&server, &tenant.admin_token, status, column).await?,
            expected,
            "column {status} pages through each of its tickets once, newest first"
        );
    }

    // Filters apply in each column; a filter's statuses choose the columns.
    let data = server
        .ok(
            Some(&tenant.admin_token),
            BOARD,
            json!({ "f": { "priority": ["URGENT"], "status": ["CLOSED", "NEW"] }, "n": 100 }),
        )
        .await?;
    let columns = data["board"].as_array().cloned().unwrap_or_default();
    let order = statuses(&columns);
    assert_eq!(
        order,
        ["NEW", "CLOSED"],
        "the filter's statuses, in workflow order"
    );
    for column in &columns {
        for node in column["tickets"]["nodes"].as_array().into_iter().flatten() {
            assert_eq!(node["priority"], json!("URGENT"));
            assert_eq!(node["status"], column["status"]);
        }
    }

    // A search ranks its matches within each column, as each column's own listing does.
    for search in ["radiateur", "chaudière fuite", "zzzz"] {
        let data = server
            .ok(
                Some(&tenant.admin_token),
                BOARD,
                json!({ "f": { "search": search }, "n": 7 }),
            )
            .await?;
        for column in data["board"].as_array().into_iter().flatten() {
            let status = column["status"].as_str().unwrap_or_default();
            let listed = server
                .ok(
                    Some(&tenant.admin_token),
                    "query($f: TicketFilter) { tickets(first: 7, filter: $f) { nodes { id } pageInfo { hasNextPage } } }",
                    json!({ "f": { "search": search, "status": [status] } }),
                )
                .await?;
            assert_eq!(
                ids(&column["tickets"]["nodes"])?,
                ids(&listed["tickets"]["nodes"])?,
                "column {status} searching {search:?}"
            );
            assert_eq!(
                column["tickets"]["pageInfo"]["hasNextPage"],
                listed["tickets"]["pageInfo"]["hasNextPage"],
                "column {status} searching {search:?}"
            );
        }
    }

    // A customer's board holds their own tickets only.
    let (_, customer_token) = tenant
        .user(
            &server,
            "client@colonnes.test",
            "customer",
            Some(&customer_id),
        )
        .await?;
    let data = server
        .ok(Some(&customer_token), BOARD, json!({ "n": 100 }))
        .await?;
    let mut own = 0;
    for column in data["board"].as_array().into_iter().flatten() {
        for node in column["tickets"]["nodes"].as_array().into_iter().flatten() {
            assert_eq!(
                node["customer"]["id"],
                json!(customer_id),
                "only their own tickets"
            );
            own += 1;
        }
    }
    assert!(own > 0, "the customer sees their tickets");

    // The other tenant's board never shows this tenant's tickets.
    let theirs = server
        .ok(Some(&other.admin_token), BOARD, json!({ "n": 100 }))
        .await?;
    let every_id: Vec<i64> = truth.values().flatten().copied().collect();
    for column in theirs["board"].as_array().into_iter().flatten() {
        for id in ids(&column["tickets"]["nodes"])? {
            assert!(!every_id.contains(&id), "ticket {id} crossed tenants");
        }
    }

    // Bad sizes and cursors are typed errors.
    for n in [0, 101] {
        let code = server
            .error_code(Some(&tenant.admin_token), BOARD, json!({ "n": n }))
            .await?;
        assert_eq!(code, "BAD_USER_INPUT", "perColumn {n}");
    }
    let code = server
        .error_code(
            Some(&tenant.admin_token),
            COLUMN,
            json!({ "f": { "status": ["NEW"] }, "after": "bm90IGEgY3Vyc29y\u{0}" }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT", "a cursor the API never gave");
    let code = server.error_code(None, BOARD, json!({ "n": 5 })).await?;
    assert_eq!(code, "UNAUTHENTICATED");
    Ok(())
}

both_backends!(columns_page_through_every_status);

/// The statements one board request costs, for a small and a large history.
async fn board_statements(server: &TestServer, token: &str) -> anyhow::Result<usize> {
    let before = server.statement_count();
    server.ok(Some(token), BOARD, json!({ "n": 25 })).await?;
    Ok(server.statement_count() - before)
}

async fn board_statements_do_not_grow_with_history(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let small = server.tenant("Petite").await?;
    let large = server.tenant("Grande").await?;
    for (tenant, tickets) in [(&small, 60), (&large, 1_500)] {
        let (agent, _) = tenant
            .user(
                &server,
                &format!("agent@{}.test", tenant.slug),
                "agent",
                None,
            )
            .await?;
        server::bulk::load(
            &server.state.services.db,
            tenant.id,
            &[agent.parse()?],
            tickets,
            server.clock_now(),
        )
        .await?;
    }
    // Warm: the first request of a session may load what is cached for it afterwards.
    board_statements(&server, &small.admin_token).await?;
    board_statements(&server, &large.admin_token).await?;
    let small_count = board_statements(&server, &small.admin_token).await?;
    let large_count = board_statements(&server, &large.admin_token).await?;
    assert_eq!(small_count, large_count, "60 vs 1 500 tickets");
    // One statement per column, and one per relation for all columns together.
    assert!(small_count <= 10, "the board took {small_count} statements");
    Ok(())
}

both_backends!(board_statements_do_not_grow_with_history);

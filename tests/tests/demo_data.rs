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

both_backends!(demo_data_loads_once_and_covers_everything);

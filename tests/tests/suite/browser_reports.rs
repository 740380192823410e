//! The reports and budgets dashboards in headless Chromium: an admin sees the tickets opened
//! per week drawn as bars, the satisfaction distribution and its comment, an exceeded
//! budget's gauge highlighted with its figures, and sets an agent's hourly cost.
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`), and the same
//! helpers (`guichet_tests::browser`).

use std::time::Duration;

use fantoccini::Locator;
use guichet_tests::browser::{serially, spa_server, wait_css, with_browser};
use guichet_tests::TestServer;
use serde_json::json;

/// Two tickets on Monday 2 March 2026 (the test clock's day), one resolved and rated 4 ★
/// with a comment; 90 minutes at 40 €/h on Jean's ticket against a March budget of 50 €.
async fn seed(server: &TestServer) -> anyhow::Result<(guichet_tests::TenantFixture, String)> {
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let jean = tenant.customer(server, "Jean", "Dupont").await?;
    let (_, jean_token) = tenant
        .user(server, "jean@client.test", "customer", Some(&jean))
        .await?;
    let (agathe, agathe_token) = tenant
        .user(server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    server
        .ok(
            admin,
            "mutation($u: ID!) { setHourlyCost(userId: $u, hourlyCost: \"40\", effectiveFrom: \"2026-01-01\") { id } }",
            json!({ "u": agathe }),
        )
        .await?;
    server
        .ok(
            admin,
            "mutation($c: ID!) { createBudget(customerId: $c, input: { periodKind: MONTH, periodStart: \"2026-03-01\", plannedAmount: \"50\" }) { id } }",
            json!({ "c": jean }),
        )
        .await?;
    let first = tenant.ticket(server, &jean, "SUPPORT", "Chaudière").await?;
    tenant.ticket(server, &jean, "SALES", "Devis").await?;
    server
        .ok(
            Some(&agathe_token),
            "mutation($t: ID!) { logTime(input: { ticketId: $t, minutes: 90 }) { id } }",
            json!({ "t": first["id"] }),
        )
        .await?;
    for status in ["OPEN", "RESOLVED"] {
        server
            .ok(
                admin,
                "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { id } }",
                json!({ "id": first["id"], "s": status }),
            )
            .await?;
    }
    server
        .ok(
            Some(&jean_token),
            "mutation($id: ID!) { rateTicket(input: { ticketId: $id, rating: 4, comment: \"Rapide et clair\" }) { id } }",
            json!({ "id": first["id"] }),
        )
        .await?;
    Ok((tenant, agathe))
}

async fn scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    agathe: &str,
) -> anyhow::Result<()> {
    browser.goto(&format!("{}/login", server.base_url)).await?;
    wait_css(browser, "input[name=email]")
        .await?
        .send_keys(&tenant.admin_email)
        .await?;
    wait_css(browser, "input[name=password]")
        .await?
        .send_keys(&tenant.password)
        .await?;
    wait_css(browser, "[data-testid=login-submit]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=board]").await?;
    // The navigation offers the dashboards to supervisors.
    wait_css(browser, "[data-testid=nav-reports]").await?;
    browser
        .goto(&format!(
            "{}/reports?from=2026-02-23&to=2026-03-08",
            server.base_url
        ))
        .await?;
    let opened = wait_css(
        browser,
        "[data-testid=chart-opened-closed] [data-testid=bar-first][data-label='2026-03-02']",
    )
    .await?;
    assert_eq!(opened.attr("data-value").await?.as_deref(), Some("2"));
    let closed = wait_css(browser, "[data-testid=bar-second][data-label='2026-03-02']").await?;
    assert_eq!(closed.attr("data-value").await?.as_deref(), Some("1"));
    let empty_week = wait_css(browser, "[data-testid=bar-first][data-label='2026-02-23']").await?;
    assert_eq!(empty_week.attr("data-value").await?.as_deref(), Some("0"));
    let tickets = wait_css(browser, "[data-testid=kpi-tickets] strong").await?;
    assert_eq!(tickets.text().await?, "2");
    let four = wait_css(
        browser,
        "[data-testid=satisfaction-dashboard] [data-testid=star-bar][data-stars='4']",
    )
    .await?;
    assert_eq!(four.attr("data-value").await?.as_deref(), Some("1"));
    let comment = wait_css(browser, "[data-testid=satisfaction-comment]").await?;
    assert!(comment.text().await?.contains("Rapide et clair"));

    browser
        .goto(&format!(
            "{}/budgets?from=2026-03-01&to=2026-03-31",
            server.base_url
        ))
        .await?;
    let gauge = wait_css(
        browser,
        "[data-testid=budget-gauge][data-customer='Jean Dupont']",
    )
    .await?;
    // 90 minutes at 40 €/h = 60.00 € of 50.00 €: exceeded, both alerts raised.
    assert_eq!(gauge.attr("data-exceeded").await?.as_deref(), Some("true"));
    assert_eq!(gauge.attr("data-actual").await?.as_deref(), Some("60.00"));
    assert_eq!(gauge.attr("data-planned").await?.as_deref(), Some("50.00"));
    wait_css(browser, "[data-testid=budget-gauge] svg.gauge-exceeded").await?;
    let alerts = wait_css(browser, "[data-testid=budget-alerts]").await?;
    assert!(alerts.text().await?.contains("80 %, 100 %"));

    // The admin raises Agathe's hourly cost from a date.
    let row = wait_css(
        browser,
        "[data-testid=hourly-cost-row][data-agent='agathe']",
    )
    .await?;
    let current = row
        .find(Locator::Css("[data-testid=hourly-cost-current]"))
        .await?;
    assert!(current.text().await?.contains("40.00"));
    let input = row
        .find(Locator::Css("[data-testid=hourly-cost-input]"))
        .await?;
    input.clear().await?;
    input.send_keys("42.5").await?;
    // The date input keeps the browser's today, which may be later than the server's test
    // clock: check the stored history rather than the current cost.
    row.find(Locator::Css("[data-testid=hourly-cost-save]"))
        .await?
        .click()
        .await?;
    // The saved cost is in the history.
    for _ in 0..50 {
        let data = server
            .ok(
                Some(&tenant.admin_token),
                "query($u: ID!) { hourlyCosts(userId: $u) { hourlyCost } }",
                json!({ "u": agathe }),
            )
            .await?;
        if data["hourlyCosts"]
            .as_array()
            .is_some_and(|h| h.iter().any(|c| c["hourlyCost"] == "42.50"))
        {
            return Ok(());
        }
        // A poll, bounded by the loop: the browser's request has no event to await.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("the new hourly cost was not saved")
}

#[test]
fn admin_reads_the_report_and_budget_dashboards() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let (tenant, agathe) = seed(&server).await?;
        with_browser("reports", |browser| async move {
            scenario(&browser, &server, &tenant, &agathe).await
        })
        .await
    })
}

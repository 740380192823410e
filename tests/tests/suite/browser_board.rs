//! The board in headless Chromium, on both databases: with two years of history, each
//! column shows its newest cards and "Show more" while it has more; the closed column pages
//! on, 25 cards at a time, until it shows every closed ticket exactly once, and the count
//! on its header says "+" until then; closed cards show no SLA chips (also at phone width).
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`).

use fantoccini::Locator;
use guichet_tests::browser::{
    phone_screenshot, serially, sign_in, spa_server_on, wait_count, wait_css, with_browser,
};
use guichet_tests::Backend;
use sea_orm::{ConnectionTrait, Statement};

guichet_tests::on_both_databases!(columns_show_more_until_every_ticket_is_shown);

const AGENT: &str = "agathe@archives.test";
const CLOSED: &str = "[data-testid=column-CLOSED]";

fn columns_show_more_until_every_ticket_is_shown(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Archives").await?;
        let (agent, _) = tenant.user(&server, AGENT, "agent", None).await?;
        let db = &server.state.services.db;
        server::bulk::load(db, tenant.id, &[agent.parse()?], 200, server.clock_now()).await?;
        let rows = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT id FROM tickets WHERE tenant_id = {} AND status = 'closed' ORDER BY id DESC",
                    tenant.id
                ),
            ))
            .await?;
        let closed: Vec<String> = rows
            .iter()
            .map(|row| row.try_get::<i64>("", "id").map(|id| id.to_string()))
            .collect::<Result<_, _>>()?;
        anyhow::ensure!(
            closed.len() > 50,
            "{} closed tickets: too few to page",
            closed.len()
        );

        with_browser("board-more", |browser| async move {
            sign_in(&browser, &server, AGENT, &tenant.password).await?;
            wait_css(&browser, "[data-testid=board]").await?;
            let cards = format!("{CLOSED} [data-testid=ticket-card]");
            wait_count(&browser, &cards, 25).await?;
            let count = wait_css(&browser, &format!("{CLOSED} .count")).await?;
            assert_eq!(count.text().await?.trim(), "25+", "the header says there is more");
            let _ = std::fs::write(
                std::env::temp_dir().join("guichet-board-more.png"),
                browser.screenshot().await?,
            );

            phone_screenshot(&browser, CLOSED, "guichet-board-more-phone.png").await?;
            // A finished ticket's deadlines no longer matter: its card shows none.
            assert!(
                browser
                    .find_all(Locator::Css(&format!("{CLOSED} .card-sla")))
                    .await?
                    .is_empty(),
                "closed cards show SLA chips"
            );

            let more = format!("{CLOSED} [data-testid=board-more]");
            let mut shown = 25;
            while shown < closed.len() {
                wait_css(&browser, &more).await?.click().await?;
                let expected = (shown + 25).min(closed.len());
                wait_count(&browser, &cards, expected).await?;
                shown = expected;
            }
            // Every closed ticket once, newest first, and no button any more.
            let ids = browser
                .execute(
                    &format!(
                        "return Array.from(document.querySelectorAll('{CLOSED} [data-testid=ticket-card]'))\
                           .map(card => card.dataset.id);"
                    ),
                    vec![],
                )
                .await?;
            let ids: Vec<String> = serde_json::from_value(ids)?;
            assert_eq!(ids, closed, "the closed column shows each closed ticket once");
            assert!(
                browser.find_all(Locator::Css(&more)).await?.is_empty(),
                "no more to show"
            );
            let count = wait_css(&browser, &format!("{CLOSED} .count")).await?;
            assert_eq!(count.text().await?.trim(), closed.len().to_string());
            Ok(())
        })
        .await
    })
}

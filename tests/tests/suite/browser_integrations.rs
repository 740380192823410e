//! The integrations page in headless Chromium: an admin connects a Telegram bot through the
//! form, sees it listed with the webhook address to give Telegram, and its secrets are
//! never shown back.
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`), and the same
//! helpers (`guichet_tests::browser`).

use guichet_tests::browser::{serially, sign_in, spa_server, wait_css, with_browser, WAIT};
use guichet_tests::{TenantFixture, TestServer};
use serde_json::json;

#[test]
fn admin_connects_a_telegram_bot() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        with_browser("integrations", |browser| async move {
            integrations_scenario(&browser, &server, &tenant).await
        })
        .await
    })
}

async fn integrations_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &TenantFixture,
) -> anyhow::Result<()> {
    const TOKEN: &str = "123456:browser-bot-token";
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;
    wait_css(browser, "[data-testid=nav-integrations]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=integrations-empty]").await?;
    for (field, value) in [
        ("name", "Bot support"),
        ("botToken", TOKEN),
        ("webhookSecret", "secret-du-webhook"),
    ] {
        wait_css(browser, &format!("[data-testid=integration-{field}]"))
            .await?
            .send_keys(value)
            .await?;
    }
    wait_css(browser, "[data-testid=integration-submit]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=integration-added]").await?;
    let row = wait_css(browser, "[data-testid=integration][data-kind=TELEGRAM]").await?;
    let text = row.text().await?;
    assert!(text.contains("Bot support"), "{text}");
    let webhook = wait_css(browser, "[data-testid=integration-webhook]")
        .await?
        .text()
        .await?;
    assert!(webhook.contains("/channels/telegram/"), "{webhook}");
    // The form is emptied and the page never shows the token.
    let source = browser.source().await?;
    assert!(!source.contains(TOKEN));
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-integrations.png"),
        browser.screenshot().await?,
    );

    let listed = server
        .ok(
            Some(&tenant.admin_token),
            "{ integrations { kind name isActive hasCredentials } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        listed["integrations"],
        json!([{ "kind": "TELEGRAM", "name": "Bot support", "isActive": true, "hasCredentials": true }])
    );

    // Deactivating it from the table: the button goes and the API agrees.
    wait_css(browser, "[data-testid=integration-deactivate]")
        .await?
        .click()
        .await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let listed = server
            .ok(
                Some(&tenant.admin_token),
                "{ integrations { isActive } }",
                json!({}),
            )
            .await?;
        if listed["integrations"] == json!([{ "isActive": false }]) {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "not deactivated: {listed}"
        );
        // A poll, bounded by the deadline: the browser's request has no event to await.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser
        .wait()
        .at_most(WAIT)
        .for_element(fantoccini::Locator::XPath(
            "//*[@data-testid='integration'][not(.//*[@data-testid='integration-deactivate'])]",
        ))
        .await?;
    Ok(())
}

/// GraphiQL (on in the demo) comes from the server itself: it renders under the page's
/// Content-Security-Policy, and every file it loads is the site's own.
#[test]
fn graphiql_loads_nothing_from_elsewhere() -> anyhow::Result<()> {
    serially(|| async {
        let server = TestServer::start_on(
            std::sync::Arc::new(
                guichet_tests::TestDatabase::create(guichet_tests::Backend::Sqlite).await?,
            ),
            server::config::Config {
                graphiql: true,
                introspection: true,
                ..server::config::Config::default()
            },
        )
        .await?;
        with_browser("graphiql", |browser| async move {
            browser
                .goto(&format!("{}/graphql", server.base_url))
                .await?;
            wait_css(&browser, ".graphiql-container").await?;
            wait_css(&browser, ".graphiql-query-editor").await?;
            // The schema arrived (introspection is on with GraphiQL in the demo): the
            // documentation explorer lists the root types.
            wait_css(&browser, "[aria-label=\"Show Documentation Explorer\"]")
                .await?
                .click()
                .await?;
            wait_css(&browser, ".graphiql-doc-explorer-root-type").await?;
            let loaded = browser
                .execute(
                    "return performance.getEntriesByType('resource').map(e => e.name);",
                    vec![],
                )
                .await?;
            let loaded: Vec<String> = serde_json::from_value(loaded)?;
            assert!(loaded.len() >= 4, "{loaded:?}");
            for url in &loaded {
                assert!(
                    url.starts_with(&server.base_url),
                    "loaded from elsewhere: {url}"
                );
            }
            let _ = std::fs::write(
                std::env::temp_dir().join("guichet-graphiql.png"),
                browser.screenshot().await?,
            );
            Ok(())
        })
        .await
    })
}

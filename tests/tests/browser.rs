//! The SPA in headless Chromium: an agent signs in, a ticket created elsewhere through the
//! API appears on the board without a reload, and a reply typed in the ticket page lands
//! in the thread.
//!
//! Needs the built SPA (`cargo xtask build-spa`), `chromium` and `chromedriver`
//! (`scripts/install-deps.sh` installs them); a missing one fails the test.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use fantoccini::{ClientBuilder, Locator};
use guichet_tests::{Backend, TestDatabase, TestServer};
use serde_json::json;

struct Driver {
    child: std::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_chromedriver() -> anyhow::Result<Driver> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
    let child = std::process::Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {binary}: run scripts/install-deps.sh"))?;
    Ok(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

async fn connect(driver: &Driver) -> anyhow::Result<fantoccini::Client> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let profile = tempfile::tempdir()?;
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.keep().display()),
            ]
        }
    });
    let capabilities = capabilities.as_object().cloned().unwrap_or_default();
    // chromedriver needs a moment to listen.
    let mut last_error = None;
    for _ in 0..50 {
        match ClientBuilder::rustls()?
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return Ok(client),
            Err(error) => {
                last_error = Some(error);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    Err(anyhow::anyhow!("cannot reach chromedriver: {last_error:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_sees_a_new_ticket_appear_and_replies() -> anyhow::Result<()> {
    // Several TLS back-ends are compiled in through dependencies; chromedriver is plain
    // HTTP, but rustls wants one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let spa_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/dist");
    anyhow::ensure!(
        spa_dir.join("index.html").is_file(),
        "the SPA is not built: run `cargo xtask build-spa`"
    );
    let config = server::config::Config {
        spa_dir,
        ..server::config::Config::default()
    };
    let server = TestServer::start_on(
        Arc::new(TestDatabase::create(Backend::Sqlite).await?),
        config,
    )
    .await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    tenant
        .ticket(&server, &customer, "SUPPORT", "Déjà là")
        .await?;

    let driver = start_chromedriver()?;
    let browser = connect(&driver).await?;
    let outcome = run_scenario(&browser, &server, &tenant, &customer).await;
    if outcome.is_err() {
        if let Ok(png) = browser.screenshot().await {
            let path = std::env::temp_dir().join("guichet-browser-failure.png");
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failure: {}", path.display());
        }
    }
    let _ = browser.close().await;
    outcome
}

async fn run_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    customer: &str,
) -> anyhow::Result<()> {
    let wait = |selector: &'static str| {
        let browser = browser.clone();
        async move {
            browser
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css(selector))
                .await
                .with_context(|| format!("waiting for {selector}"))
        }
    };
    browser.goto(&format!("{}/login", server.base_url)).await?;
    wait("input[name=email]")
        .await?
        .send_keys("agathe@atelier-dupont.test")
        .await?;
    wait("input[name=password]")
        .await?
        .send_keys(&tenant.password)
        .await?;
    wait("[data-testid=login-submit]").await?.click().await?;
    wait("[data-testid=board]").await?;
    wait("[data-testid=ticket-card][data-number='SUP-2026-00001']").await?;

    // Created elsewhere, through the API: it must appear without reload.
    let created = tenant
        .ticket(server, customer, "SUPPORT", "Apparu en direct")
        .await?;
    assert_eq!(created["number"], "SUP-2026-00002");
    let card = wait("[data-testid=ticket-card][data-number='SUP-2026-00002']").await?;
    assert!(card.text().await?.contains("Apparu en direct"));
    // Kept for people who want to look at the board after a run.
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-board.png"),
        browser.screenshot().await?,
    );

    // Open it and reply.
    match card.find(Locator::Css("a")).await {
        Ok(link) => link.click().await?,
        Err(_) => card.click().await?,
    }
    wait("[data-testid=reply-body]")
        .await?
        .send_keys("Bonjour, nous regardons.")
        .await?;
    wait("[data-testid=reply-send]").await?.click().await?;
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(
            "//*[@data-testid='message'][contains(., 'Bonjour, nous regardons.')]",
        ))
        .await
        .context("the reply shows in the thread")?;
    let thread = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { ticket(id: $id) { messages { body authorName } } }",
            json!({ "id": created["id"] }),
        )
        .await?;
    assert_eq!(
        thread["ticket"]["messages"][0]["body"],
        "Bonjour, nous regardons."
    );
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-ticket.png"),
        browser.screenshot().await?,
    );
    Ok(())
}

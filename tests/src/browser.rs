//! Headless Chromium for the SPA's tests (fantoccini + chromedriver): the helpers every
//! browser scenario shares. Needs the built SPA (`cargo xtask build-spa`), `chromium` and
//! `chromedriver`; a missing one fails the test.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use fantoccini::elements::Element;
use fantoccini::{ClientBuilder, Locator};

use serde_json::json;

use crate::{Backend, TestDatabase, TestServer};

/// A running chromedriver, killed when dropped.
pub struct Driver {
    child: std::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver (`CHROMEDRIVER`, or `chromedriver` on the `PATH`) on a free port.
///
/// # Errors
///
/// Fails when it cannot be started.
pub fn start_chromedriver() -> anyhow::Result<Driver> {
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

/// Opens a headless Chromium session.
///
/// # Errors
///
/// Fails when chromedriver cannot be reached.
pub async fn connect(driver: &Driver) -> anyhow::Result<fantoccini::Client> {
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

/// Serialises the scenarios: one browser at a time.
static BROWSER: Mutex<()> = Mutex::new(());

/// How long a wait for the page may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// Runs `scenario` on a fresh runtime, one scenario at a time.
///
/// # Errors
///
/// The scenario's.
pub fn serially<F: std::future::Future<Output = anyhow::Result<()>>>(
    scenario: impl FnOnce() -> F,
) -> anyhow::Result<()> {
    let _guard = BROWSER.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(scenario())
}

/// A server serving the built SPA, on a fresh SQLite database.
///
/// # Errors
///
/// Fails when the SPA is not built or the server cannot start.
pub async fn spa_server() -> anyhow::Result<TestServer> {
    spa_server_on(Backend::Sqlite).await
}

/// A server serving the built SPA, on a fresh database of `backend`.
///
/// # Errors
///
/// Fails when the SPA is not built, the database cannot be created or the server cannot
/// start.
pub async fn spa_server_on(backend: Backend) -> anyhow::Result<TestServer> {
    // Several TLS back-ends are compiled in through dependencies; chromedriver is plain
    // HTTP, but rustls wants one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let spa_dir = (std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        std::path::PathBuf::from,
    ))
    .join("../app/dist");
    anyhow::ensure!(
        spa_dir.join("index.html").is_file(),
        "the SPA is not built: run `cargo xtask build-spa`"
    );
    let config = server::config::Config {
        spa_dir,
        ..server::config::Config::default()
    };
    TestServer::start_on(Arc::new(TestDatabase::create(backend).await?), config).await
}

/// Starts Chromium, runs `scenario` with it, and keeps a screenshot when it fails.
///
/// # Errors
///
/// The scenario's, or Chromium's.
pub async fn with_browser<F>(
    name: &str,
    scenario: impl FnOnce(fantoccini::Client) -> F,
) -> anyhow::Result<()>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    // Several TLS back-ends are compiled in through dependencies; chromedriver is plain
    // HTTP, but rustls wants one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let driver = start_chromedriver()?;
    let browser = connect(&driver).await?;
    let outcome = scenario(browser.clone()).await;
    if outcome.is_err() {
        if let Ok(png) = browser.screenshot().await {
            let path = std::env::temp_dir().join(format!("guichet-browser-failure-{name}.png"));
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failure: {}", path.display());
        }
    }
    let _ = browser.close().await;
    outcome
}

/// Starts Chromium with two sessions (two people, each with their own profile), runs
/// `scenario` with them, and keeps a screenshot of each when it fails.
///
/// # Errors
///
/// The scenario's, or Chromium's.
pub async fn with_two_browsers<F>(
    name: &str,
    scenario: impl FnOnce(fantoccini::Client, fantoccini::Client) -> F,
) -> anyhow::Result<()>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    let _ = rustls::crypto::ring::default_provider().install_default();
    let driver = start_chromedriver()?;
    let first = connect(&driver).await?;
    let second = match connect(&driver).await {
        Ok(second) => second,
        Err(error) => {
            let _ = first.close().await;
            return Err(error);
        }
    };
    let outcome = scenario(first.clone(), second.clone()).await;
    for (which, browser) in [("1", &first), ("2", &second)] {
        if outcome.is_err() {
            if let Ok(png) = browser.screenshot().await {
                let path = std::env::temp_dir()
                    .join(format!("guichet-browser-failure-{name}-{which}.png"));
                let _ = std::fs::write(&path, png);
                eprintln!("screenshot of the failure: {}", path.display());
            }
        }
        let _ = browser.clone().close().await;
    }
    outcome
}

/// Waits for an element matching a CSS selector.
///
/// # Errors
///
/// Fails after [`WAIT`].
pub async fn wait_css(browser: &fantoccini::Client, selector: &str) -> anyhow::Result<Element> {
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(selector))
        .await
        .with_context(|| format!("waiting for {selector}"))
}

/// Waits until exactly `count` elements match a CSS selector.
///
/// # Errors
///
/// When they do not within [`WAIT`], or the browser fails.
pub async fn wait_count(
    browser: &fantoccini::Client,
    selector: &str,
    count: usize,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = browser.find_all(Locator::Css(selector)).await?.len();
        if found == count {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "waiting for {count} of {selector}, found {found}"
        );
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs in through the login form and waits for the board.
///
/// # Errors
///
/// Fails when the board does not show.
pub async fn sign_in(
    browser: &fantoccini::Client,
    server: &TestServer,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    sign_in_at(browser, &server.base_url, email, password).await
}

/// Signs in through the login form of the app at `base_url` (a server's, or a proxy's in
/// front of it) and waits for the board.
///
/// # Errors
///
/// Fails when the board does not show.
pub async fn sign_in_at(
    browser: &fantoccini::Client,
    base_url: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    browser.goto(&format!("{base_url}/login")).await?;
    wait_css(browser, "input[name=email]")
        .await?
        .send_keys(email)
        .await?;
    wait_css(browser, "input[name=password]")
        .await?
        .send_keys(password)
        .await?;
    wait_css(browser, "[data-testid=login-submit]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=board]").await?;
    Ok(())
}

/// Keeps a screenshot of `selector` at a phone's width (390 × 844), in the temporary
/// folder, then gives the window its size back: to look at what a phone shows.
///
/// # Errors
///
/// Fails when the element does not show or the window cannot be resized.
pub async fn phone_screenshot(
    browser: &fantoccini::Client,
    selector: &str,
    file: &str,
) -> anyhow::Result<()> {
    let (width, height) = browser.get_window_size().await?;
    browser.set_window_size(390, 844).await?;
    let element = wait_css(browser, selector).await?;
    browser
        .execute(
            "arguments[0].scrollIntoView({ block: 'start' });",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    let _ = std::fs::write(std::env::temp_dir().join(file), browser.screenshot().await?);
    browser.execute("window.scrollTo(0, 0);", vec![]).await?;
    browser
        .set_window_size(u32::try_from(width)?, u32::try_from(height)?)
        .await?;
    Ok(())
}

/// Keeps a screenshot of the whole page at the window's width (the window made as tall as
/// the page, at most 6000 pixels), in the temporary folder, then gives the window its size
/// back: to look at a long page at once.
///
/// # Errors
///
/// Fails when the window cannot be resized.
pub async fn page_screenshot(browser: &fantoccini::Client, file: &str) -> anyhow::Result<()> {
    let (width, height) = browser.get_window_size().await?;
    let page_height = browser
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await?
        .as_u64()
        .unwrap_or(height);
    // The window's frame takes some of its height from the page.
    let tall = u32::try_from((page_height + 150).clamp(height, 6000))?;
    browser.set_window_size(u32::try_from(width)?, tall).await?;
    browser.execute("window.scrollTo(0, 0);", vec![]).await?;
    let _ = std::fs::write(std::env::temp_dir().join(file), browser.screenshot().await?);
    browser
        .set_window_size(u32::try_from(width)?, u32::try_from(height)?)
        .await?;
    Ok(())
}

/// Sets an input's value as typing would (an `input` event follows), for inputs that
/// WebDriver types into unevenly (`<input type="time">` follows the browser's locale).
///
/// # Errors
///
/// Fails when the script cannot run.
pub async fn set_value(
    browser: &fantoccini::Client,
    element: &Element,
    value: &str,
) -> anyhow::Result<()> {
    browser
        .execute(
            "arguments[0].value = arguments[1];\
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(element)?, json!(value)],
        )
        .await?;
    Ok(())
}

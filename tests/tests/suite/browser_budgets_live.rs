//! Live budgets and customer cards in headless Chromium, on both databases.
//!
//! An admin has `/budgets` open; time logged on a customer's ticket through the API moves
//! that customer's gauge (spend, remaining) without a reload, the other customer's gauge
//! untouched; logging more crosses the 80 % threshold, and a polite live notice says so
//! while the gauge is highlighted.
//!
//! An admin has a customer's card open, typing in its forms; a colleague changes the
//! customer's details and adds a note through the API: the card shows them without a
//! reload, and what the admin was typing is still there.
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`), and the same
//! helpers (`guichet_tests::browser`); PostgreSQL as for every suite.

use std::time::Duration;

use anyhow::Context as _;
use fantoccini::Locator;
use guichet_tests::browser::{
    page_screenshot, serially, sign_in, spa_server_on, wait_css, with_browser, WAIT,
};
use guichet_tests::{Backend, TenantFixture, TestServer};
use serde_json::json;

guichet_tests::on_both_databases!(budget_gauges_move_live, customer_card_follows_colleagues);

const LIVE: &str = "[data-testid=live-status].live-on";

const SET_COST: &str = "mutation($u: ID!, $c: Decimal!, $d: NaiveDate!) { \
     setHourlyCost(userId: $u, hourlyCost: $c, effectiveFrom: $d) { id } }";
const CREATE_BUDGET: &str = "mutation($c: ID!, $input: BudgetInput!) { \
     createBudget(customerId: $c, input: $input) { id } }";
const LOG: &str =
    "mutation($t: ID!, $m: Int!) { logTime(input: { ticketId: $t, minutes: $m }) { id } }";
const BUDGETS: &str = "query($c: ID!, $from: NaiveDate, $to: NaiveDate) { \
     budgets(customerId: $c, from: $from, to: $to) { id actualAmount remainingAmount } }";
const UPDATE_CUSTOMER: &str = "mutation($id: ID!, $input: UpdateCustomerInput!) { \
     updateCustomer(id: $id, input: $input) { id } }";
const ADD_NOTE: &str = "mutation($c: ID!, $content: String!) { \
     addCustomerNote(customerId: $c, content: $content) { id } }";

/// How long one attempt waits for the page to follow a change made through the API.
const FOLLOW: Duration = Duration::from_secs(3);

/// How many changes are tried before the page is taken not to follow them.
const ATTEMPTS: usize = 8;

/// The month of the test clock: its first day and its last one.
fn month_of(server: &TestServer) -> (String, String) {
    use guichet_tests::chrono::{Datelike as _, Duration as Days, NaiveDate};
    let today = server.clock_now().date_naive();
    let first = today.with_day(1).unwrap_or(today);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    (first.to_string(), (next - Days::days(1)).to_string())
}

/// What the budgets scenario works with.
struct Budgets<'a> {
    server: &'a TestServer,
    tenant: &'a TenantFixture,
    /// Jean's ticket, on which time is logged.
    ticket: String,
    /// Jean's id.
    jean: String,
    /// The page's range, the test clock's month.
    from: String,
    to: String,
}

fn budget_gauges_move_live(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let admin = Some(tenant.admin_token.as_str());
        let me = server.ok(admin, "{ me { id } }", json!({})).await?;
        let (from, to) = month_of(&server);
        // An hour costs 60: a minute costs 1.
        server
            .ok(
                admin,
                SET_COST,
                json!({ "u": me["me"]["id"], "c": "60", "d": from }),
            )
            .await?;
        let jean = tenant.customer(&server, "Jean", "Dupont").await?;
        let paul = tenant.customer(&server, "Paul", "Bernard").await?;
        for (customer, planned) in [(&jean, "100"), (&paul, "500")] {
            server
                .ok(
                    admin,
                    CREATE_BUDGET,
                    json!({ "c": customer, "input": { "periodKind": "MONTH", "periodStart": from,
                            "plannedAmount": planned, "thresholds": [80, 100] } }),
                )
                .await?;
        }
        let ticket = tenant
            .ticket(&server, &jean, "SUPPORT", "Chaudière")
            .await?;
        let world = Budgets {
            server: &server,
            tenant: &tenant,
            ticket: ticket["id"].as_str().context("the ticket's id")?.to_owned(),
            jean,
            from,
            to,
        };
        with_browser("budgets-live", |browser| async move {
            budgets_scenario(&browser, &world).await
        })
        .await
    })
}

async fn budgets_scenario(browser: &fantoccini::Client, world: &Budgets<'_>) -> anyhow::Result<()> {
    let server = world.server;
    sign_in(
        browser,
        server,
        &world.tenant.admin_email,
        &world.tenant.password,
    )
    .await?;
    browser
        .goto(&format!(
            "{}/budgets?from={}&to={}",
            server.base_url, world.from, world.to
        ))
        .await?;
    let jean = "[data-testid=budget-gauge][data-customer='Jean Dupont']";
    let paul = "[data-testid=budget-gauge][data-customer='Paul Bernard']";
    wait_attr(browser, jean, "data-actual", "0.00", WAIT).await?;
    wait_css(browser, paul).await?;
    wait_css(browser, LIVE).await?;
    // Set on this document and this gauge only: a reload of the page, or of the list,
    // would lose them.
    browser
        .execute(
            "window.guichetNotReloaded = true;\
             document.querySelector(arguments[0]).dataset.untouched = 'yes';",
            vec![json!(paul)],
        )
        .await?;

    // Time is logged on Jean's ticket, a minute at a time until the page follows: the
    // protocol acknowledges the connection, not each subscription, so the first minutes
    // may come before the page's subscription is in place. Each event carries Jean's
    // budgets as they now are, so the gauge then shows the server's figure.
    let mut followed = false;
    for _ in 0..ATTEMPTS {
        log_minutes(world, 1).await?;
        let (actual, _) = jean_budget(world).await?;
        if wait_attr(browser, jean, "data-actual", &actual, FOLLOW)
            .await
            .is_ok()
        {
            followed = true;
            break;
        }
    }
    anyhow::ensure!(followed, "the gauge does not follow the time logged");

    // 30 minutes more: the spend and what remains move, without a crossing yet.
    log_minutes(world, 30).await?;
    let (actual, remaining) = jean_budget(world).await?;
    wait_attr(browser, jean, "data-actual", &actual, WAIT).await?;
    let gauge = wait_css(browser, jean).await?;
    let figures = gauge.text().await?;
    assert!(figures.contains(&remaining), "{remaining} not in {figures}");
    assert!(
        browser
            .find(Locator::Css("[data-testid=budget-notice]"))
            .await
            .is_err(),
        "a notice before any threshold was crossed"
    );
    assert_eq!(gauge.attr("data-crossed").await?.as_deref(), Some("false"));

    // 50 minutes more: past 80 of 100, the threshold is crossed.
    log_minutes(world, 50).await?;
    let notice = wait_css(
        browser,
        "[data-testid=budget-notices][role=status][aria-live=polite] \
         [data-testid=budget-notice][data-customer='Jean Dupont'][data-threshold='80']",
    )
    .await
    .context("the threshold's notice")?;
    let words = notice.text().await?;
    assert!(
        words.contains("Budget de Jean Dupont : 80 % atteint"),
        "{words}"
    );
    let (actual, _) = jean_budget(world).await?;
    wait_attr(browser, jean, "data-actual", &actual, WAIT).await?;
    wait_css(
        browser,
        &format!("{jean}.budget-crossed[data-crossed=true]"),
    )
    .await
    .context("the crossed gauge is highlighted")?;
    let alerts = wait_css(browser, &format!("{jean} [data-testid=budget-alerts]")).await?;
    assert!(alerts.text().await?.contains("80 %"));

    // Paul's gauge was left alone, and nothing was loaded again.
    let untouched = browser
        .execute(
            "return document.querySelector(arguments[0]).dataset.untouched || null;",
            vec![json!(paul)],
        )
        .await?;
    assert_eq!(untouched, json!("yes"), "the other gauge was drawn again");
    let not_reloaded = browser
        .execute("return window.guichetNotReloaded === true;", vec![])
        .await?;
    assert_eq!(not_reloaded, json!(true), "the page was reloaded");
    page_screenshot(browser, "guichet-budgets-live.png").await?;
    Ok(())
}

/// Logs `minutes` on Jean's ticket as the admin.
async fn log_minutes(world: &Budgets<'_>, minutes: i64) -> anyhow::Result<()> {
    world
        .server
        .ok(
            Some(&world.tenant.admin_token),
            LOG,
            json!({ "t": world.ticket, "m": minutes }),
        )
        .await?;
    Ok(())
}

/// Jean's budget's spend and remaining amount, as the server has them now.
async fn jean_budget(world: &Budgets<'_>) -> anyhow::Result<(String, String)> {
    let data = world
        .server
        .ok(
            Some(&world.tenant.admin_token),
            BUDGETS,
            json!({ "c": world.jean, "from": world.from, "to": world.to }),
        )
        .await?;
    let budget = &data["budgets"][0];
    let amount = |field: &str| {
        budget[field]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no {field} in {data}"))
    };
    Ok((amount("actualAmount")?, amount("remainingAmount")?))
}

fn customer_card_follows_colleagues(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        with_browser("customer-card-live", |browser| async move {
            card_scenario(&browser, &server, &tenant, &customer).await
        })
        .await
    })
}

async fn card_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &TenantFixture,
    customer: &str,
) -> anyhow::Result<()> {
    let admin = Some(tenant.admin_token.as_str());
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;
    browser
        .goto(&format!("{}/customers/{customer}", server.base_url))
        .await?;
    wait_css(
        browser,
        &format!("[data-testid=customer-card][data-id='{customer}']"),
    )
    .await?;
    wait_css(browser, LIVE).await?;
    browser
        .execute("window.guichetNotReloaded = true;", vec![])
        .await?;

    // The admin is typing: a city in the details form, a note.
    let city = wait_css(browser, "[data-testid=customer-city]").await?;
    city.send_keys("Lyon").await?;
    let note = "Rappeler jeudi matin";
    wait_css(browser, "[data-testid=customer-note-input]")
        .await?
        .send_keys(note)
        .await?;

    // A colleague renames the customer and sets the company, until the card follows (the
    // first change may come before the card's subscription is in place).
    let mut shown = None;
    for attempt in 1..=ATTEMPTS {
        let company = format!("Dupont et fils {attempt}");
        server
            .ok(
                admin,
                UPDATE_CUSTOMER,
                json!({ "id": customer, "input": { "lastName": "Durand", "company": company } }),
            )
            .await?;
        if wait_prop(browser, "[data-testid=customer-company]", &company, FOLLOW)
            .await
            .is_ok()
        {
            shown = Some(company);
            break;
        }
    }
    anyhow::ensure!(shown.is_some(), "the card does not follow the changes");
    let name = wait_css(browser, "[data-testid=customer-name]").await?;
    let name = name.text().await?;
    assert!(name.contains("Durand"), "{name}");
    wait_prop(browser, "[data-testid=customer-lastName]", "Durand", WAIT).await?;

    // A colleague's note joins the timeline and the count.
    server
        .ok(
            admin,
            ADD_NOTE,
            json!({ "c": customer, "content": "Devis envoyé par Bruno" }),
        )
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='timeline-entry'][@data-kind='NOTE'][contains(., 'Devis envoyé par Bruno')]",
        ))
        .await
        .context("the colleague's note shows in the timeline")?;
    wait_text(browser, "[data-testid=customer-notes-count]", "1", WAIT).await?;

    // What the admin was typing is still there, and the page was not reloaded.
    let kept_city = wait_css(browser, "[data-testid=customer-city]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        kept_city.as_deref(),
        Some("Lyon"),
        "the typed city was lost"
    );
    let kept_note = wait_css(browser, "[data-testid=customer-note-input]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept_note.as_deref(), Some(note), "the typed note was lost");
    let not_reloaded = browser
        .execute("return window.guichetNotReloaded === true;", vec![])
        .await?;
    assert_eq!(not_reloaded, json!(true), "the page was reloaded");
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-customer-card-live.png"),
        browser.screenshot().await?,
    );
    Ok(())
}

/// What of an element a wait reads.
#[derive(Clone, Copy)]
enum Read<'a> {
    /// Its text.
    Text,
    /// An input's value.
    Value,
    /// One of its attributes.
    Attribute(&'a str),
}

/// Waits until the first element of `selector` has `expected` as what `read` reads, for at
/// most `within`.
async fn wait_for(
    browser: &fantoccini::Client,
    selector: &str,
    read: Read<'_>,
    expected: &str,
    within: Duration,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let shown: Option<String> = match browser.find(Locator::Css(selector)).await {
            Ok(element) => match read {
                Read::Text => Some(element.text().await?.trim().to_owned()),
                Read::Value => element.prop("value").await?,
                Read::Attribute(name) => element.attr(name).await?,
            },
            Err(_) => None,
        };
        if shown.as_deref() == Some(expected) {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{selector} shows {shown:?}, not {expected:?}"
        );
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `selector`'s attribute `attribute` is `expected`.
async fn wait_attr(
    browser: &fantoccini::Client,
    selector: &str,
    attribute: &str,
    expected: &str,
    within: Duration,
) -> anyhow::Result<()> {
    wait_for(
        browser,
        selector,
        Read::Attribute(attribute),
        expected,
        within,
    )
    .await
}

/// Waits until the input of `selector` holds `expected`.
async fn wait_prop(
    browser: &fantoccini::Client,
    selector: &str,
    expected: &str,
    within: Duration,
) -> anyhow::Result<()> {
    wait_for(browser, selector, Read::Value, expected, within).await
}

/// Waits until the element of `selector` reads `expected`.
async fn wait_text(
    browser: &fantoccini::Client,
    selector: &str,
    expected: &str,
    within: Duration,
) -> anyhow::Result<()> {
    wait_for(browser, selector, Read::Text, expected, within).await
}

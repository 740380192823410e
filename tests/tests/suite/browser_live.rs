//! Live pages that never lie, in headless Chromium, on both databases.
//!
//! An agent has the board open (filtered on unassigned tickets) through a TCP proxy; the
//! proxy is cut, and meanwhile a ticket is created, another moved to another status and a
//! third assigned, straight against the server; once the proxy is back, without a reload,
//! the board comes to show exactly what a fresh query shows and the header says "live"
//! again. Then the same on a ticket page: a reply and a status change made while cut show
//! once the connection is back, and the draft in the composer is still there.
//!
//! Two agents on the same ticket page: one types in the composer, the other sees them
//! typing; once the reply is sent, viewing again.
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`), and the same
//! helpers (`guichet_tests::browser`); PostgreSQL as for every suite.

use std::time::Duration;

use anyhow::Context as _;
use fantoccini::Locator;
use guichet_tests::browser::{
    serially, sign_in_at, spa_server_on, wait_css, with_browser, with_two_browsers, WAIT,
};
use guichet_tests::proxy::Proxy;
use guichet_tests::{Backend, TenantFixture, TestServer};
use serde_json::{json, Value};

guichet_tests::on_both_databases!(
    pages_catch_up_after_a_network_drop,
    agents_see_each_other_typing
);

const AGENT: &str = "agathe@atelier-dupont.test";
const OTHER_AGENT: &str = "bruno@atelier-dupont.test";

/// How long the app may take to notice the connection is back (it retries after 1, 2, 4…
/// seconds) and to load again.
const CATCH_UP: Duration = Duration::from_secs(40);

const LIVE: &str = "[data-testid=live-status].live-on";
const NOT_LIVE: &str = "[data-testid=live-status].live-wait";

const CHANGE_STATUS: &str = "mutation($id: ID!, $status: TicketStatus!) { \
     changeTicketStatus(ticketId: $id, status: $status) { status } }";
const ASSIGN: &str =
    "mutation($id: ID!, $to: ID) { assignTicket(ticketId: $id, assigneeId: $to) { id } }";
const REPLY: &str = "mutation($input: ReplyInput!) { replyToTicket(input: $input) { id } }";

fn pages_catch_up_after_a_network_drop(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        let (agent, token) = tenant.user(&server, AGENT, "agent", None).await?;
        let mut tickets = Vec::new();
        for subject in ["Fuite d'eau", "Chaudière en panne", "Radiateur froid"] {
            tickets.push(id_of(
                &tenant
                    .ticket(&server, &customer, "SUPPORT", subject)
                    .await?,
            )?);
        }
        let proxy = Proxy::start(&server).await?;
        with_browser("live-resync", |browser| async move {
            let world = World {
                server: &server,
                tenant: &tenant,
                proxy: &proxy,
                agent: &agent,
                token: &token,
                customer: &customer,
            };
            catch_up_scenario(&browser, &world, &tickets).await
        })
        .await
    })
}

/// What the catch-up scenario works with.
struct World<'a> {
    server: &'a TestServer,
    tenant: &'a TenantFixture,
    proxy: &'a Proxy,
    /// The agent's id and session token.
    agent: &'a str,
    token: &'a str,
    customer: &'a str,
}

async fn catch_up_scenario(
    browser: &fantoccini::Client,
    world: &World<'_>,
    tickets: &[String],
) -> anyhow::Result<()> {
    let [moved, assigned, opened] = tickets else {
        anyhow::bail!("three tickets expected");
    };
    let admin = Some(world.tenant.admin_token.as_str());
    sign_in_at(
        browser,
        &world.proxy.base_url,
        AGENT,
        &world.tenant.password,
    )
    .await?;
    wait_css(browser, "[data-testid=filter-assignee] option[value='-']").await?;
    wait_css(browser, "[data-testid=filter-assignee]")
        .await?
        .select_by_value("-")
        .await?;
    wait_for_fresh_board(browser, world, WAIT).await?;
    wait_css(browser, LIVE).await?;
    // Set on this document only: a reload would lose it.
    browser
        .execute("window.guichetNotReloaded = true;", vec![])
        .await?;

    // The network goes; meanwhile the team works straight against the server.
    world.proxy.cut();
    wait_css(browser, NOT_LIVE).await?;
    let created = world
        .tenant
        .ticket(world.server, world.customer, "SUPPORT", "Apparu hors ligne")
        .await?;
    let created = id_of(&created)?;
    world
        .server
        .ok(
            admin,
            CHANGE_STATUS,
            json!({ "id": moved, "status": "OPEN" }),
        )
        .await?;
    world
        .server
        .ok(admin, ASSIGN, json!({ "id": assigned, "to": world.agent }))
        .await?;
    // The board cannot know yet.
    let shown = board_cards(browser).await?;
    anyhow::ensure!(
        !shown.iter().any(|(id, _)| *id == created),
        "the board got a change while cut: {shown:?}"
    );

    // The network comes back: the board catches up by itself, filter kept.
    world.proxy.restore();
    wait_for_fresh_board(browser, world, CATCH_UP).await?;
    let shown = board_cards(browser).await?;
    for (id, column) in [(&created, "NEW"), (moved, "OPEN"), (opened, "NEW")] {
        anyhow::ensure!(
            shown.contains(&(id.clone(), column.to_owned())),
            "{id} not in {column}: {shown:?}"
        );
    }
    anyhow::ensure!(
        !shown.iter().any(|(id, _)| id == assigned),
        "the assigned ticket lingers on the unassigned board: {shown:?}"
    );
    browser
        .wait()
        .at_most(CATCH_UP)
        .for_element(Locator::Css(LIVE))
        .await
        .context("the header says live again")?;
    // The bell's count, pushed again with the new connection, counts the assignment.
    let unread = world
        .server
        .ok(Some(world.token), "{ unreadNotificationCount }", json!({}))
        .await?["unreadNotificationCount"]
        .as_i64()
        .context("the unread count")?;
    anyhow::ensure!(unread > 0, "the assignment notified nobody");
    wait_text(browser, "[data-testid=bell-count]", &unread.to_string()).await?;
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-live-board.png"),
        browser.screenshot().await?,
    );

    // The ticket page: a draft in the composer, the network goes, a reply and a status
    // change come meanwhile.
    wait_css(
        browser,
        &format!("[data-testid=ticket-card][data-id='{opened}'] a"),
    )
    .await?
    .click()
    .await?;
    wait_css(
        browser,
        &format!("[data-testid=ticket][data-id='{opened}']"),
    )
    .await?;
    let draft = "Je vérifie le thermostat et";
    wait_css(browser, "[data-testid=reply-body]")
        .await?
        .send_keys(draft)
        .await?;
    wait_css(browser, LIVE).await?;
    world.proxy.cut();
    wait_css(browser, NOT_LIVE).await?;
    world
        .server
        .ok(
            admin,
            REPLY,
            json!({ "input": { "ticketId": opened, "body": "Un technicien passe demain." } }),
        )
        .await?;
    world
        .server
        .ok(
            admin,
            CHANGE_STATUS,
            json!({ "id": opened, "status": "OPEN" }),
        )
        .await?;
    world.proxy.restore();
    browser
        .wait()
        .at_most(CATCH_UP)
        .for_element(Locator::XPath(
            "//*[@data-testid='message'][contains(., 'Un technicien passe demain.')]",
        ))
        .await
        .context("the reply made while cut shows")?;
    wait_css(browser, "[data-testid=ticket-status][data-status='OPEN']").await?;
    wait_css(browser, LIVE).await?;
    let kept = wait_css(browser, "[data-testid=reply-body]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some(draft), "the draft was lost");
    let not_reloaded = browser
        .execute("return window.guichetNotReloaded === true;", vec![])
        .await?;
    assert_eq!(not_reloaded, json!(true), "the page was reloaded");
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-live-ticket.png"),
        browser.screenshot().await?,
    );
    Ok(())
}

/// Waits until the element of `selector` reads `text`.
async fn wait_text(browser: &fantoccini::Client, selector: &str, text: &str) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let shown = match browser.find(Locator::Css(selector)).await {
            Ok(element) => element.text().await?,
            Err(_) => String::new(),
        };
        if shown.trim() == text {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{selector} reads {shown:?}, not {text:?}"
        );
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A ticket's id in a mutation's answer.
fn id_of(ticket: &Value) -> anyhow::Result<String> {
    ticket["id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no id in {ticket}"))
}

/// The cards the board shows: `(ticket id, status of its column)`, sorted.
async fn board_cards(browser: &fantoccini::Client) -> anyhow::Result<Vec<(String, String)>> {
    let cards = browser
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=board] [data-testid^=column-]'))\
               .flatMap(column => Array.from(column.querySelectorAll('[data-testid=ticket-card]'))\
                 .map(card => [card.dataset.id, column.dataset.testid.replace('column-', '')]));",
            vec![],
        )
        .await?;
    let mut cards: Vec<(String, String)> = serde_json::from_value(cards)?;
    cards.sort();
    Ok(cards)
}

/// What a fresh load of the unassigned board shows, as [`board_cards`] says it.
async fn fresh_board(world: &World<'_>) -> anyhow::Result<Vec<(String, String)>> {
    let data = world
        .server
        .ok(
            Some(world.token),
            "{ board(filter: { unassigned: true }) { tickets { nodes { id status } } } }",
            json!({}),
        )
        .await?;
    let columns = data["board"].as_array().context("the board")?;
    let mut cards = columns
        .iter()
        .flat_map(|column| {
            column["tickets"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .iter()
        .map(|node| {
            Ok((
                node["id"].as_str().context("an id")?.to_owned(),
                node["status"].as_str().context("a status")?.to_owned(),
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    cards.sort();
    Ok(cards)
}

/// Waits until the board shows exactly what a fresh load shows.
async fn wait_for_fresh_board(
    browser: &fantoccini::Client,
    world: &World<'_>,
    within: Duration,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let fresh = fresh_board(world).await?;
        let shown = board_cards(browser).await?;
        if shown == fresh {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the board shows {shown:?}, a fresh load {fresh:?}"
        );
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn agents_see_each_other_typing(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        tenant.user(&server, AGENT, "agent", None).await?;
        tenant.user(&server, OTHER_AGENT, "agent", None).await?;
        let ticket = tenant
            .ticket(&server, &customer, "SUPPORT", "Chauffe-eau")
            .await?;
        let id = id_of(&ticket)?;
        with_two_browsers("live-typing", |agathe, bruno| async move {
            typing_scenario(&agathe, &bruno, &server, &tenant, &id).await
        })
        .await
    })
}

async fn typing_scenario(
    agathe: &fantoccini::Client,
    bruno: &fantoccini::Client,
    server: &TestServer,
    tenant: &TenantFixture,
    id: &str,
) -> anyhow::Result<()> {
    let page = format!("{}/tickets/{id}", server.base_url);
    for (browser, email) in [(agathe, AGENT), (bruno, OTHER_AGENT)] {
        sign_in_at(browser, &server.base_url, email, &tenant.password).await?;
        browser.goto(&page).await?;
        wait_css(browser, &format!("[data-testid=ticket][data-id='{id}']")).await?;
        wait_css(browser, LIVE).await?;
    }
    let presence_of = |name: &str, state: &str| {
        format!("//*[@data-testid='presence-user'][@data-state='{state}'][contains(., '{name}')]")
    };
    let wait_xpath = |browser: &fantoccini::Client, xpath: String| {
        let browser = browser.clone();
        async move {
            browser
                .wait()
                .at_most(WAIT)
                .for_element(Locator::XPath(&xpath))
                .await
                .with_context(|| format!("waiting for {xpath}"))
        }
    };
    // Each sees the other on the ticket.
    wait_xpath(bruno, presence_of("agathe", "viewing")).await?;
    wait_xpath(agathe, presence_of("bruno", "viewing")).await?;

    // Agathe types: Bruno sees it.
    wait_css(agathe, "[data-testid=reply-body]")
        .await?
        .send_keys("Bonjour, je prends ce ticket.")
        .await?;
    let typing = wait_xpath(bruno, presence_of("agathe", "typing")).await?;
    let words = typing.text().await?;
    assert!(words.contains("écrit"), "{words}");
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-live-typing.png"),
        bruno.screenshot().await?,
    );

    // She sends it: Bruno gets the reply, and sees her viewing again.
    wait_css(agathe, "[data-testid=reply-send]")
        .await?
        .click()
        .await?;
    wait_xpath(
        bruno,
        "//*[@data-testid='message'][contains(., 'je prends ce ticket')]".to_owned(),
    )
    .await
    .context("the reply shows on the other page")?;
    wait_xpath(bruno, presence_of("agathe", "viewing")).await?;
    Ok(())
}

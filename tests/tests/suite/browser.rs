//! The SPA in headless Chromium: an agent signs in, a ticket created elsewhere through the
//! API appears on the board without a reload, and a reply typed in the ticket page lands
//! in the thread; an agent opens a ticket through the create form for a customer found by
//! search, moves it along its workflow, changes its priority, logs time and filters the
//! board; a customer rates their resolved ticket; an admin changes SLA hours and a
//! workflow; an agent attaches an image to a ticket, and an admin reads the SLA breach in
//! the notification bell and marks it read; an agent reads a customer's card and its
//! timeline, adds a note and a tag, edits it and opens a ticket from it; an agent moves a
//! lead on the pipeline board and wins it; an agent sees both SLA deadlines on the board,
//! who else views or types on a ticket, and an admin sets business hours.
//!
//! The scenarios run one at a time (each starts its own Chromium; two cores are enough for
//! one).
//!
//! Needs the built SPA (`cargo xtask build-spa`), `chromium` and `chromedriver`
//! (`scripts/install-deps.sh` installs them); a missing one fails the test.

use std::time::Duration;

use anyhow::Context as _;
use fantoccini::Locator;
use guichet_tests::browser::{
    phone_screenshot, serially, sign_in, spa_server, wait_count, wait_css, with_browser, WAIT,
};
use guichet_tests::TestServer;
use serde_json::json;

#[test]
fn agent_sees_a_new_ticket_appear_and_replies() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        tenant
            .ticket(&server, &customer, "SUPPORT", "Déjà là")
            .await?;
        with_browser("live", |browser| async move {
            run_scenario(&browser, &server, &tenant, &customer).await
        })
        .await
    })
}

#[test]
fn agent_creates_a_ticket_for_a_customer_and_moves_it() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jeanne", "Martin").await?;
        let other = tenant.customer(&server, "Paul", "Bernard").await?;
        tenant
            .ticket(&server, &other, "SALES", "Autre demande")
            .await?;
        let (agent, _) = tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        with_browser("create", |browser| async move {
            create_scenario(&browser, &server, &tenant, &customer, &agent).await
        })
        .await
    })
}

#[test]
fn customer_rates_a_resolved_ticket() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        tenant
            .user(&server, "jean@client.test", "customer", Some(&customer))
            .await?;
        let ticket = tenant
            .ticket(&server, &customer, "SUPPORT", "Chaudière réparée")
            .await?;
        for status in ["OPEN", "RESOLVED"] {
            server
                .ok(
                    Some(&tenant.admin_token),
                    "mutation($id: ID!, $status: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $status) { status } }",
                    json!({ "id": ticket["id"], "status": status }),
                )
                .await?;
        }
        with_browser("rating", |browser| async move {
            rating_scenario(&browser, &server, &tenant, &ticket).await
        })
        .await
    })
}

#[test]
fn admin_changes_sla_hours_and_a_workflow() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        with_browser("settings", |browser| async move {
            settings_scenario(&browser, &server, &tenant).await
        })
        .await
    })
}

/// A 1×1 transparent PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

#[test]
fn agent_attaches_an_image_and_admin_reads_the_bell() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        let ticket = tenant
            .ticket(&server, &customer, "SUPPORT", "Écran fissuré")
            .await?;
        with_browser("attachments", |browser| async move {
            attachments_scenario(&browser, &server, &tenant, &ticket).await
        })
        .await
    })
}

async fn attachments_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    ticket: &serde_json::Value,
) -> anyhow::Result<()> {
    let id = ticket["id"].as_str().context("the ticket's id")?;
    sign_in(
        browser,
        server,
        "agathe@atelier-dupont.test",
        &tenant.password,
    )
    .await?;
    browser
        .goto(&format!("{}/tickets/{id}", server.base_url))
        .await?;

    // A file chosen through the file input (chromedriver takes its absolute path), then
    // uploaded: it shows as a thumbnail.
    let files = tempfile::tempdir()?;
    let path = files.path().join("capture.png");
    std::fs::write(&path, PNG)?;
    wait_css(browser, "[data-testid=attachment-input]")
        .await?
        .send_keys(&path.display().to_string())
        .await?;
    wait_css(browser, "[data-testid=attachment-upload]")
        .await?
        .click()
        .await?;
    let attachment = wait_css(
        browser,
        "[data-testid=attachment][data-content-type='image/png']",
    )
    .await?;
    attachment.find(Locator::Css("img.thumb")).await?;
    assert!(browser
        .find_all(Locator::Css("[data-testid=attachment-error]"))
        .await?
        .is_empty());
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-attachments.png"),
        browser.screenshot().await?,
    );
    let listed = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { ticket(id: $id) { attachments { contentType filename } } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        listed["ticket"]["attachments"][0]["contentType"], "image/png",
        "{listed}"
    );

    // Nobody answered for 9 hours: the SLA job notifies the supervisors.
    server
        .clock
        .advance(guichet_tests::chrono::Duration::hours(9));
    server::jobs::run_due_jobs(&server.state.services).await?;
    // Signing out ends the session on the server too: a copy of the token is dead.
    let stored = browser
        .execute(
            "return JSON.parse(localStorage.getItem('guichet.session')).token;",
            vec![],
        )
        .await?;
    let token = stored.as_str().unwrap_or_default().to_owned();
    assert!(server.ok(Some(&token), "{ me { id } }", json!({})).await?["me"]["id"].is_string());
    wait_css(browser, "[data-testid=logout]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=login-form]").await?;
    let mut ended = false;
    for _ in 0..50 {
        let code = server
            .error_code(Some(&token), "{ me { id } }", json!({}))
            .await;
        if code.is_ok_and(|c| c == "UNAUTHENTICATED") {
            ended = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ended, "the signed-out token still works on the server");
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;
    browser.refresh().await?;
    wait_css(browser, "[data-testid=board]").await?;
    let count = wait_css(browser, "[data-testid=bell-count]").await?;
    assert_eq!(count.text().await?.trim(), "1");
    wait_css(browser, "[data-testid=bell]")
        .await?
        .click()
        .await?;
    let notification = wait_css(browser, "[data-testid=notification]").await?;
    let link = notification.find(Locator::Css("a")).await?;
    assert_eq!(
        link.attr("href").await?.as_deref(),
        Some(format!("/tickets/{id}").as_str())
    );
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-bell.png"),
        browser.screenshot().await?,
    );
    wait_css(browser, "[data-testid=bell-mark-read]")
        .await?
        .click()
        .await?;
    wait_count(browser, "[data-testid=bell-count]", 0).await?;
    let unread = server
        .ok(
            Some(&tenant.admin_token),
            "{ unreadNotificationCount }",
            json!({}),
        )
        .await?;
    assert_eq!(unread["unreadNotificationCount"], 0);
    Ok(())
}

async fn settings_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
) -> anyhow::Result<()> {
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;

    wait_css(browser, "[data-testid=nav-sla]")
        .await?
        .click()
        .await?;
    let hours = wait_css(
        browser,
        "[data-testid=sla-policy][data-type=SALES] [data-testid=sla-response-hours]",
    )
    .await?;
    hours.clear().await?;
    hours.send_keys("3").await?;
    wait_css(
        browser,
        "[data-testid=sla-policy][data-type=SALES] [data-testid=sla-save]",
    )
    .await?
    .click()
    .await?;
    wait_css(
        browser,
        "[data-testid=sla-policy][data-type=SALES] [data-testid=saved]",
    )
    .await?;
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-sla.png"),
        browser.screenshot().await?,
    );

    wait_css(browser, "[data-testid=nav-workflows]")
        .await?
        .click()
        .await?;
    let cell = "[data-testid=workflow][data-type=SUPPORT] [data-testid=workflow-cell][data-from=NEW][data-to=CANCELLED]";
    wait_css(browser, cell).await?.click().await?;
    wait_css(
        browser,
        "[data-testid=workflow][data-type=SUPPORT] [data-testid=workflow-save]",
    )
    .await?
    .click()
    .await?;
    wait_css(
        browser,
        "[data-testid=workflow][data-type=SUPPORT] [data-testid=saved]",
    )
    .await?;
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-workflows.png"),
        browser.screenshot().await?,
    );

    let settings = server
        .ok(
            Some(&tenant.admin_token),
            "{ slaPolicies { ticketType responseHours } workflows { ticketType transitions { from to } } }",
            json!({}),
        )
        .await?;
    let sales = settings["slaPolicies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|policy| policy["ticketType"] == "SALES")
        .context("a SALES policy")?;
    assert_eq!(sales["responseHours"], 3);
    let support = settings["workflows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|workflow| workflow["ticketType"] == "SUPPORT")
        .context("a SUPPORT workflow")?;
    assert!(support["transitions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|transition| transition["from"] == "NEW" && transition["to"] == "CANCELLED"));
    Ok(())
}

async fn create_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    customer: &str,
    agent: &str,
) -> anyhow::Result<()> {
    sign_in(
        browser,
        server,
        "agathe@atelier-dupont.test",
        &tenant.password,
    )
    .await?;
    wait_css(browser, "[data-testid=new-ticket]")
        .await?
        .click()
        .await?;

    // The customer, found by search.
    wait_css(browser, "[data-testid=create-customer-search]")
        .await?
        .send_keys("Martin")
        .await?;
    let option = format!("[data-testid=create-customer-option][data-id='{customer}']");
    wait_css(browser, &option).await?.click().await?;
    wait_css(
        browser,
        &format!("[data-testid=create-customer-chosen][data-id='{customer}']"),
    )
    .await?;
    let options = browser
        .find_all(Locator::Css("[data-testid=create-customer-option]"))
        .await?;
    assert_eq!(options.len(), 1, "only Jeanne Martin matches");

    wait_css(browser, "[data-testid=create-type]")
        .await?
        .select_by_value("SUPPORT")
        .await?;
    wait_css(browser, "[data-testid=create-category]")
        .await?
        .select_by_value("TECHNICAL")
        .await?;
    wait_css(browser, "[data-testid=create-priority]")
        .await?
        .select_by_value("LOW")
        .await?;
    wait_css(browser, "[data-testid=create-subject]")
        .await?
        .send_keys("Imprimante en panne")
        .await?;
    wait_css(browser, "[data-testid=create-description]")
        .await?
        .send_keys("Elle affiche une erreur E12.")
        .await?;
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-create.png"),
        browser.screenshot().await?,
    );
    wait_css(browser, "[data-testid=create-submit]")
        .await?
        .click()
        .await?;

    // Its page.
    let article = wait_css(browser, "[data-testid=ticket]").await?;
    let id = article
        .attr("data-id")
        .await?
        .context("the ticket has an id")?;
    let subject = wait_css(browser, "[data-testid=ticket-subject]").await?;
    assert_eq!(subject.text().await?, "Imprimante en panne");
    wait_css(browser, "[data-testid=sla-response]").await?;
    wait_css(browser, "[data-testid=sla-resolution]").await?;

    // Along its workflow, through the status drop-down.
    for status in ["OPEN", "RESOLVED"] {
        wait_css(browser, "[data-testid=status-select]")
            .await?
            .select_by_value(status)
            .await?;
        wait_css(
            browser,
            &format!("[data-testid=ticket-status][data-status='{status}']"),
        )
        .await?;
    }
    wait_css(browser, "[data-testid=priority-select]")
        .await?
        .select_by_value("URGENT")
        .await?;
    wait_css(browser, ".ticket-header [data-priority='urgent']").await?;

    // Assigned to the agent, which the history tells by name.
    wait_css(browser, "[data-testid=assignee-select]")
        .await?
        .select_by_value(agent)
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='ticket-assignee'][contains(., 'agathe')]",
        ))
        .await
        .context("the assignee shows")?;
    wait_css(browser, "[data-testid=history] summary")
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='history']//*[@data-kind='ASSIGNED'][contains(., 'agathe')]",
        ))
        .await
        .context("the history names the assignee")?;
    phone_screenshot(
        browser,
        "[data-testid=history]",
        "guichet-history-phone.png",
    )
    .await?;

    // Time spent.
    wait_css(browser, "[data-testid=log-minutes]")
        .await?
        .send_keys("45")
        .await?;
    wait_css(browser, "[data-testid=log-submit]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=logged-minutes][data-minutes='45']").await?;
    wait_css(browser, "[data-testid=history]").await?;

    let ticket = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { ticket(id: $id) { subject status priority category customer { id } assignee { id } loggedMinutes } }",
            json!({ "id": id }),
        )
        .await?;
    let ticket = &ticket["ticket"];
    assert_eq!(ticket["subject"], "Imprimante en panne");
    assert_eq!(ticket["status"], "RESOLVED");
    assert_eq!(ticket["priority"], "URGENT");
    assert_eq!(ticket["category"], "TECHNICAL");
    assert_eq!(ticket["customer"]["id"], customer);
    assert_eq!(ticket["assignee"]["id"], agent);
    assert_eq!(ticket["loggedMinutes"], 45);

    // Back on the board, the filters and the search narrow it down.
    wait_css(browser, ".topbar .nav a[href='/']")
        .await?
        .click()
        .await?;
    wait_css(
        browser,
        "[data-testid=ticket-card][data-number='SAL-2026-00001']",
    )
    .await?;
    let mine = format!("[data-testid=ticket-card][data-id='{id}']");
    wait_css(browser, &mine).await?;
    wait_css(browser, "[data-testid=filter-priority]")
        .await?
        .select_by_value("URGENT")
        .await?;
    wait_count(browser, "[data-testid=ticket-card]", 1).await?;
    wait_css(browser, &mine).await?;
    wait_css(browser, "[data-testid=filter-priority]")
        .await?
        .select_by_value("")
        .await?;
    wait_count(browser, "[data-testid=ticket-card]", 2).await?;
    wait_css(browser, "[data-testid=filter-type]")
        .await?
        .select_by_value("SALES")
        .await?;
    wait_count(browser, "[data-testid=ticket-card]", 1).await?;
    wait_css(
        browser,
        "[data-testid=ticket-card][data-number='SAL-2026-00001']",
    )
    .await?;
    wait_css(browser, "[data-testid=filter-type]")
        .await?
        .select_by_value("")
        .await?;
    wait_count(browser, "[data-testid=ticket-card]", 2).await?;
    wait_css(browser, "[data-testid=board-search]")
        .await?
        .send_keys("imprimante")
        .await?;
    wait_count(browser, "[data-testid=ticket-card]", 1).await?;
    wait_css(browser, &mine).await?;
    Ok(())
}

async fn rating_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    ticket: &serde_json::Value,
) -> anyhow::Result<()> {
    sign_in(browser, server, "jean@client.test", &tenant.password).await?;
    let number = ticket["number"].as_str().context("the ticket's number")?;
    let card = wait_css(
        browser,
        &format!("[data-testid=ticket-card][data-number='{number}'][data-status=RESOLVED]"),
    )
    .await?;
    card.find(Locator::Css("a")).await?.click().await?;

    wait_css(browser, "[data-testid=rating-star][data-value='4']")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=rating-comment]")
        .await?
        .send_keys("Rapide et efficace.")
        .await?;
    wait_css(browser, "[data-testid=rating-submit]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=rating-done][data-value='4']").await?;
    let _ = std::fs::write(
        std::env::temp_dir().join("guichet-rating.png"),
        browser.screenshot().await?,
    );

    let rated = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { ticket(id: $id) { satisfactionRating satisfactionComment } }",
            json!({ "id": ticket["id"] }),
        )
        .await?;
    assert_eq!(rated["ticket"]["satisfactionRating"], 4);
    assert_eq!(
        rated["ticket"]["satisfactionComment"],
        "Rapide et efficace."
    );
    Ok(())
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

#[test]
fn agent_reads_a_customer_card_and_opens_a_ticket_from_it() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jeanne", "Martin").await?;
        tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        let token = Some(tenant.admin_token.as_str());
        server
            .ok(
                token,
                "mutation($id: ID!) { logCustomerActivity(input: { customerId: $id, kind: CALL, channel: PHONE, description: \"Appel entrant\" }) { id } }",
                json!({ "id": customer }),
            )
            .await?;
        server
            .clock
            .advance(guichet_tests::chrono::Duration::minutes(5));
        tenant
            .ticket(&server, &customer, "SALES", "Devis véranda")
            .await?;
        with_browser("customer-card", |browser| async move {
            customer_card_scenario(&browser, &server, &tenant, &customer).await
        })
        .await
    })
}

async fn customer_card_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    customer: &str,
) -> anyhow::Result<()> {
    sign_in(
        browser,
        server,
        "agathe@atelier-dupont.test",
        &tenant.password,
    )
    .await?;
    wait_css(browser, "[data-testid=nav-customers]")
        .await?
        .click()
        .await?;
    let row = wait_css(browser, "[data-testid=customer-row]").await?;
    row.find(Locator::Css("a")).await?.click().await?;

    // The timeline holds the call and the ticket, newest first.
    wait_css(
        browser,
        "[data-testid=customer-timeline] [data-kind=TICKET]",
    )
    .await?;
    let kinds = browser
        .find_all(Locator::Css("[data-testid=timeline-entry]"))
        .await?;
    let mut seen = Vec::new();
    for entry in kinds {
        seen.push(entry.attr("data-kind").await?.unwrap_or_default());
    }
    assert_eq!(seen, ["TICKET", "ACTIVITY"]);

    // A note, typed in the card, joins the timeline.
    wait_css(browser, "[data-testid=customer-note-input]")
        .await?
        .send_keys("Rappeler jeudi matin")
        .await?;
    wait_css(browser, "[data-testid=customer-note-add]")
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='timeline-entry'][@data-kind='NOTE'][contains(., 'Rappeler jeudi matin')]",
        ))
        .await
        .context("the note shows in the timeline")?;
    phone_screenshot(
        browser,
        "[data-testid=customer-timeline]",
        "guichet-timeline-phone.png",
    )
    .await?;

    // A visit, recorded in the card with its channel, joins the timeline too.
    wait_css(browser, "[data-testid=customer-activity-kind]")
        .await?
        .select_by_value("VISIT")
        .await?;
    wait_css(browser, "[data-testid=customer-activity-channel]")
        .await?
        .select_by_value("PHONE")
        .await?;
    wait_css(browser, "[data-testid=customer-activity-description]")
        .await?
        .send_keys("Visite du showroom")
        .await?;
    wait_css(browser, "[data-testid=customer-activity-add]")
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='timeline-entry'][@data-kind='ACTIVITY'][contains(., 'Visite du showroom')]",
        ))
        .await
        .context("the visit shows in the timeline")?;

    // A tag, and an edited city.
    wait_css(browser, "[data-testid=customer-tag-input]")
        .await?
        .send_keys("Salon 2026")
        .await?;
    wait_css(browser, "[data-testid=customer-tag-add]")
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@data-testid='customer-tag'][contains(., 'salon-2026')]",
        ))
        .await?;
    let city = wait_css(browser, "[data-testid=customer-city]").await?;
    city.clear().await?;
    city.send_keys("Lyon").await?;
    wait_css(browser, "[data-testid=customer-save]")
        .await?
        .click()
        .await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let data = server
            .ok(
                Some(&tenant.admin_token),
                "query($id: ID!) { customer(id: $id) { city tags notesCount } }",
                json!({ "id": customer }),
            )
            .await?;
        if data["customer"]["city"] == "Lyon" {
            assert_eq!(data["customer"]["tags"], json!(["salon-2026"]));
            assert_eq!(data["customer"]["notesCount"], 1);
            let activities = server
                .ok(
                    Some(&tenant.admin_token),
                    "query($id: ID!) { customer(id: $id) { timeline { activityKind channel title } } }",
                    json!({ "id": customer }),
                )
                .await?;
            assert!(
                activities["customer"]["timeline"]
                    .as_array()
                    .is_some_and(|list| list.contains(&json!({
                        "activityKind": "VISIT", "channel": "PHONE", "title": "Visite du showroom"
                    }))),
                "{activities}"
            );
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "city not saved: {data}"
        );
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // "Create a ticket" opens the create form with this customer chosen.
    wait_css(browser, "[data-testid=customer-create-ticket]")
        .await?
        .click()
        .await?;
    wait_css(
        browser,
        &format!("[data-testid=create-customer-chosen][data-id='{customer}']"),
    )
    .await?;
    Ok(())
}

#[test]
fn agent_moves_a_lead_on_the_board_and_wins_it() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Paul", "Bernard").await?;
        tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        let lead = server
            .ok(
                Some(&tenant.admin_token),
                "mutation($c: ID!) { createLead(input: { customerId: $c, opportunityValue: \"1000\", conversionProbability: 40 }) { id } }",
                json!({ "c": customer }),
            )
            .await?;
        let lead = lead["createLead"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        with_browser("leads", |browser| async move {
            leads_scenario(&browser, &server, &tenant, &customer, &lead).await
        })
        .await
    })
}

async fn leads_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    customer: &str,
    lead: &str,
) -> anyhow::Result<()> {
    sign_in(
        browser,
        server,
        "agathe@atelier-dupont.test",
        &tenant.password,
    )
    .await?;
    wait_css(browser, "[data-testid=nav-leads]")
        .await?
        .click()
        .await?;
    let in_column = |stage: &str| {
        format!("[data-testid=lead-column][data-stage={stage}] [data-testid=lead-card][data-id='{lead}']")
    };
    let card = wait_css(browser, &in_column("LEAD")).await?;
    let weighted = wait_css(
        browser,
        "[data-testid=lead-column][data-stage=LEAD] [data-testid=lead-column-weighted]",
    )
    .await?;
    assert_eq!(weighted.text().await?, "400");

    // Moving the card: a select per card.
    card.find(Locator::Css("[data-testid=lead-move]"))
        .await?
        .select_by_value("PROPOSAL")
        .await?;
    let card = wait_css(browser, &in_column("PROPOSAL")).await?;
    wait_count(
        browser,
        "[data-testid=lead-column][data-stage=LEAD] [data-testid=lead-card]",
        0,
    )
    .await?;

    // Dragging it to the next column (WebDriver cannot drive native HTML drag and drop in
    // Chromium, so the page gets the browser's own DragEvents carrying one DataTransfer).
    browser
        .execute(
            "const [card, column] = arguments; \
             const data = new DataTransfer(); \
             card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data })); \
             column.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data })); \
             column.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));",
            vec![
                serde_json::to_value(&card)?,
                serde_json::to_value(
                    wait_css(browser, "[data-testid=lead-column][data-stage=NEGOTIATION]").await?,
                )?,
            ],
        )
        .await?;
    wait_css(browser, &in_column("NEGOTIATION")).await?;
    let stage = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { lead(id: $id) { stage } }",
            json!({ "id": lead }),
        )
        .await?;
    assert_eq!(stage["lead"]["stage"], "NEGOTIATION");

    // A colleague moves it back: the board follows without a reload.
    server
        .ok(
            Some(&tenant.admin_token),
            "mutation($id: ID!) { moveLead(id: $id, stage: PROPOSAL) { id } }",
            json!({ "id": lead }),
        )
        .await?;
    let card = wait_css(browser, &in_column("PROPOSAL")).await?;

    // A meeting scheduled on the card, then its calendar file.
    card.find(Locator::Css("[data-testid=lead-meeting] summary"))
        .await?
        .click()
        .await?;
    card.find(Locator::Css("[data-testid=lead-meeting-title]"))
        .await?
        .send_keys("Visite du chantier")
        .await?;
    let at = card
        .find(Locator::Css("[data-testid=lead-meeting-at]"))
        .await?;
    browser
        .execute(
            "const input = arguments[0]; input.value = '2026-12-03T14:30'; \
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&at)?],
        )
        .await?;
    card.find(Locator::Css("[data-testid=lead-meeting-add]"))
        .await?
        .click()
        .await?;
    // The card is drawn again when the live feed brings the lead back (with its meeting),
    // which may replace the link between finding it and reading it: read it in one step.
    wait_css(browser, "[data-testid=lead-meeting-ics]").await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    let href = loop {
        let href = browser
            .execute(
                "const link = document.querySelector('[data-testid=lead-meeting-ics]'); \
                 return link ? link.getAttribute('href') : null;",
                vec![],
            )
            .await?;
        match href.as_str() {
            Some(href) => break href.to_owned(),
            None if tokio::time::Instant::now() < deadline => {
                // A poll, bounded: what the browser does has no event to await.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            None => anyhow::bail!("the calendar link went away"),
        }
    };
    anyhow::ensure!(
        href.starts_with("data:text/calendar") && href.contains("Visite%20du%20chantier"),
        "calendar link: {href}"
    );
    let meetings = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { lead(id: $id) { meetings { title durationMinutes } } }",
            json!({ "id": lead }),
        )
        .await?;
    assert_eq!(
        meetings["lead"]["meetings"],
        json!([{ "title": "Visite du chantier", "durationMinutes": 60 }])
    );
    let card = wait_css(browser, &in_column("PROPOSAL")).await?;

    // Winning it: the order lands on the customer.
    let amount = card
        .find(Locator::Css("[data-testid=lead-win-amount]"))
        .await?;
    amount.clear().await?;
    amount.send_keys("1250,50").await?;
    card.find(Locator::Css("[data-testid=lead-win]"))
        .await?
        .click()
        .await?;
    wait_css(browser, &in_column("WON")).await?;
    let data = server
        .ok(
            Some(&tenant.admin_token),
            "query($id: ID!) { customer(id: $id) { totalOrders totalRevenue segment } }",
            json!({ "id": customer }),
        )
        .await?;
    assert_eq!(
        data["customer"],
        json!({ "totalOrders": 1, "totalRevenue": "1250.5", "segment": "CLIENT" })
    );
    Ok(())
}

#[test]
fn agent_converts_a_sales_ticket_to_a_lead() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Paul", "Bernard").await?;
        tenant
            .user(&server, "agathe@atelier-dupont.test", "agent", None)
            .await?;
        let ticket = tenant
            .ticket(&server, &customer, "SALES", "Devis cuisine")
            .await?;
        let ticket_id = ticket["id"].as_str().unwrap_or_default().to_owned();
        with_browser("convert", |browser| async move {
            sign_in(
                &browser,
                &server,
                "agathe@atelier-dupont.test",
                &tenant.password,
            )
            .await?;
            browser
                .goto(&format!("{}/tickets/{ticket_id}", server.base_url))
                .await?;
            wait_css(&browser, "[data-testid=convert-to-lead]")
                .await?
                .click()
                .await?;
            // The board opens with the new lead in its first column.
            wait_css(
                &browser,
                "[data-testid=lead-column][data-stage=LEAD] [data-testid=lead-card]",
            )
            .await?;
            let leads = server
                .ok(
                    Some(&tenant.admin_token),
                    "{ leads { ticket { id } customer { lastName } } }",
                    json!({}),
                )
                .await?;
            assert_eq!(
                leads["leads"],
                json!([{ "ticket": { "id": ticket_id }, "customer": { "lastName": "Bernard" } }])
            );
            Ok(())
        })
        .await
    })
}

#[test]
fn agent_sees_deadlines_presence_and_sets_business_hours() -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server().await?;
        // Real time, so that the browser's countdowns and the server's deadlines agree.
        server.clock.set(chrono::Utc::now());
        let tenant = server.tenant("Atelier Dupont").await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        let (_, alice) = tenant
            .user(&server, "alice@atelier-dupont.test", "agent", None)
            .await?;
        let ticket = tenant
            .ticket(&server, &customer, "SUPPORT", "Chauffe-eau")
            .await?;
        with_browser("presence", |browser| async move {
            presence_scenario(&browser, &server, &tenant, &alice, &ticket).await
        })
        .await
    })
}

async fn presence_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &guichet_tests::TenantFixture,
    alice: &str,
    ticket: &serde_json::Value,
) -> anyhow::Result<()> {
    let id = ticket["id"].as_str().unwrap_or_default().to_owned();
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;
    // Both deadlines on the card, counting down.
    let card = format!("[data-testid=ticket-card][data-id=\"{id}\"]");
    wait_css(
        browser,
        &format!("{card} [data-testid=card-sla-response][data-state=due]"),
    )
    .await?;
    wait_css(
        browser,
        &format!("{card} [data-testid=card-sla-resolution][data-state=due]"),
    )
    .await?;

    // Alice has the ticket open; the admin's page shows it, then her typing, live.
    const PRESENCE: &str =
        "mutation($id: ID!, $s: PresenceState!) { reportPresence(ticketId: $id, state: $s) }";
    server
        .ok(Some(alice), PRESENCE, json!({ "id": id, "s": "VIEWING" }))
        .await?;
    browser
        .goto(&format!("{}/tickets/{id}", server.base_url))
        .await?;
    let viewing = wait_css(browser, "[data-testid=presence-user][data-state=viewing]").await?;
    assert!(viewing.text().await?.contains("alice"));
    server
        .ok(Some(alice), PRESENCE, json!({ "id": id, "s": "TYPING" }))
        .await?;
    wait_css(browser, "[data-testid=presence-user][data-state=typing]").await?;
    // And the page reports the admin's own presence, which Alice sees.
    let mut seen = json!([]);
    for _ in 0..100 {
        seen = server
            .ok(
                Some(alice),
                "query($id: ID!) { ticket(id: $id) { presence { state user { email } } } }",
                json!({ "id": id }),
            )
            .await?["ticket"]["presence"]
            .clone();
        if seen.as_array().is_some_and(|all| {
            all.iter()
                .any(|p| p["user"]["email"] == tenant.admin_email.as_str())
        }) {
            break;
        }
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.as_array().is_some_and(|all| all
            .iter()
            .any(|p| p["user"]["email"] == tenant.admin_email.as_str())),
        "the admin's presence was not reported: {seen}"
    );
    server
        .ok(Some(alice), PRESENCE, json!({ "id": id, "s": "LEFT" }))
        .await?;
    // Her leaving clears the line.
    let mut gone = false;
    for _ in 0..100 {
        let left = browser
            .find_all(Locator::Css("[data-testid=presence-user]"))
            .await?;
        if left.is_empty() {
            gone = true;
            break;
        }
        // A poll, bounded: what the browser does has no event to await.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "Alice still shows after leaving");

    // Business hours: the admin adds Monday 09:00–18:00 and a closed day.
    browser
        .goto(&format!("{}/settings/sla", server.base_url))
        .await?;
    wait_css(browser, "[data-testid=calendar-always-open]").await?;
    wait_css(browser, "[data-testid=calendar-add]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=calendar-row]").await?;
    wait_css(browser, "[data-testid=calendar-holidays]")
        .await?
        .send_keys("2026-12-25")
        .await?;
    wait_css(browser, "[data-testid=calendar-save]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=calendar-saved]").await?;
    let admin = server.login(&tenant.admin_email, &tenant.password).await?;
    let stored = server
        .ok(
            Some(&admin),
            "{ businessCalendar { alwaysOpen holidays openingHours { weekday opens closes } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        stored["businessCalendar"],
        json!({
            "alwaysOpen": false,
            "holidays": ["2026-12-25"],
            "openingHours": [{ "weekday": "MONDAY", "opens": "09:00", "closes": "18:00" }],
        })
    );
    Ok(())
}

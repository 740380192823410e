//! The notification pages in headless Chromium, on both databases: an agent turns a mail
//! off, sets working hours and the digest, reloads and finds them kept (and the server
//! agrees), then goes back to the team's hours, and a customer finds only their own
//! requests' event to choose about; an admin changes the team's defaults and
//! the signature, writes a template with a `{{ number }}` fact, sees the preview say
//! SUP-0042, saves it, sees the server's error for a broken one, and goes back to the
//! built-in wording.
//!
//! Same needs as `browser.rs` (the built SPA, `chromium`, `chromedriver`), and the same
//! helpers (`guichet_tests::browser`); PostgreSQL as for every suite. Screenshots of each
//! page at desktop and phone size land in the temporary folder
//! (`guichet-notifications*.png`, `guichet-messages*.png`).

use anyhow::Context as _;
use fantoccini::Locator;
use guichet_tests::browser::{
    page_screenshot, phone_screenshot, serially, set_value, sign_in, spa_server_on, wait_css,
    with_browser, WAIT,
};
use guichet_tests::{Backend, TenantFixture, TestServer};
use serde_json::{json, Value};

guichet_tests::on_both_databases!(agent_keeps_choices_and_hours, admin_writes_a_template);

const AGENT: &str = "agathe@atelier-dupont.test";
const CUSTOMER: &str = "jean@client.test";

const PREFERENCES: &str = "{ myNotificationPreferences { choices { event inApp email telegram } \
     workingHours { weekday opens closes } ownWorkingHours digest timezone } }";

fn agent_keeps_choices_and_hours(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        let (_, token) = tenant.user(&server, AGENT, "agent", None).await?;
        let customer = tenant.customer(&server, "Jean", "Dupont").await?;
        tenant
            .user(&server, CUSTOMER, "customer", Some(&customer))
            .await?;
        with_browser("notifications", |browser| async move {
            preferences_scenario(&browser, &server, &tenant, &token).await
        })
        .await
    })
}

fn admin_writes_a_template(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let tenant = server.tenant("Atelier Dupont").await?;
        with_browser("messages", |browser| async move {
            templates_scenario(&browser, &server, &tenant).await
        })
        .await
    })
}

/// The checkbox of `event` and `way` (`inApp`, `email`, `telegram`) in the section of
/// `scope` (`mine`, `tenant`).
fn choice(scope: &str, event: &str, way: &str) -> String {
    format!(
        "[data-testid=preferences][data-scope={scope}] \
         [data-testid=choice][data-event={event}][data-way={way}]"
    )
}

/// The row of a weekday in the working hours.
fn day(weekday: &str) -> String {
    format!("[data-testid=hours-day][data-weekday={weekday}]")
}

async fn preferences_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &TenantFixture,
    token: &str,
) -> anyhow::Result<()> {
    sign_in(browser, server, AGENT, &tenant.password).await?;
    // From the bell.
    wait_css(browser, "[data-testid=bell]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=bell-settings]")
        .await?
        .click()
        .await?;
    let before = server.ok(Some(token), PREFERENCES, json!({})).await?;
    let timezone = before["myNotificationPreferences"]["timezone"]
        .as_str()
        .context("a time zone")?
        .to_owned();

    // Events are named in words, and the time zone is shown.
    let row = wait_css(
        browser,
        "[data-testid=choice-row][data-event=ticket_assigned]",
    )
    .await?;
    let named = row.text().await?;
    assert!(named.contains("Ticket qui m'est assigné"), "{named}");
    assert_eq!(
        wait_css(browser, "[data-testid=timezone]")
            .await?
            .text()
            .await?,
        timezone
    );

    // A mail turned off, saved at the click.
    let mail = wait_css(browser, &choice("mine", "ticket_assigned", "email")).await?;
    assert!(
        mail.is_selected().await?,
        "assignments are mailed by default"
    );
    mail.click().await?;
    wait_css(browser, "[data-testid=choices-saved]").await?;
    assert!(!mail.is_selected().await?);

    // The digest on.
    wait_css(browser, "[data-testid=digest]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=digest-saved]").await?;

    // Working hours: whatever the team's were, Monday morning and Tuesday afternoon.
    while let Ok(remove) = browser
        .find(Locator::Css("[data-testid=hours-remove]"))
        .await
    {
        remove.click().await?;
    }
    wait_css(browser, "[data-testid=hours-always]").await?;
    for (weekday, opens, closes) in [("MONDAY", "08:30", "12:30"), ("TUESDAY", "14:00", "18:00")] {
        let row = wait_css(browser, &day(weekday)).await?;
        row.find(Locator::Css("[data-testid=hours-add]"))
            .await?
            .click()
            .await?;
        let period = wait_css(
            browser,
            &format!("{} [data-testid=hours-period]", day(weekday)),
        )
        .await?;
        let opens_input = period
            .find(Locator::Css("[data-testid=hours-opens]"))
            .await?;
        set_value(browser, &opens_input, opens).await?;
        let closes_input = period
            .find(Locator::Css("[data-testid=hours-closes]"))
            .await?;
        set_value(browser, &closes_input, closes).await?;
    }
    wait_css(browser, "[data-testid=hours-save]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=hours-saved]").await?;
    wait_css(browser, "[data-testid=hours-source][data-own=true]").await?;
    page_screenshot(browser, "guichet-notifications.png").await?;
    phone_screenshot(
        browser,
        "[data-testid=preferences]",
        "guichet-notifications-phone.png",
    )
    .await?;
    phone_screenshot(
        browser,
        "[data-testid=working-hours]",
        "guichet-notifications-hours-phone.png",
    )
    .await?;

    // A reload shows what the server kept.
    browser.refresh().await?;
    let mail = wait_css(browser, &choice("mine", "ticket_assigned", "email")).await?;
    assert!(!mail.is_selected().await?, "the mail stays off");
    assert!(
        wait_css(browser, &choice("mine", "ticket_assigned", "inApp"))
            .await?
            .is_selected()
            .await?,
        "the bell stays on"
    );
    assert!(
        wait_css(browser, "[data-testid=digest]")
            .await?
            .is_selected()
            .await?
    );
    wait_css(browser, "[data-testid=hours-source][data-own=true]").await?;
    let monday = wait_css(
        browser,
        &format!("{} [data-testid=hours-opens]", day("MONDAY")),
    )
    .await?;
    assert_eq!(monday.prop("value").await?.as_deref(), Some("08:30"));
    let tuesday = wait_css(
        browser,
        &format!("{} [data-testid=hours-closes]", day("TUESDAY")),
    )
    .await?;
    assert_eq!(tuesday.prop("value").await?.as_deref(), Some("18:00"));
    let periods = browser
        .find_all(Locator::Css("[data-testid=hours-period]"))
        .await?;
    assert_eq!(periods.len(), 2);

    let stored = server.ok(Some(token), PREFERENCES, json!({})).await?;
    let stored = &stored["myNotificationPreferences"];
    let assigned = event_of(stored, "ticket_assigned")?;
    assert_eq!(assigned["email"], false, "{stored}");
    assert_eq!(assigned["inApp"], true, "{stored}");
    assert_eq!(stored["digest"], true);
    assert_eq!(stored["ownWorkingHours"], true);
    assert_eq!(
        stored["workingHours"],
        json!([
            { "weekday": "MONDAY", "opens": "08:30", "closes": "12:30" },
            { "weekday": "TUESDAY", "opens": "14:00", "closes": "18:00" },
        ])
    );

    // Back to the team's hours.
    wait_css(browser, "[data-testid=hours-default]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=hours-source][data-own=false]").await?;
    let stored = server.ok(Some(token), PREFERENCES, json!({})).await?;
    assert_eq!(
        stored["myNotificationPreferences"]["ownWorkingHours"],
        false
    );
    assert_eq!(
        stored["myNotificationPreferences"]["workingHours"],
        before["myNotificationPreferences"]["workingHours"]
    );
    // An agent has no way to the team's settings.
    assert!(browser
        .find_all(Locator::Css("[data-testid=to-messages]"))
        .await?
        .is_empty());

    // A customer's account chooses about its own requests only, by the bell or a mail.
    wait_css(browser, "[data-testid=logout]")
        .await?
        .click()
        .await?;
    wait_css(browser, "input[name=email]").await?;
    sign_in(browser, server, CUSTOMER, &tenant.password).await?;
    wait_css(browser, "[data-testid=nav-notifications]")
        .await?
        .click()
        .await?;
    let row = wait_css(
        browser,
        "[data-testid=choice-row][data-event=status_changed]",
    )
    .await?;
    assert!(row.text().await?.contains("Ma demande change de statut"));
    assert_eq!(
        browser
            .find_all(Locator::Css("[data-testid=choice-row]"))
            .await?
            .len(),
        1
    );
    wait_css(browser, &choice("mine", "status_changed", "email")).await?;
    assert!(browser
        .find_all(Locator::Css(
            "[data-way=telegram], [data-testid=digest], [data-testid=to-messages]"
        ))
        .await?
        .is_empty());
    phone_screenshot(
        browser,
        "[data-testid=notifications-page]",
        "guichet-notifications-customer-phone.png",
    )
    .await?;
    Ok(())
}

/// The choice about `event` in a `NotificationPreferences` answer.
fn event_of<'a>(preferences: &'a Value, event: &str) -> anyhow::Result<&'a Value> {
    preferences["choices"]
        .as_array()
        .and_then(|choices| choices.iter().find(|choice| choice["event"] == event))
        .with_context(|| format!("no choice about {event} in {preferences}"))
}

/// Waits until the element of `selector` holds `text`.
async fn wait_text(
    browser: &fantoccini::Client,
    selector: &str,
    text: &str,
) -> anyhow::Result<String> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = match browser.find(Locator::Css(selector)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if found.contains(text) {
            return Ok(found);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{selector} never said {text:?}; it says {found:?}"
        );
        // A poll, bounded by the deadline: the preview comes after a pause in typing.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

const TEMPLATES: &str = "{ messageTemplates { key lang subject body customised } }";

/// The stored template of `key` in `lang`.
async fn stored_template(
    server: &TestServer,
    tenant: &TenantFixture,
    key: &str,
    lang: &str,
) -> anyhow::Result<Value> {
    let listed = server
        .ok(Some(&tenant.admin_token), TEMPLATES, json!({}))
        .await?;
    listed["messageTemplates"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|template| template["key"] == key && template["lang"] == lang)
        })
        .cloned()
        .with_context(|| format!("no template {key}/{lang}"))
}

async fn templates_scenario(
    browser: &fantoccini::Client,
    server: &TestServer,
    tenant: &TenantFixture,
) -> anyhow::Result<()> {
    sign_in(browser, server, &tenant.admin_email, &tenant.password).await?;
    // The team's settings are one step from one's own.
    wait_css(browser, "[data-testid=nav-notifications]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=to-messages]")
        .await?
        .click()
        .await?;

    // The team's defaults: new tickets mailed to everyone.
    let mail = wait_css(browser, &choice("tenant", "ticket_created", "email")).await?;
    assert!(!mail.is_selected().await?);
    mail.click().await?;
    wait_css(
        browser,
        "[data-testid=preferences][data-scope=tenant] [data-testid=choices-saved]",
    )
    .await?;
    let defaults = server
        .ok(
            Some(&tenant.admin_token),
            "{ tenantNotificationDefaults { choices { event inApp email telegram } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        event_of(&defaults["tenantNotificationDefaults"], "ticket_created")?["email"],
        true
    );

    // The signature.
    let signature = wait_css(browser, "[data-testid=signature-text]").await?;
    signature.send_keys("L'équipe de l'Atelier Dupont").await?;
    wait_css(browser, "[data-testid=signature-save]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=signature-saved]").await?;
    let stored = server
        .ok(Some(&tenant.admin_token), "{ mailSignature }", json!({}))
        .await?;
    assert_eq!(stored["mailSignature"], "L'équipe de l'Atelier Dupont");

    // A notice and a language; its built-in wording and its facts show.
    wait_css(browser, "[data-testid=template-key]")
        .await?
        .select_by_value("assigned_to_you")
        .await?;
    wait_css(browser, "[data-testid=template-lang]")
        .await?
        .select_by_value("fr")
        .await?;
    wait_text(browser, "[data-testid=template-builtin]", "SUP-0042").await?;
    wait_css(browser, "[data-testid=template-fact][data-fact=number]").await?;

    // A draft with a fact: the preview says it with the sample ticket.
    let subject = wait_css(browser, "[data-testid=template-subject]").await?;
    subject.send_keys("Pour vous : ").await?;
    // The chip writes the fact where the cursor is.
    wait_css(browser, "[data-testid=template-fact][data-fact=number]")
        .await?
        .click()
        .await?;
    assert_eq!(
        subject.prop("value").await?.as_deref(),
        Some("Pour vous : {{ number }}")
    );
    let body = wait_css(browser, "[data-testid=template-body]").await?;
    body.send_keys("Le ticket {{ number }} vous attend.")
        .await?;
    wait_text(
        browser,
        "[data-testid=preview-subject]",
        "Pour vous : SUP-0042",
    )
    .await?;
    wait_text(
        browser,
        "[data-testid=preview-text]",
        "Le ticket SUP-0042 vous attend.",
    )
    .await?;
    let frame = wait_css(browser, "[data-testid=preview-html]").await?;
    assert_eq!(frame.attr("sandbox").await?.as_deref(), Some(""));
    let html = frame.attr("srcdoc").await?.unwrap_or_default();
    assert!(html.contains("SUP-0042"), "{html}");

    wait_css(browser, "[data-testid=template-save]")
        .await?
        .click()
        .await?;
    wait_css(browser, "[data-testid=template-saved]").await?;
    wait_css(browser, "[data-testid=template-customised]").await?;
    let stored = stored_template(server, tenant, "assigned_to_you", "fr").await?;
    assert_eq!(stored["customised"], true, "{stored}");
    assert_eq!(stored["subject"], "Pour vous : {{ number }}");
    assert_eq!(stored["body"], "Le ticket {{ number }} vous attend.");
    page_screenshot(browser, "guichet-messages.png").await?;
    phone_screenshot(
        browser,
        "[data-testid=templates]",
        "guichet-messages-phone.png",
    )
    .await?;
    phone_screenshot(
        browser,
        "[data-testid=template-preview]",
        "guichet-messages-preview-phone.png",
    )
    .await?;

    // A fact that does not exist: the server's own error shows under the editor, and
    // saving it is refused.
    let broken = "Bonjour {{ nope }}";
    let refused = server
        .graphql(
            Some(&tenant.admin_token),
            "query($s: String!, $b: String!) { previewMessageTemplate(key: \"assigned_to_you\", lang: \"fr\", subject: $s, body: $b) { subject } }",
            json!({ "s": "Pour vous : {{ number }}", "b": broken }),
        )
        .await?;
    let message = refused["errors"][0]["message"]
        .as_str()
        .with_context(|| format!("the preview of a broken template fails: {refused}"))?
        .to_owned();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    body.clear().await?;
    body.send_keys(broken).await?;
    let shown = wait_text(browser, "[data-testid=template-error]", &message).await?;
    assert!(shown.contains(&message), "{shown}");
    wait_css(
        browser,
        "[data-testid=template-error] [data-from=preview] [data-code=BAD_USER_INPUT]",
    )
    .await?;
    wait_css(browser, "[data-testid=template-save]")
        .await?
        .click()
        .await?;
    wait_text(
        browser,
        "[data-testid=template-error] [data-from=save]",
        &message,
    )
    .await?;
    page_screenshot(browser, "guichet-messages-error.png").await?;
    let stored = stored_template(server, tenant, "assigned_to_you", "fr").await?;
    assert_eq!(stored["body"], "Le ticket {{ number }} vous attend.");

    // Back to the built-in wording.
    wait_css(browser, "[data-testid=template-reset]")
        .await?
        .click()
        .await?;
    wait_text(
        browser,
        "[data-testid=template-saved]",
        "Texte intégré rétabli",
    )
    .await?;
    let stored = stored_template(server, tenant, "assigned_to_you", "fr").await?;
    assert_eq!(stored["customised"], false, "{stored}");
    assert_eq!(
        subject.prop("value").await?.as_deref(),
        Some(""),
        "the editor is emptied"
    );
    Ok(())
}

//! Who hears of what, end to end through a real SMTP server: each event reaches the right
//! people (never its author) in the bell and by mail, by the ways each chose; mails wait
//! for working hours (breaches do not); the daily digest; admins' templates and signature.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use guichet_tests::smtp::{ReceivedMail, SmtpSink};
use guichet_tests::{both_backends, Backend, TestDatabase, TestServer};
use serde_json::{json, Value};
use server::config::Config;

const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";
const ASSIGN: &str =
    "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
const REPLY: &str = "mutation($t: ID!, $b: String!, $i: Boolean) { replyToTicket(input: { ticketId: $t, body: $b, internal: $i }) { id } }";
const BELL: &str = "{ notifications(first: 50) { kind title body ticketId } }";
const PREFS: &str = "mutation($input: NotificationPreferencesInput!) { updateMyNotificationPreferences(input: $input) { digest ownWorkingHours choices { event inApp email telegram } } }";

async fn server_with_mail(backend: Backend, sink: &SmtpSink) -> anyhow::Result<TestServer> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let config = Config {
        smtp_url: Some(sink.url.clone()),
        public_url: Some("https://support.example.test".to_owned()),
        ..Config::default()
    };
    TestServer::start_on(database, config).await
}

async fn bell(server: &TestServer, token: &str) -> anyhow::Result<Vec<Value>> {
    let data = server.ok(Some(token), BELL, json!({})).await?;
    Ok(data["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// Runs the jobs (delivery included) and returns the mails the sink got since `seen`.
async fn deliver(
    server: &TestServer,
    sink: &SmtpSink,
    seen: &mut usize,
) -> anyhow::Result<Vec<ReceivedMail>> {
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    let sent = report.mail.sent;
    let all = if sent > 0 {
        sink.wait_for(*seen + sent, Duration::from_secs(10)).await?
    } else {
        sink.received()
    };
    let new = all[*seen..].to_vec();
    *seen = all.len();
    Ok(new)
}

fn to(mails: &[ReceivedMail], address: &str) -> Vec<ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

async fn every_event_reaches_its_people_and_never_its_author(
    backend: Backend,
) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = tenant.admin_token.clone();
    let (_, alice) = tenant
        .user(&server, "alice@atelier-dupont.test", "agent", None)
        .await?;
    let (bob_id, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, portal) = tenant
        .user(
            &server,
            "portail@atelier-dupont.test",
            "customer",
            Some(&jean),
        )
        .await?;
    server
        .ok(
            Some(&admin),
            "mutation($s: String!) { setMailSignature(signature: $s) }",
            json!({ "s": "L'équipe de l'Atelier\n01 23 45 67 89" }),
        )
        .await?;
    // Alice wants new tickets by mail too.
    server
        .ok(
            Some(&alice),
            PREFS,
            json!({ "input": { "choices": [{ "event": "ticket_created", "email": true }] } }),
        )
        .await?;
    let mut seen = 0;

    // A new ticket: the staff who work it (nobody is in a department here, so everyone
    // without one, and the supervisors), but not the admin who opened it.
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière en panne")
        .await?;
    let id = ticket["id"].clone();
    let number = ticket["number"].as_str().unwrap_or_default().to_owned();
    for token in [&alice, &bob] {
        let got = bell(&server, token).await?;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["kind"], "ticket_created");
        assert!(got[0]["title"]
            .as_str()
            .unwrap_or_default()
            .contains(&number));
        // The bell does not tell how to answer from a chat.
        assert!(!got[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("/ticket"));
    }
    assert!(
        bell(&server, &admin).await?.is_empty(),
        "the author is never told"
    );
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert_eq!(
        mails.len(),
        1,
        "only Alice chose mails of new tickets: {mails:?}"
    );
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["alice@atelier-dupont.test".to_owned()]);
    assert!(mail.subject.contains(&number), "{}", mail.subject);
    assert!(
        mail.body.contains(&format!(
            "https://support.example.test/tickets/{}",
            id.as_str().unwrap_or_default()
        )),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("L'équipe de l'Atelier"), "{}", mail.body);
    let html = mail.html.clone().unwrap_or_default();
    assert!(html.contains("Atelier Dupont"), "{html}");
    assert!(html.contains("01 23 45 67 89"), "{html}");
    assert!(mail.message_id.is_some() && mail.date.is_some());

    // Assigned to Bob by the admin: Bob, in the bell and by mail.
    server
        .ok(Some(&admin), ASSIGN, json!({ "t": id, "a": bob_id }))
        .await?;
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["bob@atelier-dupont.test".to_owned()]);
    assert!(mails[0].subject.contains("assigné"), "{}", mails[0].subject);
    assert_eq!(bell(&server, &bob).await?[0]["kind"], "ticket_assigned");
    assert_eq!(bell(&server, &alice).await?.len(), 1);

    // The customer answers from the portal: the assignee hears of it, nobody else.
    server
        .ok(
            Some(&portal),
            REPLY,
            json!({ "t": id, "b": "Elle refait du bruit ce matin." }),
        )
        .await?;
    let got = bell(&server, &bob).await?;
    assert_eq!(got[0]["kind"], "message_added", "{got:?}");
    assert!(got[0]["body"]
        .as_str()
        .unwrap_or_default()
        .contains("Elle refait du bruit"));
    assert_eq!(bell(&server, &alice).await?.len(), 1);
    assert!(deliver(&server, &sink, &mut seen).await?.is_empty());

    // Bob names Alice in an internal note: Alice, by mail and in the bell; never the
    // customer, and not Bob.
    server
        .ok(
            Some(&bob),
            REPLY,
            json!({ "t": id, "b": "@alice tu connais ce modèle ?", "i": true }),
        )
        .await?;
    let got = bell(&server, &alice).await?;
    assert_eq!(got[0]["kind"], "mentioned", "{got:?}");
    assert!(got[0]["title"].as_str().unwrap_or_default().contains("bob"));
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["alice@atelier-dupont.test".to_owned()]);
    assert!(mails[0].body.contains("tu connais ce modèle"));
    assert!(bell(&server, &portal).await?.is_empty());

    // Resolved, then closed: the customer's address gets the rating link, then the
    // closing mail; the portal account sees both in its bell.
    for status in ["OPEN", "RESOLVED", "CLOSED"] {
        server
            .ok(Some(&bob), MOVE, json!({ "id": id, "s": status }))
            .await?;
    }
    let mails = deliver(&server, &sink, &mut seen).await?;
    let customer = to(&mails, "jean.dupont@atelier-dupont.test");
    assert_eq!(customer.len(), 2, "{mails:?}");
    assert!(customer[0].body.contains("/rate/"), "{}", customer[0].body);
    assert!(
        customer[1].subject.contains("fermée"),
        "{}",
        customer[1].subject
    );
    assert!(
        customer[1].body.contains("/rate/"),
        "unrated: the link again"
    );
    assert_eq!(
        mails.len(),
        2,
        "staff are not mailed of status changes: {mails:?}"
    );
    let got = bell(&server, &portal).await?;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|n| n["kind"] == "status_changed"));
    assert!(bell(&server, &admin).await?.is_empty());
    Ok(())
}

async fn choices_and_working_hours_decide_how_and_when(backend: Backend) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = tenant.admin_token.clone();
    let (bob_id, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    tenant
        .user(&server, "marc@atelier-dupont.test", "manager", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, portal) = tenant
        .user(
            &server,
            "portail@atelier-dupont.test",
            "customer",
            Some(&jean),
        )
        .await?;
    let mut seen = 0;

    // Bob works Monday to Friday, 09:00–17:00 (the tenant's time zone, Paris).
    let week: Vec<Value> = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .iter()
        .map(|d| json!({ "weekday": d, "opens": "09:00", "closes": "17:00" }))
        .collect();
    let set = server
        .ok(
            Some(&bob),
            PREFS,
            json!({ "input": { "workingHours": week } }),
        )
        .await?;
    assert_eq!(
        set["updateMyNotificationPreferences"]["ownWorkingHours"],
        true
    );
    // Bad hours and events that are not one's own are refused, typed.
    let code = server
        .error_code(
            Some(&bob),
            PREFS,
            json!({ "input": { "workingHours": [{ "weekday": "MONDAY", "opens": "18:00", "closes": "09:00" }] } }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT");
    let code = server
        .error_code(
            Some(&portal),
            PREFS,
            json!({ "input": { "choices": [{ "event": "sla_breached", "email": true }] } }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT");
    let code = server
        .error_code(
            Some(&bob),
            PREFS,
            json!({ "input": { "choices": [{ "event": "nothing\u{0}", "email": true }] } }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT");

    // Monday 09:00 UTC (10:00 in Paris): a ticket. At 20:00 UTC its first response is
    // late (8 h), and the admin gives it to Bob.
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let id = ticket["id"].clone();
    deliver(&server, &sink, &mut seen).await?;
    server.clock.advance(Span::hours(11));
    server
        .ok(Some(&admin), ASSIGN, json!({ "t": id, "a": bob_id }))
        .await?;
    // The breach goes at once, to Bob and the supervisors; the assignment waits.
    let mails = deliver(&server, &sink, &mut seen).await?;
    let bobs = to(&mails, "bob@atelier-dupont.test");
    assert_eq!(bobs.len(), 1, "{mails:?}");
    assert!(bobs[0].subject.contains("SLA"), "{}", bobs[0].subject);
    assert_eq!(to(&mails, "marc@atelier-dupont.test").len(), 1, "{mails:?}");
    assert!(
        bell(&server, &bob)
            .await?
            .iter()
            .any(|n| n["kind"] == "ticket_assigned"),
        "the bell is not held"
    );
    // Tuesday 07:30 UTC is 08:30 in Paris: still held. 08:00 UTC, 09:00 in Paris: it
    // leaves.
    server.clock.advance(Span::hours(11) + Span::minutes(30));
    assert!(to(
        &deliver(&server, &sink, &mut seen).await?,
        "bob@atelier-dupont.test"
    )
    .is_empty());
    server.clock.advance(Span::minutes(30));
    // A day has passed: sessions are signed in again.
    let admin = server.login(&tenant.admin_email, &tenant.password).await?;
    let tenant = guichet_tests::TenantFixture {
        admin_token: admin.clone(),
        ..tenant
    };
    let bob = server
        .login("bob@atelier-dupont.test", &tenant.password)
        .await?;
    let manager = server
        .login("marc@atelier-dupont.test", &tenant.password)
        .await?;
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["bob@atelier-dupont.test".to_owned()]);
    assert!(mails[0].subject.contains("assigné"), "{}", mails[0].subject);

    // Bob wants assignments in the bell only; the manager turns the bell off for them.
    server
        .ok(
            Some(&bob),
            PREFS,
            json!({ "input": { "choices": [{ "event": "ticket_assigned", "email": false }] } }),
        )
        .await?;
    server
        .ok(
            Some(&manager),
            PREFS,
            json!({ "input": { "choices": [{ "event": "ticket_assigned", "inApp": false, "email": false }] } }),
        )
        .await?;
    let (marc_id, _) = (
        server
            .ok(Some(&manager), "{ me { id } }", json!({}))
            .await?["me"]["id"]
            .clone(),
        (),
    );
    let before = bell(&server, &bob).await?.len();
    server
        .ok(Some(&admin), ASSIGN, json!({ "t": id, "a": null }))
        .await?;
    server
        .ok(Some(&admin), ASSIGN, json!({ "t": id, "a": bob_id }))
        .await?;
    server
        .ok(Some(&admin), ASSIGN, json!({ "t": id, "a": marc_id }))
        .await?;
    assert_eq!(bell(&server, &bob).await?.len(), before + 1);
    assert!(bell(&server, &manager)
        .await?
        .iter()
        .all(|n| n["kind"] != "ticket_assigned"));
    assert!(deliver(&server, &sink, &mut seen).await?.is_empty());

    // The admin makes new tickets mailed to everyone by default; Bob's own choices about
    // other events stand.
    server
        .ok(
            Some(&admin),
            "mutation($input: NotificationPreferencesInput!) { updateTenantNotificationDefaults(input: $input) { choices { event email } } }",
            json!({ "input": { "choices": [{ "event": "ticket_created", "email": true }] } }),
        )
        .await?;
    let mine = server
        .ok(
            Some(&bob),
            "{ myNotificationPreferences { choices { event email } workingHours { weekday } } }",
            json!({}),
        )
        .await?;
    let choices = mine["myNotificationPreferences"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let email_of = |event: &str| {
        choices
            .iter()
            .find(|c| c["event"] == event)
            .map(|c| c["email"].clone())
    };
    assert_eq!(email_of("ticket_created"), Some(json!(true)));
    assert_eq!(email_of("ticket_assigned"), Some(json!(false)));
    tenant
        .ticket(&server, &jean, "SUPPORT", "Radiateur")
        .await?;
    let mails = deliver(&server, &sink, &mut seen).await?;
    let mut told: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    told.sort();
    assert_eq!(
        told,
        vec![
            "bob@atelier-dupont.test".to_owned(),
            "marc@atelier-dupont.test".to_owned()
        ],
        "not the admin who opened it"
    );
    Ok(())
}

async fn the_daily_digest_comes_once_each_working_morning(backend: Backend) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = tenant.admin_token.clone();
    let (bob_id, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let mut seen = 0;
    for subject in ["Fuite", "Radiateur"] {
        let ticket = tenant.ticket(&server, &jean, "SUPPORT", subject).await?;
        server
            .ok(
                Some(&admin),
                ASSIGN,
                json!({ "t": ticket["id"], "a": bob_id }),
            )
            .await?;
    }
    deliver(&server, &sink, &mut seen).await?;
    let week: Vec<Value> = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .iter()
        .map(|d| json!({ "weekday": d, "opens": "09:00", "closes": "17:00" }))
        .collect();
    server
        .ok(
            Some(&bob),
            PREFS,
            json!({ "input": { "digest": true, "workingHours": week } }),
        )
        .await?;
    // Monday 10:00 Paris: the first digest, at once; not a second one that day.
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let digest = &mails[0];
    assert_eq!(digest.to, vec!["bob@atelier-dupont.test".to_owned()]);
    assert!(digest.subject.contains("2 ouverts"), "{}", digest.subject);
    assert!(digest.body.contains("Fuite") && digest.body.contains("Radiateur"));
    server.clock.advance(Span::hours(3));
    assert!(deliver(&server, &sink, &mut seen).await?.is_empty());
    // Monday evening (the first responses are now late: the breaches go at once), the
    // night: no digest. Tuesday 09:00 Paris: the next one.
    server.clock.advance(Span::hours(8));
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert!(
        mails.iter().all(|m| !m.subject.contains("Vos tickets")),
        "{mails:?}"
    );
    assert!(mails.iter().any(|m| m.subject.contains("SLA")), "{mails:?}");
    server.clock.advance(Span::hours(12));
    let mails = deliver(&server, &sink, &mut seen).await?;
    let digests: Vec<&ReceivedMail> = mails
        .iter()
        .filter(|m| m.subject.contains("Vos tickets"))
        .collect();
    assert_eq!(digests.len(), 1, "{mails:?}");
    assert!(
        digests[0].subject.contains("2 hors délai"),
        "{}",
        digests[0].subject
    );
    // Turned off: no more.
    let bob = server
        .login("bob@atelier-dupont.test", &tenant.password)
        .await?;
    server
        .ok(Some(&bob), PREFS, json!({ "input": { "digest": false } }))
        .await?;
    server.clock.advance(Span::days(1));
    let mails = deliver(&server, &sink, &mut seen).await?;
    assert!(mails.iter().all(|m| !m.subject.contains("Vos tickets")));
    Ok(())
}

async fn admins_word_notices_with_templates_they_preview(backend: Backend) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let other = server.tenant("Garage Martin").await?;
    let admin = tenant.admin_token.clone();
    let (bob_id, bob) = tenant
        .user(&server, "bob@atelier-dupont.test", "agent", None)
        .await?;
    let (bea_id, bea) = other
        .user(&server, "bea@garage-martin.test", "agent", None)
        .await?;
    let mut seen = 0;

    let listed = server
        .ok(
            Some(&admin),
            "{ messageTemplates { key lang customised facts builtinSubject } }",
            json!({}),
        )
        .await?;
    let listed = listed["messageTemplates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed.len(), 18 * 3);
    let assigned = listed
        .iter()
        .find(|t| t["key"] == "assigned_to_you" && t["lang"] == "fr")
        .cloned()
        .unwrap_or_default();
    assert_eq!(assigned["customised"], false);
    assert_eq!(assigned["facts"], json!(["by", "number", "subject"]));

    // A draft is previewed as the mail it makes, HTML escaped; a broken one is refused.
    const PREVIEW: &str = "query($k: String!, $l: String!, $s: String, $b: String) { previewMessageTemplate(key: $k, lang: $l, subject: $s, body: $b) { subject text html } }";
    let preview = server
        .ok(
            Some(&admin),
            PREVIEW,
            json!({ "k": "assigned_to_you", "l": "fr", "s": "{{ number }} est pour vous", "b": "{{ by }} vous confie <{{ subject }}>." }),
        )
        .await?;
    let preview = &preview["previewMessageTemplate"];
    assert_eq!(preview["subject"], "SUP-0042 est pour vous");
    assert!(preview["text"]
        .as_str()
        .unwrap_or_default()
        .starts_with("Paul Martin vous confie <Imprimante hors ligne>."));
    assert!(preview["html"]
        .as_str()
        .unwrap_or_default()
        .contains("&lt;Imprimante hors ligne&gt;"));
    for (subject, body) in [
        ("{{ numero }}", "x"),
        ("ok", "{% for %}"),
        ("ok", "nul \u{0} here"),
    ] {
        let code = server
            .error_code(
                Some(&admin),
                "mutation($s: String!, $b: String!) { setMessageTemplate(key: \"assigned_to_you\", lang: \"fr\", subject: $s, body: $b) { key } }",
                json!({ "s": subject, "b": body }),
            )
            .await?;
        assert_eq!(code, "BAD_USER_INPUT", "{subject} / {body}");
    }
    let code = server
        .error_code(
            Some(&admin),
            PREVIEW,
            json!({ "k": "assigned_to_you", "l": "de" }),
        )
        .await?;
    assert_eq!(code, "BAD_USER_INPUT");
    let code = server
        .error_code(
            Some(&bob),
            PREVIEW,
            json!({ "k": "assigned_to_you", "l": "fr" }),
        )
        .await?;
    assert_eq!(code, "FORBIDDEN");

    // Saved: the bell and the mail say it; the other tenant keeps the built-in words.
    let saved = server
        .ok(
            Some(&admin),
            "mutation { setMessageTemplate(key: \"assigned_to_you\", lang: \"fr\", subject: \"{{ number }} est pour vous\", body: \"{{ by }} vous confie « {{ subject }} ».\") { customised subject } }",
            json!({}),
        )
        .await?;
    assert_eq!(saved["setMessageTemplate"]["customised"], true);
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let number = ticket["number"].as_str().unwrap_or_default().to_owned();
    server
        .ok(
            Some(&admin),
            ASSIGN,
            json!({ "t": ticket["id"], "a": bob_id }),
        )
        .await?;
    let got = bell(&server, &bob).await?;
    let assigned = got
        .iter()
        .find(|n| n["kind"] == "ticket_assigned")
        .cloned()
        .unwrap_or_default();
    assert_eq!(assigned["title"], format!("{number} est pour vous"));
    assert!(assigned["body"]
        .as_str()
        .unwrap_or_default()
        .contains("« Fuite »"));
    let mails = deliver(&server, &sink, &mut seen).await?;
    let to_bob = to(&mails, "bob@atelier-dupont.test");
    assert_eq!(to_bob.len(), 1, "{mails:?}");
    assert_eq!(to_bob[0].subject, format!("{number} est pour vous"));

    let customer = other.customer(&server, "Luc", "Martin").await?;
    let theirs = other
        .ticket(&server, &customer, "SUPPORT", "Freins")
        .await?;
    server
        .ok(
            Some(&other.admin_token),
            ASSIGN,
            json!({ "t": theirs["id"], "a": bea_id }),
        )
        .await?;
    let got = bell(&server, &bea).await?;
    let assigned = got
        .iter()
        .find(|n| n["kind"] == "ticket_assigned")
        .cloned()
        .unwrap_or_default();
    assert!(
        assigned["title"]
            .as_str()
            .unwrap_or_default()
            .contains("vous est assigné"),
        "{assigned}"
    );

    // Reset: the built-in words again.
    let reset = server
        .ok(
            Some(&admin),
            "mutation { resetMessageTemplate(key: \"assigned_to_you\", lang: \"fr\") }",
            json!({}),
        )
        .await?;
    assert_eq!(reset["resetMessageTemplate"], true);
    Ok(())
}

both_backends!(
    every_event_reaches_its_people_and_never_its_author,
    choices_and_working_hours_decide_how_and_when,
    the_daily_digest_comes_once_each_working_morning,
    admins_word_notices_with_templates_they_preview,
);

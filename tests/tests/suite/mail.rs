//! Outgoing mail through a real SMTP server (mailin-embedded): the rating link sent when a
//! ticket is resolved, which needs a click to record anything, delivery retries, and agents'
//! replies mailed to customers, whose answers by mail thread back.

use std::sync::Arc;
use std::time::Duration;

use guichet_tests::smtp::SmtpSink;
use guichet_tests::{both_backends, Backend, TestDatabase, TestServer};
use serde_json::json;
use server::config::Config;

const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";
const RATING: &str =
    "query($id: ID!) { ticket(id: $id) { satisfactionRating satisfactionComment } }";

async fn server_with_mail(backend: Backend, smtp_url: &str) -> anyhow::Result<TestServer> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let config = Config {
        smtp_url: Some(smtp_url.to_owned()),
        public_url: Some("https://support.example.test".to_owned()),
        ..Config::default()
    };
    TestServer::start_on(database, config).await
}

/// The path of the rating link in a mail body, on the configured public address.
fn rating_path(body: &str) -> anyhow::Result<String> {
    let start = body
        .find("https://support.example.test/rate/")
        .ok_or_else(|| anyhow::anyhow!("no rating link in: {body}"))?;
    let link: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    Ok(link
        .trim_start_matches("https://support.example.test")
        .to_owned())
}

async fn resolved_ticket_mails_a_rating_link_that_needs_a_click(
    backend: Backend,
) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink.url).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière en panne")
        .await?;
    let id = ticket["id"].clone();
    let number = ticket["number"].as_str().unwrap_or_default().to_owned();
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "OPEN" }))
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": id, "s": "RESOLVED" }))
        .await?;

    // The job hands the queued mail to the SMTP server, once.
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.mail.sent, 1);
    let again = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(again.mail.sent, 0);
    let mails = sink.wait_for(1, Duration::from_secs(10)).await?;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["jean.dupont@atelier-dupont.test".to_owned()]);
    assert!(mail.subject.contains(&number), "subject: {}", mail.subject);
    let path = rating_path(&mail.body)?;

    // Following the link (as a mail scanner does) shows a form and records nothing.
    for _ in 0..2 {
        let page = server.get(&format!("{path}?stars=5"), None).await?;
        assert_eq!(page.status(), 200);
        let html = page.text().await?;
        assert!(html.contains("<form method=\"post\">"), "{html}");
        assert!(html.contains("value=\"5\" required checked"), "{html}");
        assert!(html.contains(&number));
    }
    let stored = server.ok(admin, RATING, json!({ "id": id })).await?;
    assert_eq!(stored["ticket"]["satisfactionRating"], json!(null));

    let http = reqwest::Client::new();
    let post = |stars: &str, token_path: &str| {
        http.post(format!("{}{token_path}", server.base_url))
            .form(&[("stars", stars), ("comment", "Rapide et efficace")])
            .send()
    };
    // Out of range, and a forged link, are refused.
    assert_eq!(post("9", &path).await?.status(), 400);
    let forged = format!("{}x", path);
    assert_eq!(post("4", &forged).await?.status(), 403);
    // The click records it, once.
    let done = post("4", &path).await?;
    assert_eq!(done.status(), 200);
    assert!(done.text().await?.contains("4/5"));
    assert_eq!(post("2", &path).await?.status(), 409);
    let stored = server.ok(admin, RATING, json!({ "id": id })).await?;
    assert_eq!(stored["ticket"]["satisfactionRating"], 4);
    assert_eq!(
        stored["ticket"]["satisfactionComment"],
        "Rapide et efficace"
    );

    // The link of one tenant's ticket never opens another's: tokens name tenant,
    // ticket and customer, and are signed.
    let page = server.get(&path, None).await?;
    assert!(page.text().await?.contains("4/5"));
    Ok(())
}

/// The relay is down for hours: nothing is given up, and everything leaves when it comes
/// back (a relay that refuses a mail outright gives up after five attempts: unit tests of
/// `delivery::after_failure`).
async fn an_smtp_outage_loses_nothing(backend: Backend) -> anyhow::Result<()> {
    // Nothing listens on this port yet.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = closed.local_addr()?;
    drop(closed);
    let server = server_with_mail(backend, &format!("smtp://{address}")).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant.ticket(&server, &jean, "SUPPORT", "Fuite").await?;
    let admin = Some(tenant.admin_token.as_str());
    server
        .ok(
            admin,
            "mutation($t: ID!) { replyToTicket(input: { ticketId: $t, body: \"Nous passons demain.\" }) { id } }",
            json!({ "t": ticket["id"] }),
        )
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": ticket["id"], "s": "OPEN" }))
        .await?;
    server
        .ok(admin, MOVE, json!({ "id": ticket["id"], "s": "RESOLVED" }))
        .await?;

    // Four hours of outage.
    let mut failures = 0;
    for _ in 0..8 {
        let report = server::jobs::run_due_jobs(&server.state.services).await?;
        failures += report.mail.failed;
        assert_eq!(report.mail.sent, 0);
        server.clock.advance(chrono::Duration::minutes(30));
    }
    assert!(failures >= 8, "retried all along: {failures}");
    use sea_orm::EntityTrait;
    let rows = entity::email_outbox::Entity::find()
        .all(&server.state.services.db)
        .await?;
    assert_eq!(rows.len(), 2, "the reply and the rating request");
    for row in &rows {
        assert_eq!(row.status, entity::enums::OutboxStatus::Pending, "{row:?}");
        assert!(row.last_error.is_some());
    }

    // The relay comes back: everything leaves at the next due attempt.
    let sink = SmtpSink::start_at(address)?;
    server.clock.advance(chrono::Duration::minutes(61));
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.mail.sent, 2, "{report:?}");
    let mails = sink.wait_for(2, Duration::from_secs(10)).await?;
    assert_eq!(mails.len(), 2);
    let rows = entity::email_outbox::Entity::find()
        .all(&server.state.services.db)
        .await?;
    assert!(rows
        .iter()
        .all(|r| r.status == entity::enums::OutboxStatus::Sent));
    Ok(())
}

async fn crossed_budget_thresholds_are_mailed_to_supervisors_once(
    backend: Backend,
) -> anyhow::Result<()> {
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink.url).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Entretien")
        .await?;
    let admin = Some(tenant.admin_token.as_str());
    let me = server.ok(admin, "{ me { id } }", json!({})).await?;
    server
        .ok(
            admin,
            "mutation($u: ID!) { setHourlyCost(userId: $u, hourlyCost: \"60\", effectiveFrom: \"2026-01-01\") { hourlyCost } }",
            json!({ "u": me["me"]["id"] }),
        )
        .await?;
    server
        .ok(
            admin,
            "mutation($c: ID!) { createBudget(customerId: $c, input: { periodKind: MONTH, periodStart: \"2026-03-01\", plannedAmount: \"50\" }) { id } }",
            json!({ "c": jean }),
        )
        .await?;
    let log = "mutation($t: ID!, $m: Int!) { logTime(input: { ticketId: $t, minutes: $m, workDate: \"2026-03-02\" }) { id } }";
    // 45 min at 60/h = 45.00 of 50: the 80 % threshold.
    server
        .ok(admin, log, json!({ "t": ticket["id"], "m": 45 }))
        .await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(1, Duration::from_secs(10)).await?;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec![tenant.admin_email.clone()]);
    assert!(mails[0].subject.contains("80 %"), "{}", mails[0].subject);
    assert!(mails[0].body.contains("45.00"), "{}", mails[0].body);
    // Nothing new: no second mail for the same threshold.
    server::jobs::run_due_jobs(&server.state.services).await?;
    // 10 more minutes: 55.00, past 100 %.
    server
        .ok(admin, log, json!({ "t": ticket["id"], "m": 10 }))
        .await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    // Mail leaves only inside `run_due_jobs` (the test server runs no scheduler), which
    // awaits the sink's answer to each mail, and the sink records a mail before answering:
    // what the sink holds now is all there is, a duplicate included.
    let mails = sink.received();
    assert_eq!(mails.len(), 2, "one mail per threshold");
    assert!(mails[1].subject.contains("100 %"), "{}", mails[1].subject);
    Ok(())
}

/// A ticket opened in the app: the agent's public replies reach the customer by mail (the
/// number in the subject, the thread quoted, threading headers, a tagged reply address),
/// internal notes never; the customer's answer by mail lands in the same ticket.
async fn agents_replies_reach_customers_by_mail_and_their_answers_thread_back(
    backend: Backend,
) -> anyhow::Result<()> {
    const TOKEN: &str = "mail-hook-token-0123456789";
    let sink = SmtpSink::start()?;
    let server = server_with_mail(backend, &sink.url).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let hook = server
        .ok(
            admin,
            "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }",
            json!({ "input": { "kind": "INBOUND_EMAIL", "name": "support@", "credentials": { "token": TOKEN } } }),
        )
        .await?["createIntegration"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière en panne")
        .await?;
    let (id, number) = (
        ticket["id"].clone(),
        ticket["number"].as_str().unwrap_or_default().to_owned(),
    );
    let token = tenant.admin_token.clone();
    let reply = |body: &'static str, internal: bool| {
        let (server, id, token) = (&server, id.clone(), &token);
        async move {
            server
                .ok(
                    Some(token),
                    "mutation($t: ID!, $b: String!, $i: Boolean) { replyToTicket(input: { ticketId: $t, body: $b, internal: $i }) { id } }",
                    json!({ "t": id, "b": body, "i": internal }),
                )
                .await
        }
    };

    reply("Note interne : vérifier la garantie", true).await?;
    reply("Bonjour, un technicien passe jeudi.", false).await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(1, Duration::from_secs(10)).await?;
    assert_eq!(mails.len(), 1, "the internal note is not mailed");
    let first = &mails[0];
    let first_body = first.body.replace("\r\n", "\n");
    assert_eq!(first.to, vec!["jean.dupont@atelier-dupont.test".to_owned()]);
    assert_eq!(first.subject, format!("Re: [{number}] Chaudière en panne"));
    assert!(
        first
            .body
            .starts_with("Bonjour, un technicien passe jeudi."),
        "{}",
        first.body
    );
    assert!(!first.body.contains("Note interne"), "{}", first.body);
    assert!(
        first.body.contains(&format!("(ticket {number})")),
        "{}",
        first.body
    );
    assert!(
        first_body.contains("Jean Dupont a écrit :\n> Description of Chaudière en panne"),
        "the request is quoted: {}",
        first.body
    );
    let first_id = first.message_id.clone().unwrap_or_default();
    assert!(first_id.starts_with("ticket-"), "{first_id}");
    assert!(first.date.is_some(), "every mail has a Date");
    let reply_to = first.reply_to.clone().unwrap_or_default();
    assert!(reply_to.starts_with("no-reply+t"), "{reply_to}");

    // The next reply answers the previous mail and quotes the thread, newest first.
    reply("Le technicien confirme 14 h.", false).await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(2, Duration::from_secs(10)).await?;
    let second = &mails[1];
    assert_eq!(second.in_reply_to, vec![first_id.clone()]);
    assert_eq!(second.references, vec![first_id.clone()]);
    let second_body = second.body.replace("\r\n", "\n");
    let quoted_first = second_body.find("> Bonjour, un technicien passe jeudi.");
    let quoted_request = second_body.find("> Description of Chaudière en panne");
    assert!(
        quoted_first.is_some() && quoted_first < quoted_request,
        "{}",
        second.body
    );

    // Jean answers from his mail client: to the reply address, quoting our mail.
    let answer = format!(
        "From: Jean Dupont <jean.dupont@atelier-dupont.test>\r\nTo: {reply_to}\r\nSubject: Re: [{number}] Chaudière en panne\r\nMessage-ID: <j1@client.example>\r\nIn-Reply-To: <{}>\r\nReferences: <{}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nParfait, merci !\r\n\r\nLe 2 mars 2026, Guichet a écrit :\r\n> Le technicien confirme 14 h.\r\n",
        second.message_id.clone().unwrap_or_default(),
        second.message_id.clone().unwrap_or_default(),
    );
    let posted = reqwest::Client::new()
        .post(format!("{}/channels/email/{hook}", server.base_url))
        .bearer_auth(TOKEN)
        .header("Content-Type", "message/rfc822")
        .body(answer)
        .send()
        .await?;
    assert_eq!(posted.status(), 200);
    let thread = server
        .ok(
            admin,
            "query($id: ID!) { ticket(id: $id) { messages { body authorKind } } }",
            json!({ "id": id }),
        )
        .await?;
    let last = thread["ticket"]["messages"]
        .as_array()
        .and_then(|m| m.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["body"], "Parfait, merci !");
    assert_eq!(last["authorKind"], "CUSTOMER");

    // The next reply answers Jean's mail and names the whole thread.
    reply("Parfait, à jeudi.", false).await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(3, Duration::from_secs(10)).await?;
    let third = &mails[2];
    let second_id = second.message_id.clone().unwrap_or_default();
    assert_eq!(third.in_reply_to, vec!["j1@client.example".to_owned()]);
    assert_eq!(
        third.references,
        vec![first_id.clone(), second_id, "j1@client.example".to_owned()]
    );

    // Mails outside a thread (the rating request) have a Message-ID and a Date too.
    for status in ["OPEN", "RESOLVED"] {
        server
            .ok(admin, MOVE, json!({ "id": id, "s": status }))
            .await?;
    }
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(4, Duration::from_secs(10)).await?;
    let rating = mails
        .iter()
        .find(|m| m.body.contains("/rate/"))
        .ok_or_else(|| anyhow::anyhow!("no rating mail"))?;
    assert!(rating.message_id.is_some() && rating.date.is_some());
    Ok(())
}

both_backends!(
    agents_replies_reach_customers_by_mail_and_their_answers_thread_back,
    resolved_ticket_mails_a_rating_link_that_needs_a_click,
    an_smtp_outage_loses_nothing,
    crossed_budget_thresholds_are_mailed_to_supervisors_once,
);

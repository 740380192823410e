//! Channels through the real HTTP server: integrations administration (credentials
//! write-only and encrypted), the Telegram bot (customers, staff commands, pushes) and
//! Twilio SMS/WhatsApp (signed webhooks), with the providers' APIs played by a local fake
//! that records what the outbox sends.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use guichet_tests::fake_api::{FakeApi, Recorded};
use guichet_tests::{both_backends, Backend, TenantFixture, TestDatabase, TestServer};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait as _, EntityTrait as _};
use serde_json::{json, Value};
use server::config::Config;

const PUBLIC_URL: &str = "https://support.example.test";
const CREATE: &str = "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id kind name isActive settings hasCredentials webhookUrl } }";
const LIST: &str = "{ integrations { id kind name isActive hasCredentials webhookUrl } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateIntegrationInput!) { updateIntegration(id: $id, input: $input) { id name isActive } }";
const DEACTIVATE: &str = "mutation($id: ID!) { deactivateIntegration(id: $id) { id isActive } }";
const LINK_CODE: &str =
    "mutation($id: ID!) { createTelegramLinkCode(integrationId: $id) { code command expiresAt } }";
const TICKETS: &str = "{ tickets(first: 50) { edges { node { id number status priority channel subject description customer { id firstName lastName phone } messages { body authorKind authorName internal } } } } }";
const BOT_TOKEN: &str = "123456:ABC-secret-bot-token";
const WEBHOOK_SECRET: &str = "s3cret_Webhook-Token";

async fn start(backend: Backend, fake: &FakeApi) -> anyhow::Result<TestServer> {
    let database = Arc::new(TestDatabase::create(backend).await?);
    let config = Config {
        public_url: Some(PUBLIC_URL.to_owned()),
        telegram_api_url: fake.url.clone(),
        twilio_api_url: fake.url.clone(),
        ..Config::default()
    };
    TestServer::start_on(database, config).await
}

async fn telegram_integration(
    server: &TestServer,
    tenant: &TenantFixture,
) -> anyhow::Result<String> {
    let data = server
        .ok(
            Some(&tenant.admin_token),
            CREATE,
            json!({ "input": {
                "kind": "TELEGRAM",
                "name": "Bot support",
                "credentials": { "botToken": BOT_TOKEN, "webhookSecret": WEBHOOK_SECRET },
            }}),
        )
        .await?;
    Ok(data["createIntegration"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// Posts a Bot API `Update` with a text message from `chat`.
async fn telegram(
    server: &TestServer,
    integration: &str,
    secret: Option<&str>,
    update: &Value,
) -> anyhow::Result<reqwest::Response> {
    let mut request = reqwest::Client::new()
        .post(format!(
            "{}/channels/telegram/{integration}",
            server.base_url
        ))
        .json(update);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    Ok(request.send().await?)
}

fn text_update(update_id: i64, chat: i64, message_id: i64, first: &str, text: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": { "id": chat, "is_bot": false, "first_name": first, "last_name": "Dupont", "username": "jdupont", "language_code": "fr" },
            "chat": { "id": chat, "first_name": first, "last_name": "Dupont", "type": "private" },
            "date": 1_772_442_000,
            "text": text,
        }
    })
}

/// Sends `text` from `chat` and checks the webhook accepted it.
async fn say(
    server: &TestServer,
    integration: &str,
    chat: i64,
    message_id: i64,
    text: &str,
) -> anyhow::Result<()> {
    let response = telegram(
        server,
        integration,
        Some(WEBHOOK_SECRET),
        &text_update(message_id, chat, message_id, "Jean", text),
    )
    .await?;
    anyhow::ensure!(
        response.status() == 200,
        "webhook answered {}",
        response.status()
    );
    Ok(())
}

/// Runs the jobs and returns the `sendMessage` texts the fake received, per chat.
async fn deliver(server: &TestServer, fake: &FakeApi) -> anyhow::Result<Vec<(i64, String)>> {
    fake.clear();
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    let got = fake
        .wait_for(report.channels.sent, Duration::from_secs(5))
        .await?;
    anyhow::ensure!(report.channels.failed == 0, "failed sends: {report:?}");
    let mut out = Vec::new();
    for r in got {
        anyhow::ensure!(
            r.path == format!("/bot{BOT_TOKEN}/sendMessage"),
            "unexpected request {r:?}"
        );
        let body = r.json()?;
        out.push((
            body["chat_id"].as_i64().unwrap_or_default(),
            body["text"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    Ok(out)
}

async fn tickets(server: &TestServer, token: &str) -> anyhow::Result<Vec<Value>> {
    let data = server.ok(Some(token), TICKETS, json!({})).await?;
    Ok(data["tickets"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["node"].clone())
        .collect())
}

async fn integrations_are_administered_and_credentials_never_leave(
    backend: Backend,
) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let other = server.tenant("Plomberie Martin").await?;
    let admin = Some(tenant.admin_token.as_str());

    let body = server
        .graphql(
            admin,
            CREATE,
            json!({ "input": {
                "kind": "TELEGRAM",
                "name": "Bot support",
                "credentials": { "botToken": BOT_TOKEN, "webhookSecret": WEBHOOK_SECRET },
            }}),
        )
        .await?;
    let created = &body["data"]["createIntegration"];
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(created["kind"], "TELEGRAM");
    assert_eq!(created["isActive"], true);
    assert_eq!(created["hasCredentials"], true);
    assert_eq!(
        created["webhookUrl"],
        format!("{PUBLIC_URL}/channels/telegram/{id}")
    );
    // The secrets are neither in the answer nor in the database in clear.
    assert!(!body.to_string().contains(BOT_TOKEN));
    let row = entity::integration::Entity::find_by_id(id.parse::<i64>()?)
        .one(&server.state.services.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no row"))?;
    let stored = row.credentials_encrypted.unwrap_or_default();
    assert!(stored.starts_with("v2:"), "{stored}");
    assert!(!stored.contains("secret") && !stored.contains(WEBHOOK_SECRET));

    let listed = server.ok(admin, LIST, json!({})).await?;
    assert_eq!(listed["integrations"].as_array().map(Vec::len), Some(1));
    assert!(!listed.to_string().contains(BOT_TOKEN));

    // Validation, duplicates, roles, tenants.
    let cases = [
        (
            json!({ "kind": "TELEGRAM", "name": "Sans secret", "credentials": { "botToken": "x" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "TELEGRAM", "name": "Mauvais secret", "credentials": { "botToken": "x", "webhookSecret": "pas de blancs" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "TWILIO", "name": "Sans numéro", "credentials": { "accountSid": "AC1", "authToken": "t" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "TELEGRAM", "name": "Secret court", "credentials": { "botToken": "x", "webhookSecret": "court" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "INBOUND_EMAIL", "name": "Jeton court", "credentials": { "token": "0123456789" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "TELEGRAM", "name": "  ", "credentials": { "botToken": "x", "webhookSecret": "assez-long-secret-1" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "kind": "TELEGRAM", "name": "Bot support", "credentials": { "botToken": "x", "webhookSecret": "assez-long-secret-1" } }),
            "CONFLICT",
        ),
    ];
    for (input, code) in cases {
        assert_eq!(
            server
                .error_code(admin, CREATE, json!({ "input": input.clone() }))
                .await?,
            code,
            "{input}"
        );
    }
    let (_, agent) = tenant
        .user(&server, "agent@atelier-dupont.test", "agent", None)
        .await?;
    assert_eq!(
        server.error_code(Some(&agent), LIST, json!({})).await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server
            .error_code(Some(&agent), DEACTIVATE, json!({ "id": id }))
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        server.error_code(None, LIST, json!({})).await?,
        "UNAUTHENTICATED"
    );
    let other_admin = Some(other.admin_token.as_str());
    assert_eq!(
        server
            .error_code(
                other_admin,
                UPDATE,
                json!({ "id": id, "input": { "name": "Volé" } })
            )
            .await?,
        "NOT_FOUND"
    );
    assert_eq!(
        server.ok(other_admin, LIST, json!({})).await?["integrations"],
        json!([])
    );
    assert_eq!(
        server
            .error_code(admin, UPDATE, json!({ "id": "abc", "input": {} }))
            .await?,
        "BAD_USER_INPUT"
    );

    // Rename, then rotate the secret: the old one stops working, the new one works.
    let renamed = server
        .ok(
            admin,
            UPDATE,
            json!({ "id": id, "input": { "name": "Bot Telegram", "credentials": { "botToken": BOT_TOKEN, "webhookSecret": "nouveau-secret-du-bot" } } }),
        )
        .await?;
    assert_eq!(renamed["updateIntegration"]["name"], "Bot Telegram");
    let hello = text_update(1, 555, 1, "Jean", "/start");
    assert_eq!(
        telegram(&server, &id, Some(WEBHOOK_SECRET), &hello)
            .await?
            .status(),
        401
    );
    assert_eq!(
        telegram(&server, &id, Some("nouveau-secret-du-bot"), &hello)
            .await?
            .status(),
        200
    );

    // Deactivated: the webhook is gone.
    let off = server.ok(admin, DEACTIVATE, json!({ "id": id })).await?;
    assert_eq!(off["deactivateIntegration"]["isActive"], false);
    assert_eq!(
        telegram(&server, &id, Some("nouveau-secret-du-bot"), &hello)
            .await?
            .status(),
        404
    );
    Ok(())
}

async fn telegram_customers_open_and_continue_tickets(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let bot = telegram_integration(&server, &tenant).await?;
    let admin = tenant.admin_token.as_str();

    // Bad requests never reach the domain.
    let update = text_update(
        1,
        555,
        10,
        "Jean",
        "Bonjour, j'ai un problème avec ma commande",
    );
    assert_eq!(telegram(&server, &bot, None, &update).await?.status(), 401);
    assert_eq!(
        telegram(&server, &bot, Some("wrong"), &update)
            .await?
            .status(),
        401
    );
    assert_eq!(
        telegram(&server, "999999", Some(WEBHOOK_SECRET), &update)
            .await?
            .status(),
        404
    );
    let garbage = reqwest::Client::new()
        .post(format!("{}/channels/telegram/{bot}", server.base_url))
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await?;
    assert_eq!(garbage.status(), 400);
    assert!(tickets(&server, admin).await?.is_empty());

    // The first message opens a ticket for a new customer named after the profile.
    say(
        &server,
        &bot,
        555,
        10,
        "Bonjour, j'ai un problème avec ma commande",
    )
    .await?;
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    let ticket = &list[0];
    let number = ticket["number"].as_str().unwrap_or_default().to_owned();
    assert_eq!(ticket["channel"], "TELEGRAM");
    assert_eq!(ticket["customer"]["firstName"], "Jean");
    assert_eq!(ticket["customer"]["lastName"], "Dupont");
    assert_eq!(
        ticket["description"],
        "Bonjour, j'ai un problème avec ma commande"
    );
    let sent = deliver(&server, &fake).await?;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, 555);
    assert!(sent[0].1.contains(&number), "{}", sent[0].1);

    // The next ones continue it; the same message delivered twice counts once.
    say(&server, &bot, 555, 11, "Numéro de commande 4521").await?;
    say(&server, &bot, 555, 11, "Numéro de commande 4521").await?;
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["messages"],
        json!([{ "body": "Numéro de commande 4521", "authorKind": "CUSTOMER", "authorName": "Jean Dupont", "internal": false }])
    );
    // Nobody linked: nothing pushed.
    assert!(deliver(&server, &fake).await?.is_empty());

    // An agent's reply on the portal reaches the chat.
    server
        .ok(
            Some(admin),
            "mutation($t: ID!, $b: String!) { replyToTicket(input: {ticketId: $t, body: $b}) { id } }",
            json!({ "t": list[0]["id"], "b": "Bonjour Jean, nous regardons." }),
        )
        .await?;
    // An internal note does not.
    server
        .ok(
            Some(admin),
            "mutation($t: ID!, $b: String!) { replyToTicket(input: {ticketId: $t, body: $b, internal: true}) { id } }",
            json!({ "t": list[0]["id"], "b": "Client pressé" }),
        )
        .await?;
    let sent = deliver(&server, &fake).await?;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, 555);
    assert!(sent[0].1.contains("Bonjour Jean, nous regardons."));
    // Sent once: a second run has nothing to do.
    assert!(deliver(&server, &fake).await?.is_empty());

    // Another chat is another customer and another ticket.
    say(&server, &bot, 556, 1, "Autre question").await?;
    assert_eq!(tickets(&server, admin).await?.len(), 2);
    Ok(())
}

async fn link(
    server: &TestServer,
    fake: &FakeApi,
    token: &str,
    bot: &str,
    chat: i64,
) -> anyhow::Result<()> {
    let code = server
        .ok(Some(token), LINK_CODE, json!({ "id": bot }))
        .await?;
    let command = code["createTelegramLinkCode"]["command"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    say(server, bot, chat, 1, &command).await?;
    let sent = deliver(server, fake).await?;
    anyhow::ensure!(
        sent.len() == 1 && sent[0].0 == chat && sent[0].1.contains("Compte lié"),
        "{sent:?}"
    );
    // A code works once.
    say(server, bot, chat + 1_000, 2, &command).await?;
    let sent = deliver(server, fake).await?;
    anyhow::ensure!(
        sent.iter().all(|(_, t)| !t.contains("Compte lié")),
        "{sent:?}"
    );
    Ok(())
}

async fn telegram_staff_commands_drive_tickets(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let bot = telegram_integration(&server, &tenant).await?;
    let admin = tenant.admin_token.as_str();
    let (_, agent) = tenant
        .user(&server, "agent@atelier-dupont.test", "agent", None)
        .await?;
    const AGENT_CHAT: i64 = 777;
    const CUSTOMER_CHAT: i64 = 555;
    link(&server, &fake, &agent, &bot, AGENT_CHAT).await?;

    // A customer writes: the agent is told, the customer gets the number.
    say(
        &server,
        &bot,
        CUSTOMER_CHAT,
        10,
        "Service ne fonctionne plus",
    )
    .await?;
    let ticket = tickets(&server, admin).await?[0].clone();
    let number = ticket["number"].as_str().unwrap_or_default().to_owned();
    let sent = deliver(&server, &fake).await?;
    assert_eq!(sent.len(), 2, "{sent:?}");
    let push = sent
        .iter()
        .find(|(chat, _)| *chat == AGENT_CHAT)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    assert!(
        push.starts_with(&format!("🆕 NOUVEAU TICKET {number}")),
        "{push}"
    );
    assert!(push.contains("Service ne fonctionne plus"));
    assert!(sent
        .iter()
        .any(|(chat, t)| *chat == CUSTOMER_CHAT && t.contains(&number)));

    // Each command answers in the agent's chat; `(command, expected fragment)`.
    let commands = [
        ("/help".to_owned(), "/priority".to_owned()),
        ("/tickets".to_owned(), number.clone()),
        ("/list".to_owned(), "Ouverts: 1".to_owned()),
        (
            format!("/ticket {number}"),
            "Service ne fonctionne plus".to_owned(),
        ),
        (
            format!("/priority {number} urgent"),
            format!("Priorité du ticket {number} changée de normal → urgent"),
        ),
        ("/stats".to_owned(), "Urgents: 1".to_owned()),
        (
            "/ticket SUP-1999-00042".to_owned(),
            "introuvable".to_owned(),
        ),
        (format!("/priority {number} bientôt"), "usage".to_owned()),
        ("/bogus".to_owned(), "Commande inconnue".to_owned()),
        ("bonjour".to_owned(), "/reply".to_owned()),
    ];
    for (i, (command, expected)) in commands.iter().enumerate() {
        say(&server, &bot, AGENT_CHAT, 100 + i as i64, command).await?;
        let sent = deliver(&server, &fake).await?;
        assert_eq!(sent.len(), 1, "{command}: {sent:?}");
        assert_eq!(sent[0].0, AGENT_CHAT);
        assert!(
            sent[0].1.contains(expected.as_str()),
            "{command}: {}",
            sent[0].1
        );
    }
    let after = tickets(&server, admin).await?[0].clone();
    assert_eq!(after["priority"], "URGENT");

    // A Telegram "reply" to the push answers the customer, as the agent.
    let reply = json!({
        "update_id": 500,
        "message": {
            "message_id": 500,
            "from": { "id": AGENT_CHAT, "is_bot": false, "first_name": "Agent" },
            "chat": { "id": AGENT_CHAT, "type": "private" },
            "date": 1_772_442_000,
            "text": "Bonjour, nous redémarrons le service.",
            "reply_to_message": {
                "message_id": 42,
                "from": { "id": 1, "is_bot": true, "first_name": "Guichet" },
                "chat": { "id": AGENT_CHAT, "type": "private" },
                "date": 1_772_441_000,
                "text": push,
            }
        }
    });
    let response = telegram(&server, &bot, Some(WEBHOOK_SECRET), &reply).await?;
    assert_eq!(response.status(), 200);
    let sent = deliver(&server, &fake).await?;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent
        .iter()
        .any(|(c, t)| *c == CUSTOMER_CHAT && t.contains("nous redémarrons le service")));
    assert!(sent
        .iter()
        .any(|(c, t)| *c == AGENT_CHAT && t.contains("Réponse envoyée")));
    let thread = tickets(&server, admin).await?[0]["messages"].clone();
    assert_eq!(thread[0]["authorKind"], "AGENT");
    assert_eq!(thread[0]["authorName"], "agent");

    // The customer answers: pushed to the agent.
    say(&server, &bot, CUSTOMER_CHAT, 11, "Merci, ça remarche").await?;
    let sent = deliver(&server, &fake).await?;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, AGENT_CHAT);
    assert!(sent[0]
        .1
        .starts_with(&format!("📝 RÉPONSE TICKET {number}")));

    // Close (through the workflow: resolved, then closed), then reopen.
    say(&server, &bot, AGENT_CHAT, 200, &format!("/close {number}")).await?;
    let sent = deliver(&server, &fake).await?;
    assert!(sent[0].1.contains("fermé avec succès"), "{sent:?}");
    assert_eq!(tickets(&server, admin).await?[0]["status"], "CLOSED");
    say(&server, &bot, AGENT_CHAT, 201, &format!("/reopen {number}")).await?;
    let sent = deliver(&server, &fake).await?;
    assert!(sent[0].1.contains("rouvert avec succès"), "{sent:?}");
    assert_eq!(tickets(&server, admin).await?[0]["status"], "OPEN");

    // A deactivated agent is no longer obeyed: their commands get the customers' greeting.
    server
        .state
        .services
        .db
        .execute_unprepared(
            "UPDATE users SET is_active = false WHERE email = 'agent@atelier-dupont.test'",
        )
        .await?;
    say(&server, &bot, AGENT_CHAT, 300, &format!("/close {number}")).await?;
    let sent = deliver(&server, &fake).await?;
    assert!(sent[0].1.contains("Bonjour"), "{sent:?}");
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "OPEN");
    Ok(())
}

async fn telegram_is_isolated_between_tenants(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let a = server.tenant("Atelier Dupont").await?;
    let b = server.tenant("Plomberie Martin").await?;
    let bot_a = telegram_integration(&server, &a).await?;
    let bot_b = telegram_integration(&server, &b).await?;
    let (_, agent_b) = b
        .user(&server, "agent@plomberie-martin.test", "agent", None)
        .await?;

    // A's bot writes into A only.
    say(&server, &bot_a, 555, 1, "Bonjour A").await?;
    let in_a = tickets(&server, &a.admin_token).await?;
    assert_eq!(in_a.len(), 1);
    assert!(tickets(&server, &b.admin_token).await?.is_empty());
    let number_a = in_a[0]["number"].as_str().unwrap_or_default().to_owned();

    // B's agent cannot get a code for A's bot, nor see or touch A's tickets from B's bot.
    assert_eq!(
        server
            .error_code(Some(&agent_b), LINK_CODE, json!({ "id": bot_a }))
            .await?,
        "NOT_FOUND"
    );
    deliver(&server, &fake).await?;
    link(&server, &fake, &agent_b, &bot_b, 888).await?;
    for command in [
        format!("/ticket {number_a}"),
        format!("/close {number_a}"),
        format!("/priority {number_a} low"),
        format!("/reply {number_a} piraté"),
    ] {
        say(&server, &bot_b, 888, 50, &command).await?;
        let sent = deliver(&server, &fake).await?;
        assert_eq!(sent.len(), 1, "{command}: {sent:?}");
        assert!(
            sent[0].1.contains("introuvable"),
            "{command}: {}",
            sent[0].1
        );
    }
    let in_a = tickets(&server, &a.admin_token).await?;
    assert_eq!(in_a[0]["status"], "NEW");
    assert_eq!(in_a[0]["priority"], "NORMAL");
    assert_eq!(in_a[0]["messages"], json!([]));
    // A's bot with B's secret: refused.
    let update = text_update(9, 555, 9, "Jean", "x");
    let with_b_secret = reqwest::Client::new()
        .post(format!("{}/channels/telegram/{bot_a}", server.base_url))
        .header("X-Telegram-Bot-Api-Secret-Token", "autre")
        .json(&update)
        .send()
        .await?;
    assert_eq!(with_b_secret.status(), 401);
    // B's push went to B's agent only; A's new ticket reached nobody in B.
    say(&server, &bot_a, 556, 2, "Encore A").await?;
    let sent = deliver(&server, &fake).await?;
    assert!(sent.iter().all(|(chat, _)| *chat != 888), "{sent:?}");
    Ok(())
}

fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn twilio(
    server: &TestServer,
    integration: &str,
    params: &[(&str, &str)],
    signature: &str,
) -> anyhow::Result<reqwest::Response> {
    Ok(reqwest::Client::new()
        .post(format!("{}/channels/twilio/{integration}", server.base_url))
        .header("X-Twilio-Signature", signature)
        .form(params)
        .send()
        .await?)
}

async fn twilio_sms_and_whatsapp_thread_into_tickets(backend: Backend) -> anyhow::Result<()> {
    const SID: &str = "AC0123456789abcdef0123456789abcdef";
    const AUTH: &str = "twilio-auth-token";
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let admin = tenant.admin_token.as_str();
    let created = server
        .ok(
            Some(admin),
            CREATE,
            json!({ "input": {
                "kind": "TWILIO",
                "name": "SMS",
                "credentials": { "accountSid": SID, "authToken": AUTH },
                "settings": { "smsFrom": "+33700000001", "whatsappFrom": "+33700000002" },
            }}),
        )
        .await?;
    let id = created["createIntegration"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let url = format!("{PUBLIC_URL}/channels/twilio/{id}");
    assert_eq!(created["createIntegration"]["webhookUrl"], url);

    let sms = [
        ("ToCountry", "FR"),
        ("SmsMessageSid", "SM11111111111111111111111111111111"),
        ("NumMedia", "0"),
        ("From", "+33612345678"),
        ("To", "+33700000001"),
        ("Body", "Bonjour, ma chaudière fuit"),
        ("MessageSid", "SM11111111111111111111111111111111"),
        ("AccountSid", SID),
        ("ApiVersion", "2010-04-01"),
    ];
    // Wrong signature, or none: 403 and nothing recorded.
    assert_eq!(twilio(&server, &id, &sms, "bm9wZQ==").await?.status(), 403);
    let other_url = twilio_signature(AUTH, "https://evil.example/channels/twilio/1", &sms);
    assert_eq!(twilio(&server, &id, &sms, &other_url).await?.status(), 403);
    let mut tampered = sms;
    tampered[5] = ("Body", "Virement urgent");
    assert_eq!(
        twilio(&server, &id, &tampered, &twilio_signature(AUTH, &url, &sms))
            .await?
            .status(),
        403
    );
    assert!(tickets(&server, admin).await?.is_empty());

    let response = twilio(&server, &id, &sms, &twilio_signature(AUTH, &url, &sms)).await?;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/xml")));
    assert_eq!(
        response.text().await?,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"
    );
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["channel"], "SMS");
    assert_eq!(list[0]["customer"]["phone"], "+33612345678");

    // The provider delivers the first message again: it opened its ticket once, and is not
    // added to its thread either.
    let again = twilio(&server, &id, &sms, &twilio_signature(AUTH, &url, &sms)).await?;
    assert_eq!(again.status(), 200);
    let list = tickets(&server, admin).await?;
    assert_eq!(
        list.len(),
        1,
        "a redelivered first message opened another ticket"
    );

    // A follow-up SMS threads in; a WhatsApp message from the same person is its own ticket
    // of that channel, for the same customer.
    let follow = [
        ("From", "+33612345678"),
        ("To", "+33700000001"),
        ("Body", "Photo envoyée"),
        ("MessageSid", "SM22222222222222222222222222222222"),
    ];
    assert_eq!(
        twilio(
            &server,
            &id,
            &follow,
            &twilio_signature(AUTH, &url, &follow)
        )
        .await?
        .status(),
        200
    );
    let whatsapp = [
        ("From", "whatsapp:+33612345678"),
        ("To", "whatsapp:+33700000002"),
        ("Body", "Je vous écris aussi ici"),
        ("ProfileName", "Jean"),
        ("MessageSid", "SM33333333333333333333333333333333"),
    ];
    assert_eq!(
        twilio(
            &server,
            &id,
            &whatsapp,
            &twilio_signature(AUTH, &url, &whatsapp)
        )
        .await?
        .status(),
        200
    );
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 2);

    // A captured signed request replayed later than Twilio retries: refused, for a first
    // message and for a follow-up alike.
    server.clock.advance(chrono::Duration::minutes(11));
    for replayed in [&sms[..], &follow[..]] {
        let signature = twilio_signature(AUTH, &url, replayed);
        let response = twilio(&server, &id, replayed, &signature).await?;
        assert_eq!(response.status(), 403, "a replay is refused");
    }
    let sms_ticket = list
        .iter()
        .find(|t| t["channel"] == "SMS")
        .cloned()
        .unwrap_or_default();
    let wa_ticket = list
        .iter()
        .find(|t| t["channel"] == "WHATSAPP")
        .cloned()
        .unwrap_or_default();
    assert_eq!(sms_ticket["messages"][0]["body"], "Photo envoyée");
    assert_eq!(sms_ticket["customer"]["id"], wa_ticket["customer"]["id"]);

    // Bad input is a clear 400.
    let empty = [
        ("From", "+33612345678"),
        ("Body", ""),
        ("MessageSid", "SM4"),
    ];
    assert_eq!(
        twilio(&server, &id, &empty, &twilio_signature(AUTH, &url, &empty))
            .await?
            .status(),
        400
    );
    let not_a_phone = [("From", "bonjour"), ("Body", "x"), ("MessageSid", "SM5")];
    assert_eq!(
        twilio(
            &server,
            &id,
            &not_a_phone,
            &twilio_signature(AUTH, &url, &not_a_phone)
        )
        .await?
        .status(),
        400
    );

    // Replies leave through Twilio's REST API: acknowledgements of both tickets first.
    fake.clear();
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.channels.sent, 2);
    fake.clear();
    for (ticket, body) in [
        (&sms_ticket, "Un technicien passe demain."),
        (&wa_ticket, "Bien reçu."),
    ] {
        server
            .ok(
                Some(admin),
                "mutation($t: ID!, $b: String!) { replyToTicket(input: {ticketId: $t, body: $b}) { id } }",
                json!({ "t": ticket["id"], "b": body }),
            )
            .await?;
    }
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.channels.sent, 2);
    let got: Vec<Recorded> = fake.wait_for(2, Duration::from_secs(5)).await?;
    let expected_auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{AUTH}"))
    );
    for r in &got {
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, format!("/2010-04-01/Accounts/{SID}/Messages.json"));
        assert_eq!(r.authorization.as_deref(), Some(expected_auth.as_str()));
        assert!(r
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")));
    }
    let sms_sent = got
        .iter()
        .find(|r| r.form("To").as_deref() == Some("+33612345678"))
        .ok_or_else(|| anyhow::anyhow!("no SMS sent: {got:?}"))?;
    assert_eq!(sms_sent.form("From").as_deref(), Some("+33700000001"));
    assert!(sms_sent
        .form("Body")
        .is_some_and(|b| b.contains("Un technicien passe demain.")));
    let wa_sent = got
        .iter()
        .find(|r| r.form("To").as_deref() == Some("whatsapp:+33612345678"))
        .ok_or_else(|| anyhow::anyhow!("no WhatsApp sent: {got:?}"))?;
    assert_eq!(
        wa_sent.form("From").as_deref(),
        Some("whatsapp:+33700000002")
    );
    assert!(wa_sent
        .form("Body")
        .is_some_and(|b| b.contains("Bien reçu.")));
    // A first message delivered twice at once (another sender): one ticket.
    let before = tickets(&server, admin).await?.len();
    let first = [
        ("From", "+33698765432"),
        ("To", "+33700000001"),
        ("Body", "Le radiateur est froid"),
        ("MessageSid", "SM99999999999999999999999999999999"),
    ];
    let signature = twilio_signature(AUTH, &url, &first);
    let (a, b) = tokio::join!(
        twilio(&server, &id, &first, &signature),
        twilio(&server, &id, &first, &signature)
    );
    assert_eq!(a?.status(), 200);
    assert_eq!(b?.status(), 200);
    let list = tickets(&server, admin).await?;
    assert_eq!(
        list.len(),
        before + 1,
        "a first message delivered twice at once opened two tickets"
    );
    let opened = list
        .iter()
        .find(|t| t["customer"]["phone"] == "+33698765432")
        .ok_or_else(|| anyhow::anyhow!("no ticket for the second sender in {list:?}"))?;
    assert_eq!(
        opened["messages"].as_array().map(Vec::len),
        Some(0),
        "the first message is the description, not a reply: {opened}"
    );

    Ok(())
}

async fn failed_sends_are_retried_with_backoff(backend: Backend) -> anyhow::Result<()> {
    // The provider is unreachable (nothing listens on the fake's port once it is dropped).
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    drop(fake);
    let tenant = server.tenant("Atelier Dupont").await?;
    let bot = telegram_integration(&server, &tenant).await?;
    say(&server, &bot, 555, 1, "Bonjour").await?;
    let first = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!((first.channels.sent, first.channels.failed), (0, 1));
    // Not retried before its time, then retried after a minute.
    let again = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(again.channels.failed, 0);
    server.clock.advance(chrono::Duration::minutes(2));
    let later = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(later.channels.failed, 1);
    let row = entity::channel_outbox::Entity::find()
        .one(&server.state.services.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no outbox row"))?;
    assert_eq!(row.attempts, 2);
    assert!(row.last_error.is_some_and(|e| e.contains("cannot reach")));
    Ok(())
}

/// A provider's text with NUL and terminal escapes is answered (a 5xx would make the
/// provider retry forever) and stored clean, the same on both databases.
async fn control_characters_from_a_provider_are_cleaned(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let bot = telegram_integration(&server, &tenant).await?;
    let update = text_update(
        1,
        777,
        1,
        "Je\u{0}an",
        "Chaudi\u{0}ère \u{1b}[31men panne\u{0}",
    );
    let response = telegram(&server, &bot, Some(WEBHOOK_SECRET), &update).await?;
    assert_eq!(response.status(), 200);
    let found = tickets(&server, &tenant.admin_token).await?;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["description"], "Chaudière [31men panne");
    assert_eq!(found[0]["customer"]["firstName"], "Jean");
    // Delivered again (same message id): still one ticket, still answered.
    let again = telegram(&server, &bot, Some(WEBHOOK_SECRET), &update).await?;
    assert_eq!(again.status(), 200);
    assert_eq!(tickets(&server, &tenant.admin_token).await?.len(), 1);
    Ok(())
}

/// In a group, the bot neither links staff nor obeys commands nor opens tickets: its
/// answers (internal notes included) would reach every member.
async fn the_bot_works_in_private_chats_only(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = start(backend, &fake).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let bot = telegram_integration(&server, &tenant).await?;
    let code = server
        .ok(Some(&tenant.admin_token), LINK_CODE, json!({ "id": bot }))
        .await?;
    let command = code["createTelegramLinkCode"]["command"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let group = -100_123;
    let in_group = |id: i64, text: &str| {
        json!({
            "update_id": id,
            "message": {
                "message_id": id,
                "from": { "id": 4242, "is_bot": false, "first_name": "Agathe" },
                "chat": { "id": group, "title": "Équipe", "type": "supergroup" },
                "date": 1_772_442_000,
                "text": text,
            }
        })
    };
    for (id, text) in [
        (1, command.as_str()),
        (2, "/tickets"),
        (3, "Bonjour, ma chaudière fuit"),
    ] {
        let response = telegram(&server, &bot, Some(WEBHOOK_SECRET), &in_group(id, text)).await?;
        assert_eq!(
            response.status(),
            200,
            "answered, so Telegram does not retry"
        );
    }
    let report = server::jobs::run_due_jobs(&server.state.services).await?;
    assert_eq!(report.channels.sent, 0, "nothing said in the group");
    assert!(tickets(&server, &tenant.admin_token).await?.is_empty());
    // The code was not spent: the admin links the private chat with it.
    say(&server, &bot, 4242, 10, &command).await?;
    let sent = deliver(&server, &fake).await?;
    assert!(
        sent.len() == 1 && sent[0].0 == 4242 && sent[0].1.contains("Compte lié"),
        "{sent:?}"
    );
    Ok(())
}

both_backends!(
    the_bot_works_in_private_chats_only,
    control_characters_from_a_provider_are_cleaned,
    integrations_are_administered_and_credentials_never_leave,
    telegram_customers_open_and_continue_tickets,
    telegram_staff_commands_drive_tickets,
    telegram_is_isolated_between_tenants,
    twilio_sms_and_whatsapp_thread_into_tickets,
    failed_sends_are_retried_with_backoff,
);

async fn post_mail(
    server: &TestServer,
    integration: &str,
    token: Option<&str>,
    raw: &str,
) -> anyhow::Result<(u16, Value)> {
    let mut request = reqwest::Client::new()
        .post(format!("{}/channels/email/{integration}", server.base_url))
        .header("Content-Type", "message/rfc822")
        .body(raw.replace('\n', "\r\n"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

fn raw_mail(
    from: &str,
    message_id: &str,
    in_reply_to: Option<&str>,
    subject: &str,
    body: &str,
) -> String {
    let threading = in_reply_to.map_or_else(String::new, |id| {
        format!("In-Reply-To: <{id}>\nReferences: <{id}>\n")
    });
    format!(
        "From: {from}\nTo: support@atelier-dupont.test\nSubject: {subject}\nDate: Mon, 2 Mar 2026 10:00:00 +0100\nMessage-ID: <{message_id}>\n{threading}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"
    )
}

async fn inbound_email_opens_and_threads_tickets(backend: Backend) -> anyhow::Result<()> {
    const TOKEN: &str = "mail-hook-token-0123456789";
    let sink = guichet_tests::smtp::SmtpSink::start()?;
    let database = Arc::new(TestDatabase::create(backend).await?);
    let server = TestServer::start_on(
        database,
        Config {
            smtp_url: Some(sink.url.clone()),
            public_url: Some(PUBLIC_URL.to_owned()),
            ..Config::default()
        },
    )
    .await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let other = server.tenant("Plomberie Martin").await?;
    let admin = tenant.admin_token.as_str();
    let create = |token: &'static str| json!({ "input": { "kind": "INBOUND_EMAIL", "name": "support@", "credentials": { "token": token } } });
    let id = server.ok(Some(admin), CREATE, create(TOKEN)).await?["createIntegration"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    server
        .ok(
            Some(&other.admin_token),
            CREATE,
            create("other-tenant-token"),
        )
        .await?;

    let first = raw_mail(
        "Marie Martin <Marie.Martin@example.test>",
        "m1@client.example",
        None,
        "Chaudière en panne",
        "Bonjour,\nma chaudière ne démarre plus.\nMarie",
    );
    // Authentication and input checks.
    assert_eq!(post_mail(&server, &id, None, &first).await?.0, 401);
    assert_eq!(
        post_mail(&server, &id, Some("other-tenant-token"), &first)
            .await?
            .0,
        401
    );
    assert_eq!(
        post_mail(&server, "424242", Some(TOKEN), &first).await?.0,
        404
    );
    assert_eq!(
        post_mail(&server, &id, Some(TOKEN), "pas un mail").await?.0,
        400
    );
    let anonymous =
        raw_mail("", "m0@client.example", None, "Sans expéditeur", "x").replacen("From: \n", "", 1);
    assert_eq!(
        post_mail(&server, &id, Some(TOKEN), &anonymous).await?.0,
        400
    );
    assert!(tickets(&server, admin).await?.is_empty());

    // A new mail opens a ticket for a new customer; the same mail again changes nothing.
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &first).await?;
    assert_eq!(status, 201, "{body}");
    let number = body["ticketNumber"].as_str().unwrap_or_default().to_owned();
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &first).await?;
    assert_eq!((status, body["created"].clone()), (200, json!(false)));
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["number"], number.as_str());
    assert_eq!(list[0]["channel"], "EMAIL");
    assert_eq!(list[0]["subject"], "Chaudière en panne");
    assert_eq!(list[0]["customer"]["firstName"], "Marie");
    assert_eq!(list[0]["customer"]["lastName"], "Martin");
    assert!(tickets(&server, &other.admin_token).await?.is_empty());

    // The acknowledgement answers the customer's mail and carries the number.
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(1, Duration::from_secs(10)).await?;
    let ack = &mails[0];
    assert_eq!(ack.to, vec!["marie.martin@example.test".to_owned()]);
    assert!(ack.subject.contains(&number), "{}", ack.subject);
    assert_eq!(ack.in_reply_to, vec!["m1@client.example".to_owned()]);
    let ack_id = ack.message_id.clone().unwrap_or_default();
    assert!(ack_id.starts_with("ticket-"), "{ack_id}");

    // Her answer to it threads in by In-Reply-To, without the quoted text.
    let answer = raw_mail(
        "marie.martin@example.test",
        "m2@client.example",
        Some(&ack_id),
        "Re: votre demande",
        "Voici le modèle : Chaffoteaux 24.\n\nLe lun. 2 mars 2026 à 10:05, Guichet a écrit :\n> Votre demande est enregistrée",
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &answer).await?;
    assert_eq!((status, body["ticketNumber"].clone()), (200, json!(number)));
    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["messages"][0]["body"],
        "Voici le modèle : Chaffoteaux 24."
    );

    // The agent's reply is mailed to her, answering her last mail.
    server
        .ok(
            Some(admin),
            "mutation($t: ID!, $b: String!) { replyToTicket(input: {ticketId: $t, body: $b}) { id } }",
            json!({ "t": list[0]["id"], "b": "Un technicien passe jeudi." }),
        )
        .await?;
    server::jobs::run_due_jobs(&server.state.services).await?;
    let mails = sink.wait_for(2, Duration::from_secs(10)).await?;
    let reply = &mails[1];
    assert_eq!(reply.to, vec!["marie.martin@example.test".to_owned()]);
    assert_eq!(reply.subject, format!("Re: [{number}] Chaudière en panne"));
    assert!(reply.body.contains("Un technicien passe jeudi."));
    assert_eq!(reply.in_reply_to, vec!["m2@client.example".to_owned()]);

    // A follow-up that references only her own first mail joins the ticket it opened.
    let follow_up = raw_mail(
        "marie.martin@example.test",
        "m2b@client.example",
        Some("m1@client.example"),
        "Re: Chaudière en panne",
        "J'ai oublié : elle fait un bruit.",
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &follow_up).await?;
    assert_eq!(
        (status, body["ticketNumber"].clone()),
        (200, json!(number)),
        "{body}"
    );

    // Our mails carry a reply address tagged for this ticket and this address.
    let reply_to = reply.reply_to.clone().unwrap_or_default();
    assert!(
        reply_to.starts_with("no-reply+t") && reply_to.ends_with("@guichet.localhost"),
        "{reply_to}"
    );
    // Written to it, without any threading header: it joins her ticket.
    let to_tag = raw_mail(
        "marie.martin@example.test",
        "m3@client.example",
        None,
        "Une autre question",
        "Faut-il couper l'eau ?",
    )
    .replace(
        "To: support@atelier-dupont.test",
        &format!("To: Support <{reply_to}>"),
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &to_tag).await?;
    assert_eq!(
        (status, body["ticketNumber"].clone()),
        (200, json!(number)),
        "{body}"
    );

    // Nobody else can use it, nor her references, nor her number.
    let stolen_tag = raw_mail(
        "pirate@example.test",
        "p0@evil.example",
        None,
        "Re: Chaudière",
        "Merci de payer sur ce RIB",
    )
    .replace(
        "To: support@atelier-dupont.test",
        &format!("To: {reply_to}"),
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &stolen_tag).await?;
    assert_eq!(status, 201, "{body}");
    let intruder = raw_mail(
        "pirate@example.test",
        "p1@evil.example",
        Some(&ack_id),
        &format!("Re: [{number}] Chaudière en panne"),
        "Merci de payer sur ce RIB",
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &intruder).await?;
    assert_eq!(status, 201, "{body}");
    assert_ne!(body["ticketNumber"], json!(number));
    // A mail forged in her name: with her number in the subject but no proof, it opens a
    // ticket of its own instead of speaking in hers.
    let forged = raw_mail(
        "marie.martin@example.test",
        "f1@evil.example",
        None,
        &format!("[{number}] nouveau RIB"),
        "Merci de payer sur ce RIB",
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &forged).await?;
    assert_eq!(status, 201, "{body}");
    // The relay says it is not from her: refused, nothing opens.
    let failed = format!(
        "Authentication-Results: mx.guichet.test; spf=fail smtp.mailfrom=example.test; dkim=none; dmarc=fail (p=reject)\n{}",
        raw_mail(
            "marie.martin@example.test",
            "f2@evil.example",
            Some(&ack_id),
            &format!("Re: [{number}] Chaudière en panne"),
            "Merci de payer sur ce RIB",
        )
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &failed).await?;
    assert_eq!(status, 403, "{body}");
    // When the relay vouches for her, the number in the subject is enough.
    let vouched = format!(
        "Authentication-Results: mx.guichet.test; spf=pass smtp.mailfrom=example.test; dkim=pass header.d=example.test; dmarc=pass\n{}",
        raw_mail(
            "marie.martin@example.test",
            "m4@client.example",
            None,
            &format!("[{number}] merci"),
            "Merci beaucoup.",
        )
    );
    let (status, body) = post_mail(&server, &id, Some(TOKEN), &vouched).await?;
    assert_eq!(
        (status, body["ticketNumber"].clone()),
        (200, json!(number)),
        "{body}"
    );

    let list = tickets(&server, admin).await?;
    assert_eq!(list.len(), 4, "hers, the pirate's two, and the forged one");
    let marie = list
        .iter()
        .find(|t| t["number"] == number.as_str())
        .cloned()
        .unwrap_or_default();
    let bodies: Vec<&str> = marie["messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|x| x["body"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        bodies,
        vec![
            "Voici le modèle : Chaffoteaux 24.",
            "Un technicien passe jeudi.",
            "J'ai oublié : elle fait un bruit.",
            "Faut-il couper l'eau ?",
            "Merci beaucoup."
        ]
    );
    Ok(())
}

both_backends!(inbound_email_opens_and_threads_tickets);

//! Hostile input at scale: generated cases (proptest strategies, a fixed seed so a run can
//! be repeated) posted to every inbound door of a running server: the Telegram, Twilio and
//! e-mail webhooks with their right credentials, GraphQL mutations and multipart uploads.
//! Whatever arrives, the answer is never a 5xx, GraphQL errors always carry a code, and
//! nothing is half-written: the rows that exist are exactly those of the accepted calls.
//! (The parsers' own properties run thousands of cases each as unit tests in `server`.)

use std::sync::Arc;

use anyhow::anyhow;
use guichet_tests::fake_api::FakeApi;
use guichet_tests::{both_backends, Backend, TenantFixture, TestDatabase, TestServer};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const PUBLIC_URL: &str = "https://support.example.test";
const WEBHOOK_SECRET: &str = "s3cret_Webhook-Token";
const TWILIO_TOKEN: &str = "twilio-auth-token";
const MAIL_TOKEN: &str = "mail-hook-token-0123456789";

/// `n` values of `strategy`, the same on every run.
fn samples<S: Strategy>(strategy: S, n: usize) -> anyhow::Result<Vec<S::Value>> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .map(|tree| tree.current())
                .map_err(|reason| anyhow!("{reason}"))
        })
        .collect()
}

/// Text as people and attackers send it: any Unicode (control characters included),
/// quotes and wildcards, NUL, very long.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        "[%_\\\\'\";<>&\\-=+@]{0,12}",
        Just("\u{0}".to_owned()),
        Just("a\u{0}b".to_owned()),
        "[a-z ]{2000,6000}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Telegram updates: well-formed ones with hostile values, and arbitrary JSON.
fn telegram_update() -> impl Strategy<Value = Value> {
    let well_formed = (
        any::<i64>(),
        any::<i64>(),
        prop_oneof![
            Just("private"),
            Just("group"),
            Just("supergroup"),
            Just("channel")
        ],
        text(),
        text(),
        any::<i64>(),
    )
        .prop_map(|(update, chat, kind, first, body, from)| {
            json!({
                "update_id": update,
                "message": {
                    "message_id": update.wrapping_add(1),
                    "date": 1_772_000_000,
                    "chat": { "id": chat, "type": kind },
                    "from": { "id": from, "is_bot": false, "first_name": first },
                    "text": body,
                }
            })
        });
    prop_oneof![3 => well_formed, 1 => json_value()]
}

fn twilio_params() -> impl Strategy<Value = Vec<(String, String)>> {
    let from = prop_oneof![
        Just("+33612345678".to_owned()),
        "\\+[0-9]{6,15}",
        "whatsapp:\\+[0-9]{6,15}",
        text(),
    ];
    (
        from,
        text(),
        prop_oneof!["SM[0-9a-f]{32}", text()],
        proptest::option::of(text()),
    )
        .prop_map(|(from, body, sid, profile)| {
            let mut params = vec![
                ("From".to_owned(), from),
                ("To".to_owned(), "+33700000001".to_owned()),
                ("Body".to_owned(), body),
                ("MessageSid".to_owned(), sid),
            ];
            if let Some(profile) = profile {
                params.push(("ProfileName".to_owned(), profile));
            }
            params
        })
}

/// RFC 822-ish messages: the headers that matter with hostile values, any body; and raw
/// bytes.
fn mail() -> impl Strategy<Value = Vec<u8>> {
    let address = prop_oneof![
        "[a-z]{1,8}@[a-z]{1,8}\\.test",
        "\"[^\"]{0,10}\" <[a-z]{1,8}@[a-z]{1,8}\\.test>",
        text(),
    ];
    let built = (
        address,
        text(),
        prop_oneof!["<[a-z0-9]{1,12}@[a-z]{1,8}>", text()],
        proptest::option::of("<[a-z0-9]{1,12}@[a-z]{1,8}>"),
        text(),
    )
        .prop_map(|(from, subject, id, reply, body)| {
            let threading = reply
                .map(|r| format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"))
                .unwrap_or_default();
            format!(
                "From: {from}\r\nTo: support@example.test\r\nSubject: {subject}\r\nMessage-ID: {id}\r\n{threading}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
            )
            .into_bytes()
        });
    prop_oneof![3 => built, 1 => proptest::collection::vec(any::<u8>(), 0..300)]
}

async fn integration(
    server: &TestServer,
    tenant: &TenantFixture,
    input: Value,
) -> anyhow::Result<String> {
    let data = server
        .ok(
            Some(&tenant.admin_token),
            "mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await?;
    data["createIntegration"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no integration id"))
}

async fn ticket_count(server: &TestServer, tenant: &TenantFixture) -> anyhow::Result<u64> {
    Ok(entity::ticket::Entity::find()
        .filter(entity::ticket::Column::TenantId.eq(tenant.id))
        .count(&server.state.services.db)
        .await?)
}

/// A GraphQL answer is data, or errors that each carry a code other than `INTERNAL`:
/// whether `field` came back (the call was accepted); what is wrong goes to `failures`.
fn judge(
    answer: anyhow::Result<Value>,
    field: &str,
    what: &dyn std::fmt::Debug,
    failures: &mut Vec<String>,
) -> bool {
    let body = match answer {
        Ok(body) => body,
        Err(error) => {
            failures.push(format!("no GraphQL answer for {what:?}: {error}"));
            return false;
        }
    };
    if let Some(errors) = body.get("errors") {
        let codes: Vec<&str> = errors
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|e| e["extensions"]["code"].as_str().unwrap_or(""))
                    .collect()
            })
            .unwrap_or_default();
        if codes.is_empty() || codes.iter().any(|c| c.is_empty() || *c == "INTERNAL") {
            failures.push(format!("{what:?}: {body}"));
        }
        return false;
    }
    body["data"][field]["id"].is_string()
}

async fn channels_answer_any_delivery(backend: Backend) -> anyhow::Result<()> {
    let fake = FakeApi::start().await?;
    let server = TestServer::start_on(
        Arc::new(TestDatabase::create(backend).await?),
        server::config::Config {
            public_url: Some(PUBLIC_URL.to_owned()),
            telegram_api_url: fake.url.clone(),
            twilio_api_url: fake.url.clone(),
            ..server::config::Config::default()
        },
    )
    .await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let http = reqwest::Client::new();
    let mut failures = Vec::new();

    let telegram = integration(
        &server,
        &tenant,
        json!({ "kind": "TELEGRAM", "name": "Bot", "credentials": { "botToken": "1:x", "webhookSecret": WEBHOOK_SECRET } }),
    )
    .await?;
    for update in samples(telegram_update(), 150)? {
        let response = http
            .post(format!("{}/channels/telegram/{telegram}", server.base_url))
            .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
            .json(&update)
            .send()
            .await?;
        if response.status().is_server_error() {
            failures.push(format!("telegram {}: {update}", response.status()));
        }
    }

    let twilio = integration(
        &server,
        &tenant,
        json!({ "kind": "TWILIO", "name": "SMS", "credentials": { "accountSid": "AC0", "authToken": TWILIO_TOKEN }, "settings": { "smsFrom": "+33700000001" } }),
    )
    .await?;
    let url = format!("{PUBLIC_URL}/channels/twilio/{twilio}");
    for params in samples(twilio_params(), 150)? {
        let response = http
            .post(format!("{}/channels/twilio/{twilio}", server.base_url))
            .header(
                "X-Twilio-Signature",
                server::channels::twilio::signature(TWILIO_TOKEN, &url, &params),
            )
            .form(&params)
            .send()
            .await?;
        if response.status().is_server_error() {
            failures.push(format!("twilio {}: {params:?}", response.status()));
        }
    }

    let email = integration(
        &server,
        &tenant,
        json!({ "kind": "INBOUND_EMAIL", "name": "support@", "credentials": { "token": MAIL_TOKEN } }),
    )
    .await?;
    let before = ticket_count(&server, &tenant).await?;
    let mut opened = 0;
    for raw in samples(mail(), 200)? {
        let response = http
            .post(format!("{}/channels/email/{email}", server.base_url))
            .bearer_auth(MAIL_TOKEN)
            .header("Content-Type", "message/rfc822")
            .body(raw.clone())
            .send()
            .await?;
        let status = response.status();
        if status.is_server_error() {
            failures.push(format!(
                "e-mail {status}: {:?}",
                String::from_utf8_lossy(&raw)
            ));
        }
        if status.as_u16() == 201 {
            opened += 1;
        }
    }
    assert_eq!(
        ticket_count(&server, &tenant).await? - before,
        opened,
        "every ticket opened by mail was answered 201, and no refused mail left one"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

async fn mutations_answer_any_input(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let admin = Some(tenant.admin_token.as_str());
    let mut failures = Vec::new();
    let mut created = 0;
    let cases = (
        text(),
        text(),
        prop_oneof![Just("SUPPORT".to_owned()), Just("SALES".to_owned()), text()],
        proptest::option::of(prop_oneof![Just("HIGH".to_owned()), text()]),
    );
    for (subject, description, kind, priority) in samples(cases, 150)? {
        let mut input = json!({
            "ticketType": kind, "subject": subject, "description": description, "customerId": customer,
        });
        if let Some(priority) = priority {
            input["priority"] = json!(priority);
        }
        let answer = server
            .graphql(
                admin,
                "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id subject } }",
                json!({ "input": input }),
            )
            .await;
        if judge(answer, "createTicket", &input, &mut failures) {
            created += 1;
        }
    }
    assert_eq!(
        ticket_count(&server, &tenant).await?,
        created,
        "the tickets that exist are exactly the accepted ones"
    );

    // Customers: every field a string from the strategy.
    let customers = (
        text(),
        text(),
        proptest::option::of(text()),
        proptest::option::of(text()),
    );
    for (first, last, email, phone) in samples(customers, 120)? {
        let input = json!({ "firstName": first, "lastName": last, "email": email, "phone": phone });
        let answer = server
            .graphql(
                admin,
                "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        judge(answer, "createCustomer", &input, &mut failures);
    }

    // Uploads: any name, any bytes.
    let ticket = tenant
        .ticket(&server, &customer, "SUPPORT", "Pièces jointes")
        .await?;
    let uploads = (text(), proptest::collection::vec(any::<u8>(), 0..2048));
    let mut stored = 0;
    for (name, bytes) in samples(uploads, 60)? {
        let answer = server.upload_as(admin, &ticket["id"], &name, bytes).await;
        if judge(answer, "uploadAttachment", &name, &mut failures) {
            stored += 1;
        }
    }
    let attachments = entity::attachment::Entity::find()
        .filter(entity::attachment::Column::TenantId.eq(tenant.id))
        .count(&server.state.services.db)
        .await?;
    assert_eq!(
        attachments, stored,
        "the attachments that exist are the accepted ones"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

both_backends!(channels_answer_any_delivery, mutations_answer_any_input);

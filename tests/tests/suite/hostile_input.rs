//! Every input has an answer: control characters are refused with `BAD_USER_INPUT` the
//! same on both databases (PostgreSQL used to answer `INTERNAL` for a NUL), `%` and `_`
//! match themselves in searches, and parse, validation and limit errors carry a code.

use std::sync::Arc;

use guichet_tests::{both_backends, Backend, TestDatabase, TestServer};
use serde_json::{json, Value};

const CREATE: &str =
    "mutation($input: CreateTicketInput!) { createTicket(input: $input) { id subject } }";

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn control_characters_are_refused_before_anything_is_written(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let customer = tenant.customer(&server, "Jean", "Dupont").await?;
    let token = Some(tenant.admin_token.as_str());
    for (subject, description) in [
        ("Nul\u{0}", "d"),
        ("ok", "\u{1b}[2J effacé"),
        ("ok", "cloche\u{7}"),
    ] {
        let refused = server
            .graphql(
                token,
                CREATE,
                json!({ "input": { "ticketType": "SUPPORT", "subject": subject, "description": description, "customerId": customer } }),
            )
            .await?;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(refused["errors"][0]["extensions"]["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("input.")));
    }
    // Spelled inside the document rather than in a variable.
    let inline = format!(
        "mutation {{ createTicket(input: {{ ticketType: SUPPORT, subject: \"a\\u0000b\", description: \"d\", customerId: \"{}\" }}) {{ id }} }}",
        customer
    );
    let refused = server.graphql(token, &inline, json!({})).await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    // Nothing was written; layout characters are fine.
    let kept = server
        .ok(
            token,
            CREATE,
            json!({ "input": { "ticketType": "SUPPORT", "subject": "Deux lignes", "description": "un\r\ndeux\ttrois", "customerId": customer } }),
        )
        .await?;
    assert_eq!(kept["createTicket"]["subject"], "Deux lignes");
    let count = server
        .ok(token, "{ tickets { edges { node { id } } } }", json!({}))
        .await?;
    assert_eq!(count["tickets"]["edges"].as_array().map(Vec::len), Some(1));
    Ok(())
}

async fn searches_take_wildcards_literally(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    tenant.customer(&server, "Jean", "Dupont").await?;
    tenant.customer(&server, "Marie", "Taux_100%").await?;
    let token = Some(tenant.admin_token.as_str());
    let search = "query($s: String) { customers(search: $s) { lastName } }";
    let names = |data: &Value| -> Vec<String> {
        data["customers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["lastName"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    for (term, expected) in [
        ("%", vec!["Taux_100%"]),
        ("_", vec!["Taux_100%"]),
        ("x_1", vec!["Taux_100%"]),
        ("DUPONT", vec!["Dupont"]),
        ("\\", vec![]),
    ] {
        let data = server.ok(token, search, json!({ "s": term })).await?;
        assert_eq!(names(&data), expected, "search {term:?}");
    }
    Ok(())
}

async fn every_error_has_a_code(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let token = Some(tenant.admin_token.as_str());
    for query in [
        "{ tickets { ",                                                // parse error
        "{ nothingHere }",                                             // unknown field
        "query($n: Int!) { tickets(first: $n) { edges { cursor } } }", // missing variable
        "{ ticket(id: 1, nope: 2) { id } }",                           // unknown argument
    ] {
        let response = server.graphql(token, query, json!({})).await?;
        let errors = response["errors"].as_array().cloned().unwrap_or_default();
        assert!(!errors.is_empty(), "{query}: {response}");
        for error in errors {
            assert!(
                error["extensions"]["code"].is_string(),
                "{query}: an error without a code: {error}"
            );
        }
    }
    // Too deep for the configured limit.
    let nested = format!(
        "{{ tickets {{ edges {{ node {{ {} id {} }} }} }} }}",
        "mergedInto { ".repeat(20),
        "} ".repeat(20)
    );
    let response = server.graphql(token, &nested, json!({})).await?;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response}");
    Ok(())
}

/// Dates at the calendar's ends are refused, not a panic (which would drop the
/// connection); every answer carries the site's security headers.
async fn extreme_dates_and_headers(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let token = Some(tenant.admin_token.as_str());
    let report = "query($f: NaiveDate!, $t: NaiveDate!) { ticketTimesReport(filter: { from: $f, to: $t }) { tickets } }";
    for (from, to) in [
        ("0001-01-01", "0001-01-02"),
        ("+262143-12-30", "+262143-12-31"),
        ("-262143-01-01", "-262143-01-02"),
    ] {
        let refused = server
            .graphql(token, report, json!({ "f": from, "t": to }))
            .await?;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{from}–{to}: {refused}");
    }
    let csv = server
        .get(
            "/reports/ticket-times.csv?from=%2B262143-12-30&to=%2B262143-12-31",
            token,
        )
        .await?;
    assert_eq!(csv.status(), 400);
    let budget = server
        .graphql(
            token,
            "mutation($c: ID!) { createBudget(customerId: $c, input: { periodKind: MONTH, periodStart: \"+262143-12-01\", plannedAmount: \"10\" }) { id } }",
            json!({ "c": tenant.customer(&server, "Jean", "Dupont").await? }),
        )
        .await?;
    assert_eq!(code(&budget), "BAD_USER_INPUT", "{budget}");

    for path in ["/", "/healthz", "/tickets/12"] {
        let response = server.get(path, None).await?;
        let headers = response.headers();
        let policy = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert_eq!(
            headers.get("referrer-policy").and_then(|v| v.to_str().ok()),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            headers
                .get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
    }
    Ok(())
}

/// What one request may ask is counted on what it costs: aliases, root fields, one
/// sign-in, directives, and lists by the items they may hold; introspection and field
/// suggestions are off unless configured on.
async fn operations_are_limited_by_what_they_cost(backend: Backend) -> anyhow::Result<()> {
    let database = std::sync::Arc::new(guichet_tests::TestDatabase::create(backend).await?);
    let config = server::config::Config {
        graphql_complexity_limit: 1_000,
        ..server::config::Config::default()
    };
    let server = TestServer::start_on(database, config).await?;
    let tenant = server.tenant("Alpha").await?;
    let token = Some(tenant.admin_token.as_str());

    let aliases: String = (0..40).map(|i| format!("a{i}: me {{ email }} ")).collect();
    let refused = server
        .graphql(token, &format!("{{ {aliases} }}"), json!({}))
        .await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    assert!(refused["data"].is_null(), "nothing ran: {refused}");
    // Aliases hidden in a fragment spread many times count as many times.
    let spread: String = (0..20)
        .map(|i| format!("s{i}: tickets {{ ...Many }} "))
        .collect();
    let fragment = "fragment Many on TicketConnection { a: pageInfo { hasNextPage } b: pageInfo { hasNextPage } }";
    let refused = server
        .graphql(token, &format!("{{ {spread} }} {fragment}"), json!({}))
        .await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");

    let logins = "mutation { a: login(email: \"x@y.z\", password: \"p\") { token } b: login(email: \"x@y.z\", password: \"q\") { token } }";
    let refused = server.graphql(None, logins, json!({})).await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        refused["errors"][0]["message"], "one sign-in per request",
        "{refused}"
    );

    let directives = format!("{{ me {{ email {} }} }}", "@include(if: true) ".repeat(40));
    let refused = server.graphql(token, &directives, json!({})).await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");

    // A page of 5 fits where a page of 100 of the same tickets does not.
    let page = |n: u32| {
        format!("{{ tickets(first: {n}) {{ nodes {{ id number subject description status priority channel createdAt updatedAt }} }} }}")
    };
    let small = server.graphql(token, &page(5), json!({})).await?;
    assert!(small["errors"].is_null(), "{small}");
    let large = server.graphql(token, &page(100), json!({})).await?;
    assert_eq!(code(&large), "BAD_USER_INPUT", "{large}");

    let introspection = server
        .graphql(token, "{ __schema { types { name } } }", json!({}))
        .await?;
    // Disabled introspection reveals nothing (async-graphql answers null, no error).
    assert!(
        introspection["data"]["__schema"].is_null(),
        "{introspection}"
    );
    let typo = server
        .graphql(token, "{ ticketz { nodes { id } } }", json!({}))
        .await?;
    let message = typo["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        !message.contains("Did you mean"),
        "no suggestions: {message}"
    );
    assert_eq!(
        server.get("/graphql", None).await?.status(),
        405,
        "no GraphiQL"
    );
    Ok(())
}

/// Failed sign-ins wait longer and longer, per account and per client address, with a
/// clear code; unknown accounts, accounts without a password and unknown organisations
/// get the same words as a wrong password.
async fn failed_sign_ins_are_throttled(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Alpha").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    // A portal account created without a password.
    server::domain::users::insert_user(
        &server.state.services.db,
        tenant.id,
        server::domain::users::NewUser {
            email: "sans-mot-de-passe@alpha.test".into(),
            password: None,
            display_name: "Sans".into(),
            role: entity::enums::Role::Customer,
            department: None,
            customer_id: jean.parse().ok(),
            max_open_tickets: 10,
        },
        server.clock_now(),
    )
    .await?;
    let login = "mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, tenant: $t) { token } }";
    let attempt = |email: &str, password: &str, tenant_slug: Option<&str>| json!({ "e": email, "p": password, "t": tenant_slug });
    let mut words = Vec::new();
    for vars in [
        attempt(&tenant.admin_email, "wrong password", None),
        attempt("nobody@alpha.test", "wrong password", None),
        attempt("sans-mot-de-passe@alpha.test", "wrong password", None),
        attempt(
            &tenant.admin_email,
            &tenant.password,
            Some("no-such-organisation"),
        ),
    ] {
        let refused = server.graphql(None, login, vars).await?;
        assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
        words.push(refused["errors"][0]["message"].clone());
    }
    words.dedup();
    assert_eq!(
        words.len(),
        1,
        "the same words whatever was wrong: {words:?}"
    );

    // The admin's account: 5 failures are free (one spent above), then waits begin.
    for _ in 0..5 {
        let refused = server
            .graphql(None, login, attempt(&tenant.admin_email, "wrong", None))
            .await?;
        assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
    }
    let mut waits = Vec::new();
    for _ in 0..3 {
        let limited = server
            .graphql(
                None,
                login,
                attempt(&tenant.admin_email, &tenant.password, None),
            )
            .await?;
        assert_eq!(
            code(&limited),
            "RATE_LIMITED",
            "even the right password waits: {limited}"
        );
        let wait = limited["errors"][0]["extensions"]["retryAfter"]
            .as_i64()
            .unwrap_or_default();
        assert!(wait > 0, "{limited}");
        server.clock.advance(chrono::Duration::seconds(wait));
        let refused = server
            .graphql(None, login, attempt(&tenant.admin_email, "wrong", None))
            .await?;
        assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
        waits.push(wait);
    }
    assert!(
        waits.windows(2).all(|w| w[1] > w[0]),
        "growing waits: {waits:?}"
    );
    // After the wait, the right password signs in and clears the account's count.
    let limited = server
        .graphql(
            None,
            login,
            attempt(&tenant.admin_email, &tenant.password, None),
        )
        .await?;
    let wait = limited["errors"][0]["extensions"]["retryAfter"]
        .as_i64()
        .unwrap_or_default();
    server.clock.advance(chrono::Duration::seconds(wait));
    server.login(&tenant.admin_email, &tenant.password).await?;

    // From one address, guessing across many accounts is throttled too.
    let mut limited = None;
    for i in 0..30 {
        let response = server
            .graphql(
                None,
                login,
                attempt(&format!("guess{i}@alpha.test"), "x", None),
            )
            .await?;
        if code(&response) == "RATE_LIMITED" {
            limited = Some(i);
            break;
        }
    }
    assert!(limited.is_some(), "the address is throttled");
    Ok(())
}

/// Behind a trusted reverse proxy the client's address comes from `X-Forwarded-For`
/// (its right-most entry the proxy wrote); from anyone else the header is ignored, so
/// rotating it does not escape the sign-in throttle.
async fn forwarded_addresses_count_only_behind_trusted_proxies(
    backend: Backend,
) -> anyhow::Result<()> {
    let login = "mutation($e: String!) { login(email: $e, password: \"x\") { token } }";
    let guess = |server: &TestServer, forwarded: String, i: usize| {
        let url = format!("{}/graphql", server.base_url);
        async move {
            let body: Value = reqwest::Client::new()
                .post(url)
                .header("X-Forwarded-For", forwarded)
                .json(&json!({ "query": login, "variables": { "e": format!("guess{i}@alpha.test") } }))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(code(&body).to_owned())
        }
    };
    // The test's own client connects from 127.0.0.1: a trusted proxy here.
    let behind = TestServer::start_on(
        Arc::new(TestDatabase::create(backend).await?),
        server::config::Config {
            trusted_proxies: vec!["127.0.0.1".parse()?],
            ..server::config::Config::default()
        },
    )
    .await?;
    let mut limited_at = None;
    for i in 0..30 {
        // A client wrote the left entry; the proxy appended the real address.
        let forwarded = format!("198.51.100.{i}, 203.0.113.1");
        if guess(&behind, forwarded, i).await? == "RATE_LIMITED" {
            limited_at = Some(i);
            break;
        }
    }
    assert!(
        limited_at.is_some(),
        "203.0.113.1 is throttled whatever it writes before"
    );
    assert_eq!(
        guess(&behind, "203.0.113.2".into(), 100).await?,
        "UNAUTHENTICATED",
        "another client behind the proxy is not"
    );

    // Without trusted proxies the header means nothing.
    let direct = TestServer::start(backend).await?;
    let mut limited = false;
    for i in 0..30 {
        if guess(&direct, format!("203.0.113.{i}"), i).await? == "RATE_LIMITED" {
            limited = true;
            break;
        }
    }
    assert!(
        limited,
        "rotating X-Forwarded-For does not escape the throttle"
    );
    Ok(())
}

both_backends!(
    failed_sign_ins_are_throttled,
    forwarded_addresses_count_only_behind_trusted_proxies,
    operations_are_limited_by_what_they_cost,
    extreme_dates_and_headers,
    control_characters_are_refused_before_anything_is_written,
    searches_take_wildcards_literally,
    every_error_has_a_code,
);

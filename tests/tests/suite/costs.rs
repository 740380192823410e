//! Hourly costs, the cost of work and budgets, over the GraphQL API, on both databases.
//!
//! Figures are computed by hand below, to the cent. Rates: Agathe 40.00 €/h from 1 January
//! 2026, 45.55 €/h from 16 February (80.00 €/h from 1 March, set late in the test); Bruno
//! 7.50 €/h from 1 January; the admin has none. Work:
//!
//! | ticket (customer) | who    | date       | minutes | units (min × rate × 10 000) |
//! |-------------------|--------|------------|---------|-----------------------------|
//! | T1 (Jean)         | Agathe | 2026-02-10 | 90      | 36 000 000                  |
//! | T1 (Jean)         | Agathe | 2026-02-16 | 50      | 22 775 000                  |
//! | T2 (Marie)        | Agathe | 2026-03-02 | 25      | 11 387 500                  |
//! | T2 (Marie)        | Bruno  | 2026-03-02 | 1       | 75 000 (0.125 € → 0.13 €)   |
//! | T2 (Marie)        | admin  | 2026-03-02 | 30      | 0                           |
//!
//! An amount is units ÷ 600 000, rounded half away from zero to cents.

use guichet_tests::{both_backends, Backend, TenantFixture, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use server::domain::costs::budgets::raise_budget_alerts;
use server::jobs::run_due_jobs;

const SET_COST: &str = "mutation($u: ID!, $c: Decimal!, $d: NaiveDate!) { setHourlyCost(userId: $u, hourlyCost: $c, effectiveFrom: $d) { hourlyCost currency effectiveFrom user { email } } }";
const HISTORY: &str = "query($u: ID!) { hourlyCosts(userId: $u) { hourlyCost effectiveFrom } }";
const LOG: &str = "mutation($t: ID!, $m: Int!, $d: NaiveDate) { logTime(input: { ticketId: $t, minutes: $m, workDate: $d }) { id } }";
const REPORT: &str = "query($g: CostGrouping!, $from: NaiveDate, $to: NaiveDate) { costReport(groupBy: $g, from: $from, to: $to) { periodStart minutes amount ticket { number } customer { lastName } agent { email } } }";
const TICKET_COST: &str = "query($id: ID!) { ticket(id: $id) { cost loggedMinutes } }";
const CREATE_BUDGET: &str = "mutation($c: ID!, $input: BudgetInput!) { createBudget(customerId: $c, input: $input) { id periodStart periodEnd plannedAmount actualAmount remainingAmount consumedPercent projectedAmount loggedMinutes exceeded thresholds raisedThresholds } }";
const BUDGET: &str = "query($id: ID!) { budget(id: $id) { plannedAmount actualAmount remainingAmount projectedAmount exceeded raisedThresholds customer { lastName } } }";

struct Setup {
    server: TestServer,
    tenant: TenantFixture,
    agathe: (String, String),
    bruno: (String, String),
    manager: (String, String),
    jean: String,
    marie: String,
    t1: Value,
    t2: Value,
}

async fn setup(backend: Backend) -> anyhow::Result<Setup> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let agathe = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let bruno = tenant
        .user(&server, "bruno@atelier-dupont.test", "agent", None)
        .await?;
    let manager = tenant
        .user(&server, "martin@atelier-dupont.test", "manager", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Curie").await?;
    let t1 = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière")
        .await?;
    let t2 = tenant.ticket(&server, &marie, "SUPPORT", "Facture").await?;
    let admin = Some(tenant.admin_token.as_str());
    for (user, cost, from) in [
        (&agathe.0, "40.00", "2026-01-01"),
        (&agathe.0, "45.55", "2026-02-16"),
        (&bruno.0, "7.5", "2026-01-01"),
    ] {
        server
            .ok(admin, SET_COST, json!({ "u": user, "c": cost, "d": from }))
            .await?;
    }
    Ok(Setup {
        server,
        tenant,
        agathe,
        bruno,
        manager,
        jean,
        marie,
        t1,
        t2,
    })
}

async fn log_work(s: &Setup) -> anyhow::Result<()> {
    let admin = s.tenant.admin_token.as_str();
    for (token, ticket, minutes, date) in [
        (s.agathe.1.as_str(), &s.t1, 90, "2026-02-10"),
        (s.agathe.1.as_str(), &s.t1, 50, "2026-02-16"),
        (s.agathe.1.as_str(), &s.t2, 25, "2026-03-02"),
        (s.bruno.1.as_str(), &s.t2, 1, "2026-03-02"),
        (admin, &s.t2, 30, "2026-03-02"),
    ] {
        s.server
            .ok(
                Some(token),
                LOG,
                json!({ "t": ticket["id"], "m": minutes, "d": date }),
            )
            .await?;
    }
    Ok(())
}

async fn report(s: &Setup, grouping: &str) -> anyhow::Result<Vec<Value>> {
    let data = s
        .server
        .ok(
            Some(&s.tenant.admin_token),
            REPORT,
            json!({ "g": grouping }),
        )
        .await?;
    Ok(data["costReport"].as_array().cloned().unwrap_or_default())
}

fn amounts(lines: &[Value], key: &dyn Fn(&Value) -> Value) -> Vec<(Value, Value, Value)> {
    lines
        .iter()
        .map(|l| (key(l), l["minutes"].clone(), l["amount"].clone()))
        .collect()
}

async fn costs_follow_the_rate_in_force_on_each_work_date(backend: Backend) -> anyhow::Result<()> {
    let s = setup(backend).await?;
    log_work(&s).await?;
    let admin = Some(s.tenant.admin_token.as_str());

    let by_ticket = report(&s, "TICKET").await?;
    assert_eq!(
        amounts(&by_ticket, &|l| l["ticket"]["number"].clone()),
        vec![
            (s.t1["number"].clone(), json!(140), json!("97.96")),
            (s.t2["number"].clone(), json!(56), json!("19.10")),
        ]
    );
    let by_customer = report(&s, "CUSTOMER").await?;
    assert_eq!(
        amounts(&by_customer, &|l| l["customer"]["lastName"].clone()),
        vec![
            (json!("Dupont"), json!(140), json!("97.96")),
            (json!("Curie"), json!(56), json!("19.10")),
        ]
    );
    let by_agent = report(&s, "AGENT").await?;
    let mut agents = amounts(&by_agent, &|l| l["agent"]["email"].clone());
    agents.sort_by_key(|a| a.0.to_string());
    assert_eq!(
        agents,
        vec![
            (json!("admin@atelier-dupont.test"), json!(30), json!("0.00")),
            // 70 162 500 units = 116.9375 €.
            (
                json!("agathe@atelier-dupont.test"),
                json!(165),
                json!("116.94")
            ),
            // 0.125 € rounds half away from zero (banker's rounding would say 0.12).
            (json!("bruno@atelier-dupont.test"), json!(1), json!("0.13")),
        ]
    );
    let by_week = report(&s, "WEEK").await?;
    assert_eq!(
        amounts(&by_week, &|l| l["periodStart"].clone()),
        vec![
            (json!("2026-02-09"), json!(90), json!("60.00")),
            (json!("2026-02-16"), json!(50), json!("37.96")),
            (json!("2026-03-02"), json!(56), json!("19.10")),
        ]
    );
    let by_month = report(&s, "MONTH").await?;
    assert_eq!(
        amounts(&by_month, &|l| l["periodStart"].clone()),
        vec![
            (json!("2026-02-01"), json!(140), json!("97.96")),
            (json!("2026-03-01"), json!(56), json!("19.10")),
        ]
    );
    for (grouping, start) in [("QUARTER", "2026-01-01"), ("YEAR", "2026-01-01")] {
        let lines = report(&s, grouping).await?;
        // 70 237 500 units = 117.0625 €: the total is rounded once, not line by line.
        assert_eq!(
            amounts(&lines, &|l| l["periodStart"].clone()),
            vec![(json!(start), json!(196), json!("117.06"))]
        );
    }
    // A date range filters on work dates.
    let february = s
        .server
        .ok(
            admin,
            REPORT,
            json!({ "g": "CUSTOMER", "from": "2026-02-16", "to": "2026-02-28" }),
        )
        .await?;
    assert_eq!(february["costReport"][0]["amount"], "37.96");

    // The cost of each ticket, for supervisors; null for agents.
    let cost = s
        .server
        .ok(admin, TICKET_COST, json!({ "id": s.t1["id"] }))
        .await?;
    assert_eq!(cost["ticket"]["cost"], "97.96");
    let cost = s
        .server
        .ok(Some(&s.agathe.1), TICKET_COST, json!({ "id": s.t1["id"] }))
        .await?;
    assert_eq!(cost["ticket"]["cost"], Value::Null);
    assert_eq!(cost["ticket"]["loggedMinutes"], 140);

    // A new rate from 1 March applies to March's work only: February's cost is untouched.
    s.server
        .ok(
            admin,
            SET_COST,
            json!({ "u": s.agathe.0, "c": "80", "d": "2026-03-01" }),
        )
        .await?;
    let by_ticket = report(&s, "TICKET").await?;
    assert_eq!(by_ticket[0]["amount"], "97.96");
    // 25 × 800 000 + 75 000 = 20 075 000 units = 33.458… €.
    assert_eq!(by_ticket[1]["amount"], "33.46");
    // A second change on the same date replaces the first; history keeps one row per date.
    s.server
        .ok(
            admin,
            SET_COST,
            json!({ "u": s.agathe.0, "c": "81.25", "d": "2026-03-01" }),
        )
        .await?;
    let history = s
        .server
        .ok(Some(&s.manager.1), HISTORY, json!({ "u": s.agathe.0 }))
        .await?;
    assert_eq!(
        history["hourlyCosts"],
        json!([
            { "hourlyCost": "40.00", "effectiveFrom": "2026-01-01" },
            { "hourlyCost": "45.55", "effectiveFrom": "2026-02-16" },
            { "hourlyCost": "81.25", "effectiveFrom": "2026-03-01" },
        ])
    );
    let current = s
        .server
        .ok(
            admin,
            "{ currentHourlyCosts { hourlyCost user { email } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        current["currentHourlyCosts"],
        json!([
            { "hourlyCost": "81.25", "user": { "email": "agathe@atelier-dupont.test" } },
            { "hourlyCost": "7.50", "user": { "email": "bruno@atelier-dupont.test" } },
        ])
    );
    Ok(())
}

async fn hourly_costs_and_cost_reports_are_for_supervisors(backend: Backend) -> anyhow::Result<()> {
    let s = setup(backend).await?;
    let admin = Some(s.tenant.admin_token.as_str());
    let manager = Some(s.manager.1.as_str());
    let agent = Some(s.agathe.1.as_str());
    let vars = |cost: &str| json!({ "u": s.bruno.0, "c": cost, "d": "2026-03-01" });
    assert_eq!(
        s.server.error_code(manager, SET_COST, vars("50")).await?,
        "FORBIDDEN"
    );
    assert_eq!(
        s.server.error_code(agent, SET_COST, vars("50")).await?,
        "FORBIDDEN"
    );
    for bad in ["-1", "0.00001", "1000000"] {
        assert_eq!(
            s.server.error_code(admin, SET_COST, vars(bad)).await?,
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    assert_eq!(
        s.server
            .error_code(
                admin,
                SET_COST,
                json!({ "u": "999999", "c": "50", "d": "2026-03-01" })
            )
            .await?,
        "NOT_FOUND"
    );
    assert_eq!(
        s.server
            .error_code(agent, HISTORY, json!({ "u": s.bruno.0 }))
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        s.server
            .error_code(agent, REPORT, json!({ "g": "TICKET" }))
            .await?,
        "FORBIDDEN"
    );
    // Another tenant sees none of this one's staff or costs.
    let other = s.server.tenant("Garage Martin").await?;
    let other_admin = Some(other.admin_token.as_str());
    assert_eq!(
        s.server
            .error_code(other_admin, HISTORY, json!({ "u": s.agathe.0 }))
            .await?,
        "NOT_FOUND"
    );
    assert_eq!(
        s.server
            .error_code(
                other_admin,
                SET_COST,
                json!({ "u": s.agathe.0, "c": "1", "d": "2026-03-01" })
            )
            .await?,
        "NOT_FOUND"
    );
    log_work(&s).await?;
    let theirs = s
        .server
        .ok(other_admin, REPORT, json!({ "g": "CUSTOMER" }))
        .await?;
    assert_eq!(theirs["costReport"], json!([]));
    Ok(())
}

fn budget_input(start: &str, planned: &str) -> Value {
    json!({ "periodKind": "MONTH", "periodStart": start, "plannedAmount": planned })
}

async fn notifications_of(server: &TestServer, token: &str) -> anyhow::Result<Vec<String>> {
    let data = server
        .ok(
            Some(token),
            "{ notifications(first: 100) { kind title } }",
            json!({}),
        )
        .await?;
    Ok(data["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == "budget_alert")
        .map(|n| n["title"].as_str().unwrap_or_default().to_owned())
        .collect())
}

async fn budgets_compare_planned_with_actual_and_alert_once(
    backend: Backend,
) -> anyhow::Result<()> {
    let s = setup(backend).await?;
    let admin = Some(s.tenant.admin_token.as_str());
    let manager = Some(s.manager.1.as_str());
    let february = s
        .server
        .ok(
            manager,
            CREATE_BUDGET,
            json!({ "c": s.jean, "input": budget_input("2026-02-01", "150") }),
        )
        .await?;
    let created = &february["createBudget"];
    assert_eq!(created["periodEnd"], "2026-02-28");
    assert_eq!(created["plannedAmount"], "150.00");
    assert_eq!(created["actualAmount"], "0.00");
    assert_eq!(created["thresholds"], json!([80, 100]));
    let march = s
        .server
        .ok(
            admin,
            CREATE_BUDGET,
            json!({ "c": s.marie, "input": budget_input("2026-03-01", "20") }),
        )
        .await?;
    let march_id = march["createBudget"]["id"].clone();
    let february_id = created["id"].clone();
    // The manager reads Guichet in English, the admin in French (the default).
    entity::user::Entity::update_many()
        .col_expr(
            entity::user::Column::Locale,
            sea_orm::sea_query::Expr::value("en-GB"),
        )
        .filter(entity::user::Column::Email.eq("martin@atelier-dupont.test"))
        .exec(&s.server.state.services.db)
        .await?;

    // Logging time checks the budgets at once: Marie's March reaches 19.10 of 20 (95.5 %).
    log_work(&s).await?;
    let feb = s
        .server
        .ok(admin, BUDGET, json!({ "id": february_id }))
        .await?;
    // 97.96 of 150; the period is over, so the projection is the actual spend.
    assert_eq!(
        feb["budget"],
        json!({ "plannedAmount": "150.00", "actualAmount": "97.96", "remainingAmount": "52.04",
                "projectedAmount": "97.96", "exceeded": false, "raisedThresholds": [],
                "customer": { "lastName": "Dupont" } })
    );
    let mar = s
        .server
        .ok(admin, BUDGET, json!({ "id": march_id }))
        .await?;
    // Two days of 31 elapsed (1 and 2 March): 11 462 500 units × 31 ÷ 2 = 296.1145… €.
    assert_eq!(
        mar["budget"],
        json!({ "plannedAmount": "20.00", "actualAmount": "19.10", "remainingAmount": "0.90",
                "projectedAmount": "296.11", "exceeded": false, "raisedThresholds": [80],
                "customer": { "lastName": "Curie" } })
    );
    // Each supervisor is told in their own language, from the same facts.
    assert_eq!(
        notifications_of(&s.server, &s.tenant.admin_token).await?,
        ["Budget atteint à 80 % : Marie Curie"]
    );
    assert_eq!(
        notifications_of(&s.server, &s.manager.1).await?,
        ["Budget 80 % reached: Marie Curie"]
    );
    assert!(notifications_of(&s.server, &s.agathe.1).await?.is_empty());

    // The jobs find nothing more to raise, however often they run.
    for _ in 0..2 {
        assert_eq!(
            run_due_jobs(&s.server.state.services).await?.budget_alerts,
            0
        );
    }

    // A rate written behind the app's back (an import) pushes March over 100 %: two runs
    // racing raise the alert once. (Through `setHourlyCost` the alert is raised at once:
    // see `live_budgets`.)
    let svc = &s.server.state.services;
    entity::agent_hourly_cost::Entity::insert(entity::agent_hourly_cost::ActiveModel {
        tenant_id: sea_orm::Set(s.tenant.id),
        user_id: sea_orm::Set(s.agathe.0.parse()?),
        hourly_cost: sea_orm::Set("80".parse()?),
        currency: sea_orm::Set("EUR".to_owned()),
        effective_from: sea_orm::Set(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
        ),
        created_by: sea_orm::Set(None),
        created_at: sea_orm::Set(s.server.clock_now()),
        ..Default::default()
    })
    .exec(&svc.db)
    .await?;
    let (a, b) = tokio::join!(
        raise_budget_alerts(svc, None, None),
        raise_budget_alerts(svc, None, None)
    );
    assert_eq!(a? + b?, 1);
    assert_eq!(run_due_jobs(svc).await?.budget_alerts, 0);
    let mar = s
        .server
        .ok(admin, BUDGET, json!({ "id": march_id }))
        .await?;
    assert_eq!(mar["budget"]["actualAmount"], "33.46");
    assert_eq!(mar["budget"]["remainingAmount"], "-13.46");
    assert_eq!(mar["budget"]["exceeded"], true);
    assert_eq!(mar["budget"]["raisedThresholds"], json!([80, 100]));
    let titles = notifications_of(&s.server, &s.manager.1).await?;
    assert_eq!(
        titles,
        vec![
            "Budget 100 % reached: Marie Curie".to_owned(),
            "Budget 80 % reached: Marie Curie".to_owned(),
        ]
    );

    // Listing: budgets overlapping a range, cost versus budget per customer and period.
    let list = s
        .server
        .ok(
            admin,
            "query($from: NaiveDate, $to: NaiveDate) { budgets(from: $from, to: $to) { customer { lastName } periodStart actualAmount exceeded } }",
            json!({ "from": "2026-03-01", "to": "2026-03-31" }),
        )
        .await?;
    assert_eq!(
        list["budgets"],
        json!([{ "customer": { "lastName": "Curie" }, "periodStart": "2026-03-01", "actualAmount": "33.46", "exceeded": true }])
    );

    // Updating the thresholds and amount; deleting.
    let updated = s
        .server
        .ok(
            manager,
            "mutation($id: ID!, $input: BudgetInput!) { updateBudget(id: $id, input: $input) { plannedAmount thresholds raisedThresholds } }",
            json!({ "id": february_id, "input": { "periodKind": "MONTH", "periodStart": "2026-02-01", "plannedAmount": "100.5", "thresholds": [100, 50] } }),
        )
        .await?;
    // 97.96 of 100.50 crosses 50 % (raised at once), not 100 %.
    assert_eq!(
        updated["updateBudget"],
        json!({ "plannedAmount": "100.50", "thresholds": [50, 100], "raisedThresholds": [50] })
    );
    let deleted = s
        .server
        .ok(
            admin,
            "mutation($id: ID!) { deleteBudget(id: $id) }",
            json!({ "id": march_id }),
        )
        .await?;
    assert_eq!(deleted["deleteBudget"], march_id);
    assert_eq!(
        s.server
            .error_code(admin, BUDGET, json!({ "id": march_id }))
            .await?,
        "NOT_FOUND"
    );
    Ok(())
}

async fn budget_mutations_refuse_bad_input_and_other_roles(backend: Backend) -> anyhow::Result<()> {
    let s = setup(backend).await?;
    let admin = Some(s.tenant.admin_token.as_str());
    let create = |input: Value| json!({ "c": s.jean, "input": input });
    for (input, field) in [
        (budget_input("2026-03-01", "-0.01"), "plannedAmount"),
        (
            json!({ "periodKind": "MONTH", "periodStart": "2026-03-01", "plannedAmount": "10", "thresholds": [0] }),
            "thresholds",
        ),
        (
            json!({ "periodKind": "MONTH", "periodStart": "2026-03-01", "plannedAmount": "10", "thresholds": [80, 80] }),
            "thresholds",
        ),
        (
            json!({ "periodKind": "MONTH", "periodStart": "2026-03-01", "periodEnd": "2026-02-28", "plannedAmount": "10" }),
            "periodEnd",
        ),
    ] {
        let body = s
            .server
            .graphql(admin, CREATE_BUDGET, create(input))
            .await?;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let ok = create(budget_input("2026-03-01", "10"));
    assert_eq!(
        s.server
            .error_code(Some(&s.agathe.1), CREATE_BUDGET, ok.clone())
            .await?,
        "FORBIDDEN"
    );
    let (_, customer_token) = s
        .tenant
        .user(&s.server, "jean@client.test", "customer", Some(&s.jean))
        .await?;
    assert_eq!(
        s.server
            .error_code(Some(&customer_token), CREATE_BUDGET, ok.clone())
            .await?,
        "FORBIDDEN"
    );
    assert_eq!(
        s.server
            .error_code(Some(&customer_token), "{ budgets { id } }", json!({}))
            .await?,
        "FORBIDDEN"
    );
    let created = s.server.ok(admin, CREATE_BUDGET, ok.clone()).await?;
    let id = created["createBudget"]["id"].clone();
    assert_eq!(
        s.server.error_code(admin, CREATE_BUDGET, ok).await?,
        "CONFLICT"
    );
    // Another tenant: the budget and the customer do not exist for it.
    let other = s.server.tenant("Garage Martin").await?;
    let other_admin = Some(other.admin_token.as_str());
    assert_eq!(
        s.server
            .error_code(other_admin, BUDGET, json!({ "id": id }))
            .await?,
        "NOT_FOUND"
    );
    assert_eq!(
        s.server
            .error_code(
                other_admin,
                "mutation($id: ID!) { deleteBudget(id: $id) }",
                json!({ "id": id })
            )
            .await?,
        "NOT_FOUND"
    );
    assert_eq!(
        s.server
            .error_code(
                other_admin,
                CREATE_BUDGET,
                json!({ "c": s.jean, "input": budget_input("2026-03-01", "10") })
            )
            .await?,
        "NOT_FOUND"
    );
    let theirs = s
        .server
        .ok(other_admin, "{ budgets { id } }", json!({}))
        .await?;
    assert_eq!(theirs["budgets"], json!([]));
    Ok(())
}

/// `Ticket.cost` on a list costs one statement for the whole page, not one per ticket.
async fn ticket_costs_are_loaded_in_one_statement(backend: Backend) -> anyhow::Result<()> {
    let s = setup(backend).await?;
    log_work(&s).await?;
    for n in 0..5 {
        let t = s
            .tenant
            .ticket(&s.server, &s.jean, "SUPPORT", &format!("Ticket {n}"))
            .await?;
        s.server
            .ok(
                Some(&s.agathe.1),
                LOG,
                json!({ "t": t["id"], "m": 10 + n, "d": "2026-03-02" }),
            )
            .await?;
    }
    let admin = Some(s.tenant.admin_token.as_str());
    let count = |query: &'static str| {
        let server = &s.server;
        async move {
            let before = server.statement_count();
            let data = server.ok(admin, query, json!({})).await?;
            anyhow::Ok((server.statement_count() - before, data))
        }
    };
    let (without, _) = count("{ tickets(first: 50) { nodes { number } } }").await?;
    let (with, data) = count("{ tickets(first: 50) { nodes { number cost } } }").await?;
    let nodes = data["tickets"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 7);
    assert!(nodes.iter().all(|n| n["cost"].is_string()));
    assert_eq!(
        with - without,
        1,
        "one statement for the costs of 7 tickets"
    );
    Ok(())
}

both_backends!(
    ticket_costs_are_loaded_in_one_statement,
    costs_follow_the_rate_in_force_on_each_work_date,
    hourly_costs_and_cost_reports_are_for_supervisors,
    budgets_compare_planned_with_actual_and_alert_once,
    budget_mutations_refuse_bad_input_and_other_roles,
);

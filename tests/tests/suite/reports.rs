//! Reports over the GraphQL API and as CSV, on both databases, with figures computed by
//! hand from a small, timed history:
//!
//! | ticket | type    | created          | first answer     | resolved         | rated |
//! |--------|---------|------------------|------------------|------------------|-------|
//! | T1     | support | Mon 2 Mar 09:00  | 11:00 (2 h)      | Tue 3 Mar 09:00  | 5 ★   |
//! | T2     | support | Mon 2 Mar 11:00  | 20:00 (9 h, late) | Mon 9 Mar 09:00 (late) | 2 ★ |
//! | T3     | sales   | Mon 2 Mar 20:00  | never (breached) | —                | —     |
//!
//! Support answers are due in 8 h and resolutions in 72 h; sales answers in 4 h. T1 and T2
//! are Agathe's; T3 is unassigned.

use chrono::Duration;
use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};
use server::jobs::run_due_jobs;

const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";
const REPLY: &str =
    "mutation($id: ID!, $b: String!) { replyToTicket(input: { ticketId: $id, body: $b }) { id } }";
const ASSIGN: &str =
    "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
const RATE: &str = "mutation($id: ID!, $r: Int!, $c: String) { rateTicket(input: { ticketId: $id, rating: $r, comment: $c }) { id } }";
const TIMES: &str = "query($f: ReportFilterInput!) { ticketTimesReport(filter: $f) { tickets responded meanFirstResponseSeconds resolved meanResolutionSeconds responseSla { total met percent } resolutionSla { total met percent } } }";
const SATISFACTION: &str = "query($f: ReportFilterInput!) { satisfactionReport(filter: $f) { agent { email } ratings mean distribution } satisfactionComments(filter: $f) { number satisfactionRating satisfactionComment } }";
const WEEKS: &str = "query($f: ReportFilterInput!) { ticketsPerWeek(filter: $f) { weekStart opened closed } backlogReport(filter: $f) { date open } }";
const LEADS: &str =
    "query($f: ReportFilterInput!) { leadConversionReport(filter: $f) { leads converted percent } }";

fn range() -> Value {
    json!({ "from": "2026-03-02", "to": "2026-03-15" })
}

async fn insert_lead(
    server: &TestServer,
    tenant_id: i64,
    customer_id: &str,
    status: entity::enums::LeadStatus,
) -> anyhow::Result<()> {
    let now = server.clock_now();
    entity::lead::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(customer_id.parse()?),
        status: Set(status),
        stage: Set(entity::enums::LeadStage::Lead),
        currency: Set("EUR".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.state.services.db)
    .await?;
    Ok(())
}

async fn reports_aggregate_a_timed_history(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let (agathe_id, _) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    tenant
        .user(&server, "jean@client.test", "customer", Some(&jean))
        .await?;
    let manager_email = "martin@atelier-dupont.test";
    tenant.user(&server, manager_email, "manager", None).await?;
    let admin_token = tenant.admin_token.clone();
    let admin = Some(admin_token.as_str());

    let t1 = tenant
        .ticket(&server, &jean, "SUPPORT", "Chaudière")
        .await?;
    for t in [&t1] {
        server
            .ok(admin, ASSIGN, json!({ "t": t["id"], "a": agathe_id }))
            .await?;
    }
    server.clock.advance(Duration::hours(2));
    server
        .ok(
            admin,
            REPLY,
            json!({ "id": t1["id"], "b": "Nous arrivons." }),
        )
        .await?;
    let t2 = tenant.ticket(&server, &jean, "SUPPORT", "Facture").await?;
    server
        .ok(admin, ASSIGN, json!({ "t": t2["id"], "a": agathe_id }))
        .await?;
    server.clock.advance(Duration::hours(9));
    server
        .ok(admin, REPLY, json!({ "id": t2["id"], "b": "Vu." }))
        .await?;
    let t3 = tenant.ticket(&server, &jean, "SALES", "Devis").await?;
    // Tuesday 09:00: T3's answer (due at midnight) is breached by the jobs; T1 is resolved.
    server.clock.advance(Duration::hours(13));
    run_due_jobs(&server.state.services).await?;
    let admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let admin = Some(admin_token.as_str());
    for s in ["OPEN", "RESOLVED"] {
        server
            .ok(admin, MOVE, json!({ "id": t1["id"], "s": s }))
            .await?;
    }
    let jean_token = server.login("jean@client.test", &tenant.password).await?;
    server
        .ok(
            Some(&jean_token),
            RATE,
            json!({ "id": t1["id"], "r": 5, "c": "Parfait" }),
        )
        .await?;
    // Monday 9 March 09:00: T2 is resolved, late (it was due Thursday 11:00).
    server.clock.advance(Duration::days(6));
    let admin_token = server.login(&tenant.admin_email, &tenant.password).await?;
    let admin = Some(admin_token.as_str());
    for s in ["OPEN", "RESOLVED"] {
        server
            .ok(admin, MOVE, json!({ "id": t2["id"], "s": s }))
            .await?;
    }
    let jean_token = server.login("jean@client.test", &tenant.password).await?;
    server
        .ok(
            Some(&jean_token),
            RATE,
            json!({ "id": t2["id"], "r": 2, "c": "Trop lent" }),
        )
        .await?;
    insert_lead(
        &server,
        tenant.id,
        &jean,
        entity::enums::LeadStatus::Converted,
    )
    .await?;
    for status in [
        entity::enums::LeadStatus::New,
        entity::enums::LeadStatus::Lost,
    ] {
        insert_lead(&server, tenant.id, &jean, status).await?;
    }
    // A second tenant's activity changes nothing in the first one's reports.
    let other = server.tenant("Garage Martin").await?;
    let paul = other.customer(&server, "Paul", "Martin").await?;
    other.ticket(&server, &paul, "SUPPORT", "Pneus").await?;
    insert_lead(
        &server,
        other.id,
        &paul,
        entity::enums::LeadStatus::Converted,
    )
    .await?;

    let manager = server.login(manager_email, &tenant.password).await?;
    let manager = Some(manager.as_str());
    let times = server.ok(manager, TIMES, json!({ "f": range() })).await?;
    assert_eq!(
        times["ticketTimesReport"],
        json!({
            "tickets": 3,
            "responded": 2,
            // (2 h + 9 h) / 2 = 5.5 h.
            "meanFirstResponseSeconds": 19800.0,
            "resolved": 2,
            // (24 h + 166 h) / 2 = 95 h.
            "meanResolutionSeconds": 342000.0,
            // T1 in time; T2 late; T3 breached.
            "responseSla": { "total": 3, "met": 1, "percent": 33.33 },
            // T1 in time; T2 late; T3 not settled yet.
            "resolutionSla": { "total": 2, "met": 1, "percent": 50.0 },
        })
    );
    let sales = server
        .ok(
            manager,
            TIMES,
            json!({ "f": { "from": "2026-03-02", "to": "2026-03-15", "ticketType": "SALES" } }),
        )
        .await?;
    assert_eq!(sales["ticketTimesReport"]["tickets"], 1);
    assert_eq!(
        sales["ticketTimesReport"]["meanFirstResponseSeconds"],
        Value::Null
    );
    let by_agent = server
        .ok(
            manager,
            TIMES,
            json!({ "f": { "from": "2026-03-02", "to": "2026-03-15", "agentId": agathe_id } }),
        )
        .await?;
    assert_eq!(by_agent["ticketTimesReport"]["tickets"], 2);

    // T3 was routed to the sales department; the department filter keeps it alone.
    let sales_department = server
        .ok(
            manager,
            "query($id: ID!) { ticket(id: $id) { department { id } } }",
            json!({ "id": t3["id"] }),
        )
        .await?["ticket"]["department"]["id"]
        .clone();
    let by_department = server
        .ok(
            manager,
            TIMES,
            json!({ "f": { "from": "2026-03-02", "to": "2026-03-15", "departmentId": sales_department } }),
        )
        .await?;
    assert_eq!(by_department["ticketTimesReport"]["tickets"], 1);
    assert_eq!(
        by_department["ticketTimesReport"]["responseSla"],
        json!({ "total": 1, "met": 0, "percent": 0.0 })
    );

    let satisfaction = server
        .ok(manager, SATISFACTION, json!({ "f": range() }))
        .await?;
    assert_eq!(
        satisfaction["satisfactionReport"],
        json!([{ "agent": { "email": "agathe@atelier-dupont.test" }, "ratings": 2, "mean": 3.5,
                 "distribution": [0, 1, 0, 0, 1] }])
    );
    assert_eq!(
        satisfaction["satisfactionComments"],
        json!([
            { "number": t2["number"], "satisfactionRating": 2, "satisfactionComment": "Trop lent" },
            { "number": t1["number"], "satisfactionRating": 5, "satisfactionComment": "Parfait" },
        ])
    );

    let weeks = server.ok(manager, WEEKS, json!({ "f": range() })).await?;
    assert_eq!(
        weeks["ticketsPerWeek"],
        json!([
            { "weekStart": "2026-03-02", "opened": 3, "closed": 1 },
            { "weekStart": "2026-03-09", "opened": 0, "closed": 1 },
        ])
    );
    assert_eq!(
        weeks["backlogReport"],
        json!([{ "date": "2026-03-08", "open": 2 }, { "date": "2026-03-15", "open": 1 }])
    );
    // Ranges that start after the tickets were created: the backlog carried in counts T2
    // (resolved on 9 March, inside the range) and T3 (still open), not T1 (resolved before).
    // A range may start and end mid-week; one before any ticket is empty.
    let backlog = |from: &str, to: &str| {
        let server = &server;
        let f = json!({ "f": { "from": from, "to": to } });
        async move {
            server
                .ok(
                    manager,
                    "query($f: ReportFilterInput!) { backlogReport(filter: $f) { date open } }",
                    f,
                )
                .await
                .map(|data| data["backlogReport"].clone())
        }
    };
    assert_eq!(
        backlog("2026-03-09", "2026-03-15").await?,
        json!([{ "date": "2026-03-15", "open": 1 }])
    );
    assert_eq!(
        backlog("2026-03-04", "2026-03-04").await?,
        json!([{ "date": "2026-03-04", "open": 2 }])
    );
    assert_eq!(
        backlog("2026-03-11", "2026-03-24").await?,
        json!([
            { "date": "2026-03-15", "open": 1 },
            { "date": "2026-03-22", "open": 1 },
            { "date": "2026-03-24", "open": 1 },
        ])
    );
    assert_eq!(
        backlog("2026-02-16", "2026-02-22").await?,
        json!([{ "date": "2026-02-22", "open": 0 }])
    );
    let leads = server.ok(manager, LEADS, json!({ "f": range() })).await?;
    assert_eq!(
        leads["leadConversionReport"],
        json!({ "leads": 3, "converted": 1, "percent": 33.33 })
    );

    // CSV exports of the same figures.
    let csv = server
        .get(
            "/reports/tickets-per-week.csv?from=2026-03-02&to=2026-03-15",
            manager,
        )
        .await?;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str()?,
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        csv.text().await?,
        "week_start,opened,closed\n2026-03-02,3,1\n2026-03-09,0,1\n"
    );
    let csv = server
        .get(
            "/reports/satisfaction.csv?from=2026-03-02&to=2026-03-15",
            manager,
        )
        .await?;
    assert_eq!(
        csv.text().await?,
        format!(
            "agent_id,agent,ratings,mean,stars_1,stars_2,stars_3,stars_4,stars_5\n{agathe_id},agathe,2,3.50,0,1,0,0,1\n"
        )
    );
    let csv = server
        .get(
            "/reports/lead-conversion.csv?from=2026-03-02&to=2026-03-15",
            manager,
        )
        .await?;
    assert_eq!(csv.text().await?, "leads,converted\n3,1\n");

    // The other tenant sees its own figures only.
    let other_admin = server.login(&other.admin_email, &other.password).await?;
    let theirs = server
        .ok(Some(&other_admin), TIMES, json!({ "f": range() }))
        .await?;
    assert_eq!(theirs["ticketTimesReport"]["tickets"], 1);
    let theirs = server
        .ok(Some(&other_admin), LEADS, json!({ "f": range() }))
        .await?;
    assert_eq!(theirs["leadConversionReport"]["leads"], 1);
    Ok(())
}

async fn reports_are_for_supervisors(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let (_, agent) = tenant
        .user(&server, "agathe@atelier-dupont.test", "agent", None)
        .await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let (_, customer) = tenant
        .user(&server, "jean@client.test", "customer", Some(&jean))
        .await?;
    for query in [TIMES, SATISFACTION, WEEKS, LEADS] {
        for token in [&agent, &customer] {
            assert_eq!(
                server
                    .error_code(Some(token), query, json!({ "f": range() }))
                    .await?,
                "FORBIDDEN"
            );
        }
        assert_eq!(
            server
                .error_code(None, query, json!({ "f": range() }))
                .await?,
            "UNAUTHENTICATED"
        );
    }
    let backwards = json!({ "f": { "from": "2026-03-15", "to": "2026-03-02" } });
    assert_eq!(
        server
            .error_code(Some(&tenant.admin_token), TIMES, backwards)
            .await?,
        "BAD_USER_INPUT"
    );
    let path = "/reports/backlog.csv?from=2026-03-02&to=2026-03-15";
    assert_eq!(server.get(path, Some(&agent)).await?.status(), 403);
    assert_eq!(server.get(path, None).await?.status(), 401);
    assert_eq!(
        server
            .get(
                "/reports/nothing.csv?from=2026-03-02&to=2026-03-15",
                Some(&tenant.admin_token)
            )
            .await?
            .status(),
        404
    );
    let budgets = server
        .get(
            "/reports/budgets.csv?from=2026-03-01&to=2026-03-31",
            Some(&tenant.admin_token),
        )
        .await?;
    assert_eq!(budgets.status(), 200);
    assert!(budgets.text().await?.starts_with("budget_id,customer_id"));
    Ok(())
}

both_backends!(
    reports_aggregate_a_timed_history,
    reports_are_for_supervisors
);

//! The report rollups equal the figures computed from the tickets themselves, on both
//! databases: after the demo's history (written through the domain), a bulk-loaded history,
//! and a day of work on top of them (assignments, answers, resolutions, ratings, SLA and
//! auto-close jobs); after the job folds them; and after `rollups rebuild` from nothing.

use chrono::{Duration, NaiveDate};
use entity::enums::{Role, TicketType};
use entity::{department, tenant, user};
use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::json;
use server::domain::actor::{Actor, AuthMethod};
use server::domain::costs::reports::{self, direct, rollups, ReportFilter};
use server::jobs::run_due_jobs;

const TICKETS: &str = "{ tickets(first: 40) { nodes { id status ticketType } } }";
const ASSIGN: &str =
    "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { id } }";
const REPLY: &str =
    "mutation($id: ID!, $b: String!) { replyToTicket(input: { ticketId: $id, body: $b }) { id } }";
const MOVE: &str = "mutation($id: ID!, $s: TicketStatus!) { changeTicketStatus(ticketId: $id, status: $s) { status } }";

/// Every report the rollups serve, for `filter`, from the rollups and from the tickets.
async fn assert_equal(
    server: &TestServer,
    actor: &Actor,
    filter: &ReportFilter,
) -> anyhow::Result<()> {
    let svc = &server.state.services;
    let db = &svc.db;
    let what = format!("{filter:?}");

    let rolled = reports::ticket_times(svc, actor, filter).await?;
    let counted = direct::ticket_times(db, actor.tenant_id, filter).await?;
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1.0,
        (a, b) => a == b,
    };
    assert!(
        close(
            rolled.mean_first_response_seconds,
            counted.mean_first_response_seconds
        ) && close(
            rolled.mean_resolution_seconds,
            counted.mean_resolution_seconds
        ),
        "{what}: {rolled:?} != {counted:?}"
    );
    let counts = |t: &reports::TicketTimes| {
        [
            t.tickets,
            t.responded,
            t.resolved,
            t.response_sla_total,
            t.response_sla_met,
            t.resolution_sla_total,
            t.resolution_sla_met,
        ]
    };
    assert_eq!(counts(&rolled), counts(&counted), "{what}: ticket times");

    let rolled = reports::satisfaction_by_agent(svc, actor, filter).await?;
    let counted = direct::satisfaction_by_agent(db, actor.tenant_id, filter).await?;
    assert_eq!(
        rolled.len(),
        counted.len(),
        "{what}: {rolled:?} != {counted:?}"
    );
    for (r, c) in rolled.iter().zip(&counted) {
        assert_eq!(
            (r.agent_id, r.ratings, r.distribution),
            (c.agent_id, c.ratings, c.distribution),
            "{what}: satisfaction"
        );
        assert!((r.mean - c.mean).abs() < 1e-9, "{what}: {r:?} != {c:?}");
    }

    assert_eq!(
        reports::tickets_per_week(svc, actor, filter).await?,
        direct::tickets_per_week(db, actor.tenant_id, filter).await?,
        "{what}: tickets per week"
    );
    assert_eq!(
        reports::backlog(svc, actor, filter).await?,
        direct::backlog(db, actor.tenant_id, filter).await?,
        "{what}: backlog"
    );
    Ok(())
}

/// The filters compared: every range and dimension a dashboard offers.
async fn assert_all_equal(server: &TestServer, actor: &Actor) -> anyhow::Result<()> {
    let db = &server.state.services.db;
    let today = server.clock_now().date_naive();
    let agents: Vec<i64> = user::Entity::find()
        .filter(user::Column::TenantId.eq(actor.tenant_id))
        .filter(user::Column::Role.eq(Role::Agent))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .take(2)
        .collect();
    let departments: Vec<i64> = department::Entity::find()
        .filter(department::Column::TenantId.eq(actor.tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let ranges: [(NaiveDate, NaiveDate); 4] = [
        (today - Duration::days(790), today),
        (today - Duration::days(200), today - Duration::days(140)),
        (today - Duration::days(3), today + Duration::days(2)),
        (today, today),
    ];
    for (from, to) in ranges {
        let all = ReportFilter {
            from,
            to,
            agent_id: None,
            department_id: None,
            ticket_type: None,
        };
        assert_equal(server, actor, &all).await?;
        for agent in &agents {
            let filter = ReportFilter {
                agent_id: Some(*agent),
                ..all.clone()
            };
            assert_equal(server, actor, &filter).await?;
        }
        for department in &departments {
            let filter = ReportFilter {
                department_id: Some(*department),
                ..all.clone()
            };
            assert_equal(server, actor, &filter).await?;
        }
        for ticket_type in [TicketType::Support, TicketType::Sales, TicketType::Inquiry] {
            let filter = ReportFilter {
                ticket_type: Some(ticket_type),
                agent_id: agents.first().copied(),
                ..all.clone()
            };
            assert_equal(server, actor, &filter).await?;
        }
    }
    Ok(())
}

async fn count(server: &TestServer, sql: &str) -> anyhow::Result<i64> {
    let db = &server.state.services.db;
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no row"))?;
    Ok(row.try_get("", "n")?)
}

async fn rollups_equal_the_direct_computation(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let svc = &server.state.services;
    server::demo::load_data_set(svc, &seeds::demo()).await?;
    let db = &svc.db;
    let demo = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo tenant"))?;
    let staff = user::Entity::find()
        .filter(user::Column::TenantId.eq(demo.id))
        .all(db)
        .await?;
    let agents: Vec<i64> = staff
        .iter()
        .filter(|u| u.role == Role::Agent)
        .map(|u| u.id)
        .collect();
    let admin_id = staff
        .iter()
        .find(|u| u.role == Role::Admin)
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("no admin"))?;
    let actor = Actor {
        tenant_id: demo.id,
        user_id: admin_id,
        role: Role::Admin,
        customer_id: None,
        method: AuthMethod::Internal,
        scopes: Vec::new(),
    };
    // Two years of history, written straight into the tables.
    server::bulk::load(db, demo.id, &agents, 1_500, server.clock_now()).await?;
    assert_all_equal(&server, &actor).await?;

    // A day of work through the API: assignments move figures between agents, answers
    // and resolutions between "open" and "done", then the SLA and auto-close jobs.
    let admin = server
        .login("admin@demo.guichet.test", seeds::DEMO_PASSWORD)
        .await?;
    let admin = Some(admin.as_str());
    let list = server.ok(admin, TICKETS, json!({})).await?;
    let tickets = list["tickets"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (i, ticket) in tickets.iter().enumerate() {
        let id = &ticket["id"];
        let agent = agents[i % agents.len()].to_string();
        match i % 4 {
            0 => {
                server
                    .ok(admin, ASSIGN, json!({ "t": id, "a": agent }))
                    .await?;
            }
            1 => {
                let _ = server
                    .graphql(
                        admin,
                        REPLY,
                        json!({ "id": id, "b": "Nous passons demain." }),
                    )
                    .await?;
            }
            2 => {
                let _ = server
                    .graphql(admin, MOVE, json!({ "id": id, "s": "RESOLVED" }))
                    .await?;
            }
            _ => {
                server
                    .ok(admin, ASSIGN, json!({ "t": id, "a": null }))
                    .await?;
            }
        }
    }
    server.clock.advance(Duration::days(9));
    run_due_jobs(svc).await?;
    assert_all_equal(&server, &actor).await?;

    // Folded: one row per key and day, the same figures.
    run_due_jobs(svc).await?;
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) AS n FROM ticket_rollups WHERE NOT settled"
        )
        .await?,
        0,
        "every appended row is folded"
    );
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) AS n FROM (SELECT tenant_id, day, ticket_type, assignee_id, department_id \
             FROM ticket_rollups GROUP BY tenant_id, day, ticket_type, assignee_id, department_id \
             HAVING COUNT(*) > 1) d"
        )
        .await?,
        0,
        "one row per key and day"
    );
    assert_all_equal(&server, &actor).await?;

    // Lost, then rebuilt from the tickets.
    db.execute_unprepared("DELETE FROM ticket_rollups").await?;
    let empty = reports::ticket_times(
        svc,
        &actor,
        &ReportFilter {
            from: server.clock_now().date_naive() - Duration::days(790),
            to: server.clock_now().date_naive(),
            agent_id: None,
            department_id: None,
            ticket_type: None,
        },
    )
    .await?;
    assert_eq!(empty.tickets, 0, "the reports read the rollups");
    rollups::rebuild(db, demo.id).await?;
    assert_all_equal(&server, &actor).await?;
    Ok(())
}

both_backends!(rollups_equal_the_direct_computation);

//! Report figures from rollups: `ticket_rollups` holds, per tenant, day, ticket type,
//! assignee and department, what the reports add up (tickets created, answered and
//! resolved with their times, SLA outcomes, tickets finished, ratings), so a report over
//! any range reads days × dimensions, not tickets.
//!
//! - **One definition.** The view `ticket_rollup_contributions` says what one ticket, as it
//!   is now, adds to which day: its creation day (created, answered, resolved, times, SLA),
//!   the day it finished (`COALESCE(resolved_at, closed_at)`) and the day it was rated.
//!   The triggers and `guichet rollups rebuild` both read it.
//! - **Same transaction.** Triggers on `tickets` take a ticket's contribution away before
//!   a change that moves a figure (`BEFORE UPDATE`, `BEFORE DELETE`: the view still shows
//!   the old row) and add it back after (`AFTER INSERT`, `AFTER UPDATE`). Every write path
//!   is covered, the domain's, the jobs' set-based updates and the bulk loader's, with no
//!   rule to remember in each.
//! - **No hot row.** The triggers append rows, they never update one: concurrent
//!   transactions creating tickets of the same type for the same agent on the same day do
//!   not queue on a shared counter until commit. A job folds the appended rows of each
//!   touched day into one row per key (`settled`), so the table stays at days × keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The figures, in the order of the table's columns.
pub const MEASURES: [&str; 17] = [
    "created",
    "responded",
    "response_seconds",
    "resolved",
    "resolution_seconds",
    "response_sla_total",
    "response_sla_met",
    "resolution_sla_total",
    "resolution_sla_met",
    "finished",
    "ratings",
    "rating_sum",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
];

/// The ticket columns the figures depend on: an update touching none of them leaves the
/// rollups alone.
const WATCHED: [&str; 14] = [
    "tenant_id",
    "created_at",
    "ticket_type",
    "assignee_id",
    "department_id",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
    "satisfaction_rating",
    "rated_at",
];

fn day(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(({column} AT TIME ZONE 'UTC') AS DATE)"),
        _ => format!("date({column})"),
    }
}

fn seconds_between(backend: DbBackend, later: &str, earlier: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)")
        }
        _ => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
    }
}

/// One branch of the view: the keys of `day_of`, then each measure's expression (zero
/// where `figures` names none).
fn branch(backend: DbBackend, day_of: &str, figures: &[(&str, String)], condition: &str) -> String {
    let zero_real = "CAST(0 AS DOUBLE PRECISION)";
    let values: Vec<String> = MEASURES
        .iter()
        .map(|measure| {
            let value = figures
                .iter()
                .find(|(name, _)| name == measure)
                .map_or_else(
                    || {
                        if measure.ends_with("_seconds") {
                            zero_real.to_owned()
                        } else {
                            "0".to_owned()
                        }
                    },
                    |(_, expression)| expression.clone(),
                );
            format!("{value} AS {measure}")
        })
        .collect();
    format!(
        "SELECT t.id AS ticket_id, t.tenant_id AS tenant_id, {} AS day, t.ticket_type AS ticket_type, \
         t.assignee_id AS assignee_id, t.department_id AS department_id, {} FROM tickets t{}",
        day(backend, day_of),
        values.join(", "),
        if condition.is_empty() {
            String::new()
        } else {
            format!(" WHERE {condition}")
        }
    )
}

fn when(condition: &str, then: &str) -> String {
    format!("CASE WHEN {condition} THEN {then} ELSE 0 END")
}

/// `CREATE VIEW ticket_rollup_contributions`: what each ticket adds to which day.
fn contributions_view(backend: DbBackend) -> String {
    let answered = "t.first_response_at IS NOT NULL";
    let resolved = "t.resolved_at IS NOT NULL";
    let creation = branch(
        backend,
        "t.created_at",
        &[
            ("created", "1".to_owned()),
            ("responded", when(answered, "1")),
            (
                "response_seconds",
                when(
                    answered,
                    &seconds_between(backend, "t.first_response_at", "t.created_at"),
                ),
            ),
            ("resolved", when(resolved, "1")),
            (
                "resolution_seconds",
                when(
                    resolved,
                    &seconds_between(backend, "t.resolved_at", "t.created_at"),
                ),
            ),
            (
                "response_sla_total",
                when(
                    "t.response_due_at IS NOT NULL AND (t.first_response_at IS NOT NULL OR t.response_breached)",
                    "1",
                ),
            ),
            (
                "response_sla_met",
                when(
                    "t.response_due_at IS NOT NULL AND t.first_response_at IS NOT NULL \
                     AND t.first_response_at <= t.response_due_at AND NOT t.response_breached",
                    "1",
                ),
            ),
            (
                "resolution_sla_total",
                when(
                    "t.resolution_due_at IS NOT NULL AND (t.resolved_at IS NOT NULL OR t.resolution_breached)",
                    "1",
                ),
            ),
            (
                "resolution_sla_met",
                when(
                    "t.resolution_due_at IS NOT NULL AND t.resolved_at IS NOT NULL \
                     AND t.resolved_at <= t.resolution_due_at AND NOT t.resolution_breached",
                    "1",
                ),
            ),
        ],
        "",
    );
    let finish = branch(
        backend,
        "COALESCE(t.resolved_at, t.closed_at)",
        &[("finished", "1".to_owned())],
        "COALESCE(t.resolved_at, t.closed_at) IS NOT NULL",
    );
    let mut rating = vec![
        ("ratings", "1".to_owned()),
        ("rating_sum", "t.satisfaction_rating".to_owned()),
    ];
    for (stars, name) in ["r1", "r2", "r3", "r4", "r5"].into_iter().enumerate() {
        rating.push((
            name,
            when(&format!("t.satisfaction_rating = {}", stars + 1), "1"),
        ));
    }
    let rated = branch(
        backend,
        "t.rated_at",
        &rating,
        "t.satisfaction_rating IS NOT NULL AND t.rated_at IS NOT NULL",
    );
    format!("CREATE VIEW ticket_rollup_contributions AS {creation} UNION ALL {finish} UNION ALL {rated}")
}

/// `INSERT INTO ticket_rollups` of the contributions of the ticket `id_of`, added
/// (`sign` 1) or taken away (`sign` -1).
fn append(id_of: &str, sign: i8) -> String {
    let keys = "tenant_id, day, ticket_type, assignee_id, department_id";
    let measures = MEASURES.join(", ");
    let values: Vec<String> = MEASURES
        .iter()
        .map(|m| {
            if sign < 0 {
                format!("-{m}")
            } else {
                (*m).to_owned()
            }
        })
        .collect();
    format!(
        "INSERT INTO ticket_rollups ({keys}, {measures}) SELECT {keys}, {} \
         FROM ticket_rollup_contributions WHERE ticket_id = {id_of}",
        values.join(", ")
    )
}

fn table(backend: DbBackend) -> String {
    let (id, real, flag) = match backend {
        DbBackend::Postgres => (
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "DOUBLE PRECISION",
            "BOOLEAN NOT NULL DEFAULT FALSE",
        ),
        _ => (
            "id INTEGER PRIMARY KEY AUTOINCREMENT",
            "REAL",
            "BOOLEAN NOT NULL DEFAULT 0",
        ),
    };
    let measures: Vec<String> = MEASURES
        .iter()
        .map(|m| {
            let kind = if m.ends_with("_seconds") {
                real
            } else {
                "BIGINT"
            };
            format!("{m} {kind} NOT NULL DEFAULT 0")
        })
        .collect();
    format!(
        "CREATE TABLE ticket_rollups ({id}, tenant_id BIGINT NOT NULL, day DATE NOT NULL, \
         ticket_type VARCHAR(32) NOT NULL, assignee_id BIGINT NULL, department_id BIGINT NULL, \
         {}, settled {flag})",
        measures.join(", ")
    )
}

/// Fills the rollups of every ticket already there, folded into one settled row per key.
fn fill() -> String {
    let keys = "tenant_id, day, ticket_type, assignee_id, department_id";
    let measures = MEASURES.join(", ");
    let sums: Vec<String> = MEASURES.iter().map(|m| format!("SUM({m})")).collect();
    format!(
        "INSERT INTO ticket_rollups ({keys}, {measures}, settled) SELECT {keys}, {}, TRUE \
         FROM ticket_rollup_contributions GROUP BY {keys}",
        sums.join(", ")
    )
}

fn statements(backend: DbBackend) -> Vec<String> {
    let mut up = vec![
        table(backend),
        "CREATE INDEX idx_ticket_rollups_tenant_id_day ON ticket_rollups (tenant_id, day)".into(),
        "CREATE INDEX idx_ticket_rollups_unsettled ON ticket_rollups (tenant_id, day) \
         WHERE NOT settled"
            .into(),
        contributions_view(backend),
    ];
    match backend {
        DbBackend::Postgres => {
            let changed = format!(
                "ROW({}) IS DISTINCT FROM ROW({})",
                WATCHED.map(|c| format!("OLD.{c}")).join(", "),
                WATCHED.map(|c| format!("NEW.{c}")).join(", ")
            );
            up.push(format!(
                "CREATE FUNCTION ticket_rollups_take() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {}; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                append("OLD.id", -1)
            ));
            up.push(format!(
                "CREATE FUNCTION ticket_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {}; RETURN NULL; END $$",
                append("NEW.id", 1)
            ));
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_before_update BEFORE UPDATE ON tickets \
                 FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION ticket_rollups_take()"
            ));
            up.push(
                "CREATE TRIGGER ticket_rollups_before_delete BEFORE DELETE ON tickets \
                 FOR EACH ROW EXECUTE FUNCTION ticket_rollups_take()"
                    .into(),
            );
            up.push(
                "CREATE TRIGGER ticket_rollups_after_insert AFTER INSERT ON tickets \
                 FOR EACH ROW EXECUTE FUNCTION ticket_rollups_add()"
                    .into(),
            );
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_after_update AFTER UPDATE ON tickets \
                 FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION ticket_rollups_add()"
            ));
        }
        _ => {
            let changed = WATCHED
                .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
                .join(" OR ");
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_before_update BEFORE UPDATE ON tickets \
                 WHEN {changed} BEGIN {}; END",
                append("OLD.id", -1)
            ));
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_before_delete BEFORE DELETE ON tickets \
                 BEGIN {}; END",
                append("OLD.id", -1)
            ));
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_after_insert AFTER INSERT ON tickets \
                 BEGIN {}; END",
                append("NEW.id", 1)
            ));
            up.push(format!(
                "CREATE TRIGGER ticket_rollups_after_update AFTER UPDATE ON tickets \
                 WHEN {changed} BEGIN {}; END",
                append("NEW.id", 1)
            ));
        }
    }
    up.push(fill());
    up
}

/// The names of the triggers, for loaders that switch them off around a bulk load.
pub const TRIGGERS: [&str; 4] = [
    "ticket_rollups_before_update",
    "ticket_rollups_before_delete",
    "ticket_rollups_after_insert",
    "ticket_rollups_after_update",
];

/// The SQL creating the triggers again after a loader dropped them (SQLite), as the
/// migration created them.
#[must_use]
pub fn trigger_statements(backend: DbBackend) -> Vec<String> {
    statements(backend)
        .into_iter()
        .filter(|s| s.starts_with("CREATE TRIGGER"))
        .collect()
}

/// The insert trigger: the one a loader that recomputes a tenant's rollups afterwards
/// ([`rebuild_statements`]) switches off for its own inserts.
pub const INSERT_TRIGGER: &str = "ticket_rollups_after_insert";

/// The statements that recompute one tenant's rollups from its tickets, in order, each
/// with the tenant's id as its one parameter (`$1` on PostgreSQL, `?` on SQLite): delete
/// the tenant's rows, then insert one settled row per key and day from the view. Run in
/// one transaction, by `guichet rollups rebuild` and by the bulk loader.
#[must_use]
pub fn rebuild_statements(backend: DbBackend) -> [String; 2] {
    let (parameter, settled) = match backend {
        DbBackend::Postgres => ("$1", "TRUE"),
        _ => ("?", "1"),
    };
    let keys = "tenant_id, day, ticket_type, assignee_id, department_id";
    let sums = MEASURES
        .iter()
        .map(|m| format!("SUM({m})"))
        .collect::<Vec<_>>()
        .join(", ");
    [
        format!("DELETE FROM ticket_rollups WHERE tenant_id = {parameter}"),
        format!(
            "INSERT INTO ticket_rollups ({keys}, {}, settled) SELECT {keys}, {sums}, {settled} \
             FROM ticket_rollup_contributions WHERE tenant_id = {parameter} GROUP BY {keys}",
            MEASURES.join(", ")
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in statements(manager.get_database_backend()) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for trigger in TRIGGERS {
            let on = if manager.get_database_backend() == DbBackend::Postgres {
                " ON tickets"
            } else {
                ""
            };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}"))
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS ticket_rollups_take()")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS ticket_rollups_add()")
                .await?;
        }
        db.execute_unprepared("DROP VIEW IF EXISTS ticket_rollup_contributions")
            .await?;
        db.execute_unprepared("DROP TABLE IF EXISTS ticket_rollups")
            .await?;
        Ok(())
    }
}

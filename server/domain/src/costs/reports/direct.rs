//! The report figures computed from the tickets themselves, one statement per report, as
//! the reports were computed before rollups. `guichet rollups check` and the tests compare
//! the rollups with them; requests never use them, since they read every ticket of the
//! range.

use chrono::{Duration, NaiveDate, NaiveTime};
use sea_orm::{ConnectionTrait, DbBackend};

use super::{monday_of, AgentSatisfaction, ReportFilter, TicketTimes, WeekCounts};
use crate::costs::{period_start_sql, PeriodUnit, SqlBuilder};
use crate::error::{DomainError, DomainResult};

/// The SQL of `later - earlier` in seconds, as a double.
fn seconds_between(backend: DbBackend, later: &str, earlier: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)")
        }
        _ => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
    }
}

/// [`super::ticket_times`], from the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn ticket_times(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    filter: &ReportFilter,
) -> DomainResult<TicketTimes> {
    let backend = db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let mut conditions = filter.ticket_conditions(&mut sql, tenant_id, "t");
    conditions.push(format!("t.created_at >= {}", sql.bind(filter.start())));
    conditions.push(format!("t.created_at < {}", sql.bind(filter.end())));
    let response = seconds_between(backend, "t.first_response_at", "t.created_at");
    let resolution = seconds_between(backend, "t.resolved_at", "t.created_at");
    let text = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS tickets, \
         CAST(COUNT(t.first_response_at) AS BIGINT) AS responded, \
         CAST(AVG(CASE WHEN t.first_response_at IS NOT NULL THEN {response} END) AS DOUBLE PRECISION) AS mean_response, \
         CAST(COUNT(t.resolved_at) AS BIGINT) AS resolved, \
         CAST(AVG(CASE WHEN t.resolved_at IS NOT NULL THEN {resolution} END) AS DOUBLE PRECISION) AS mean_resolution, \
         CAST(COALESCE(SUM(CASE WHEN t.response_due_at IS NOT NULL AND (t.first_response_at IS NOT NULL OR t.response_breached) THEN 1 ELSE 0 END), 0) AS BIGINT) AS response_total, \
         CAST(COALESCE(SUM(CASE WHEN t.response_due_at IS NOT NULL AND t.first_response_at IS NOT NULL AND t.first_response_at <= t.response_due_at AND NOT t.response_breached THEN 1 ELSE 0 END), 0) AS BIGINT) AS response_met, \
         CAST(COALESCE(SUM(CASE WHEN t.resolution_due_at IS NOT NULL AND (t.resolved_at IS NOT NULL OR t.resolution_breached) THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolution_total, \
         CAST(COALESCE(SUM(CASE WHEN t.resolution_due_at IS NOT NULL AND t.resolved_at IS NOT NULL AND t.resolved_at <= t.resolution_due_at AND NOT t.resolution_breached THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolution_met \
         FROM tickets t WHERE {}",
        conditions.join(" AND ")
    );
    let Some(row) = db.query_one(sql.statement(&text)).await? else {
        return Ok(TicketTimes::default());
    };
    Ok(TicketTimes {
        tickets: row.try_get("", "tickets")?,
        responded: row.try_get("", "responded")?,
        mean_first_response_seconds: row
            .try_get::<Option<f64>>("", "mean_response")?
            .map(f64::round),
        resolved: row.try_get("", "resolved")?,
        mean_resolution_seconds: row
            .try_get::<Option<f64>>("", "mean_resolution")?
            .map(f64::round),
        response_sla_total: row.try_get("", "response_total")?,
        response_sla_met: row.try_get("", "response_met")?,
        resolution_sla_total: row.try_get("", "resolution_total")?,
        resolution_sla_met: row.try_get("", "resolution_met")?,
    })
}

/// [`super::satisfaction_by_agent`], from the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn satisfaction_by_agent(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    filter: &ReportFilter,
) -> DomainResult<Vec<AgentSatisfaction>> {
    let mut sql = SqlBuilder::new(db.get_database_backend());
    let mut conditions = filter.ticket_conditions(&mut sql, tenant_id, "t");
    conditions.push("t.satisfaction_rating IS NOT NULL".to_owned());
    conditions.push(format!("t.rated_at >= {}", sql.bind(filter.start())));
    conditions.push(format!("t.rated_at < {}", sql.bind(filter.end())));
    let stars: Vec<String> = (1..=5)
        .map(|n| {
            format!(
                "CAST(SUM(CASE WHEN t.satisfaction_rating = {n} THEN 1 ELSE 0 END) AS BIGINT) AS r{n}"
            )
        })
        .collect();
    let text = format!(
        "SELECT t.assignee_id AS agent_id, CAST(COUNT(*) AS BIGINT) AS ratings, \
         CAST(AVG(CAST(t.satisfaction_rating AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS mean, {} \
         FROM tickets t WHERE {} GROUP BY t.assignee_id ORDER BY t.assignee_id",
        stars.join(", "),
        conditions.join(" AND ")
    );
    let rows = db.query_all(sql.statement(&text)).await?;
    rows.iter()
        .map(|row| {
            Ok(AgentSatisfaction {
                agent_id: row.try_get("", "agent_id")?,
                ratings: row.try_get("", "ratings")?,
                mean: row.try_get::<Option<f64>>("", "mean")?.unwrap_or(0.0),
                distribution: [
                    row.try_get("", "r1")?,
                    row.try_get("", "r2")?,
                    row.try_get("", "r3")?,
                    row.try_get("", "r4")?,
                    row.try_get("", "r5")?,
                ],
            })
        })
        .collect()
}

/// `SELECT week, n` counting the tickets aliased `t` matching `conditions` per week of
/// `column` (a UTC timestamp). PostgreSQL groups on the truncated instant and formats only
/// the weeks, not every ticket.
fn weekly_count_sql(backend: DbBackend, column: &str, conditions: &[String]) -> String {
    let (key, shown) = match backend {
        DbBackend::Postgres => (
            format!("date_trunc('week', ({column} AT TIME ZONE 'UTC'))"),
            "to_char(s.k, 'YYYY-MM-DD')".to_owned(),
        ),
        _ => (
            period_start_sql(backend, PeriodUnit::Week, column, true),
            "s.k".to_owned(),
        ),
    };
    format!(
        "SELECT {shown} AS week, s.n AS n FROM (SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS n \
         FROM tickets t WHERE {} GROUP BY {key}) s",
        conditions.join(" AND ")
    )
}

async fn counts_per_week(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    filter: &ReportFilter,
    column: &str,
) -> DomainResult<Vec<(NaiveDate, i64)>> {
    let backend = db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let mut conditions = filter.ticket_conditions(&mut sql, tenant_id, "t");
    conditions.push(format!("{column} >= {}", sql.bind(filter.start())));
    conditions.push(format!("{column} < {}", sql.bind(filter.end())));
    let text = format!(
        "{} ORDER BY week",
        weekly_count_sql(backend, column, &conditions)
    );
    let rows = db.query_all(sql.statement(&text)).await?;
    rows.iter()
        .map(|row| {
            let week: String = row.try_get("", "week")?;
            let date = NaiveDate::parse_from_str(&week, "%Y-%m-%d")
                .map_err(|e| DomainError::internal(format!("bad week '{week}': {e}")))?;
            Ok((date, row.try_get("", "n")?))
        })
        .collect()
}

/// [`super::tickets_per_week`], from the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn tickets_per_week(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    filter: &ReportFilter,
) -> DomainResult<Vec<WeekCounts>> {
    let opened = counts_per_week(db, tenant_id, filter, "t.created_at").await?;
    let closed = counts_per_week(
        db,
        tenant_id,
        filter,
        "COALESCE(t.resolved_at, t.closed_at)",
    )
    .await?;
    let mut weeks = Vec::new();
    let mut week = monday_of(filter.from);
    while week <= filter.to {
        let count = |list: &[(NaiveDate, i64)]| {
            list.iter().find(|(w, _)| *w == week).map_or(0, |(_, n)| *n)
        };
        weeks.push(WeekCounts {
            week_start: week,
            opened: count(&opened),
            closed: count(&closed),
        });
        week += Duration::days(7);
    }
    Ok(weeks)
}

/// [`super::backlog`], from the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn backlog(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    filter: &ReportFilter,
) -> DomainResult<Vec<(NaiveDate, i64)>> {
    let first_monday = monday_of(filter.from);
    let mut days = Vec::new();
    let mut day = first_monday + Duration::days(6);
    while day < filter.to {
        days.push(day);
        day += Duration::days(7);
    }
    days.push(filter.to);

    let backend = db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let finished = "COALESCE(t.resolved_at, t.closed_at)";
    let base = first_monday.and_time(NaiveTime::MIN).and_utc();
    let mut parts = Vec::new();
    for unfinished_then in [false, true] {
        let mut conditions = filter.ticket_conditions(&mut sql, tenant_id, "t");
        conditions.push(if unfinished_then {
            format!("{finished} >= {}", sql.bind(base))
        } else {
            format!("{finished} IS NULL")
        });
        conditions.push(format!("t.created_at < {}", sql.bind(base)));
        parts.push(format!(
            "SELECT 'open' AS kind, '' AS week, CAST(COUNT(*) AS BIGINT) AS n \
             FROM tickets t WHERE {}",
            conditions.join(" AND ")
        ));
    }
    for (kind, column) in [("created", "t.created_at"), ("finished", finished)] {
        let mut conditions = filter.ticket_conditions(&mut sql, tenant_id, "t");
        conditions.push(format!("{column} >= {}", sql.bind(base)));
        conditions.push(format!("{column} < {}", sql.bind(filter.end())));
        parts.push(format!(
            "SELECT '{kind}' AS kind, w.week AS week, w.n AS n FROM ({}) w",
            weekly_count_sql(backend, column, &conditions)
        ));
    }
    let rows = db
        .query_all(sql.statement(&parts.join(" UNION ALL ")))
        .await?;

    let mut carried_in = 0;
    let mut changes: Vec<(NaiveDate, i64)> = Vec::new();
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        let n: i64 = row.try_get("", "n")?;
        if kind == "open" {
            carried_in += n;
            continue;
        }
        let week: String = row.try_get("", "week")?;
        let week = NaiveDate::parse_from_str(&week, "%Y-%m-%d")
            .map_err(|e| DomainError::internal(format!("bad week '{week}': {e}")))?;
        changes.push((week, if kind == "created" { n } else { -n }));
    }
    Ok(days
        .into_iter()
        .map(|day| {
            let week = monday_of(day);
            let change: i64 = changes
                .iter()
                .filter(|(w, _)| *w <= week)
                .map(|(_, n)| n)
                .sum();
            (day, carried_in + change)
        })
        .collect())
}

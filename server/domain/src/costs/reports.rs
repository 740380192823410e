//! Reports for admins and managers: response and resolution times, SLA compliance,
//! satisfaction, tickets opened and closed per week, backlog, lead conversion. Costs and
//! budgets are in [`crate::costs`] and [`crate::budgets`].
//!
//! Every figure is aggregated by the database (`GROUP BY`, `COUNT`, `AVG`, `SUM`) in one
//! statement per report; Rust only fills in empty weeks. Date ranges are whole UTC days,
//! `from` and `to` included. Agents and customers are refused: reports compare colleagues.
//!
//! Definitions:
//! - a ticket is *closed* at `COALESCE(resolved_at, closed_at)`: when work on it stopped;
//! - *first response time* is `first_response_at - created_at`, *resolution time*
//!   `resolved_at - created_at`, both over the tickets created in the range;
//! - *SLA compliance* counts, among the tickets created in the range with a deadline that
//!   is settled (answered/resolved, or breached), those answered/resolved by the deadline
//!   and never flagged breached;
//! - *backlog* at an instant is the number of tickets created before it and not closed yet.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::enums::TicketType;
use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::actor::Actor;
use crate::costs::{period_start_sql, PeriodUnit, SqlBuilder};
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::Services;

/// The longest range a report covers (about two years), to bound the weekly series.
const MAX_RANGE_DAYS: i64 = 800;

/// What a report covers.
#[derive(Debug, Clone)]
pub struct ReportFilter {
    /// First day included.
    pub from: NaiveDate,
    /// Last day included.
    pub to: NaiveDate,
    /// Only tickets assigned to (leads handled by) this agent.
    pub agent_id: Option<i64>,
    /// Only tickets of this department.
    pub department_id: Option<i64>,
    /// Only tickets of this type.
    pub ticket_type: Option<TicketType>,
}

impl ReportFilter {
    fn check(&self) -> DomainResult<()> {
        super::check_date("from", self.from)?;
        super::check_date("to", self.to)?;
        if self.to < self.from {
            return Err(DomainError::validation(
                "to",
                "the range ends before it starts",
            ));
        }
        if (self.to - self.from).num_days() > MAX_RANGE_DAYS {
            return Err(DomainError::validation(
                "to",
                format!("a report covers at most {MAX_RANGE_DAYS} days"),
            ));
        }
        Ok(())
    }

    fn start(&self) -> DateTime<Utc> {
        self.from.and_time(NaiveTime::MIN).and_utc()
    }

    fn end(&self) -> DateTime<Utc> {
        (self.to + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc()
    }

    /// The conditions on tickets aliased `t` (tenant and filters, not the dates).
    fn ticket_conditions(&self, sql: &mut SqlBuilder, tenant_id: i64) -> Vec<String> {
        let mut conditions = vec![format!("t.tenant_id = {}", sql.bind(tenant_id))];
        if let Some(agent_id) = self.agent_id {
            conditions.push(format!("t.assignee_id = {}", sql.bind(agent_id)));
        }
        if let Some(department_id) = self.department_id {
            conditions.push(format!("t.department_id = {}", sql.bind(department_id)));
        }
        if let Some(ticket_type) = self.ticket_type {
            conditions.push(format!(
                "t.ticket_type = {}",
                sql.bind(ticket_type.as_str())
            ));
        }
        conditions
    }
}

fn authorize(actor: &Actor, filter: &ReportFilter) -> DomainResult<()> {
    actor.require(Permission::ViewReports)?;
    filter.check()
}

/// The SQL of `later - earlier` in seconds, as a double.
fn seconds_between(backend: DbBackend, later: &str, earlier: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)")
        }
        _ => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
    }
}

/// Response, resolution and SLA figures of the tickets created in a range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketTimes {
    /// Tickets created in the range.
    pub tickets: i64,
    /// Of which answered.
    pub responded: i64,
    /// Mean first-response time, in whole seconds (`None` when none was answered).
    pub mean_first_response_seconds: Option<f64>,
    /// Of which resolved.
    pub resolved: i64,
    /// Mean resolution time, in whole seconds.
    pub mean_resolution_seconds: Option<f64>,
    /// Tickets whose response deadline is settled (answered, or breached).
    pub response_sla_total: i64,
    /// Of which answered in time.
    pub response_sla_met: i64,
    /// Tickets whose resolution deadline is settled (resolved, or breached).
    pub resolution_sla_total: i64,
    /// Of which resolved in time.
    pub resolution_sla_met: i64,
}

/// Mean first-response and resolution times and SLA compliance (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn ticket_times(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
) -> DomainResult<TicketTimes> {
    authorize(actor, filter)?;
    let backend = svc.db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let mut conditions = filter.ticket_conditions(&mut sql, actor.tenant_id);
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
    let Some(row) = svc.db.query_one(sql.statement(&text)).await? else {
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

/// Satisfaction of the tickets of one agent (or of unassigned tickets).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSatisfaction {
    /// The assignee; `None` for unassigned tickets.
    pub agent_id: Option<i64>,
    /// Ratings given.
    pub ratings: i64,
    /// Their mean, 1 to 5.
    pub mean: f64,
    /// How many ratings of 1, 2, 3, 4 and 5 stars.
    pub distribution: [i64; 5],
}

/// Satisfaction per agent over the ratings given in the range (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn satisfaction_by_agent(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
) -> DomainResult<Vec<AgentSatisfaction>> {
    authorize(actor, filter)?;
    let mut sql = SqlBuilder::new(svc.db.get_database_backend());
    let mut conditions = filter.ticket_conditions(&mut sql, actor.tenant_id);
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
    let rows = svc.db.query_all(sql.statement(&text)).await?;
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

/// The latest rated tickets with a comment in the range, newest first (admins and
/// managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn recent_satisfaction_comments(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
    limit: u64,
) -> DomainResult<Vec<ticket::Model>> {
    authorize(actor, filter)?;
    let mut query = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::SatisfactionComment.is_not_null())
        .filter(ticket::Column::RatedAt.gte(filter.start()))
        .filter(ticket::Column::RatedAt.lt(filter.end()));
    if let Some(agent_id) = filter.agent_id {
        query = query.filter(ticket::Column::AssigneeId.eq(agent_id));
    }
    if let Some(department_id) = filter.department_id {
        query = query.filter(ticket::Column::DepartmentId.eq(department_id));
    }
    if let Some(ticket_type) = filter.ticket_type {
        query = query.filter(ticket::Column::TicketType.eq(ticket_type));
    }
    Ok(query
        .order_by_desc(ticket::Column::RatedAt)
        .order_by_desc(ticket::Column::Id)
        .limit(limit.min(100))
        .all(&svc.db)
        .await?)
}

/// Tickets opened and closed in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekCounts {
    /// The Monday the week starts on.
    pub week_start: NaiveDate,
    /// Tickets created that week.
    pub opened: i64,
    /// Tickets resolved or closed that week.
    pub closed: i64,
}

/// The Monday of `date`'s week.
#[must_use]
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
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
    let mut conditions = filter.ticket_conditions(&mut sql, tenant_id);
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

/// Tickets opened and closed per week, every week of the range listed (admins and
/// managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn tickets_per_week(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
) -> DomainResult<Vec<WeekCounts>> {
    authorize(actor, filter)?;
    let opened = counts_per_week(&svc.db, actor.tenant_id, filter, "t.created_at").await?;
    let closed = counts_per_week(
        &svc.db,
        actor.tenant_id,
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

/// The backlog at the end of each week of the range (the last point at the end of `to`):
/// `(day, open tickets at the end of that day)`, in one statement (admins and managers).
///
/// The statement reads only the tickets that matter to the range, whatever the history
/// before it: the backlog carried in at the Monday `B` the range's first week starts on is
/// the tickets created before `B` that were still open then (unfinished, or finished at or
/// after `B`, both found through the index on `COALESCE(resolved_at, closed_at)`); each
/// week then adds the tickets created in it and takes away those finished in it. This
/// equals counting, at each point, the tickets created before it and not finished before
/// it, since a ticket never finishes before it is created.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn backlog(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
) -> DomainResult<Vec<(NaiveDate, i64)>> {
    authorize(actor, filter)?;
    let first_monday = monday_of(filter.from);
    let mut days = Vec::new();
    let mut day = first_monday + Duration::days(6);
    while day < filter.to {
        days.push(day);
        day += Duration::days(7);
    }
    days.push(filter.to);

    let backend = svc.db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let finished = "COALESCE(t.resolved_at, t.closed_at)";
    let base = first_monday.and_time(NaiveTime::MIN).and_utc();
    let mut parts = Vec::new();
    for unfinished_then in [false, true] {
        let mut conditions = filter.ticket_conditions(&mut sql, actor.tenant_id);
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
        let mut conditions = filter.ticket_conditions(&mut sql, actor.tenant_id);
        conditions.push(format!("{column} >= {}", sql.bind(base)));
        conditions.push(format!("{column} < {}", sql.bind(filter.end())));
        parts.push(format!(
            "SELECT '{kind}' AS kind, w.week AS week, w.n AS n FROM ({}) w",
            weekly_count_sql(backend, column, &conditions)
        ));
    }
    let rows = svc
        .db
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

/// Leads created in a range and how many were converted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeadConversion {
    /// Leads created in the range.
    pub leads: i64,
    /// Of which converted (status `converted`).
    pub converted: i64,
}

/// Lead conversion over the leads created in the range (admins and managers); the agent
/// filter applies to the lead's assignee, the ticket filters do not apply.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] for a
/// bad range.
pub async fn lead_conversion(
    svc: &Services,
    actor: &Actor,
    filter: &ReportFilter,
) -> DomainResult<LeadConversion> {
    authorize(actor, filter)?;
    let mut sql = SqlBuilder::new(svc.db.get_database_backend());
    let mut conditions = vec![format!("l.tenant_id = {}", sql.bind(actor.tenant_id))];
    conditions.push(format!("l.created_at >= {}", sql.bind(filter.start())));
    conditions.push(format!("l.created_at < {}", sql.bind(filter.end())));
    if let Some(agent_id) = filter.agent_id {
        conditions.push(format!("l.assignee_id = {}", sql.bind(agent_id)));
    }
    let text = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS leads, \
         CAST(COALESCE(SUM(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS converted \
         FROM leads l WHERE {}",
        conditions.join(" AND ")
    );
    let Some(row) = svc.db.query_one(sql.statement(&text)).await? else {
        return Ok(LeadConversion::default());
    };
    Ok(LeadConversion {
        leads: row.try_get("", "leads")?,
        converted: row.try_get("", "converted")?,
    })
}

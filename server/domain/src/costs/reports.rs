//! Reports for admins and managers: response and resolution times, SLA compliance,
//! satisfaction, tickets opened and closed per week, backlog, lead conversion. Costs and
//! budgets are in [`crate::costs`] and [`crate::budgets`].
//!
//! The ticket figures are read from the rollups ([`rollups`]: per tenant, day, type,
//! assignee and department, kept by the database in the same transaction as each ticket
//! change), so a report over any range reads days × dimensions, never tickets, in one
//! statement; [`direct`] computes the same from the tickets, to check them. Date ranges
//! are whole UTC days, `from` and `to` included. Agents and customers are refused: reports
//! compare colleagues.
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

pub mod direct;
pub mod rollups;

use crate::actor::Actor;
use crate::costs::SqlBuilder;
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

    /// The conditions on tickets or rollups aliased `alias` (tenant and filters, not the
    /// dates): both name these columns alike.
    fn ticket_conditions(&self, sql: &mut SqlBuilder, tenant_id: i64, alias: &str) -> Vec<String> {
        let mut conditions = vec![format!("{alias}.tenant_id = {}", sql.bind(tenant_id))];
        if let Some(agent_id) = self.agent_id {
            conditions.push(format!("{alias}.assignee_id = {}", sql.bind(agent_id)));
        }
        if let Some(department_id) = self.department_id {
            conditions.push(format!(
                "{alias}.department_id = {}",
                sql.bind(department_id)
            ));
        }
        if let Some(ticket_type) = self.ticket_type {
            conditions.push(format!(
                "{alias}.ticket_type = {}",
                sql.bind(ticket_type.as_str())
            ));
        }
        conditions
    }

    /// The conditions on the rollups aliased `r` of the range's days.
    fn rollup_conditions(&self, sql: &mut SqlBuilder, tenant_id: i64) -> Vec<String> {
        let mut conditions = self.ticket_conditions(sql, tenant_id, "r");
        conditions.push(format!("r.day >= {}", sql.bind(self.from)));
        conditions.push(format!("r.day <= {}", sql.bind(self.to)));
        conditions
    }
}

fn authorize(actor: &Actor, filter: &ReportFilter) -> DomainResult<()> {
    actor.require(Permission::ViewReports)?;
    filter.check()
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
    let mut sql = SqlBuilder::new(svc.db.get_database_backend());
    let conditions = filter.rollup_conditions(&mut sql, actor.tenant_id);
    let counts = [
        "created",
        "responded",
        "resolved",
        "response_sla_total",
        "response_sla_met",
        "resolution_sla_total",
        "resolution_sla_met",
    ]
    .map(|m| format!("CAST(COALESCE(SUM(r.{m}), 0) AS BIGINT) AS {m}"));
    let text = format!(
        "SELECT {}, {}, {} FROM ticket_rollups r WHERE {}",
        counts.join(", "),
        total_seconds("response_seconds"),
        total_seconds("resolution_seconds"),
        conditions.join(" AND ")
    );
    let Some(row) = svc.db.query_one(sql.statement(&text)).await? else {
        return Ok(TicketTimes::default());
    };
    let responded: i64 = row.try_get("", "responded")?;
    let resolved: i64 = row.try_get("", "resolved")?;
    let mean = |total: f64, count: i64| {
        #[allow(clippy::cast_precision_loss)] // counts of tickets stay far below 2^52
        let count = count as f64;
        (count > 0.0).then(|| (total / count).round())
    };
    Ok(TicketTimes {
        tickets: row.try_get("", "created")?,
        responded,
        mean_first_response_seconds: mean(row.try_get("", "response_seconds")?, responded),
        resolved,
        mean_resolution_seconds: mean(row.try_get("", "resolution_seconds")?, resolved),
        response_sla_total: row.try_get("", "response_sla_total")?,
        response_sla_met: row.try_get("", "response_sla_met")?,
        resolution_sla_total: row.try_get("", "resolution_sla_total")?,
        resolution_sla_met: row.try_get("", "resolution_sla_met")?,
    })
}

/// `SUM(r.<measure>)` of a measure in seconds, as a double named after it.
fn total_seconds(measure: &str) -> String {
    format!("CAST(COALESCE(SUM(r.{measure}), 0) AS DOUBLE PRECISION) AS {measure}")
}

/// The rollups' day as `YYYY-MM-DD` text.
fn day_text(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "to_char(r.day, 'YYYY-MM-DD')",
        _ => "r.day",
    }
}

fn parse_day(text: &str) -> DomainResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| DomainError::internal(format!("bad day '{text}': {e}")))
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
    let conditions = filter.rollup_conditions(&mut sql, actor.tenant_id);
    let sums = ["ratings", "rating_sum", "r1", "r2", "r3", "r4", "r5"]
        .map(|m| format!("CAST(COALESCE(SUM(r.{m}), 0) AS BIGINT) AS {m}"));
    let text = format!(
        "SELECT r.assignee_id AS agent_id, {} FROM ticket_rollups r WHERE {} \
         GROUP BY r.assignee_id HAVING SUM(r.ratings) <> 0 ORDER BY r.assignee_id",
        sums.join(", "),
        conditions.join(" AND ")
    );
    let rows = svc.db.query_all(sql.statement(&text)).await?;
    rows.iter()
        .map(|row| {
            let ratings: i64 = row.try_get("", "ratings")?;
            let sum: i64 = row.try_get("", "rating_sum")?;
            #[allow(clippy::cast_precision_loss)] // counts of ratings stay far below 2^52
            let mean = sum as f64 / ratings as f64;
            Ok(AgentSatisfaction {
                agent_id: row.try_get("", "agent_id")?,
                ratings,
                mean,
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
    let backend = svc.db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let conditions = filter.rollup_conditions(&mut sql, actor.tenant_id);
    let text = format!(
        "SELECT {} AS day, CAST(COALESCE(SUM(r.created), 0) AS BIGINT) AS opened, \
         CAST(COALESCE(SUM(r.finished), 0) AS BIGINT) AS closed \
         FROM ticket_rollups r WHERE {} GROUP BY r.day",
        day_text(backend),
        conditions.join(" AND ")
    );
    let mut weeks = Vec::new();
    let mut week = monday_of(filter.from);
    while week <= filter.to {
        weeks.push(WeekCounts {
            week_start: week,
            opened: 0,
            closed: 0,
        });
        week += Duration::days(7);
    }
    for row in svc.db.query_all(sql.statement(&text)).await? {
        let week = monday_of(parse_day(&row.try_get::<String>("", "day")?)?);
        if let Some(counts) = weeks.iter_mut().find(|w| w.week_start == week) {
            counts.opened += row.try_get::<i64>("", "opened")?;
            counts.closed += row.try_get::<i64>("", "closed")?;
        }
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
    // Bound in the order the text names them (SQLite's `?` are positional).
    let base = sql.bind(first_monday);
    let mut conditions = filter.ticket_conditions(&mut sql, actor.tenant_id, "r");
    conditions.push(format!("r.day <= {}", sql.bind(filter.to)));
    let text = format!(
        "SELECT CASE WHEN r.day < {base} THEN '' ELSE {} END AS day, \
         CAST(COALESCE(SUM(r.created), 0) AS BIGINT) AS created, \
         CAST(COALESCE(SUM(r.finished), 0) AS BIGINT) AS finished \
         FROM ticket_rollups r WHERE {} GROUP BY 1",
        day_text(backend),
        conditions.join(" AND ")
    );
    let mut carried_in = 0;
    let mut changes: Vec<(NaiveDate, i64)> = Vec::new();
    for row in svc.db.query_all(sql.statement(&text)).await? {
        let day: String = row.try_get("", "day")?;
        let change = row.try_get::<i64>("", "created")? - row.try_get::<i64>("", "finished")?;
        if day.is_empty() {
            carried_in += change;
        } else {
            changes.push((monday_of(parse_day(&day)?), change));
        }
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

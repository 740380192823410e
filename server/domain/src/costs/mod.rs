//! What support costs: agents' hourly costs (a dated history) and the value of the time they
//! logged.
//!
//! A time entry is valued at the hourly cost of its agent in force on its `work_date`: the
//! `agent_hourly_costs` row with the greatest `effective_from <= work_date`. A new rate
//! applies from its date on and never changes the cost of earlier work. Time logged before
//! any rate was set costs nothing.
//!
//! # Exactness
//!
//! Money is `numeric(18, 4)` on PostgreSQL but `REAL` on SQLite (see `migration::columns`).
//! Sums are therefore computed in SQL in whole *units*: `minutes × round(rate × 10 000)`,
//! an integer on both databases, so no floating-point error can creep into a total. The
//! amount is `units / 600 000` (60 minutes × 10 000), computed with `Decimal` in Rust and
//! rounded to cents half away from zero (`0.005 → 0.01`), once, at the end.

//!
//! The modules below hold what is built on it: time logged on tickets, budgets per
//! customer with their alerts, and the reports of the dashboards.

pub mod budgets;
pub mod reports;
pub mod time_entries;

use chrono::{Datelike, NaiveDate};
use entity::agent_hourly_cost;
use entity::enums::Role;
use entity::user;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement, Value,
};

use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::Services;

/// The currency every amount is in (one per installation for now).
pub const CURRENCY: &str = "EUR";

/// The dates reports, costs and budgets take: from 1970 to 9999, so that every day
/// arithmetic stays far from the calendar's ends (no overflow, no panic).
///
/// # Errors
///
/// [`DomainError::Validation`] on `field` for a date outside that range.
pub fn check_date(field: &'static str, date: NaiveDate) -> DomainResult<NaiveDate> {
    if (1970..=9999).contains(&date.year()) {
        Ok(date)
    } else {
        Err(DomainError::validation(
            field,
            "a date between 1970 and 9999",
        ))
    }
}

/// Units per currency unit-hour: amounts are summed as `minutes × rate × 10 000`.
const UNITS_PER_HOUR: i64 = 60 * 10_000;

/// The largest hourly cost accepted (keeps `minutes × units` far from `i64` limits).
const MAX_HOURLY_COST: i64 = 100_000;

/// Rounds to cents, half away from zero, always with two decimals (`"12.30"`).
#[must_use]
pub fn round_cents(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// A money value read from the database: exact to the 4 decimals of the column (SQLite hands
/// back an `f64`, whose noise is cut here), shown with at least two decimals.
#[must_use]
pub fn stored_money(amount: Decimal) -> Decimal {
    let mut value = amount
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    value
}

/// The amount of `units` (minutes × rate × 10 000), rounded to cents.
#[must_use]
pub fn units_to_amount(units: i64) -> Decimal {
    round_cents(Decimal::from(units) / Decimal::from(UNITS_PER_HOUR))
}

/// A SQL statement being built for either backend: placeholders are `$n` on PostgreSQL and
/// `?` on SQLite.
pub(crate) struct SqlBuilder {
    backend: DbBackend,
    values: Vec<Value>,
}

impl SqlBuilder {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    /// Binds every id and returns `(p1, p2, …)`; `(NULL)` when empty, which matches nothing.
    pub(crate) fn bind_list(&mut self, ids: &[i64]) -> String {
        if ids.is_empty() {
            return "(NULL)".to_owned();
        }
        let parts: Vec<String> = ids.iter().map(|id| self.bind(*id)).collect();
        format!("({})", parts.join(", "))
    }

    pub(crate) fn statement(self, sql: &str) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, self.values)
    }
}

/// The CTE `rates`: each hourly cost with the date the next one starts (`next_from`, null
/// for the latest) and its amount in units per hour. Joined to the time entries aliased `te`
/// with [`RATE_JOIN_SQL`], it gives each entry the rate in force on its work date in one
/// hash join, rather than a subquery per entry (four times faster on a million entries).
/// Binds `tenant_id` when given, so it must be the first thing bound.
pub(crate) fn rates_cte(sql: &mut SqlBuilder, tenant_id: Option<i64>) -> String {
    let filter = tenant_id.map_or_else(String::new, |tenant_id| {
        format!(" WHERE tenant_id = {}", sql.bind(tenant_id))
    });
    format!(
        "WITH rates AS (SELECT user_id, effective_from, \
         LEAD(effective_from) OVER (PARTITION BY user_id ORDER BY effective_from) AS next_from, \
         CAST(ROUND(hourly_cost * 10000) AS BIGINT) AS units FROM agent_hourly_costs{filter})"
    )
}

/// Joins `rates` (see [`rates_cte`]) as `r` to the time entries aliased `te`; the rate of an
/// entry is `COALESCE(r.units, 0)` (no cost set yet: 0).
pub(crate) const RATE_JOIN_SQL: &str = "LEFT JOIN rates r ON r.user_id = te.user_id \
     AND r.effective_from <= te.work_date AND (r.next_from IS NULL OR te.work_date < r.next_from)";

/// How work is grouped in a cost report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostGrouping {
    /// Per ticket.
    Ticket,
    /// Per customer.
    Customer,
    /// Per agent (who logged the time).
    Agent,
    /// Per calendar week (starting Monday) of the work date.
    Week,
    /// Per calendar month.
    Month,
    /// Per calendar quarter.
    Quarter,
    /// Per calendar year.
    Year,
}

/// The calendar unit a period grouping truncates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// Monday-based weeks.
    Week,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Years.
    Year,
}

impl PeriodUnit {
    /// The field name of PostgreSQL's `date_trunc`.
    fn postgres_field(self) -> &'static str {
        match self {
            PeriodUnit::Week => "week",
            PeriodUnit::Month => "month",
            PeriodUnit::Quarter => "quarter",
            PeriodUnit::Year => "year",
        }
    }
}

/// The SQL expression of the first day (`YYYY-MM-DD` text) of the period containing
/// `column` (a date, or a UTC timestamp when `timestamp`).
pub(crate) fn period_start_sql(
    backend: DbBackend,
    unit: PeriodUnit,
    column: &str,
    timestamp: bool,
) -> String {
    match backend {
        DbBackend::Postgres => {
            let field = unit.postgres_field();
            let value = if timestamp {
                format!("({column} AT TIME ZONE 'UTC')")
            } else {
                format!("CAST({column} AS timestamp)")
            };
            format!("to_char(date_trunc('{field}', {value}), 'YYYY-MM-DD')")
        }
        _ => match unit {
            // 'weekday 0' moves to the coming Sunday (or stays on one): six days earlier is
            // that week's Monday.
            PeriodUnit::Week => format!("date({column}, 'weekday 0', '-6 days')"),
            PeriodUnit::Month => format!("date({column}, 'start of month')"),
            PeriodUnit::Quarter => format!(
                "date({column}, 'start of month', '-' || ((CAST(strftime('%m', {column}) AS INTEGER) - 1) % 3) || ' months')"
            ),
            PeriodUnit::Year => format!("date({column}, 'start of year')"),
        },
    }
}

/// What a cost report covers.
#[derive(Debug, Clone, Default)]
pub struct CostFilter {
    /// First work date included.
    pub from: Option<NaiveDate>,
    /// Last work date included.
    pub to: Option<NaiveDate>,
    /// Only this customer's tickets.
    pub customer_id: Option<i64>,
    /// Only time logged by this agent.
    pub user_id: Option<i64>,
    /// Only these tickets.
    pub ticket_ids: Option<Vec<i64>>,
}

/// One line of a cost report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    /// The ticket, customer or agent id, for those groupings.
    pub id: Option<i64>,
    /// The first day of the period, for period groupings.
    pub period_start: Option<NaiveDate>,
    /// Minutes logged.
    pub minutes: i64,
    /// Their cost, rounded to cents.
    pub amount: Decimal,
}

/// The cost of logged work, grouped, computed in one SQL statement; lines in key order.
/// No role check: callers check (see [`cost_report`]).
///
/// # Errors
///
/// Database errors.
pub async fn cost_lines(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    grouping: CostGrouping,
    filter: &CostFilter,
) -> DomainResult<Vec<CostLine>> {
    let backend = db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let rates = rates_cte(&mut sql, Some(tenant_id));
    let unit = match grouping {
        CostGrouping::Week => Some(PeriodUnit::Week),
        CostGrouping::Month => Some(PeriodUnit::Month),
        CostGrouping::Quarter => Some(PeriodUnit::Quarter),
        CostGrouping::Year => Some(PeriodUnit::Year),
        CostGrouping::Ticket | CostGrouping::Customer | CostGrouping::Agent => None,
    };
    let is_period = unit.is_some();
    // The group key, and how the outer query shows it: PostgreSQL groups on the truncated
    // date and formats only the groups, not every entry.
    let (key, shown) = match (grouping, unit) {
        (_, Some(unit)) if backend == DbBackend::Postgres => (
            format!(
                "date_trunc('{}', CAST(te.work_date AS timestamp))",
                unit.postgres_field()
            ),
            "to_char(s.k, 'YYYY-MM-DD')".to_owned(),
        ),
        (_, Some(unit)) => (
            period_start_sql(backend, unit, "te.work_date", false),
            "s.k".to_owned(),
        ),
        (CostGrouping::Customer, None) => ("t.customer_id".to_owned(), "s.k".to_owned()),
        (CostGrouping::Agent, None) => ("te.user_id".to_owned(), "s.k".to_owned()),
        (_, None) => ("te.ticket_id".to_owned(), "s.k".to_owned()),
    };
    // Tickets are read only when the customer matters.
    let ticket_join = if grouping == CostGrouping::Customer || filter.customer_id.is_some() {
        " JOIN tickets t ON t.id = te.ticket_id"
    } else {
        ""
    };
    let mut conditions = vec![format!("te.tenant_id = {}", sql.bind(tenant_id))];
    if let Some(from) = filter.from {
        conditions.push(format!("te.work_date >= {}", sql.bind(from)));
    }
    if let Some(to) = filter.to {
        conditions.push(format!("te.work_date <= {}", sql.bind(to)));
    }
    if let Some(customer_id) = filter.customer_id {
        conditions.push(format!("t.customer_id = {}", sql.bind(customer_id)));
    }
    if let Some(user_id) = filter.user_id {
        conditions.push(format!("te.user_id = {}", sql.bind(user_id)));
    }
    if let Some(ids) = &filter.ticket_ids {
        conditions.push(format!("te.ticket_id IN {}", sql.bind_list(ids)));
    }
    let text = format!(
        "{rates} SELECT {shown} AS k, s.minutes AS minutes, s.units AS units FROM (\
         SELECT {key} AS k, CAST(SUM(te.minutes) AS BIGINT) AS minutes, \
         CAST(SUM(te.minutes * COALESCE(r.units, 0)) AS BIGINT) AS units \
         FROM time_entries te{ticket_join} {RATE_JOIN_SQL} \
         WHERE {} GROUP BY {key}) s ORDER BY s.k",
        conditions.join(" AND ")
    );
    let rows = db.query_all(sql.statement(&text)).await?;
    rows.iter()
        .map(|row| {
            let (id, period_start) = if is_period {
                let text: String = row.try_get("", "k")?;
                let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map_err(|e| DomainError::internal(format!("bad period '{text}': {e}")))?;
                (None, Some(date))
            } else {
                (Some(row.try_get::<i64>("", "k")?), None)
            };
            Ok(CostLine {
                id,
                period_start,
                minutes: row.try_get::<Option<i64>>("", "minutes")?.unwrap_or(0),
                amount: units_to_amount(row.try_get::<Option<i64>>("", "units")?.unwrap_or(0)),
            })
        })
        .collect()
}

/// The cost report, for supervisors (admins and managers): agents' rates are theirs to see.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::Validation`] when
/// `to` is before `from`.
pub async fn cost_report(
    svc: &Services,
    actor: &Actor,
    grouping: CostGrouping,
    filter: &CostFilter,
) -> DomainResult<Vec<CostLine>> {
    actor.require(Permission::ViewCosts)?;
    if let Some(from) = filter.from {
        check_date("from", from)?;
    }
    if let Some(to) = filter.to {
        check_date("to", to)?;
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if to < from {
            return Err(DomainError::validation(
                "to",
                "the range ends before it starts",
            ));
        }
    }
    cost_lines(&svc.db, actor.tenant_id, grouping, filter).await
}

/// The cost of each of `ticket_ids` (absent when no time was logged), for supervisors;
/// empty for everyone else. One statement for all tickets.
///
/// # Errors
///
/// Database errors.
pub async fn ticket_costs(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<Vec<CostLine>> {
    if !actor.is_supervisor() || ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = CostFilter {
        ticket_ids: Some(ticket_ids.to_vec()),
        ..CostFilter::default()
    };
    cost_lines(db, actor.tenant_id, CostGrouping::Ticket, &filter).await
}

/// Sets a staff member's hourly cost from `effective_from` on (admins). A second change on
/// the same date replaces the first; changes never touch rows of other dates, so the cost
/// of work before `effective_from` stays as it was.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::NotFound`] for a user outside
/// the tenant or a customer account; [`DomainError::Validation`] for a negative or absurd
/// amount.
pub async fn set_hourly_cost(
    svc: &Services,
    actor: &Actor,
    user_id: i64,
    hourly_cost: Decimal,
    effective_from: NaiveDate,
) -> DomainResult<agent_hourly_cost::Model> {
    actor.require(Permission::ConfigureTenant)?;
    if hourly_cost.is_sign_negative() && !hourly_cost.is_zero() {
        return Err(DomainError::validation(
            "hourlyCost",
            "an hourly cost cannot be negative",
        ));
    }
    if hourly_cost > Decimal::from(MAX_HOURLY_COST) {
        return Err(DomainError::validation(
            "hourlyCost",
            format!("an hourly cost is at most {MAX_HOURLY_COST}"),
        ));
    }
    if hourly_cost.round_dp(4) != hourly_cost {
        return Err(DomainError::validation(
            "hourlyCost",
            "an hourly cost has at most 4 decimals",
        ));
    }
    find_staff(&svc.db, actor.tenant_id, user_id).await?;
    let now = svc.now();
    let backend = svc.db.get_database_backend();
    let mut sql = SqlBuilder::new(backend);
    let text = format!(
        "INSERT INTO agent_hourly_costs (tenant_id, user_id, hourly_cost, currency, effective_from, created_by, created_at) \
         VALUES ({}, {}, {}, {}, {}, {}, {}) \
         ON CONFLICT (user_id, effective_from) DO UPDATE SET hourly_cost = excluded.hourly_cost, \
         created_by = excluded.created_by, created_at = excluded.created_at RETURNING id",
        sql.bind(actor.tenant_id),
        sql.bind(user_id),
        sql.bind(hourly_cost),
        sql.bind(CURRENCY),
        sql.bind(effective_from),
        sql.bind(actor.user_id),
        sql.bind(now),
    );
    let row = svc
        .db
        .query_one(sql.statement(&text))
        .await?
        .ok_or_else(|| DomainError::internal("hourly cost upsert returned no row"))?;
    let id: i64 = row.try_get("", "id")?;
    let saved = agent_hourly_cost::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("hourly cost"))?;
    // The rate moves the spend of every budget the agent worked on.
    budgets::budget_changed(svc, actor.tenant_id, None).await?;
    Ok(saved)
}

/// A staff member's hourly costs, oldest first (supervisors).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::NotFound`] for a
/// user outside the tenant.
pub async fn hourly_cost_history(
    svc: &Services,
    actor: &Actor,
    user_id: i64,
) -> DomainResult<Vec<agent_hourly_cost::Model>> {
    actor.require(Permission::ViewCosts)?;
    find_staff(&svc.db, actor.tenant_id, user_id).await?;
    Ok(agent_hourly_cost::Entity::find()
        .filter(agent_hourly_cost::Column::TenantId.eq(actor.tenant_id))
        .filter(agent_hourly_cost::Column::UserId.eq(user_id))
        .order_by_asc(agent_hourly_cost::Column::EffectiveFrom)
        .all(&svc.db)
        .await?)
}

/// The current hourly cost of each staff member of the tenant who has one (supervisors):
/// `(user, latest row effective today or earlier)`.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers.
pub async fn current_hourly_costs(
    svc: &Services,
    actor: &Actor,
) -> DomainResult<Vec<agent_hourly_cost::Model>> {
    actor.require(Permission::ViewCosts)?;
    let today = svc.now().date_naive();
    let rows = agent_hourly_cost::Entity::find()
        .filter(agent_hourly_cost::Column::TenantId.eq(actor.tenant_id))
        .filter(agent_hourly_cost::Column::EffectiveFrom.lte(today))
        .order_by_asc(agent_hourly_cost::Column::UserId)
        .order_by_desc(agent_hourly_cost::Column::EffectiveFrom)
        .all(&svc.db)
        .await?;
    let mut current: Vec<agent_hourly_cost::Model> = Vec::new();
    for row in rows {
        if current
            .last()
            .is_none_or(|last| last.user_id != row.user_id)
        {
            current.push(row);
        }
    }
    Ok(current)
}

async fn find_staff(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_id: i64,
) -> DomainResult<user::Model> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("user"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_half_away_from_zero_to_cents() {
        // 1 minute at 0.3 €/h = 0.005 € exactly: rounds up to one cent.
        assert_eq!(units_to_amount(3_000).to_string(), "0.01");
        // 90 minutes at 45.5 €/h = 68.25 €.
        assert_eq!(units_to_amount(90 * 455_000).to_string(), "68.25");
        assert_eq!(units_to_amount(0).to_string(), "0.00");
        assert_eq!(round_cents(Decimal::new(-5, 3)).to_string(), "-0.01");
    }

    #[test]
    fn stored_money_cuts_float_noise() {
        let noisy = Decimal::try_from(1500.1_f64).unwrap_or_default();
        assert_eq!(stored_money(noisy).to_string(), "1500.10");
        assert_eq!(stored_money(Decimal::new(425_000, 4)).to_string(), "42.50");
        assert_eq!(
            stored_money(Decimal::new(123_456, 4)).to_string(),
            "12.3456"
        );
    }
}

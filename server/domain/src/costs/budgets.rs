//! Customers' budgets: what was planned for a period, what the work cost, and alerts when
//! thresholds are crossed.
//!
//! The actual spend of a budget is the cost (see [`crate::costs`]) of the time logged on its
//! customer's tickets with a work date inside the period. Each threshold (a percentage of the
//! planned amount) raises one `budget_alerts` row and one notification to the tenant's
//! admins and managers, once: the row is inserted with `ON CONFLICT (budget_id, threshold)
//! DO NOTHING RETURNING id`, and only the transaction that got a row back notifies, so two
//! runs racing (two instances, or a job and a time entry) alert once.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use entity::enums::{NotificationKind, PeriodKind};
use entity::{budget, customer};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::actor::Actor;
use crate::costs::{
    rates_cte, round_cents, stored_money, units_to_amount, SqlBuilder, CURRENCY, RATE_JOIN_SQL,
};
use crate::error::{DomainError, DomainResult};
use crate::events::{LiveEvent, LiveEventKind, ThresholdCrossed};
use crate::notices::Notice;
use crate::notifications::{announce, supervisors, Announcement};
use crate::permissions::Permission;
use crate::scope::find_in_tenant;
use crate::Services;

/// The thresholds of a budget created without any: 80 % and 100 %.
pub const DEFAULT_THRESHOLDS: [i32; 2] = [80, 100];

/// What a budget is set to.
#[derive(Debug, Clone)]
pub struct BudgetInput {
    /// Month, quarter or year.
    pub period_kind: PeriodKind,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day; by default the last day of the calendar period starting at `period_start`.
    pub period_end: Option<NaiveDate>,
    /// The amount planned, in [`CURRENCY`].
    pub planned_amount: Decimal,
    /// Alert thresholds in percent of the planned amount; [`DEFAULT_THRESHOLDS`] if `None`.
    pub thresholds: Option<Vec<i32>>,
}

/// A budget with what was spent so far.
#[derive(Debug, Clone)]
pub struct BudgetStatus {
    /// The budget.
    pub budget: budget::Model,
    /// Its planned amount (exact, two decimals at least).
    pub planned: Decimal,
    /// Its thresholds, ascending.
    pub thresholds: Vec<i32>,
    /// Cost of the work in the period so far, to the cent.
    pub actual: Decimal,
    /// Minutes logged in the period.
    pub minutes: i64,
    /// `planned - actual` (negative when exceeded).
    pub remaining: Decimal,
    /// `actual` as a share of `planned`, in percent (rounded to 2 decimals); `None` when
    /// nothing was planned.
    pub consumed_percent: Option<Decimal>,
    /// The spend at the end of the period if work goes on at the rate so far: `actual /
    /// elapsed days × period days` (`actual` once the period is over, 0 before it starts).
    pub projected: Decimal,
    /// The thresholds already raised.
    pub raised_thresholds: Vec<i32>,
}

impl BudgetStatus {
    /// Whether the actual spend is above the planned amount.
    #[must_use]
    pub fn exceeded(&self) -> bool {
        self.actual > self.planned
    }
}

/// The last day of the `kind` period that starts on `start`.
#[must_use]
pub fn default_period_end(kind: PeriodKind, start: NaiveDate) -> NaiveDate {
    let months = match kind {
        PeriodKind::Month => 1,
        PeriodKind::Quarter => 3,
        PeriodKind::Year => 12,
    };
    start
        .checked_add_months(Months::new(months))
        .and_then(|next| next.pred_opt())
        .unwrap_or(start)
}

fn check_input(input: &BudgetInput) -> DomainResult<(NaiveDate, Vec<i32>)> {
    if input.planned_amount.is_sign_negative() && !input.planned_amount.is_zero() {
        return Err(DomainError::validation(
            "plannedAmount",
            "a planned amount cannot be negative",
        ));
    }
    if input.planned_amount >= Decimal::from(100_000_000_000_000_i64) {
        return Err(DomainError::validation(
            "plannedAmount",
            "the planned amount is too large",
        ));
    }
    if input.planned_amount.round_dp(4) != input.planned_amount {
        return Err(DomainError::validation(
            "plannedAmount",
            "an amount has at most 4 decimals",
        ));
    }
    crate::costs::check_date("periodStart", input.period_start)?;
    if let Some(end) = input.period_end {
        crate::costs::check_date("periodEnd", end)?;
    }
    let end = input
        .period_end
        .unwrap_or_else(|| default_period_end(input.period_kind, input.period_start));
    if end < input.period_start {
        return Err(DomainError::validation(
            "periodEnd",
            "the period ends before it starts",
        ));
    }
    let mut thresholds = input
        .thresholds
        .clone()
        .unwrap_or_else(|| DEFAULT_THRESHOLDS.to_vec());
    if thresholds.is_empty() || thresholds.len() > 10 {
        return Err(DomainError::validation(
            "thresholds",
            "give between 1 and 10 thresholds",
        ));
    }
    if thresholds.iter().any(|t| !(1..=1000).contains(t)) {
        return Err(DomainError::validation(
            "thresholds",
            "a threshold is a percentage from 1 to 1000",
        ));
    }
    thresholds.sort_unstable();
    if thresholds.windows(2).any(|w| w[0] == w[1]) {
        return Err(DomainError::validation(
            "thresholds",
            "each threshold may appear once",
        ));
    }
    Ok((end, thresholds))
}

fn thresholds_json(thresholds: &[i32]) -> serde_json::Value {
    serde_json::Value::from(thresholds.to_vec())
}

fn thresholds_of(model: &budget::Model) -> Vec<i32> {
    let mut list: Vec<i32> = model
        .thresholds
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(serde_json::Value::as_i64)
                .filter_map(|v| i32::try_from(v).ok())
                .collect()
        })
        .unwrap_or_default();
    list.sort_unstable();
    list
}

/// Creates a budget for a customer (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::NotFound`] for a
/// customer of another tenant; [`DomainError::Validation`] for a negative amount, an end
/// before the start or bad thresholds; [`DomainError::Conflict`] when the customer already
/// has a budget of that kind starting that day.
pub async fn create_budget(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    input: &BudgetInput,
) -> DomainResult<BudgetStatus> {
    actor.require(Permission::ManageBudgets)?;
    let (end, thresholds) = check_input(input)?;
    find_in_tenant::<customer::Entity>(&svc.db, actor.tenant_id, customer_id).await?;
    let now = svc.now();
    let created = budget::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(customer_id),
        period_kind: Set(input.period_kind),
        period_start: Set(input.period_start),
        period_end: Set(end),
        planned_amount: Set(input.planned_amount),
        currency: Set(CURRENCY.to_owned()),
        thresholds: Set(thresholds_json(&thresholds)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(|e| match DomainError::from(e) {
        DomainError::Conflict(_) => DomainError::Conflict(
            "this customer already has a budget of that kind starting that day".into(),
        ),
        other => other,
    })?;
    budget_changed(svc, actor.tenant_id, Some(customer_id)).await?;
    get_budget(svc, actor, created.id).await
}

/// Changes a budget (admins and managers). Thresholds already raised stay raised; a
/// threshold crossed by the new amount is raised at once.
///
/// # Errors
///
/// As [`create_budget`], and [`DomainError::NotFound`] for a budget of another tenant.
pub async fn update_budget(
    svc: &Services,
    actor: &Actor,
    budget_id: i64,
    input: &BudgetInput,
) -> DomainResult<BudgetStatus> {
    actor.require(Permission::ManageBudgets)?;
    let (end, thresholds) = check_input(input)?;
    let found = find_budget(&svc.db, actor.tenant_id, budget_id).await?;
    let mut active: budget::ActiveModel = found.into();
    active.period_kind = Set(input.period_kind);
    active.period_start = Set(input.period_start);
    active.period_end = Set(end);
    active.planned_amount = Set(input.planned_amount);
    active.thresholds = Set(thresholds_json(&thresholds));
    active.updated_at = Set(svc.now());
    let updated = active.update(&svc.db).await?;
    budget_changed(svc, actor.tenant_id, Some(updated.customer_id)).await?;
    get_budget(svc, actor, budget_id).await
}

/// Deletes a budget and its alerts (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::NotFound`] for a
/// budget of another tenant.
pub async fn delete_budget(svc: &Services, actor: &Actor, budget_id: i64) -> DomainResult<()> {
    actor.require(Permission::ManageBudgets)?;
    let found = find_budget(&svc.db, actor.tenant_id, budget_id).await?;
    let txn = svc.begin().await?;
    entity::budget_alert::Entity::delete_many()
        .filter(entity::budget_alert::Column::BudgetId.eq(found.id))
        .exec(&txn)
        .await?;
    budget::Entity::delete_by_id(found.id).exec(&txn).await?;
    txn.commit().await?;
    svc.events
        .publish(LiveEvent::budgets(actor.tenant_id, Some(found.customer_id)))
        .await;
    Ok(())
}

/// After a change that moves the spend or the plan of `customer_id`'s budgets (every
/// customer's when `None`: an hourly cost): raises the thresholds now crossed, then tells
/// the budgets' subscribers. The one thing every such change calls.
///
/// # Errors
///
/// Database errors (of raising the alerts).
pub async fn budget_changed(
    svc: &Services,
    tenant_id: i64,
    customer_id: Option<i64>,
) -> DomainResult<()> {
    raise_budget_alerts(svc, Some(tenant_id), customer_id).await?;
    svc.events
        .publish(LiveEvent::budgets(tenant_id, customer_id))
        .await;
    Ok(())
}

async fn find_budget(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    budget_id: i64,
) -> DomainResult<budget::Model> {
    find_in_tenant::<budget::Entity>(db, tenant_id, budget_id).await
}

/// One budget with its spend (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers; [`DomainError::NotFound`].
pub async fn get_budget(
    svc: &Services,
    actor: &Actor,
    budget_id: i64,
) -> DomainResult<BudgetStatus> {
    actor.require(Permission::ViewCosts)?;
    let found = find_budget(&svc.db, actor.tenant_id, budget_id).await?;
    let mut list = statuses(svc, vec![found]).await?;
    list.pop().ok_or(DomainError::NotFound("budget"))
}

/// The budgets whose period overlaps `[from, to]` (all when `None`), optionally of one
/// customer, by period then customer, with their spend (admins and managers).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers.
pub async fn list_budgets(
    svc: &Services,
    actor: &Actor,
    customer_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> DomainResult<Vec<BudgetStatus>> {
    actor.require(Permission::ViewCosts)?;
    let mut query = budget::Entity::find().filter(budget::Column::TenantId.eq(actor.tenant_id));
    if let Some(customer_id) = customer_id {
        query = query.filter(budget::Column::CustomerId.eq(customer_id));
    }
    if let Some(from) = from {
        query = query.filter(budget::Column::PeriodEnd.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(budget::Column::PeriodStart.lte(to));
    }
    let rows = query
        .order_by_asc(budget::Column::PeriodStart)
        .order_by_asc(budget::Column::CustomerId)
        .order_by_asc(budget::Column::Id)
        .all(&svc.db)
        .await?;
    statuses(svc, rows).await
}

/// Spend of each budget: `(minutes, units)` by budget id, in one statement.
async fn spend_of_budgets(
    db: &impl ConnectionTrait,
    budget_ids: &[i64],
) -> DomainResult<HashMap<i64, (i64, i64)>> {
    if budget_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = SqlBuilder::new(db.get_database_backend());
    // Budgets of several tenants may be read at once (the jobs): the rates are not filtered
    // by tenant, the join on the user is enough.
    let rates = rates_cte(&mut sql, None);
    let text = format!(
        "{rates} SELECT b.id AS k, CAST(COALESCE(SUM(te.minutes), 0) AS BIGINT) AS minutes, \
         CAST(COALESCE(SUM(te.minutes * COALESCE(r.units, 0)), 0) AS BIGINT) AS units \
         FROM budgets b \
         JOIN tickets t ON t.tenant_id = b.tenant_id AND t.customer_id = b.customer_id \
         JOIN time_entries te ON te.ticket_id = t.id \
           AND te.work_date >= b.period_start AND te.work_date <= b.period_end \
         {RATE_JOIN_SQL} \
         WHERE b.id IN {} GROUP BY b.id",
        sql.bind_list(budget_ids)
    );
    let rows = db.query_all(sql.statement(&text)).await?;
    let mut spend = HashMap::new();
    for row in rows {
        spend.insert(
            row.try_get::<i64>("", "k")?,
            (
                row.try_get::<i64>("", "minutes")?,
                row.try_get::<i64>("", "units")?,
            ),
        );
    }
    Ok(spend)
}

async fn statuses(svc: &Services, budgets: Vec<budget::Model>) -> DomainResult<Vec<BudgetStatus>> {
    let ids: Vec<i64> = budgets.iter().map(|b| b.id).collect();
    let spend = spend_of_budgets(&svc.db, &ids).await?;
    let raised = entity::budget_alert::Entity::find()
        .filter(entity::budget_alert::Column::BudgetId.is_in(ids.iter().copied()))
        .order_by_asc(entity::budget_alert::Column::Threshold)
        .all(&svc.db)
        .await?;
    let today = svc.now().date_naive();
    Ok(budgets
        .into_iter()
        .map(|budget| {
            let (minutes, units) = spend.get(&budget.id).copied().unwrap_or((0, 0));
            let raised_thresholds = raised
                .iter()
                .filter(|a| a.budget_id == budget.id)
                .map(|a| a.threshold)
                .collect();
            status_of(budget, minutes, units, today, raised_thresholds)
        })
        .collect())
}

fn status_of(
    budget: budget::Model,
    minutes: i64,
    units: i64,
    today: NaiveDate,
    raised_thresholds: Vec<i32>,
) -> BudgetStatus {
    let planned = stored_money(budget.planned_amount);
    let actual = units_to_amount(units);
    let remaining = round_cents(planned - actual);
    let consumed_percent =
        (!planned.is_zero()).then(|| round_cents(actual * Decimal::from(100) / planned));
    let period_days = (budget.period_end - budget.period_start).num_days() + 1;
    let projected = if today < budget.period_start || today > budget.period_end {
        actual
    } else {
        let elapsed = (today - budget.period_start).num_days() + 1;
        round_cents(
            Decimal::from(units) * Decimal::from(period_days)
                / Decimal::from(elapsed)
                / Decimal::from(600_000),
        )
    };
    let thresholds = thresholds_of(&budget);
    BudgetStatus {
        budget,
        planned,
        thresholds,
        actual,
        minutes,
        remaining,
        consumed_percent,
        projected,
        raised_thresholds,
    }
}

/// Raises the alerts of every threshold crossed and not raised yet, for the budgets of
/// `tenant_id` (all tenants when `None`; only `customer_id`'s when given) whose period has
/// started. Returns how many alerts
/// were raised. Safe to run concurrently: see the module documentation.
///
/// # Errors
///
/// Database errors.
pub async fn raise_budget_alerts(
    svc: &Services,
    tenant_id: Option<i64>,
    customer_id: Option<i64>,
) -> DomainResult<u64> {
    let today = svc.now().date_naive();
    let mut query = budget::Entity::find().filter(budget::Column::PeriodStart.lte(today));
    if let Some(tenant_id) = tenant_id {
        query = query.filter(budget::Column::TenantId.eq(tenant_id));
    }
    if let Some(customer_id) = customer_id {
        query = query.filter(budget::Column::CustomerId.eq(customer_id));
    }
    let budgets = query.order_by_asc(budget::Column::Id).all(&svc.db).await?;
    if budgets.is_empty() {
        return Ok(0);
    }
    let list = statuses(svc, budgets).await?;
    let now = svc.now();
    let mut raised = 0;
    let mut changed = Vec::new();
    for status in list {
        if status.actual.is_zero() {
            continue;
        }
        let crossed: Vec<i32> = status
            .thresholds
            .iter()
            .copied()
            .filter(|t| !status.raised_thresholds.contains(t))
            .filter(|t| status.actual * Decimal::from(100) >= status.planned * Decimal::from(*t))
            .collect();
        for threshold in crossed {
            let txn = svc.begin().await?;
            let mut sql = SqlBuilder::new(txn.get_database_backend());
            let text = format!(
                "INSERT INTO budget_alerts (tenant_id, budget_id, threshold, actual_amount, raised_at) \
                 VALUES ({}, {}, {}, {}, {}) ON CONFLICT (budget_id, threshold) DO NOTHING RETURNING id",
                sql.bind(status.budget.tenant_id),
                sql.bind(status.budget.id),
                sql.bind(threshold),
                sql.bind(status.actual),
                sql.bind(now),
            );
            let inserted = txn.query_one(sql.statement(&text)).await?;
            if inserted.is_some() {
                let customer_name = customer::Entity::find_by_id(status.budget.customer_id)
                    .one(&txn)
                    .await?
                    .map(|c| match c.company {
                        Some(company) if !company.trim().is_empty() => company,
                        _ => format!("{} {}", c.first_name, c.last_name),
                    })
                    .unwrap_or_default();
                let notice = Notice::BudgetThreshold {
                    customer: &customer_name,
                    threshold,
                    spent: status.actual,
                    planned: status.planned,
                    currency: &status.budget.currency,
                    from: status.budget.period_start,
                    to: status.budget.period_end,
                };
                let to = supervisors(&txn, status.budget.tenant_id).await?;
                // In the bell and by mail, each by their choices and in their language,
                // in the same transaction (the outbox sends the mails).
                let told = announce(
                    svc,
                    &txn,
                    status.budget.tenant_id,
                    &to,
                    &Announcement {
                        kind: NotificationKind::BudgetAlert,
                        notice,
                        ticket: None,
                        author_id: None,
                    },
                    now,
                )
                .await?;
                changed.push(LiveEvent {
                    tenant_id: status.budget.tenant_id,
                    kind: LiveEventKind::BudgetThresholdCrossed,
                    ticket_id: None,
                    message_id: None,
                    lead_id: None,
                    customer_id: Some(status.budget.customer_id),
                    notified: told,
                    crossed: Some(ThresholdCrossed {
                        budget_id: status.budget.id,
                        threshold,
                    }),
                });
                raised += 1;
            }
            txn.commit().await?;
        }
    }
    svc.events.publish_batch(changed).await;
    Ok(raised)
}

/// The first day of the calendar period of `kind` containing `date`.
#[must_use]
pub fn period_start_of(kind: PeriodKind, date: NaiveDate) -> NaiveDate {
    let month = match kind {
        PeriodKind::Month => date.month(),
        PeriodKind::Quarter => (date.month() - 1) / 3 * 3 + 1,
        PeriodKind::Year => 1,
    };
    NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn periods_end_on_the_last_day_of_the_calendar_period() {
        assert_eq!(
            default_period_end(PeriodKind::Month, day(2026, 2, 1)),
            day(2026, 2, 28)
        );
        assert_eq!(
            default_period_end(PeriodKind::Quarter, day(2026, 1, 1)),
            day(2026, 3, 31)
        );
        assert_eq!(
            default_period_end(PeriodKind::Year, day(2026, 1, 1)),
            day(2026, 12, 31)
        );
        assert_eq!(
            period_start_of(PeriodKind::Quarter, day(2026, 8, 17)),
            day(2026, 7, 1)
        );
    }
}

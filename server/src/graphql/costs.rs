//! Hourly costs, the cost of work, and customers' budgets. Money is the `Decimal` scalar: a
//! string holding an exact decimal number (`"123.45"`), never a float.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::agent_hourly_cost;
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, loaders, services};
use super::enums::PeriodKind;
use super::error::{parse_id, GraphqlResultExt};
use super::loaders::loader_error;
use super::types::{load_user, Customer, Ticket, User};
use crate::domain::costs::budgets::{self, BudgetInput as DomainBudgetInput, BudgetStatus};
use crate::domain::costs::{self, CostFilter, CostGrouping as DomainGrouping, CostLine};
use crate::domain::Permission;
use crate::events::LiveEventKind;

/// An agent's hourly cost from a date on.
pub struct HourlyCost(agent_hourly_cost::Model);

#[Object]
impl HourlyCost {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The staff member.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, Some(self.0.user_id)).await
    }
    /// What an hour costs, in `currency`.
    async fn hourly_cost(&self) -> Decimal {
        costs::stored_money(self.0.hourly_cost)
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The first work date this cost applies to; it applies until the next one.
    async fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// How a cost report groups work.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostGrouping {
    /// Per ticket.
    Ticket,
    /// Per customer.
    Customer,
    /// Per agent who logged the time.
    Agent,
    /// Per week (Monday to Sunday) of the work date.
    Week,
    /// Per calendar month.
    Month,
    /// Per calendar quarter.
    Quarter,
    /// Per calendar year.
    Year,
}

impl From<CostGrouping> for DomainGrouping {
    fn from(value: CostGrouping) -> Self {
        match value {
            CostGrouping::Ticket => Self::Ticket,
            CostGrouping::Customer => Self::Customer,
            CostGrouping::Agent => Self::Agent,
            CostGrouping::Week => Self::Week,
            CostGrouping::Month => Self::Month,
            CostGrouping::Quarter => Self::Quarter,
            CostGrouping::Year => Self::Year,
        }
    }
}

/// One line of a cost report: the work of one ticket, customer, agent or period.
pub struct CostReportLine {
    grouping: CostGrouping,
    line: CostLine,
}

#[Object]
impl CostReportLine {
    /// The first day of the period (period groupings).
    async fn period_start(&self) -> Option<NaiveDate> {
        self.line.period_start
    }
    /// The ticket (`TICKET` grouping).
    async fn ticket(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Ticket>> {
        let Some(id) = self
            .line
            .id
            .filter(|_| self.grouping == CostGrouping::Ticket)
        else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .tickets
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Ticket::new))
    }
    /// The customer (`CUSTOMER` grouping).
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Customer>> {
        let Some(id) = self
            .line
            .id
            .filter(|_| self.grouping == CostGrouping::Customer)
        else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .customers
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Customer))
    }
    /// The agent (`AGENT` grouping).
    async fn agent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self
            .line
            .id
            .filter(|_| self.grouping == CostGrouping::Agent)
        else {
            return Ok(None);
        };
        load_user(ctx, Some(id)).await
    }
    /// Minutes logged.
    async fn minutes(&self) -> i64 {
        self.line.minutes
    }
    /// Their cost: each entry at its agent's hourly cost on its work date, rounded to
    /// cents (half away from zero) once, on the total.
    async fn amount(&self) -> Decimal {
        self.line.amount
    }
}

/// A customer's budget for a period, with what was spent.
pub struct Budget(BudgetStatus);

impl From<BudgetStatus> for Budget {
    fn from(value: BudgetStatus) -> Self {
        Self(value)
    }
}

#[Object]
impl Budget {
    async fn id(&self) -> ID {
        ID(self.0.budget.id.to_string())
    }
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Customer>> {
        Ok(loaders(ctx)?
            .customers
            .load_one(self.0.budget.customer_id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Customer))
    }
    async fn period_kind(&self) -> PeriodKind {
        self.0.budget.period_kind.into()
    }
    async fn period_start(&self) -> NaiveDate {
        self.0.budget.period_start
    }
    /// The last day of the period (included).
    async fn period_end(&self) -> NaiveDate {
        self.0.budget.period_end
    }
    async fn currency(&self) -> &str {
        &self.0.budget.currency
    }
    async fn planned_amount(&self) -> Decimal {
        self.0.planned
    }
    /// The cost of the work logged on the customer's tickets in the period.
    async fn actual_amount(&self) -> Decimal {
        self.0.actual
    }
    /// Planned minus actual; negative when exceeded.
    async fn remaining_amount(&self) -> Decimal {
        self.0.remaining
    }
    /// Actual as a percentage of planned (null when nothing was planned).
    async fn consumed_percent(&self) -> Option<Decimal> {
        self.0.consumed_percent
    }
    /// The spend at the end of the period at the rate so far: actual ÷ days elapsed ×
    /// days in the period.
    async fn projected_amount(&self) -> Decimal {
        self.0.projected
    }
    /// Minutes logged in the period.
    async fn logged_minutes(&self) -> i64 {
        self.0.minutes
    }
    /// Whether actual is above planned.
    async fn exceeded(&self) -> bool {
        self.0.exceeded()
    }
    /// Alert thresholds, in percent of the planned amount.
    async fn thresholds(&self) -> Vec<i32> {
        self.0.thresholds.clone()
    }
    /// The thresholds whose alert was raised.
    async fn raised_thresholds(&self) -> Vec<i32> {
        self.0.raised_thresholds.clone()
    }
}

/// What a budget is set to.
#[derive(InputObject)]
pub struct BudgetInput {
    period_kind: PeriodKind,
    /// The first day of the period.
    period_start: NaiveDate,
    /// The last day; by default the end of the calendar month, quarter or year.
    period_end: Option<NaiveDate>,
    /// Zero or more, at most 4 decimals.
    planned_amount: Decimal,
    /// Percentages of the planned amount that raise an alert once each; default [80, 100].
    thresholds: Option<Vec<i32>>,
}

impl From<BudgetInput> for DomainBudgetInput {
    fn from(value: BudgetInput) -> Self {
        Self {
            period_kind: value.period_kind.into(),
            period_start: value.period_start,
            period_end: value.period_end,
            planned_amount: value.planned_amount,
            thresholds: value.thresholds,
        }
    }
}

fn parse_optional_id(field: &'static str, id: Option<&ID>) -> async_graphql::Result<Option<i64>> {
    id.map(|id| parse_id(field, id)).transpose()
}

/// Cost and budget queries (admins and managers).
#[derive(Default)]
pub struct CostQuery;

#[Object]
impl CostQuery {
    /// A staff member's hourly costs, oldest first.
    async fn hourly_costs(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<Vec<HourlyCost>> {
        let actor = actor(ctx)?;
        let user_id = parse_id("userId", &user_id)?;
        Ok(costs::hourly_cost_history(services(ctx)?, actor, user_id)
            .await
            .gql()?
            .into_iter()
            .map(HourlyCost)
            .collect())
    }

    /// The hourly cost in force today of every staff member who has one.
    async fn current_hourly_costs(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<HourlyCost>> {
        let actor = actor(ctx)?;
        Ok(costs::current_hourly_costs(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(HourlyCost)
            .collect())
    }

    /// The cost of logged work grouped by ticket, customer, agent or period, over work
    /// dates from `from` to `to` (both included).
    async fn cost_report(
        &self,
        ctx: &Context<'_>,
        group_by: CostGrouping,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        customer_id: Option<ID>,
        agent_id: Option<ID>,
    ) -> async_graphql::Result<Vec<CostReportLine>> {
        let actor = actor(ctx)?;
        let filter = CostFilter {
            from,
            to,
            customer_id: parse_optional_id("customerId", customer_id.as_ref())?,
            user_id: parse_optional_id("agentId", agent_id.as_ref())?,
            ticket_ids: None,
        };
        Ok(
            costs::cost_report(services(ctx)?, actor, group_by.into(), &filter)
                .await
                .gql()?
                .into_iter()
                .map(|line| CostReportLine {
                    grouping: group_by,
                    line,
                })
                .collect(),
        )
    }

    /// Budgets whose period overlaps `from`–`to`, optionally of one customer, with what
    /// was spent: cost versus budget per customer and period.
    async fn budgets(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> async_graphql::Result<Vec<Budget>> {
        let actor = actor(ctx)?;
        let customer_id = parse_optional_id("customerId", customer_id.as_ref())?;
        Ok(
            budgets::list_budgets(services(ctx)?, actor, customer_id, from, to)
                .await
                .gql()?
                .into_iter()
                .map(Budget)
                .collect(),
        )
    }

    /// One budget.
    async fn budget(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Budget> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Budget(
            budgets::get_budget(services(ctx)?, actor, id).await.gql()?,
        ))
    }
}

/// Cost and budget mutations.
#[derive(Default)]
pub struct CostMutation;

#[Object]
impl CostMutation {
    /// Sets a staff member's hourly cost from `effectiveFrom` on (admins). Work before
    /// that date keeps its cost; a second change on the same date replaces the first.
    async fn set_hourly_cost(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        hourly_cost: Decimal,
        effective_from: NaiveDate,
    ) -> async_graphql::Result<HourlyCost> {
        let actor = actor(ctx)?;
        let user_id = parse_id("userId", &user_id)?;
        Ok(HourlyCost(
            costs::set_hourly_cost(services(ctx)?, actor, user_id, hourly_cost, effective_from)
                .await
                .gql()?,
        ))
    }

    /// Creates a customer's budget (admins and managers).
    async fn create_budget(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        input: BudgetInput,
    ) -> async_graphql::Result<Budget> {
        let actor = actor(ctx)?;
        let customer_id = parse_id("customerId", &customer_id)?;
        Ok(Budget(
            budgets::create_budget(services(ctx)?, actor, customer_id, &input.into())
                .await
                .gql()?,
        ))
    }

    /// Changes a budget (admins and managers).
    async fn update_budget(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: BudgetInput,
    ) -> async_graphql::Result<Budget> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Budget(
            budgets::update_budget(services(ctx)?, actor, id, &input.into())
                .await
                .gql()?,
        ))
    }

    /// Deletes a budget and its alerts (admins and managers); returns its id.
    async fn delete_budget(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let actor = actor(ctx)?;
        let budget_id = parse_id("id", &id)?;
        budgets::delete_budget(services(ctx)?, actor, budget_id)
            .await
            .gql()?;
        Ok(id)
    }
}

/// What happened to budgets.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetEventKind {
    /// A customer's budgets changed (time logged, a budget set, changed or removed):
    /// `budgets` holds them as they now are.
    Updated,
    /// A budget's spend crossed one of its thresholds: `budgetId` and `threshold` name it,
    /// `budgets` holds the customer's budgets as they now are.
    ThresholdCrossed,
    /// Events were missed, or every budget may have moved (an hourly cost changed): load
    /// again what is shown.
    Resync,
}

/// A live change of budgets, as the subscriber may see it.
#[derive(SimpleObject)]
pub struct BudgetEvent {
    /// What happened.
    kind: BudgetEventKind,
    /// The customer whose budgets changed; null for `RESYNC`.
    customer_id: Option<ID>,
    /// That customer's budgets overlapping the subscription's range, with their spend,
    /// remaining amount and projection (empty for `RESYNC`).
    budgets: Vec<Budget>,
    /// For `THRESHOLD_CROSSED`: the budget.
    budget_id: Option<ID>,
    /// For `THRESHOLD_CROSSED`: the threshold crossed, in percent of the planned amount.
    threshold: Option<i32>,
}

impl BudgetEvent {
    const fn resync() -> Self {
        Self {
            kind: BudgetEventKind::Resync,
            customer_id: None,
            budgets: Vec::new(),
            budget_id: None,
            threshold: None,
        }
    }
}

/// Live budgets (admins and managers).
#[derive(Default)]
pub struct BudgetSubscription;

#[Subscription]
impl BudgetSubscription {
    /// Changes of the tenant's budgets overlapping `from`–`to` (all when null), optionally
    /// of one customer: spend, remaining and projection move when time is logged or an
    /// hourly cost changes, and a threshold crossing arrives as its own event.
    async fn budget_events(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> async_graphql::Result<impl Stream<Item = BudgetEvent>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        actor.require(Permission::ViewCosts).gql()?;
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let only = parse_optional_id("customerId", customer_id.as_ref())?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            async move {
                let Ok(delivery) = received else {
                    return Some(BudgetEvent::resync());
                };
                let event = &delivery.event;
                if event.tenant_id != actor.tenant_id {
                    return None;
                }
                let kind = match event.kind {
                    LiveEventKind::BudgetUpdated => BudgetEventKind::Updated,
                    LiveEventKind::BudgetThresholdCrossed => BudgetEventKind::ThresholdCrossed,
                    LiveEventKind::Resync => return Some(BudgetEvent::resync()),
                    _ => return None,
                };
                // The credential is checked again for every event it receives.
                actor.require(Permission::ViewCosts).ok()?;
                let Some(customer) = event.customer_id else {
                    // Every customer's budgets moved (an hourly cost): load them again.
                    return Some(BudgetEvent::resync());
                };
                if only.is_some_and(|id| id != customer) {
                    return None;
                }
                let Ok(list) = budgets::list_budgets(&svc, &actor, Some(customer), from, to).await
                else {
                    return Some(BudgetEvent::resync());
                };
                Some(BudgetEvent {
                    kind,
                    customer_id: Some(ID(customer.to_string())),
                    budgets: list.into_iter().map(Budget).collect(),
                    budget_id: event.crossed.map(|c| ID(c.budget_id.to_string())),
                    threshold: event.crossed.map(|c| c.threshold),
                })
            }
        }))
    }
}

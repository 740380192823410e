//! Reports for admins and managers, each aggregated by the database (see
//! `domain::costs::reports` for the definitions). Also exported as CSV by `GET /reports/{name}.csv`.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::NaiveDate;

use super::context::{actor, services};
use super::enums::TicketType;
use super::error::{parse_id, GraphqlResultExt};
use super::types::{load_user, Ticket, User};
use crate::domain::costs::reports::{self, AgentSatisfaction, ReportFilter, TicketTimes};

/// What a report covers: whole days from `from` to `to` (UTC, both included).
#[derive(InputObject)]
pub struct ReportFilterInput {
    from: NaiveDate,
    to: NaiveDate,
    /// Only tickets assigned to this agent (for lead conversion: leads assigned to them).
    agent_id: Option<ID>,
    /// Only tickets of this department.
    department_id: Option<ID>,
    /// Only tickets of this type.
    ticket_type: Option<TicketType>,
}

impl ReportFilterInput {
    fn parse(&self) -> async_graphql::Result<ReportFilter> {
        Ok(ReportFilter {
            from: self.from,
            to: self.to,
            agent_id: self
                .agent_id
                .as_ref()
                .map(|id| parse_id("agentId", id))
                .transpose()?,
            department_id: self
                .department_id
                .as_ref()
                .map(|id| parse_id("departmentId", id))
                .transpose()?,
            ticket_type: self.ticket_type.map(Into::into),
        })
    }
}

/// Deadlines of one kind met.
#[derive(SimpleObject)]
pub struct SlaCompliance {
    /// Tickets whose deadline is settled (met or missed).
    total: i64,
    /// Of which met.
    met: i64,
    /// `met / total` in percent, rounded to 2 decimals; null when `total` is 0.
    percent: Option<f64>,
}

fn compliance(total: i64, met: i64) -> SlaCompliance {
    SlaCompliance {
        total,
        met,
        percent: percent(met, total),
    }
}

#[allow(clippy::cast_precision_loss)]
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 10_000.0 / whole as f64).round() / 100.0)
}

/// Response and resolution times and SLA compliance of the tickets created in a range.
#[derive(SimpleObject)]
pub struct TicketTimesReport {
    /// Tickets created in the range.
    tickets: i64,
    /// Of which answered.
    responded: i64,
    /// Mean time to the first answer, in seconds.
    mean_first_response_seconds: Option<f64>,
    /// Of which resolved.
    resolved: i64,
    /// Mean time to resolution, in seconds.
    mean_resolution_seconds: Option<f64>,
    /// First-response deadlines met.
    response_sla: SlaCompliance,
    /// Resolution deadlines met.
    resolution_sla: SlaCompliance,
}

impl From<TicketTimes> for TicketTimesReport {
    fn from(t: TicketTimes) -> Self {
        Self {
            tickets: t.tickets,
            responded: t.responded,
            mean_first_response_seconds: t.mean_first_response_seconds,
            resolved: t.resolved,
            mean_resolution_seconds: t.mean_resolution_seconds,
            response_sla: compliance(t.response_sla_total, t.response_sla_met),
            resolution_sla: compliance(t.resolution_sla_total, t.resolution_sla_met),
        }
    }
}

/// The ratings of one agent's tickets.
pub struct AgentSatisfactionReport(AgentSatisfaction);

#[Object]
impl AgentSatisfactionReport {
    /// The assignee; null for unassigned tickets.
    async fn agent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.agent_id).await
    }
    /// Ratings given.
    async fn ratings(&self) -> i64 {
        self.0.ratings
    }
    /// Their mean (1 to 5), rounded to 2 decimals.
    async fn mean(&self) -> f64 {
        (self.0.mean * 100.0).round() / 100.0
    }
    /// How many ratings of 1, 2, 3, 4 and 5 stars, in that order.
    async fn distribution(&self) -> Vec<i64> {
        self.0.distribution.to_vec()
    }
}

/// Tickets opened and closed in a week.
#[derive(SimpleObject)]
pub struct WeekTicketCounts {
    /// The Monday the week starts on.
    week_start: NaiveDate,
    /// Tickets created.
    opened: i64,
    /// Tickets resolved or closed.
    closed: i64,
}

/// The open tickets at the end of a day.
#[derive(SimpleObject)]
pub struct BacklogPoint {
    date: NaiveDate,
    /// Tickets created by the end of `date` and neither resolved nor closed then.
    open: i64,
}

/// Lead conversion over the leads created in a range.
#[derive(SimpleObject)]
pub struct LeadConversionReport {
    leads: i64,
    converted: i64,
    /// `converted / leads` in percent, rounded to 2 decimals; null without leads.
    percent: Option<f64>,
}

/// Report queries (admins and managers; agents and customers get `FORBIDDEN`).
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Mean first-response and resolution times and SLA compliance.
    async fn ticket_times_report(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
    ) -> async_graphql::Result<TicketTimesReport> {
        let actor = actor(ctx)?;
        Ok(
            reports::ticket_times(services(ctx)?, actor, &filter.parse()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Satisfaction per agent over the ratings given in the range.
    async fn satisfaction_report(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
    ) -> async_graphql::Result<Vec<AgentSatisfactionReport>> {
        let actor = actor(ctx)?;
        Ok(
            reports::satisfaction_by_agent(services(ctx)?, actor, &filter.parse()?)
                .await
                .gql()?
                .into_iter()
                .map(AgentSatisfactionReport)
                .collect(),
        )
    }

    /// The latest rated tickets with a comment (`first` defaults to 10, at most 100).
    #[graphql(complexity = "crate::graphql::list_cost(first, 10, child_complexity)")]
    async fn satisfaction_comments(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Ticket>> {
        let actor = actor(ctx)?;
        let limit = u64::try_from(first.unwrap_or(10))
            .unwrap_or(0)
            .clamp(1, 100);
        Ok(
            reports::recent_satisfaction_comments(services(ctx)?, actor, &filter.parse()?, limit)
                .await
                .gql()?
                .into_iter()
                .map(Ticket::new)
                .collect(),
        )
    }

    /// Tickets opened and closed per week, every week of the range.
    async fn tickets_per_week(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
    ) -> async_graphql::Result<Vec<WeekTicketCounts>> {
        let actor = actor(ctx)?;
        Ok(
            reports::tickets_per_week(services(ctx)?, actor, &filter.parse()?)
                .await
                .gql()?
                .into_iter()
                .map(|w| WeekTicketCounts {
                    week_start: w.week_start,
                    opened: w.opened,
                    closed: w.closed,
                })
                .collect(),
        )
    }

    /// Open tickets at the end of each week of the range, and at the end of `to`.
    async fn backlog_report(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
    ) -> async_graphql::Result<Vec<BacklogPoint>> {
        let actor = actor(ctx)?;
        Ok(reports::backlog(services(ctx)?, actor, &filter.parse()?)
            .await
            .gql()?
            .into_iter()
            .map(|(date, open)| BacklogPoint { date, open })
            .collect())
    }

    /// Leads created in the range and how many were converted.
    async fn lead_conversion_report(
        &self,
        ctx: &Context<'_>,
        filter: ReportFilterInput,
    ) -> async_graphql::Result<LeadConversionReport> {
        let actor = actor(ctx)?;
        let result = reports::lead_conversion(services(ctx)?, actor, &filter.parse()?)
            .await
            .gql()?;
        Ok(LeadConversionReport {
            leads: result.leads,
            converted: result.converted,
            percent: percent(result.converted, result.leads),
        })
    }
}

//! The tenant's settings: workflows and SLA policies (admins change them).

use serde::{Deserialize, Serialize};

use crate::api::tickets::{TicketStatus, TicketType};
use crate::api::{graphql, ApiError, NoVariables};

const WORKFLOWS: &str = include_str!("../../graphql/workflows.graphql");
const SET_WORKFLOW_TRANSITIONS: &str =
    include_str!("../../graphql/set_workflow_transitions.graphql");
const SLA_POLICIES: &str = include_str!("../../graphql/sla_policies.graphql");
const UPDATE_SLA_POLICY: &str = include_str!("../../graphql/update_sla_policy.graphql");

/// One allowed move of a workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transition {
    pub from: TicketStatus,
    pub to: TicketStatus,
}

/// The workflow of a ticket type.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    pub id: String,
    pub ticket_type: TicketType,
    pub name: String,
    pub initial_status: TicketStatus,
    pub transitions: Vec<Transition>,
    pub updated_at: String,
}

/// The SLA hours of a ticket type.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub ticket_type: TicketType,
    pub response_hours: i32,
    pub resolution_hours: i32,
    pub updated_at: String,
}

#[derive(Deserialize)]
struct WorkflowsData {
    workflows: Vec<Workflow>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetTransitionsVariables<'a> {
    ticket_type: TicketType,
    transitions: &'a [Transition],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetTransitionsData {
    set_workflow_transitions: Workflow,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlaPoliciesData {
    sla_policies: Vec<SlaPolicy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateSlaVariables {
    ticket_type: TicketType,
    response_hours: i32,
    resolution_hours: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateSlaData {
    update_sla_policy: SlaPolicy,
}

/// Every ticket type's workflow (`workflows.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_workflows() -> Result<Vec<Workflow>, ApiError> {
    let data: WorkflowsData = graphql(WORKFLOWS, NoVariables {}).await?;
    Ok(data.workflows)
}

/// Replaces a workflow's allowed moves (`set_workflow_transitions.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for a workflow the server refuses, or any
/// [`ApiError`] of the call.
pub async fn set_workflow_transitions(
    ticket_type: TicketType,
    transitions: &[Transition],
) -> Result<Workflow, ApiError> {
    let variables = SetTransitionsVariables {
        ticket_type,
        transitions,
    };
    let data: SetTransitionsData = graphql(SET_WORKFLOW_TRANSITIONS, variables).await?;
    Ok(data.set_workflow_transitions)
}

/// Every ticket type's SLA policy (`sla_policies.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_sla_policies() -> Result<Vec<SlaPolicy>, ApiError> {
    let data: SlaPoliciesData = graphql(SLA_POLICIES, NoVariables {}).await?;
    Ok(data.sla_policies)
}

/// Sets a ticket type's SLA hours (`update_sla_policy.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for hours the server refuses, or any
/// [`ApiError`] of the call.
pub async fn update_sla_policy(
    ticket_type: TicketType,
    response_hours: i32,
    resolution_hours: i32,
) -> Result<SlaPolicy, ApiError> {
    let variables = UpdateSlaVariables {
        ticket_type,
        response_hours,
        resolution_hours,
    };
    let data: UpdateSlaData = graphql(UPDATE_SLA_POLICY, variables).await?;
    Ok(data.update_sla_policy)
}

const BUSINESS_CALENDAR: &str = include_str!("../../graphql/business_calendar.graphql");
const SET_BUSINESS_CALENDAR: &str = include_str!("../../graphql/set_business_calendar.graphql");

/// A day of the week, as the API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        Weekday::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

/// Opening hours of one weekday, `HH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningInterval {
    pub weekday: Weekday,
    pub opens: String,
    pub closes: String,
}

/// The tenant's business calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessCalendar {
    pub timezone: String,
    #[serde(default, skip_serializing)]
    pub always_open: bool,
    pub opening_hours: Vec<OpeningInterval>,
    pub holidays: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarData {
    business_calendar: BusinessCalendar,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetCalendarData {
    set_business_calendar: BusinessCalendar,
}

/// The business calendar (`business_calendar.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_business_calendar() -> Result<BusinessCalendar, ApiError> {
    let data: CalendarData = graphql(BUSINESS_CALENDAR, NoVariables {}).await?;
    Ok(data.business_calendar)
}

/// Replaces the business calendar (`set_business_calendar.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for a zone, time or interval the server
/// refuses, or any [`ApiError`] of the call.
pub async fn set_business_calendar(
    calendar: &BusinessCalendar,
) -> Result<BusinessCalendar, ApiError> {
    let data: SetCalendarData = graphql(SET_BUSINESS_CALENDAR, calendar).await?;
    Ok(data.set_business_calendar)
}

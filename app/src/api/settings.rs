//! The tenant's settings: workflows, SLA policies and the business calendar (admins change
//! them).

use crate::api::{graphql, ApiError, TicketStatus, TicketType, Weekday};

operation!(
    Workflows,
    "graphql/workflows.graphql",
    response_derives = "Clone, Debug, PartialEq, Eq, Hash"
);
operation!(
    SetWorkflowTransitions,
    "graphql/set_workflow_transitions.graphql"
);
operation!(SlaPolicies, "graphql/sla_policies.graphql");
operation!(UpdateSlaPolicy, "graphql/update_sla_policy.graphql");
// The owner of `Weekday` (see `operation!`).
operation!(
    BusinessCalendar,
    "graphql/business_calendar.graphql",
    extern_enums(),
    response_derives = "Clone, Debug, PartialEq, Eq, Hash"
);
operation!(SetBusinessCalendar, "graphql/set_business_calendar.graphql");

enum_names!(
    Weekday,
    [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]
);

impl Weekday {
    /// 0 for Monday … 6 for Sunday.
    pub fn index(&self) -> usize {
        Weekday::ALL.iter().position(|d| d == self).unwrap_or(0)
    }
}

/// One allowed move of a workflow.
pub type Transition = workflows::WorkflowsWorkflowsTransitions;
/// The workflow of a ticket type.
pub type Workflow = workflows::WorkflowsWorkflows;
/// The SLA hours of a ticket type.
pub type SlaPolicy = sla_policies::SlaPoliciesSlaPolicies;
/// The tenant's business calendar.
pub type BusinessCalendarData = business_calendar::BusinessCalendarBusinessCalendar;
/// Opening hours of one weekday, `HH:MM`.
pub type OpeningInterval = business_calendar::BusinessCalendarBusinessCalendarOpeningHours;
/// What `setBusinessCalendar` takes.
pub type CalendarInput = set_business_calendar::Variables;
/// Opening hours of one weekday, as `setBusinessCalendar` takes them.
pub type OpeningIntervalInput = set_business_calendar::OpeningIntervalInput;

same_fields!(set_workflow_transitions::SetWorkflowTransitionsSetWorkflowTransitionsTransitions
    => Transition { from, to });
same_fields!(set_workflow_transitions::SetWorkflowTransitionsSetWorkflowTransitions => Workflow {
    id, ticket_type, name, initial_status, transitions each, updated_at
});
same_fields!(Transition => set_workflow_transitions::TransitionInput { from, to });
same_fields!(update_sla_policy::UpdateSlaPolicyUpdateSlaPolicy => SlaPolicy {
    ticket_type, response_hours, resolution_hours, updated_at
});
same_fields!(set_business_calendar::SetBusinessCalendarSetBusinessCalendarOpeningHours
    => OpeningInterval { weekday, opens, closes });
same_fields!(set_business_calendar::SetBusinessCalendarSetBusinessCalendar
    => BusinessCalendarData { timezone, always_open, opening_hours each, holidays });

/// Every ticket type's workflow (`workflows.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_workflows() -> Result<Vec<Workflow>, ApiError> {
    Ok(graphql::<Workflows>(workflows::Variables).await?.workflows)
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
    let variables = set_workflow_transitions::Variables {
        ticket_type,
        transitions: transitions.iter().cloned().map(Into::into).collect(),
    };
    let data = graphql::<SetWorkflowTransitions>(variables).await?;
    Ok(data.set_workflow_transitions.into())
}

/// Every ticket type's SLA policy (`sla_policies.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_sla_policies() -> Result<Vec<SlaPolicy>, ApiError> {
    Ok(graphql::<SlaPolicies>(sla_policies::Variables)
        .await?
        .sla_policies)
}

/// Sets a ticket type's SLA hours (`update_sla_policy.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for hours the server refuses, or any
/// [`ApiError`] of the call.
pub async fn update_sla_policy(
    ticket_type: TicketType,
    response_hours: i64,
    resolution_hours: i64,
) -> Result<SlaPolicy, ApiError> {
    let variables = update_sla_policy::Variables {
        ticket_type,
        response_hours,
        resolution_hours,
    };
    let data = graphql::<UpdateSlaPolicy>(variables).await?;
    Ok(data.update_sla_policy.into())
}

/// The business calendar (`business_calendar.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_business_calendar() -> Result<BusinessCalendarData, ApiError> {
    Ok(graphql::<BusinessCalendar>(business_calendar::Variables)
        .await?
        .business_calendar)
}

/// Replaces the business calendar (`set_business_calendar.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for a zone, time or interval the server
/// refuses, or any [`ApiError`] of the call.
pub async fn set_business_calendar(
    calendar: CalendarInput,
) -> Result<BusinessCalendarData, ApiError> {
    let data = graphql::<SetBusinessCalendar>(calendar).await?;
    Ok(data.set_business_calendar.into())
}

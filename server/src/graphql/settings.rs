//! Tenant settings: workflows and SLA policies (read by staff, edited by admins).

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::context::{actor, services};
use super::enums::{TicketStatus, TicketType};
use super::error::GraphqlResultExt;
use crate::domain::settings::{self, WorkflowWithTransitions};

/// The statuses a ticket type moves through.
pub struct Workflow(WorkflowWithTransitions);

/// One allowed move.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "TransitionInput")]
pub struct Transition {
    from: TicketStatus,
    to: TicketStatus,
}

#[Object]
impl Workflow {
    async fn id(&self) -> ID {
        ID(self.0.workflow.id.to_string())
    }
    async fn ticket_type(&self) -> TicketType {
        self.0.workflow.ticket_type.into()
    }
    async fn name(&self) -> &str {
        &self.0.workflow.name
    }
    /// The status new tickets start in.
    async fn initial_status(&self) -> TicketStatus {
        self.0.workflow.initial_status.into()
    }
    /// The allowed moves.
    async fn transitions(&self) -> Vec<Transition> {
        self.0
            .transitions
            .iter()
            .map(|t| Transition {
                from: t.from_status.into(),
                to: t.to_status.into(),
            })
            .collect()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.workflow.updated_at
    }
}

/// Response and resolution targets of a ticket type.
#[derive(SimpleObject)]
pub struct SlaPolicy {
    ticket_type: TicketType,
    /// Hours until the first agent reply is due.
    response_hours: i32,
    /// Hours until the ticket must be resolved.
    resolution_hours: i32,
    updated_at: DateTime<Utc>,
}

impl From<entity::sla_policy::Model> for SlaPolicy {
    fn from(model: entity::sla_policy::Model) -> Self {
        Self {
            ticket_type: model.ticket_type.into(),
            response_hours: model.response_hours,
            resolution_hours: model.resolution_hours,
            updated_at: model.updated_at,
        }
    }
}

/// Settings queries.
#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The workflow of each ticket type (staff).
    async fn workflows(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Workflow>> {
        let actor = actor(ctx)?;
        Ok(settings::list_workflows(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(Workflow)
            .collect())
    }

    /// The SLA policy of each ticket type (staff).
    async fn sla_policies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SlaPolicy>> {
        let actor = actor(ctx)?;
        Ok(settings::list_sla_policies(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// Settings mutations.
#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Replaces the allowed moves of a ticket type's workflow (admins).
    async fn set_workflow_transitions(
        &self,
        ctx: &Context<'_>,
        ticket_type: TicketType,
        transitions: Vec<Transition>,
    ) -> async_graphql::Result<Workflow> {
        let actor = actor(ctx)?;
        let moves: Vec<_> = transitions
            .iter()
            .map(|t| (t.from.into(), t.to.into()))
            .collect();
        let flow =
            settings::set_workflow_transitions(services(ctx)?, actor, ticket_type.into(), &moves)
                .await
                .gql()?;
        Ok(Workflow(flow))
    }

    /// Sets a ticket type's SLA hours, for tickets created from now on (admins).
    async fn update_sla_policy(
        &self,
        ctx: &Context<'_>,
        ticket_type: TicketType,
        response_hours: i32,
        resolution_hours: i32,
    ) -> async_graphql::Result<SlaPolicy> {
        let actor = actor(ctx)?;
        Ok(settings::update_sla_policy(
            services(ctx)?,
            actor,
            ticket_type.into(),
            response_hours,
            resolution_hours,
        )
        .await
        .gql()?
        .into())
    }
}

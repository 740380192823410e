//! Tenant settings admins edit: the workflow of each ticket type and its SLA hours.

use std::collections::BTreeSet;

use entity::enums::{TicketStatus, TicketType};
use entity::{sla_policy, workflow, workflow_transition};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::Services;

/// A workflow and its allowed moves.
#[derive(Debug, Clone)]
pub struct WorkflowWithTransitions {
    /// The workflow.
    pub workflow: workflow::Model,
    /// Its moves, in insertion order.
    pub transitions: Vec<workflow_transition::Model>,
}

/// The tenant's workflows, by type; staff only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn list_workflows(
    svc: &Services,
    actor: &Actor,
) -> DomainResult<Vec<WorkflowWithTransitions>> {
    actor.require(Permission::ViewTeam)?;
    let flows = workflow::Entity::find()
        .filter(workflow::Column::TenantId.eq(actor.tenant_id))
        .order_by_asc(workflow::Column::Id)
        .all(&svc.db)
        .await?;
    let transitions = workflow_transition::Entity::find()
        .filter(workflow_transition::Column::TenantId.eq(actor.tenant_id))
        .order_by_asc(workflow_transition::Column::Id)
        .all(&svc.db)
        .await?;
    Ok(flows
        .into_iter()
        .map(|flow| WorkflowWithTransitions {
            transitions: transitions
                .iter()
                .filter(|t| t.workflow_id == flow.id)
                .cloned()
                .collect(),
            workflow: flow,
        })
        .collect())
}

/// Replaces the moves of a type's workflow, in one transaction. Tickets already in a status
/// keep it; only their next moves change.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::Validation`] for an empty set,
/// a move to the same status, or a workflow whose initial status has no way out.
pub async fn set_workflow_transitions(
    svc: &Services,
    actor: &Actor,
    ticket_type: TicketType,
    moves: &[(TicketStatus, TicketStatus)],
) -> DomainResult<WorkflowWithTransitions> {
    actor.require(Permission::ConfigureTenant)?;
    let unique: BTreeSet<(&str, &str)> = moves
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    if unique.is_empty() {
        return Err(DomainError::validation(
            "transitions",
            "a workflow needs at least one move",
        ));
    }
    if let Some((from, _)) = moves.iter().find(|(from, to)| from == to) {
        return Err(DomainError::validation(
            "transitions",
            format!("a move from {} to itself is not a move", from.as_str()),
        ));
    }
    let flow = workflow::Entity::find()
        .filter(workflow::Column::TenantId.eq(actor.tenant_id))
        .filter(workflow::Column::TicketType.eq(ticket_type))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("workflow"))?;
    if !moves.iter().any(|(from, _)| *from == flow.initial_status) {
        return Err(DomainError::validation(
            "transitions",
            format!(
                "new tickets start in {}: give it at least one move",
                flow.initial_status.as_str()
            ),
        ));
    }
    let now = svc.now();
    let txn = svc.begin().await?;
    workflow::Entity::update_many()
        .col_expr(workflow::Column::UpdatedAt, Expr::value(now))
        .filter(workflow::Column::Id.eq(flow.id))
        .exec(&txn)
        .await?;
    workflow_transition::Entity::delete_many()
        .filter(workflow_transition::Column::WorkflowId.eq(flow.id))
        .exec(&txn)
        .await?;
    let mut seen = BTreeSet::new();
    let mut transitions = Vec::new();
    for (from, to) in moves {
        if !seen.insert((from.as_str(), to.as_str())) {
            continue;
        }
        transitions.push(
            workflow_transition::ActiveModel {
                tenant_id: Set(actor.tenant_id),
                workflow_id: Set(flow.id),
                from_status: Set(*from),
                to_status: Set(*to),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    txn.commit().await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    Ok(WorkflowWithTransitions {
        workflow: flow,
        transitions,
    })
}

/// The tenant's SLA policies, by type; staff only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn list_sla_policies(
    svc: &Services,
    actor: &Actor,
) -> DomainResult<Vec<sla_policy::Model>> {
    actor.require(Permission::ViewTeam)?;
    Ok(sla_policy::Entity::find()
        .filter(sla_policy::Column::TenantId.eq(actor.tenant_id))
        .order_by_asc(sla_policy::Column::Id)
        .all(&svc.db)
        .await?)
}

/// Sets the response and resolution hours of a ticket type, for tickets created from now
/// on.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::Validation`] for hours outside
/// 1..=8760 or a response slower than the resolution.
pub async fn update_sla_policy(
    svc: &Services,
    actor: &Actor,
    ticket_type: TicketType,
    response_hours: i32,
    resolution_hours: i32,
) -> DomainResult<sla_policy::Model> {
    actor.require(Permission::ConfigureTenant)?;
    for (field, hours) in [
        ("responseHours", response_hours),
        ("resolutionHours", resolution_hours),
    ] {
        if !(1..=8760).contains(&hours) {
            return Err(DomainError::validation(
                field,
                "give a number of hours from 1 to 8760 (a year)",
            ));
        }
    }
    if response_hours > resolution_hours {
        return Err(DomainError::validation(
            "responseHours",
            "the first response cannot be due after the resolution",
        ));
    }
    let policy = sla_policy::Entity::find()
        .filter(sla_policy::Column::TenantId.eq(actor.tenant_id))
        .filter(sla_policy::Column::TicketType.eq(ticket_type))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("SLA policy"))?;
    let mut active: sla_policy::ActiveModel = policy.into();
    active.response_hours = Set(response_hours);
    active.resolution_hours = Set(resolution_hours);
    active.updated_at = Set(svc.now());
    let updated = active.update(&svc.db).await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    Ok(updated)
}

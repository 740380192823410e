//! A lead's outcome: converted from a ticket, won or lost.

use chrono::{DateTime, Utc};
use entity::enums::{LeadStage, LeadStatus, TicketEventKind, TicketType};
use entity::{lead, ticket};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{ensure_open, find_lead, publish_lead};
use crate::actor::Actor;
use crate::customers::{find_customer, insert_order, publish_customer, validate_amount};
use crate::error::{DomainError, DomainResult};
use crate::events::{LiveEvent, LiveEventKind};
use crate::permissions::Permission;
use crate::scope::find_in_tenant;
use crate::tickets::Change;
use crate::Services;

/// Turns a sales ticket into a lead of its customer, copying its sales fields, and links
/// the two both ways.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] for an unknown
/// ticket; [`DomainError::Validation`] on `ticketId` for a support or inquiry ticket;
/// [`DomainError::Conflict`] when the ticket already has a lead.
pub async fn convert_ticket_to_lead(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_in_tenant::<ticket::Entity>(&svc.db, actor.tenant_id, ticket_id).await?;
    if found.ticket_type != TicketType::Sales {
        return Err(DomainError::validation(
            "ticketId",
            "only sales tickets become leads",
        ));
    }
    if found.lead_id.is_some() {
        return Err(DomainError::Conflict(
            "this ticket already has a lead".into(),
        ));
    }
    let customer = find_customer(&svc.db, actor.tenant_id, found.customer_id).await?;
    let now = svc.now();
    let stage = found
        .sales_stage
        .filter(|s| !matches!(s, LeadStage::Won | LeadStage::Lost))
        .unwrap_or(LeadStage::Lead);
    let txn = svc.begin().await?;
    let created = lead::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(customer.id),
        owner_id: Set(Some(actor.user_id)),
        assignee_id: Set(found.assignee_id),
        status: Set(LeadStatus::New),
        stage: Set(stage),
        opportunity_value: Set(found.opportunity_value),
        currency: Set(customer.currency.clone()),
        conversion_probability: Set(found.conversion_probability),
        source: Set(found
            .lead_source
            .clone()
            .or_else(|| Some(found.channel.as_str().to_owned()))),
        document_url: Set(None),
        ticket_id: Set(Some(found.id)),
        won_at: Set(None),
        lost_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Conditional, so that two conversions of the same ticket cannot both succeed.
    let linked = ticket::Entity::update_many()
        .col_expr(ticket::Column::LeadId, Expr::value(created.id))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .filter(ticket::Column::LeadId.is_null())
        .exec(&txn)
        .await?;
    if linked.rows_affected != 1 {
        txn.rollback().await?;
        return Err(DomainError::Conflict(
            "this ticket already has a lead".into(),
        ));
    }
    crate::tickets::record_event(
        &txn,
        &found,
        actor,
        TicketEventKind::Linked,
        &Change::LinkedLead {
            lead_id: created.id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    publish_lead(svc, &created, LiveEventKind::LeadCreated).await;
    svc.events
        .publish(LiveEvent::ticket(
            found.tenant_id,
            LiveEventKind::TicketUpdated,
            found.id,
            None,
        ))
        .await;
    Ok(created)
}

/// Wins a lead, in one transaction: the lead becomes `converted` at stage `won`, and an
/// order of `order_amount` is recorded on its customer (one more order, the amount added to
/// the revenue, an `order` activity, a prospect becomes a client).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for a non-positive amount; [`DomainError::Conflict`] for a
/// lead already won or lost (also when two wins race).
pub async fn win_lead(
    svc: &Services,
    actor: &Actor,
    id: i64,
    order_amount: Decimal,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let amount = validate_amount("orderAmount", order_amount)?;
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    ensure_open(&found)?;
    let customer = find_customer(&svc.db, actor.tenant_id, found.customer_id).await?;
    let now = svc.now();
    let txn = svc.begin().await?;
    let closed = close_lead(
        &txn,
        &found,
        LeadStatus::Converted,
        LeadStage::Won,
        None,
        now,
    )
    .await?;
    if !closed {
        txn.rollback().await?;
        return Err(DomainError::Conflict("this lead is already closed".into()));
    }
    insert_order(
        &txn,
        &customer,
        Some(actor.user_id),
        amount,
        Some(found.id),
        now,
    )
    .await?;
    let updated = find_lead(&txn, actor.tenant_id, found.id).await?;
    txn.commit().await?;
    publish_lead(svc, &updated, LiveEventKind::LeadUpdated).await;
    publish_customer(svc, &customer, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}

/// Loses a lead, saying why.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty reason; [`DomainError::Conflict`] for a lead
/// already won or lost.
pub async fn lose_lead(
    svc: &Services,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(DomainError::validation(
            "reason",
            "say why the lead was lost",
        ));
    }
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    ensure_open(&found)?;
    let now = svc.now();
    let closed = close_lead(
        &svc.db,
        &found,
        LeadStatus::Lost,
        LeadStage::Lost,
        Some(reason),
        now,
    )
    .await?;
    if !closed {
        return Err(DomainError::Conflict("this lead is already closed".into()));
    }
    let updated = find_lead(&svc.db, actor.tenant_id, found.id).await?;
    publish_lead(svc, &updated, LiveEventKind::LeadUpdated).await;
    Ok(updated)
}

/// Closes a lead if it is still open; whether it was.
pub(super) async fn close_lead(
    db: &impl ConnectionTrait,
    found: &lead::Model,
    status: LeadStatus,
    stage: LeadStage,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let mut update = lead::Entity::update_many()
        .col_expr(lead::Column::Status, Expr::value(status.as_str()))
        .col_expr(lead::Column::Stage, Expr::value(stage.as_str()))
        .col_expr(lead::Column::UpdatedAt, Expr::value(now));
    if status == LeadStatus::Converted {
        update = update.col_expr(lead::Column::WonAt, Expr::value(now));
    }
    if let Some(reason) = reason {
        update = update.col_expr(lead::Column::LostReason, Expr::value(reason));
    }
    let result = update
        .filter(lead::Column::Id.eq(found.id))
        .filter(lead::Column::TenantId.eq(found.tenant_id))
        .filter(lead::Column::Status.is_in([LeadStatus::New, LeadStatus::InProgress]))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

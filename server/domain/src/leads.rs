//! Leads (seed 000's `trigger_lead`): sales opportunities with a customer, moved along the
//! pipeline's stages, with meetings; converted from sales tickets, won (an order on the
//! customer) or lost.
//!
//! Stages `won` and `lost` are reached only through [`win_lead`] and [`lose_lead`], which
//! also close the lead (status `converted` or `lost`); a closed lead no longer moves.

use chrono::{DateTime, Utc};
use entity::enums::{LeadStage, LeadStatus, TicketEventKind, TicketType};
use entity::{lead, meeting, ticket, user};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};

use super::actor::Actor;
use super::crm::{find_customer, insert_order, publish_customer, validate_amount};
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::{find_in_tenant, find_in_tenant_opt};
use super::Services;
use crate::events::{LiveEvent, LiveEventKind};

/// Every stage, in pipeline order.
pub const STAGES: [LeadStage; 6] = [
    LeadStage::Lead,
    LeadStage::Qualified,
    LeadStage::Proposal,
    LeadStage::Negotiation,
    LeadStage::Won,
    LeadStage::Lost,
];

/// A lead to create.
#[derive(Debug, Clone, Default)]
pub struct NewLead {
    /// The customer (prospect) concerned.
    pub customer_id: i64,
    /// The staff member responsible; the creator by default.
    pub owner_id: Option<i64>,
    /// The staff member working on it.
    pub assignee_id: Option<i64>,
    /// The starting stage (not won or lost); `lead` by default.
    pub stage: Option<LeadStage>,
    /// The expected value.
    pub opportunity_value: Option<Decimal>,
    /// The value's currency; the customer's by default.
    pub currency: Option<String>,
    /// Chances of conversion, 0 to 100.
    pub conversion_probability: Option<i32>,
    /// Where it came from (website, fair, referral…).
    pub source: Option<String>,
    /// A link to its documents (a shared folder).
    pub document_url: Option<String>,
}

/// A change to a lead: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    /// The staff member responsible.
    pub owner_id: Option<Option<i64>>,
    /// The staff member working on it.
    pub assignee_id: Option<Option<i64>>,
    /// The stage (not won or lost).
    pub stage: Option<LeadStage>,
    /// The expected value.
    pub opportunity_value: Option<Option<Decimal>>,
    /// Chances of conversion, 0 to 100.
    pub conversion_probability: Option<Option<i32>>,
    /// Where it came from.
    pub source: Option<Option<String>>,
    /// A link to its documents.
    pub document_url: Option<Option<String>>,
}

fn validate_probability(p: Option<i32>) -> DomainResult<Option<i32>> {
    match p {
        Some(p) if !(0..=100).contains(&p) => Err(DomainError::validation(
            "conversionProbability",
            "a probability is between 0 and 100",
        )),
        other => Ok(other),
    }
}

fn validate_value(v: Option<Decimal>) -> DomainResult<Option<Decimal>> {
    match v {
        Some(v) if v < Decimal::ZERO => Err(DomainError::validation(
            "opportunityValue",
            "a value cannot be negative",
        )),
        Some(v) if v.normalize().scale() > 4 => Err(DomainError::validation(
            "opportunityValue",
            "a value has at most four decimals",
        )),
        Some(v) if v >= Decimal::from(100_000_000_000_000_i64) => Err(DomainError::validation(
            "opportunityValue",
            "this value is too large",
        )),
        other => Ok(other),
    }
}

fn validate_open_stage(stage: LeadStage) -> DomainResult<LeadStage> {
    if matches!(stage, LeadStage::Won | LeadStage::Lost) {
        Err(DomainError::validation(
            "stage",
            "a lead is won with winLead and lost with loseLead",
        ))
    } else {
        Ok(stage)
    }
}

/// Validates a link: an `http` or `https` URL without spaces.
///
/// # Errors
///
/// [`DomainError::Validation`] on `field`.
pub fn validate_url(field: &'static str, url: Option<String>) -> DomainResult<Option<String>> {
    let Some(url) = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
        && url.len() <= 2000;
    if ok {
        Ok(Some(url))
    } else {
        Err(DomainError::validation(
            field,
            "a link is an http:// or https:// address",
        ))
    }
}

async fn ensure_staff_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    field: &'static str,
    id: Option<i64>,
) -> DomainResult<Option<i64>> {
    let Some(id) = id else { return Ok(None) };
    let found = find_in_tenant_opt::<user::Entity>(db, tenant_id, id).await?;
    match found {
        Some(u) if super::auth::is_staff_role(u.role) => Ok(Some(u.id)),
        _ => Err(DomainError::validation(
            field,
            "this is not a staff member of the tenant",
        )),
    }
}

/// Creates a lead.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] for an unknown
/// customer; [`DomainError::Validation`] for a bad stage, value, probability, link or user.
pub async fn create_lead(
    svc: &Services,
    actor: &Actor,
    input: NewLead,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let customer = find_customer(&svc.db, actor.tenant_id, input.customer_id).await?;
    let stage = validate_open_stage(input.stage.unwrap_or(LeadStage::Lead))?;
    let owner = ensure_staff_user(
        &svc.db,
        actor.tenant_id,
        "ownerId",
        input.owner_id.or(Some(actor.user_id)),
    )
    .await?;
    let assignee =
        ensure_staff_user(&svc.db, actor.tenant_id, "assigneeId", input.assignee_id).await?;
    let currency = input
        .currency
        .as_deref()
        .map(super::crm::normalize_currency)
        .transpose()?
        .unwrap_or(customer.currency.clone());
    let now = svc.now();
    let created = lead::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(customer.id),
        owner_id: Set(owner),
        assignee_id: Set(assignee),
        status: Set(if stage == LeadStage::Lead {
            LeadStatus::New
        } else {
            LeadStatus::InProgress
        }),
        stage: Set(stage),
        opportunity_value: Set(validate_value(input.opportunity_value)?),
        currency: Set(currency),
        conversion_probability: Set(validate_probability(input.conversion_probability)?),
        source: Set(input
            .source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())),
        document_url: Set(validate_url("documentUrl", input.document_url)?),
        ticket_id: Set(None),
        won_at: Set(None),
        lost_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish_lead(svc, &created, LiveEventKind::LeadCreated).await;
    Ok(created)
}

/// One lead of the actor's tenant.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn get_lead(svc: &Services, actor: &Actor, id: i64) -> DomainResult<lead::Model> {
    actor.require(Permission::ViewCrm)?;
    find_lead(&svc.db, actor.tenant_id, id).await
}

async fn find_lead(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<lead::Model> {
    find_in_tenant::<lead::Entity>(db, tenant_id, id).await
}

/// The filters of the lead listing.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// In one of these stages.
    pub stages: Vec<LeadStage>,
    /// In one of these statuses.
    pub statuses: Vec<LeadStatus>,
    /// Of this customer.
    pub customer_id: Option<i64>,
    /// Assigned to this user.
    pub assignee_id: Option<i64>,
}

/// Leads of the tenant, newest first; at most 200.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn list_leads(
    svc: &Services,
    actor: &Actor,
    filter: LeadFilter,
) -> DomainResult<Vec<lead::Model>> {
    actor.require(Permission::ViewCrm)?;
    let mut query = lead::Entity::find().filter(lead::Column::TenantId.eq(actor.tenant_id));
    if !filter.stages.is_empty() {
        query = query.filter(lead::Column::Stage.is_in(filter.stages));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(lead::Column::Status.is_in(filter.statuses));
    }
    if let Some(id) = filter.customer_id {
        query = query.filter(lead::Column::CustomerId.eq(id));
    }
    if let Some(id) = filter.assignee_id {
        query = query.filter(lead::Column::AssigneeId.eq(id));
    }
    Ok(query
        .order_by_desc(lead::Column::UpdatedAt)
        .order_by_desc(lead::Column::Id)
        .limit(200)
        .all(&svc.db)
        .await?)
}

fn ensure_open(found: &lead::Model) -> DomainResult<()> {
    if matches!(found.status, LeadStatus::Converted | LeadStatus::Lost) {
        Err(DomainError::Conflict(format!(
            "this lead is already {}",
            found.status.as_str()
        )))
    } else {
        Ok(())
    }
}

/// Changes a lead's fields or stage. Leaving the `lead` stage puts a new lead in progress.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for won/lost stages and bad values;
/// [`DomainError::Conflict`] for a closed lead.
pub async fn update_lead(
    svc: &Services,
    actor: &Actor,
    id: i64,
    patch: LeadPatch,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    ensure_open(&found)?;
    let mut model = found.clone().into_active_model();
    if let Some(stage) = patch.stage {
        let stage = validate_open_stage(stage)?;
        model.stage = Set(stage);
        if found.status == LeadStatus::New && stage != LeadStage::Lead {
            model.status = Set(LeadStatus::InProgress);
        }
    }
    if let Some(owner) = patch.owner_id {
        model.owner_id = Set(ensure_staff_user(&svc.db, actor.tenant_id, "ownerId", owner).await?);
    }
    if let Some(assignee) = patch.assignee_id {
        model.assignee_id =
            Set(ensure_staff_user(&svc.db, actor.tenant_id, "assigneeId", assignee).await?);
    }
    if let Some(value) = patch.opportunity_value {
        model.opportunity_value = Set(validate_value(value)?);
    }
    if let Some(p) = patch.conversion_probability {
        model.conversion_probability = Set(validate_probability(p)?);
    }
    if let Some(source) = patch.source {
        model.source = Set(source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()));
    }
    if let Some(url) = patch.document_url {
        model.document_url = Set(validate_url("documentUrl", url)?);
    }
    model.updated_at = Set(svc.now());
    let updated = model.update(&svc.db).await?;
    publish_lead(svc, &updated, LiveEventKind::LeadUpdated).await;
    Ok(updated)
}

/// Deletes a lead and its meetings; a ticket it came from forgets it.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers (supervisors only);
/// [`DomainError::NotFound`].
pub async fn delete_lead(svc: &Services, actor: &Actor, id: i64) -> DomainResult<()> {
    actor.require(Permission::DeleteLeads)?;
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    let txn = svc.db.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::LeadId, Expr::value(Option::<i64>::None))
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::LeadId.eq(found.id))
        .exec(&txn)
        .await?;
    meeting::Entity::delete_many()
        .filter(meeting::Column::LeadId.eq(found.id))
        .exec(&txn)
        .await?;
    lead::Entity::delete_by_id(found.id).exec(&txn).await?;
    txn.commit().await?;
    publish_lead(svc, &found, LiveEventKind::LeadUpdated).await;
    Ok(())
}

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
    let txn = svc.db.begin().await?;
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
    super::tickets::record_event(
        &txn,
        &found,
        actor,
        TicketEventKind::Linked,
        None,
        Some(&format!("lead:{}", created.id)),
        now,
    )
    .await?;
    txn.commit().await?;
    publish_lead(svc, &created, LiveEventKind::LeadCreated).await;
    svc.events
        .publish(LiveEvent {
            tenant_id: found.tenant_id,
            kind: LiveEventKind::TicketUpdated,
            ticket_id: Some(found.id),
            message_id: None,
            lead_id: None,
            customer_id: None,
        })
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
    let txn = svc.db.begin().await?;
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
        format!(
            "Lead #{} won: order of {amount} {}",
            found.id, found.currency
        ),
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
async fn close_lead(
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

/// One column of the pipeline board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineStage {
    /// The stage.
    pub stage: LeadStage,
    /// Number of leads in it.
    pub count: i64,
    /// Sum of their values.
    pub total_value: Decimal,
    /// Sum of value × probability / 100.
    pub weighted_value: Decimal,
}

/// The pipeline: per stage, the number of leads, their total value and their weighted
/// value, aggregated by the database, exactly.
///
/// Amounts are summed as integers of 1/10 000 (the columns' scale): on SQLite the money
/// columns are REAL, and summing floats would drift; `ROUND(x * 10000)` recovers the exact
/// amount each row was written with. Weighted sums are in 1/1 000 000 (× a percentage).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn pipeline(svc: &Services, actor: &Actor) -> DomainResult<Vec<PipelineStage>> {
    actor.require(Permission::ViewCrm)?;
    let backend = svc.db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT stage, COUNT(*) AS n, \
           CAST(COALESCE(SUM(CAST(ROUND(opportunity_value * 10000) AS BIGINT)), 0) AS BIGINT) AS total_units, \
           CAST(COALESCE(SUM(CAST(ROUND(opportunity_value * 10000) AS BIGINT) \
             * COALESCE(conversion_probability, 0)), 0) AS BIGINT) AS weighted_units \
         FROM leads WHERE tenant_id = {placeholder} GROUP BY stage"
    );
    let rows = svc
        .db
        .query_all(Statement::from_sql_and_values(
            backend,
            sql,
            [actor.tenant_id.into()],
        ))
        .await?;
    let mut stages: Vec<PipelineStage> = STAGES
        .iter()
        .map(|stage| PipelineStage {
            stage: *stage,
            count: 0,
            total_value: Decimal::ZERO,
            weighted_value: Decimal::ZERO,
        })
        .collect();
    for row in rows {
        let stage: String = row.try_get("", "stage")?;
        let Ok(stage) = stage.parse::<LeadStage>() else {
            continue;
        };
        let Some(column) = stages.iter_mut().find(|s| s.stage == stage) else {
            continue;
        };
        column.count = row.try_get("", "n")?;
        column.total_value = Decimal::new(row.try_get("", "total_units")?, 4).normalize();
        column.weighted_value = Decimal::new(row.try_get("", "weighted_units")?, 6).normalize();
    }
    Ok(stages)
}

/// A meeting to plan on a lead.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// The lead.
    pub lead_id: i64,
    /// What it is about.
    pub title: String,
    /// When it starts.
    pub scheduled_at: DateTime<Utc>,
    /// How long it lasts, 1 to 1440 minutes.
    pub duration_minutes: i32,
    /// Where, for a meeting in person.
    pub location: Option<String>,
    /// The video link, for a remote meeting.
    pub video_url: Option<String>,
    /// Who attends (names or e-mail addresses).
    pub attendees: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// Plans a meeting on a lead.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] for an unknown lead;
/// [`DomainError::Validation`] for an empty title, a bad duration or link.
pub async fn schedule_meeting(
    svc: &Services,
    actor: &Actor,
    input: NewMeeting,
) -> DomainResult<meeting::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_lead(&svc.db, actor.tenant_id, input.lead_id).await?;
    let title = input.title.trim();
    if title.is_empty() {
        return Err(DomainError::validation("title", "a meeting needs a title"));
    }
    if !(1..=1440).contains(&input.duration_minutes) {
        return Err(DomainError::validation(
            "durationMinutes",
            "a meeting lasts between 1 and 1440 minutes",
        ));
    }
    let attendees: Vec<String> = input
        .attendees
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let created = meeting::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        lead_id: Set(found.id),
        title: Set(title.to_owned()),
        scheduled_at: Set(input.scheduled_at),
        duration_minutes: Set(input.duration_minutes),
        location: Set(input
            .location
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())),
        video_url: Set(validate_url("videoUrl", input.video_url)?),
        attendees: Set(serde_json::json!(attendees)),
        notes: Set(input
            .notes
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())),
        created_at: Set(svc.now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish_lead(svc, &found, LiveEventKind::LeadUpdated).await;
    Ok(created)
}

/// The meetings of several leads, by date, in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn meetings_of_leads(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    lead_ids: &[i64],
) -> DomainResult<std::collections::HashMap<i64, Vec<meeting::Model>>> {
    let rows = meeting::Entity::find()
        .filter(meeting::Column::TenantId.eq(tenant_id))
        .filter(meeting::Column::LeadId.is_in(lead_ids.iter().copied()))
        .order_by_asc(meeting::Column::ScheduledAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    Ok(super::tickets::group_by_ticket(lead_ids, rows, |m| {
        m.lead_id
    }))
}

/// The attendees of a meeting, as stored (a JSON array of strings).
#[must_use]
pub fn attendees(meeting: &meeting::Model) -> Vec<String> {
    meeting
        .attendees
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The meetings of a lead as an iCalendar (RFC 5545) file.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn lead_meetings_ics(
    svc: &Services,
    actor: &Actor,
    lead_id: i64,
) -> DomainResult<String> {
    let found = get_lead(svc, actor, lead_id).await?;
    let customer = find_customer(&svc.db, actor.tenant_id, found.customer_id).await?;
    let meetings = meetings_of_leads(&svc.db, actor.tenant_id, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    Ok(super::ical::meetings_to_ics(
        &meetings,
        &super::customers::display_name(&customer),
        svc.now(),
    ))
}

/// Tells subscribers that a lead changed. Only ids travel; subscribers re-read.
async fn publish_lead(svc: &Services, found: &lead::Model, kind: LiveEventKind) {
    svc.events
        .publish(LiveEvent {
            tenant_id: found.tenant_id,
            kind,
            ticket_id: None,
            message_id: None,
            lead_id: Some(found.id),
            customer_id: Some(found.customer_id),
        })
        .await;
}

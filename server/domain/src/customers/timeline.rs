//! A customer's timeline: tickets, notes, activities, leads and meetings in one list.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{ActivityKind, Channel, LeadStage, Visibility};
use entity::{customer_activity, customer_note, lead, meeting, message, ticket};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::DomainResult;

/// What a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineKind {
    /// A logged activity (call, e-mail, visit, message received, order…).
    Activity,
    /// A note.
    Note,
    /// A ticket was opened.
    Ticket,
    /// A message in one of the customer's tickets.
    Message,
    /// A lead was opened.
    Lead,
    /// A meeting of one of the customer's leads.
    Meeting,
}

/// One interaction with a customer.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// What it is.
    pub kind: TimelineKind,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What people wrote, as they wrote it: an activity's description, a note's excerpt, a
    /// ticket's subject, a meeting's title (the app words the rest from the typed fields).
    pub text: Option<String>,
    /// More text (a note's content, a message's body).
    pub detail: Option<String>,
    /// The activity's kind, for activities.
    pub activity_kind: Option<ActivityKind>,
    /// The channel, for activities, tickets and messages.
    pub channel: Option<Channel>,
    /// The ticket concerned, for tickets and messages.
    pub ticket_id: Option<i64>,
    /// The lead concerned, for leads and meetings.
    pub lead_id: Option<i64>,
    /// The ticket's number, for tickets and messages.
    pub ticket_number: Option<String>,
    /// Whether a message is an internal note.
    pub internal: bool,
    /// The lead's stage, for leads.
    pub lead_stage: Option<LeadStage>,
    /// The amount, for orders.
    pub amount: Option<Decimal>,
    /// The amount's currency, for orders.
    pub currency: Option<String>,
}

/// One of the facts an activity keeps in its metadata (an order's amount, currency, lead).
fn fact<'a>(activity: &'a customer_activity::Model, key: &str) -> Option<&'a serde_json::Value> {
    activity.metadata.as_ref()?.get(key)
}

pub(super) fn excerpt(text: &str) -> String {
    const MAX: usize = 280;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}\u{2026}")
    }
}

/// The timelines of several customers: activities, notes, tickets, messages, leads and
/// meetings, newest first; six statements whatever the number of customers.
///
/// # Errors
///
/// Database errors.
pub async fn timelines_of_customers(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<TimelineEntry>>> {
    let ids = || customer_ids.iter().copied();
    let mut timelines: HashMap<i64, Vec<TimelineEntry>> =
        customer_ids.iter().map(|id| (*id, Vec::new())).collect();
    let activities = customer_activity::Entity::find()
        .filter(customer_activity::Column::TenantId.eq(tenant_id))
        .filter(customer_activity::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    for a in activities {
        timelines
            .entry(a.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Activity,
                at: a.occurred_at,
                text: a.description.clone(),
                detail: None,
                activity_kind: Some(a.kind),
                channel: a.channel,
                ticket_id: None,
                lead_id: fact(&a, "leadId").and_then(|v| v.as_i64()),
                ticket_number: None,
                internal: false,
                lead_stage: None,
                amount: fact(&a, "amount")
                    .and_then(|v| v.as_str())
                    .and_then(|v| v.parse().ok()),
                currency: fact(&a, "currency")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
            });
    }
    let notes = customer_note::Entity::find()
        .filter(customer_note::Column::TenantId.eq(tenant_id))
        .filter(customer_note::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    for n in notes {
        timelines
            .entry(n.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Note,
                at: n.created_at,
                text: Some(excerpt(&n.content)),
                detail: Some(n.content),
                activity_kind: None,
                channel: None,
                ticket_id: None,
                lead_id: None,
                ticket_number: None,
                internal: false,
                lead_stage: None,
                amount: None,
                currency: None,
            });
    }
    let tickets = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant_id))
        .filter(ticket::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    let ticket_customer: HashMap<i64, (i64, String)> = tickets
        .iter()
        .map(|t| (t.id, (t.customer_id, t.number.clone())))
        .collect();
    for t in tickets {
        timelines
            .entry(t.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Ticket,
                at: t.created_at,
                text: Some(t.subject),
                detail: None,
                activity_kind: None,
                channel: Some(t.channel),
                ticket_id: Some(t.id),
                lead_id: t.lead_id,
                ticket_number: Some(t.number),
                internal: false,
                lead_stage: None,
                amount: None,
                currency: None,
            });
    }
    if !ticket_customer.is_empty() {
        let messages = message::Entity::find()
            .filter(message::Column::TenantId.eq(tenant_id))
            .filter(message::Column::TicketId.is_in(ticket_customer.keys().copied()))
            .all(db)
            .await?;
        for m in messages {
            let Some((customer_id, number)) = ticket_customer.get(&m.ticket_id) else {
                continue;
            };
            timelines
                .entry(*customer_id)
                .or_default()
                .push(TimelineEntry {
                    kind: TimelineKind::Message,
                    at: m.created_at,
                    text: None,
                    detail: Some(excerpt(&m.body)),
                    activity_kind: None,
                    channel: None,
                    ticket_id: Some(m.ticket_id),
                    lead_id: None,
                    ticket_number: Some(number.clone()),
                    internal: m.visibility == Visibility::Internal,
                    lead_stage: None,
                    amount: None,
                    currency: None,
                });
        }
    }
    let leads = lead::Entity::find()
        .filter(lead::Column::TenantId.eq(tenant_id))
        .filter(lead::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    let lead_customer: HashMap<i64, i64> = leads.iter().map(|l| (l.id, l.customer_id)).collect();
    for l in leads {
        timelines
            .entry(l.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Lead,
                at: l.created_at,
                text: None,
                detail: l.source.clone(),
                activity_kind: None,
                channel: None,
                ticket_id: l.ticket_id,
                lead_id: Some(l.id),
                ticket_number: None,
                internal: false,
                lead_stage: Some(l.stage),
                amount: None,
                currency: None,
            });
    }
    if !lead_customer.is_empty() {
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::TenantId.eq(tenant_id))
            .filter(meeting::Column::LeadId.is_in(lead_customer.keys().copied()))
            .all(db)
            .await?;
        for m in meetings {
            let Some(customer_id) = lead_customer.get(&m.lead_id) else {
                continue;
            };
            timelines
                .entry(*customer_id)
                .or_default()
                .push(TimelineEntry {
                    kind: TimelineKind::Meeting,
                    at: m.scheduled_at,
                    text: Some(m.title.clone()),
                    detail: m.location.clone().or(m.video_url.clone()),
                    activity_kind: None,
                    channel: None,
                    ticket_id: None,
                    lead_id: Some(m.lead_id),
                    ticket_number: None,
                    internal: false,
                    lead_stage: None,
                    amount: None,
                    currency: None,
                });
        }
    }
    for entries in timelines.values_mut() {
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    }
    Ok(timelines)
}

//! Meetings scheduled with a lead, and their iCalendar export.

use chrono::{DateTime, Utc};
use entity::meeting;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{find_lead, get_lead, publish_lead, validate_url};
use crate::actor::Actor;
use crate::customers::find_customer;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::Services;

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
    Ok(crate::tickets::group_by_ticket(lead_ids, rows, |m| {
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
    Ok(crate::ical::meetings_to_ics(
        &meetings,
        &crate::customers::display_name(&customer),
        svc.now(),
    ))
}

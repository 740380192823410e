//! Leads in the API: the sales pipeline, meetings, conversions from tickets, and live lead
//! events.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use entity::{lead, meeting};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, loaders, services};
use super::crm_loaders::crm_loaders;
use super::customers::{maybe, opt_id, CrmEventKind};
use super::enums::{LeadStage, LeadStatus};
use super::error::{parse_id, GraphqlResultExt};
use super::loaders::loader_error;
use super::shared::{Shared, SharedResolutions, Sharing};
use super::types::{load_user, Customer, Ticket, User};
use crate::domain::leads::{LeadFilter as DomainLeadFilter, LeadPatch, NewLead, NewMeeting};
use crate::domain::{leads, DomainError, Permission};
use crate::events::LiveEventKind;

/// A sales opportunity with a customer.
pub struct Lead(pub lead::Model);

#[Object]
impl Lead {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Customer> {
        loaders(ctx)?
            .customers
            .load_one(self.0.customer_id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Customer)
            .ok_or_else(|| async_graphql::Error::new("customer not found"))
    }
    /// The staff member responsible.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.owner_id).await
    }
    /// The staff member working on it.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.assignee_id).await
    }
    async fn status(&self) -> LeadStatus {
        self.0.status.into()
    }
    async fn stage(&self) -> LeadStage {
        self.0.stage.into()
    }
    /// The expected value, exact (a decimal string).
    async fn opportunity_value(&self) -> Option<Decimal> {
        self.0.opportunity_value.map(|v| v.normalize())
    }
    /// Value × probability / 100.
    async fn weighted_value(&self) -> Option<Decimal> {
        let value = self.0.opportunity_value?;
        let p = Decimal::from(self.0.conversion_probability.unwrap_or(0));
        Some((value * p / Decimal::ONE_HUNDRED).normalize())
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    /// Chances of conversion, 0 to 100.
    async fn conversion_probability(&self) -> Option<i32> {
        self.0.conversion_probability
    }
    /// Where it came from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// A link to its documents.
    async fn document_url(&self) -> Option<&str> {
        self.0.document_url.as_deref()
    }
    /// The sales ticket it came from.
    async fn ticket(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Ticket>> {
        let Some(id) = self.0.ticket_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .tickets
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Ticket::new))
    }
    /// Its meetings, by date.
    async fn meetings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Meeting>> {
        Ok(crm_loaders(ctx)?
            .meetings
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default()
            .into_iter()
            .map(Meeting)
            .collect())
    }
    /// The iCalendar file of its meetings (GET with the same bearer credential).
    async fn meetings_ics_path(&self) -> String {
        format!("/leads/{}/meetings.ics", self.0.id)
    }
    async fn won_at(&self) -> Option<DateTime<Utc>> {
        self.0.won_at
    }
    async fn lost_reason(&self) -> Option<&str> {
        self.0.lost_reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A meeting planned with a lead.
pub struct Meeting(pub meeting::Model);

#[Object]
impl Meeting {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn scheduled_at(&self) -> DateTime<Utc> {
        self.0.scheduled_at
    }
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }
    /// Where, in person.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// The video link, remote.
    async fn video_url(&self) -> Option<&str> {
        self.0.video_url.as_deref()
    }
    async fn attendees(&self) -> Vec<String> {
        leads::attendees(&self.0)
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

/// One column of the pipeline board.
#[derive(SimpleObject)]
pub struct PipelineStage {
    /// The stage.
    stage: LeadStage,
    /// Number of leads in it.
    count: i64,
    /// Sum of their values, exact.
    total_value: Decimal,
    /// Sum of value × probability / 100, exact.
    weighted_value: Decimal,
}

/// A lead to create.
#[derive(InputObject)]
pub struct CreateLeadInput {
    customer_id: ID,
    /// The creator by default.
    owner_id: Option<ID>,
    assignee_id: Option<ID>,
    /// LEAD by default; not WON or LOST.
    stage: Option<LeadStage>,
    /// A decimal string, at most four decimals.
    opportunity_value: Option<Decimal>,
    /// The customer's by default.
    currency: Option<String>,
    /// 0 to 100.
    conversion_probability: Option<i32>,
    source: Option<String>,
    /// An http(s) link.
    document_url: Option<String>,
}

/// A change to a lead: absent fields are left alone, `null` clears.
#[derive(InputObject)]
pub struct UpdateLeadInput {
    owner_id: MaybeUndefined<ID>,
    assignee_id: MaybeUndefined<ID>,
    /// Not WON or LOST: use `winLead` and `loseLead`.
    stage: Option<LeadStage>,
    opportunity_value: MaybeUndefined<Decimal>,
    conversion_probability: MaybeUndefined<i32>,
    source: MaybeUndefined<String>,
    document_url: MaybeUndefined<String>,
}

/// The filters of `leads`.
#[derive(InputObject, Default)]
pub struct LeadFilter {
    stage: Option<Vec<LeadStage>>,
    status: Option<Vec<LeadStatus>>,
    customer_id: Option<ID>,
    assignee_id: Option<ID>,
}

/// A meeting to plan.
#[derive(InputObject)]
pub struct ScheduleMeetingInput {
    lead_id: ID,
    title: String,
    scheduled_at: DateTime<Utc>,
    /// 1 to 1440.
    duration_minutes: i32,
    /// Where, in person.
    location: Option<String>,
    /// An http(s) video link.
    video_url: Option<String>,
    /// Names or e-mail addresses.
    attendees: Option<Vec<String>>,
    notes: Option<String>,
}

/// Lead and pipeline queries (staff only).
#[derive(Default)]
pub struct LeadQuery;

#[Object]
impl LeadQuery {
    /// One lead of the tenant.
    async fn lead(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Lead>> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        match leads::get_lead(services(ctx)?, actor, id).await {
            Ok(found) => Ok(Some(Lead(found))),
            Err(DomainError::NotFound(_)) => Ok(None),
            Err(other) => Err(other).gql(),
        }
    }

    /// Leads of the tenant, most recently changed first (200 at most).
    async fn leads(
        &self,
        ctx: &Context<'_>,
        filter: Option<LeadFilter>,
    ) -> async_graphql::Result<Vec<Lead>> {
        let actor = actor(ctx)?;
        let f = filter.unwrap_or_default();
        let filter = DomainLeadFilter {
            stages: f
                .stage
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            customer_id: opt_id("customerId", f.customer_id.as_ref())?,
            assignee_id: opt_id("assigneeId", f.assignee_id.as_ref())?,
        };
        Ok(leads::list_leads(services(ctx)?, actor, filter)
            .await
            .gql()?
            .into_iter()
            .map(Lead)
            .collect())
    }

    /// The pipeline: every stage in order with its count, total and weighted values.
    async fn pipeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PipelineStage>> {
        let actor = actor(ctx)?;
        Ok(leads::pipeline(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(|s| PipelineStage {
                stage: s.stage.into(),
                count: s.count,
                total_value: s.total_value,
                weighted_value: s.weighted_value,
            })
            .collect())
    }
}

/// Lead, meeting and pipeline mutations (staff only).
#[derive(Default)]
pub struct LeadMutation;

#[Object]
impl LeadMutation {
    /// Creates a lead.
    async fn create_lead(
        &self,
        ctx: &Context<'_>,
        input: CreateLeadInput,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let new = NewLead {
            customer_id: parse_id("customerId", &input.customer_id)?,
            owner_id: opt_id("ownerId", input.owner_id.as_ref())?,
            assignee_id: opt_id("assigneeId", input.assignee_id.as_ref())?,
            stage: input.stage.map(Into::into),
            opportunity_value: input.opportunity_value,
            currency: input.currency,
            conversion_probability: input.conversion_probability,
            source: input.source,
            document_url: input.document_url,
        };
        Ok(Lead(
            leads::create_lead(services(ctx)?, actor, new).await.gql()?,
        ))
    }

    /// Changes a lead's fields or moves it to another open stage.
    async fn update_lead(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateLeadInput,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let patch = LeadPatch {
            owner_id: match input.owner_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(parse_id("ownerId", &v)?)),
            },
            assignee_id: match input.assignee_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(parse_id("assigneeId", &v)?)),
            },
            stage: input.stage.map(Into::into),
            opportunity_value: maybe(input.opportunity_value, |v| v),
            conversion_probability: maybe(input.conversion_probability, |v| v),
            source: maybe(input.source, |v| v),
            document_url: maybe(input.document_url, |v| v),
        };
        Ok(Lead(
            leads::update_lead(services(ctx)?, actor, id, patch)
                .await
                .gql()?,
        ))
    }

    /// Moves a lead to another open stage (the board's cards).
    async fn move_lead(
        &self,
        ctx: &Context<'_>,
        id: ID,
        stage: LeadStage,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let patch = LeadPatch {
            stage: Some(stage.into()),
            ..Default::default()
        };
        Ok(Lead(
            leads::update_lead(services(ctx)?, actor, id, patch)
                .await
                .gql()?,
        ))
    }

    /// Deletes a lead and its meetings (managers and administrators).
    async fn delete_lead(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        leads::delete_lead(services(ctx)?, actor, id).await.gql()?;
        Ok(true)
    }

    /// Turns a sales ticket into a lead (refuses other ticket types).
    async fn convert_ticket_to_lead(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let id = parse_id("ticketId", &ticket_id)?;
        Ok(Lead(
            leads::convert_ticket_to_lead(services(ctx)?, actor, id)
                .await
                .gql()?,
        ))
    }

    /// Wins a lead: converted, and an order of `orderAmount` recorded on its customer, in
    /// one transaction.
    async fn win_lead(
        &self,
        ctx: &Context<'_>,
        id: ID,
        order_amount: Decimal,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Lead(
            leads::win_lead(services(ctx)?, actor, id, order_amount)
                .await
                .gql()?,
        ))
    }

    /// Loses a lead, saying why.
    async fn lose_lead(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<Lead> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Lead(
            leads::lose_lead(services(ctx)?, actor, id, &reason)
                .await
                .gql()?,
        ))
    }

    /// Plans a meeting on a lead.
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        input: ScheduleMeetingInput,
    ) -> async_graphql::Result<Meeting> {
        let actor = actor(ctx)?;
        let new = NewMeeting {
            lead_id: parse_id("leadId", &input.lead_id)?,
            title: input.title,
            scheduled_at: input.scheduled_at,
            duration_minutes: input.duration_minutes,
            location: input.location,
            video_url: input.video_url,
            attendees: input.attendees.unwrap_or_default(),
            notes: input.notes,
        };
        Ok(Meeting(
            leads::schedule_meeting(services(ctx)?, actor, new)
                .await
                .gql()?,
        ))
    }
}

/// A live event about a lead.
#[derive(SimpleObject)]
pub struct LeadEvent {
    kind: CrmEventKind,
    /// The lead as it is now (absent when it was deleted).
    lead: Option<Lead>,
    /// Its id; null for `RESYNC`.
    lead_id: Option<ID>,
}

/// Live lead events (staff only).
#[derive(Default)]
pub struct LeadSubscription;

#[Subscription]
impl LeadSubscription {
    /// Lead events of the caller's tenant; with `leadId`, of that lead only.
    async fn lead_events(
        &self,
        ctx: &Context<'_>,
        lead_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Shared<LeadEvent>>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        actor.require(Permission::ViewCrm).gql()?;
        // Subscribers who would get the same answer share one resolution per event.
        let sharing = std::sync::Arc::new(Sharing::of(ctx, &actor));
        let resolutions = std::sync::Arc::clone(ctx.data::<std::sync::Arc<SharedResolutions>>()?);
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let only = opt_id("leadId", lead_id.as_ref())?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            let sharing = std::sync::Arc::clone(&sharing);
            let resolutions = std::sync::Arc::clone(&resolutions);
            async move {
                let resync = Shared::alone(LeadEvent {
                    kind: CrmEventKind::Resync,
                    lead: None,
                    lead_id: None,
                });
                let Ok(delivery) = received else {
                    return Some(resync);
                };
                let event = &delivery.event;
                let kind = match event.kind {
                    LiveEventKind::LeadCreated => CrmEventKind::Created,
                    LiveEventKind::LeadUpdated => CrmEventKind::Updated,
                    LiveEventKind::Resync if event.tenant_id == actor.tenant_id => {
                        return Some(resync)
                    }
                    _ => return None,
                };
                let id = event.lead_id?;
                if event.tenant_id != actor.tenant_id || only.is_some_and(|o| o != id) {
                    return None;
                }
                // The credential is checked again for every event it receives.
                actor.require(Permission::ViewCrm).ok()?;
                // Loaded once per event on this instance, whoever subscribes.
                let Some(loaded) = svc.events.loads().event(&svc.db, delivery.seq, event).await
                else {
                    return Some(resync);
                };
                let slot = resolutions.slot(delivery.seq, &sharing);
                Some(Shared::with(
                    slot,
                    LeadEvent {
                        kind,
                        // A deleted lead: only its id.
                        lead: loaded.lead.clone().map(Lead),
                        lead_id: Some(ID(id.to_string())),
                    },
                ))
            }
        }))
    }
}

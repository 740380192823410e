//! The CRM and sales area: customers' details, notes, activities, tags, timeline; inbound
//! contacts; leads, meetings, the pipeline, conversions; live lead and customer events.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{
    Context, Enum, InputObject, Json, MaybeUndefined, Object, SimpleObject, Subscription, ID,
};
use chrono::{DateTime, Utc};
use entity::{customer_note, lead, meeting};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, loaders, services};
use super::enums::{ActivityKind, Channel, CustomerSegment, CustomerStatus, LeadStage, LeadStatus};
use super::error::{parse_id, GraphqlResultExt};
use super::loaders::{loader_error, Caching, LoadError};
use super::types::{load_user, Customer, Ticket, User};
use crate::domain::contacts::{self, InboundContact};
use crate::domain::crm::{
    self, CustomerFilter as DomainCustomerFilter, CustomerOrder as DomainCustomerOrder,
    CustomerPatch, NewActivity, TimelineEntry as DomainTimelineEntry,
    TimelineKind as DomainTimelineKind,
};
use crate::domain::customers::{self, NewCustomer};
use crate::domain::leads::{self, LeadFilter as DomainLeadFilter, LeadPatch, NewLead, NewMeeting};
use crate::domain::Permission;
use crate::domain::{Actor, DomainError};
use crate::events::LiveEventKind;

fn opt_id(field: &'static str, id: Option<&ID>) -> async_graphql::Result<Option<i64>> {
    id.map(|id| parse_id(field, id)).transpose()
}

fn maybe<T, U>(value: MaybeUndefined<T>, map: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(map(v))),
    }
}

// ---------------------------------------------------------------------------------------
// Loaders.

/// The CRM's DataLoaders of one caller (see `graphql::loaders` for the caching rules).
pub struct CrmLoaders {
    /// Notes counts by customer id.
    pub note_counts: DataLoader<NoteCountLoader, HashMapCache>,
    /// Activities counts by customer id.
    pub activity_counts: DataLoader<ActivityCountLoader, HashMapCache>,
    /// Tags by customer id.
    pub tags: DataLoader<TagLoader, HashMapCache>,
    /// Notes by customer id.
    pub notes: DataLoader<NoteLoader, HashMapCache>,
    /// Timelines by customer id.
    pub timelines: DataLoader<TimelineLoader, HashMapCache>,
    /// Meetings by lead id.
    pub meetings: DataLoader<MeetingLoader, HashMapCache>,
}

/// What every CRM loader reads with: the pool and the caller's tenant.
#[derive(Clone)]
pub struct CrmScope {
    db: DatabaseConnection,
    tenant_id: i64,
}

impl CrmLoaders {
    /// Loaders reading `db` on behalf of `actor`.
    #[must_use]
    pub fn new(db: &DatabaseConnection, actor: &Actor, caching: Caching) -> Self {
        fn make<T: Loader<i64>>(loader: T, caching: Caching) -> DataLoader<T, HashMapCache> {
            let loader = DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default());
            loader.enable_all_cache(caching == Caching::PerRequest);
            loader
        }
        let scope = CrmScope {
            db: db.clone(),
            tenant_id: actor.tenant_id,
        };
        Self {
            note_counts: make(NoteCountLoader(scope.clone()), caching),
            activity_counts: make(ActivityCountLoader(scope.clone()), caching),
            tags: make(TagLoader(scope.clone()), caching),
            notes: make(NoteLoader(scope.clone()), caching),
            timelines: make(TimelineLoader(scope.clone()), caching),
            meetings: make(MeetingLoader(scope), caching),
        }
    }
}

macro_rules! crm_loader {
    ($(#[$meta:meta])* $name:ident => $value:ty, $fetch:path) => {
        $(#[$meta])*
        pub struct $name(CrmScope);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                $fetch(&self.0.db, self.0.tenant_id, keys)
                    .await
                    .map_err(std::sync::Arc::new)
            }
        }
    };
}

crm_loader!(
    /// Counts notes per customer in one grouped statement.
    NoteCountLoader => i64, crm::note_counts
);
crm_loader!(
    /// Counts activities per customer in one grouped statement.
    ActivityCountLoader => i64, crm::activity_counts
);
crm_loader!(
    /// Loads customers' tags in one statement.
    TagLoader => Vec<String>, crm::tags_of_customers
);
crm_loader!(
    /// Loads customers' notes in one statement.
    NoteLoader => Vec<customer_note::Model>, crm::notes_of_customers
);
crm_loader!(
    /// Loads customers' timelines in six statements.
    TimelineLoader => Vec<DomainTimelineEntry>, crm::timelines_of_customers
);
crm_loader!(
    /// Loads leads' meetings in one statement.
    MeetingLoader => Vec<meeting::Model>, leads::meetings_of_leads
);

fn crm_loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmLoaders> {
    Ok(&loaders(ctx)?.crm)
}

// ---------------------------------------------------------------------------------------
// Customer fields (called from `types::Customer`).

/// The CRM fields of [`Customer`], resolved through the CRM loaders; staff only.
pub(crate) mod customer_fields {
    use super::*;

    pub(crate) async fn notes_count(ctx: &Context<'_>, id: i64) -> async_graphql::Result<i64> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .note_counts
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or(0))
    }

    pub(crate) async fn activities_count(ctx: &Context<'_>, id: i64) -> async_graphql::Result<i64> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .activity_counts
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or(0))
    }

    pub(crate) async fn tags(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Vec<String>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .tags
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default())
    }

    pub(crate) async fn notes(
        ctx: &Context<'_>,
        id: i64,
    ) -> async_graphql::Result<Vec<CustomerNote>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .notes
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default()
            .into_iter()
            .map(CustomerNote)
            .collect())
    }

    pub(crate) async fn timeline(
        ctx: &Context<'_>,
        id: i64,
    ) -> async_graphql::Result<Vec<TimelineEntry>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .timelines
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default()
            .into_iter()
            .map(TimelineEntry::from)
            .collect())
    }

    pub(crate) async fn leads(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Vec<Lead>> {
        let actor = actor(ctx)?;
        Ok(leads::list_leads(
            services(ctx)?,
            actor,
            DomainLeadFilter {
                customer_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .gql()?
        .into_iter()
        .map(Lead)
        .collect())
    }
}

// ---------------------------------------------------------------------------------------
// Output types.

/// A note on a customer.
pub struct CustomerNote(pub customer_note::Model);

#[Object]
impl CustomerNote {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.created_by).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A logged interaction.
pub struct CustomerActivity(pub entity::customer_activity::Model);

#[Object]
impl CustomerActivity {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    async fn channel(&self) -> Option<Channel> {
        self.0.channel.map(Into::into)
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// What a timeline entry is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
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

impl From<DomainTimelineKind> for TimelineKind {
    fn from(kind: DomainTimelineKind) -> Self {
        match kind {
            DomainTimelineKind::Activity => Self::Activity,
            DomainTimelineKind::Note => Self::Note,
            DomainTimelineKind::Ticket => Self::Ticket,
            DomainTimelineKind::Message => Self::Message,
            DomainTimelineKind::Lead => Self::Lead,
            DomainTimelineKind::Meeting => Self::Meeting,
        }
    }
}

/// One interaction with a customer, on its timeline (newest first).
#[derive(SimpleObject)]
pub struct TimelineEntry {
    /// What it is.
    kind: TimelineKind,
    /// When it happened (or, for meetings, is planned).
    at: DateTime<Utc>,
    /// A one-line summary.
    title: String,
    /// More text: a note's content, a message's excerpt, a meeting's place.
    detail: Option<String>,
    /// For activities, which kind.
    activity_kind: Option<ActivityKind>,
    /// The channel, when known.
    channel: Option<Channel>,
    /// The ticket concerned, for tickets and messages.
    ticket_id: Option<ID>,
    /// The lead concerned, for leads and meetings.
    lead_id: Option<ID>,
}

impl From<DomainTimelineEntry> for TimelineEntry {
    fn from(e: DomainTimelineEntry) -> Self {
        Self {
            kind: e.kind.into(),
            at: e.at,
            title: e.title,
            detail: e.detail,
            activity_kind: e.activity_kind.map(Into::into),
            channel: e.channel.map(Into::into),
            ticket_id: e.ticket_id.map(|id| ID(id.to_string())),
            lead_id: e.lead_id.map(|id| ID(id.to_string())),
        }
    }
}

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
            .map(Ticket))
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

/// The outcome of `recordInboundContact`.
#[derive(SimpleObject)]
pub struct InboundContactResult {
    /// The customer, found or created.
    customer: Customer,
    /// Whether this call created it.
    created: bool,
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// The filters of `customers`: seed 002's example queries.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// In one of these segments.
    segment: Option<Vec<CustomerSegment>>,
    /// More than this many orders.
    min_orders: Option<i32>,
    /// At least one activity in the last this many days.
    active_within_days: Option<i32>,
    /// No contact for this many days, or never.
    no_contact_for_days: Option<i32>,
    /// Has this tag.
    tag: Option<String>,
    /// Archived customers too (false by default).
    include_archived: Option<bool>,
}

/// The order of `customers`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerOrder {
    /// By last name (the default).
    #[default]
    Name,
    /// Highest total revenue first.
    RevenueDesc,
    /// Newest first.
    CreatedDesc,
    /// Most activities first (within `activeWithinDays` when given).
    ActivitiesDesc,
}

impl From<CustomerOrder> for DomainCustomerOrder {
    fn from(order: CustomerOrder) -> Self {
        match order {
            CustomerOrder::Name => Self::Name,
            CustomerOrder::RevenueDesc => Self::RevenueDesc,
            CustomerOrder::CreatedDesc => Self::CreatedDesc,
            CustomerOrder::ActivitiesDesc => Self::ActivitiesDesc,
        }
    }
}

/// Turns the GraphQL filter into the domain's.
#[must_use]
pub fn customer_filter(
    search: Option<String>,
    filter: Option<CustomerFilter>,
) -> DomainCustomerFilter {
    let f = filter.unwrap_or_default();
    DomainCustomerFilter {
        search,
        segments: f
            .segment
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        min_orders: f.min_orders,
        active_within_days: f.active_within_days.map(i64::from),
        no_contact_for_days: f.no_contact_for_days.map(i64::from),
        tag: f.tag,
        include_archived: f.include_archived.unwrap_or(false),
    }
}

/// A customer to create.
#[derive(InputObject)]
pub struct CreateCustomerInput {
    first_name: String,
    last_name: String,
    company: Option<String>,
    /// Unique in the tenant.
    email: Option<String>,
    /// Any usual form; stored in E.164, unique in the tenant.
    phone: Option<String>,
    /// PROSPECT by default.
    segment: Option<CustomerSegment>,
    preferred_channel: Option<Channel>,
    address: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    /// ISO 3166 code, FR by default.
    country: Option<String>,
    /// ISO 4217 code, EUR by default.
    currency: Option<String>,
    /// Free JSON.
    metadata: Option<Json<serde_json::Value>>,
    /// Tags to put on it.
    tags: Option<Vec<String>>,
}

/// A change to a customer: absent fields are left alone, `null` clears.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    first_name: Option<String>,
    last_name: Option<String>,
    company: MaybeUndefined<String>,
    email: MaybeUndefined<String>,
    phone: MaybeUndefined<String>,
    segment: Option<CustomerSegment>,
    /// ACTIVE or INACTIVE (archive with `archiveCustomer`).
    status: Option<CustomerStatus>,
    preferred_channel: MaybeUndefined<Channel>,
    address: MaybeUndefined<String>,
    city: MaybeUndefined<String>,
    postal_code: MaybeUndefined<String>,
    country: Option<String>,
    currency: Option<String>,
    metadata: MaybeUndefined<Json<serde_json::Value>>,
}

/// An interaction to log.
#[derive(InputObject)]
pub struct LogActivityInput {
    customer_id: ID,
    kind: ActivityKind,
    channel: Option<Channel>,
    description: Option<String>,
    /// Now by default; never in the future.
    occurred_at: Option<DateTime<Utc>>,
}

/// A message or call from someone who may not be a customer yet.
#[derive(InputObject)]
pub struct InboundContactInput {
    channel: Channel,
    /// Any usual form (national numbers use the tenant's country, FR by default).
    phone: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// What they wrote or said.
    message: Option<String>,
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

// ---------------------------------------------------------------------------------------
// Queries.

/// CRM and sales queries (staff only).
#[derive(Default)]
pub struct CrmQuery;

#[Object]
impl CrmQuery {
    /// One customer of the tenant.
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Customer>> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        match crm::get_customer(&services(ctx)?.db, actor, id).await {
            Ok(found) => Ok(Some(Customer(found))),
            Err(DomainError::NotFound(_)) => Ok(None),
            Err(other) => Err(other).gql(),
        }
    }

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

// ---------------------------------------------------------------------------------------
// Mutations.

/// CRM and sales mutations (staff only).
#[derive(Default)]
pub struct CrmMutation;

#[Object]
impl CrmMutation {
    /// Creates a customer.
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CreateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let svc = services(ctx)?;
        let created = customers::create_customer(
            svc,
            actor,
            NewCustomer {
                first_name: input.first_name,
                last_name: input.last_name,
                company: input.company,
                email: input.email,
                phone: input.phone,
                segment: input.segment.map(Into::into),
                preferred_channel: input.preferred_channel.map(Into::into),
                address: input.address,
                city: input.city,
                postal_code: input.postal_code,
                country: input.country,
                currency: input.currency,
                metadata: input.metadata.map(|j| j.0),
            },
            input.tags.as_deref().unwrap_or_default(),
        )
        .await
        .gql()?;
        Ok(Customer(created))
    }

    /// Changes a customer's details.
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let patch = CustomerPatch {
            first_name: input.first_name,
            last_name: input.last_name,
            company: maybe(input.company, |v| v),
            email: maybe(input.email, |v| v),
            phone: maybe(input.phone, |v| v),
            segment: input.segment.map(Into::into),
            status: input.status.map(Into::into),
            preferred_channel: maybe(input.preferred_channel, Into::into),
            address: maybe(input.address, |v| v),
            city: maybe(input.city, |v| v),
            postal_code: maybe(input.postal_code, |v| v),
            country: input.country,
            currency: input.currency,
            metadata: maybe(input.metadata, |j| j.0),
        };
        Ok(Customer(
            crm::update_customer(services(ctx)?, actor, id, patch)
                .await
                .gql()?,
        ))
    }

    /// Archives a customer (hidden from `customers` unless `includeArchived`).
    async fn archive_customer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Customer(
            crm::archive_customer(services(ctx)?, actor, id)
                .await
                .gql()?,
        ))
    }

    /// Adds a note to a customer.
    async fn add_customer_note(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        content: String,
    ) -> async_graphql::Result<CustomerNote> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        Ok(CustomerNote(
            crm::add_note(services(ctx)?, actor, id, &content)
                .await
                .gql()?,
        ))
    }

    /// Logs an interaction with a customer (moves its last contact forward).
    async fn log_customer_activity(
        &self,
        ctx: &Context<'_>,
        input: LogActivityInput,
    ) -> async_graphql::Result<CustomerActivity> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &input.customer_id)?;
        let activity = NewActivity {
            kind: input.kind.into(),
            channel: input.channel.map(Into::into),
            description: input.description,
            metadata: None,
            occurred_at: input.occurred_at,
        };
        Ok(CustomerActivity(
            crm::log_activity(services(ctx)?, actor, id, activity)
                .await
                .gql()?,
        ))
    }

    /// Adds tags to a customer; returns all its tags.
    async fn add_customer_tags(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        tags: Vec<String>,
    ) -> async_graphql::Result<Vec<String>> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        crm::add_tags(services(ctx)?, actor, id, &tags).await.gql()
    }

    /// Removes a tag from a customer; returns its remaining tags.
    async fn remove_customer_tag(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        tag: String,
    ) -> async_graphql::Result<Vec<String>> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        crm::remove_tag(services(ctx)?, actor, id, &tag).await.gql()
    }

    /// Records an order placed by a customer (outside a lead).
    async fn record_customer_order(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        amount: Decimal,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        Ok(Customer(
            crm::record_order(services(ctx)?, actor, id, amount)
                .await
                .gql()?,
        ))
    }

    /// A message or call came in (from a channel or an external tool): finds the customer by
    /// phone or e-mail or creates a prospect, and logs the interaction.
    async fn record_inbound_contact(
        &self,
        ctx: &Context<'_>,
        input: InboundContactInput,
    ) -> async_graphql::Result<InboundContactResult> {
        let actor = actor(ctx)?;
        let outcome = contacts::find_or_create_from_contact(
            services(ctx)?,
            actor,
            InboundContact {
                channel: input.channel.into(),
                phone: input.phone,
                email: input.email,
                first_name: input.first_name,
                last_name: input.last_name,
                message: input.message,
            },
        )
        .await
        .gql()?;
        Ok(InboundContactResult {
            customer: Customer(outcome.customer),
            created: outcome.created,
        })
    }

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

// ---------------------------------------------------------------------------------------
// Subscriptions.

/// What happened to a lead or a customer.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrmEventKind {
    /// It was created.
    Created,
    /// It changed.
    Updated,
}

/// A live event about a lead.
#[derive(SimpleObject)]
pub struct LeadEvent {
    kind: CrmEventKind,
    /// The lead as it is now (absent when it was deleted).
    lead: Option<Lead>,
    /// Its id.
    lead_id: ID,
}

/// A live event about a customer.
#[derive(SimpleObject)]
pub struct CustomerEvent {
    kind: CrmEventKind,
    /// The customer as it is now.
    customer: Customer,
}

/// Live CRM events (staff only).
#[derive(Default)]
pub struct CrmSubscription;

#[Subscription]
impl CrmSubscription {
    /// Lead events of the caller's tenant; with `leadId`, of that lead only.
    async fn lead_events(
        &self,
        ctx: &Context<'_>,
        lead_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = LeadEvent>> {
        let actor = actor(ctx)?.clone();
        actor.require(Permission::ViewCrm).gql()?;
        let svc = services(ctx)?.clone();
        let only = opt_id("leadId", lead_id.as_ref())?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            async move {
                let event = received.ok()?;
                let kind = match event.kind {
                    LiveEventKind::LeadCreated => CrmEventKind::Created,
                    LiveEventKind::LeadUpdated => CrmEventKind::Updated,
                    _ => return None,
                };
                let id = event.lead_id?;
                if event.tenant_id != actor.tenant_id || only.is_some_and(|o| o != id) {
                    return None;
                }
                let lead = match leads::get_lead(&svc, &actor, id).await {
                    Ok(found) => Some(Lead(found)),
                    Err(DomainError::NotFound(_)) => None,
                    Err(_) => return None,
                };
                Some(LeadEvent {
                    kind,
                    lead,
                    lead_id: ID(id.to_string()),
                })
            }
        }))
    }

    /// Customer events of the caller's tenant; with `customerId`, of that customer only.
    async fn customer_events(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = CustomerEvent>> {
        let actor = actor(ctx)?.clone();
        actor.require(Permission::ViewCrm).gql()?;
        let svc = services(ctx)?.clone();
        let only = opt_id("customerId", customer_id.as_ref())?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            async move {
                let event = received.ok()?;
                let kind = match event.kind {
                    LiveEventKind::CustomerCreated => CrmEventKind::Created,
                    LiveEventKind::CustomerUpdated => CrmEventKind::Updated,
                    _ => return None,
                };
                let id = event.customer_id?;
                if event.tenant_id != actor.tenant_id || only.is_some_and(|o| o != id) {
                    return None;
                }
                let customer = crm::get_customer(&svc.db, &actor, id).await.ok()?;
                Some(CustomerEvent {
                    kind,
                    customer: Customer(customer),
                })
            }
        }))
    }
}

/// Lets staff (and tokens with the read scope) through to CRM fields; customers are
/// refused with `FORBIDDEN`.
pub struct CrmGuard;

impl async_graphql::Guard for CrmGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        actor(ctx)?.require(Permission::ViewCrm).gql()
    }
}

/// Loads, in one statement per aggregate, what the selection asks of listed customers
/// (notes and activities counts, tags, notes, timelines), so that a listing costs the same
/// number of statements for 3 customers as for 100 (batching by the loaders' timer alone
/// splits batches when resolution is slow). Staff only; others get nothing primed.
///
/// # Errors
///
/// Database errors.
pub async fn prime_customer_loaders(ctx: &Context<'_>, ids: &[i64]) -> async_graphql::Result<()> {
    let loaders = loaders(ctx)?;
    if !loaders.cached || ids.is_empty() || actor(ctx)?.require(Permission::ViewCrm).is_err() {
        return Ok(());
    }
    let look = ctx.look_ahead();
    let crm = &loaders.crm;
    let ids = ids.iter().copied();
    if look.field("notesCount").exists() {
        crm.note_counts
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("activitiesCount").exists() {
        crm.activity_counts
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("tags").exists() {
        crm.tags
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("notes").exists() {
        crm.notes
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("timeline").exists() {
        crm.timelines
            .load_many(ids)
            .await
            .map_err(|e| loader_error(&e))?;
    }
    Ok(())
}

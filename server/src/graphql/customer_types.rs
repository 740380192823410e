//! The customer side's object and input types: notes, activities, the timeline, filters
//! and orders of the listing, and the inputs of the customer mutations.

use async_graphql::{Context, Enum, InputObject, Json, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::customer_note;
use rust_decimal::Decimal;

use super::enums::{ActivityKind, Channel, CustomerSegment, CustomerStatus, LeadStage};
use super::types::{load_user, Customer, User};
use crate::domain::customers::{
    CustomerFilter as DomainCustomerFilter, CustomerOrder as DomainCustomerOrder,
    TimelineEntry as DomainTimelineEntry, TimelineKind as DomainTimelineKind,
};

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

/// One interaction with a customer, on its timeline (newest first). The typed fields say
/// what it is; clients word it in their own language.
pub struct TimelineEntry(pub(super) DomainTimelineEntry);

#[Object]
impl TimelineEntry {
    /// What it is.
    async fn kind(&self) -> TimelineKind {
        self.0.kind.into()
    }
    /// When it happened (or, for meetings, is planned).
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// What people wrote, as they wrote it: an activity's description, a note's excerpt, a
    /// ticket's subject, a meeting's title; null for messages and leads.
    async fn text(&self) -> Option<&str> {
        self.0.text.as_deref()
    }
    /// A one-line summary in English.
    #[graphql(
        deprecation = "word the typed fields (`text`, `ticketNumber`, `internal`, `leadStage`, `activityKind`)"
    )]
    async fn title(&self) -> String {
        let e = &self.0;
        let number = e.ticket_number.as_deref().unwrap_or_default();
        match e.kind {
            DomainTimelineKind::Activity => match (&e.text, e.amount) {
                (Some(text), _) => text.clone(),
                (None, Some(amount)) => {
                    let currency = e.currency.as_deref().unwrap_or_default();
                    match e.lead_id {
                        Some(lead) => format!("Lead #{lead} won: order of {amount} {currency}"),
                        None => format!("Order of {amount} {currency}"),
                    }
                }
                (None, None) => e
                    .activity_kind
                    .map(|kind| kind.as_str().replace('_', " "))
                    .unwrap_or_default(),
            },
            DomainTimelineKind::Ticket => {
                format!("{number} {}", e.text.as_deref().unwrap_or_default())
            }
            DomainTimelineKind::Message => {
                format!(
                    "{number}: {}",
                    if e.internal {
                        "internal note"
                    } else {
                        "message"
                    }
                )
            }
            DomainTimelineKind::Lead => format!(
                "Lead #{} ({})",
                e.lead_id.unwrap_or_default(),
                e.lead_stage.map(|s| s.as_str()).unwrap_or_default()
            ),
            DomainTimelineKind::Note | DomainTimelineKind::Meeting => {
                e.text.clone().unwrap_or_default()
            }
        }
    }
    /// More text: a note's content, a message's excerpt, a meeting's place.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }
    /// For activities, which kind.
    async fn activity_kind(&self) -> Option<ActivityKind> {
        self.0.activity_kind.map(Into::into)
    }
    /// The channel, when known.
    async fn channel(&self) -> Option<Channel> {
        self.0.channel.map(Into::into)
    }
    /// The ticket concerned, for tickets and messages.
    async fn ticket_id(&self) -> Option<ID> {
        self.0.ticket_id.map(|id| ID(id.to_string()))
    }
    /// The ticket's number, for tickets and messages.
    async fn ticket_number(&self) -> Option<&str> {
        self.0.ticket_number.as_deref()
    }
    /// For messages: whether it is an internal note.
    async fn internal(&self) -> bool {
        self.0.internal
    }
    /// The lead concerned, for leads and meetings.
    async fn lead_id(&self) -> Option<ID> {
        self.0.lead_id.map(|id| ID(id.to_string()))
    }
    /// For leads: the stage.
    async fn lead_stage(&self) -> Option<LeadStage> {
        self.0.lead_stage.map(Into::into)
    }
    /// For orders: the amount.
    async fn amount(&self) -> Option<Decimal> {
        self.0.amount
    }
    /// For orders: the amount's currency.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
}

/// The outcome of `recordInboundContact`.
#[derive(SimpleObject)]
pub struct InboundContactResult {
    /// The customer, found or created.
    pub(super) customer: Customer,
    /// Whether this call created it.
    pub(super) created: bool,
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// The filters of `customers`: seed 002's example queries.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// In one of these segments.
    pub(super) segment: Option<Vec<CustomerSegment>>,
    /// More than this many orders.
    pub(super) min_orders: Option<i32>,
    /// At least one activity in the last this many days.
    pub(super) active_within_days: Option<i32>,
    /// No contact for this many days, or never.
    pub(super) no_contact_for_days: Option<i32>,
    /// Has this tag.
    pub(super) tag: Option<String>,
    /// Archived customers too (false by default).
    pub(super) include_archived: Option<bool>,
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
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) company: Option<String>,
    /// Unique in the tenant.
    pub(super) email: Option<String>,
    /// Any usual form; stored in E.164, unique in the tenant.
    pub(super) phone: Option<String>,
    /// PROSPECT by default.
    pub(super) segment: Option<CustomerSegment>,
    pub(super) preferred_channel: Option<Channel>,
    pub(super) address: Option<String>,
    pub(super) city: Option<String>,
    pub(super) postal_code: Option<String>,
    /// ISO 3166 code, FR by default.
    pub(super) country: Option<String>,
    /// ISO 4217 code, EUR by default.
    pub(super) currency: Option<String>,
    /// Free JSON.
    pub(super) metadata: Option<Json<serde_json::Value>>,
    /// Tags to put on it.
    pub(super) tags: Option<Vec<String>>,
}

/// A change to a customer: absent fields are left alone, `null` clears.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) company: MaybeUndefined<String>,
    pub(super) email: MaybeUndefined<String>,
    pub(super) phone: MaybeUndefined<String>,
    pub(super) segment: Option<CustomerSegment>,
    /// ACTIVE or INACTIVE (archive with `archiveCustomer`).
    pub(super) status: Option<CustomerStatus>,
    pub(super) preferred_channel: MaybeUndefined<Channel>,
    pub(super) address: MaybeUndefined<String>,
    pub(super) city: MaybeUndefined<String>,
    pub(super) postal_code: MaybeUndefined<String>,
    pub(super) country: Option<String>,
    pub(super) currency: Option<String>,
    pub(super) metadata: MaybeUndefined<Json<serde_json::Value>>,
}

/// An interaction to log.
#[derive(InputObject)]
pub struct LogActivityInput {
    pub(super) customer_id: ID,
    pub(super) kind: ActivityKind,
    pub(super) channel: Option<Channel>,
    pub(super) description: Option<String>,
    /// Now by default; never in the future.
    pub(super) occurred_at: Option<DateTime<Utc>>,
}

/// A message or call from someone who may not be a customer yet.
#[derive(InputObject)]
pub struct InboundContactInput {
    pub(super) channel: Channel,
    /// Any usual form (national numbers use the tenant's country, FR by default).
    pub(super) phone: Option<String>,
    pub(super) email: Option<String>,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    /// What they wrote or said.
    pub(super) message: Option<String>,
}

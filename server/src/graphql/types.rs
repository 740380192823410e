//! Output types shared by several areas, built from entity models so that no column (say,
//! `password_hash`) reaches the API unless a field here exposes it.

use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::enums::Visibility;
use entity::{attachment, customer, department, message, ticket, time_entry, user};

use super::context::loaders;
use super::customer_types::{CustomerNote, TimelineEntry};
use super::customers::customer_fields as crm_fields;
use super::customers::CrmGuard;
use super::enums::{
    AuthorKind, Channel, CustomerSegment, CustomerStatus, DepartmentKind, Role, TicketCategory,
    TicketPriority, TicketStatus, TicketType,
};
use super::history::HistoryEntry;
use super::leads::Lead;
use super::loaders::loader_error;
use crate::domain::customers::display_name;

/// A person who signs in: staff or customer.
pub struct User(pub user::Model);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// Whether the account may sign in (administrators deactivate colleagues who left).
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// The department the user works in (staff).
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        let Ok(loaders) = loaders(ctx) else {
            return Ok(None);
        };
        Ok(loaders
            .departments
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Department))
    }
}

/// Loads a department of the caller's tenant through the request's loader.
///
/// # Errors
///
/// Database errors.
pub(crate) async fn load_department(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<Department>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?
        .departments
        .load_one(id)
        .await
        .map_err(|e| loader_error(&e))?
        .map(Department))
}

/// A department of the tenant.
pub struct Department(pub department::Model);

#[Object]
impl Department {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> DepartmentKind {
        self.0.kind.into()
    }
}

/// A CRM customer.
pub struct Customer(pub customer::Model);

#[Object]
impl Customer {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    /// "First Last", or the company when the customer has no name.
    async fn display_name(&self) -> String {
        display_name(&self.0)
    }
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// E.164.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    // The CRM fields below are for staff only (`CrmGuard`); resolvers live in `graphql::crm`.
    #[graphql(guard = "CrmGuard")]
    async fn status(&self) -> CustomerStatus {
        self.0.status.into()
    }
    #[graphql(guard = "CrmGuard")]
    async fn segment(&self) -> CustomerSegment {
        self.0.segment.into()
    }
    #[graphql(guard = "CrmGuard")]
    async fn preferred_channel(&self) -> Option<Channel> {
        self.0.preferred_channel.map(Into::into)
    }
    #[graphql(guard = "CrmGuard")]
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    #[graphql(guard = "CrmGuard")]
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    #[graphql(guard = "CrmGuard")]
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// ISO 3166 code (FR by default).
    #[graphql(guard = "CrmGuard")]
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// ISO 4217 code (EUR by default).
    #[graphql(guard = "CrmGuard")]
    async fn currency(&self) -> &str {
        &self.0.currency
    }
    #[graphql(guard = "CrmGuard")]
    async fn total_orders(&self) -> i32 {
        self.0.total_orders
    }
    /// Exact, as a decimal string.
    #[graphql(guard = "CrmGuard")]
    async fn total_revenue(&self) -> rust_decimal::Decimal {
        self.0.total_revenue.round_dp(4).normalize()
    }
    #[graphql(guard = "CrmGuard")]
    async fn last_contact_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_contact_at
    }
    #[graphql(guard = "CrmGuard")]
    async fn last_order_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_order_at
    }
    /// Free JSON.
    #[graphql(guard = "CrmGuard")]
    async fn metadata(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        self.0.metadata.clone().map(async_graphql::Json)
    }
    #[graphql(guard = "CrmGuard")]
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[graphql(guard = "CrmGuard")]
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
    #[graphql(guard = "CrmGuard")]
    async fn notes_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        crm_fields::notes_count(ctx, self.0.id).await
    }
    #[graphql(guard = "CrmGuard")]
    async fn activities_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        crm_fields::activities_count(ctx, self.0.id).await
    }
    /// Alphabetical.
    #[graphql(guard = "CrmGuard")]
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        crm_fields::tags(ctx, self.0.id).await
    }
    /// Newest first.
    #[graphql(guard = "CrmGuard")]
    async fn notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustomerNote>> {
        crm_fields::notes(ctx, self.0.id).await
    }
    /// Every interaction (activities, notes, tickets, messages, leads, meetings), newest
    /// first.
    #[graphql(guard = "CrmGuard")]
    async fn timeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TimelineEntry>> {
        crm_fields::timeline(ctx, self.0.id).await
    }
    /// Its leads, most recently changed first.
    #[graphql(guard = "CrmGuard")]
    async fn leads(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Lead>> {
        crm_fields::leads(ctx, self.0.id).await
    }
}

/// A message of a ticket's thread.
pub struct Message(pub message::Model, pub Known);

impl Message {
    /// A message as loaded by a query.
    #[must_use]
    pub fn new(row: message::Model) -> Self {
        Self(row, Known::default())
    }
}

/// Rows a live event already loaded with its ticket (customer, assignee, department, the
/// message's author), once for all its subscribers: fields use them instead of asking
/// the caller's loaders again. Empty for queries.
#[derive(Clone, Default)]
pub struct Known(Option<std::sync::Arc<crate::domain::live::LoadedEvent>>);

impl Known {
    /// The rows of `event`.
    #[must_use]
    pub const fn of(event: std::sync::Arc<crate::domain::live::LoadedEvent>) -> Self {
        Self(Some(event))
    }

    async fn customer(
        &self,
        ctx: &Context<'_>,
        id: i64,
    ) -> async_graphql::Result<Option<customer::Model>> {
        if let Some(known) = self.0.as_ref().and_then(|e| e.customer(id)) {
            return Ok(Some(known.clone()));
        }
        loaders(ctx)?
            .customers
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))
    }

    async fn user(
        &self,
        ctx: &Context<'_>,
        id: Option<i64>,
    ) -> async_graphql::Result<Option<User>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.0.as_ref().and_then(|e| e.user(id)) {
            return Ok(Some(User(known.clone())));
        }
        load_user(ctx, Some(id)).await
    }

    async fn department(
        &self,
        ctx: &Context<'_>,
        id: Option<i64>,
    ) -> async_graphql::Result<Option<Department>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.0.as_ref().and_then(|e| e.department(id)) {
            return Ok(Some(Department(known.clone())));
        }
        load_department(ctx, Some(id)).await
    }
}

#[Object]
impl Message {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn author_kind(&self) -> AuthorKind {
        self.0.author_kind.into()
    }
    /// The author's display name.
    async fn author_name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        if let Some(id) = self.0.author_customer_id {
            if let Some(c) = self.1.customer(ctx, id).await? {
                return Ok(display_name(&c));
            }
        }
        if let Some(u) = self.1.user(ctx, self.0.author_user_id).await? {
            return Ok(u.0.display_name);
        }
        Ok("Guichet".to_owned())
    }
    /// Whether this is an internal note, never shown to customers.
    async fn internal(&self) -> bool {
        self.0.visibility == Visibility::Internal
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A support, sales or inquiry ticket.
pub struct Ticket(pub ticket::Model, pub Known);

impl Ticket {
    /// A ticket as loaded by a query.
    #[must_use]
    pub fn new(row: ticket::Model) -> Self {
        Self(row, Known::default())
    }
}

#[Object]
impl Ticket {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Per tenant, type and year, gapless: `SUP-2026-00001`.
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn ticket_type(&self) -> TicketType {
        self.0.ticket_type.into()
    }
    async fn category(&self) -> TicketCategory {
        self.0.category.into()
    }
    async fn priority(&self) -> TicketPriority {
        self.0.priority.into()
    }
    async fn status(&self) -> TicketStatus {
        self.0.status.into()
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn resolution(&self) -> Option<&str> {
        self.0.resolution.as_deref()
    }
    /// Where the ticket came from.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }
    /// The agents who have the ticket open now, and who is typing (staff only; empty for
    /// customers).
    async fn presence(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::presence::TicketPresence>> {
        let actor = super::context::actor(ctx)?;
        let present =
            crate::domain::presence::present_on(super::context::services(ctx)?, actor, self.0.id);
        super::presence::with_users(ctx, self.0.id, present).await
    }
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Customer> {
        self.1
            .customer(ctx, self.0.customer_id)
            .await?
            .map(Customer)
            .ok_or_else(|| async_graphql::Error::new("customer not found"))
    }
    /// The agent in charge, if any.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        self.1.user(ctx, self.0.assignee_id).await
    }
    /// The department the ticket was routed to.
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        self.1.department(ctx, self.0.department_id).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the first agent reply is due.
    async fn response_due_at(&self) -> Option<DateTime<Utc>> {
        self.0.response_due_at
    }
    /// When the ticket must be resolved.
    async fn resolution_due_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolution_due_at
    }
    /// When an agent first answered publicly.
    async fn first_response_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_response_at
    }
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// The thread, oldest first; internal notes only for staff.
    async fn messages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Message>> {
        let thread = loaders(ctx)?
            .threads
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(thread
            .unwrap_or_default()
            .into_iter()
            .map(Message::new)
            .collect())
    }
    /// How many messages the caller can see in the thread.
    async fn message_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let count = loaders(ctx)?
            .message_counts
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(count.unwrap_or(0))
    }
    /// The customer's rating (1–5 stars), once given.
    async fn satisfaction_rating(&self) -> Option<i32> {
        self.0.satisfaction_rating
    }
    /// The customer's comment with the rating.
    async fn satisfaction_comment(&self) -> Option<&str> {
        self.0.satisfaction_comment.as_deref()
    }
    async fn rated_at(&self) -> Option<DateTime<Utc>> {
        self.0.rated_at
    }
    /// Who changed what and when, oldest first (staff only; empty for customers).
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<HistoryEntry>> {
        let rows = loaders(ctx)?
            .history
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(HistoryEntry)
            .collect())
    }
    /// Time logged on the ticket (staff only; empty for customers).
    async fn time_entries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TimeEntry>> {
        let rows = loaders(ctx)?
            .time_entries
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(TimeEntry)
            .collect())
    }
    /// Total minutes logged on the ticket (staff only; 0 for customers).
    async fn logged_minutes(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let rows = loaders(ctx)?
            .time_entries
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(rows
            .unwrap_or_default()
            .iter()
            .map(|e| i64::from(e.minutes))
            .sum())
    }
    /// The cost of the work logged on the ticket, each entry at its agent's hourly cost
    /// on its work date (admins and managers; null for others).
    async fn cost(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<rust_decimal::Decimal>> {
        loaders(ctx)?
            .ticket_costs
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))
    }
    /// Files attached to the ticket, oldest first.
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Attachment>> {
        let rows = loaders(ctx)?
            .attachments
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Attachment)
            .collect())
    }
    /// The ticket this one was merged into, if it was a duplicate.
    async fn merged_into(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Ticket>> {
        let Some(id) = self.0.merged_into_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .tickets
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .map(Ticket::new))
    }
    /// Related tickets (staff only; empty for customers).
    async fn linked_tickets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Ticket>> {
        let loaders = loaders(ctx)?;
        let ids = loaders
            .links
            .load_one(self.0.id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default();
        let found = loaders
            .tickets
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(Ticket::new)
            .collect())
    }
    /// Statuses this ticket may move to now, according to its type's workflow.
    async fn allowed_transitions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<TicketStatus>> {
        let flows = loaders(ctx)?
            .workflows
            .get()
            .await
            .map_err(|e| loader_error(&e))?;
        Ok(flows
            .allowed(self.0.ticket_type, self.0.status)
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

/// A file attached to a ticket.
pub struct Attachment(pub attachment::Model);

#[Object]
impl Attachment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn filename(&self) -> &str {
        &self.0.filename
    }
    /// The type recognised from the content: image/png, image/jpeg, image/gif, image/webp
    /// or application/pdf.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    /// A signed link to the content, valid one hour, for `<img>` and downloads. With an
    /// `Authorization` header, `/attachments/{id}` works too.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let keys = ctx.data::<crate::domain::auth::SessionKeys>()?;
        let now = super::context::services(ctx)?.now();
        let token = keys
            .sign_download(self.0.id, self.0.tenant_id, now)
            .map_err(super::error::to_graphql_error)?;
        Ok(format!("/attachments/{}?token={token}", self.0.id))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Minutes an agent worked on a ticket.
pub struct TimeEntry(pub time_entry::Model);

#[Object]
impl TimeEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn minutes(&self) -> i32 {
        self.0.minutes
    }
    /// The day the work was done.
    async fn work_date(&self) -> chrono::NaiveDate {
        self.0.work_date
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who worked.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, Some(self.0.user_id)).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Pagination state of a connection.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// Pass as `after` to get the next page.
    pub end_cursor: Option<String>,
}

/// A ticket and its cursor.
#[derive(SimpleObject)]
pub struct TicketEdge {
    /// Opaque position of this ticket in the listing.
    pub cursor: String,
    /// The ticket.
    pub node: Ticket,
}

/// A page of tickets.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct TicketConnection {
    /// The tickets with their cursors.
    pub edges: Vec<TicketEdge>,
    /// Pagination state.
    pub page_info: PageInfo,
}

#[ComplexObject]
impl TicketConnection {
    /// The tickets without cursors.
    async fn nodes(&self) -> Vec<Ticket> {
        self.edges
            .iter()
            .map(|e| Ticket::new(e.node.0.clone()))
            .collect()
    }
}

/// The user `id` points at, through the request's loader (`None` for no id or no such user).
pub(crate) async fn load_user(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(loaders(ctx)?
        .users
        .load_one(id)
        .await
        .map_err(|e| loader_error(&e))?
        .map(User))
}

//! Tickets in GraphQL: the board's listing, one ticket with its thread, the changes agents
//! make, and the live feed.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Subscription, ID};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, services};
use super::enums::{Channel, TicketCategory, TicketPriority, TicketStatus, TicketType};
use super::error::{parse_id, GraphqlResultExt};
use super::shared::{Shared, SharedResolutions, Sharing};
use super::types::{
    Attachment, Known, Message, PageInfo, Ticket, TicketConnection, TicketEdge, TimeEntry,
};
use crate::domain::tickets::{self, encode_cursor, NewTicket};
use crate::domain::{scope, Permission};
use crate::events::LiveEventKind;

/// Filters of the ticket listing; each list means "any of".
#[derive(InputObject, Default)]
pub struct TicketFilter {
    status: Option<Vec<TicketStatus>>,
    priority: Option<Vec<TicketPriority>>,
    ticket_type: Option<Vec<TicketType>>,
    customer_id: Option<ID>,
    assignee_id: Option<ID>,
    /// Only tickets nobody is assigned to.
    unassigned: Option<bool>,
    department_id: Option<ID>,
    /// Created at or after.
    created_after: Option<chrono::DateTime<chrono::Utc>>,
    /// Created before.
    created_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Words that must all appear (as prefixes, accents ignored on SQLite) in the subject,
    /// the description or the thread.
    search: Option<String>,
}

impl TicketFilter {
    /// The domain's filter, its ids parsed.
    fn parse(self) -> async_graphql::Result<tickets::TicketFilter> {
        let filter = self;
        Ok(tickets::TicketFilter {
            statuses: filter
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            priorities: filter
                .priority
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            types: filter
                .ticket_type
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            customer_id: filter
                .customer_id
                .as_ref()
                .map(|id| parse_id("customerId", id))
                .transpose()?,
            assignee_id: filter
                .assignee_id
                .as_ref()
                .map(|id| parse_id("assigneeId", id))
                .transpose()?,
            unassigned: filter.unassigned.unwrap_or(false),
            department_id: filter
                .department_id
                .as_ref()
                .map(|id| parse_id("departmentId", id))
                .transpose()?,
            created_after: filter.created_after,
            created_before: filter.created_before,
            search: filter.search,
        })
    }
}

/// A ticket to open.
#[derive(InputObject)]
pub struct CreateTicketInput {
    ticket_type: TicketType,
    /// Decides the department; `OTHER` by default.
    category: Option<TicketCategory>,
    /// `NORMAL` by default.
    priority: Option<TicketPriority>,
    subject: String,
    description: String,
    /// Required for staff; customers open tickets for themselves.
    customer_id: Option<ID>,
    /// `WEB` by default.
    channel: Option<Channel>,
}

/// A reply or internal note.
#[derive(InputObject)]
pub struct ReplyInput {
    ticket_id: ID,
    body: String,
    /// An internal note, visible to staff only. False by default.
    internal: Option<bool>,
}

/// Ticket queries.
#[derive(Default)]
pub struct TicketQuery;

#[Object]
impl TicketQuery {
    /// Tickets the caller may see, newest first. `first` defaults to 50, at most 100.
    #[graphql(complexity = "crate::graphql::list_cost(first, 50, child_complexity)")]
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        filter: Option<TicketFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TicketConnection> {
        let actor = actor(ctx)?;
        let domain_filter = filter.unwrap_or_default().parse()?;
        let page = tickets::list_tickets(
            services(ctx)?,
            actor,
            &domain_filter,
            first.map(i64::from),
            after.as_deref(),
        )
        .await
        .gql()?;
        connection(ctx, ctx.look_ahead(), page).await
    }

    /// The board: one column per status the filter allows (every status by default), in
    /// the workflow's order, open work first, each with the newest `perColumn` tickets the
    /// caller may see in that status (25 by default, at most 100). A column pages on with
    /// `tickets`, its status in the filter and its `endCursor` as `after`.
    #[graphql(complexity = "6 * crate::graphql::list_cost(per_column, 25, child_complexity)")]
    async fn board(
        &self,
        ctx: &Context<'_>,
        filter: Option<TicketFilter>,
        per_column: Option<i32>,
    ) -> async_graphql::Result<Vec<BoardColumn>> {
        let actor = actor(ctx)?;
        let domain_filter = filter.unwrap_or_default().parse()?;
        let columns = tickets::board(
            services(ctx)?,
            actor,
            &domain_filter,
            Some(per_column.map_or(BOARD_COLUMN_SIZE, i64::from)),
        )
        .await
        .gql()?;
        // The relations of every column's cards are loaded together.
        let every: Vec<TicketEdge> = columns
            .iter()
            .flat_map(|column| column.page.tickets.iter().cloned().map(edge))
            .collect();
        prime_loaders(ctx, ctx.look_ahead().field("tickets"), &every).await?;
        Ok(columns
            .into_iter()
            .map(|column| BoardColumn {
                status: column.status.into(),
                tickets: page_connection(column.page),
            })
            .collect())
    }

    /// One ticket, if the caller may see it.
    async fn ticket(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Ticket>> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        match tickets::get_ticket(services(ctx)?, actor, id).await {
            Ok(t) => Ok(Some(Ticket::new(t))),
            Err(crate::domain::DomainError::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }

    /// One ticket by its number, e.g. `SUP-2026-00001`.
    async fn ticket_by_number(
        &self,
        ctx: &Context<'_>,
        number: String,
    ) -> async_graphql::Result<Option<Ticket>> {
        let actor = actor(ctx)?;
        match tickets::get_ticket_by_number(services(ctx)?, actor, &number).await {
            Ok(t) => Ok(Some(Ticket::new(t))),
            Err(crate::domain::DomainError::NotFound(_)) => Ok(None),
            Err(e) => Err(e).gql(),
        }
    }
}

/// Loads, in one statement per relation, what the selection asks of the listed tickets, so
/// the board costs the same number of statements for 10 tickets as for 100: the field
/// resolvers then find it in the request's loader cache. (Batching by the loaders' timer
/// alone splits batches when resolution is slow.)
/// How many cards a board column shows at first.
const BOARD_COLUMN_SIZE: i64 = 25;

/// One column of the board.
#[derive(SimpleObject)]
pub struct BoardColumn {
    /// The column's status.
    status: TicketStatus,
    /// Its newest tickets.
    tickets: TicketConnection,
}

fn edge(ticket: entity::ticket::Model) -> TicketEdge {
    TicketEdge {
        cursor: encode_cursor(ticket.id),
        node: Ticket::new(ticket),
    }
}

/// A page of tickets as a connection.
fn page_connection(page: tickets::TicketPage) -> TicketConnection {
    let edges: Vec<TicketEdge> = page.tickets.into_iter().map(edge).collect();
    let end_cursor = edges.last().map(|e| e.cursor.clone());
    TicketConnection {
        edges,
        page_info: PageInfo {
            has_next_page: page.has_next_page,
            end_cursor,
        },
    }
}

/// A page of tickets as a connection, the relations its selection (`look`, the
/// connection's field) asks for loaded beforehand.
async fn connection(
    ctx: &Context<'_>,
    look: async_graphql::Lookahead<'_>,
    page: tickets::TicketPage,
) -> async_graphql::Result<TicketConnection> {
    let connection = page_connection(page);
    prime_loaders(ctx, look, &connection.edges).await?;
    Ok(connection)
}

async fn prime_loaders(
    ctx: &Context<'_>,
    look: async_graphql::Lookahead<'_>,
    edges: &[TicketEdge],
) -> async_graphql::Result<()> {
    use std::collections::BTreeSet;

    use super::loaders::{loader_error, prime};

    let loaders = super::context::loaders(ctx)?;
    if !loaders.cached || edges.is_empty() {
        return Ok(());
    }
    let wants = |path: &[&str]| {
        let (mut a, mut b) = (look.field("nodes"), look.field("edges").field("node"));
        for name in path {
            a = a.field(name);
            b = b.field(name);
        }
        a.exists() || b.exists()
    };
    let tickets: Vec<_> = edges.iter().map(|e| &e.node.0).collect();
    let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    let mut user_ids: BTreeSet<i64> = BTreeSet::new();
    let mut customer_ids: BTreeSet<i64> = BTreeSet::new();
    if wants(&["customer"]) {
        customer_ids.extend(tickets.iter().map(|t| t.customer_id));
    }
    if wants(&["assignee"]) {
        user_ids.extend(tickets.iter().filter_map(|t| t.assignee_id));
    }
    // Every key is known, so each relation is read at once (no batching delay), and what
    // does not depend on another read runs beside it, on its own connection.
    let threads = async {
        if wants(&["messages"]) {
            prime(&loaders.threads, ids.iter().copied()).await
        } else {
            Ok(std::collections::HashMap::new())
        }
    };
    let counts = async {
        if wants(&["messageCount"]) {
            prime(&loaders.message_counts, ids.iter().copied()).await?;
        }
        async_graphql::Result::Ok(())
    };
    let workflows = async {
        if wants(&["allowedTransitions"]) {
            loaders
                .workflows
                .get()
                .await
                .map_err(|e| loader_error(&e))?;
        }
        async_graphql::Result::Ok(())
    };
    let (threads, (), ()) = futures::try_join!(threads, counts, workflows)?;
    if wants(&["messages", "authorName"]) {
        for message in threads.values().flatten() {
            user_ids.extend(message.author_user_id);
            customer_ids.extend(message.author_customer_id);
        }
    }
    let (users, _) = futures::try_join!(
        prime(&loaders.users, user_ids),
        prime(&loaders.customers, customer_ids)
    )?;
    let mut department_ids: BTreeSet<i64> = BTreeSet::new();
    if wants(&["assignee", "department"]) {
        department_ids.extend(users.values().filter_map(|u| u.department_id));
    }
    if wants(&["department"]) {
        department_ids.extend(tickets.iter().filter_map(|t| t.department_id));
    }
    prime(&loaders.departments, department_ids).await?;
    Ok(())
}

/// A rating of a resolved ticket.
#[derive(InputObject)]
pub struct RateTicketInput {
    ticket_id: ID,
    /// 1 to 5 stars.
    rating: i32,
    comment: Option<String>,
}

/// Time worked on a ticket.
#[derive(InputObject)]
pub struct LogTimeInput {
    ticket_id: ID,
    /// 1 to 1440.
    minutes: i32,
    /// The day worked; today by default.
    work_date: Option<chrono::NaiveDate>,
    note: Option<String>,
}

/// Ticket mutations.
#[derive(Default)]
pub struct TicketMutation;

#[Object]
impl TicketMutation {
    /// Opens a ticket; it is numbered, routed and its SLA clocks start.
    async fn create_ticket(
        &self,
        ctx: &Context<'_>,
        input: CreateTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let customer_id = input
            .customer_id
            .as_ref()
            .map(|id| parse_id("customerId", id))
            .transpose()?;
        let created = tickets::create_ticket(
            services(ctx)?,
            actor,
            NewTicket {
                ticket_type: input.ticket_type.into(),
                category: input.category.map(Into::into),
                priority: input.priority.map(Into::into),
                subject: input.subject,
                description: input.description,
                customer_id,
                channel: input.channel.map(Into::into),
                origin: None,
            },
        )
        .await
        .gql()?;
        Ok(Ticket::new(created))
    }

    /// Adds a public reply or an internal note to a ticket's thread.
    async fn reply_to_ticket(
        &self,
        ctx: &Context<'_>,
        input: ReplyInput,
    ) -> async_graphql::Result<Message> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &input.ticket_id)?;
        let created = tickets::reply_to_ticket(
            services(ctx)?,
            actor,
            ticket_id,
            &input.body,
            input.internal.unwrap_or(false),
        )
        .await
        .gql()?;
        Ok(Message::new(created))
    }

    /// Moves a ticket along its type's workflow; other moves are refused.
    async fn change_ticket_status(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        status: TicketStatus,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let updated =
            tickets::change_ticket_status(services(ctx)?, actor, ticket_id, status.into())
                .await
                .gql()?;
        Ok(Ticket::new(updated))
    }

    /// Changes a ticket's priority (staff).
    async fn change_ticket_priority(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        priority: TicketPriority,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let updated =
            tickets::change_ticket_priority(services(ctx)?, actor, ticket_id, priority.into())
                .await
                .gql()?;
        Ok(Ticket::new(updated))
    }

    /// Rates a resolved ticket, once, as its customer.
    async fn rate_ticket(
        &self,
        ctx: &Context<'_>,
        input: RateTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &input.ticket_id)?;
        let rated = crate::domain::satisfaction::rate_ticket(
            services(ctx)?,
            actor,
            ticket_id,
            input.rating,
            input.comment.as_deref(),
        )
        .await
        .gql()?;
        Ok(Ticket::new(rated))
    }

    /// Logs time the caller worked on a ticket (staff).
    async fn log_time(
        &self,
        ctx: &Context<'_>,
        input: LogTimeInput,
    ) -> async_graphql::Result<TimeEntry> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &input.ticket_id)?;
        let entry = crate::domain::costs::time_entries::log_time(
            services(ctx)?,
            actor,
            ticket_id,
            input.minutes,
            input.work_date,
            input.note.as_deref(),
        )
        .await
        .gql()?;
        Ok(TimeEntry(entry))
    }

    /// Merges a duplicate into another ticket of the same customer: its thread moves there
    /// and it is closed (staff). Returns the target.
    async fn merge_tickets(
        &self,
        ctx: &Context<'_>,
        duplicate_id: ID,
        target_id: ID,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let duplicate_id = parse_id("duplicateId", &duplicate_id)?;
        let target_id = parse_id("targetId", &target_id)?;
        let merged =
            crate::domain::tickets::merge_tickets(services(ctx)?, actor, duplicate_id, target_id)
                .await
                .gql()?;
        Ok(Ticket::new(merged))
    }

    /// Attaches a file (PNG, JPEG, GIF, WebP or PDF, 10 MB at most) to a ticket, through the
    /// GraphQL multipart request specification.
    async fn upload_attachment(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        file: async_graphql::Upload,
    ) -> async_graphql::Result<Attachment> {
        use std::io::Read as _;

        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let upload = file.value(ctx)?;
        let filename = upload.filename.clone();
        let mut content = Vec::new();
        upload
            .into_read()
            .take(crate::domain::attachments::MAX_ATTACHMENT_BYTES as u64 + 1)
            .read_to_end(&mut content)
            .map_err(|_| {
                crate::domain::DomainError::validation("file", "the upload could not be read")
            })
            .gql()?;
        let stored = crate::domain::attachments::add_attachment(
            services(ctx)?,
            actor,
            ticket_id,
            &filename,
            content.into(),
        )
        .await
        .gql()?;
        Ok(Attachment(stored))
    }

    /// Links two related tickets (staff).
    async fn link_tickets(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        other_id: ID,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let other_id = parse_id("otherId", &other_id)?;
        Ok(Ticket::new(
            crate::domain::tickets::link_tickets(services(ctx)?, actor, ticket_id, other_id)
                .await
                .gql()?,
        ))
    }

    /// Removes the link between two tickets (staff).
    async fn unlink_tickets(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        other_id: ID,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let other_id = parse_id("otherId", &other_id)?;
        Ok(Ticket::new(
            crate::domain::tickets::unlink_tickets(services(ctx)?, actor, ticket_id, other_id)
                .await
                .gql()?,
        ))
    }

    /// Assigns a ticket to a staff member, or unassigns it when `assigneeId` is null.
    async fn assign_ticket(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        assignee_id: Option<ID>,
    ) -> async_graphql::Result<Ticket> {
        let actor = actor(ctx)?;
        let ticket_id = parse_id("ticketId", &ticket_id)?;
        let assignee_id = assignee_id
            .as_ref()
            .map(|id| parse_id("assigneeId", id))
            .transpose()?;
        let updated = tickets::assign_ticket(services(ctx)?, actor, ticket_id, assignee_id)
            .await
            .gql()?;
        Ok(Ticket::new(updated))
    }
}

/// What happened to a ticket.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketEventKind {
    /// The ticket was created.
    Created,
    /// Its fields or status changed.
    Updated,
    /// A message was added to its thread.
    MessageAdded,
    /// It was (re)assigned.
    Assigned,
    /// Events were missed (the subscriber lagged behind, or too much changed at once):
    /// load again what is shown. `ticket` is null.
    Resync,
}

impl From<LiveEventKind> for TicketEventKind {
    fn from(kind: LiveEventKind) -> Self {
        match kind {
            LiveEventKind::TicketCreated => Self::Created,
            LiveEventKind::TicketUpdated => Self::Updated,
            LiveEventKind::MessageAdded => Self::MessageAdded,
            LiveEventKind::TicketAssigned => Self::Assigned,
            // CRM events never reach ticket subscribers (filtered out before conversion).
            LiveEventKind::Resync => Self::Resync,
            LiveEventKind::LeadCreated
            | LiveEventKind::LeadUpdated
            | LiveEventKind::CustomerCreated
            | LiveEventKind::CustomerUpdated
            | LiveEventKind::BudgetUpdated
            | LiveEventKind::BudgetThresholdCrossed
            | LiveEventKind::BellChanged
            | LiveEventKind::SetupChanged => Self::Updated,
        }
    }
}

/// A live event about a ticket, as the subscriber may see it.
#[derive(SimpleObject)]
pub struct TicketEvent {
    /// What happened.
    kind: TicketEventKind,
    /// The ticket as it is now; null for `RESYNC`.
    ticket: Option<Ticket>,
    /// The message added, for `MESSAGE_ADDED`.
    message: Option<Message>,
}

impl TicketEvent {
    fn resync() -> Self {
        Self {
            kind: TicketEventKind::Resync,
            ticket: None,
            message: None,
        }
    }
}

/// Live ticket events.
#[derive(Default)]
pub struct TicketSubscription;

#[Subscription]
impl TicketSubscription {
    /// Events of the caller's tenant that the caller may see; with `ticketId`, of that ticket
    /// only. A `RESYNC` event says events were missed: load again what is shown.
    async fn ticket_events(
        &self,
        ctx: &Context<'_>,
        ticket_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Shared<TicketEvent>>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        actor.require(Permission::ViewTickets).gql()?;
        // Subscribers who would get the same answer share one resolution per event.
        let sharing = Arc::new(Sharing::of(ctx, &actor));
        let resolutions = Arc::clone(ctx.data::<Arc<SharedResolutions>>()?);
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let only = ticket_id
            .as_ref()
            .map(|id| parse_id("ticketId", id))
            .transpose()?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            let sharing = Arc::clone(&sharing);
            let resolutions = Arc::clone(&resolutions);
            async move {
                let Ok(delivery) = received else {
                    // Lagged: what was skipped is unknown, so the client loads again.
                    return Some(Shared::alone(TicketEvent::resync()));
                };
                let event = &delivery.event;
                if event.tenant_id != actor.tenant_id {
                    return None;
                }
                if event.kind == LiveEventKind::Resync {
                    return Some(Shared::alone(TicketEvent::resync()));
                }
                let ticket_id = event.ticket_id.filter(|_| event.kind.is_ticket_event())?;
                if only.is_some_and(|id| id != ticket_id) {
                    return None;
                }
                // The credential is checked again for every event it receives.
                actor.require(Permission::ViewTickets).ok()?;
                // Loaded once per event on this instance, whoever subscribes; then the
                // rules of queries, in memory: a customer never sees another customer's
                // ticket or an internal note.
                let Some(loaded) = svc.events.loads().event(&svc.db, delivery.seq, event).await
                else {
                    return Some(Shared::alone(TicketEvent::resync()));
                };
                let ticket = loaded
                    .ticket
                    .as_ref()
                    .filter(|t| scope::may_see_ticket(&actor, t))?;
                let message = match event.message_id {
                    Some(_) => Some(
                        loaded
                            .message
                            .as_ref()
                            .filter(|m| scope::may_read_message(&actor, m))?,
                    ),
                    None => None,
                };
                let slot = resolutions.slot(delivery.seq, &sharing);
                Some(Shared::with(
                    slot,
                    TicketEvent {
                        kind: event.kind.into(),
                        ticket: Some(Ticket(ticket.clone(), Known::of(Arc::clone(&loaded)))),
                        message: message
                            .cloned()
                            .map(|m| Message(m, Known::of(loaded.clone()))),
                    },
                ))
            }
        }))
    }
}

//! A ticket's history in the API: each entry's change is a typed union member, read
//! through `domain::tickets::Change` (the one decoder of the stored values), so clients
//! word it in their own language instead of parsing strings.

use async_graphql::{Context, Object, SimpleObject, Union, ID};
use chrono::{DateTime, Utc};
use entity::ticket_event;

use super::enums::{HistoryKind, SlaDeadline, TicketPriority, TicketStatus};
use super::types::{load_department, load_user, Department, User};
use crate::domain::tickets::Change;

/// One change in a ticket's history.
pub struct HistoryEntry(pub ticket_event::Model);

#[Object]
impl HistoryEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> HistoryKind {
        self.0.kind.into()
    }
    /// Who made the change; none for the system.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.actor_id).await
    }
    /// What changed, as typed values; null for an entry whose stored values this version
    /// cannot read.
    async fn change(&self) -> Option<HistoryChange> {
        HistoryChange::of(Change::of(&self.0))
    }
    /// The value before, as stored (a status, a priority, a user id…).
    #[graphql(deprecation = "read `change`, which is typed")]
    async fn from_value(&self) -> Option<&str> {
        self.0.from_value.as_deref()
    }
    /// The value after, as stored.
    #[graphql(deprecation = "read `change`, which is typed")]
    async fn to_value(&self) -> Option<&str> {
        self.0.to_value.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What a history entry changed.
#[derive(Union)]
pub enum HistoryChange {
    /// Created, status moves, reopening, auto-close.
    Status(StatusChange),
    /// Assignment.
    Assignee(AssigneeChange),
    /// Priority changes and escalations.
    Priority(PriorityChange),
    /// Department changes.
    Department(DepartmentChange),
    /// Merges.
    Merge(MergeChange),
    /// A link to another ticket.
    TicketLink(TicketLinkChange),
    /// A conversion to a lead.
    LeadLink(LeadLinkChange),
    /// The customer's rating.
    Rating(RatingChange),
    /// SLA warnings and breaches.
    Deadline(SlaDeadlineChange),
}

impl HistoryChange {
    fn of(change: Change) -> Option<Self> {
        Some(match change {
            Change::Status { from, to } => Self::Status(StatusChange {
                from: from.map(Into::into),
                to: to.into(),
            }),
            Change::Assignee { from, to } => Self::Assignee(AssigneeChange { from, to }),
            Change::Priority { from, to } => Self::Priority(PriorityChange {
                from: from.into(),
                to: to.into(),
            }),
            Change::Department { from, to } => Self::Department(DepartmentChange { from, to }),
            Change::Merge { duplicate, target } => Self::Merge(MergeChange {
                duplicate_number: duplicate,
                target_number: target,
            }),
            Change::LinkedTicket { number } => Self::TicketLink(TicketLinkChange { number }),
            Change::LinkedLead { lead_id } => Self::LeadLink(LeadLinkChange {
                lead_id: ID(lead_id.to_string()),
            }),
            Change::Rating { stars } => Self::Rating(RatingChange { stars }),
            Change::Deadline { deadline } => Self::Deadline(SlaDeadlineChange {
                deadline: deadline.into(),
            }),
            Change::Unreadable => return None,
        })
    }
}

/// A status move; `from` is null at creation.
#[derive(SimpleObject)]
pub struct StatusChange {
    from: Option<TicketStatus>,
    to: TicketStatus,
}

/// A priority change.
#[derive(SimpleObject)]
pub struct PriorityChange {
    from: TicketPriority,
    to: TicketPriority,
}

pub struct AssigneeChange {
    from: Option<i64>,
    to: Option<i64>,
}

/// A change of assignee; null is nobody (or an account since deleted).
#[Object]
impl AssigneeChange {
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.from).await
    }
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.to).await
    }
}

pub struct DepartmentChange {
    from: Option<i64>,
    to: Option<i64>,
}

/// A change of department; null is none (or a department since deleted).
#[Object]
impl DepartmentChange {
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        load_department(ctx, self.from).await
    }
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        load_department(ctx, self.to).await
    }
}

/// A duplicate merged into another ticket (recorded on both).
#[derive(SimpleObject)]
pub struct MergeChange {
    /// The duplicate's number.
    duplicate_number: String,
    /// The number of the ticket it was merged into.
    target_number: String,
}

/// A link to a related ticket.
#[derive(SimpleObject)]
pub struct TicketLinkChange {
    /// The other ticket's number.
    number: String,
}

/// The ticket was converted to a lead.
#[derive(SimpleObject)]
pub struct LeadLinkChange {
    lead_id: ID,
}

/// The customer's rating.
#[derive(SimpleObject)]
pub struct RatingChange {
    /// 1 to 5.
    stars: i32,
}

/// An SLA deadline close or passed (the entry's kind says which).
#[derive(SimpleObject)]
pub struct SlaDeadlineChange {
    deadline: SlaDeadline,
}

//! A ticket's history: who changed what, when.
//!
//! Each entry is a [`TicketEventKind`] and a typed [`Change`]. The `ticket_events` table
//! keeps the change as two text columns (`from_value`, `to_value`); [`Change::encode`] and
//! [`Change::decode`] are the only code that reads or writes them, so every door (the API's
//! history union, exports, the SPA) sees the same typed facts and no one parses strings.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{TicketEventKind, TicketPriority, TicketStatus};
use entity::{ticket, ticket_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::group_by_ticket;
use crate::actor::Actor;
use crate::error::DomainResult;

/// Which SLA deadline an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaDeadline {
    /// The first response.
    Response,
    /// The resolution.
    Resolution,
}

impl SlaDeadline {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Response => "response",
            Self::Resolution => "resolution",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "response" => Some(Self::Response),
            "resolution" => Some(Self::Resolution),
            _ => None,
        }
    }
}

/// What one history entry changed, as typed facts (the app words them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The status moved (`created`: from nothing; also `reopened`, `auto_closed`).
    Status {
        /// The status before, `None` at creation.
        from: Option<TicketStatus>,
        /// The status after.
        to: TicketStatus,
    },
    /// The assignee changed (`None`: nobody).
    Assignee {
        /// User id before.
        from: Option<i64>,
        /// User id after.
        to: Option<i64>,
    },
    /// The priority changed (also `escalated`).
    Priority {
        /// Before.
        from: TicketPriority,
        /// After.
        to: TicketPriority,
    },
    /// The department changed.
    Department {
        /// Department id before.
        from: Option<i64>,
        /// Department id after.
        to: Option<i64>,
    },
    /// A duplicate was merged into a ticket (recorded on both).
    Merge {
        /// The duplicate's number.
        duplicate: String,
        /// The number of the ticket it went into.
        target: String,
    },
    /// Linked to another ticket.
    LinkedTicket {
        /// The other ticket's number.
        number: String,
    },
    /// Converted to (linked with) a lead.
    LinkedLead {
        /// The lead's id.
        lead_id: i64,
    },
    /// The customer rated the ticket.
    Rating {
        /// 1 to 5 stars.
        stars: i32,
    },
    /// An SLA deadline is close or passed.
    Deadline {
        /// Which one.
        deadline: SlaDeadline,
    },
    /// Stored values this version cannot read (never written by it).
    Unreadable,
}

const LEAD_PREFIX: &str = "lead:";

impl Change {
    /// The two stored columns.
    #[must_use]
    pub fn encode(&self) -> (Option<String>, Option<String>) {
        let id = |id: &Option<i64>| id.map(|id| id.to_string());
        match self {
            Self::Status { from, to } => (
                from.map(|s| s.as_str().to_owned()),
                Some(to.as_str().to_owned()),
            ),
            Self::Assignee { from, to } | Self::Department { from, to } => (id(from), id(to)),
            Self::Priority { from, to } => {
                (Some(from.as_str().to_owned()), Some(to.as_str().to_owned()))
            }
            Self::Merge { duplicate, target } => (Some(duplicate.clone()), Some(target.clone())),
            Self::LinkedTicket { number } => (None, Some(number.clone())),
            Self::LinkedLead { lead_id } => (None, Some(format!("{LEAD_PREFIX}{lead_id}"))),
            Self::Rating { stars } => (None, Some(stars.to_string())),
            Self::Deadline { deadline } => (None, Some(deadline.as_str().to_owned())),
            Self::Unreadable => (None, None),
        }
    }

    /// Reads an entry's stored columns back.
    #[must_use]
    pub fn decode(kind: TicketEventKind, from: Option<&str>, to: Option<&str>) -> Self {
        Self::try_decode(kind, from, to).unwrap_or(Self::Unreadable)
    }

    /// The change an entry records.
    #[must_use]
    pub fn of(entry: &ticket_event::Model) -> Self {
        Self::decode(
            entry.kind,
            entry.from_value.as_deref(),
            entry.to_value.as_deref(),
        )
    }

    fn try_decode(kind: TicketEventKind, from: Option<&str>, to: Option<&str>) -> Option<Self> {
        let id = |value: Option<&str>| -> Option<Option<i64>> {
            value.map_or(Some(None), |v| v.parse().ok().map(Some))
        };
        Some(match kind {
            TicketEventKind::Created
            | TicketEventKind::StatusChanged
            | TicketEventKind::Reopened
            | TicketEventKind::AutoClosed => Self::Status {
                from: match from {
                    Some(value) => Some(value.parse().ok()?),
                    None => None,
                },
                to: to?.parse().ok()?,
            },
            TicketEventKind::Assigned => Self::Assignee {
                from: id(from)?,
                to: id(to)?,
            },
            TicketEventKind::DepartmentChanged => Self::Department {
                from: id(from)?,
                to: id(to)?,
            },
            TicketEventKind::PriorityChanged | TicketEventKind::Escalated => Self::Priority {
                from: from?.parse().ok()?,
                to: to?.parse().ok()?,
            },
            TicketEventKind::Merged => Self::Merge {
                duplicate: from?.to_owned(),
                target: to?.to_owned(),
            },
            TicketEventKind::Linked => match to?.strip_prefix(LEAD_PREFIX) {
                Some(lead_id) => Self::LinkedLead {
                    lead_id: lead_id.parse().ok()?,
                },
                None => Self::LinkedTicket {
                    number: to?.to_owned(),
                },
            },
            TicketEventKind::Rated => Self::Rating {
                stars: to?.parse().ok()?,
            },
            TicketEventKind::SlaWarning | TicketEventKind::SlaBreached => Self::Deadline {
                deadline: SlaDeadline::parse(to?)?,
            },
        })
    }
}

/// Appends an entry to a ticket's history on behalf of `actor`.
pub(crate) async fn record_event(
    db: &impl ConnectionTrait,
    ticket: &ticket::Model,
    actor: &Actor,
    kind: TicketEventKind,
    change: &Change,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    insert_history(db, ticket, Some(actor.user_id), kind, change, now).await
}

/// Appends an entry to a ticket's history; `actor_id` is `None` for the system.
pub(crate) async fn insert_history(
    db: &impl ConnectionTrait,
    ticket: &ticket::Model,
    actor_id: Option<i64>,
    kind: TicketEventKind,
    change: &Change,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let (from, to) = change.encode();
    ticket_event::ActiveModel {
        tenant_id: Set(ticket.tenant_id),
        ticket_id: Set(ticket.id),
        actor_id: Set(actor_id),
        kind: Set(kind),
        from_value: Set(from),
        to_value: Set(to),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The history of several tickets (who did what, when, from what to what), oldest first.
/// Staff only; the caller has checked it may see the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn history_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<ticket_event::Model>>> {
    if !actor.is_staff() {
        return Ok(group_by_ticket(
            ticket_ids,
            Vec::new(),
            |e: &ticket_event::Model| e.ticket_id,
        ));
    }
    let rows = ticket_event::Entity::find()
        .filter(ticket_event::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket_event::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(ticket_event::Column::CreatedAt)
        .order_by_asc(ticket_event::Column::Id)
        .all(db)
        .await?;
    Ok(group_by_ticket(ticket_ids, rows, |e| e.ticket_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_reads_back_as_written() {
        let cases = [
            (
                TicketEventKind::Created,
                Change::Status {
                    from: None,
                    to: TicketStatus::New,
                },
            ),
            (
                TicketEventKind::Reopened,
                Change::Status {
                    from: Some(TicketStatus::Resolved),
                    to: TicketStatus::Open,
                },
            ),
            (
                TicketEventKind::Assigned,
                Change::Assignee {
                    from: None,
                    to: Some(7),
                },
            ),
            (
                TicketEventKind::Escalated,
                Change::Priority {
                    from: TicketPriority::High,
                    to: TicketPriority::Urgent,
                },
            ),
            (
                TicketEventKind::DepartmentChanged,
                Change::Department {
                    from: Some(1),
                    to: Some(2),
                },
            ),
            (
                TicketEventKind::Merged,
                Change::Merge {
                    duplicate: "SUP-2026-00002".into(),
                    target: "SUP-2026-00001".into(),
                },
            ),
            (
                TicketEventKind::Linked,
                Change::LinkedTicket {
                    number: "SAL-2026-00003".into(),
                },
            ),
            (TicketEventKind::Linked, Change::LinkedLead { lead_id: 4 }),
            (TicketEventKind::Rated, Change::Rating { stars: 5 }),
            (
                TicketEventKind::SlaBreached,
                Change::Deadline {
                    deadline: SlaDeadline::Resolution,
                },
            ),
        ];
        for (kind, change) in cases {
            let (from, to) = change.encode();
            assert_eq!(
                Change::decode(kind, from.as_deref(), to.as_deref()),
                change,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn values_it_cannot_read_are_unreadable_not_a_panic() {
        assert_eq!(
            Change::decode(
                TicketEventKind::StatusChanged,
                Some("new"),
                Some("nonsense")
            ),
            Change::Unreadable
        );
        assert_eq!(
            Change::decode(TicketEventKind::Rated, None, Some("\0")),
            Change::Unreadable
        );
        assert_eq!(
            Change::decode(TicketEventKind::Assigned, Some("x"), None),
            Change::Unreadable
        );
    }
}

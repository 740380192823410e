//! What a chat shows of tickets (the staff's Telegram bot): counts by state, the customers
//! of a few tickets, one ticket with its thread and its authors; and the ticket number a
//! free text mentions (a replied-to notification, a mail's subject).
//!
//! Every read goes through the one visibility condition (`scope::visible_tickets`) and the
//! one tenant-scoped lookup (`scope`), after the operation's permission check.

use std::collections::HashMap;

use chrono::Duration;
use entity::enums::{TicketPriority, TicketStatus};
use entity::{customer, message, ticket, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};

use super::actor::Actor;
use super::error::DomainResult;
use super::permissions::Permission;
use super::scope::{find_in_tenant_opt, find_many_in_tenant, find_visible_ticket, visible_tickets};
use super::tickets::messages_of_tickets;
use super::Services;

/// The statuses of a ticket still being handled.
pub const OPEN_STATUSES: [TicketStatus; 3] =
    [TicketStatus::New, TicketStatus::Open, TicketStatus::Pending];

/// The statuses of a ticket that is done with, one way or another.
pub const CLOSED_STATUSES: [TicketStatus; 3] = [
    TicketStatus::Resolved,
    TicketStatus::Closed,
    TicketStatus::Cancelled,
];

/// Counts of the tickets an actor may see.
#[derive(Debug, Clone, Default)]
pub struct TicketStats {
    /// Every ticket.
    pub total: u64,
    /// Tickets in one of [`OPEN_STATUSES`].
    pub open: u64,
    /// Tickets in one of [`CLOSED_STATUSES`].
    pub closed: u64,
    /// The open urgent tickets, oldest first.
    pub urgent: Vec<ticket::Model>,
    /// Open tickets created longer ago than the `stale_after` asked for.
    pub stale: u64,
}

/// Counts the tickets the actor may see, by state; staff only. Open tickets created more
/// than `stale_after` ago (by the services' clock) count as stale.
///
/// # Errors
///
/// [`DomainError::Forbidden`](super::DomainError::Forbidden) for customers; database
/// errors.
pub async fn ticket_stats(
    svc: &Services,
    actor: &Actor,
    stale_after: Duration,
) -> DomainResult<TicketStats> {
    actor.require(Permission::ViewTeam)?;
    let visible =
        || -> Select<ticket::Entity> { ticket::Entity::find().filter(visible_tickets(actor)) };
    let open = || visible().filter(ticket::Column::Status.is_in(OPEN_STATUSES));
    Ok(TicketStats {
        total: visible().count(&svc.db).await?,
        open: open().count(&svc.db).await?,
        closed: visible()
            .filter(ticket::Column::Status.is_in(CLOSED_STATUSES))
            .count(&svc.db)
            .await?,
        urgent: open()
            .filter(ticket::Column::Priority.eq(TicketPriority::Urgent))
            .order_by_asc(ticket::Column::Id)
            .all(&svc.db)
            .await?,
        stale: open()
            .filter(ticket::Column::CreatedAt.lt(svc.now() - stale_after))
            .count(&svc.db)
            .await?,
    })
}

/// The customers of `tickets` (tickets the caller read through the domain), by customer
/// id: one statement for them all.
///
/// # Errors
///
/// [`DomainError::Forbidden`](super::DomainError::Forbidden) for a token without the read
/// scope; database errors.
pub async fn customers_of_tickets(
    svc: &Services,
    actor: &Actor,
    tickets: &[ticket::Model],
) -> DomainResult<HashMap<i64, customer::Model>> {
    actor.require(Permission::ViewTickets)?;
    let ids: Vec<i64> = tickets
        .iter()
        .filter(|t| t.tenant_id == actor.tenant_id)
        .map(|t| t.customer_id)
        .collect();
    find_many_in_tenant::<customer::Entity>(&svc.db, actor.tenant_id, ids).await
}

/// A ticket with what a reader needs to follow its conversation.
#[derive(Debug, Clone)]
pub struct TicketThread {
    /// The ticket.
    pub ticket: ticket::Model,
    /// Its customer.
    pub customer: Option<customer::Model>,
    /// Its messages, oldest first (internal notes only for staff).
    pub messages: Vec<message::Model>,
    /// The staff who wrote them, by user id.
    pub staff: HashMap<i64, user::Model>,
}

/// The ticket `id` with its customer, thread and authors, if the actor may see it.
///
/// # Errors
///
/// [`DomainError::NotFound`](super::DomainError::NotFound) when it does not exist or is
/// not visible to the actor; database errors.
pub async fn get_ticket_thread(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<TicketThread> {
    actor.require(Permission::ViewTickets)?;
    let found = find_visible_ticket(&svc.db, actor, id).await?;
    let customer =
        find_in_tenant_opt::<customer::Entity>(&svc.db, found.tenant_id, found.customer_id).await?;
    let messages = messages_of_tickets(&svc.db, actor, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    let authors: Vec<i64> = messages.iter().filter_map(|m| m.author_user_id).collect();
    let staff = find_many_in_tenant::<user::Entity>(&svc.db, actor.tenant_id, authors).await?;
    Ok(TicketThread {
        ticket: found,
        customer,
        messages,
        staff,
    })
}

/// The first ticket number (`SUP-2026-00001`) in a text, upper-cased.
#[must_use]
pub fn find_ticket_number(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|word| {
            let parts: Vec<&str> = word.split('-').collect();
            parts.len() == 3
                && parts[0].len() == 3
                && parts[0].chars().all(|c| c.is_ascii_alphabetic())
                && parts[1].len() == 4
                && parts[1].chars().all(|c| c.is_ascii_digit())
                && !parts[2].is_empty()
                && parts[2].chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_uppercase)
}

#[cfg(test)]
mod tests {
    use super::find_ticket_number;

    #[test]
    fn ticket_numbers_are_found_in_text() {
        assert_eq!(
            find_ticket_number("🆕 NOUVEAU TICKET SUP-2026-00012\n\n👤 Client"),
            Some("SUP-2026-00012".to_owned())
        );
        assert_eq!(
            find_ticket_number("Re: [sup-2026-00003] Chaudière"),
            Some("SUP-2026-00003".to_owned())
        );
        assert_eq!(find_ticket_number("pas de numéro 2026"), None);
    }
}

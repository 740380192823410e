//! Moving a ticket through its workflow.

use chrono::{DateTime, Utc};
use entity::enums::{NotificationKind, TicketEventKind, TicketStatus};
use entity::{customer, ticket};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Change;
use super::{commit_and_publish_notifying, record_event};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::notices::{Medium, Notice};
use crate::notifications::customer_language;
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::Services;

/// Moves a ticket to `to` if its type's workflow allows it from its current status, and
/// records the move in its history.
///
/// # Errors
///
/// [`DomainError::Validation`] for a move the workflow forbids; [`DomainError::Conflict`]
/// when someone else moved it meanwhile; [`DomainError::Forbidden`] for customers.
pub async fn change_ticket_status(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    to: TicketStatus,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    let workflows = svc.events.workflows().get(&svc.db, actor.tenant_id).await?;
    workflows.ensure_allowed(found.ticket_type, found.status, to)?;
    let now = svc.now();

    let txn = svc.begin().await?;
    let waits = matches!(to, TicketStatus::Pending | TicketStatus::Resolved);
    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, Expr::value(to))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        // Waiting on the customer from now (auto-close counts from it).
        .col_expr(
            ticket::Column::WaitingSince,
            Expr::value(waits.then_some(now)),
        )
        .filter(ticket::Column::Id.eq(found.id))
        // Only if nobody moved it since we read it.
        .filter(ticket::Column::Status.eq(found.status));
    update = match to {
        TicketStatus::Resolved => {
            update.col_expr(ticket::Column::ResolvedAt, Expr::value(Some(now)))
        }
        TicketStatus::Closed | TicketStatus::Cancelled => {
            update.col_expr(ticket::Column::ClosedAt, Expr::value(Some(now)))
        }
        TicketStatus::Open
            if matches!(found.status, TicketStatus::Resolved | TicketStatus::Closed) =>
        {
            update
                .col_expr(
                    ticket::Column::ResolvedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    ticket::Column::ClosedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
        }
        _ => update,
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "the ticket changed meanwhile: reload it and try again".into(),
        ));
    }
    if found.status == TicketStatus::Pending {
        crate::sla::resume_clock_after_pending(&txn, &found, now).await?;
    }
    let kind = if to == TicketStatus::Open
        && matches!(found.status, TicketStatus::Resolved | TicketStatus::Closed)
    {
        TicketEventKind::Reopened
    } else {
        TicketEventKind::StatusChanged
    };
    record_event(
        &txn,
        &found,
        actor,
        kind,
        &Change::Status {
            from: Some(found.status),
            to,
        },
        now,
    )
    .await?;
    let told = if matches!(to, TicketStatus::Resolved | TicketStatus::Closed) {
        tell_customer(svc, &txn, actor, &found, to, now).await?
    } else {
        Vec::new()
    };
    commit_and_publish_notifying(svc, txn, found.id, LiveEventKind::TicketUpdated, told).await
}

/// Tells the ticket's customer that it was resolved or closed: their portal accounts in
/// the bell (by their choices), and their address by mail with the rating link while the
/// ticket is unrated (a resolution always asks for a rating; a close says it is closed).
async fn tell_customer(
    svc: &Services,
    db: &impl ConnectionTrait,
    actor: &Actor,
    found: &ticket::Model,
    to: TicketStatus,
    now: DateTime<Utc>,
) -> DomainResult<Vec<i64>> {
    let accounts =
        crate::notifications::customer_accounts(db, found.tenant_id, found.customer_id).await?;
    let told = crate::notifications::announce(
        svc,
        db,
        found.tenant_id,
        &accounts,
        &crate::notifications::Announcement {
            kind: NotificationKind::StatusChanged,
            notice: Notice::StatusChanged {
                number: &found.number,
                subject: &found.subject,
                closed: to == TicketStatus::Closed,
            },
            ticket: Some(found),
            author_id: Some(actor.user_id),
        },
        now,
    )
    .await?;
    match to {
        TicketStatus::Resolved if found.satisfaction_rating.is_none() => {
            queue_rating_request(svc, db, found, now).await?;
        }
        TicketStatus::Closed => queue_closed_mail(svc, db, found, now).await?,
        _ => {}
    }
    Ok(told)
}

/// The ticket's customer and the address to mail them at, when they have a usable one.
async fn mailable_customer(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
) -> DomainResult<Option<(customer::Model, String)>> {
    let customer = customer::Entity::find_by_id(found.customer_id)
        .one(db)
        .await?;
    Ok(customer.and_then(|c| {
        let address = c.email.clone().filter(|a| crate::mail::is_mailable(a))?;
        Some((c, address))
    }))
}

/// Mails the ticket's customer (when they have an address) that it is closed, with the
/// rating link while it is unrated.
async fn queue_closed_mail(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some((customer, address)) = mailable_customer(db, found).await? else {
        return Ok(());
    };
    let link = match found.satisfaction_rating {
        None => Some(crate::mail::rating_link(
            &svc.mail,
            found.tenant_id,
            found.id,
            customer.id,
            now,
        )?),
        Some(_) => None,
    };
    let lang = customer_language(db, found.tenant_id, customer.id).await?;
    let said = svc.words(db, found.tenant_id).await?.word_for(
        &Notice::TicketClosed {
            first_name: &customer.first_name,
            number: &found.number,
            subject: &found.subject,
            link: link.as_deref(),
        },
        lang,
        Medium::Email,
    );
    crate::mail::queue_mail(db, found.tenant_id, &address, &said, now).await?;
    Ok(())
}

/// Mails the ticket's customer (when they have an address) a link to rate the resolution.
/// The link opens a page that needs a click, so mail scanners following it rate nothing.
async fn queue_rating_request(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some((customer, address)) = mailable_customer(db, found).await? else {
        return Ok(());
    };
    let link = crate::mail::rating_link(&svc.mail, found.tenant_id, found.id, customer.id, now)?;
    let lang = customer_language(db, found.tenant_id, customer.id).await?;
    let said = svc.words(db, found.tenant_id).await?.word_for(
        &Notice::RatingRequest {
            first_name: &customer.first_name,
            number: &found.number,
            subject: &found.subject,
            link: &link,
        },
        lang,
        Medium::Email,
    );
    crate::mail::queue_mail(db, found.tenant_id, &address, &said, now).await?;
    Ok(())
}

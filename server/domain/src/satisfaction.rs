//! Satisfaction: once a ticket is resolved, its customer rates it 1 to 5 stars, once.

use entity::enums::{TicketEventKind, TicketStatus};
use entity::ticket;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::actor::Actor;
use super::auth::RatingGrant;
use super::error::{DomainError, DomainResult};
use super::notifications::customer_accounts;
use super::permissions::Permission;
use super::scope::find_visible_ticket;
use super::tickets::Change;
use super::tickets::{commit_and_publish, insert_history};
use super::Services;
use crate::events::LiveEventKind;

const MAX_COMMENT_CHARS: usize = 5_000;

/// Records the customer's rating of a resolved (or closed) ticket.
///
/// # Errors
///
/// [`DomainError::Forbidden`] when the caller is not the ticket's customer;
/// [`DomainError::Validation`] for a rating outside 1..=5, a too long comment or a ticket
/// not yet resolved; [`DomainError::Conflict`] when it was already rated.
pub async fn rate_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    rating: i32,
    comment: Option<&str>,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::RateTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    record_rating(svc, &found, Some(actor.user_id), rating, comment).await
}

/// Records a rating given through the link e-mailed to the customer (see
/// [`rating_link`](super::mail::rating_link)); the same rules as [`rate_ticket`].
///
/// # Errors
///
/// As [`rate_ticket`]; [`DomainError::NotFound`] when the ticket is gone or was moved to
/// another customer.
pub async fn rate_by_link(
    svc: &Services,
    grant: RatingGrant,
    rating: i32,
    comment: Option<&str>,
) -> DomainResult<ticket::Model> {
    let found = ticket_for_link(svc, grant).await?;
    let account = customer_accounts(&svc.db, grant.tenant_id, grant.customer_id)
        .await?
        .first()
        .copied();
    record_rating(svc, &found, account, rating, comment).await
}

/// The ticket a rating link is for, if it still belongs to the link's customer.
///
/// # Errors
///
/// [`DomainError::NotFound`] otherwise.
pub async fn ticket_for_link(svc: &Services, grant: RatingGrant) -> DomainResult<ticket::Model> {
    ticket::Entity::find_by_id(grant.ticket_id)
        .filter(ticket::Column::TenantId.eq(grant.tenant_id))
        .filter(ticket::Column::CustomerId.eq(grant.customer_id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}

async fn record_rating(
    svc: &Services,
    found: &ticket::Model,
    actor_id: Option<i64>,
    rating: i32,
    comment: Option<&str>,
) -> DomainResult<ticket::Model> {
    if !(1..=5).contains(&rating) {
        return Err(DomainError::validation(
            "rating",
            "the rating is a number of stars from 1 to 5",
        ));
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
        return Err(DomainError::validation(
            "comment",
            format!("the comment is longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    if !matches!(found.status, TicketStatus::Resolved | TicketStatus::Closed) {
        return Err(DomainError::validation(
            "ticketId",
            "a ticket can be rated once it is resolved",
        ));
    }
    let now = svc.now();
    let txn = svc.begin().await?;
    // Only if nobody rated it meanwhile: a rating is given once.
    let updated = ticket::Entity::update_many()
        .col_expr(
            ticket::Column::SatisfactionRating,
            Expr::value(Some(rating)),
        )
        .col_expr(
            ticket::Column::SatisfactionComment,
            Expr::value(comment.map(str::to_owned)),
        )
        .col_expr(ticket::Column::RatedAt, Expr::value(Some(now)))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .filter(ticket::Column::SatisfactionRating.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "this ticket has already been rated".into(),
        ));
    }
    insert_history(
        &txn,
        found,
        actor_id,
        TicketEventKind::Rated,
        &Change::Rating { stars: rating },
        now,
    )
    .await?;
    commit_and_publish(svc, txn, found.id, LiveEventKind::TicketUpdated).await
}

//! An agent's public reply, mailed to the customer: the ticket's number in the subject, the
//! thread's recent history quoted below, in the customer's language; `In-Reply-To` and
//! `References` name the earlier mails of the thread, and the tagged `Reply-To` lets the
//! answer thread back (`mail_threads`). Internal notes never reach here.

use chrono::{DateTime, Utc};
use entity::enums::{AuthorKind, Channel, Visibility};
use entity::{customer, email_outbox, message, ticket, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::customers::display_name;
use crate::error::DomainResult;
use crate::notices::{Medium, Notice, Quoted};
use crate::notifications::customer_language;
use crate::scope::find_in_tenant_opt;
use crate::Services;

/// How many earlier messages a reply mail quotes.
const QUOTED: u64 = 3;

/// Mails an agent's public reply to the ticket's customer, if they have a mailable address,
/// answering (`In-Reply-To`) the customer's last mail on the ticket, or else the last mail
/// Guichet sent about it.
///
/// # Errors
///
/// Database errors.
pub(super) async fn queue_mail_reply(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    added: &message::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some(person) =
        find_in_tenant_opt::<customer::Entity>(db, found.tenant_id, found.customer_id).await?
    else {
        return Ok(());
    };
    let Some(address) = person.email.clone().filter(|a| crate::mail::is_mailable(a)) else {
        return Ok(());
    };
    let anchor = match last_customer_mail_id(db, found).await? {
        Some(id) => Some(id),
        None => email_outbox::Entity::find()
            .filter(email_outbox::Column::TenantId.eq(found.tenant_id))
            .filter(email_outbox::Column::TicketId.eq(found.id))
            .filter(email_outbox::Column::MessageId.is_not_null())
            .order_by_desc(email_outbox::Column::Id)
            .one(db)
            .await?
            .and_then(|m| m.message_id),
    };
    let earlier = message::Entity::find()
        .filter(message::Column::TenantId.eq(found.tenant_id))
        .filter(message::Column::TicketId.eq(found.id))
        .filter(message::Column::Visibility.eq(Visibility::Public))
        .filter(message::Column::Id.ne(added.id))
        .order_by_desc(message::Column::Id)
        .limit(QUOTED)
        .all(db)
        .await?;
    let agent_ids: Vec<i64> = earlier.iter().filter_map(|m| m.author_user_id).collect();
    let agents = if agent_ids.is_empty() {
        Vec::new()
    } else {
        user::Entity::find()
            .filter(user::Column::TenantId.eq(found.tenant_id))
            .filter(user::Column::Id.is_in(agent_ids))
            .all(db)
            .await?
    };
    let customer_name = display_name(&person);
    let author = |m: &message::Model| -> String {
        match m.author_kind {
            AuthorKind::Customer => customer_name.clone(),
            _ => m
                .author_user_id
                .and_then(|id| agents.iter().find(|a| a.id == id))
                .map(|a| a.display_name.clone())
                .unwrap_or_else(|| "Guichet".to_owned()),
        }
    };
    let mut authors: Vec<(String, DateTime<Utc>, &str)> = earlier
        .iter()
        .map(|m| (author(m), m.created_at, m.body.as_str()))
        .collect();
    // The thread began with the customer's request.
    if authors.len() < usize::try_from(QUOTED).unwrap_or(usize::MAX) {
        authors.push((
            customer_name.clone(),
            found.created_at,
            found.description.as_str(),
        ));
    }
    let history: Vec<Quoted<'_>> = authors
        .iter()
        .map(|(who, at, body)| Quoted {
            author: who,
            at: *at,
            body,
        })
        .collect();
    let lang = customer_language(db, found.tenant_id, found.customer_id).await?;
    let said = svc.words(db, found.tenant_id).await?.word_for(
        &Notice::MailReply {
            number: &found.number,
            subject: &found.subject,
            body: &added.body,
            history: &history,
        },
        lang,
        Medium::Email,
    );
    crate::mail::queue_ticket_mail(
        db,
        &svc.mail,
        crate::mail::TicketMail {
            tenant_id: found.tenant_id,
            ticket_id: found.id,
            to: &address,
            worded: &said,
            in_reply_to: anchor.as_deref(),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The `Message-ID` of the customer's last mail in a ticket's thread.
async fn last_customer_mail_id(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
) -> DomainResult<Option<String>> {
    Ok(message::Entity::find()
        .filter(message::Column::TenantId.eq(found.tenant_id))
        .filter(message::Column::TicketId.eq(found.id))
        .filter(message::Column::AuthorKind.eq(AuthorKind::Customer))
        .filter(message::Column::Channel.eq(Channel::Email))
        .filter(message::Column::ExternalId.is_not_null())
        .order_by_desc(message::Column::Id)
        .one(db)
        .await?
        .and_then(|m| m.external_id))
}

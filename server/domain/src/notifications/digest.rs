//! The daily digest: each morning of their working days, staff who asked for it receive a
//! mail of their open tickets, those due within a day and those past a deadline. Each
//! user's digest is claimed by a conditional update of the day it was last sent, so
//! several instances running the job send it once.

use chrono::{DateTime, Duration, Utc};
use entity::enums::{Role, TicketStatus};
use entity::{tenant, ticket, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::preferences::{wants_digest, working_calendar, Preferences};
use crate::calendar::settings_of;
use crate::error::DomainResult;
use crate::notices::{DigestLine, Lang, Medium, Notice};
use crate::Services;

/// The most tickets a digest lists.
const MAX_LINES: u64 = 200;

/// The next deadline of a ticket still running: the first response while none was given,
/// else the resolution.
fn next_due(found: &ticket::Model) -> Option<DateTime<Utc>> {
    if found.first_response_at.is_none() {
        found.response_due_at.or(found.resolution_due_at)
    } else {
        found.resolution_due_at
    }
}

fn line(found: &ticket::Model) -> DigestLine {
    DigestLine {
        number: found.number.clone(),
        subject: found.subject.clone(),
        due: next_due(found),
    }
}

/// Sends the digests due now; returns how many were queued.
///
/// # Errors
///
/// Database errors.
pub async fn send_digests(svc: &Services) -> DomainResult<u64> {
    let now = svc.now();
    let candidates = user::Entity::find()
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
        .filter(user::Column::NotificationSettings.is_not_null())
        .all(&svc.db)
        .await?;
    let tenant_ids: Vec<i64> = candidates.iter().map(|u| u.tenant_id).collect();
    // Tenants whose default is the digest for everyone: their users without own choices.
    let tenants = tenant::Entity::find().all(&svc.db).await?;
    let mut sent = 0;
    for found_tenant in &tenants {
        let tenant_prefs = Preferences::of_tenant(found_tenant);
        let business = settings_of(&found_tenant.settings);
        let people: Vec<user::Model> = if tenant_prefs.digest == Some(true) {
            user::Entity::find()
                .filter(user::Column::TenantId.eq(found_tenant.id))
                .filter(user::Column::IsActive.eq(true))
                .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
                .all(&svc.db)
                .await?
        } else if tenant_ids.contains(&found_tenant.id) {
            candidates
                .iter()
                .filter(|u| u.tenant_id == found_tenant.id)
                .cloned()
                .collect()
        } else {
            continue;
        };
        for person in people {
            let prefs = Preferences::from_json(person.notification_settings.as_ref());
            if !wants_digest(&tenant_prefs, &prefs) || !crate::mail::is_mailable(&person.email) {
                continue;
            }
            let calendar = working_calendar(&business, &tenant_prefs, &prefs);
            // Only during working hours, once per local day.
            if calendar.next_open(now) != now {
                continue;
            }
            let today = now.with_timezone(&calendar.timezone()).date_naive();
            if person.last_digest_on == Some(today) {
                continue;
            }
            if send_one(svc, &person, today, now).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

async fn send_one(
    svc: &Services,
    person: &user::Model,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let txn = svc.begin().await?;
    let claimed = user::Entity::update_many()
        .col_expr(user::Column::LastDigestOn, Expr::value(Some(today)))
        .filter(user::Column::Id.eq(person.id))
        .filter(
            Condition::any()
                .add(user::Column::LastDigestOn.is_null())
                .add(user::Column::LastDigestOn.ne(today)),
        )
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return Ok(false);
    }
    let tickets = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(person.tenant_id))
        .filter(ticket::Column::AssigneeId.eq(person.id))
        .filter(ticket::Column::Status.is_in([
            TicketStatus::New,
            TicketStatus::Open,
            TicketStatus::Pending,
        ]))
        .order_by_asc(ticket::Column::Id)
        .limit(MAX_LINES)
        .all(&txn)
        .await?;
    if tickets.is_empty() {
        // Nothing to say: the day counts as done.
        txn.commit().await?;
        return Ok(false);
    }
    let soon = now + Duration::hours(24);
    let breached: Vec<DigestLine> = tickets
        .iter()
        .filter(|t| next_due(t).is_some_and(|d| d <= now))
        .map(line)
        .collect();
    let due_soon: Vec<DigestLine> = tickets
        .iter()
        .filter(|t| next_due(t).is_some_and(|d| d > now && d <= soon))
        .map(line)
        .collect();
    let open: Vec<DigestLine> = tickets.iter().map(line).collect();
    let notice = Notice::Digest {
        name: &person.display_name,
        open: &open,
        due_soon: &due_soon,
        breached: &breached,
    };
    let mut said = svc.words(&txn, person.tenant_id).await?.word_for(
        &notice,
        Lang::of_locale(&person.locale),
        Medium::Email,
    );
    said.body = format!("{}\n\n{}/", said.body.trim_end(), svc.mail.public_url);
    crate::mail::queue_mail(&txn, person.tenant_id, &person.email, &said, now).await?;
    txn.commit().await?;
    Ok(true)
}

//! Telling people: an event with its facts goes to the people it concerns, each by the
//! ways they chose (the bell, a mail held for their working hours, a Telegram push), in
//! their language and their tenant's words. This is the one way staff and portal accounts
//! hear of things; callers only say what happened and to whom.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::enums::{NotificationKind, Role};
use entity::{integration, notification, sync_mapping, ticket, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::preferences::{effective, working_calendar, Preferences, Way};
use crate::calendar::settings_of;
use crate::error::DomainResult;
use crate::integrations::TELEGRAM_USER;
use crate::letters::letterhead_of;
use crate::notices::{Lang, Medium, Notice, Worded};
use crate::Services;

/// Something that happened, for the people it concerns.
#[derive(Debug, Clone)]
pub struct Announcement<'a> {
    /// The event (the choice it falls under).
    pub kind: NotificationKind,
    /// The facts.
    pub notice: Notice<'a>,
    /// The ticket concerned, if any: linked from the bell and the mail, and a customer
    /// account hears only of its own customer's tickets.
    pub ticket: Option<&'a ticket::Model>,
    /// Who caused it: never told of their own change.
    pub author_id: Option<i64>,
}

/// Tells `recipients` (users of `tenant_id`; duplicates, the author, inactive accounts
/// and customers of other customers are left out) of `announcement`, each by the ways
/// they chose; call inside the transaction of the change. Returns who was told.
///
/// # Errors
///
/// Database errors.
pub async fn announce(
    svc: &Services,
    db: &impl ConnectionTrait,
    tenant_id: i64,
    recipients: &[i64],
    announcement: &Announcement<'_>,
    now: DateTime<Utc>,
) -> DomainResult<Vec<i64>> {
    Audience::gather(
        svc,
        db,
        tenant_id,
        recipients,
        announcement.author_id,
        announcement.ticket.map(|t| t.customer_id),
    )
    .await?
    .tell(svc, db, announcement, now)
    .await
}

/// The people an announcement will reach, with everything needed to word it for each
/// (their choices, languages and chats, the tenant's words and letterhead): read before
/// the change's transaction where the change must hold a lock briefly (a new ticket's
/// number), then told inside it with [`Audience::tell`], which only writes.
pub struct Audience<'s> {
    tenant_id: i64,
    /// Nothing when nobody is to hear.
    reach: Option<Reach<'s>>,
}

/// Who hears, and how to word it for them.
struct Reach<'s> {
    users: Vec<user::Model>,
    tenant_prefs: Preferences,
    head: crate::letters::Letterhead,
    business: crate::calendar::CalendarSettings,
    words: crate::templates::TenantWords<'s>,
    chats: HashMap<i64, Vec<(i64, String)>>,
}

impl<'s> Audience<'s> {
    /// Reads who of `recipients` (users of `tenant_id`) will hear: not the author, not an
    /// inactive account, and a customer's account only of its own customer's tickets
    /// (`ticket_customer`, the customer of the ticket concerned).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn gather(
        svc: &'s Services,
        db: &impl ConnectionTrait,
        tenant_id: i64,
        recipients: &[i64],
        author_id: Option<i64>,
        ticket_customer: Option<i64>,
    ) -> DomainResult<Self> {
        let nobody = Self {
            tenant_id,
            reach: None,
        };
        let ids: BTreeSet<i64> = recipients
            .iter()
            .copied()
            .filter(|id| Some(*id) != author_id)
            .collect();
        if ids.is_empty() {
            return Ok(nobody);
        }
        let users = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant_id))
            .filter(user::Column::IsActive.eq(true))
            .filter(user::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(user::Column::Id)
            .all(db)
            .await?;
        // A customer's account hears only of its own customer's tickets.
        let users: Vec<user::Model> = users
            .into_iter()
            .filter(|u| {
                u.role != Role::Customer
                    || ticket_customer.is_some_and(|c| u.customer_id == Some(c))
            })
            .collect();
        if users.is_empty() {
            return Ok(nobody);
        }
        let Some(setup) = svc.events.setup().get(db, tenant_id).await? else {
            return Ok(nobody);
        };
        let found_tenant = &setup.tenant;
        let words = svc.words(db, tenant_id).await?;
        let chats = telegram_chats(db, tenant_id, &users).await?;
        Ok(Self {
            tenant_id,
            reach: Some(Reach {
                tenant_prefs: Preferences::of_tenant(found_tenant),
                head: letterhead_of(found_tenant),
                business: settings_of(&found_tenant.settings),
                words,
                chats,
                users,
            }),
        })
    }

    /// Tells everyone gathered of `announcement`, each by the ways they chose; call inside
    /// the transaction of the change. Only writes: the bell's rows and the letters in one
    /// statement each, however many are told. Returns who was told.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn tell(
        &self,
        svc: &Services,
        db: &impl ConnectionTrait,
        announcement: &Announcement<'_>,
        now: DateTime<Utc>,
    ) -> DomainResult<Vec<i64>> {
        let tenant_id = self.tenant_id;
        let Some(reach) = &self.reach else {
            return Ok(Vec::new());
        };
        let mut worded: HashMap<(Lang, Medium), Worded> = HashMap::new();
        let mut say = |lang: Lang, medium: Medium| {
            worded
                .entry((lang, medium))
                .or_insert_with(|| reach.words.word_for(&announcement.notice, lang, medium))
                .clone()
        };
        let link = announcement
            .ticket
            .map(|t| format!("{}/tickets/{}", svc.mail.public_url, t.id));
        let mut told = Vec::new();
        let mut bell = Vec::new();
        let mut letters = Vec::new();
        for person in &reach.users {
            let prefs = Preferences::from_json(person.notification_settings.as_ref());
            let ways = effective(announcement.kind, &reach.tenant_prefs, &prefs);
            let lang = Lang::of_locale(&person.locale);
            let mut reached = false;
            if ways.has(Way::InApp) {
                let said = say(lang, Medium::InApp);
                bell.push(notification::ActiveModel {
                    tenant_id: Set(tenant_id),
                    user_id: Set(person.id),
                    kind: Set(announcement.kind),
                    title: Set(said.title),
                    body: Set(said.body),
                    ticket_id: Set(announcement.ticket.map(|t| t.id)),
                    read_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                });
                reached = true;
            }
            if ways.has(Way::Email) && crate::mail::is_mailable(&person.email) {
                let mut said = say(lang, Medium::Email);
                if let Some(link) = &link {
                    said.body = format!("{}\n\n{link}", said.body.trim_end());
                }
                // Breaches go at once; the rest waits for the recipient's working hours.
                let send_after = if announcement.kind == NotificationKind::SlaBreached {
                    now
                } else {
                    working_calendar(&reach.business, &reach.tenant_prefs, &prefs).next_open(now)
                };
                letters.push(crate::mail::letter_row(
                    tenant_id,
                    &reach.head,
                    &person.email,
                    &said,
                    now,
                    send_after,
                ));
                reached = true;
            }
            if ways.has(Way::Telegram) && person.role != Role::Customer {
                for (integration_id, chat) in reach.chats.get(&person.id).into_iter().flatten() {
                    let said = say(lang, Medium::Chat);
                    crate::channels::queue_channel_message(
                        db,
                        tenant_id,
                        *integration_id,
                        chat,
                        &said.body,
                        now,
                    )
                    .await?;
                    reached = true;
                }
            }
            if reached {
                told.push(person.id);
            }
        }
        if !bell.is_empty() {
            notification::Entity::insert_many(bell).exec(db).await?;
        }
        if !letters.is_empty() {
            entity::email_outbox::Entity::insert_many(letters)
                .exec(db)
                .await?;
        }
        Ok(told)
    }
}

/// The Telegram chats of `users` linked to an active bot of the tenant.
async fn telegram_chats(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    users: &[user::Model],
) -> DomainResult<HashMap<i64, Vec<(i64, String)>>> {
    let staff: Vec<i64> = users
        .iter()
        .filter(|u| u.role != Role::Customer)
        .map(|u| u.id)
        .collect();
    if staff.is_empty() {
        return Ok(HashMap::new());
    }
    let links = sync_mapping::Entity::find()
        .inner_join(integration::Entity)
        .filter(sync_mapping::Column::TenantId.eq(tenant_id))
        .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_USER))
        .filter(sync_mapping::Column::LocalId.is_in(staff))
        .filter(integration::Column::IsActive.eq(true))
        .order_by_asc(sync_mapping::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for link in links {
        out.entry(link.local_id)
            .or_default()
            .push((link.integration_id, link.external_id));
    }
    Ok(out)
}

/// Who works a department's tickets: its active staff; for a ticket without a department,
/// or a department nobody is in, the staff without a department and the supervisors.
///
/// # Errors
///
/// Database errors.
pub async fn department_staff(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    department_id: Option<i64>,
) -> DomainResult<Vec<i64>> {
    let staff = || {
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::TenantId.eq(tenant_id))
            .filter(user::Column::IsActive.eq(true))
            .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
    };
    if let Some(department) = department_id {
        let members: Vec<i64> = staff()
            .filter(user::Column::DepartmentId.eq(department))
            .into_tuple()
            .all(db)
            .await?;
        if !members.is_empty() {
            return Ok(members);
        }
    }
    Ok(staff()
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::DepartmentId.is_null())
                .add(user::Column::Role.is_in([Role::Admin, Role::Manager])),
        )
        .into_tuple()
        .all(db)
        .await?)
}

/// The active staff named with `@` in `text`: `@` followed by their display name, their
/// first name when no colleague shares it, or their address's local part; case and
/// accents as written in the name.
///
/// # Errors
///
/// Database errors.
pub async fn mentioned_staff(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    text: &str,
) -> DomainResult<Vec<i64>> {
    if !text.contains('@') {
        return Ok(Vec::new());
    }
    let staff: Vec<(i64, String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Email)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
        .into_tuple()
        .all(db)
        .await?;
    Ok(mentions(text, &staff))
}

/// The ids of `staff` (id, display name, e-mail) that `text` mentions.
#[must_use]
pub fn mentions(text: &str, staff: &[(i64, String, String)]) -> Vec<i64> {
    let lower = text.to_lowercase();
    let named = |handle: &str| {
        let handle = handle.trim().to_lowercase();
        if handle.is_empty() {
            return false;
        }
        let needle = format!("@{handle}");
        lower.match_indices(&needle).any(|(at, _)| {
            lower[at + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        })
    };
    let first = |name: &str| {
        name.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let mut out = Vec::new();
    for (id, name, email) in staff {
        let shared_first = staff
            .iter()
            .filter(|(other, n, _)| other != id && first(n) == first(name))
            .count()
            > 0;
        let local = email.split('@').next().unwrap_or_default();
        if named(name) || (!shared_first && named(&first(name))) || named(local) {
            out.push(*id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> Vec<(i64, String, String)> {
        vec![
            (1, "Sophie Martin".into(), "sophie@x.test".into()),
            (2, "Paul Durand".into(), "pdurand@x.test".into()),
            (3, "Paul Léger".into(), "leger@x.test".into()),
            (4, "Éloïse Petit".into(), "eloise@x.test".into()),
        ]
    }

    #[test]
    fn mentions_by_name_first_name_or_address() {
        assert_eq!(mentions("@Sophie peux-tu voir ?", &team()), vec![1]);
        assert_eq!(mentions("cc @sophie martin, merci", &team()), vec![1]);
        assert_eq!(mentions("cc @pdurand", &team()), vec![2]);
        assert_eq!(mentions("@Éloïse regarde", &team()), vec![4]);
        // Two Pauls: the first name alone names nobody, the full name names one.
        assert!(mentions("@Paul ?", &team()).is_empty());
        assert_eq!(mentions("@Paul Léger ?", &team()), vec![3]);
        // A longer word is not a mention; an e-mail address is not either.
        assert!(mentions("@sophies", &team()).is_empty());
        assert!(mentions("écrire à sophie@x.test", &team()).is_empty());
    }
}

//! Who writes from a Telegram chat: the staff member who linked it (`/start CODE`, see
//! `integrations::redeem_telegram_link_code`), or a customer, remembered in
//! `sync_mappings` (`telegram_customer`) from their first message on.
//!
//! The server's Telegram adapter parses the Bot API update and hands over the chat and
//! profile as a [`TelegramProfile`]; what the chat maps to, and the customer a first
//! message creates, are decided here.

use entity::enums::{ActivityKind, Channel, CustomerSegment, SyncStatus};
use entity::{customer, integration, sync_mapping, user};
use sea_orm::{ActiveModelTrait, Set};

use super::actor::Actor;
use super::auth::is_staff_role;
use super::channels::actor_of;
use super::customers::{insert_activity, insert_tags, NewActivity};
use super::customers::{insert_customer, NewCustomer};
use super::error::{DomainError, DomainResult};
use super::integrations::{mapped_local_id, TELEGRAM_CUSTOMER, TELEGRAM_USER};
use super::permissions::Permission;
use super::scope::find_in_tenant_opt;
use super::Services;

/// The sender of a Telegram message, as the Bot API describes them.
#[derive(Debug, Clone, Default)]
pub struct TelegramProfile {
    /// The chat the message came from (where answers go).
    pub chat_id: String,
    /// Telegram's id of the sender, when the message has one.
    pub user_id: Option<i64>,
    /// The sender's first name.
    pub first_name: Option<String>,
    /// The sender's last name.
    pub last_name: Option<String>,
    /// The sender's `@username`, without the `@`.
    pub username: Option<String>,
}

/// The active staff member linked to `chat_id` on a Telegram integration, as an actor of
/// the integration's tenant; `None` for a chat nobody linked, or whose user is inactive or
/// no longer staff (such a chat is obeyed no more).
///
/// # Errors
///
/// Database errors.
pub async fn linked_staff_actor(
    svc: &Services,
    found: &integration::Model,
    chat_id: &str,
) -> DomainResult<Option<Actor>> {
    let Some(user_id) = mapped_local_id(&svc.db, found.id, TELEGRAM_USER, chat_id).await? else {
        return Ok(None);
    };
    let staff = find_in_tenant_opt::<user::Entity>(&svc.db, found.tenant_id, user_id)
        .await?
        .filter(|u| u.is_active && is_staff_role(u.role));
    Ok(staff.as_ref().map(actor_of))
}

/// The customer writing from a Telegram chat: the one mapped to it, or else a new prospect
/// named after the Telegram profile (chat id, user id and username kept in its metadata),
/// tagged `auto-created`, `first-contact` and `telegram`, with a "first message" activity,
/// and mapped to the chat, all in one transaction. Two first messages from one chat at
/// once create one customer: the loser of the race reads the winner's.
///
/// `system` is the actor inbound messages act as (`channels::channel_actor`).
///
/// # Errors
///
/// [`DomainError::Forbidden`] when `system` may not write the CRM;
/// [`DomainError::NotFound`] when the integration is not of `system`'s tenant;
/// [`DomainError::Conflict`] when the chat's customer stays out of reach after three
/// tries; database errors.
pub async fn find_or_create_telegram_customer(
    svc: &Services,
    system: &Actor,
    found: &integration::Model,
    profile: &TelegramProfile,
) -> DomainResult<customer::Model> {
    system.require(Permission::WriteCrm)?;
    use crate::text::{clean, clean_opt};
    let profile = &TelegramProfile {
        chat_id: clean(&profile.chat_id),
        first_name: clean_opt(profile.first_name.clone()),
        last_name: clean_opt(profile.last_name.clone()),
        username: clean_opt(profile.username.clone()),
        ..profile.clone()
    };
    if found.tenant_id != system.tenant_id {
        return Err(DomainError::NotFound("integration"));
    }
    let chat = profile.chat_id.as_str();
    for _ in 0..3 {
        if let Some(id) = mapped_local_id(&svc.db, found.id, TELEGRAM_CUSTOMER, chat).await? {
            if let Some(known) =
                find_in_tenant_opt::<customer::Entity>(&svc.db, found.tenant_id, id).await?
            {
                return Ok(known);
            }
        }
        let now = svc.now();
        let txn = svc.begin().await?;
        let created = async {
            let created = insert_customer(
                &txn,
                found.tenant_id,
                NewCustomer {
                    first_name: non_blank(profile.first_name.as_deref())
                        .unwrap_or("Client")
                        .to_owned(),
                    last_name: non_blank(profile.last_name.as_deref())
                        .unwrap_or("Telegram")
                        .to_owned(),
                    segment: Some(CustomerSegment::Prospect),
                    preferred_channel: Some(Channel::Telegram),
                    metadata: Some(serde_json::json!({
                        "telegram": {
                            "chatId": chat,
                            "userId": profile.user_id,
                            "username": profile.username,
                        }
                    })),
                    ..Default::default()
                },
                now,
            )
            .await?;
            insert_tags(
                &txn,
                &created,
                &[
                    "auto-created".to_owned(),
                    "first-contact".to_owned(),
                    "telegram".to_owned(),
                ],
                now,
            )
            .await?;
            insert_activity(
                &txn,
                &created,
                None,
                NewActivity {
                    kind: ActivityKind::MessageReceived,
                    channel: Some(Channel::Telegram),
                    description: None,
                    metadata: None,
                    occurred_at: None,
                },
                now,
            )
            .await?;
            sync_mapping::ActiveModel {
                tenant_id: Set(found.tenant_id),
                integration_id: Set(found.id),
                entity_kind: Set(TELEGRAM_CUSTOMER.to_owned()),
                local_id: Set(created.id),
                external_id: Set(chat.to_owned()),
                last_synced_at: Set(Some(now)),
                sync_status: Set(SyncStatus::Synced),
                metadata: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            Ok::<_, DomainError>(created)
        }
        .await;
        match created {
            Ok(created) => {
                txn.commit().await?;
                return Ok(created);
            }
            // Another update from this chat created the customer meanwhile: read it.
            Err(DomainError::Conflict(_)) => txn.rollback().await?,
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Conflict(
        "this chat's customer is being created by another request".into(),
    ))
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

//! The Telegram bot (seed 004): customers writing to the bot open or continue a ticket;
//! staff who linked their chat (`/start CODE`, the code from `createTelegramLinkCode`)
//! manage tickets with commands and answer customers by replying to a pushed notification.
//!
//! Updates arrive at `POST /channels/telegram/{integration_id}` (Bot API webhook, JSON
//! `Update`) with the integration's secret in `X-Telegram-Bot-Api-Secret-Token`. Every
//! answer of the bot goes through the channel outbox (`domain::channels`), so it leaves even
//! if Telegram is briefly unreachable. Staff commands act through the same domain functions
//! as the API, as the linked user: workflows, roles and tenancy apply.

use std::fmt::Write as _;

use chrono::Duration;
use entity::enums::{
    Channel, CustomerSegment, IntegrationKind, SyncStatus, TicketPriority, TicketStatus,
};
use entity::{customer, integration, sync_mapping, ticket, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::domain::actor::Actor;
use crate::domain::channels::{
    actor_of, channel_actor, queue_channel_message, receive_customer_message, InboundMessage,
};
use crate::domain::customers::{display_name, insert_customer, NewCustomer};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::{
    find_active_integration, mapped_local_id, redeem_telegram_link_code, TELEGRAM_CUSTOMER,
    TELEGRAM_USER,
};
use crate::domain::tickets::{self, TicketFilter};
use crate::domain::workflows::TenantWorkflows;
use crate::domain::Permission;
use crate::domain::Services;

/// A Bot API `Update` (the fields Guichet reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    /// The update's id.
    pub update_id: i64,
    /// A new incoming message.
    pub message: Option<Message>,
}

/// A Bot API `Message`.
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    /// Unique in its chat.
    pub message_id: i64,
    /// The sender (absent for channel posts).
    pub from: Option<User>,
    /// The conversation.
    pub chat: Chat,
    /// The text, for text messages.
    pub text: Option<String>,
    /// The message this one answers (Telegram's "reply").
    pub reply_to_message: Option<Box<Message>>,
}

/// A Bot API `User`.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// Telegram's user id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// `@username` without the `@`.
    pub username: Option<String>,
}

/// A Bot API `Chat`.
#[derive(Debug, Clone, Deserialize)]
pub struct Chat {
    /// The chat id messages are sent to.
    pub id: i64,
}

/// Checks the webhook secret of a Telegram integration; returns the integration.
///
/// # Errors
///
/// [`DomainError::NotFound`] for an unknown or inactive integration;
/// [`DomainError::Unauthenticated`] for a missing or wrong secret.
pub async fn authenticate_webhook(
    svc: &Services,
    integration_id: i64,
    secret: Option<&str>,
) -> DomainResult<integration::Model> {
    let found = find_active_integration(&svc.db, integration_id, IntegrationKind::Telegram).await?;
    let credentials = svc.channels.decrypt(&found)?;
    let expected = credentials
        .get("webhookSecret")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let given = secret.unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(DomainError::Unauthenticated(
            "wrong or missing X-Telegram-Bot-Api-Secret-Token".into(),
        ));
    }
    Ok(found)
}

/// Handles one update sent to an authenticated integration.
///
/// # Errors
///
/// Database errors (the webhook then fails and Telegram retries).
pub async fn handle_update(
    svc: &Services,
    found: &integration::Model,
    update: Update,
) -> DomainResult<()> {
    let Some(message) = update.message else {
        return Ok(()); // Edits, callbacks, joins: nothing to do.
    };
    let chat = message.chat.id.to_string();
    let Some(text) = message
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return say(
            svc,
            found,
            &chat,
            "✍️ Seuls les messages texte sont pris en charge pour l'instant.",
        )
        .await;
    };
    let (command, rest) = split_command(text);
    if command == Some("start") && !rest.is_empty() {
        if let Some(user_id) = redeem_telegram_link_code(svc, found, rest, &chat).await? {
            let name = user::Entity::find_by_id(user_id)
                .one(&svc.db)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            return say(
                svc,
                found,
                &chat,
                &format!("✅ Compte lié : {name}. Vous recevrez ici les nouveaux tickets et les réponses des clients.\n\n{}", help_text()),
            )
            .await;
        }
    }
    if let Some(staff) = linked_staff(svc, found, &chat).await? {
        let answer = staff_message(svc, &staff, command, rest, text, &message).await?;
        return say(svc, found, &chat, &answer).await;
    }
    // Commands from a chat that is not linked to staff open no ticket: they are either a
    // customer's first `/start` or someone trying staff commands.
    if command.is_some() {
        return say(
            svc,
            found,
            &chat,
            "👋 Bonjour ! Écrivez votre message ici : nous créons un ticket et vous répondons dans cette conversation.",
        )
        .await;
    }
    let person = telegram_customer(svc, found, &chat, message.from.as_ref()).await?;
    let system = channel_actor(&svc.db, found.tenant_id).await?;
    receive_customer_message(
        svc,
        &system,
        &person,
        InboundMessage {
            integration_id: found.id,
            channel: Channel::Telegram,
            text: text.to_owned(),
            external_id: format!("{chat}:{}", message.message_id),
        },
    )
    .await?;
    Ok(())
}

async fn say(
    svc: &Services,
    found: &integration::Model,
    chat: &str,
    text: &str,
) -> DomainResult<()> {
    queue_channel_message(&svc.db, found.tenant_id, found.id, chat, text, svc.now()).await
}

/// `/cmd@botname rest` → (`cmd`, `rest`); plain text → (`None`, text).
fn split_command(text: &str) -> (Option<&str>, &str) {
    let Some(stripped) = text.strip_prefix('/') else {
        return (None, text);
    };
    let (head, rest) = stripped
        .split_once(char::is_whitespace)
        .unwrap_or((stripped, ""));
    let name = head.split('@').next().unwrap_or(head);
    (Some(name), rest.trim())
}

/// The active staff user linked to this chat, as an actor of the integration's tenant.
async fn linked_staff(
    svc: &Services,
    found: &integration::Model,
    chat: &str,
) -> DomainResult<Option<Actor>> {
    let Some(user_id) = mapped_local_id(&svc.db, found.id, TELEGRAM_USER, chat).await? else {
        return Ok(None);
    };
    let staff = user::Entity::find_by_id(user_id)
        .filter(user::Column::TenantId.eq(found.tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .one(&svc.db)
        .await?
        .filter(|u| crate::domain::auth::is_staff_role(u.role));
    Ok(staff.as_ref().map(actor_of))
}

/// The customer writing from this chat: the one mapped to it, or a new prospect named
/// after the Telegram profile (the chat id and username kept in its metadata).
async fn telegram_customer(
    svc: &Services,
    found: &integration::Model,
    chat: &str,
    from: Option<&User>,
) -> DomainResult<customer::Model> {
    for _ in 0..3 {
        if let Some(id) = mapped_local_id(&svc.db, found.id, TELEGRAM_CUSTOMER, chat).await? {
            if let Some(known) = customer::Entity::find_by_id(id)
                .filter(customer::Column::TenantId.eq(found.tenant_id))
                .one(&svc.db)
                .await?
            {
                return Ok(known);
            }
        }
        let now = svc.now();
        let txn = svc.db.begin().await?;
        let created = async {
            let created = insert_customer(
                &txn,
                found.tenant_id,
                NewCustomer {
                    first_name: from
                        .map(|u| u.first_name.clone())
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| "Client".to_owned()),
                    last_name: from
                        .and_then(|u| u.last_name.clone())
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| "Telegram".to_owned()),
                    segment: Some(CustomerSegment::Prospect),
                    preferred_channel: Some(Channel::Telegram),
                    metadata: Some(serde_json::json!({
                        "telegram": {
                            "chatId": chat,
                            "userId": from.map(|u| u.id),
                            "username": from.and_then(|u| u.username.clone()),
                        }
                    })),
                    ..Default::default()
                },
                now,
            )
            .await?;
            crate::domain::customers::insert_tags(
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
            crate::domain::customers::insert_activity(
                &txn,
                &created,
                None,
                crate::domain::customers::NewActivity {
                    kind: entity::enums::ActivityKind::MessageReceived,
                    channel: Some(Channel::Telegram),
                    description: Some("Premier message sur Telegram".to_owned()),
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

fn help_text() -> &'static str {
    "🛠️ COMMANDES\n\
     /tickets ou /list — tickets ouverts\n\
     /ticket NUMÉRO — détails et conversation\n\
     /close NUMÉRO — fermer\n\
     /reopen NUMÉRO — rouvrir\n\
     /priority NUMÉRO urgent|high|medium|low — priorité\n\
     /reply NUMÉRO texte — répondre au client\n\
     /stats — statistiques\n\
     /help — cette aide\n\n\
     💡 Répondez (fonction « Répondre » de Telegram) à une notification de ticket pour répondre au client."
}

fn priority_icon(priority: TicketPriority) -> &'static str {
    match priority {
        TicketPriority::Low => "🟢",
        TicketPriority::Normal => "🟡",
        TicketPriority::High => "🔴",
        TicketPriority::Urgent => "🚨",
    }
}

fn parse_priority(word: &str) -> Option<TicketPriority> {
    match word.trim().to_lowercase().as_str() {
        "low" | "faible" => Some(TicketPriority::Low),
        "medium" | "normal" | "moyen" | "moyenne" => Some(TicketPriority::Normal),
        "high" | "élevé" | "elevé" | "eleve" | "élevée" => Some(TicketPriority::High),
        "urgent" | "urgente" => Some(TicketPriority::Urgent),
        _ => None,
    }
}

const OPEN: [TicketStatus; 3] = [TicketStatus::New, TicketStatus::Open, TicketStatus::Pending];

/// Runs a staff command (or a reply) and returns the bot's answer. Refusals of the domain
/// (not found, forbidden, a move the workflow forbids) become the answer; only database
/// and internal errors fail the webhook.
async fn staff_message(
    svc: &Services,
    actor: &Actor,
    command: Option<&str>,
    rest: &str,
    text: &str,
    message: &Message,
) -> DomainResult<String> {
    let outcome = match command {
        Some("tickets" | "list") => list_open(svc, actor).await,
        Some("ticket") => show_ticket(svc, actor, rest).await,
        Some("close") => close_ticket(svc, actor, rest).await,
        Some("reopen") => reopen_ticket(svc, actor, rest).await,
        Some("priority") => set_priority(svc, actor, rest).await,
        Some("stats") => stats(svc, actor).await,
        Some("reply") => {
            let (number, body) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            reply(svc, actor, number, body).await
        }
        Some("help" | "start") => Ok(help_text().to_owned()),
        Some(other) => Ok(format!(
            "❓ Commande inconnue : /{other}\n\n{}",
            help_text()
        )),
        None => {
            let replied_to = message
                .reply_to_message
                .as_ref()
                .and_then(|m| m.text.as_deref())
                .and_then(find_ticket_number);
            match replied_to {
                Some(number) => reply(svc, actor, &number, text).await,
                None => Ok("💡 Pour répondre à un client, répondez à la notification de son ticket, ou écrivez /reply NUMÉRO texte. /help pour les commandes.".to_owned()),
            }
        }
    };
    match outcome {
        Ok(answer) => Ok(answer),
        Err(error @ (DomainError::Db(_) | DomainError::Internal { .. })) => Err(error),
        Err(DomainError::NotFound(_)) => Ok(format!(
            "❌ Ticket introuvable : {}",
            rest.split_whitespace().next().unwrap_or_default()
        )),
        Err(refused) => Ok(format!("❌ {refused}")),
    }
}

/// The first ticket number (`SUP-2026-00001`) in a text.
pub(crate) fn find_ticket_number(text: &str) -> Option<String> {
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

async fn by_number(svc: &Services, actor: &Actor, number: &str) -> DomainResult<ticket::Model> {
    let number = number.split_whitespace().next().unwrap_or_default();
    if number.is_empty() {
        return Err(DomainError::validation(
            "number",
            "donnez le numéro du ticket (ex. SUP-2026-00001)",
        ));
    }
    tickets::get_ticket_by_number(svc, actor, number).await
}

async fn customer_name(svc: &Services, found: &ticket::Model) -> DomainResult<String> {
    Ok(customer::Entity::find_by_id(found.customer_id)
        .filter(customer::Column::TenantId.eq(found.tenant_id))
        .one(&svc.db)
        .await?
        .as_ref()
        .map(display_name)
        .unwrap_or_default())
}

async fn count(svc: &Services, actor: &Actor, statuses: &[TicketStatus]) -> DomainResult<u64> {
    Ok(ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::Status.is_in(statuses.iter().copied()))
        .count(&svc.db)
        .await?)
}

async fn list_open(svc: &Services, actor: &Actor) -> DomainResult<String> {
    actor.require(Permission::ViewTeam)?;
    let open = count(svc, actor, &OPEN).await?;
    let closed = count(
        svc,
        actor,
        &[
            TicketStatus::Resolved,
            TicketStatus::Closed,
            TicketStatus::Cancelled,
        ],
    )
    .await?;
    let page = tickets::list_tickets(
        svc,
        actor,
        &TicketFilter {
            statuses: OPEN.to_vec(),
            ..Default::default()
        },
        Some(20),
        None,
    )
    .await?;
    let mut out = format!(
        "🎫 GESTION DES TICKETS\n\n📊 Résumé:\n• 🟢 Ouverts: {open}\n• 🔴 Fermés: {closed}\n• 📈 Total: {}\n",
        open + closed
    );
    if page.tickets.is_empty() {
        out.push_str("\n✅ Aucun ticket ouvert.");
        return Ok(out);
    }
    out.push_str("\n🟢 Tickets ouverts:\n");
    for found in &page.tickets {
        let name = customer_name(svc, found).await?;
        let _ = write!(
            out,
            "{} {} - {}\n   \"{}\"\n   📅 {}\n",
            priority_icon(found.priority),
            found.number,
            name,
            short(&found.subject, 60),
            found.created_at.format("%d/%m/%Y %H:%M"),
        );
    }
    if page.has_next_page {
        out.push_str("…\n");
    }
    Ok(out)
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

async fn show_ticket(svc: &Services, actor: &Actor, rest: &str) -> DomainResult<String> {
    let found = by_number(svc, actor, rest).await?;
    let person = customer::Entity::find_by_id(found.customer_id)
        .filter(customer::Column::TenantId.eq(found.tenant_id))
        .one(&svc.db)
        .await?;
    let mut threads = tickets::messages_of_tickets(&svc.db, actor, &[found.id]).await?;
    let thread = threads.remove(&found.id).unwrap_or_default();
    let last = thread.last().map_or(found.updated_at, |m| m.created_at);
    let mut out = format!(
        "🎫 TICKET {number}\n\n🟢 Status: {status}\n{icon} Priorité: {priority}\n👤 Client: {name}\n📧 Email: {email}\n📝 Sujet: {subject}\n📅 Créé: {created}\n⏰ Dernière activité: {last}\n\n💬 CONVERSATION:\n👤 {name} ({created_time}):\n\"{description}\"\n",
        number = found.number,
        status = found.status.as_str().to_uppercase(),
        icon = priority_icon(found.priority),
        priority = found.priority.as_str().to_uppercase(),
        name = person.as_ref().map(display_name).unwrap_or_default(),
        email = person.as_ref().and_then(|p| p.email.clone()).unwrap_or_else(|| "—".to_owned()),
        subject = found.subject,
        created = found.created_at.format("%d/%m/%Y %H:%M"),
        last = last.format("%d/%m/%Y %H:%M"),
        created_time = found.created_at.format("%H:%M"),
        description = short(&found.description, 500),
    );
    let authors: Vec<i64> = thread.iter().filter_map(|m| m.author_user_id).collect();
    let staff = user::Entity::find()
        .filter(user::Column::TenantId.eq(actor.tenant_id))
        .filter(user::Column::Id.is_in(authors))
        .all(&svc.db)
        .await?;
    // The last 10 messages: a chat is no place for a long thread.
    let skip = thread.len().saturating_sub(10);
    for m in thread.iter().skip(skip) {
        let who = match m.author_kind {
            entity::enums::AuthorKind::Customer => format!(
                "👤 {}",
                person.as_ref().map(display_name).unwrap_or_default()
            ),
            _ => format!(
                "🎧 {}",
                m.author_user_id
                    .and_then(|id| staff.iter().find(|u| u.id == id))
                    .map_or("Support", |u| u.display_name.as_str())
            ),
        };
        let note = if m.visibility == entity::enums::Visibility::Internal {
            " [note interne]"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n{who}{note} ({}):\n\"{}\"\n",
            m.created_at.format("%H:%M"),
            short(&m.body, 500)
        );
    }
    Ok(out)
}

async fn close_ticket(svc: &Services, actor: &Actor, rest: &str) -> DomainResult<String> {
    let mut found = by_number(svc, actor, rest).await?;
    if found.status == TicketStatus::Closed {
        return Ok(format!("ℹ️ Le ticket {} est déjà fermé.", found.number));
    }
    // Walk the workflow to `closed` (resolving first where it asks for it), so the rules of
    // the tenant's workflow and their side effects (rating mail, history) apply.
    let workflows = TenantWorkflows::load(&svc.db, actor.tenant_id).await?;
    for _ in 0..3 {
        if found.status == TicketStatus::Closed {
            break;
        }
        let allowed = workflows.allowed(found.ticket_type, found.status);
        let next = [
            TicketStatus::Closed,
            TicketStatus::Resolved,
            TicketStatus::Open,
        ]
        .into_iter()
        .find(|s| allowed.contains(s))
        .ok_or_else(|| {
            DomainError::validation(
                "status",
                format!(
                    "le workflow ne permet pas de fermer un ticket au statut {}",
                    found.status.as_str()
                ),
            )
        })?;
        found = tickets::change_ticket_status(svc, actor, found.id, next).await?;
    }
    if found.status != TicketStatus::Closed {
        return Err(DomainError::validation(
            "status",
            "le workflow ne permet pas de fermer ce ticket",
        ));
    }
    Ok(format!(
        "✅ Ticket {} fermé avec succès.\n👤 Client: {}\n📝 Sujet: \"{}\"",
        found.number,
        customer_name(svc, &found).await?,
        short(&found.subject, 80)
    ))
}

async fn reopen_ticket(svc: &Services, actor: &Actor, rest: &str) -> DomainResult<String> {
    let found = by_number(svc, actor, rest).await?;
    if OPEN.contains(&found.status) {
        return Ok(format!("ℹ️ Le ticket {} est déjà ouvert.", found.number));
    }
    let found = tickets::change_ticket_status(svc, actor, found.id, TicketStatus::Open).await?;
    Ok(format!(
        "🔓 Ticket {} rouvert avec succès.\n👤 Client: {}",
        found.number,
        customer_name(svc, &found).await?
    ))
}

async fn set_priority(svc: &Services, actor: &Actor, rest: &str) -> DomainResult<String> {
    let mut words = rest.split_whitespace();
    let number = words.next().unwrap_or_default();
    let priority = words.next().and_then(parse_priority).ok_or_else(|| {
        DomainError::validation(
            "priority",
            "usage : /priority NUMÉRO urgent|high|medium|low",
        )
    })?;
    let found = by_number(svc, actor, number).await?;
    let before = found.priority;
    let updated = tickets::change_ticket_priority(svc, actor, found.id, priority).await?;
    Ok(format!(
        "{} Priorité du ticket {} changée de {} → {}",
        priority_icon(updated.priority),
        updated.number,
        before.as_str(),
        updated.priority.as_str()
    ))
}

async fn stats(svc: &Services, actor: &Actor) -> DomainResult<String> {
    actor.require(Permission::ViewTeam)?;
    let total = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .count(&svc.db)
        .await?;
    let open = count(svc, actor, &OPEN).await?;
    let closed = count(
        svc,
        actor,
        &[
            TicketStatus::Resolved,
            TicketStatus::Closed,
            TicketStatus::Cancelled,
        ],
    )
    .await?;
    let urgent = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .filter(ticket::Column::Priority.eq(TicketPriority::Urgent))
        .order_by_asc(ticket::Column::Id)
        .all(&svc.db)
        .await?;
    let week_ago = svc.now() - Duration::days(7);
    let old = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::Status.is_in(OPEN))
        .filter(ticket::Column::CreatedAt.lt(week_ago))
        .count(&svc.db)
        .await?;
    let mut out = format!(
        "📊 STATISTIQUES DÉTAILLÉES\n\n🎫 Tickets totaux: {total}\n🟢 Ouverts: {open}\n🔴 Fermés: {closed}\n🚨 Urgents: {}\n⏰ Anciens (>7j): {old}\n",
        urgent.len()
    );
    if !urgent.is_empty() {
        out.push_str("\n🚨 Tickets urgents:\n");
        for found in &urgent {
            let _ = writeln!(
                out,
                "• {} - {}",
                found.number,
                customer_name(svc, found).await?
            );
        }
    }
    let mut actions = Vec::new();
    if !urgent.is_empty() {
        actions.push(format!(
            "• Traiter le{s} {n} ticket{s} urgent{s}",
            n = urgent.len(),
            s = if urgent.len() > 1 { "s" } else { "" }
        ));
    }
    if old > 0 {
        actions.push(format!("• Relancer les {old} tickets de plus de 7 jours"));
    }
    if !actions.is_empty() {
        out.push_str("\n💡 Actions recommandées:\n");
        out.push_str(&actions.join("\n"));
    }
    Ok(out)
}

async fn reply(svc: &Services, actor: &Actor, number: &str, body: &str) -> DomainResult<String> {
    let found = by_number(svc, actor, number).await?;
    if body.trim().is_empty() {
        return Err(DomainError::validation(
            "body",
            "usage : /reply NUMÉRO votre réponse",
        ));
    }
    tickets::reply_to_ticket(svc, actor, found.id, body, false).await?;
    let reaches = if matches!(
        found.channel,
        Channel::Telegram | Channel::Sms | Channel::Whatsapp
    ) {
        format!("par {}", found.channel.as_str())
    } else {
        "sur le portail".to_owned()
    };
    Ok(format!(
        "📤 Réponse envoyée au client ({reaches}) sur le ticket {}.",
        found.number
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_split_and_numbers_found() {
        assert_eq!(
            split_command("/ticket SUP-2026-00001"),
            (Some("ticket"), "SUP-2026-00001")
        );
        assert_eq!(split_command("/stats@GuichetBot"), (Some("stats"), ""));
        assert_eq!(split_command("bonjour"), (None, "bonjour"));
        assert_eq!(
            find_ticket_number("🆕 NOUVEAU TICKET SUP-2026-00012\n\n👤 Client"),
            Some("SUP-2026-00012".to_owned())
        );
        assert_eq!(find_ticket_number("pas de numéro 2026"), None);
        assert_eq!(parse_priority("Medium"), Some(TicketPriority::Normal));
        assert_eq!(parse_priority("bogus"), None);
    }
}

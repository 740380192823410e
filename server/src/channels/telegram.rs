//! The Telegram bot (seed 004): customers writing to the bot open or continue a ticket;
//! staff who linked their chat (`/start CODE`, the code from `createTelegramLinkCode`)
//! manage tickets with commands and answer customers by replying to a pushed notification.
//!
//! Updates arrive at `POST /channels/telegram/{integration_id}` (Bot API webhook, JSON
//! `Update`) with the integration's secret in `X-Telegram-Bot-Api-Secret-Token`. Every
//! answer of the bot goes through the channel outbox (`domain::channels`), so it leaves even
//! if Telegram is briefly unreachable. Staff commands act through the same domain functions
//! as the API, as the linked user: workflows, roles and tenancy apply. Who a chat is (a
//! linked staff member, a known or new customer) is the domain's (`telegram_links`), and so
//! is what the commands read (`ticket_summaries`): this adapter reads updates and writes
//! answers, and runs no query of its own.

use std::fmt::Write as _;

use chrono::Duration;
use entity::enums::{Channel, IntegrationKind, TicketPriority, TicketStatus};
use entity::{integration, ticket};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::domain::actor::Actor;
use crate::domain::channels::{
    channel_actor, queue_channel_message, receive_customer_message, InboundMessage,
};
use crate::domain::customers::display_name;
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::{find_active_integration, redeem_telegram_link_code};
use crate::domain::telegram_links::{
    find_or_create_telegram_customer, linked_staff_actor, TelegramProfile,
};
use crate::domain::ticket_summaries::{
    customers_of_tickets, find_ticket_number, get_ticket_thread, ticket_stats, TicketStats,
    TicketThread, OPEN_STATUSES,
};
use crate::domain::tickets::{self, TicketFilter};
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
    /// `private`, `group`, `supergroup` or `channel`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl Message {
    /// Whether this is a one-to-one conversation with its sender: the only place where the
    /// bot links staff, obeys their commands or opens tickets. In a group, whatever the bot
    /// answers (internal notes included) would reach every member.
    fn is_private(&self) -> bool {
        self.chat.kind.as_deref() == Some("private")
            && self
                .from
                .as_ref()
                .is_some_and(|from| from.id == self.chat.id)
    }
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
    if !message.is_private() {
        return Ok(()); // Groups and channels: the bot neither listens nor speaks there.
    }
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
        if let Some(linked) = redeem_telegram_link_code(svc, found, rest, &chat).await? {
            return say(
                svc,
                found,
                &chat,
                &format!("✅ Compte lié : {}. Vous recevrez ici les nouveaux tickets et les réponses des clients.\n\n{}", linked.display_name, help_text()),
            )
            .await;
        }
    }
    if let Some(staff) = linked_staff_actor(svc, found, &chat).await? {
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
    let system = channel_actor(&svc.db, found.tenant_id).await?;
    let from = message.from.as_ref();
    let profile = TelegramProfile {
        chat_id: chat.clone(),
        user_id: from.map(|u| u.id),
        first_name: from.map(|u| u.first_name.clone()),
        last_name: from.and_then(|u| u.last_name.clone()),
        username: from.and_then(|u| u.username.clone()),
    };
    let person = find_or_create_telegram_customer(svc, &system, found, &profile).await?;
    receive_customer_message(
        svc,
        &system,
        &person,
        InboundMessage::new(
            found.id,
            Channel::Telegram,
            text,
            &format!("{chat}:{}", message.message_id),
        )?,
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

/// How old an open ticket is when `/stats` asks to chase it up.
const STALE_DAYS: i64 = 7;

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

/// The name of a ticket's customer (empty when there is none to show).
async fn customer_name(
    svc: &Services,
    actor: &Actor,
    found: &ticket::Model,
) -> DomainResult<String> {
    let customers = customers_of_tickets(svc, actor, std::slice::from_ref(found)).await?;
    Ok(customers
        .get(&found.customer_id)
        .map(display_name)
        .unwrap_or_default())
}

async fn list_open(svc: &Services, actor: &Actor) -> DomainResult<String> {
    let TicketStats { open, closed, .. } =
        ticket_stats(svc, actor, Duration::days(STALE_DAYS)).await?;
    let page = tickets::list_tickets(
        svc,
        actor,
        &TicketFilter {
            statuses: OPEN_STATUSES.to_vec(),
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
    let customers = customers_of_tickets(svc, actor, &page.tickets).await?;
    for found in &page.tickets {
        let name = customers
            .get(&found.customer_id)
            .map(display_name)
            .unwrap_or_default();
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
    let TicketThread {
        ticket: found,
        customer: person,
        messages: thread,
        staff,
    } = get_ticket_thread(svc, actor, found.id).await?;
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
                    .and_then(|id| staff.get(&id))
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
    let workflows = svc.events.workflows().get(&svc.db, actor.tenant_id).await?;
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
        customer_name(svc, actor, &found).await?,
        short(&found.subject, 80)
    ))
}

async fn reopen_ticket(svc: &Services, actor: &Actor, rest: &str) -> DomainResult<String> {
    let found = by_number(svc, actor, rest).await?;
    if OPEN_STATUSES.contains(&found.status) {
        return Ok(format!("ℹ️ Le ticket {} est déjà ouvert.", found.number));
    }
    let found = tickets::change_ticket_status(svc, actor, found.id, TicketStatus::Open).await?;
    Ok(format!(
        "🔓 Ticket {} rouvert avec succès.\n👤 Client: {}",
        found.number,
        customer_name(svc, actor, &found).await?
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
    let TicketStats {
        total,
        open,
        closed,
        urgent,
        stale: old,
    } = ticket_stats(svc, actor, Duration::days(STALE_DAYS)).await?;
    let mut out = format!(
        "📊 STATISTIQUES DÉTAILLÉES\n\n🎫 Tickets totaux: {total}\n🟢 Ouverts: {open}\n🔴 Fermés: {closed}\n🚨 Urgents: {}\n⏰ Anciens (>{STALE_DAYS}j): {old}\n",
        urgent.len()
    );
    if !urgent.is_empty() {
        out.push_str("\n🚨 Tickets urgents:\n");
        let customers = customers_of_tickets(svc, actor, &urgent).await?;
        for found in &urgent {
            let name = customers
                .get(&found.customer_id)
                .map(display_name)
                .unwrap_or_default();
            let _ = writeln!(out, "• {} - {}", found.number, name);
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
        actions.push(format!(
            "• Relancer les {old} tickets de plus de {STALE_DAYS} jours"
        ));
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
    use proptest::prelude::*;

    use super::*;

    /// Arbitrary JSON, nested a few levels.
    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            let key = prop_oneof![
                Just("update_id".to_owned()),
                Just("message".to_owned()),
                Just("chat".to_owned()),
                Just("from".to_owned()),
                Just("id".to_owned()),
                Just("text".to_owned()),
                Just("type".to_owned()),
                Just("message_id".to_owned()),
                Just("first_name".to_owned()),
                any::<String>(),
            ];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(key, inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Any JSON either is an `Update` or is refused by serde: never a panic.
        #[test]
        fn any_json_reads_as_an_update_or_not(value in json()) {
            let _ = serde_json::from_value::<Update>(value);
        }

        #[test]
        fn any_text_splits_into_a_command_or_not(text in any::<String>()) {
            let (command, rest) = split_command(&text);
            prop_assert!(rest.len() <= text.len());
            if let Some(command) = command {
                prop_assert!(text.contains(command));
            }
            let _ = parse_priority(&text);
        }
    }

    #[test]
    fn commands_are_split_and_priorities_read() {
        assert_eq!(
            split_command("/ticket SUP-2026-00001"),
            (Some("ticket"), "SUP-2026-00001")
        );
        assert_eq!(split_command("/stats@GuichetBot"), (Some("stats"), ""));
        assert_eq!(split_command("bonjour"), (None, "bonjour"));
        assert_eq!(parse_priority("Medium"), Some(TicketPriority::Normal));
        assert_eq!(parse_priority("bogus"), None);
    }
}

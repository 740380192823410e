//! Guichet's words: every notice the domain raises ([`Notice`]), said in French, English and
//! Dutch. The domain gathers the facts and picks the recipient's language; this is the one
//! place that writes the sentences of the bell, the mails and the chat pushes.

use chrono::{DateTime, Utc};
use entity::enums::Channel;
use rust_decimal::Decimal;

use crate::domain::notices::{DigestLine, Lang, Medium, Notice, Quoted, Worded, Wording};
use crate::domain::tickets::SlaDeadline;

/// The built-in templates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Templates;

fn worded(title: impl Into<String>, body: impl Into<String>) -> Worded {
    Worded {
        title: title.into(),
        body: body.into(),
        tail: String::new(),
    }
}

/// The time as the pushes show it (the seed's format).
fn stamp(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

fn channel(channel: Channel) -> &'static str {
    channel.as_str()
}

/// What follows an agent's reply by mail (after the signature): how to answer, then the
/// thread's recent history quoted the way mail clients quote (which the inbound mail reader
/// cuts off again).
fn mail_reply_tail(lang: Lang, number: &str, history: &[Quoted<'_>]) -> String {
    let how = match lang {
        Lang::Fr => format!("Pour répondre, répondez simplement à ce message (ticket {number})."),
        Lang::En => format!("To answer, simply reply to this message (ticket {number})."),
        Lang::Nl => format!("Om te antwoorden, beantwoord gewoon dit bericht (ticket {number})."),
    };
    let mut text = format!("-- \n{how}\n");
    for quoted in history {
        let at = stamp(quoted.at);
        let who = quoted.author;
        let said = match lang {
            Lang::Fr => format!("Le {at}, {who} a écrit :"),
            Lang::En => format!("On {at}, {who} wrote:"),
            Lang::Nl => format!("Op {at} schreef {who}:"),
        };
        text.push('\n');
        text.push_str(&said);
        text.push('\n');
        for line in quoted.body.lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

const fn deadline(lang: Lang, deadline: SlaDeadline) -> &'static str {
    match (lang, deadline) {
        (Lang::Fr, SlaDeadline::Response) => "première réponse à",
        (Lang::Fr, SlaDeadline::Resolution) => "résolution de",
        (Lang::En, SlaDeadline::Response) => "first response to",
        (Lang::En, SlaDeadline::Resolution) => "resolution of",
        (Lang::Nl, SlaDeadline::Response) => "eerste antwoord op",
        (Lang::Nl, SlaDeadline::Resolution) => "oplossing van",
    }
}

impl Wording for Templates {
    #[allow(clippy::too_many_lines)] // one arm per notice and language, read side by side
    fn word(&self, notice: &Notice<'_>, lang: Lang) -> Worded {
        match (notice, lang) {
            (Notice::TicketAcknowledged { number }, Lang::Fr) => worded(
                *number,
                format!("🎫 Votre demande est enregistrée sous le numéro {number}. Nous vous répondons ici."),
            ),
            (Notice::TicketAcknowledged { number }, Lang::En) => worded(
                *number,
                format!("🎫 Your request is registered as {number}. We will answer you here."),
            ),
            (Notice::TicketAcknowledged { number }, Lang::Nl) => worded(
                *number,
                format!("🎫 Uw aanvraag is geregistreerd onder nummer {number}. We antwoorden u hier."),
            ),
            (Notice::MailAcknowledged { first_name, number }, Lang::Fr) => worded(
                *number,
                format!(
                    "Bonjour {first_name},\n\nVotre demande est enregistrée sous le numéro {number}. \
                     Répondez à ce message pour compléter votre demande.\n"
                ),
            ),
            (Notice::MailAcknowledged { first_name, number }, Lang::En) => worded(
                *number,
                format!(
                    "Hello {first_name},\n\nYour request is registered as {number}. \
                     Reply to this message to add to it.\n"
                ),
            ),
            (Notice::MailAcknowledged { first_name, number }, Lang::Nl) => worded(
                *number,
                format!(
                    "Hallo {first_name},\n\nUw aanvraag is geregistreerd onder nummer {number}. \
                     Beantwoord dit bericht om uw aanvraag aan te vullen.\n"
                ),
            ),
            (
                Notice::NewTicket {
                    number,
                    customer,
                    subject,
                    body,
                    channel: via,
                    at,
                },
                lang,
            ) => {
                let (head, client, subject_word, reply, commands) = match lang {
                    Lang::Fr => ("NOUVEAU TICKET", "Client", "Sujet", "Répondez à ce message pour répondre au client, ou /ticket {n} pour voir l'historique", "Commandes"),
                    Lang::En => ("NEW TICKET", "Customer", "Subject", "Reply to this message to answer the customer, or /ticket {n} for the history", "Commands"),
                    Lang::Nl => ("NIEUW TICKET", "Klant", "Onderwerp", "Beantwoord dit bericht om de klant te antwoorden, of /ticket {n} voor de geschiedenis", "Opdrachten"),
                };
                let (message, via_word, time) = labels(lang);
                worded(
                    format!("{head} {number}"),
                    format!(
                        "🆕 {head} {number}\n\n👤 {client}: {customer}\n📝 {subject_word}: {subject}\n💬 {message}: {body}\n📡 {via_word}: {via}\n⏰ {time}: {at}\n\n---\n💡 {reply}\n🛠️ {commands}: /tickets /close {number} /help",
                        via = channel(*via),
                        at = stamp(*at),
                        reply = reply.replace("{n}", number),
                    ),
                )
            }
            (
                Notice::CustomerReplied {
                    number,
                    customer,
                    body,
                    channel: via,
                    at,
                },
                lang,
            ) => {
                let (head, client, reply) = match lang {
                    Lang::Fr => ("RÉPONSE TICKET", "Client", "Répondez à ce message pour répondre au client, ou /ticket {n} pour voir l'historique"),
                    Lang::En => ("TICKET REPLY", "Customer", "Reply to this message to answer the customer, or /ticket {n} for the history"),
                    Lang::Nl => ("ANTWOORD TICKET", "Klant", "Beantwoord dit bericht om de klant te antwoorden, of /ticket {n} voor de geschiedenis"),
                };
                let (message, via_word, time) = labels(lang);
                worded(
                    format!("{head} {number}"),
                    format!(
                        "📝 {head} {number}\n\n👤 {client}: {customer}\n💬 {message}: {body}\n📡 {via_word}: {via}\n⏰ {time}: {at}\n\n---\n💡 {reply}",
                        via = channel(*via),
                        at = stamp(*at),
                        reply = reply.replace("{n}", number),
                    ),
                )
            }
            (
                Notice::MailReply {
                    number,
                    subject,
                    body,
                    history,
                },
                lang,
            ) => Worded {
                title: format!("Re: [{number}] {subject}"),
                body: (*body).to_owned(),
                tail: mail_reply_tail(lang, number, history),
            },
            (
                Notice::AssignedToYou {
                    number,
                    subject,
                    by,
                },
                lang,
            ) => {
                let title = match lang {
                    Lang::Fr => format!("{number} vous est assigné par {by}"),
                    Lang::En => format!("{number} was assigned to you by {by}"),
                    Lang::Nl => format!("{number} is aan u toegewezen door {by}"),
                };
                worded(title, *subject)
            }
            (Notice::AgentReplied { number, body }, _) => {
                worded(*number, format!("💬 {body}\n\n— {number}"))
            }
            (Notice::Merged { number, subject }, Lang::Fr) => worded(
                *number,
                format!("{number} « {subject} » a été fusionné dans ce ticket."),
            ),
            (Notice::Merged { number, subject }, Lang::En) => worded(
                *number,
                format!("{number} \"{subject}\" was merged into this ticket."),
            ),
            (Notice::Merged { number, subject }, Lang::Nl) => worded(
                *number,
                format!("{number} \"{subject}\" is samengevoegd met dit ticket."),
            ),
            (
                Notice::RatingRequest {
                    first_name,
                    number,
                    subject,
                    link,
                },
                Lang::Fr,
            ) => worded(
                format!("[{number}] Votre avis"),
                format!(
                    "Bonjour {first_name},\n\nVotre demande « {subject} » ({number}) est résolue.\n\
                     Dites-nous ce que vous en pensez (1 à 5 étoiles) :\n{link}\n"
                ),
            ),
            (
                Notice::RatingRequest {
                    first_name,
                    number,
                    subject,
                    link,
                },
                Lang::En,
            ) => worded(
                format!("[{number}] How did we do?"),
                format!(
                    "Hello {first_name},\n\nYour request \"{subject}\" ({number}) has been resolved.\n\
                     Tell us how we did, from 1 to 5 stars:\n{link}\n"
                ),
            ),
            (
                Notice::RatingRequest {
                    first_name,
                    number,
                    subject,
                    link,
                },
                Lang::Nl,
            ) => worded(
                format!("[{number}] Uw mening"),
                format!(
                    "Hallo {first_name},\n\nUw aanvraag \"{subject}\" ({number}) is opgelost.\n\
                     Laat ons weten hoe we het deden, van 1 tot 5 sterren:\n{link}\n"
                ),
            ),
            (
                Notice::AutoCloseReminder {
                    number,
                    subject,
                    closes_at,
                },
                lang,
            ) => {
                let (title, body) = match lang {
                    Lang::Fr => (
                        format!("Votre ticket {number} sera bientôt fermé"),
                        format!(
                            "Sans réponse de votre part, ce ticket sera fermé automatiquement le {}. Répondez simplement pour le garder ouvert.",
                            closes_at.format("%d/%m/%Y à %H:%M UTC")
                        ),
                    ),
                    Lang::En => (
                        format!("Your ticket {number} will close soon"),
                        format!(
                            "Without an answer from you, this ticket closes automatically on {}. Just reply to keep it open.",
                            closes_at.format("%Y-%m-%d at %H:%M UTC")
                        ),
                    ),
                    Lang::Nl => (
                        format!("Uw ticket {number} wordt binnenkort gesloten"),
                        format!(
                            "Zonder antwoord van u wordt dit ticket automatisch gesloten op {}. Antwoord gewoon om het open te houden.",
                            closes_at.format("%d-%m-%Y om %H:%M UTC")
                        ),
                    ),
                };
                worded(title, format!("{body}\n\n{number} — {subject}"))
            }
            (Notice::AutoClosed { wait_days }, lang) => {
                let text = match lang {
                    Lang::Fr => format!("Ticket fermé automatiquement : aucune réponse du client depuis {wait_days} jours."),
                    Lang::En => format!("Ticket closed automatically: no answer from the customer for {wait_days} days."),
                    Lang::Nl => format!("Ticket automatisch gesloten: geen antwoord van de klant sinds {wait_days} dagen."),
                };
                worded(text.clone(), text)
            }
            (
                Notice::SlaWarning {
                    number,
                    subject,
                    deadline: which,
                },
                lang,
            ) => {
                let head = match lang {
                    Lang::Fr => "Bientôt hors délai :",
                    Lang::En => "Deadline close:",
                    Lang::Nl => "Termijn bijna verstreken:",
                };
                worded(format!("{head} {} {number}", deadline(lang, *which)), *subject)
            }
            (
                Notice::SlaBreached {
                    number,
                    subject,
                    deadline: which,
                },
                lang,
            ) => {
                let head = match lang {
                    Lang::Fr => "SLA dépassé :",
                    Lang::En => "SLA breached:",
                    Lang::Nl => "SLA overschreden:",
                };
                worded(format!("{head} {} {number}", deadline(lang, *which)), *subject)
            }
            (
                Notice::BudgetThreshold {
                    customer,
                    threshold,
                    spent,
                    planned,
                    currency,
                    from,
                    to,
                },
                lang,
            ) => match lang {
                Lang::Fr => worded(
                    format!("Budget atteint à {threshold} % : {customer}"),
                    format!("{spent} {currency} dépensés sur {planned} {currency} prévus du {from} au {to}."),
                ),
                Lang::En => worded(
                    format!("Budget {threshold} % reached: {customer}"),
                    format!("{spent} {currency} spent of {planned} {currency} planned for {from} – {to}."),
                ),
                Lang::Nl => worded(
                    format!("Budget {threshold} % bereikt: {customer}"),
                    format!("{spent} {currency} besteed van {planned} {currency} gepland voor {from} – {to}."),
                ),
            },
            (
                Notice::Mentioned {
                    number,
                    subject,
                    by,
                    body,
                },
                lang,
            ) => {
                let title = match lang {
                    Lang::Fr => format!("{by} vous mentionne sur {number}"),
                    Lang::En => format!("{by} mentioned you on {number}"),
                    Lang::Nl => format!("{by} noemde u op {number}"),
                };
                worded(title, format!("{subject}\n\n{body}"))
            }
            (
                Notice::TicketClosed {
                    first_name,
                    number,
                    subject,
                    link,
                },
                lang,
            ) => {
                let (title, head, rate) = match lang {
                    Lang::Fr => (
                        format!("[{number}] Demande fermée"),
                        format!("Bonjour {first_name},\n\nVotre demande « {subject} » ({number}) est fermée."),
                        "Dites-nous ce que vous en pensez (1 à 5 étoiles) :",
                    ),
                    Lang::En => (
                        format!("[{number}] Request closed"),
                        format!("Hello {first_name},\n\nYour request \"{subject}\" ({number}) is closed."),
                        "Tell us how we did, from 1 to 5 stars:",
                    ),
                    Lang::Nl => (
                        format!("[{number}] Aanvraag gesloten"),
                        format!("Hallo {first_name},\n\nUw aanvraag \"{subject}\" ({number}) is gesloten."),
                        "Laat ons weten hoe we het deden, van 1 tot 5 sterren:",
                    ),
                };
                match link {
                    Some(link) => worded(title, format!("{head}\n{rate}\n{link}\n")),
                    None => worded(title, format!("{head}\n")),
                }
            }
            (
                Notice::StatusChanged {
                    number,
                    subject,
                    closed,
                },
                lang,
            ) => {
                let title = match (lang, closed) {
                    (Lang::Fr, false) => format!("Votre demande {number} est résolue"),
                    (Lang::Fr, true) => format!("Votre demande {number} est fermée"),
                    (Lang::En, false) => format!("Your request {number} is resolved"),
                    (Lang::En, true) => format!("Your request {number} is closed"),
                    (Lang::Nl, false) => format!("Uw aanvraag {number} is opgelost"),
                    (Lang::Nl, true) => format!("Uw aanvraag {number} is gesloten"),
                };
                worded(title, *subject)
            }
            (
                Notice::Digest {
                    name,
                    open,
                    due_soon,
                    breached,
                },
                lang,
            ) => {
                let (title, hello, heads, due_word) = match lang {
                    Lang::Fr => (
                        format!("Vos tickets : {} ouverts, {} à échéance proche, {} hors délai", open.len(), due_soon.len(), breached.len()),
                        format!("Bonjour {name},"),
                        ["Hors délai", "Échéance dans les 24 heures", "Ouverts"],
                        "échéance",
                    ),
                    Lang::En => (
                        format!("Your tickets: {} open, {} due soon, {} breached", open.len(), due_soon.len(), breached.len()),
                        format!("Hello {name},"),
                        ["Breached", "Due within 24 hours", "Open"],
                        "due",
                    ),
                    Lang::Nl => (
                        format!("Uw tickets: {} open, {} bijna verlopen, {} over termijn", open.len(), due_soon.len(), breached.len()),
                        format!("Hallo {name},"),
                        ["Over termijn", "Verloopt binnen 24 uur", "Open"],
                        "termijn",
                    ),
                };
                let mut text = hello;
                for (head, rows) in heads.iter().zip([*breached, *due_soon, *open]) {
                    if rows.is_empty() {
                        continue;
                    }
                    text.push_str(&format!("\n\n{head} ({}):", rows.len()));
                    for row in rows {
                        text.push_str(&format!("\n• {} — {}", row.number, row.subject));
                        if let Some(due) = row.due {
                            text.push_str(&format!(" ({due_word} {})", stamp(due)));
                        }
                    }
                }
                text.push('\n');
                worded(title, text)
            }
        }
    }

    fn sample(&self, key: &str) -> Option<Notice<'static>> {
        sample(key)
    }

    fn word_for(&self, notice: &Notice<'_>, lang: Lang, medium: Medium) -> Worded {
        let mut said = self.word(notice, lang);
        // The chat pushes end with how to answer from the chat; the bell and mails link to
        // the app instead.
        if medium != Medium::Chat
            && matches!(
                notice,
                Notice::NewTicket { .. } | Notice::CustomerReplied { .. }
            )
        {
            if let Some((facts, _commands)) = said.body.split_once("\n\n---\n") {
                said.body = facts.to_owned();
            }
        }
        said
    }
}

/// A notice of each key with made-up facts, for template previews.
fn sample(key: &str) -> Option<Notice<'static>> {
    static HISTORY: std::sync::LazyLock<[Quoted<'static>; 1]> = std::sync::LazyLock::new(|| {
        [Quoted {
            author: "Marie Dupont",
            at: DateTime::from_timestamp(1_764_576_000, 0).unwrap_or_default(),
            body: "Bonjour, l'imprimante du 2e étage ne répond plus.",
        }]
    });
    static LINES: std::sync::LazyLock<[DigestLine; 1]> = std::sync::LazyLock::new(|| {
        [DigestLine {
            number: "SUP-0042".into(),
            subject: "Imprimante hors ligne".into(),
            due: DateTime::from_timestamp(1_764_612_000, 0),
        }]
    });
    let at = DateTime::from_timestamp(1_764_590_400, 0).unwrap_or_default();
    let (number, subject) = ("SUP-0042", "Imprimante hors ligne");
    Some(match key {
        "ticket_acknowledged" => Notice::TicketAcknowledged { number },
        "mail_acknowledged" => Notice::MailAcknowledged {
            first_name: "Marie",
            number,
        },
        "new_ticket" => Notice::NewTicket {
            number,
            customer: "Marie Dupont",
            subject,
            body: "L'imprimante du 2e étage ne répond plus.",
            channel: Channel::Email,
            at,
        },
        "customer_replied" => Notice::CustomerReplied {
            number,
            customer: "Marie Dupont",
            body: "Toujours en panne ce matin.",
            channel: Channel::Email,
            at,
        },
        "assigned_to_you" => Notice::AssignedToYou {
            number,
            subject,
            by: "Paul Martin",
        },
        "mail_reply" => Notice::MailReply {
            number,
            subject,
            body: "Bonjour Marie, un technicien passe à 14 h.",
            history: &*HISTORY,
        },
        "agent_replied" => Notice::AgentReplied {
            number,
            body: "Un technicien passe à 14 h.",
        },
        "merged" => Notice::Merged {
            number: "SUP-0043",
            subject,
        },
        "rating_request" => Notice::RatingRequest {
            first_name: "Marie",
            number,
            subject,
            link: "https://support.example/rate/…",
        },
        "auto_close_reminder" => Notice::AutoCloseReminder {
            number,
            subject,
            closes_at: at,
        },
        "auto_closed" => Notice::AutoClosed { wait_days: 7 },
        "sla_warning" => Notice::SlaWarning {
            number,
            subject,
            deadline: SlaDeadline::Response,
        },
        "sla_breached" => Notice::SlaBreached {
            number,
            subject,
            deadline: SlaDeadline::Resolution,
        },
        "budget_threshold" => Notice::BudgetThreshold {
            customer: "Dupont SARL",
            threshold: 80,
            spent: Decimal::new(320_050, 2),
            planned: Decimal::new(400_000, 2),
            currency: "EUR",
            from: at.date_naive(),
            to: at.date_naive(),
        },
        "mentioned" => Notice::Mentioned {
            number,
            subject,
            by: "Paul Martin",
            body: "@Sophie peux-tu regarder le pilote ?",
        },
        "ticket_closed" => Notice::TicketClosed {
            first_name: "Marie",
            number,
            subject,
            link: Some("https://support.example/rate/…"),
        },
        "status_changed" => Notice::StatusChanged {
            number,
            subject,
            closed: false,
        },
        "digest" => Notice::Digest {
            name: "Sophie",
            open: &*LINES,
            due_soon: &*LINES,
            breached: &[],
        },
        _ => return None,
    })
}

/// "Message", "Channel", "Time" of the pushes.
const fn labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Fr => ("Message", "Canal", "Heure"),
        Lang::En => ("Message", "Channel", "Time"),
        Lang::Nl => ("Bericht", "Kanaal", "Tijd"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_sample_with_that_key() {
        for key in crate::domain::notices::NOTICE_KEYS {
            let notice = Templates
                .sample(key)
                .unwrap_or_else(|| panic!("no sample for {key}"));
            assert_eq!(notice.key(), key);
            assert!(notice.facts().is_object());
        }
        assert!(Templates.sample("nothing").is_none());
    }

    #[test]
    fn every_language_words_the_facts() {
        let notice = Notice::SlaBreached {
            number: "SUP-2026-00001",
            subject: "Chaudière",
            deadline: SlaDeadline::Response,
        };
        for (lang, title) in [
            (Lang::Fr, "SLA dépassé : première réponse à SUP-2026-00001"),
            (Lang::En, "SLA breached: first response to SUP-2026-00001"),
            (
                Lang::Nl,
                "SLA overschreden: eerste antwoord op SUP-2026-00001",
            ),
        ] {
            let said = Templates.word(&notice, lang);
            assert_eq!(said.title, title);
            assert_eq!(said.body, "Chaudière");
        }
    }

    #[test]
    fn reply_mails_quote_the_thread_in_the_recipients_language() {
        use chrono::TimeZone as _;
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default();
        let history = [Quoted {
            author: "Jean Dupont",
            at,
            body: "Ma chaudière\nne démarre plus",
        }];
        let notice = Notice::MailReply {
            number: "SUP-2026-00001",
            subject: "Chaudière",
            body: "Un technicien passe jeudi.",
            history: &history,
        };
        for (lang, how, said) in [
            (
                Lang::Fr,
                "Pour répondre",
                "Le 02/03/2026 09:00, Jean Dupont a écrit :",
            ),
            (
                Lang::En,
                "To answer",
                "On 02/03/2026 09:00, Jean Dupont wrote:",
            ),
            (
                Lang::Nl,
                "Om te antwoorden",
                "Op 02/03/2026 09:00 schreef Jean Dupont:",
            ),
        ] {
            let mail = Templates.word(&notice, lang);
            assert_eq!(mail.title, "Re: [SUP-2026-00001] Chaudière");
            assert_eq!(mail.body, "Un technicien passe jeudi.");
            assert!(mail.tail.starts_with("-- \n"));
            assert!(mail.tail.contains(how), "{}", mail.tail);
            assert!(
                mail.tail
                    .contains(&format!("{said}\n> Ma chaudière\n> ne démarre plus\n")),
                "{}",
                mail.tail
            );
        }
    }
}

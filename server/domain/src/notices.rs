//! What Guichet tells people, as facts. The domain decides *that* someone is told something
//! and gathers the facts; the words (in the recipient's language) come from a [`Wording`]
//! that the server plugs into [`Services`](super::Services), so no sentence is written
//! here and the in-app bell, the mails and the chat pushes say the same thing.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::Channel;
use rust_decimal::Decimal;

use super::tickets::SlaDeadline;

/// A language Guichet speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Every language, in the order the app lists them.
    pub const ALL: [Self; 3] = [Self::Fr, Self::En, Self::Nl];

    /// `fr`, `en` or `nl`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The language named exactly `fr`, `en` or `nl`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == code)
    }

    /// The language of a user's locale (`en`, `en-GB`, `nl_BE`…); French for anything else.
    #[must_use]
    pub fn of_locale(locale: &str) -> Self {
        let primary = locale
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Self::En,
            "nl" => Self::Nl,
            _ => Self::Fr,
        }
    }
}

/// An earlier message of a thread, quoted in a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted<'a> {
    /// Who wrote it.
    pub author: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// What they wrote.
    pub body: &'a str,
}

/// Something Guichet tells someone, with the facts it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice<'a> {
    /// To the customer on their channel: the ticket their message opened is registered.
    TicketAcknowledged {
        /// The ticket's number.
        number: &'a str,
    },
    /// To the customer by mail: the ticket their mail opened is registered (their answer
    /// to it threads back into the ticket).
    MailAcknowledged {
        /// The customer's first name.
        first_name: &'a str,
        /// The ticket's number.
        number: &'a str,
    },
    /// To staff chats: a ticket was opened.
    NewTicket {
        /// The ticket's number.
        number: &'a str,
        /// The customer's display name.
        customer: &'a str,
        /// The subject (shortened).
        subject: &'a str,
        /// The description (shortened).
        body: &'a str,
        /// Where it came from.
        channel: Channel,
        /// When.
        at: DateTime<Utc>,
    },
    /// To staff chats: the customer answered.
    CustomerReplied {
        /// The ticket's number.
        number: &'a str,
        /// The customer's display name.
        customer: &'a str,
        /// The message (shortened).
        body: &'a str,
        /// Where it came from.
        channel: Channel,
        /// When.
        at: DateTime<Utc>,
    },
    /// To an agent: a ticket was assigned to them by someone else.
    AssignedToYou {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// Who assigned it.
        by: &'a str,
    },
    /// To the customer by mail: an agent's public reply, with the thread's recent history
    /// quoted below it.
    MailReply {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// The reply, as written.
        body: &'a str,
        /// Earlier public messages of the thread, newest first.
        history: &'a [Quoted<'a>],
    },
    /// To the customer on their channel: an agent's reply.
    AgentReplied {
        /// The ticket's number.
        number: &'a str,
        /// The reply, as written.
        body: &'a str,
    },
    /// In the thread of the ticket a duplicate was merged into.
    Merged {
        /// The duplicate's number.
        number: &'a str,
        /// The duplicate's subject.
        subject: &'a str,
    },
    /// To the customer by mail: how did we do?
    RatingRequest {
        /// The customer's first name.
        first_name: &'a str,
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// The signed rating page.
        link: &'a str,
    },
    /// To the customer: the ticket closes soon without an answer.
    AutoCloseReminder {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// When it closes.
        closes_at: DateTime<Utc>,
    },
    /// In the thread: closed for want of an answer.
    AutoClosed {
        /// How long the customer was waited for.
        wait_days: i64,
    },
    /// To the assignee or supervisors: a deadline is close.
    SlaWarning {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// Which deadline.
        deadline: SlaDeadline,
    },
    /// To supervisors and the assignee: a deadline passed.
    SlaBreached {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// Which deadline.
        deadline: SlaDeadline,
    },
    /// To a colleague named with `@` in an internal note.
    Mentioned {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// Who wrote the note.
        by: &'a str,
        /// The note (shortened).
        body: &'a str,
    },
    /// To the customer: their ticket was closed (with the rating link while unrated).
    TicketClosed {
        /// The customer's first name.
        first_name: &'a str,
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// The signed rating page, while the ticket is unrated.
        link: Option<&'a str>,
    },
    /// To the customer's portal accounts: their ticket was resolved or closed.
    StatusChanged {
        /// The ticket's number.
        number: &'a str,
        /// The ticket's subject.
        subject: &'a str,
        /// Closed (else resolved).
        closed: bool,
    },
    /// To an agent each working morning: their tickets.
    Digest {
        /// The agent's name.
        name: &'a str,
        /// Their open tickets.
        open: &'a [DigestLine],
        /// Those whose next deadline is within a day.
        due_soon: &'a [DigestLine],
        /// Those past a deadline.
        breached: &'a [DigestLine],
    },
    /// To supervisors: a budget crossed a threshold.
    BudgetThreshold {
        /// The customer's name (company, else first and last name).
        customer: &'a str,
        /// The percentage crossed.
        threshold: i32,
        /// What was spent.
        spent: Decimal,
        /// What was planned.
        planned: Decimal,
        /// The budget's currency.
        currency: &'a str,
        /// The period's first day.
        from: NaiveDate,
        /// The period's last day.
        to: NaiveDate,
    },
}

/// The keys of every notice, as templates name them.
pub const NOTICE_KEYS: [&str; 18] = [
    "ticket_acknowledged",
    "mail_acknowledged",
    "new_ticket",
    "customer_replied",
    "assigned_to_you",
    "mail_reply",
    "agent_replied",
    "merged",
    "rating_request",
    "auto_close_reminder",
    "auto_closed",
    "sla_warning",
    "sla_breached",
    "budget_threshold",
    "mentioned",
    "ticket_closed",
    "status_changed",
    "digest",
];

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

impl Notice<'_> {
    /// The notice's key (one of [`NOTICE_KEYS`]), which names its template.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            Self::TicketAcknowledged { .. } => "ticket_acknowledged",
            Self::MailAcknowledged { .. } => "mail_acknowledged",
            Self::NewTicket { .. } => "new_ticket",
            Self::CustomerReplied { .. } => "customer_replied",
            Self::AssignedToYou { .. } => "assigned_to_you",
            Self::MailReply { .. } => "mail_reply",
            Self::AgentReplied { .. } => "agent_replied",
            Self::Merged { .. } => "merged",
            Self::RatingRequest { .. } => "rating_request",
            Self::AutoCloseReminder { .. } => "auto_close_reminder",
            Self::AutoClosed { .. } => "auto_closed",
            Self::SlaWarning { .. } => "sla_warning",
            Self::SlaBreached { .. } => "sla_breached",
            Self::BudgetThreshold { .. } => "budget_threshold",
            Self::Mentioned { .. } => "mentioned",
            Self::TicketClosed { .. } => "ticket_closed",
            Self::StatusChanged { .. } => "status_changed",
            Self::Digest { .. } => "digest",
        }
    }

    /// The notice's facts by name, as a template reads them (times as `dd/mm/YYYY HH:MM`
    /// UTC, amounts as decimal text).
    #[must_use]
    pub fn facts(&self) -> serde_json::Value {
        use serde_json::json;
        let deadline_name = |d: &SlaDeadline| match d {
            SlaDeadline::Response => "response",
            SlaDeadline::Resolution => "resolution",
        };
        let lines = |rows: &[DigestLine]| {
            rows.iter()
                .map(|r| {
                    json!({
                        "number": r.number,
                        "subject": r.subject,
                        "due": r.due.map(stamp),
                    })
                })
                .collect::<Vec<_>>()
        };
        match self {
            Self::TicketAcknowledged { number } => json!({ "number": number }),
            Self::MailAcknowledged { first_name, number } => {
                json!({ "first_name": first_name, "number": number })
            }
            Self::NewTicket {
                number,
                customer,
                subject,
                body,
                channel,
                at,
            } => json!({
                "number": number, "customer": customer, "subject": subject, "body": body,
                "channel": channel.as_str(), "at": stamp(*at),
            }),
            Self::CustomerReplied {
                number,
                customer,
                body,
                channel,
                at,
            } => json!({
                "number": number, "customer": customer, "body": body,
                "channel": channel.as_str(), "at": stamp(*at),
            }),
            Self::AssignedToYou {
                number,
                subject,
                by,
            } => json!({ "number": number, "subject": subject, "by": by }),
            Self::MailReply {
                number,
                subject,
                body,
                history,
            } => json!({
                "number": number, "subject": subject, "body": body,
                "history": history.iter().map(|q| json!({
                    "author": q.author, "at": stamp(q.at), "body": q.body,
                })).collect::<Vec<_>>(),
            }),
            Self::AgentReplied { number, body } => json!({ "number": number, "body": body }),
            Self::Merged { number, subject } => json!({ "number": number, "subject": subject }),
            Self::RatingRequest {
                first_name,
                number,
                subject,
                link,
            } => json!({
                "first_name": first_name, "number": number, "subject": subject, "link": link,
            }),
            Self::AutoCloseReminder {
                number,
                subject,
                closes_at,
            } => json!({ "number": number, "subject": subject, "closes_at": stamp(*closes_at) }),
            Self::AutoClosed { wait_days } => json!({ "wait_days": wait_days }),
            Self::SlaWarning {
                number,
                subject,
                deadline,
            }
            | Self::SlaBreached {
                number,
                subject,
                deadline,
            } => json!({
                "number": number, "subject": subject, "deadline": deadline_name(deadline),
            }),
            Self::BudgetThreshold {
                customer,
                threshold,
                spent,
                planned,
                currency,
                from,
                to,
            } => json!({
                "customer": customer, "threshold": threshold, "spent": spent.to_string(),
                "planned": planned.to_string(), "currency": currency,
                "from": from.format("%d/%m/%Y").to_string(),
                "to": to.format("%d/%m/%Y").to_string(),
            }),
            Self::Mentioned {
                number,
                subject,
                by,
                body,
            } => json!({ "number": number, "subject": subject, "by": by, "body": body }),
            Self::TicketClosed {
                first_name,
                number,
                subject,
                link,
            } => json!({
                "first_name": first_name, "number": number, "subject": subject, "link": link,
            }),
            Self::StatusChanged {
                number,
                subject,
                closed,
            } => json!({ "number": number, "subject": subject, "closed": closed }),
            Self::Digest {
                name,
                open,
                due_soon,
                breached,
            } => json!({
                "name": name, "open": lines(open), "due_soon": lines(due_soon),
                "breached": lines(breached),
            }),
        }
    }
}

/// A ticket in a digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DigestLine {
    /// The ticket's number.
    pub number: String,
    /// Its subject.
    pub subject: String,
    /// Its next deadline, if any.
    pub due: Option<DateTime<Utc>>,
}

/// A notice in words: a one-line title (a mail's subject) and a body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Worded {
    /// One line.
    pub title: String,
    /// The text.
    pub body: String,
    /// What a mail puts after the sender's signature (how to answer, the quoted thread);
    /// empty for most notices.
    pub tail: String,
}

/// Where a notice is read: the words differ a little (a chat push tells how to answer
/// from the chat; the bell and a mail link to the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Medium {
    /// The bell in the app.
    InApp,
    /// A mail.
    Email,
    /// A chat push (Telegram, SMS, WhatsApp).
    Chat,
}

/// Says notices in a language; implemented by the server's templates.
pub trait Wording: Send + Sync + std::fmt::Debug {
    /// `notice` in `lang`, as a chat push says it.
    fn word(&self, notice: &Notice<'_>, lang: Lang) -> Worded;

    /// `notice` in `lang` for `medium`; the chat wording unless a notice words itself
    /// differently elsewhere.
    fn word_for(&self, notice: &Notice<'_>, lang: Lang, medium: Medium) -> Worded {
        let _ = medium;
        self.word(notice, lang)
    }

    /// A notice of `key` (one of [`NOTICE_KEYS`]) with made-up facts, for template
    /// previews and checks.
    fn sample(&self, key: &str) -> Option<Notice<'static>>;
}

/// The wording the services use.
pub type SharedWording = Arc<dyn Wording>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(Lang::of_locale("en-GB"), Lang::En);
        assert_eq!(Lang::of_locale("NL_be"), Lang::Nl);
        assert_eq!(Lang::of_locale("fr"), Lang::Fr);
        assert_eq!(Lang::of_locale(""), Lang::Fr);
        assert_eq!(Lang::of_locale("de"), Lang::Fr);
    }
}

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

/// A notice in words: a one-line title (a mail's subject) and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    /// One line.
    pub title: String,
    /// The text.
    pub body: String,
}

/// Says notices in a language; implemented by the server's templates.
pub trait Wording: Send + Sync + std::fmt::Debug {
    /// `notice` in `lang`.
    fn word(&self, notice: &Notice<'_>, lang: Lang) -> Worded;
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

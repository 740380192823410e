//! The rows themselves: deterministic (a fixed xorshift seed, so runs compare), made on
//! a thread of their own while the database writes the previous batch, and handed over in
//! each database's own encoding through a bounded channel.
//!
//! Ids are given here, not by the database: the loader reserved them beforehand (see
//! `postgres.rs`, `sqlite.rs`), so a ticket's thread, history and time need no read-back.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Utc};
use domain::tickets::Change;
use entity::enums::{
    AuthorKind, Channel, CustomerSegment, CustomerStatus, TicketCategory, TicketEventKind,
    TicketPriority, TicketStatus, TicketType, Visibility,
};
use tokio::sync::mpsc;

use super::rows::{
    Sink, SinkFactory, Table, CUSTOMERS, MESSAGES, TICKETS, TICKET_EVENTS, TIME_ENTRIES,
};

/// Tickets per batch: large enough that per-statement costs vanish, small enough that the
/// generator and the database overlap and progress moves.
pub(crate) const BATCH_TICKETS: usize = 20_000;

/// Everything the generator needs, read from the database before the load.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub tenant_id: i64,
    pub agents: Vec<i64>,
    pub tickets: usize,
    pub customers: usize,
    pub now: DateTime<Utc>,
    /// The tenant's customers before the load; tickets go to them too.
    pub existing_customers: Vec<i64>,
    /// The tenant's ticket numbers so far, per type and year.
    pub sequences: HashMap<(TicketType, i32), i64>,
    /// The first id of each loaded table (`rows::LOADED` order).
    pub first_ids: FirstIds,
}

/// The first free id of each table.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FirstIds {
    pub customer: i64,
    pub ticket: i64,
    pub message: i64,
    pub event: i64,
    pub time_entry: i64,
}

/// Rows of several tables, encoded, for the tickets `tickets` of the load.
pub(crate) struct Batch<S> {
    /// Tickets in this batch (0 for the customers' batch).
    pub tickets: usize,
    pub parts: Vec<(&'static Table, S)>,
}

/// What was generated, once the generator is done.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub messages: usize,
    pub events: usize,
    pub time_entries: usize,
    /// The last number given per type and year, for `ticket_sequences`.
    pub sequences: HashMap<(TicketType, i32), i64>,
}

/// The most rows of each loaded table (`rows::LOADED` order) a load of `customers` and
/// `tickets` writes: a thread has eight messages at most, a history four events.
pub(crate) fn most_rows(customers: usize, tickets: usize) -> [usize; 5] {
    [customers, tickets, tickets * 8, tickets * 4, tickets]
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// One of `items`.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let at = usize::try_from(self.below(len)).unwrap_or(0);
        items[at.min(items.len().saturating_sub(1))]
    }

    fn word(&mut self) -> &'static str {
        self.pick(&WORDS)
    }
}

const WORDS: [&str; 24] = [
    "chaudière",
    "fuite",
    "facture",
    "devis",
    "installation",
    "panne",
    "radiateur",
    "thermostat",
    "remboursement",
    "livraison",
    "rendez-vous",
    "garantie",
    "pompe",
    "entretien",
    "réclamation",
    "contrat",
    "compteur",
    "pression",
    "bruit",
    "odeur",
    "eau",
    "chauffage",
    "ballon",
    "filtre",
];

fn minutes(n: u64) -> Duration {
    Duration::minutes(i64::try_from(n).unwrap_or(i64::MAX / 120_000))
}

/// Runs the generator: customers first, then the tickets by batches, each sent on `out`
/// encoded by `factory`'s sinks. Stops early, without error, when the receiver is gone
/// (the writer failed and reports why).
pub(crate) fn generate<F: SinkFactory>(
    plan: &Plan,
    factory: &F,
    out: &mpsc::Sender<Batch<F::Sink>>,
) -> Summary {
    let mut summary = Summary {
        sequences: plan.sequences.clone(),
        ..Summary::default()
    };
    let mut customers = factory.sink(&CUSTOMERS);
    let new_customers = (0..plan.customers).map(|i| (i, plan.first_ids.customer + id(i)));
    for (i, id) in new_customers {
        write_customer(&mut customers, plan, i, id);
    }
    let batch = Batch {
        tickets: 0,
        parts: vec![(&CUSTOMERS, customers)],
    };
    if out.blocking_send(batch).is_err() {
        return summary;
    }
    let mut customer_ids = plan.existing_customers.clone();
    customer_ids.extend((0..plan.customers).map(|i| plan.first_ids.customer + id(i)));
    let mut state = TicketWriter {
        plan,
        customer_ids,
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        next: plan.first_ids,
        created_change: Change::Status {
            from: None,
            to: TicketStatus::New,
        }
        .encode(),
        body: String::new(),
    };
    let mut start = 0;
    while start < plan.tickets {
        let end = (start + BATCH_TICKETS).min(plan.tickets);
        let mut sinks = TicketSinks {
            tickets: factory.sink(&TICKETS),
            messages: factory.sink(&MESSAGES),
            events: factory.sink(&TICKET_EVENTS),
            time_entries: factory.sink(&TIME_ENTRIES),
        };
        for i in start..end {
            state.write_ticket(&mut sinks, &mut summary.sequences, i);
        }
        summary.messages += sinks.messages.rows();
        summary.events += sinks.events.rows();
        summary.time_entries += sinks.time_entries.rows();
        let batch = Batch {
            tickets: end - start,
            parts: vec![
                (&TICKETS, sinks.tickets),
                (&MESSAGES, sinks.messages),
                (&TICKET_EVENTS, sinks.events),
                (&TIME_ENTRIES, sinks.time_entries),
            ],
        };
        if out.blocking_send(batch).is_err() {
            return summary;
        }
        start = end;
    }
    summary
}

fn id(offset: usize) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

fn write_customer<S: Sink>(sink: &mut S, plan: &Plan, i: usize, id: i64) {
    let since = plan.now - Duration::days(800);
    sink.begin_row();
    sink.int8(id);
    sink.int8(plan.tenant_id);
    sink.text(&format!("Client{i}"));
    sink.text(&format!("Nom{}", i % 997));
    sink.opt_text((i % 3 == 0).then(|| format!("Société {i}")).as_deref());
    sink.text(&format!("client{i}@bulk.test"));
    sink.text(CustomerStatus::Active.as_str());
    sink.text(
        match i % 10 {
            0 => CustomerSegment::Vip,
            1..=5 => CustomerSegment::Client,
            _ => CustomerSegment::Prospect,
        }
        .as_str(),
    );
    sink.text(Channel::Email.as_str());
    sink.text("Lyon");
    sink.text("FR");
    sink.text("EUR");
    sink.int4(0);
    sink.time(since);
    sink.time(since);
}

struct TicketSinks<S> {
    tickets: S,
    messages: S,
    events: S,
    time_entries: S,
}

/// One message of a thread, before it is written.
#[derive(Clone, Copy)]
enum Author {
    Customer,
    Agent,
    /// An agent's internal note.
    Note,
}

struct TicketWriter<'a> {
    plan: &'a Plan,
    customer_ids: Vec<i64>,
    rng: Rng,
    next: FirstIds,
    created_change: (Option<String>, Option<String>),
    /// Reused for message bodies.
    body: String,
}

impl TicketWriter<'_> {
    #[allow(clippy::too_many_lines)] // One ticket's story, read top to bottom.
    fn write_ticket<S: Sink>(
        &mut self,
        sinks: &mut TicketSinks<S>,
        sequences: &mut HashMap<(TicketType, i32), i64>,
        i: usize,
    ) {
        let plan = self.plan;
        let now = plan.now;
        let rng = &mut self.rng;
        let span_minutes: u64 = 2 * 365 * 24 * 60;
        let total = u64::try_from(plan.tickets.max(1)).unwrap_or(u64::MAX);
        let index = u64::try_from(i).unwrap_or(0);
        // Older tickets first, so ids follow creation time as in real use.
        let age = span_minutes - (span_minutes * index / total);
        let created = now - minutes(age);
        let ticket_type = rng.pick(&[
            TicketType::Support,
            TicketType::Support,
            TicketType::Support,
            TicketType::Support,
            TicketType::Support,
            TicketType::Support,
            TicketType::Sales,
            TicketType::Sales,
            TicketType::Sales,
            TicketType::Inquiry,
        ]);
        let category = match ticket_type {
            TicketType::Support => rng.pick(&[
                TicketCategory::Technical,
                TicketCategory::Billing,
                TicketCategory::InstallationIssue,
                TicketCategory::Complaint,
            ]),
            TicketType::Sales => rng.pick(&[TicketCategory::NewLead, TicketCategory::QuoteRequest]),
            TicketType::Inquiry => TicketCategory::Information,
        };
        // Recent tickets are still open; old ones are mostly finished.
        let recent = age < 60 * 24 * 14;
        let status = match (recent, rng.below(10)) {
            (true, 0..=2) => TicketStatus::New,
            (true, 3..=5) => TicketStatus::Open,
            (true, 6..=7) => TicketStatus::Pending,
            (true, _) => TicketStatus::Resolved,
            (false, 0) => TicketStatus::Cancelled,
            (false, 1) => TicketStatus::Resolved,
            (false, _) => TicketStatus::Closed,
        };
        let priority = rng.pick(&[
            TicketPriority::Low,
            TicketPriority::Normal,
            TicketPriority::Normal,
            TicketPriority::High,
            TicketPriority::Urgent,
        ]);
        let year = created.year();
        let value = sequences.entry((ticket_type, year)).or_insert(0);
        *value += 1;
        let number = crate::domain::tickets::format_number(ticket_type, year, *value);
        let (response_hours, resolution_hours) =
            crate::domain::tenants::default_sla_hours(ticket_type);
        let response_due = created + Duration::hours(i64::from(response_hours));
        let resolution_due = created + Duration::hours(i64::from(resolution_hours));
        let assignee = (!plan.agents.is_empty() && status != TicketStatus::New)
            .then(|| plan.agents[i % plan.agents.len()]);
        // Nothing happens after `now`.
        let first_response = assignee.map(|_| (created + minutes(rng.below(60 * 12))).min(now));
        let finished = matches!(
            status,
            TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Cancelled
        );
        let resolved = finished.then(|| (created + minutes(30 + rng.below(60 * 96))).min(now));
        let rating =
            (finished && rng.below(3) == 0).then(|| i32::try_from(1 + rng.below(5)).unwrap_or(5));
        let customer_id = rng.pick(&self.customer_ids);
        let subject = format!("{} {} n°{i}", rng.word(), rng.word());
        let description = format!(
            "Bonjour, {} {} depuis hier. Merci de votre aide.",
            rng.word(),
            rng.word()
        );

        // The thread: the customer writes, an agent answers; a few more exchanges, an
        // internal note now and then, thanks at the end of some. About five messages.
        let mut thread: Vec<(Author, DateTime<Utc>)> = vec![(Author::Customer, created)];
        if let Some(answered) = first_response {
            thread.push((Author::Agent, answered));
            let rounds = rng.below(3);
            let note = rng.below(2) == 0;
            let thanks = finished && rng.below(2) == 0;
            let mut later = Vec::new();
            if note {
                later.push(Author::Note);
            }
            for _ in 0..rounds {
                later.push(Author::Customer);
                later.push(Author::Agent);
            }
            if thanks {
                later.push(Author::Customer);
            }
            // Spread over the ticket's life, after the first answer.
            let until = resolved
                .unwrap_or_else(|| (created + Duration::days(3)).min(now))
                .max(answered);
            let steps = i32::try_from(later.len() + 1).unwrap_or(1);
            for (step, author) in (1..).zip(later) {
                thread.push((author, answered + (until - answered) * step / steps));
            }
        } else if rng.below(3) == 0 {
            // Unanswered: the customer asks again.
            thread.push((
                Author::Customer,
                (created + minutes(60 + rng.below(600))).min(now),
            ));
        }
        let last = |wanted: fn(Author) -> bool| {
            thread
                .iter()
                .rev()
                .find(|(author, _)| wanted(*author))
                .map(|(_, at)| *at)
        };
        let last_customer = last(|a| matches!(a, Author::Customer));
        let last_agent = last(|a| matches!(a, Author::Agent));
        let last_activity = thread.last().map_or(created, |(_, at)| *at);
        let updated = resolved.unwrap_or(last_activity);

        let ticket_id = self.next.ticket;
        self.next.ticket += 1;
        let t = &mut sinks.tickets;
        t.begin_row();
        t.int8(ticket_id);
        t.int8(plan.tenant_id);
        t.text(&number);
        t.text(ticket_type.as_str());
        t.text(category.as_str());
        t.text(priority.as_str());
        t.text(status.as_str());
        t.text(&subject);
        t.text(&description);
        t.int8(customer_id);
        t.opt_int8(assignee);
        t.text(Channel::Email.as_str());
        t.time(response_due);
        t.time(resolution_due);
        t.opt_time(first_response);
        t.opt_time(resolved);
        t.opt_time(
            matches!(status, TicketStatus::Closed | TicketStatus::Cancelled).then_some(updated),
        );
        t.boolean(first_response.is_some_and(|at| at > response_due));
        t.boolean(resolved.is_some_and(|at| at > resolution_due));
        t.opt_int4(rating);
        t.opt_text(rating.map(|r| format!("Note {r}")).as_deref());
        t.opt_time(rating.map(|_| updated));
        t.opt_time(last_customer);
        t.opt_time(last_agent);
        t.opt_time(
            matches!(status, TicketStatus::Pending | TicketStatus::Resolved).then_some(updated),
        );
        t.boolean(false);
        t.boolean(false);
        t.time(created);
        t.time(updated);

        let agent = assignee.unwrap_or_default();
        for (turn, (author, at)) in thread.iter().enumerate() {
            self.body.clear();
            let (kind, user, customer, visibility) = match author {
                Author::Customer => (AuthorKind::Customer, None, Some(customer_id), true),
                Author::Agent => (AuthorKind::Agent, Some(agent), None, true),
                Author::Note => (AuthorKind::Agent, Some(agent), None, false),
            };
            write_body(&mut self.body, rng, *author, turn);
            let m = &mut sinks.messages;
            m.begin_row();
            m.int8(self.next.message);
            self.next.message += 1;
            m.int8(plan.tenant_id);
            m.int8(ticket_id);
            m.text(kind.as_str());
            m.opt_int8(user);
            m.opt_int8(customer);
            m.text(
                if visibility {
                    Visibility::Public
                } else {
                    Visibility::Internal
                }
                .as_str(),
            );
            m.text(&self.body);
            m.text(Channel::Email.as_str());
            m.time(*at);
        }

        let mut event = |actor: Option<i64>,
                         kind: TicketEventKind,
                         change: &(Option<String>, Option<String>),
                         at: DateTime<Utc>| {
            let e = &mut sinks.events;
            e.begin_row();
            e.int8(self.next.event);
            self.next.event += 1;
            e.int8(plan.tenant_id);
            e.int8(ticket_id);
            e.opt_int8(actor);
            e.text(kind.as_str());
            e.opt_text(change.0.as_deref());
            e.opt_text(change.1.as_deref());
            e.time(at);
        };
        event(
            None,
            TicketEventKind::Created,
            &self.created_change,
            created,
        );
        if let Some(agent) = assignee {
            let change = Change::Assignee {
                from: None,
                to: Some(agent),
            };
            event(None, TicketEventKind::Assigned, &change.encode(), created);
        }
        if let Some(at) = resolved {
            let change = Change::Status {
                from: Some(TicketStatus::Open),
                to: status,
            };
            event(
                assignee,
                TicketEventKind::StatusChanged,
                &change.encode(),
                at,
            );
        }
        if let Some(stars) = rating {
            let change = Change::Rating { stars };
            event(None, TicketEventKind::Rated, &change.encode(), updated);
        }

        if let (Some(at), Some(agent)) = (first_response, assignee) {
            let w = &mut sinks.time_entries;
            w.begin_row();
            w.int8(self.next.time_entry);
            self.next.time_entry += 1;
            w.int8(plan.tenant_id);
            w.int8(ticket_id);
            w.int8(agent);
            w.int4(i32::try_from(5 + (i * 7) % 115).unwrap_or(30));
            w.date(at.date_naive());
            w.time(at);
        }
    }
}

/// A message's text, in `body`: short, in French, with the words searches look for.
fn write_body(body: &mut String, rng: &mut Rng, author: Author, turn: usize) {
    let (a, b) = (rng.word(), rng.word());
    let _ = match (author, turn, rng.below(4)) {
        (Author::Customer, 0, 0) => write!(body, "Bonjour, {a} et {b} depuis hier soir."),
        (Author::Customer, 0, 1) => write!(body, "Toujours {a} ce matin, {b} aussi."),
        (Author::Customer, 0, 2) => write!(body, "Problème de {a}, merci de me rappeler."),
        (Author::Customer, 0, _) => write!(body, "Bonjour, {a} à vérifier ({b})."),
        (Author::Customer, _, 0) => write!(body, "Merci, tout fonctionne."),
        (Author::Customer, _, 1) => write!(body, "Voici la photo du {a}."),
        (Author::Customer, _, _) => write!(body, "Encore {a} ce soir, je suis disponible."),
        (Author::Agent, _, 0) => write!(body, "Nous regardons cela tout de suite."),
        (Author::Agent, _, 1) => write!(body, "Un technicien passe demain pour {a}."),
        (Author::Agent, _, 2) => write!(body, "Pouvez-vous nous envoyer une photo ?"),
        (Author::Agent, _, _) => write!(body, "C'est réglé ({a}), merci de confirmer."),
        (Author::Note, _, 0) => write!(body, "Note : {a} déjà signalé, voir contrat."),
        (Author::Note, _, _) => write!(body, "Pièce commandée : {a}."),
    };
}

//! Tickets: the board, one ticket with its thread, creating, replying, status, priority and
//! assignee changes, ratings and logged time.

use crate::api::{
    graphql, ApiError, AuthorKind, Channel, PresenceState, TicketCategory, TicketPriority,
    TicketStatus, TicketType,
};

// The owner of the ticket enums (see `operation!`).
operation!(
    Ticket,
    "graphql/ticket.graphql",
    extern_enums(),
    response_derives = "Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord"
);
operation!(
    BoardTickets,
    "graphql/board_tickets.graphql",
    skip_serializing_none,
    response_derives = "Clone, Debug, PartialEq, Eq, Hash",
    variables_derives = "Clone, Debug, Default, PartialEq"
);
operation!(
    ColumnTickets,
    "graphql/column_tickets.graphql",
    skip_serializing_none
);
operation!(ReplyToTicket, "graphql/reply.graphql");
operation!(ChangeTicketStatus, "graphql/change_status.graphql");
operation!(ChangeTicketPriority, "graphql/change_priority.graphql");
operation!(AssignTicket, "graphql/assign_ticket.graphql");
operation!(
    CreateTicket,
    "graphql/create_ticket.graphql",
    skip_serializing_none
);
operation!(
    RateTicket,
    "graphql/rate_ticket.graphql",
    skip_serializing_none
);
operation!(LogTime, "graphql/log_time.graphql", skip_serializing_none);
operation!(ReportPresence, "graphql/report_presence.graphql");
operation!(TicketEvents, "graphql/ticket_events.graphql");
operation!(TicketPresence, "graphql/ticket_presence.graphql");

enum_names!(
    TicketStatus,
    [NEW, OPEN, PENDING, RESOLVED, CLOSED, CANCELLED]
);
enum_names!(TicketPriority, [LOW, NORMAL, HIGH, URGENT]);
enum_names!(TicketType, [SUPPORT, SALES, INQUIRY]);
enum_names!(
    TicketCategory,
    [
        TECHNICAL,
        BILLING,
        SCHEDULING,
        COMPLAINT,
        INSTALLATION_ISSUE,
        NEW_LEAD,
        QUOTE_REQUEST,
        PRODUCT_INQUIRY,
        PARTNERSHIP_INQUIRY,
        INFORMATION,
        OTHER
    ]
);
enum_names!(PresenceState, [VIEWING, TYPING, LEFT]);
enum_names!(
    ticket::HistoryKind,
    [
        CREATED,
        STATUS_CHANGED,
        ASSIGNED,
        PRIORITY_CHANGED,
        DEPARTMENT_CHANGED,
        REOPENED,
        MERGED,
        LINKED,
        RATED,
        SLA_WARNING,
        SLA_BREACHED,
        ESCALATED,
        AUTO_CLOSED
    ]
);

impl TicketPriority {
    /// A lower-case name, used as a CSS class for the badge's colour.
    pub fn css_name(&self) -> String {
        self.as_str().to_lowercase()
    }
}

/// What a board card shows of a ticket.
pub type TicketSummary = board_tickets::TicketSummary;
/// A customer or a user named on a board card.
pub type PersonRef = board_tickets::TicketSummaryCustomer;
/// A ticket with its thread, for the ticket page.
pub type TicketDetail = ticket::TicketTicket;
/// One message of a ticket's thread.
pub type Message = ticket::TicketTicketMessages;
/// One change in a ticket's history.
pub type HistoryEntry = ticket::TicketTicketHistory;
/// Time worked on a ticket.
pub type TimeEntry = ticket::TicketTicketTimeEntries;
/// One agent's presence on a ticket.
pub type Presence = ticket::TicketTicketPresence;
/// A live event of the `ticketEvents` subscription, as it comes (see [`LiveTicketEvent`]).
pub type TicketEvent = ticket_events::TicketEventsTicketEvents;
/// What happened in a live ticket event.
pub type TicketEventKind = ticket_events::TicketEventKind;
/// What `createTicket` takes.
pub type CreateTicketInput = create_ticket::CreateTicketInput;
/// A newly created ticket.
pub type CreatedTicket = create_ticket::CreateTicketCreateTicket;
/// The filters of the board; unset ones are left out of the request.
pub type BoardFilter = board_tickets::TicketFilter;
/// What `replyToTicket` takes.
pub type ReplyInput = reply_to_ticket::ReplyInput;
/// What `logTime` takes.
pub type LogTimeInput = log_time::LogTimeInput;
/// What `rateTicket` takes.
pub type RateTicketInput = rate_ticket::RateTicketInput;
/// A ticket's rating, as `rateTicket` returns it.
pub type Rating = rate_ticket::RateTicketRateTicket;

/// A ticket as a mutation or a live event returns it: what a board card shows and where it
/// may go next. The documents share the `TicketSnapshot` fragment; each generates its own
/// copy of it, converted here into the live event's.
pub type TicketSnapshot = ticket_events::TicketSnapshot;

/// Converts one mutation's copy of the `TicketSnapshot` fragment into the live event's.
macro_rules! snapshot_from {
    ($($module:ident),*) => {$(
        same_fields!($module::TicketSnapshotCustomer => ticket_events::TicketSnapshotCustomer {
            id, display_name
        });
        same_fields!($module::TicketSnapshotAssignee => ticket_events::TicketSnapshotAssignee {
            id, display_name
        });
        same_fields!($module::TicketSnapshot => TicketSnapshot {
            id, number, subject, status, priority, ticket_type, updated_at, response_due_at,
            resolution_due_at, first_response_at, customer, assignee map, allowed_transitions
        });
    )*};
}
snapshot_from!(change_ticket_status, change_ticket_priority, assign_ticket);

same_fields!(ticket_events::TicketSnapshotCustomer => board_tickets::TicketSummaryCustomer {
    id, display_name
});
same_fields!(ticket_events::TicketSnapshotAssignee => board_tickets::TicketSummaryAssignee {
    id, display_name
});
same_fields!(ticket_events::TicketSnapshotAssignee => ticket::TicketTicketAssignee {
    id, display_name
});
// The board's card of a snapshot (which also says where the ticket may go next).
same_fields!(TicketSnapshot => TicketSummary {
    id, number, subject, status, priority, ticket_type, updated_at, response_due_at,
    resolution_due_at, first_response_at, customer, assignee map
});

same_fields!(reply_to_ticket::ReplyToTicketReplyToTicket => Message {
    id, body, author_kind, author_name, internal, created_at
});
same_fields!(ticket_events::TicketEventsTicketEventsMessage => Message {
    id, body, author_kind, author_name, internal, created_at
});
same_fields!(log_time::LogTimeLogTimeUser => ticket::TicketTicketTimeEntriesUser {
    display_name
});
same_fields!(log_time::LogTimeLogTime => TimeEntry {
    id, minutes, work_date, note, user map, created_at
});
same_fields!(ticket_presence::TicketPresenceTicketPresenceUser => ticket::TicketTicketPresenceUser {
    id, display_name
});
same_fields!(ticket_presence::TicketPresenceTicketPresence => Presence { state, user });

/// A live change to one ticket: what the ticket listeners of the tab's live feed receive
/// (a `RESYNC` names no ticket and never reaches them).
#[derive(Clone, Debug, PartialEq)]
pub struct TicketChange {
    /// What happened.
    pub kind: TicketEventKind,
    /// The ticket as it is now.
    pub ticket: TicketSnapshot,
    /// The message added, for `MESSAGE_ADDED`.
    pub message: Option<Message>,
}

/// What one `ticketEvents` event tells the app.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveTicketEvent {
    /// A ticket changed.
    Changed(Box<TicketChange>),
    /// Events were missed: what is shown must be loaded again.
    Resync,
}

impl From<TicketEvent> for LiveTicketEvent {
    /// A `RESYNC` is one; so is an event that names no ticket, whatever its kind: the app
    /// cannot tell what it changed, so it loads again rather than guess.
    fn from(event: TicketEvent) -> Self {
        match event.ticket {
            Some(ticket) if event.kind != TicketEventKind::RESYNC => {
                LiveTicketEvent::Changed(Box::new(TicketChange {
                    kind: event.kind,
                    ticket,
                    message: event.message.map(Into::into),
                }))
            }
            _ => LiveTicketEvent::Resync,
        }
    }
}

impl TicketChange {
    /// Whether the ticket is finished (resolved, closed or cancelled): such a change moves
    /// the reports' figures (resolution times, satisfaction).
    pub fn finishes(&self) -> bool {
        matches!(
            self.ticket.status,
            TicketStatus::RESOLVED | TicketStatus::CLOSED | TicketStatus::CANCELLED
        )
    }
}

impl TicketDetail {
    /// Takes the header fields of a snapshot of the same ticket, unless it is older than
    /// what the page shows (a live event may arrive after the mutation's own answer).
    pub fn apply_snapshot(&mut self, snapshot: &TicketSnapshot) {
        let summary = snapshot;
        if summary.updated_at < self.updated_at {
            return;
        }
        self.number.clone_from(&summary.number);
        self.subject.clone_from(&summary.subject);
        self.status.clone_from(&summary.status);
        self.priority.clone_from(&summary.priority);
        self.ticket_type.clone_from(&summary.ticket_type);
        self.updated_at.clone_from(&summary.updated_at);
        self.customer
            .display_name
            .clone_from(&summary.customer.display_name);
        self.assignee = summary.assignee.clone().map(Into::into);
        self.allowed_transitions
            .clone_from(&summary.allowed_transitions);
    }

    /// Appends a message to the thread unless it is already there (a reply comes back both
    /// from the mutation and from the live feed).
    pub fn add_message(&mut self, message: Message) {
        if !self.messages.iter().any(|known| known.id == message.id) {
            self.messages.push(message);
        }
    }
}

impl BoardFilter {
    /// Whether `ticket` belongs on a board with this filter: `None` when it cannot be told
    /// here (a full-text search, which only the server evaluates).
    pub fn matches(&self, ticket: &TicketSummary) -> Option<bool> {
        if self.search.is_some() {
            return None;
        }
        let priority = self
            .priority
            .as_ref()
            .is_none_or(|wanted| wanted.contains(&ticket.priority));
        let ticket_type = self
            .ticket_type
            .as_ref()
            .is_none_or(|wanted| wanted.contains(&ticket.ticket_type));
        let assignee = self.assignee_id.as_ref().is_none_or(|wanted| {
            ticket
                .assignee
                .as_ref()
                .is_some_and(|assignee| &assignee.id == wanted)
        });
        let unassigned = self.unassigned != Some(true) || ticket.assignee.is_none();
        Some(priority && ticket_type && assignee && unassigned)
    }

    /// Whether no filter is set (the board then shows every ticket).
    pub fn is_empty(&self) -> bool {
        *self == BoardFilter::default()
    }
}

/// One column of the board as loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnPage {
    /// The column's status.
    pub status: TicketStatus,
    /// Newest first.
    pub tickets: Vec<TicketSummary>,
    /// Where the column goes on, when it has more tickets.
    pub next: Option<String>,
}

// The column's copy of the card fragment, and the board's filter as the column takes it.
same_fields!(column_tickets::TicketSummaryCustomer => board_tickets::TicketSummaryCustomer {
    id, display_name
});
same_fields!(column_tickets::TicketSummaryAssignee => board_tickets::TicketSummaryAssignee {
    id, display_name
});
same_fields!(column_tickets::TicketSummary => TicketSummary {
    id, number, subject, status, priority, ticket_type, updated_at, response_due_at,
    resolution_due_at, first_response_at, customer, assignee map
});
same_fields!(BoardFilter => column_tickets::TicketFilter {
    status, priority, ticket_type, customer_id, assignee_id, unassigned, department_id,
    created_after, created_before, search
});

/// The board: per status, open work first, the newest tickets matching `filter`
/// (`board_tickets.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_board_tickets(filter: &BoardFilter) -> Result<Vec<ColumnPage>, ApiError> {
    let variables = board_tickets::Variables {
        filter: Some(filter.clone()),
    };
    let data = graphql::<BoardTickets>(variables).await?;
    Ok(data
        .board
        .into_iter()
        .map(|column| ColumnPage {
            status: column.status,
            tickets: column.tickets.nodes,
            next: column
                .tickets
                .page_info
                .end_cursor
                .filter(|_| column.tickets.page_info.has_next_page),
        })
        .collect())
}

/// The next tickets of the board's `status` column after the cursor `after`
/// (`column_tickets.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_column_tickets(
    filter: &BoardFilter,
    status: TicketStatus,
    after: String,
) -> Result<ColumnPage, ApiError> {
    let mut filter: column_tickets::TicketFilter = filter.clone().into();
    filter.status = Some(vec![status.clone()]);
    let variables = column_tickets::Variables {
        filter: Some(filter),
        after: Some(after),
    };
    let data = graphql::<ColumnTickets>(variables).await?;
    let page_info = data.tickets.page_info;
    Ok(ColumnPage {
        status,
        tickets: data.tickets.nodes.into_iter().map(Into::into).collect(),
        next: page_info.end_cursor.filter(|_| page_info.has_next_page),
    })
}

/// One ticket with its thread (`ticket.graphql`).
///
/// # Errors
///
/// `NOT_FOUND` when the ticket does not exist or is not visible to the caller, or any
/// [`ApiError`] of the call.
pub async fn fetch_ticket(id: &str) -> Result<TicketDetail, ApiError> {
    let data = graphql::<Ticket>(ticket::Variables { id: id.to_owned() }).await?;
    data.ticket
        .ok_or_else(|| ApiError::new("NOT_FOUND", format!("no ticket {id}")))
}

/// Adds a reply or an internal note to a ticket (`reply.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty body, `FORBIDDEN` for a customer's internal note, or any
/// [`ApiError`] of the call.
pub async fn reply_to_ticket(input: ReplyInput) -> Result<Message, ApiError> {
    let data = graphql::<ReplyToTicket>(reply_to_ticket::Variables { input }).await?;
    Ok(data.reply_to_ticket.into())
}

/// Moves a ticket to another status (`change_status.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` or `CONFLICT` for a move its workflow forbids, or any [`ApiError`] of
/// the call.
pub async fn change_ticket_status(
    ticket_id: &str,
    status: TicketStatus,
) -> Result<TicketSnapshot, ApiError> {
    let variables = change_ticket_status::Variables {
        ticket_id: ticket_id.to_owned(),
        status,
    };
    let data = graphql::<ChangeTicketStatus>(variables).await?;
    Ok(data.change_ticket_status.into())
}

/// Changes a ticket's priority (`change_priority.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn change_ticket_priority(
    ticket_id: &str,
    priority: TicketPriority,
) -> Result<TicketSnapshot, ApiError> {
    let variables = change_ticket_priority::Variables {
        ticket_id: ticket_id.to_owned(),
        priority,
    };
    let data = graphql::<ChangeTicketPriority>(variables).await?;
    Ok(data.change_ticket_priority.into())
}

/// Assigns a ticket, or unassigns it with `None` (`assign_ticket.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an unknown assignee, or any [`ApiError`] of the call.
pub async fn assign_ticket(
    ticket_id: &str,
    assignee_id: Option<&str>,
) -> Result<TicketSnapshot, ApiError> {
    let variables = assign_ticket::Variables {
        ticket_id: ticket_id.to_owned(),
        assignee_id: assignee_id.map(str::to_owned),
    };
    Ok(graphql::<AssignTicket>(variables)
        .await?
        .assign_ticket
        .into())
}

/// Opens a ticket (`create_ticket.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty subject or a missing customer, or any [`ApiError`].
pub async fn create_ticket(input: CreateTicketInput) -> Result<CreatedTicket, ApiError> {
    let data = graphql::<CreateTicket>(create_ticket::Variables { input }).await?;
    Ok(data.create_ticket)
}

/// Rates a resolved ticket as its customer (`rate_ticket.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` or `CONFLICT` when it cannot be rated (again), or any [`ApiError`].
pub async fn rate_ticket(input: RateTicketInput) -> Result<Rating, ApiError> {
    let data = graphql::<RateTicket>(rate_ticket::Variables { input }).await?;
    Ok(data.rate_ticket)
}

/// Logs time worked on a ticket (`log_time.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for minutes out of 1–1440, or any [`ApiError`] of the call.
pub async fn log_time(input: LogTimeInput) -> Result<TimeEntry, ApiError> {
    let data = graphql::<LogTime>(log_time::Variables { input }).await?;
    Ok(data.log_time.into())
}

/// Tells the other agents what the caller does on a ticket (`report_presence.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn report_presence(ticket_id: &str, state: PresenceState) -> Result<(), ApiError> {
    let variables = report_presence::Variables {
        ticket_id: ticket_id.to_owned(),
        state,
    };
    graphql::<ReportPresence>(variables).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_event_decodes() {
        let json = r#"{
            "kind": "MESSAGE_ADDED",
            "ticket": {
                "id": "7", "number": "SUP-2026-00007", "subject": "Printer",
                "status": "OPEN", "priority": "HIGH", "ticketType": "SUPPORT",
                "updatedAt": "2026-01-02T03:04:05Z",
                "responseDueAt": null, "resolutionDueAt": null, "firstResponseAt": null,
                "customer": {"id": "3", "displayName": "Ada Lovelace"},
                "assignee": null,
                "allowedTransitions": ["PENDING", "RESOLVED"]
            },
            "message": {
                "id": "11", "body": "Hello", "authorKind": "CUSTOMER",
                "authorName": "Ada Lovelace", "internal": false,
                "createdAt": "2026-01-02T03:04:05Z"
            }
        }"#;
        let event: TicketEvent = serde_json::from_str(json).unwrap();
        assert_eq!(event.kind, TicketEventKind::MESSAGE_ADDED);
        let LiveTicketEvent::Changed(change) = LiveTicketEvent::from(event) else {
            panic!("an event with a ticket is a change");
        };
        assert_eq!(change.ticket.number, "SUP-2026-00007");
        assert_eq!(
            change.ticket.allowed_transitions,
            vec![TicketStatus::PENDING, TicketStatus::RESOLVED]
        );
        assert!(!change.finishes());
        assert_eq!(
            change.message.map(|message| message.body).as_deref(),
            Some("Hello")
        );
        let _ = AuthorKind::CUSTOMER;
    }

    #[test]
    fn a_resync_names_no_ticket() {
        let event: TicketEvent =
            serde_json::from_str(r#"{"kind": "RESYNC", "ticket": null, "message": null}"#).unwrap();
        assert_eq!(event.kind, TicketEventKind::RESYNC);
        assert_eq!(LiveTicketEvent::from(event), LiveTicketEvent::Resync);
        // An event that names no ticket cannot be placed: it is loaded again too.
        let event: TicketEvent =
            serde_json::from_str(r#"{"kind": "UPDATED", "ticket": null, "message": null}"#)
                .unwrap();
        assert_eq!(LiveTicketEvent::from(event), LiveTicketEvent::Resync);
    }

    #[test]
    fn enum_names_are_the_wire_names() {
        for status in TicketStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(TicketStatus::parse(status.as_str()), Some(status));
        }
        for category in TicketCategory::ALL {
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
            assert_eq!(TicketCategory::parse(category.as_str()), Some(category));
        }
        assert_eq!(TicketPriority::parse("SOMEDAY"), None);
    }

    #[test]
    fn an_empty_filter_sends_nothing() {
        let filter = BoardFilter::default();
        assert!(filter.is_empty());
        let json = serde_json::to_value(board_tickets::Variables {
            filter: Some(filter),
        })
        .unwrap();
        assert_eq!(json, serde_json::json!({"filter": {}}));
        let filter = BoardFilter {
            priority: Some(vec![TicketPriority::HIGH]),
            unassigned: Some(true),
            ..BoardFilter::default()
        };
        let json = serde_json::to_value(board_tickets::Variables {
            filter: Some(filter),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"filter": {"priority": ["HIGH"], "unassigned": true}})
        );
    }
}

//! Tickets: the board, one ticket with its thread, replies and status changes.

use serde::{Deserialize, Serialize};

use crate::api::{graphql, ApiError, NoVariables};

const BOARD_TICKETS: &str = include_str!("../../graphql/board_tickets.graphql");
const TICKET: &str = include_str!("../../graphql/ticket.graphql");
const REPLY: &str = include_str!("../../graphql/reply.graphql");
const CHANGE_STATUS: &str = include_str!("../../graphql/change_status.graphql");

/// Where a ticket stands in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
    Cancelled,
}

impl TicketStatus {
    /// Every status, in the order of the board's columns.
    pub const ALL: [TicketStatus; 6] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Resolved,
        TicketStatus::Closed,
        TicketStatus::Cancelled,
    ];

    /// The schema's name of the status (`OPEN`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "NEW",
            TicketStatus::Open => "OPEN",
            TicketStatus::Pending => "PENDING",
            TicketStatus::Resolved => "RESOLVED",
            TicketStatus::Closed => "CLOSED",
            TicketStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses a name written by [`TicketStatus::as_str`].
    pub fn parse(name: &str) -> Option<TicketStatus> {
        TicketStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// How urgent a ticket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketPriority {
    Low,
    Normal,
    High,
    Urgent,
}

impl TicketPriority {
    /// A lower-case name, used as a CSS class for the badge's colour.
    pub fn css_name(self) -> &'static str {
        match self {
            TicketPriority::Low => "low",
            TicketPriority::Normal => "normal",
            TicketPriority::High => "high",
            TicketPriority::Urgent => "urgent",
        }
    }
}

/// The workflow a ticket follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketType {
    Support,
    Sales,
    Inquiry,
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorKind {
    Customer,
    Agent,
    System,
}

/// What happened to a ticket, in a live event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketEventKind {
    Created,
    Updated,
    MessageAdded,
    Assigned,
}

/// A customer or a user, by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRef {
    pub id: String,
    pub display_name: String,
}

/// What a board card shows of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketSummary {
    pub id: String,
    pub number: String,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub ticket_type: TicketType,
    /// RFC 3339, UTC.
    pub updated_at: String,
    pub customer: PersonRef,
    pub assignee: Option<PersonRef>,
}

/// A ticket as a mutation or a live event returns it: its summary and where it may go next.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketSnapshot {
    #[serde(flatten)]
    pub summary: TicketSummary,
    pub allowed_transitions: Vec<TicketStatus>,
}

/// A customer, with the ways to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerContact {
    pub id: String,
    pub display_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// One message of a ticket's thread.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub body: String,
    pub author_kind: AuthorKind,
    pub author_name: String,
    pub internal: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A ticket with its thread, for the ticket page.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    pub id: String,
    pub number: String,
    pub subject: String,
    pub description: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub ticket_type: TicketType,
    pub created_at: String,
    pub updated_at: String,
    pub customer: CustomerContact,
    pub assignee: Option<PersonRef>,
    /// Oldest first.
    pub messages: Vec<Message>,
    pub allowed_transitions: Vec<TicketStatus>,
}

impl TicketDetail {
    /// Takes the header fields of a snapshot of the same ticket, unless it is older than
    /// what the page shows (a live event may arrive after the mutation's own answer).
    pub fn apply_snapshot(&mut self, snapshot: &TicketSnapshot) {
        let summary = &snapshot.summary;
        if summary.updated_at < self.updated_at {
            return;
        }
        self.number.clone_from(&summary.number);
        self.subject.clone_from(&summary.subject);
        self.status = summary.status;
        self.priority = summary.priority;
        self.ticket_type = summary.ticket_type;
        self.updated_at.clone_from(&summary.updated_at);
        self.customer
            .display_name
            .clone_from(&summary.customer.display_name);
        self.assignee.clone_from(&summary.assignee);
        self.allowed_transitions
            .clone_from(&snapshot.allowed_transitions);
    }

    /// Appends a message to the thread unless it is already there (a reply comes back both
    /// from the mutation and from the live feed).
    pub fn add_message(&mut self, message: Message) {
        if !self.messages.iter().any(|known| known.id == message.id) {
            self.messages.push(message);
        }
    }
}

/// A live event of the `ticketEvents` subscription.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketEvent {
    pub kind: TicketEventKind,
    pub ticket: TicketSnapshot,
    pub message: Option<Message>,
}

/// The board's tickets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardPage {
    /// Newest first.
    pub tickets: Vec<TicketSummary>,
    /// Whether more tickets exist than the board shows.
    pub truncated: bool,
}

#[derive(Deserialize)]
struct BoardData {
    tickets: BoardConnection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BoardConnection {
    nodes: Vec<TicketSummary>,
    page_info: PageInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
}

#[derive(Serialize)]
struct TicketVariables<'a> {
    id: &'a str,
}

#[derive(Deserialize)]
struct TicketData {
    ticket: Option<TicketDetail>,
}

/// What `replyToTicket` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyInput {
    pub ticket_id: String,
    pub body: String,
    pub internal: bool,
}

#[derive(Serialize)]
struct ReplyVariables<'a> {
    input: &'a ReplyInput,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplyData {
    reply_to_ticket: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeStatusVariables<'a> {
    ticket_id: &'a str,
    status: TicketStatus,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangeStatusData {
    change_ticket_status: TicketSnapshot,
}

/// The newest 100 tickets for the board (`board_tickets.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_board_tickets() -> Result<BoardPage, ApiError> {
    let data: BoardData = graphql(BOARD_TICKETS, NoVariables {}).await?;
    Ok(BoardPage {
        tickets: data.tickets.nodes,
        truncated: data.tickets.page_info.has_next_page,
    })
}

/// One ticket with its thread (`ticket.graphql`).
///
/// # Errors
///
/// `NOT_FOUND` when the ticket does not exist or is not visible to the caller, or any
/// [`ApiError`] of the call.
pub async fn fetch_ticket(id: &str) -> Result<TicketDetail, ApiError> {
    let data: TicketData = graphql(TICKET, TicketVariables { id }).await?;
    data.ticket
        .ok_or_else(|| ApiError::new("NOT_FOUND", format!("no ticket {id}")))
}

/// Adds a reply or an internal note to a ticket (`reply.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty body, `FORBIDDEN` for a customer's internal note, or any
/// [`ApiError`] of the call.
pub async fn reply_to_ticket(input: &ReplyInput) -> Result<Message, ApiError> {
    let data: ReplyData = graphql(REPLY, ReplyVariables { input }).await?;
    Ok(data.reply_to_ticket)
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
    let variables = ChangeStatusVariables { ticket_id, status };
    let data: ChangeStatusData = graphql(CHANGE_STATUS, variables).await?;
    Ok(data.change_ticket_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }

    #[test]
    fn a_live_event_decodes() {
        let json = r#"{
            "kind": "MESSAGE_ADDED",
            "ticket": {
                "id": "7", "number": "SUP-2026-00007", "subject": "Printer",
                "status": "OPEN", "priority": "HIGH", "ticketType": "SUPPORT",
                "updatedAt": "2026-01-02T03:04:05Z",
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
        assert_eq!(event.kind, TicketEventKind::MessageAdded);
        assert_eq!(event.ticket.summary.number, "SUP-2026-00007");
        assert_eq!(
            event.ticket.allowed_transitions,
            vec![TicketStatus::Pending, TicketStatus::Resolved]
        );
        assert_eq!(
            event.message.map(|message| message.body).as_deref(),
            Some("Hello")
        );
    }

    #[test]
    fn reply_input_uses_the_schema_names() {
        let input = ReplyInput {
            ticket_id: "7".into(),
            body: "Hi".into(),
            internal: true,
        };
        let json = serde_json::to_value(ReplyVariables { input: &input }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"input": {"ticketId": "7", "body": "Hi", "internal": true}})
        );
    }
}

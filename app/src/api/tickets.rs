//! Tickets: the board, one ticket with its thread, creating, replying, status, priority and
//! assignee changes, ratings and logged time.

use serde::{Deserialize, Serialize};

use crate::api::attachments::Attachment;
use crate::api::{graphql, ApiError};

const BOARD_TICKETS: &str = include_str!("../../graphql/board_tickets.graphql");
const TICKET: &str = include_str!("../../graphql/ticket.graphql");
const REPLY: &str = include_str!("../../graphql/reply.graphql");
const CHANGE_STATUS: &str = include_str!("../../graphql/change_status.graphql");
const CHANGE_PRIORITY: &str = include_str!("../../graphql/change_priority.graphql");
const ASSIGN_TICKET: &str = include_str!("../../graphql/assign_ticket.graphql");
const CREATE_TICKET: &str = include_str!("../../graphql/create_ticket.graphql");
const RATE_TICKET: &str = include_str!("../../graphql/rate_ticket.graphql");
const LOG_TIME: &str = include_str!("../../graphql/log_time.graphql");
const REPORT_PRESENCE: &str = include_str!("../../graphql/report_presence.graphql");

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
    /// Every priority, least urgent first.
    pub const ALL: [TicketPriority; 4] = [
        TicketPriority::Low,
        TicketPriority::Normal,
        TicketPriority::High,
        TicketPriority::Urgent,
    ];

    /// The schema's name of the priority (`HIGH`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketPriority::Low => "LOW",
            TicketPriority::Normal => "NORMAL",
            TicketPriority::High => "HIGH",
            TicketPriority::Urgent => "URGENT",
        }
    }

    /// Parses a name written by [`TicketPriority::as_str`].
    pub fn parse(name: &str) -> Option<TicketPriority> {
        TicketPriority::ALL
            .into_iter()
            .find(|priority| priority.as_str() == name)
    }

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

impl TicketType {
    /// Every type.
    pub const ALL: [TicketType; 3] = [TicketType::Support, TicketType::Sales, TicketType::Inquiry];

    /// The schema's name of the type (`SUPPORT`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketType::Support => "SUPPORT",
            TicketType::Sales => "SALES",
            TicketType::Inquiry => "INQUIRY",
        }
    }

    /// Parses a name written by [`TicketType::as_str`].
    pub fn parse(name: &str) -> Option<TicketType> {
        TicketType::ALL
            .into_iter()
            .find(|ticket_type| ticket_type.as_str() == name)
    }
}

/// What a ticket is about; decides its department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketCategory {
    Technical,
    Billing,
    Scheduling,
    Complaint,
    InstallationIssue,
    NewLead,
    QuoteRequest,
    ProductInquiry,
    PartnershipInquiry,
    Information,
    Other,
}

impl TicketCategory {
    /// Every category, in the order of the schema.
    pub const ALL: [TicketCategory; 11] = [
        TicketCategory::Technical,
        TicketCategory::Billing,
        TicketCategory::Scheduling,
        TicketCategory::Complaint,
        TicketCategory::InstallationIssue,
        TicketCategory::NewLead,
        TicketCategory::QuoteRequest,
        TicketCategory::ProductInquiry,
        TicketCategory::PartnershipInquiry,
        TicketCategory::Information,
        TicketCategory::Other,
    ];

    /// The schema's name of the category (`BILLING`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketCategory::Technical => "TECHNICAL",
            TicketCategory::Billing => "BILLING",
            TicketCategory::Scheduling => "SCHEDULING",
            TicketCategory::Complaint => "COMPLAINT",
            TicketCategory::InstallationIssue => "INSTALLATION_ISSUE",
            TicketCategory::NewLead => "NEW_LEAD",
            TicketCategory::QuoteRequest => "QUOTE_REQUEST",
            TicketCategory::ProductInquiry => "PRODUCT_INQUIRY",
            TicketCategory::PartnershipInquiry => "PARTNERSHIP_INQUIRY",
            TicketCategory::Information => "INFORMATION",
            TicketCategory::Other => "OTHER",
        }
    }

    /// Parses a name written by [`TicketCategory::as_str`].
    pub fn parse(name: &str) -> Option<TicketCategory> {
        TicketCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == name)
    }
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
    /// RFC 3339 deadlines, when the type has an SLA.
    #[serde(default)]
    pub response_due_at: Option<String>,
    #[serde(default)]
    pub resolution_due_at: Option<String>,
    /// When the first public agent reply was sent.
    #[serde(default)]
    pub first_response_at: Option<String>,
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

/// A user named in a history entry or a time entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserName {
    pub display_name: String,
}

/// One change in a ticket's history.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    /// The schema's `HistoryKind` name (`STATUS_CHANGED`, …), kept as text so that a kind
    /// added to the server does not break the page.
    pub kind: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    /// None for the system.
    pub actor: Option<UserName>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Time worked on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeEntry {
    pub id: String,
    pub minutes: i32,
    /// `YYYY-MM-DD`.
    pub work_date: String,
    pub note: Option<String>,
    pub user: Option<UserName>,
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
    pub category: TicketCategory,
    pub created_at: String,
    pub updated_at: String,
    /// When the first agent reply is due (RFC 3339).
    pub response_due_at: Option<String>,
    /// When the ticket must be resolved (RFC 3339).
    pub resolution_due_at: Option<String>,
    /// When an agent first answered publicly (RFC 3339).
    pub first_response_at: Option<String>,
    pub customer: CustomerContact,
    pub assignee: Option<PersonRef>,
    /// Oldest first.
    pub messages: Vec<Message>,
    pub allowed_transitions: Vec<TicketStatus>,
    /// 1 to 5 stars, once the customer rated the ticket.
    pub satisfaction_rating: Option<i32>,
    pub satisfaction_comment: Option<String>,
    /// Oldest first; empty for customers.
    pub history: Vec<HistoryEntry>,
    /// Empty for customers.
    pub time_entries: Vec<TimeEntry>,
    /// 0 for customers.
    pub logged_minutes: i32,
    /// Oldest first.
    pub attachments: Vec<Attachment>,
    /// The agents on the ticket when it was loaded (staff; empty for customers).
    #[serde(default)]
    pub presence: Vec<TicketPresence>,
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

/// What `createTicket` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTicketInput {
    pub ticket_type: TicketType,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub subject: String,
    pub description: String,
    /// Required for staff; none for customers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// The filters of the board; unset ones are left out of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardFilter {
    /// Full text over subject, description and messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Vec<TicketPriority>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<Vec<TicketType>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unassigned: Option<bool>,
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

/// What `logTime` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogTimeInput {
    pub ticket_id: String,
    pub minutes: i32,
    /// `YYYY-MM-DD`; today when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What `rateTicket` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateTicketInput {
    pub ticket_id: String,
    pub rating: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A ticket's rating, as `rateTicket` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub satisfaction_rating: Option<i32>,
    pub satisfaction_comment: Option<String>,
}

/// A newly created ticket.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreatedTicket {
    pub id: String,
    pub number: String,
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

#[derive(Serialize)]
struct BoardVariables<'a> {
    filter: &'a BoardFilter,
}

#[derive(Serialize)]
struct InputVariables<'a, T> {
    input: &'a T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangePriorityVariables<'a> {
    ticket_id: &'a str,
    priority: TicketPriority,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePriorityData {
    change_ticket_priority: TicketSnapshot,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssignVariables<'a> {
    ticket_id: &'a str,
    assignee_id: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignData {
    assign_ticket: TicketSnapshot,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTicketData {
    create_ticket: CreatedTicket,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RateTicketData {
    rate_ticket: Rating,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogTimeData {
    log_time: TimeEntry,
}

/// The newest 100 tickets matching `filter`, for the board (`board_tickets.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_board_tickets(filter: &BoardFilter) -> Result<BoardPage, ApiError> {
    let data: BoardData = graphql(BOARD_TICKETS, BoardVariables { filter }).await?;
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

/// Changes a ticket's priority (`change_priority.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn change_ticket_priority(
    ticket_id: &str,
    priority: TicketPriority,
) -> Result<TicketSnapshot, ApiError> {
    let variables = ChangePriorityVariables {
        ticket_id,
        priority,
    };
    let data: ChangePriorityData = graphql(CHANGE_PRIORITY, variables).await?;
    Ok(data.change_ticket_priority)
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
    let variables = AssignVariables {
        ticket_id,
        assignee_id,
    };
    let data: AssignData = graphql(ASSIGN_TICKET, variables).await?;
    Ok(data.assign_ticket)
}

/// Opens a ticket (`create_ticket.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty subject or a missing customer, or any [`ApiError`].
pub async fn create_ticket(input: &CreateTicketInput) -> Result<CreatedTicket, ApiError> {
    let data: CreateTicketData = graphql(CREATE_TICKET, InputVariables { input }).await?;
    Ok(data.create_ticket)
}

/// Rates a resolved ticket as its customer (`rate_ticket.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` or `CONFLICT` when it cannot be rated (again), or any [`ApiError`].
pub async fn rate_ticket(input: &RateTicketInput) -> Result<Rating, ApiError> {
    let data: RateTicketData = graphql(RATE_TICKET, InputVariables { input }).await?;
    Ok(data.rate_ticket)
}

/// Logs time worked on a ticket (`log_time.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for minutes out of 1–1440, or any [`ApiError`] of the call.
pub async fn log_time(input: &LogTimeInput) -> Result<TimeEntry, ApiError> {
    let data: LogTimeData = graphql(LOG_TIME, InputVariables { input }).await?;
    Ok(data.log_time)
}

/// What an agent does on a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PresenceState {
    Viewing,
    Typing,
    Left,
}

/// One agent's presence on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketPresence {
    #[serde(default)]
    pub ticket_id: String,
    pub state: PresenceState,
    pub user: PersonRef,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PresenceVariables<'a> {
    ticket_id: &'a str,
    state: PresenceState,
}

/// Tells the other agents what the caller does on a ticket (`report_presence.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn report_presence(ticket_id: &str, state: PresenceState) -> Result<(), ApiError> {
    let _: serde_json::Value =
        graphql(REPORT_PRESENCE, PresenceVariables { ticket_id, state }).await?;
    Ok(())
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

    #[test]
    fn an_empty_filter_sends_nothing() {
        let filter = BoardFilter::default();
        assert!(filter.is_empty());
        let json = serde_json::to_value(BoardVariables { filter: &filter }).unwrap();
        assert_eq!(json, serde_json::json!({"filter": {}}));
        let filter = BoardFilter {
            priority: Some(vec![TicketPriority::High]),
            unassigned: Some(true),
            ..BoardFilter::default()
        };
        let json = serde_json::to_value(BoardVariables { filter: &filter }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"filter": {"priority": ["HIGH"], "unassigned": true}})
        );
    }

    #[test]
    fn enums_round_trip_through_their_names() {
        for priority in TicketPriority::ALL {
            assert_eq!(TicketPriority::parse(priority.as_str()), Some(priority));
        }
        for ticket_type in TicketType::ALL {
            assert_eq!(TicketType::parse(ticket_type.as_str()), Some(ticket_type));
        }
        for category in TicketCategory::ALL {
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
            assert_eq!(TicketCategory::parse(category.as_str()), Some(category));
        }
    }
}

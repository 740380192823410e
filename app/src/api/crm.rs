//! The CRM and sales: customers' cards and the leads board.

use serde::{Deserialize, Serialize};

use crate::api::{graphql, ApiError, NoVariables};

const CUSTOMERS: &str = include_str!("../../graphql/crm_customers.graphql");
const CUSTOMER_CARD: &str = include_str!("../../graphql/customer_card.graphql");
const UPDATE_CUSTOMER: &str = include_str!("../../graphql/update_customer.graphql");
const ADD_NOTE: &str = include_str!("../../graphql/add_customer_note.graphql");
const ADD_TAGS: &str = include_str!("../../graphql/add_customer_tags.graphql");
const REMOVE_TAG: &str = include_str!("../../graphql/remove_customer_tag.graphql");
const LEADS_BOARD: &str = include_str!("../../graphql/leads_board.graphql");
const MOVE_LEAD: &str = include_str!("../../graphql/move_lead.graphql");
const WIN_LEAD: &str = include_str!("../../graphql/win_lead.graphql");
const LOSE_LEAD: &str = include_str!("../../graphql/lose_lead.graphql");
const CONVERT_TICKET: &str = include_str!("../../graphql/convert_ticket_to_lead.graphql");
const LOG_ACTIVITY: &str = include_str!("../../graphql/log_customer_activity.graphql");
const SCHEDULE_MEETING: &str = include_str!("../../graphql/schedule_meeting.graphql");

/// The commercial segment of a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Segment {
    /// Not a client yet.
    Prospect,
    /// A client.
    Client,
    /// A very important client.
    Vip,
}

impl Segment {
    /// Every segment, in order.
    pub const ALL: [Segment; 3] = [Segment::Prospect, Segment::Client, Segment::Vip];

    /// The API's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Prospect => "PROSPECT",
            Segment::Client => "CLIENT",
            Segment::Vip => "VIP",
        }
    }

    /// Parses [`Segment::as_str`].
    pub fn parse(value: &str) -> Option<Segment> {
        Segment::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A pipeline stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stage {
    /// A raw lead.
    Lead,
    /// Qualified.
    Qualified,
    /// A proposal was sent.
    Proposal,
    /// Negotiating.
    Negotiation,
    /// Won.
    Won,
    /// Lost.
    Lost,
}

impl Stage {
    /// The stages a card can be moved to by hand.
    pub const OPEN: [Stage; 4] = [
        Stage::Lead,
        Stage::Qualified,
        Stage::Proposal,
        Stage::Negotiation,
    ];

    /// The API's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "LEAD",
            Stage::Qualified => "QUALIFIED",
            Stage::Proposal => "PROPOSAL",
            Stage::Negotiation => "NEGOTIATION",
            Stage::Won => "WON",
            Stage::Lost => "LOST",
        }
    }

    /// Parses [`Stage::as_str`].
    pub fn parse(value: &str) -> Option<Stage> {
        Stage::OPEN
            .into_iter()
            .chain([Stage::Won, Stage::Lost])
            .find(|s| s.as_str() == value)
    }
}

/// A row of the customer list.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRow {
    pub id: String,
    pub display_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub segment: Segment,
    pub total_orders: i32,
    pub total_revenue: String,
    pub last_contact_at: Option<String>,
    pub notes_count: i64,
    pub activities_count: i64,
    pub tags: Vec<String>,
}

/// One interaction of a customer's timeline.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// `ACTIVITY`, `NOTE`, `TICKET`, `MESSAGE`, `LEAD` or `MEETING`.
    pub kind: String,
    pub at: String,
    pub title: String,
    pub detail: Option<String>,
    pub activity_kind: Option<String>,
    pub channel: Option<String>,
    pub ticket_id: Option<String>,
    pub lead_id: Option<String>,
}

/// A customer's card.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCard {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub segment: Segment,
    pub status: String,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub currency: String,
    pub total_orders: i32,
    pub total_revenue: String,
    pub last_contact_at: Option<String>,
    pub last_order_at: Option<String>,
    pub notes_count: i64,
    pub activities_count: i64,
    pub tags: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
}

/// The card's editable details.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDetails {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub segment: Segment,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
}

/// A column of the pipeline.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineStage {
    pub stage: Stage,
    pub count: i64,
    pub total_value: String,
    pub weighted_value: String,
}

/// The customer of a lead card.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadCustomer {
    pub id: String,
    pub display_name: String,
}

/// A card of the leads board.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadCard {
    pub id: String,
    pub stage: Stage,
    pub status: String,
    pub opportunity_value: Option<String>,
    pub weighted_value: Option<String>,
    pub conversion_probability: Option<i32>,
    pub currency: String,
    pub source: Option<String>,
    pub customer: LeadCustomer,
}

/// The leads board: columns and cards.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LeadsBoard {
    pub pipeline: Vec<PipelineStage>,
    pub leads: Vec<LeadCard>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomersVariables<'a> {
    search: &'a str,
    filter: serde_json::Value,
    first: i32,
}

#[derive(Deserialize)]
struct CustomersData {
    customers: Vec<CustomerRow>,
}

/// Customers matching `search`, in `segment` if given (`crm_customers.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_customers(
    search: &str,
    segment: Option<Segment>,
) -> Result<Vec<CustomerRow>, ApiError> {
    let filter = match segment {
        Some(segment) => serde_json::json!({ "segment": [segment.as_str()] }),
        None => serde_json::json!({}),
    };
    let data: CustomersData = graphql(
        CUSTOMERS,
        CustomersVariables {
            search,
            filter,
            first: 100,
        },
    )
    .await?;
    Ok(data.customers)
}

#[derive(Serialize)]
struct IdVariables<'a> {
    id: &'a str,
}

#[derive(Deserialize)]
struct CardData {
    customer: Option<CustomerCard>,
}

/// One customer's card (`customer_card.graphql`).
///
/// # Errors
///
/// `NOT_FOUND` when there is no such customer, or any [`ApiError`] of the call.
pub async fn fetch_customer_card(id: &str) -> Result<CustomerCard, ApiError> {
    let data: CardData = graphql(CUSTOMER_CARD, IdVariables { id }).await?;
    data.customer
        .ok_or_else(|| ApiError::new("NOT_FOUND", "customer not found"))
}

#[derive(Serialize)]
struct UpdateVariables<'a> {
    id: &'a str,
    input: &'a CustomerDetails,
}

/// Saves the card's details (`update_customer.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, `CONFLICT`, or any [`ApiError`] of the call.
pub async fn update_customer(id: &str, input: &CustomerDetails) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(UPDATE_CUSTOMER, UpdateVariables { id, input }).await?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoteVariables<'a> {
    customer_id: &'a str,
    content: &'a str,
}

/// Adds a note (`add_customer_note.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty note, or any [`ApiError`] of the call.
pub async fn add_note(customer_id: &str, content: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(
        ADD_NOTE,
        NoteVariables {
            customer_id,
            content,
        },
    )
    .await?;
    Ok(())
}

/// The kinds of interaction an agent records by hand (the others are recorded by Guichet).
pub const ACTIVITY_KINDS: [&str; 4] = ["CALL", "EMAIL", "VISIT", "MESSAGE_RECEIVED"];

/// The channels an interaction can come through.
pub const CHANNELS: [&str; 6] = ["PHONE", "EMAIL", "SMS", "WHATSAPP", "TELEGRAM", "WEB"];

/// An interaction to record.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityInput {
    pub customer_id: String,
    /// One of [`ACTIVITY_KINDS`].
    pub kind: String,
    /// One of [`CHANNELS`].
    pub channel: Option<String>,
    pub description: Option<String>,
}

#[derive(Serialize)]
struct InputVariables<'a, T> {
    input: &'a T,
}

/// Records an interaction (`log_customer_activity.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, or any [`ApiError`] of the call.
pub async fn log_activity(input: &ActivityInput) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(LOG_ACTIVITY, InputVariables { input }).await?;
    Ok(())
}

/// A meeting to schedule on a lead.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingInput {
    pub lead_id: String,
    pub title: String,
    /// RFC 3339, UTC.
    pub scheduled_at: String,
    pub duration_minutes: i32,
    pub location: Option<String>,
}

/// Schedules a meeting (`schedule_meeting.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` (no title, a bad duration…), or any [`ApiError`] of the call.
pub async fn schedule_meeting(input: &MeetingInput) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(SCHEDULE_MEETING, InputVariables { input }).await?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TagsVariables<'a> {
    customer_id: &'a str,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TagVariables<'a> {
    customer_id: &'a str,
    tag: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddTagsData {
    add_customer_tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoveTagData {
    remove_customer_tag: Vec<String>,
}

/// Adds a tag; returns the customer's tags (`add_customer_tags.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn add_tag(customer_id: &str, tag: &str) -> Result<Vec<String>, ApiError> {
    let data: AddTagsData = graphql(
        ADD_TAGS,
        TagsVariables {
            customer_id,
            tags: vec![tag],
        },
    )
    .await?;
    Ok(data.add_customer_tags)
}

/// Removes a tag; returns the customer's tags (`remove_customer_tag.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn remove_tag(customer_id: &str, tag: &str) -> Result<Vec<String>, ApiError> {
    let data: RemoveTagData = graphql(REMOVE_TAG, TagVariables { customer_id, tag }).await?;
    Ok(data.remove_customer_tag)
}

/// The leads board (`leads_board.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_leads_board() -> Result<LeadsBoard, ApiError> {
    graphql(LEADS_BOARD, NoVariables {}).await
}

#[derive(Serialize)]
struct MoveVariables<'a> {
    id: &'a str,
    stage: Stage,
}

/// Moves a lead to an open stage (`move_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, `CONFLICT`, or any [`ApiError`] of the call.
pub async fn move_lead(id: &str, stage: Stage) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(MOVE_LEAD, MoveVariables { id, stage }).await?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WinVariables<'a> {
    id: &'a str,
    order_amount: &'a str,
}

/// Wins a lead with an order of `amount` (`win_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for a bad amount, `CONFLICT` for a closed lead, or any [`ApiError`].
pub async fn win_lead(id: &str, amount: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(
        WIN_LEAD,
        WinVariables {
            id,
            order_amount: amount,
        },
    )
    .await?;
    Ok(())
}

#[derive(Serialize)]
struct LoseVariables<'a> {
    id: &'a str,
    reason: &'a str,
}

/// Loses a lead (`lose_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty reason, `CONFLICT` for a closed lead, or any [`ApiError`].
pub async fn lose_lead(id: &str, reason: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(LOSE_LEAD, LoseVariables { id, reason }).await?;
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConvertVariables<'a> {
    ticket_id: &'a str,
}

/// Turns a sales ticket into a lead (`convert_ticket_to_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for other ticket types, `CONFLICT` when it already has a lead, or any
/// [`ApiError`] of the call.
pub async fn convert_ticket_to_lead(ticket_id: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(CONVERT_TICKET, ConvertVariables { ticket_id }).await?;
    Ok(())
}

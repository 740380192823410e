//! The CRM and sales: customers' cards and the leads board.

use crate::api::{
    graphql, ActivityKind, ApiError, Channel, CrmEventKind, CustomerSegment, LeadStage,
};

operation!(
    CrmCustomers,
    "graphql/crm_customers.graphql",
    skip_serializing_none
);
// The owner of `CustomerSegment`, `ActivityKind` and `Channel` (see `operation!`); it
// takes `LeadStage` from its owner.
operation!(
    CustomerCard,
    "graphql/customer_card.graphql",
    extern_enums("LeadStage")
);
operation!(UpdateCustomer, "graphql/update_customer.graphql");
operation!(AddCustomerNote, "graphql/add_customer_note.graphql");
operation!(AddCustomerTags, "graphql/add_customer_tags.graphql");
operation!(RemoveCustomerTag, "graphql/remove_customer_tag.graphql");
// The owner of `CrmEventKind` (see `operation!`).
operation!(LeadEvents, "graphql/lead_events.graphql", extern_enums());
operation!(CustomerEvents, "graphql/customer_events.graphql");
// The owner of `LeadStage` (see `operation!`).
operation!(LeadsBoard, "graphql/leads_board.graphql", extern_enums());
operation!(MoveLead, "graphql/move_lead.graphql");
operation!(WinLead, "graphql/win_lead.graphql");
operation!(LoseLead, "graphql/lose_lead.graphql");
operation!(
    ConvertTicketToLead,
    "graphql/convert_ticket_to_lead.graphql"
);
operation!(
    LogCustomerActivity,
    "graphql/log_customer_activity.graphql",
    skip_serializing_none
);
operation!(
    ScheduleMeeting,
    "graphql/schedule_meeting.graphql",
    skip_serializing_none
);

/// The commercial segment of a customer.
pub type Segment = CustomerSegment;
/// A pipeline stage.
pub type Stage = LeadStage;

enum_names!(CustomerSegment, [PROSPECT, CLIENT, VIP]);
enum_names!(
    LeadStage,
    [LEAD, QUALIFIED, PROPOSAL, NEGOTIATION, WON, LOST]
);
enum_names!(
    ActivityKind,
    [MESSAGE_RECEIVED, EMAIL, CALL, VISIT, NOTE, TICKET, ORDER]
);
enum_names!(
    Channel,
    [WEB, EMAIL, PHONE, SMS, WHATSAPP, TELEGRAM, CHAT, API]
);
enum_names!(
    customer_card::TimelineKind,
    [ACTIVITY, NOTE, TICKET, MESSAGE, LEAD, MEETING]
);

impl LeadStage {
    /// The stages a card can be moved to by hand.
    pub const OPEN: [LeadStage; 4] = [
        LeadStage::LEAD,
        LeadStage::QUALIFIED,
        LeadStage::PROPOSAL,
        LeadStage::NEGOTIATION,
    ];
}

/// The kinds of interaction an agent records by hand (the others are recorded by Guichet).
pub const ACTIVITY_KINDS: [ActivityKind; 4] = [
    ActivityKind::CALL,
    ActivityKind::EMAIL,
    ActivityKind::VISIT,
    ActivityKind::MESSAGE_RECEIVED,
];

/// The channels an interaction can come through, as the form offers them.
pub const CHANNELS: [Channel; 6] = [
    Channel::PHONE,
    Channel::EMAIL,
    Channel::SMS,
    Channel::WHATSAPP,
    Channel::TELEGRAM,
    Channel::WEB,
];

/// A change to one of the tenant's leads.
pub type LeadEvent = lead_events::LeadEventsLeadEvents;
/// A change to a customer.
pub type CustomerEvent = customer_events::CustomerEventsCustomerEvents;

/// A row of the customer list.
pub type CustomerRow = crm_customers::CrmCustomersCustomers;
/// A customer's card.
pub type Card = customer_card::CustomerCardCustomer;
/// One interaction of a customer's timeline.
pub type TimelineEntry = customer_card::CustomerCardCustomerTimeline;
/// The card's editable details.
pub type CustomerDetails = update_customer::Variables;
/// The leads board: columns and cards.
pub type Board = leads_board::ResponseData;
/// A column of the pipeline.
pub type PipelineStage = leads_board::LeadsBoardPipeline;
/// A card of the leads board.
pub type LeadCard = leads_board::LeadsBoardLeads;
/// An interaction to record.
pub type ActivityInput = log_customer_activity::LogActivityInput;
/// A meeting to schedule on a lead.
pub type MeetingInput = schedule_meeting::ScheduleMeetingInput;

/// What one `customerEvents` event tells a customer's card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveCustomerEvent {
    /// The customer of this id was created or changed (details, notes, interactions,
    /// tags…): what shows it must be loaded again.
    Changed(String),
    /// Events were missed: what is shown must be loaded again.
    Resync,
}

impl From<CustomerEvent> for LiveCustomerEvent {
    /// A `RESYNC` is one; so is an event that names no customer, or of a kind newer than
    /// the app.
    fn from(event: CustomerEvent) -> Self {
        match (event.kind, event.customer) {
            (CrmEventKind::CREATED | CrmEventKind::UPDATED, Some(customer)) => {
                LiveCustomerEvent::Changed(customer.id)
            }
            _ => LiveCustomerEvent::Resync,
        }
    }
}

/// The `customerEvents` subscription's variables: the changes of customer `id` only.
pub fn customer_events_variables(id: &str) -> customer_events::Variables {
    customer_events::Variables {
        customer_id: Some(id.to_owned()),
    }
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
    let filter = crm_customers::CustomerFilter {
        segment: segment.map(|segment| vec![segment]),
        min_orders: None,
        active_within_days: None,
        no_contact_for_days: None,
        tag: None,
        include_archived: None,
    };
    let variables = crm_customers::Variables {
        search: Some(search.to_owned()),
        filter: Some(filter),
        order_by: None,
        first: Some(100),
    };
    Ok(graphql::<CrmCustomers>(variables).await?.customers)
}

/// One customer's card (`customer_card.graphql`).
///
/// # Errors
///
/// `NOT_FOUND` when there is no such customer, or any [`ApiError`] of the call.
pub async fn fetch_customer_card(id: &str) -> Result<Card, ApiError> {
    let variables = customer_card::Variables { id: id.to_owned() };
    graphql::<CustomerCard>(variables)
        .await?
        .customer
        .ok_or_else(|| ApiError::new("NOT_FOUND", "customer not found"))
}

/// Saves the card's details (`update_customer.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, `CONFLICT`, or any [`ApiError`] of the call.
pub async fn update_customer(details: CustomerDetails) -> Result<(), ApiError> {
    graphql::<UpdateCustomer>(details).await?;
    Ok(())
}

/// Adds a note (`add_customer_note.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty note, or any [`ApiError`] of the call.
pub async fn add_note(customer_id: &str, content: &str) -> Result<(), ApiError> {
    let variables = add_customer_note::Variables {
        customer_id: customer_id.to_owned(),
        content: content.to_owned(),
    };
    graphql::<AddCustomerNote>(variables).await?;
    Ok(())
}

/// Records an interaction (`log_customer_activity.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, or any [`ApiError`] of the call.
pub async fn log_activity(input: ActivityInput) -> Result<(), ApiError> {
    graphql::<LogCustomerActivity>(log_customer_activity::Variables { input }).await?;
    Ok(())
}

/// Schedules a meeting (`schedule_meeting.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` (no title, a bad duration…), or any [`ApiError`] of the call.
pub async fn schedule_meeting(input: MeetingInput) -> Result<(), ApiError> {
    graphql::<ScheduleMeeting>(schedule_meeting::Variables { input }).await?;
    Ok(())
}

/// Adds a tag; returns the customer's tags (`add_customer_tags.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn add_tag(customer_id: &str, tag: &str) -> Result<Vec<String>, ApiError> {
    let variables = add_customer_tags::Variables {
        customer_id: customer_id.to_owned(),
        tags: vec![tag.to_owned()],
    };
    Ok(graphql::<AddCustomerTags>(variables)
        .await?
        .add_customer_tags)
}

/// Removes a tag; returns the customer's tags (`remove_customer_tag.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn remove_tag(customer_id: &str, tag: &str) -> Result<Vec<String>, ApiError> {
    let variables = remove_customer_tag::Variables {
        customer_id: customer_id.to_owned(),
        tag: tag.to_owned(),
    };
    Ok(graphql::<RemoveCustomerTag>(variables)
        .await?
        .remove_customer_tag)
}

/// The leads board (`leads_board.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_leads_board() -> Result<Board, ApiError> {
    graphql::<LeadsBoard>(leads_board::Variables).await
}

/// Moves a lead to an open stage (`move_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT`, `CONFLICT`, or any [`ApiError`] of the call.
pub async fn move_lead(id: &str, stage: Stage) -> Result<(), ApiError> {
    let variables = move_lead::Variables {
        id: id.to_owned(),
        stage,
    };
    graphql::<MoveLead>(variables).await?;
    Ok(())
}

/// Wins a lead with an order of `amount` (`win_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for a bad amount, `CONFLICT` for a closed lead, or any [`ApiError`].
pub async fn win_lead(id: &str, amount: &str) -> Result<(), ApiError> {
    let variables = win_lead::Variables {
        id: id.to_owned(),
        order_amount: amount.to_owned(),
    };
    graphql::<WinLead>(variables).await?;
    Ok(())
}

/// Loses a lead (`lose_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty reason, `CONFLICT` for a closed lead, or any [`ApiError`].
pub async fn lose_lead(id: &str, reason: &str) -> Result<(), ApiError> {
    let variables = lose_lead::Variables {
        id: id.to_owned(),
        reason: reason.to_owned(),
    };
    graphql::<LoseLead>(variables).await?;
    Ok(())
}

/// Turns a sales ticket into a lead (`convert_ticket_to_lead.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for other ticket types, `CONFLICT` when it already has a lead, or any
/// [`ApiError`] of the call.
pub async fn convert_ticket_to_lead(ticket_id: &str) -> Result<(), ApiError> {
    let variables = convert_ticket_to_lead::Variables {
        ticket_id: ticket_id.to_owned(),
    };
    graphql::<ConvertTicketToLead>(variables).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> LiveCustomerEvent {
        serde_json::from_str::<CustomerEvent>(text).unwrap().into()
    }

    #[test]
    fn a_change_names_its_customer_and_the_rest_loads_again() {
        assert_eq!(
            event(r#"{"kind": "UPDATED", "customer": {"id": "12"}}"#),
            LiveCustomerEvent::Changed("12".into())
        );
        assert_eq!(
            event(r#"{"kind": "RESYNC", "customer": null}"#),
            LiveCustomerEvent::Resync
        );
        assert_eq!(
            event(r#"{"kind": "UPDATED", "customer": null}"#),
            LiveCustomerEvent::Resync
        );
        assert_eq!(
            event(r#"{"kind": "MERGED", "customer": {"id": "12"}}"#),
            LiveCustomerEvent::Resync
        );
    }
}

//! GraphQL mirrors of the entity enumerations. `entity` knows nothing of GraphQL, so each
//! enum is declared again here with conversions both ways.

use async_graphql::Enum;

macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident => $entity:path { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $(#[allow(missing_docs)] $variant),+ }

        impl From<$entity> for $name {
            fn from(value: $entity) -> Self {
                match value { $(<$entity>::$variant => Self::$variant),+ }
            }
        }

        impl From<$name> for $entity {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => Self::$variant),+ }
            }
        }
    };
}

mirror_enum!(
    /// What a user may do.
    Role => entity::enums::Role { Admin, Manager, Agent, Customer }
);
mirror_enum!(
    /// The kind of request a ticket is.
    TicketType => entity::enums::TicketType { Support, Sales, Inquiry }
);
mirror_enum!(
    /// Where a ticket is in its workflow.
    TicketStatus => entity::enums::TicketStatus { New, Open, Pending, Resolved, Closed, Cancelled }
);
mirror_enum!(
    /// How urgent a ticket is.
    TicketPriority => entity::enums::TicketPriority { Low, Normal, High, Urgent }
);
mirror_enum!(
    /// What a ticket is about; decides the department it is routed to.
    TicketCategory => entity::enums::TicketCategory {
        Technical, Billing, Scheduling, Complaint, InstallationIssue, NewLead, QuoteRequest,
        ProductInquiry, PartnershipInquiry, Information, Other
    }
);
mirror_enum!(
    /// A way customers reach the tenant.
    Channel => entity::enums::Channel { Web, Email, Phone, Sms, Whatsapp, Telegram, Chat, Api }
);
mirror_enum!(
    /// Who wrote a message.
    AuthorKind => entity::enums::AuthorKind { Customer, Agent, System }
);
mirror_enum!(
    /// Which SLA deadline: the first response or the resolution.
    SlaDeadline => crate::domain::tickets::SlaDeadline { Response, Resolution }
);
mirror_enum!(
    /// A department of the tenant.
    DepartmentKind => entity::enums::DepartmentKind { Support, Sales, Technical, Billing, Management }
);
mirror_enum!(
    /// What a history entry records.
    HistoryKind => entity::enums::TicketEventKind {
        Created, StatusChanged, Assigned, PriorityChanged, DepartmentChanged, Reopened, Merged,
        Linked, Rated, SlaWarning, SlaBreached, Escalated, AutoClosed
    }
);
mirror_enum!(
    /// The commercial segment of a customer.
    CustomerSegment => entity::enums::CustomerSegment { Prospect, Client, Vip }
);
mirror_enum!(
    /// The life cycle of a customer record.
    CustomerStatus => entity::enums::CustomerStatus { Active, Inactive, Archived }
);
mirror_enum!(
    /// What happened in a customer's activity timeline.
    ActivityKind => entity::enums::ActivityKind {
        MessageReceived, Email, Call, Visit, Note, Ticket, Order
    }
);
mirror_enum!(
    /// Where a lead is in its handling.
    LeadStatus => entity::enums::LeadStatus { New, InProgress, Converted, Lost }
);
mirror_enum!(
    /// The sales pipeline stage of a lead.
    LeadStage => entity::enums::LeadStage { Lead, Qualified, Proposal, Negotiation, Won, Lost }
);
mirror_enum!(
    /// The length of a budget period.
    PeriodKind => entity::enums::PeriodKind { Month, Quarter, Year }
);
mirror_enum!(
    /// What an integration connects to.
    IntegrationKind => entity::enums::IntegrationKind {
        Hubspot, Salesforce, Telegram, Twilio, InboundEmail, ChatWidget
    }
);

//! The enumerations of the data model.
//!
//! Each one is stored as a short string (`varchar(32)`) whose database value is snake_case,
//! serialises with serde to the same snake_case string, and offers [`as_str`]-style and
//! [`FromStr`] conversions to and from that string.
//!
//! [`as_str`]: Role::as_str

use std::fmt;
use std::str::FromStr;

use sea_orm::entity::prelude::*;

/// The error of parsing an enumeration from a string that is none of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant(pub String);

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown enumeration value `{}`", self.0)
    }
}

impl std::error::Error for UnknownVariant {}

/// Declares one stored enumeration: the `DeriveActiveEnum` enum, `as_str`, `FromStr` and
/// `Display`. `$value` is the database (and serde) value of each variant.
macro_rules! db_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            EnumIter,
            DeriveActiveEnum,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The database (and serde) value of this variant.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( Self::$variant => $value, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $value => Ok(Self::$variant), )+
                    other => Err(UnknownVariant(other.to_owned())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

db_enum! {
    /// What a user may do.
    Role {
        /// Everything within the tenant, including its settings.
        Admin = "admin",
        /// Agents' work, reports, budgets and workflows.
        Manager = "manager",
        /// Handles tickets and customers.
        Agent = "agent",
        /// A customer's portal account (`users.customer_id` is set).
        Customer = "customer",
    }
}

db_enum! {
    /// Whether an agent can take work right now.
    Availability {
        /// Available.
        Online = "online",
        /// Connected but away.
        Away = "away",
        /// Not available.
        Offline = "offline",
    }
}

db_enum! {
    /// A department of a tenant (one row per kind and tenant).
    DepartmentKind {
        /// Customer support.
        Support = "support",
        /// Sales.
        Sales = "sales",
        /// Technical team.
        Technical = "technical",
        /// Billing and accounting.
        Billing = "billing",
        /// Management.
        Management = "management",
    }
}

db_enum! {
    /// The life cycle of a customer record.
    CustomerStatus {
        /// A current customer.
        Active = "active",
        /// No recent activity.
        Inactive = "inactive",
        /// Archived (`customers.archived_at` is set).
        Archived = "archived",
    }
}

db_enum! {
    /// The commercial segment of a customer.
    CustomerSegment {
        /// Not a client yet.
        Prospect = "prospect",
        /// A client.
        Client = "client",
        /// A very important client.
        Vip = "vip",
    }
}

db_enum! {
    /// A way customers reach the tenant and the tenant answers.
    Channel {
        /// The web portal.
        Web = "web",
        /// E-mail.
        Email = "email",
        /// Telephone.
        Phone = "phone",
        /// SMS.
        Sms = "sms",
        /// WhatsApp.
        Whatsapp = "whatsapp",
        /// Telegram.
        Telegram = "telegram",
        /// The chat widget.
        Chat = "chat",
        /// The API (integrations).
        Api = "api",
    }
}

db_enum! {
    /// What happened in a customer's activity timeline.
    ActivityKind {
        /// A message was received from the customer.
        MessageReceived = "message_received",
        /// An e-mail was exchanged.
        Email = "email",
        /// A phone call.
        Call = "call",
        /// A visit.
        Visit = "visit",
        /// A note was written.
        Note = "note",
        /// A ticket was opened or updated.
        Ticket = "ticket",
        /// An order was placed.
        Order = "order",
    }
}

db_enum! {
    /// Where a lead is in its handling.
    LeadStatus {
        /// Not handled yet.
        New = "new",
        /// Being worked on.
        InProgress = "in_progress",
        /// Became a sale.
        Converted = "converted",
        /// Lost.
        Lost = "lost",
    }
}

db_enum! {
    /// The sales pipeline stage of a lead (and of a sales ticket).
    LeadStage {
        /// A raw lead.
        Lead = "lead",
        /// Qualified.
        Qualified = "qualified",
        /// A proposal was sent.
        Proposal = "proposal",
        /// Negotiating.
        Negotiation = "negotiation",
        /// Won.
        Won = "won",
        /// Lost.
        Lost = "lost",
    }
}

db_enum! {
    /// The kind of request a ticket is; each has its own workflow, SLA and numbering.
    TicketType {
        /// A support request.
        Support = "support",
        /// A sales request.
        Sales = "sales",
        /// A general inquiry.
        Inquiry = "inquiry",
    }
}

db_enum! {
    /// What a ticket is about; decides the department it is routed to.
    TicketCategory {
        /// A technical problem.
        Technical = "technical",
        /// Billing.
        Billing = "billing",
        /// Scheduling an appointment.
        Scheduling = "scheduling",
        /// A complaint.
        Complaint = "complaint",
        /// A problem with an installation.
        InstallationIssue = "installation_issue",
        /// A new sales lead.
        NewLead = "new_lead",
        /// A request for a quote.
        QuoteRequest = "quote_request",
        /// A question about a product.
        ProductInquiry = "product_inquiry",
        /// A partnership proposal.
        PartnershipInquiry = "partnership_inquiry",
        /// A request for information.
        Information = "information",
        /// Anything else.
        Other = "other",
    }
}

db_enum! {
    /// How urgent a ticket is.
    TicketPriority {
        /// Low.
        Low = "low",
        /// Normal.
        Normal = "normal",
        /// High.
        High = "high",
        /// Urgent.
        Urgent = "urgent",
    }
}

db_enum! {
    /// Where a ticket is in its workflow.
    TicketStatus {
        /// Just created.
        New = "new",
        /// Being handled.
        Open = "open",
        /// Waiting (for the customer or a third party).
        Pending = "pending",
        /// Resolved, may still be reopened.
        Resolved = "resolved",
        /// Closed.
        Closed = "closed",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

db_enum! {
    /// Who wrote a message.
    AuthorKind {
        /// The customer.
        Customer = "customer",
        /// An agent (or manager, admin).
        Agent = "agent",
        /// The system (automatic messages).
        System = "system",
    }
}

db_enum! {
    /// Who can see a message.
    Visibility {
        /// The customer and the staff.
        Public = "public",
        /// The staff only (internal note).
        Internal = "internal",
    }
}

db_enum! {
    /// What happened to a ticket (its history).
    TicketEventKind {
        /// The ticket was created.
        Created = "created",
        /// Its status changed.
        StatusChanged = "status_changed",
        /// It was assigned (or unassigned).
        Assigned = "assigned",
        /// Its priority changed.
        PriorityChanged = "priority_changed",
        /// Its department changed.
        DepartmentChanged = "department_changed",
        /// It was reopened.
        Reopened = "reopened",
        /// It was merged into another ticket.
        Merged = "merged",
        /// It was linked to a lead or another record.
        Linked = "linked",
        /// The customer rated it.
        Rated = "rated",
        /// An SLA deadline is close.
        SlaWarning = "sla_warning",
        /// An SLA deadline passed.
        SlaBreached = "sla_breached",
        /// It was escalated.
        Escalated = "escalated",
        /// It was closed automatically.
        AutoClosed = "auto_closed",
    }
}

db_enum! {
    /// The length of a budget period.
    PeriodKind {
        /// A calendar month.
        Month = "month",
        /// A calendar quarter.
        Quarter = "quarter",
        /// A calendar year.
        Year = "year",
    }
}

db_enum! {
    /// What a notification is about.
    NotificationKind {
        /// A ticket was created.
        TicketCreated = "ticket_created",
        /// A ticket was assigned to the user.
        TicketAssigned = "ticket_assigned",
        /// A message was added to a ticket.
        MessageAdded = "message_added",
        /// An SLA deadline is close.
        SlaWarning = "sla_warning",
        /// An SLA deadline passed.
        SlaBreached = "sla_breached",
        /// A budget threshold was crossed.
        BudgetAlert = "budget_alert",
        /// A colleague named the user in an internal note.
        Mentioned = "mentioned",
        /// A ticket of the customer was resolved or closed.
        StatusChanged = "status_changed",
        /// The daily digest of the user's tickets.
        Digest = "digest",
        /// A system notice.
        System = "system",
    }
}

db_enum! {
    /// The delivery state of an outgoing e-mail.
    OutboxStatus {
        /// Waiting to be sent (or retried).
        Pending = "pending",
        /// Sent.
        Sent = "sent",
        /// Gave up.
        Failed = "failed",
    }
}

db_enum! {
    /// An external system a tenant connects.
    IntegrationKind {
        /// HubSpot CRM.
        Hubspot = "hubspot",
        /// Salesforce CRM.
        Salesforce = "salesforce",
        /// Telegram bot.
        Telegram = "telegram",
        /// Twilio (SMS, WhatsApp, voice).
        Twilio = "twilio",
        /// Inbound e-mail.
        InboundEmail = "inbound_email",
        /// The web chat widget.
        ChatWidget = "chat_widget",
    }
}

db_enum! {
    /// The synchronisation state of an integration or of one mapped record.
    SyncStatus {
        /// Nothing in progress.
        Idle = "idle",
        /// Synchronising now.
        Syncing = "syncing",
        /// Up to date.
        Synced = "synced",
        /// The last synchronisation failed.
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<E>()
    where
        E: sea_orm::Iterable
            + ActiveEnum<Value = String>
            + FromStr
            + fmt::Display
            + serde::Serialize,
        E: serde::de::DeserializeOwned + PartialEq + fmt::Debug,
        <E as FromStr>::Err: fmt::Debug,
    {
        for variant in E::iter() {
            let value = variant.to_value();
            assert_eq!(variant.to_string(), value);
            assert!(value.len() <= 32);
            assert!(value.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(value.parse::<E>().unwrap(), variant);
            assert_eq!(E::try_from_value(&value).unwrap(), variant);
            let json = serde_json::to_value(&variant).unwrap();
            assert_eq!(json, serde_json::Value::String(value.clone()));
            assert_eq!(serde_json::from_value::<E>(json).unwrap(), variant);
        }
        assert!("not_a_value".parse::<E>().is_err());
    }

    #[test]
    fn values_agree_everywhere() {
        check::<Role>();
        check::<Availability>();
        check::<DepartmentKind>();
        check::<CustomerStatus>();
        check::<CustomerSegment>();
        check::<Channel>();
        check::<ActivityKind>();
        check::<LeadStatus>();
        check::<LeadStage>();
        check::<TicketType>();
        check::<TicketCategory>();
        check::<TicketPriority>();
        check::<TicketStatus>();
        check::<AuthorKind>();
        check::<Visibility>();
        check::<TicketEventKind>();
        check::<PeriodKind>();
        check::<NotificationKind>();
        check::<OutboxStatus>();
        check::<IntegrationKind>();
        check::<SyncStatus>();
    }

    #[test]
    fn a_few_values() {
        assert_eq!(LeadStatus::InProgress.as_str(), "in_progress");
        assert_eq!(
            "installation_issue".parse::<TicketCategory>(),
            Ok(TicketCategory::InstallationIssue)
        );
        assert_eq!(
            "bogus".parse::<Role>(),
            Err(UnknownVariant("bogus".to_owned()))
        );
    }
}

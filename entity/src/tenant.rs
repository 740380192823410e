//! The `tenants` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A tenant: one organisation using Guichet. Every other row belongs to exactly one tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(column_type = "Text")]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub settings: Json,
    pub created_at: DateTimeUtc,
}

/// The relations of this table (`belongs_to`: this row references the other one).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::department::Entity")]
    Department,
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::agent_hourly_cost::Entity")]
    AgentHourlyCost,
    #[sea_orm(has_many = "super::customer::Entity")]
    Customer,
    #[sea_orm(has_many = "super::customer_note::Entity")]
    CustomerNote,
    #[sea_orm(has_many = "super::customer_activity::Entity")]
    CustomerActivity,
    #[sea_orm(has_many = "super::customer_tag::Entity")]
    CustomerTag,
    #[sea_orm(has_many = "super::lead::Entity")]
    Lead,
    #[sea_orm(has_many = "super::meeting::Entity")]
    Meeting,
    #[sea_orm(has_many = "super::ticket::Entity")]
    Ticket,
    #[sea_orm(has_many = "super::ticket_sequence::Entity")]
    TicketSequence,
    #[sea_orm(has_many = "super::workflow::Entity")]
    Workflow,
    #[sea_orm(has_many = "super::workflow_transition::Entity")]
    WorkflowTransition,
    #[sea_orm(has_many = "super::sla_policy::Entity")]
    SlaPolicy,
    #[sea_orm(has_many = "super::ticket_event::Entity")]
    TicketEvent,
    #[sea_orm(has_many = "super::message::Entity")]
    Message,
    #[sea_orm(has_many = "super::attachment::Entity")]
    Attachment,
    #[sea_orm(has_many = "super::time_entry::Entity")]
    TimeEntry,
    #[sea_orm(has_many = "super::budget::Entity")]
    Budget,
    #[sea_orm(has_many = "super::budget_alert::Entity")]
    BudgetAlert,
    #[sea_orm(has_many = "super::notification::Entity")]
    Notification,
    #[sea_orm(has_many = "super::email_outbox::Entity")]
    EmailOutbox,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
    #[sea_orm(has_many = "super::integration::Entity")]
    Integration,
    #[sea_orm(has_many = "super::sync_mapping::Entity")]
    SyncMapping,
}

impl Related<super::department::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Department.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::agent_hourly_cost::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AgentHourlyCost.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::customer_note::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CustomerNote.def()
    }
}

impl Related<super::customer_activity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CustomerActivity.def()
    }
}

impl Related<super::customer_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CustomerTag.def()
    }
}

impl Related<super::lead::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lead.def()
    }
}

impl Related<super::meeting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Meeting.def()
    }
}

impl Related<super::ticket::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ticket.def()
    }
}

impl Related<super::ticket_sequence::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TicketSequence.def()
    }
}

impl Related<super::workflow::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Workflow.def()
    }
}

impl Related<super::workflow_transition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::WorkflowTransition.def()
    }
}

impl Related<super::sla_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SlaPolicy.def()
    }
}

impl Related<super::ticket_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TicketEvent.def()
    }
}

impl Related<super::message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Message.def()
    }
}

impl Related<super::attachment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attachment.def()
    }
}

impl Related<super::time_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TimeEntry.def()
    }
}

impl Related<super::budget::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Budget.def()
    }
}

impl Related<super::budget_alert::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::BudgetAlert.def()
    }
}

impl Related<super::notification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notification.def()
    }
}

impl Related<super::email_outbox::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EmailOutbox.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl Related<super::integration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Integration.def()
    }
}

impl Related<super::sync_mapping::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SyncMapping.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! The `tickets` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{Channel, LeadStage, TicketCategory, TicketPriority, TicketStatus, TicketType};

/// A ticket: a customer's request (support, sales or inquiry) and its handling.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Human-readable number, unique within the tenant (see `ticket_sequences`).
    #[sea_orm(column_type = "Text")]
    pub number: String,
    pub ticket_type: TicketType,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution: Option<String>,
    /// References `customers`.
    pub customer_id: i64,
    /// References `users`.
    pub assignee_id: Option<i64>,
    /// References `departments`.
    pub department_id: Option<i64>,
    pub channel: Channel,
    /// References `users`.
    pub created_by: Option<i64>,
    pub response_due_at: Option<DateTimeUtc>,
    pub resolution_due_at: Option<DateTimeUtc>,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    #[sea_orm(column_type = "Decimal(Some((18, 4)))", nullable)]
    pub opportunity_value: Option<Decimal>,
    pub sales_stage: Option<LeadStage>,
    #[sea_orm(column_type = "Text", nullable)]
    pub lead_source: Option<String>,
    pub conversion_probability: Option<i32>,
    /// References `leads`.
    pub lead_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub quote_ref: Option<String>,
    pub satisfaction_rating: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub satisfaction_comment: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    pub last_customer_message_at: Option<DateTimeUtc>,
    pub last_agent_message_at: Option<DateTimeUtc>,
    /// The ticket this one was merged into. References `tickets`.
    pub merged_into_id: Option<i64>,
    /// When the customer was last told the ticket would close for lack of reply.
    pub auto_close_reminded_at: Option<DateTimeUtc>,
    /// When the ticket began to wait on its customer (entered pending or resolved); null
    /// otherwise. Auto-close counts from the later of this and the last agent message.
    pub waiting_since: Option<DateTimeUtc>,
    /// Whether the first-response deadline warning was sent.
    pub response_warned: bool,
    /// Whether the resolution deadline warning was sent.
    pub resolution_warned: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The relations of this table (`belongs_to`: this row references the other one).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tenant::Entity",
        from = "Column::TenantId",
        to = "super::tenant::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Tenant,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_update = "NoAction",
        on_delete = "NoAction"
    )]
    Customer,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AssigneeId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Assignee,
    #[sea_orm(
        belongs_to = "super::department::Entity",
        from = "Column::DepartmentId",
        to = "super::department::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Department,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    CreatedBy,
    #[sea_orm(
        belongs_to = "super::lead::Entity",
        from = "Column::LeadId",
        to = "super::lead::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Lead,
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::MergedIntoId",
        to = "Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    MergedInto,
    #[sea_orm(has_many = "super::message::Entity")]
    Message,
    #[sea_orm(has_many = "super::ticket_event::Entity")]
    TicketEvent,
    #[sea_orm(has_many = "super::attachment::Entity")]
    Attachment,
    #[sea_orm(has_many = "super::time_entry::Entity")]
    TimeEntry,
    #[sea_orm(has_many = "super::notification::Entity")]
    Notification,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::department::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Department.def()
    }
}

impl Related<super::message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Message.def()
    }
}

impl Related<super::ticket_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TicketEvent.def()
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

impl Related<super::notification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notification.def()
    }
}

/// Links a row to the `users` row of its `assignee_id`, for `find_linked` and
/// `find_also_linked`: there is more than one path between the two tables, so no `Related`
/// impl.
#[derive(Debug, Clone, Copy)]
pub struct AssigneeLink;

impl Linked for AssigneeLink {
    type FromEntity = Entity;
    type ToEntity = super::user::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Assignee.def()]
    }
}

/// Links a row to the `users` row of its `created_by`, for `find_linked` and
/// `find_also_linked`: there is more than one path between the two tables, so no `Related`
/// impl.
#[derive(Debug, Clone, Copy)]
pub struct CreatedByLink;

impl Linked for CreatedByLink {
    type FromEntity = Entity;
    type ToEntity = super::user::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::CreatedBy.def()]
    }
}

/// Links a row to the `leads` row of its `lead_id`, for `find_linked` and `find_also_linked`:
/// there is more than one path between the two tables, so no `Related` impl.
#[derive(Debug, Clone, Copy)]
pub struct LeadLink;

impl Linked for LeadLink {
    type FromEntity = Entity;
    type ToEntity = super::lead::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Lead.def()]
    }
}

/// Links a row to the `tickets` row of its `merged_into_id`, for `find_linked` and
/// `find_also_linked`: a table that references itself has no `Related` impl.
#[derive(Debug, Clone, Copy)]
pub struct MergedIntoLink;

impl Linked for MergedIntoLink {
    type FromEntity = Entity;
    type ToEntity = Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::MergedInto.def()]
    }
}

impl ActiveModelBehavior for ActiveModel {}

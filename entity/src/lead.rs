//! The `leads` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{LeadStage, LeadStatus};

/// A sales opportunity with a customer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `customers`.
    pub customer_id: i64,
    /// References `users`.
    pub owner_id: Option<i64>,
    /// References `users`.
    pub assignee_id: Option<i64>,
    pub status: LeadStatus,
    pub stage: LeadStage,
    #[sea_orm(column_type = "Decimal(Some((18, 4)))", nullable)]
    pub opportunity_value: Option<Decimal>,
    #[sea_orm(column_type = "Text")]
    pub currency: String,
    pub conversion_probability: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub source: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub document_url: Option<String>,
    /// The ticket the lead came from. Only indexed, no foreign-key constraint:
    /// `tickets.lead_id` references `leads`, and `leads` is created first.
    pub ticket_id: Option<i64>,
    pub won_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub lost_reason: Option<String>,
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
        from = "Column::OwnerId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Owner,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AssigneeId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Assignee,
    /// Through `ticket_id`, which has no foreign-key constraint in the database.
    #[sea_orm(
        belongs_to = "super::ticket::Entity",
        from = "Column::TicketId",
        to = "super::ticket::Column::Id"
    )]
    Ticket,
    #[sea_orm(has_many = "super::meeting::Entity")]
    Meeting,
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

impl Related<super::meeting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Meeting.def()
    }
}

/// Links a row to the `users` row of its `owner_id`, for `find_linked` and `find_also_linked`:
/// there is more than one path between the two tables, so no `Related` impl.
#[derive(Debug, Clone, Copy)]
pub struct OwnerLink;

impl Linked for OwnerLink {
    type FromEntity = Entity;
    type ToEntity = super::user::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Owner.def()]
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

/// Links a row to the `tickets` row of its `ticket_id`, for `find_linked` and
/// `find_also_linked`: there is more than one path between the two tables, so no `Related`
/// impl.
#[derive(Debug, Clone, Copy)]
pub struct TicketLink;

impl Linked for TicketLink {
    type FromEntity = Entity;
    type ToEntity = super::ticket::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Ticket.def()]
    }
}

impl ActiveModelBehavior for ActiveModel {}

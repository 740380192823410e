//! The `customers` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{Channel, CustomerSegment, CustomerStatus};

/// A customer of a tenant (a person, possibly of a company).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    #[sea_orm(column_type = "Text")]
    pub first_name: String,
    #[sea_orm(column_type = "Text")]
    pub last_name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub company: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub email: Option<String>,
    /// E.164, e.g. `+33612345678`.
    #[sea_orm(column_type = "Text", nullable)]
    pub phone: Option<String>,
    pub status: CustomerStatus,
    pub segment: CustomerSegment,
    pub preferred_channel: Option<Channel>,
    #[sea_orm(column_type = "Text", nullable)]
    pub address: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub city: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub postal_code: Option<String>,
    /// Database default: `FR`.
    #[sea_orm(column_type = "Text")]
    pub country: String,
    /// Database default: `EUR`.
    #[sea_orm(column_type = "Text")]
    pub currency: String,
    /// Database default: `0`.
    pub total_orders: i32,
    /// Database default: `0`.
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub total_revenue: Decimal,
    pub last_contact_at: Option<DateTimeUtc>,
    pub last_order_at: Option<DateTimeUtc>,
    pub metadata: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
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
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::customer_note::Entity")]
    CustomerNote,
    #[sea_orm(has_many = "super::customer_activity::Entity")]
    CustomerActivity,
    #[sea_orm(has_many = "super::customer_tag::Entity")]
    CustomerTag,
    #[sea_orm(has_many = "super::lead::Entity")]
    Lead,
    #[sea_orm(has_many = "super::ticket::Entity")]
    Ticket,
    #[sea_orm(has_many = "super::budget::Entity")]
    Budget,
    #[sea_orm(has_many = "super::message::Entity")]
    Message,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
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

impl Related<super::ticket::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ticket.def()
    }
}

impl Related<super::budget::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Budget.def()
    }
}

impl Related<super::message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Message.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

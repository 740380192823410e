//! The `messages` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{AuthorKind, Channel, Visibility};

/// A message of a ticket's conversation, or an internal note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `tickets`.
    pub ticket_id: i64,
    pub author_kind: AuthorKind,
    /// References `users`.
    pub author_user_id: Option<i64>,
    /// References `customers`.
    pub author_customer_id: Option<i64>,
    pub visibility: Visibility,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub channel: Channel,
    #[sea_orm(column_type = "Text", nullable)]
    pub external_id: Option<String>,
    pub created_at: DateTimeUtc,
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
        belongs_to = "super::ticket::Entity",
        from = "Column::TicketId",
        to = "super::ticket::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Ticket,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AuthorUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    AuthorUser,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::AuthorCustomerId",
        to = "super::customer::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    AuthorCustomer,
    #[sea_orm(has_many = "super::attachment::Entity")]
    Attachment,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::ticket::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ticket.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthorUser.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthorCustomer.def()
    }
}

impl Related<super::attachment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attachment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

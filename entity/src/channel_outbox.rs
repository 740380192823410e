//! The `channel_outbox` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::OutboxStatus;

/// A message waiting to be sent through a channel integration (Telegram, Twilio), or sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "channel_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// The integration that sends it (and whose credentials are used).
    pub integration_id: i64,
    /// A Telegram chat id, or a phone number (`+33…`, `whatsapp:+33…`) for Twilio.
    #[sea_orm(column_type = "Text")]
    pub recipient: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub send_after: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
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
        belongs_to = "super::integration::Entity",
        from = "Column::IntegrationId",
        to = "super::integration::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Integration,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::integration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Integration.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

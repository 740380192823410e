//! The `email_outbox` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::OutboxStatus;

/// An e-mail waiting to be sent, or sent (the outbox pattern).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    #[sea_orm(column_type = "Text")]
    pub to_address: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    /// The HTML alternative of `body_text`, when the mail has one.
    #[sea_orm(column_type = "Text", nullable)]
    pub body_html: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub send_after: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The ticket a ticket mail belongs to (no foreign key; see the migration).
    pub ticket_id: Option<i64>,
    /// The `Message-ID` the mail is sent with, without angle brackets.
    #[sea_orm(column_type = "Text", nullable)]
    pub message_id: Option<String>,
    /// The `Message-ID` this mail answers (`In-Reply-To`, `References`), without brackets.
    #[sea_orm(column_type = "Text", nullable)]
    pub in_reply_to: Option<String>,
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
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! The `message_templates` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An admin's wording of one notice in one language, replacing the built-in one for the
/// tenant (a MiniJinja template over the notice's facts).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "message_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// The notice's key (`assigned_to_you`, `rating_request`…).
    pub notice: String,
    /// `fr`, `en` or `nl`.
    pub lang: String,
    /// The subject (a mail's, or the notification's title).
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    /// The text.
    #[sea_orm(column_type = "Text")]
    pub body: String,
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
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

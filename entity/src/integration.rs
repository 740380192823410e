//! The `integrations` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{IntegrationKind, SyncStatus};

/// A connection of a tenant to an external system.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "integrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub kind: IntegrationKind,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub is_active: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub credentials_encrypted: Option<String>,
    pub settings: Option<Json>,
    pub last_sync_at: Option<DateTimeUtc>,
    pub sync_status: SyncStatus,
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
    #[sea_orm(has_many = "super::sync_mapping::Entity")]
    SyncMapping,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::sync_mapping::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SyncMapping.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

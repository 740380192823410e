//! The `ticket_links` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Two related tickets of one tenant. A link is symmetric: it is stored once, with the
/// smaller id in `ticket_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ticket_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `tickets` (the smaller id of the pair).
    pub ticket_id: i64,
    /// References `tickets` (the larger id of the pair).
    pub linked_ticket_id: i64,
    /// References `users`.
    pub created_by: Option<i64>,
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
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

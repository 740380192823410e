//! The `workflows` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{TicketStatus, TicketType};

/// The workflow of a ticket type in a tenant: its initial status and allowed transitions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "workflows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub ticket_type: TicketType,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub initial_status: TicketStatus,
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
    #[sea_orm(has_many = "super::workflow_transition::Entity")]
    WorkflowTransition,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::workflow_transition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::WorkflowTransition.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

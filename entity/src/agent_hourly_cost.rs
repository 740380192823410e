//! The `agent_hourly_costs` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What an hour of an agent's time costs, from a date on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_hourly_costs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `users`.
    pub user_id: i64,
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub hourly_cost: Decimal,
    #[sea_orm(column_type = "Text")]
    pub currency: String,
    pub effective_from: Date,
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
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    CreatedBy,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

/// Links a row to the `users` row of its `user_id`, for `find_linked` and `find_also_linked`:
/// there is more than one path between the two tables, so no `Related` impl.
#[derive(Debug, Clone, Copy)]
pub struct UserLink;

impl Linked for UserLink {
    type FromEntity = Entity;
    type ToEntity = super::user::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::User.def()]
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

impl ActiveModelBehavior for ActiveModel {}

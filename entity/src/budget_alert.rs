//! The `budget_alerts` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A budget threshold that was crossed (raised once per threshold).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "budget_alerts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `budgets`.
    pub budget_id: i64,
    pub threshold: i32,
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub actual_amount: Decimal,
    pub raised_at: DateTimeUtc,
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
        belongs_to = "super::budget::Entity",
        from = "Column::BudgetId",
        to = "super::budget::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Budget,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::budget::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Budget.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

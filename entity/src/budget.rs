//! The `budgets` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::PeriodKind;

/// A customer's planned spending for a period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "budgets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// References `customers`.
    pub customer_id: i64,
    pub period_kind: PeriodKind,
    pub period_start: Date,
    pub period_end: Date,
    #[sea_orm(column_type = "Decimal(Some((18, 4)))")]
    pub planned_amount: Decimal,
    #[sea_orm(column_type = "Text")]
    pub currency: String,
    /// A JSON array of percentages, e.g. `[50, 80, 100]`.
    pub thresholds: Json,
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
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Customer,
    #[sea_orm(has_many = "super::budget_alert::Entity")]
    BudgetAlert,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::budget_alert::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::BudgetAlert.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

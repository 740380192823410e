//! The `users` table.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{Availability, Role};

/// A person who signs in: staff (admin, manager, agent) or a customer's portal account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    #[sea_orm(column_type = "Text")]
    pub email: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub password_hash: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub display_name: String,
    pub role: Role,
    /// References `departments`.
    pub department_id: Option<i64>,
    /// Set for `Role::Customer` accounts: the customer this user is. References `customers`.
    pub customer_id: Option<i64>,
    pub availability: Availability,
    pub max_open_tickets: i32,
    #[sea_orm(column_type = "Text")]
    pub locale: String,
    pub is_active: bool,
    /// The user's notification choices (see `domain::notifications::Preferences`); `None`
    /// follows the tenant's defaults.
    #[sea_orm(nullable)]
    pub notification_settings: Option<Json>,
    /// The local day the user's last daily digest was sent.
    pub last_digest_on: Option<Date>,
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
        belongs_to = "super::department::Entity",
        from = "Column::DepartmentId",
        to = "super::department::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Department,
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Customer,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
    #[sea_orm(has_many = "super::notification::Entity")]
    Notification,
    #[sea_orm(has_many = "super::time_entry::Entity")]
    TimeEntry,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::department::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Department.def()
    }
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl Related<super::notification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Notification.def()
    }
}

impl Related<super::time_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TimeEntry.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

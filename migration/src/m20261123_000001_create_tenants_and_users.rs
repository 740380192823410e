//! Tenants, their departments, customers, users and agents' hourly costs.

use sea_orm_migration::prelude::*;

use crate::columns::{index, money, pk, ENUM_LEN};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // tenants
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(pk(Tenants::Id))
                    .col(ColumnDef::new(Tenants::Slug).text().not_null())
                    .col(ColumnDef::new(Tenants::Name).text().not_null())
                    .col(ColumnDef::new(Tenants::Settings).json().not_null())
                    .col(
                        ColumnDef::new(Tenants::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_tenants_slug",
                Tenants::Table,
                [Tenants::Slug],
                true,
            ))
            .await?;

        // departments
        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(pk(Departments::Id))
                    .col(
                        ColumnDef::new(Departments::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Departments::Kind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Departments::Name).text().not_null())
                    .col(
                        ColumnDef::new(Departments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_departments_tenant_id")
                            .from(Departments::Table, Departments::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_departments_tenant_id_kind",
                Departments::Table,
                [Departments::TenantId, Departments::Kind],
                true,
            ))
            .await?;

        // customers
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk(Customers::Id))
                    .col(ColumnDef::new(Customers::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Customers::FirstName).text().not_null())
                    .col(ColumnDef::new(Customers::LastName).text().not_null())
                    .col(ColumnDef::new(Customers::Company).text().null())
                    .col(ColumnDef::new(Customers::Email).text().null())
                    .col(ColumnDef::new(Customers::Phone).text().null())
                    .col(
                        ColumnDef::new(Customers::Status)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::Segment)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::PreferredChannel)
                            .string_len(ENUM_LEN)
                            .null(),
                    )
                    .col(ColumnDef::new(Customers::Address).text().null())
                    .col(ColumnDef::new(Customers::City).text().null())
                    .col(ColumnDef::new(Customers::PostalCode).text().null())
                    .col(
                        ColumnDef::new(Customers::Country)
                            .text()
                            .not_null()
                            .default("FR"),
                    )
                    .col(
                        ColumnDef::new(Customers::Currency)
                            .text()
                            .not_null()
                            .default("EUR"),
                    )
                    .col(
                        ColumnDef::new(Customers::TotalOrders)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        money(manager, Customers::TotalRevenue)
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Customers::LastContactAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Customers::LastOrderAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Customers::Metadata).json().null())
                    .col(
                        ColumnDef::new(Customers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::ArchivedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customers_tenant_id")
                            .from(Customers::Table, Customers::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_customers_tenant_id_email",
                Customers::Table,
                [Customers::TenantId, Customers::Email],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "uq_customers_tenant_id_phone",
                Customers::Table,
                [Customers::TenantId, Customers::Phone],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customers_tenant_id_segment",
                Customers::Table,
                [Customers::TenantId, Customers::Segment],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customers_tenant_id_last_contact_at",
                Customers::Table,
                [Customers::TenantId, Customers::LastContactAt],
                false,
            ))
            .await?;

        // users
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk(Users::Id))
                    .col(ColumnDef::new(Users::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Users::Email).text().not_null())
                    .col(ColumnDef::new(Users::PasswordHash).text().null())
                    .col(ColumnDef::new(Users::DisplayName).text().not_null())
                    .col(ColumnDef::new(Users::Role).string_len(ENUM_LEN).not_null())
                    .col(ColumnDef::new(Users::DepartmentId).big_integer().null())
                    .col(ColumnDef::new(Users::CustomerId).big_integer().null())
                    .col(
                        ColumnDef::new(Users::Availability)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Users::MaxOpenTickets).integer().not_null())
                    .col(ColumnDef::new(Users::Locale).text().not_null())
                    .col(
                        ColumnDef::new(Users::IsActive)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Users::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_tenant_id")
                            .from(Users::Table, Users::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_department_id")
                            .from(Users::Table, Users::DepartmentId)
                            .to(Departments::Table, Departments::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_customer_id")
                            .from(Users::Table, Users::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_users_tenant_id_email",
                Users::Table,
                [Users::TenantId, Users::Email],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_users_tenant_id_role",
                Users::Table,
                [Users::TenantId, Users::Role],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_users_tenant_id_department_id",
                Users::Table,
                [Users::TenantId, Users::DepartmentId],
                false,
            ))
            .await?;

        // agent_hourly_costs
        manager
            .create_table(
                Table::create()
                    .table(AgentHourlyCosts::Table)
                    .col(pk(AgentHourlyCosts::Id))
                    .col(
                        ColumnDef::new(AgentHourlyCosts::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AgentHourlyCosts::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(money(manager, AgentHourlyCosts::HourlyCost).not_null())
                    .col(ColumnDef::new(AgentHourlyCosts::Currency).text().not_null())
                    .col(
                        ColumnDef::new(AgentHourlyCosts::EffectiveFrom)
                            .date()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AgentHourlyCosts::CreatedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AgentHourlyCosts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agent_hourly_costs_tenant_id")
                            .from(AgentHourlyCosts::Table, AgentHourlyCosts::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agent_hourly_costs_user_id")
                            .from(AgentHourlyCosts::Table, AgentHourlyCosts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agent_hourly_costs_created_by")
                            .from(AgentHourlyCosts::Table, AgentHourlyCosts::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_agent_hourly_costs_user_id_effective_from",
                AgentHourlyCosts::Table,
                [AgentHourlyCosts::UserId, AgentHourlyCosts::EffectiveFrom],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_agent_hourly_costs_tenant_id",
                AgentHourlyCosts::Table,
                [AgentHourlyCosts::TenantId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgentHourlyCosts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Customers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Departments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    Settings,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Departments {
    Table,
    Id,
    TenantId,
    Kind,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Customers {
    Table,
    Id,
    TenantId,
    FirstName,
    LastName,
    Company,
    Email,
    Phone,
    Status,
    Segment,
    PreferredChannel,
    Address,
    City,
    PostalCode,
    Country,
    Currency,
    TotalOrders,
    TotalRevenue,
    LastContactAt,
    LastOrderAt,
    Metadata,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    TenantId,
    Email,
    PasswordHash,
    DisplayName,
    Role,
    DepartmentId,
    CustomerId,
    Availability,
    MaxOpenTickets,
    Locale,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum AgentHourlyCosts {
    Table,
    Id,
    TenantId,
    UserId,
    HourlyCost,
    Currency,
    EffectiveFrom,
    CreatedBy,
    CreatedAt,
}

//! Customers' budgets and their alerts.

use sea_orm_migration::prelude::*;

use crate::columns::{index, money, pk, ENUM_LEN};
use crate::m20261123_000001_create_tenants_and_users::{Customers, Tenants};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // budgets
        manager
            .create_table(
                Table::create()
                    .table(Budgets::Table)
                    .col(pk(Budgets::Id))
                    .col(ColumnDef::new(Budgets::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Budgets::CustomerId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Budgets::PeriodKind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Budgets::PeriodStart).date().not_null())
                    .col(ColumnDef::new(Budgets::PeriodEnd).date().not_null())
                    .col(money(manager, Budgets::PlannedAmount).not_null())
                    .col(ColumnDef::new(Budgets::Currency).text().not_null())
                    .col(ColumnDef::new(Budgets::Thresholds).json().not_null())
                    .col(
                        ColumnDef::new(Budgets::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Budgets::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budgets_tenant_id")
                            .from(Budgets::Table, Budgets::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budgets_customer_id")
                            .from(Budgets::Table, Budgets::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_budgets_customer_id_period_kind_period_start",
                Budgets::Table,
                [
                    Budgets::CustomerId,
                    Budgets::PeriodKind,
                    Budgets::PeriodStart,
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_budgets_tenant_id_period_start",
                Budgets::Table,
                [Budgets::TenantId, Budgets::PeriodStart],
                false,
            ))
            .await?;

        // budget_alerts
        manager
            .create_table(
                Table::create()
                    .table(BudgetAlerts::Table)
                    .col(pk(BudgetAlerts::Id))
                    .col(
                        ColumnDef::new(BudgetAlerts::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BudgetAlerts::BudgetId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BudgetAlerts::Threshold).integer().not_null())
                    .col(money(manager, BudgetAlerts::ActualAmount).not_null())
                    .col(
                        ColumnDef::new(BudgetAlerts::RaisedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_alerts_tenant_id")
                            .from(BudgetAlerts::Table, BudgetAlerts::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_alerts_budget_id")
                            .from(BudgetAlerts::Table, BudgetAlerts::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_budget_alerts_budget_id_threshold",
                BudgetAlerts::Table,
                [BudgetAlerts::BudgetId, BudgetAlerts::Threshold],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_budget_alerts_tenant_id",
                BudgetAlerts::Table,
                [BudgetAlerts::TenantId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BudgetAlerts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Budgets::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Budgets {
    Table,
    Id,
    TenantId,
    CustomerId,
    PeriodKind,
    PeriodStart,
    PeriodEnd,
    PlannedAmount,
    Currency,
    Thresholds,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum BudgetAlerts {
    Table,
    Id,
    TenantId,
    BudgetId,
    Threshold,
    ActualAmount,
    RaisedAt,
}

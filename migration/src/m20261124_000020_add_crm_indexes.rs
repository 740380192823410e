//! Indexes for the CRM's listings: customers by segment and revenue (seed 002's "VIP with
//! more than N orders by revenue") and by creation date, leads by status and assignee,
//! tickets by lead.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    TenantId,
    Segment,
    TotalRevenue,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    TenantId,
    Status,
    AssigneeId,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    LeadId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "idx_customers_tenant_id_segment_total_revenue",
                Customers::Table,
                [
                    Customers::TenantId,
                    Customers::Segment,
                    Customers::TotalRevenue,
                ],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customers_tenant_id_created_at",
                Customers::Table,
                [Customers::TenantId, Customers::CreatedAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_leads_tenant_id_status",
                Leads::Table,
                [Leads::TenantId, Leads::Status],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_leads_tenant_id_assignee_id",
                Leads::Table,
                [Leads::TenantId, Leads::AssigneeId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_lead_id",
                Tickets::Table,
                [Tickets::LeadId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_tickets_lead_id", Tickets::Table.into_iden()),
            ("idx_leads_tenant_id_assignee_id", Leads::Table.into_iden()),
            ("idx_leads_tenant_id_status", Leads::Table.into_iden()),
            (
                "idx_customers_tenant_id_created_at",
                Customers::Table.into_iden(),
            ),
            (
                "idx_customers_tenant_id_segment_total_revenue",
                Customers::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Links between related tickets.

use sea_orm_migration::prelude::*;

use crate::columns::pk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TicketLinks {
    Table,
    Id,
    TenantId,
    TicketId,
    LinkedTicketId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TicketLinks::Table)
                    .col(pk(TicketLinks::Id))
                    .col(
                        ColumnDef::new(TicketLinks::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketLinks::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketLinks::LinkedTicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketLinks::CreatedBy).big_integer().null())
                    .col(
                        ColumnDef::new(TicketLinks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_links_tenant_id")
                            .from(TicketLinks::Table, TicketLinks::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_links_ticket_id")
                            .from(TicketLinks::Table, TicketLinks::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_links_linked_ticket_id")
                            .from(TicketLinks::Table, TicketLinks::LinkedTicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_links_created_by")
                            .from(TicketLinks::Table, TicketLinks::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ticket_links_pair")
                    .table(TicketLinks::Table)
                    .col(TicketLinks::TicketId)
                    .col(TicketLinks::LinkedTicketId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ticket_links_linked_ticket_id")
                    .table(TicketLinks::Table)
                    .col(TicketLinks::LinkedTicketId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ticket_links_tenant_id")
                    .table(TicketLinks::Table)
                    .col(TicketLinks::TenantId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TicketLinks::Table).to_owned())
            .await
    }
}

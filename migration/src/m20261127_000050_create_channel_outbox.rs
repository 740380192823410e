//! The outbox of messages sent through a channel integration (Telegram `sendMessage`,
//! Twilio `Messages.json`): a row is written in the transaction of the change that causes
//! the message and delivered by the jobs, like `email_outbox`.

use sea_orm_migration::prelude::*;

use crate::columns::{index, pk, ENUM_LEN};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChannelOutbox {
    Table,
    Id,
    TenantId,
    IntegrationId,
    Recipient,
    Body,
    Status,
    Attempts,
    LastError,
    SendAfter,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Integrations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChannelOutbox::Table)
                    .col(pk(ChannelOutbox::Id))
                    .col(
                        ColumnDef::new(ChannelOutbox::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChannelOutbox::IntegrationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ChannelOutbox::Recipient).text().not_null())
                    .col(ColumnDef::new(ChannelOutbox::Body).text().not_null())
                    .col(
                        ColumnDef::new(ChannelOutbox::Status)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ChannelOutbox::Attempts).integer().not_null())
                    .col(ColumnDef::new(ChannelOutbox::LastError).text().null())
                    .col(
                        ColumnDef::new(ChannelOutbox::SendAfter)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChannelOutbox::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ChannelOutbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_outbox_tenant_id")
                            .from(ChannelOutbox::Table, ChannelOutbox::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_channel_outbox_integration_id")
                            .from(ChannelOutbox::Table, ChannelOutbox::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_channel_outbox_status_send_after",
                ChannelOutbox::Table,
                [ChannelOutbox::Status, ChannelOutbox::SendAfter],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_channel_outbox_tenant_id",
                ChannelOutbox::Table,
                [ChannelOutbox::TenantId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_channel_outbox_integration_id",
                ChannelOutbox::Table,
                [ChannelOutbox::IntegrationId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChannelOutbox::Table).to_owned())
            .await
    }
}

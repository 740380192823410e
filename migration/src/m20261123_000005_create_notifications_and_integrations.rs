//! Notifications, the e-mail outbox, API tokens and integrations.

use sea_orm_migration::prelude::*;

use crate::columns::{index, pk, ENUM_LEN};
use crate::m20261123_000001_create_tenants_and_users::{Tenants, Users};
use crate::m20261123_000003_create_tickets::Tickets;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // notifications
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk(Notifications::Id))
                    .col(
                        ColumnDef::new(Notifications::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Notifications::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Notifications::Kind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Notifications::Title).text().not_null())
                    .col(ColumnDef::new(Notifications::Body).text().not_null())
                    .col(ColumnDef::new(Notifications::TicketId).big_integer().null())
                    .col(
                        ColumnDef::new(Notifications::ReadAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Notifications::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_tenant_id")
                            .from(Notifications::Table, Notifications::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_user_id")
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_ticket_id")
                            .from(Notifications::Table, Notifications::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_notifications_user_id_read_at_created_at",
                Notifications::Table,
                [
                    Notifications::UserId,
                    Notifications::ReadAt,
                    Notifications::CreatedAt,
                ],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_notifications_tenant_id",
                Notifications::Table,
                [Notifications::TenantId],
                false,
            ))
            .await?;

        // email_outbox
        manager
            .create_table(
                Table::create()
                    .table(EmailOutbox::Table)
                    .col(pk(EmailOutbox::Id))
                    .col(
                        ColumnDef::new(EmailOutbox::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(EmailOutbox::ToAddress).text().not_null())
                    .col(ColumnDef::new(EmailOutbox::Subject).text().not_null())
                    .col(ColumnDef::new(EmailOutbox::BodyText).text().not_null())
                    .col(
                        ColumnDef::new(EmailOutbox::Status)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(EmailOutbox::Attempts).integer().not_null())
                    .col(ColumnDef::new(EmailOutbox::LastError).text().null())
                    .col(
                        ColumnDef::new(EmailOutbox::SendAfter)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EmailOutbox::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(EmailOutbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_outbox_tenant_id")
                            .from(EmailOutbox::Table, EmailOutbox::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_email_outbox_status_send_after",
                EmailOutbox::Table,
                [EmailOutbox::Status, EmailOutbox::SendAfter],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_email_outbox_tenant_id",
                EmailOutbox::Table,
                [EmailOutbox::TenantId],
                false,
            ))
            .await?;

        // api_tokens
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk(ApiTokens::Id))
                    .col(ColumnDef::new(ApiTokens::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(ApiTokens::UserId).big_integer().not_null())
                    .col(ColumnDef::new(ApiTokens::Name).text().not_null())
                    .col(ColumnDef::new(ApiTokens::TokenPrefix).text().not_null())
                    .col(ColumnDef::new(ApiTokens::TokenHash).text().not_null())
                    .col(ColumnDef::new(ApiTokens::Scopes).text().not_null())
                    .col(
                        ColumnDef::new(ApiTokens::LastUsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ApiTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ApiTokens::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ApiTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_tenant_id")
                            .from(ApiTokens::Table, ApiTokens::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_user_id")
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_api_tokens_token_hash",
                ApiTokens::Table,
                [ApiTokens::TokenHash],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_api_tokens_tenant_id_user_id",
                ApiTokens::Table,
                [ApiTokens::TenantId, ApiTokens::UserId],
                false,
            ))
            .await?;

        // integrations
        manager
            .create_table(
                Table::create()
                    .table(Integrations::Table)
                    .col(pk(Integrations::Id))
                    .col(
                        ColumnDef::new(Integrations::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Integrations::Kind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Integrations::Name).text().not_null())
                    .col(
                        ColumnDef::new(Integrations::IsActive)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Integrations::CredentialsEncrypted)
                            .text()
                            .null(),
                    )
                    .col(ColumnDef::new(Integrations::Settings).json().null())
                    .col(
                        ColumnDef::new(Integrations::LastSyncAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Integrations::SyncStatus)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Integrations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Integrations::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_integrations_tenant_id")
                            .from(Integrations::Table, Integrations::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_integrations_tenant_id_kind_name",
                Integrations::Table,
                [
                    Integrations::TenantId,
                    Integrations::Kind,
                    Integrations::Name,
                ],
                true,
            ))
            .await?;

        // sync_mappings
        manager
            .create_table(
                Table::create()
                    .table(SyncMappings::Table)
                    .col(pk(SyncMappings::Id))
                    .col(
                        ColumnDef::new(SyncMappings::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SyncMappings::IntegrationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SyncMappings::EntityKind).text().not_null())
                    .col(
                        ColumnDef::new(SyncMappings::LocalId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SyncMappings::ExternalId).text().not_null())
                    .col(
                        ColumnDef::new(SyncMappings::LastSyncedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SyncMappings::SyncStatus)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SyncMappings::Metadata).json().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sync_mappings_tenant_id")
                            .from(SyncMappings::Table, SyncMappings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sync_mappings_integration_id")
                            .from(SyncMappings::Table, SyncMappings::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_sync_mappings_integration_id_entity_kind_local_id",
                SyncMappings::Table,
                [
                    SyncMappings::IntegrationId,
                    SyncMappings::EntityKind,
                    SyncMappings::LocalId,
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "uq_sync_mappings_integration_id_entity_kind_external_id",
                SyncMappings::Table,
                [
                    SyncMappings::IntegrationId,
                    SyncMappings::EntityKind,
                    SyncMappings::ExternalId,
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_sync_mappings_tenant_id",
                SyncMappings::Table,
                [SyncMappings::TenantId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SyncMappings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Integrations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EmailOutbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Notifications {
    Table,
    Id,
    TenantId,
    UserId,
    Kind,
    Title,
    Body,
    TicketId,
    ReadAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum EmailOutbox {
    Table,
    Id,
    TenantId,
    ToAddress,
    Subject,
    BodyText,
    Status,
    Attempts,
    LastError,
    SendAfter,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum ApiTokens {
    Table,
    Id,
    TenantId,
    UserId,
    Name,
    TokenPrefix,
    TokenHash,
    Scopes,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Integrations {
    Table,
    Id,
    TenantId,
    Kind,
    Name,
    IsActive,
    CredentialsEncrypted,
    Settings,
    LastSyncAt,
    SyncStatus,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum SyncMappings {
    Table,
    Id,
    TenantId,
    IntegrationId,
    EntityKind,
    LocalId,
    ExternalId,
    LastSyncedAt,
    SyncStatus,
    Metadata,
}

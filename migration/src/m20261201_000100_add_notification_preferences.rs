//! Who hears of what, and in which words: each user's notification choices (per event and
//! channel, working hours, the daily digest) and the day their last digest went out; the
//! HTML part of outgoing mails; the mail and notification templates admins rewrote.

use sea_orm_migration::prelude::*;

use crate::columns::{index, pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    NotificationSettings,
    LastDigestOn,
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    BodyHtml,
}

#[derive(DeriveIden)]
enum MessageTemplates {
    Table,
    Id,
    TenantId,
    Notice,
    Lang,
    Subject,
    Body,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::NotificationSettings).json().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::LastDigestOn).date().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EmailOutbox::Table)
                    .add_column(ColumnDef::new(EmailOutbox::BodyHtml).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MessageTemplates::Table)
                    .col(pk(MessageTemplates::Id))
                    .col(
                        ColumnDef::new(MessageTemplates::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MessageTemplates::Notice)
                            .string_len(48)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MessageTemplates::Lang)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MessageTemplates::Subject).text().not_null())
                    .col(ColumnDef::new(MessageTemplates::Body).text().not_null())
                    .col(
                        ColumnDef::new(MessageTemplates::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_message_templates_tenant_id")
                            .from(MessageTemplates::Table, MessageTemplates::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_message_templates_notice",
                MessageTemplates::Table,
                [
                    MessageTemplates::TenantId,
                    MessageTemplates::Notice,
                    MessageTemplates::Lang,
                ],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MessageTemplates::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EmailOutbox::Table)
                    .drop_column(EmailOutbox::BodyHtml)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::LastDigestOn)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::NotificationSettings)
                    .to_owned(),
            )
            .await
    }
}

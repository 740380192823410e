//! Threading of ticket mails: the outbox keeps the `Message-ID` it sends a mail with, the
//! ticket the mail belongs to and the `In-Reply-To` it answers, so that a customer's reply
//! (whose `In-Reply-To`/`References` name our Message-ID) finds its ticket again.
//!
//! `ticket_id` is a plain indexed column without a foreign key: SQLite cannot add a
//! constraint to an existing table (as `leads.ticket_id`). A mail of a deleted ticket only
//! stops threading.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    TicketId,
    MessageId,
    InReplyTo,
    TenantId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(EmailOutbox::TicketId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(EmailOutbox::MessageId)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(EmailOutbox::InReplyTo)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmailOutbox::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(index(
                "idx_email_outbox_tenant_id_message_id",
                EmailOutbox::Table,
                [EmailOutbox::TenantId, EmailOutbox::MessageId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_email_outbox_ticket_id",
                EmailOutbox::Table,
                [EmailOutbox::TicketId],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_email_outbox_tenant_id_message_id",
            "idx_email_outbox_ticket_id",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(EmailOutbox::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            EmailOutbox::InReplyTo,
            EmailOutbox::MessageId,
            EmailOutbox::TicketId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmailOutbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

//! When a ticket began to wait on its customer (entered pending or resolved): auto-close
//! counts from the later of this and the last agent message, so a ticket resolved right
//! after the customer's thanks closes too. Tickets waiting now start from their last
//! change.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
    WaitingSince,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .add_column(
                        ColumnDef::new(Tickets::WaitingSince)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE tickets SET waiting_since = COALESCE(resolved_at, updated_at) \
                 WHERE status IN ('pending', 'resolved')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .drop_column(Tickets::WaitingSince)
                    .to_owned(),
            )
            .await
    }
}

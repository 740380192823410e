//! The CRM: customer notes, activities and tags, leads and their meetings.

use sea_orm_migration::prelude::*;

use crate::columns::{index, money, pk, ENUM_LEN};
use crate::m20261123_000001_create_tenants_and_users::{Customers, Tenants, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // customer_notes
        manager
            .create_table(
                Table::create()
                    .table(CustomerNotes::Table)
                    .col(pk(CustomerNotes::Id))
                    .col(
                        ColumnDef::new(CustomerNotes::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerNotes::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CustomerNotes::Content).text().not_null())
                    .col(
                        ColumnDef::new(CustomerNotes::CreatedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(CustomerNotes::Metadata).json().null())
                    .col(
                        ColumnDef::new(CustomerNotes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_notes_tenant_id")
                            .from(CustomerNotes::Table, CustomerNotes::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_notes_customer_id")
                            .from(CustomerNotes::Table, CustomerNotes::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_notes_created_by")
                            .from(CustomerNotes::Table, CustomerNotes::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_customer_notes_customer_id_created_at",
                CustomerNotes::Table,
                [CustomerNotes::CustomerId, CustomerNotes::CreatedAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customer_notes_tenant_id",
                CustomerNotes::Table,
                [CustomerNotes::TenantId],
                false,
            ))
            .await?;

        // customer_activities
        manager
            .create_table(
                Table::create()
                    .table(CustomerActivities::Table)
                    .col(pk(CustomerActivities::Id))
                    .col(
                        ColumnDef::new(CustomerActivities::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerActivities::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerActivities::Kind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerActivities::Channel)
                            .string_len(ENUM_LEN)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerActivities::Description)
                            .text()
                            .null(),
                    )
                    .col(ColumnDef::new(CustomerActivities::Metadata).json().null())
                    .col(
                        ColumnDef::new(CustomerActivities::CreatedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerActivities::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_activities_tenant_id")
                            .from(CustomerActivities::Table, CustomerActivities::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_activities_customer_id")
                            .from(CustomerActivities::Table, CustomerActivities::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_activities_created_by")
                            .from(CustomerActivities::Table, CustomerActivities::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_customer_activities_customer_id_occurred_at",
                CustomerActivities::Table,
                [
                    CustomerActivities::CustomerId,
                    CustomerActivities::OccurredAt,
                ],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customer_activities_tenant_id_occurred_at",
                CustomerActivities::Table,
                [CustomerActivities::TenantId, CustomerActivities::OccurredAt],
                false,
            ))
            .await?;

        // customer_tags
        manager
            .create_table(
                Table::create()
                    .table(CustomerTags::Table)
                    .col(pk(CustomerTags::Id))
                    .col(
                        ColumnDef::new(CustomerTags::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerTags::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CustomerTags::Tag).text().not_null())
                    .col(
                        ColumnDef::new(CustomerTags::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_tags_tenant_id")
                            .from(CustomerTags::Table, CustomerTags::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_tags_customer_id")
                            .from(CustomerTags::Table, CustomerTags::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_customer_tags_customer_id_tag",
                CustomerTags::Table,
                [CustomerTags::CustomerId, CustomerTags::Tag],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_customer_tags_tenant_id_tag",
                CustomerTags::Table,
                [CustomerTags::TenantId, CustomerTags::Tag],
                false,
            ))
            .await?;

        // leads
        // `leads.ticket_id` and `tickets.lead_id` reference each other. `tickets` is created
        // after `leads`, so `tickets.lead_id` gets the foreign key and `leads.ticket_id`
        // only an index (SQLite cannot add a foreign key to an existing table).
        manager
            .create_table(
                Table::create()
                    .table(Leads::Table)
                    .col(pk(Leads::Id))
                    .col(ColumnDef::new(Leads::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Leads::CustomerId).big_integer().not_null())
                    .col(ColumnDef::new(Leads::OwnerId).big_integer().null())
                    .col(ColumnDef::new(Leads::AssigneeId).big_integer().null())
                    .col(
                        ColumnDef::new(Leads::Status)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Leads::Stage).string_len(ENUM_LEN).not_null())
                    .col(money(manager, Leads::OpportunityValue).null())
                    .col(ColumnDef::new(Leads::Currency).text().not_null())
                    .col(
                        ColumnDef::new(Leads::ConversionProbability)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(Leads::Source).text().null())
                    .col(ColumnDef::new(Leads::DocumentUrl).text().null())
                    .col(ColumnDef::new(Leads::TicketId).big_integer().null())
                    .col(
                        ColumnDef::new(Leads::WonAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Leads::LostReason).text().null())
                    .col(
                        ColumnDef::new(Leads::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Leads::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_tenant_id")
                            .from(Leads::Table, Leads::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_customer_id")
                            .from(Leads::Table, Leads::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_owner_id")
                            .from(Leads::Table, Leads::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_assignee_id")
                            .from(Leads::Table, Leads::AssigneeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_leads_tenant_id_stage",
                Leads::Table,
                [Leads::TenantId, Leads::Stage],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_leads_tenant_id_customer_id",
                Leads::Table,
                [Leads::TenantId, Leads::CustomerId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_leads_ticket_id",
                Leads::Table,
                [Leads::TicketId],
                false,
            ))
            .await?;

        // meetings
        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(pk(Meetings::Id))
                    .col(ColumnDef::new(Meetings::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Meetings::LeadId).big_integer().not_null())
                    .col(ColumnDef::new(Meetings::Title).text().not_null())
                    .col(
                        ColumnDef::new(Meetings::ScheduledAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Meetings::DurationMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Meetings::Location).text().null())
                    .col(ColumnDef::new(Meetings::VideoUrl).text().null())
                    .col(ColumnDef::new(Meetings::Attendees).json().not_null())
                    .col(ColumnDef::new(Meetings::Notes).text().null())
                    .col(
                        ColumnDef::new(Meetings::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meetings_tenant_id")
                            .from(Meetings::Table, Meetings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meetings_lead_id")
                            .from(Meetings::Table, Meetings::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_meetings_lead_id_scheduled_at",
                Meetings::Table,
                [Meetings::LeadId, Meetings::ScheduledAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_meetings_tenant_id",
                Meetings::Table,
                [Meetings::TenantId],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Meetings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Leads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CustomerTags::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CustomerActivities::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CustomerNotes::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum CustomerNotes {
    Table,
    Id,
    TenantId,
    CustomerId,
    Content,
    CreatedBy,
    Metadata,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum CustomerActivities {
    Table,
    Id,
    TenantId,
    CustomerId,
    Kind,
    Channel,
    Description,
    Metadata,
    CreatedBy,
    OccurredAt,
}

#[derive(DeriveIden)]
pub(crate) enum CustomerTags {
    Table,
    Id,
    TenantId,
    CustomerId,
    Tag,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Leads {
    Table,
    Id,
    TenantId,
    CustomerId,
    OwnerId,
    AssigneeId,
    Status,
    Stage,
    OpportunityValue,
    Currency,
    ConversionProbability,
    Source,
    DocumentUrl,
    TicketId,
    WonAt,
    LostReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Meetings {
    Table,
    Id,
    TenantId,
    LeadId,
    Title,
    ScheduledAt,
    DurationMinutes,
    Location,
    VideoUrl,
    Attendees,
    Notes,
    CreatedAt,
}

//! Tickets and everything around them: numbering, workflows, SLA policies, history, messages,
//! attachments, time entries.

use sea_orm_migration::prelude::*;

use crate::columns::{index, money, pk, ENUM_LEN};
use crate::m20261123_000001_create_tenants_and_users::{Customers, Departments, Tenants, Users};
use crate::m20261123_000002_create_crm::Leads;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // tickets
        manager
            .create_table(
                Table::create()
                    .table(Tickets::Table)
                    .col(pk(Tickets::Id))
                    .col(ColumnDef::new(Tickets::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Tickets::Number).text().not_null())
                    .col(
                        ColumnDef::new(Tickets::TicketType)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::Category)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::Priority)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::Status)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Tickets::Subject).text().not_null())
                    .col(ColumnDef::new(Tickets::Description).text().not_null())
                    .col(ColumnDef::new(Tickets::Resolution).text().null())
                    .col(ColumnDef::new(Tickets::CustomerId).big_integer().not_null())
                    .col(ColumnDef::new(Tickets::AssigneeId).big_integer().null())
                    .col(ColumnDef::new(Tickets::DepartmentId).big_integer().null())
                    .col(
                        ColumnDef::new(Tickets::Channel)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Tickets::CreatedBy).big_integer().null())
                    .col(
                        ColumnDef::new(Tickets::ResponseDueAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::ResolutionDueAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::FirstResponseAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::ResolvedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::ClosedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::ResponseBreached)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Tickets::ResolutionBreached)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(money(manager, Tickets::OpportunityValue).null())
                    .col(
                        ColumnDef::new(Tickets::SalesStage)
                            .string_len(ENUM_LEN)
                            .null(),
                    )
                    .col(ColumnDef::new(Tickets::LeadSource).text().null())
                    .col(
                        ColumnDef::new(Tickets::ConversionProbability)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(Tickets::LeadId).big_integer().null())
                    .col(ColumnDef::new(Tickets::QuoteRef).text().null())
                    .col(ColumnDef::new(Tickets::SatisfactionRating).integer().null())
                    .col(ColumnDef::new(Tickets::SatisfactionComment).text().null())
                    .col(
                        ColumnDef::new(Tickets::RatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::LastCustomerMessageAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::LastAgentMessageAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Tickets::MergedIntoId).big_integer().null())
                    .col(
                        ColumnDef::new(Tickets::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Tickets::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_tenant_id")
                            .from(Tickets::Table, Tickets::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_customer_id")
                            .from(Tickets::Table, Tickets::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_assignee_id")
                            .from(Tickets::Table, Tickets::AssigneeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_department_id")
                            .from(Tickets::Table, Tickets::DepartmentId)
                            .to(Departments::Table, Departments::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_created_by")
                            .from(Tickets::Table, Tickets::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_lead_id")
                            .from(Tickets::Table, Tickets::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_merged_into_id")
                            .from(Tickets::Table, Tickets::MergedIntoId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_tickets_tenant_id_number",
                Tickets::Table,
                [Tickets::TenantId, Tickets::Number],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_status_id",
                Tickets::Table,
                [Tickets::TenantId, Tickets::Status, Tickets::Id],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_assignee_id",
                Tickets::Table,
                [Tickets::TenantId, Tickets::AssigneeId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_customer_id",
                Tickets::Table,
                [Tickets::TenantId, Tickets::CustomerId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_priority",
                Tickets::Table,
                [Tickets::TenantId, Tickets::Priority],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_ticket_type",
                Tickets::Table,
                [Tickets::TenantId, Tickets::TicketType],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_department_id",
                Tickets::Table,
                [Tickets::TenantId, Tickets::DepartmentId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_tickets_tenant_id_created_at",
                Tickets::Table,
                [Tickets::TenantId, Tickets::CreatedAt],
                false,
            ))
            .await?;

        // ticket_sequences
        manager
            .create_table(
                Table::create()
                    .table(TicketSequences::Table)
                    .col(pk(TicketSequences::Id))
                    .col(
                        ColumnDef::new(TicketSequences::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketSequences::TicketType)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketSequences::Year).integer().not_null())
                    .col(
                        ColumnDef::new(TicketSequences::LastValue)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_sequences_tenant_id")
                            .from(TicketSequences::Table, TicketSequences::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_ticket_sequences_tenant_id_ticket_type_year",
                TicketSequences::Table,
                [
                    TicketSequences::TenantId,
                    TicketSequences::TicketType,
                    TicketSequences::Year,
                ],
                true,
            ))
            .await?;

        // workflows
        manager
            .create_table(
                Table::create()
                    .table(Workflows::Table)
                    .col(pk(Workflows::Id))
                    .col(ColumnDef::new(Workflows::TenantId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Workflows::TicketType)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Workflows::Name).text().not_null())
                    .col(
                        ColumnDef::new(Workflows::InitialStatus)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Workflows::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Workflows::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflows_tenant_id")
                            .from(Workflows::Table, Workflows::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_workflows_tenant_id_ticket_type",
                Workflows::Table,
                [Workflows::TenantId, Workflows::TicketType],
                true,
            ))
            .await?;

        // workflow_transitions
        manager
            .create_table(
                Table::create()
                    .table(WorkflowTransitions::Table)
                    .col(pk(WorkflowTransitions::Id))
                    .col(
                        ColumnDef::new(WorkflowTransitions::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WorkflowTransitions::WorkflowId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WorkflowTransitions::FromStatus)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WorkflowTransitions::ToStatus)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflow_transitions_tenant_id")
                            .from(WorkflowTransitions::Table, WorkflowTransitions::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflow_transitions_workflow_id")
                            .from(WorkflowTransitions::Table, WorkflowTransitions::WorkflowId)
                            .to(Workflows::Table, Workflows::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_workflow_transitions_workflow_id_from_status_to_status",
                WorkflowTransitions::Table,
                [
                    WorkflowTransitions::WorkflowId,
                    WorkflowTransitions::FromStatus,
                    WorkflowTransitions::ToStatus,
                ],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_workflow_transitions_tenant_id",
                WorkflowTransitions::Table,
                [WorkflowTransitions::TenantId],
                false,
            ))
            .await?;

        // sla_policies
        manager
            .create_table(
                Table::create()
                    .table(SlaPolicies::Table)
                    .col(pk(SlaPolicies::Id))
                    .col(
                        ColumnDef::new(SlaPolicies::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::TicketType)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::ResponseHours)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::ResolutionHours)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SlaPolicies::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sla_policies_tenant_id")
                            .from(SlaPolicies::Table, SlaPolicies::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_sla_policies_tenant_id_ticket_type",
                SlaPolicies::Table,
                [SlaPolicies::TenantId, SlaPolicies::TicketType],
                true,
            ))
            .await?;

        // ticket_events
        manager
            .create_table(
                Table::create()
                    .table(TicketEvents::Table)
                    .col(pk(TicketEvents::Id))
                    .col(
                        ColumnDef::new(TicketEvents::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TicketEvents::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketEvents::ActorId).big_integer().null())
                    .col(
                        ColumnDef::new(TicketEvents::Kind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketEvents::FromValue).text().null())
                    .col(ColumnDef::new(TicketEvents::ToValue).text().null())
                    .col(
                        ColumnDef::new(TicketEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_events_tenant_id")
                            .from(TicketEvents::Table, TicketEvents::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_events_ticket_id")
                            .from(TicketEvents::Table, TicketEvents::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ticket_events_actor_id")
                            .from(TicketEvents::Table, TicketEvents::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_ticket_events_ticket_id_created_at",
                TicketEvents::Table,
                [TicketEvents::TicketId, TicketEvents::CreatedAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_ticket_events_tenant_id",
                TicketEvents::Table,
                [TicketEvents::TenantId],
                false,
            ))
            .await?;

        // messages
        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(pk(Messages::Id))
                    .col(ColumnDef::new(Messages::TenantId).big_integer().not_null())
                    .col(ColumnDef::new(Messages::TicketId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Messages::AuthorKind)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Messages::AuthorUserId).big_integer().null())
                    .col(
                        ColumnDef::new(Messages::AuthorCustomerId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Messages::Visibility)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Messages::Body).text().not_null())
                    .col(
                        ColumnDef::new(Messages::Channel)
                            .string_len(ENUM_LEN)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Messages::ExternalId).text().null())
                    .col(
                        ColumnDef::new(Messages::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_messages_tenant_id")
                            .from(Messages::Table, Messages::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_messages_ticket_id")
                            .from(Messages::Table, Messages::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_messages_author_user_id")
                            .from(Messages::Table, Messages::AuthorUserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_messages_author_customer_id")
                            .from(Messages::Table, Messages::AuthorCustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_messages_ticket_id_created_at",
                Messages::Table,
                [Messages::TicketId, Messages::CreatedAt],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_messages_tenant_id_created_at",
                Messages::Table,
                [Messages::TenantId, Messages::CreatedAt],
                false,
            ))
            .await?;

        // attachments
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(pk(Attachments::Id))
                    .col(
                        ColumnDef::new(Attachments::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Attachments::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Attachments::MessageId).big_integer().null())
                    .col(ColumnDef::new(Attachments::Filename).text().not_null())
                    .col(ColumnDef::new(Attachments::ContentType).text().not_null())
                    .col(
                        ColumnDef::new(Attachments::SizeBytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Attachments::StorageKey).text().not_null())
                    .col(ColumnDef::new(Attachments::UploadedBy).big_integer().null())
                    .col(
                        ColumnDef::new(Attachments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_tenant_id")
                            .from(Attachments::Table, Attachments::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_ticket_id")
                            .from(Attachments::Table, Attachments::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_message_id")
                            .from(Attachments::Table, Attachments::MessageId)
                            .to(Messages::Table, Messages::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attachments_uploaded_by")
                            .from(Attachments::Table, Attachments::UploadedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_attachments_ticket_id",
                Attachments::Table,
                [Attachments::TicketId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_attachments_tenant_id",
                Attachments::Table,
                [Attachments::TenantId],
                false,
            ))
            .await?;

        // time_entries
        manager
            .create_table(
                Table::create()
                    .table(TimeEntries::Table)
                    .col(pk(TimeEntries::Id))
                    .col(
                        ColumnDef::new(TimeEntries::TenantId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimeEntries::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TimeEntries::UserId).big_integer().not_null())
                    .col(ColumnDef::new(TimeEntries::Minutes).integer().not_null())
                    .col(ColumnDef::new(TimeEntries::WorkDate).date().not_null())
                    .col(ColumnDef::new(TimeEntries::Note).text().null())
                    .col(
                        ColumnDef::new(TimeEntries::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_time_entries_tenant_id")
                            .from(TimeEntries::Table, TimeEntries::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_time_entries_ticket_id")
                            .from(TimeEntries::Table, TimeEntries::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_time_entries_user_id")
                            .from(TimeEntries::Table, TimeEntries::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_time_entries_tenant_id_work_date",
                TimeEntries::Table,
                [TimeEntries::TenantId, TimeEntries::WorkDate],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_time_entries_ticket_id",
                TimeEntries::Table,
                [TimeEntries::TicketId],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_time_entries_user_id_work_date",
                TimeEntries::Table,
                [TimeEntries::UserId, TimeEntries::WorkDate],
                false,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TimeEntries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Messages::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TicketEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SlaPolicies::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WorkflowTransitions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Workflows::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TicketSequences::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Tickets::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Tickets {
    Table,
    Id,
    TenantId,
    Number,
    TicketType,
    Category,
    Priority,
    Status,
    Subject,
    Description,
    Resolution,
    CustomerId,
    AssigneeId,
    DepartmentId,
    Channel,
    CreatedBy,
    ResponseDueAt,
    ResolutionDueAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    ResponseBreached,
    ResolutionBreached,
    OpportunityValue,
    SalesStage,
    LeadSource,
    ConversionProbability,
    LeadId,
    QuoteRef,
    SatisfactionRating,
    SatisfactionComment,
    RatedAt,
    LastCustomerMessageAt,
    LastAgentMessageAt,
    MergedIntoId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum TicketSequences {
    Table,
    Id,
    TenantId,
    TicketType,
    Year,
    LastValue,
}

#[derive(DeriveIden)]
pub(crate) enum Workflows {
    Table,
    Id,
    TenantId,
    TicketType,
    Name,
    InitialStatus,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum WorkflowTransitions {
    Table,
    Id,
    TenantId,
    WorkflowId,
    FromStatus,
    ToStatus,
}

#[derive(DeriveIden)]
pub(crate) enum SlaPolicies {
    Table,
    Id,
    TenantId,
    TicketType,
    ResponseHours,
    ResolutionHours,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum TicketEvents {
    Table,
    Id,
    TenantId,
    TicketId,
    ActorId,
    Kind,
    FromValue,
    ToValue,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Messages {
    Table,
    Id,
    TenantId,
    TicketId,
    AuthorKind,
    AuthorUserId,
    AuthorCustomerId,
    Visibility,
    Body,
    Channel,
    ExternalId,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Attachments {
    Table,
    Id,
    TenantId,
    TicketId,
    MessageId,
    Filename,
    ContentType,
    SizeBytes,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum TimeEntries {
    Table,
    Id,
    TenantId,
    TicketId,
    UserId,
    Minutes,
    WorkDate,
    Note,
    CreatedAt,
}

//! Every entity under its table's singular name, as `sea-orm-cli` generates it.

pub use super::agent_hourly_cost::Entity as AgentHourlyCost;
pub use super::api_token::Entity as ApiToken;
pub use super::attachment::Entity as Attachment;
pub use super::budget::Entity as Budget;
pub use super::budget_alert::Entity as BudgetAlert;
pub use super::customer::Entity as Customer;
pub use super::customer_activity::Entity as CustomerActivity;
pub use super::customer_note::Entity as CustomerNote;
pub use super::customer_tag::Entity as CustomerTag;
pub use super::department::Entity as Department;
pub use super::email_outbox::Entity as EmailOutbox;
pub use super::integration::Entity as Integration;
pub use super::lead::Entity as Lead;
pub use super::meeting::Entity as Meeting;
pub use super::message::Entity as Message;
pub use super::notification::Entity as Notification;
pub use super::sla_policy::Entity as SlaPolicy;
pub use super::sync_mapping::Entity as SyncMapping;
pub use super::tenant::Entity as Tenant;
pub use super::ticket::Entity as Ticket;
pub use super::ticket_event::Entity as TicketEvent;
pub use super::ticket_sequence::Entity as TicketSequence;
pub use super::time_entry::Entity as TimeEntry;
pub use super::user::Entity as User;
pub use super::workflow::Entity as Workflow;
pub use super::workflow_transition::Entity as WorkflowTransition;

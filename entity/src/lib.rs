//! Guichet's data model: one SeaORM entity module per table, and the stored enumerations.
//!
//! The schema itself is created by the `migration` crate; `docs/data-model.md` describes
//! it. This crate knows nothing of GraphQL.

pub mod enums;
pub mod prelude;

pub mod agent_hourly_cost;
pub mod api_token;
pub mod attachment;
pub mod budget;
pub mod budget_alert;
pub mod channel_outbox;
pub mod customer;
pub mod customer_activity;
pub mod customer_note;
pub mod customer_tag;
pub mod department;
pub mod email_outbox;
pub mod integration;
pub mod lead;
pub mod meeting;
pub mod message;
pub mod message_template;
pub mod notification;
pub mod session;
pub mod sla_policy;
pub mod sync_mapping;
pub mod tenant;
pub mod ticket;
pub mod ticket_event;
pub mod ticket_link;
pub mod ticket_sequence;
pub mod time_entry;
pub mod user;
pub mod workflow;
pub mod workflow_transition;

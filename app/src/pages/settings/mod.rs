//! Settings: the tenant's (admins: workflows, SLA hours, channel integrations, the team's
//! messages) and each user's own notification choices.

pub mod calendar;
pub mod integrations;
pub mod messages;
pub mod notifications;
pub mod preferences;
pub mod sla;
pub mod templates;
pub mod workflows;

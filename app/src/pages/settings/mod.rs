//! The tenant's settings (admins): workflows, SLA hours and channel integrations.

pub mod calendar;
pub mod integrations;
pub mod sla;
pub mod workflows;

//! The tenant's settings (admins): workflows and SLA hours.

pub mod calendar;
pub mod sla;
pub mod workflows;

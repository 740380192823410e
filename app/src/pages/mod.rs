//! One module per page; each page loads its own data through `crate::api`.

pub mod bell;
pub mod board;
pub mod budgets;
pub mod create_ticket;
pub mod customers;
pub mod leads;
pub mod login;
pub mod not_found;
pub mod reports;
pub mod settings;
pub mod ticket;

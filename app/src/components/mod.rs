//! Presentational pieces: they show what they are given and fetch nothing.

pub mod badges;
pub mod charts;
pub mod error_view;
pub mod header;
pub mod history;
pub mod sla;
pub mod ticket_card;
pub mod time;

//! The tables the loader writes, and the one interface through which the generator hands
//! each row's values to a database's encoder ([`Sink`]): PostgreSQL's binary `COPY`
//! stream, SQLite's bound parameters.
//!
//! Columns that stay `NULL` on every bulk row (a ticket's department, lead, merge target;
//! a message's external id; a time entry's note; a customer's phone, address, order
//! dates) are not listed: an insert that leaves them out stores `NULL`, as the entity's
//! `None` did. So is `customers.total_revenue`, whose default is the `0` written before.

use chrono::{DateTime, NaiveDate, Utc};

/// A table and the columns the loader fills, in the order rows give their values.
#[derive(Debug)]
pub(crate) struct Table {
    /// The table's name.
    pub name: &'static str,
    /// The columns written.
    pub columns: &'static [&'static str],
}

pub(crate) const CUSTOMERS: Table = Table {
    name: "customers",
    columns: &[
        "id",
        "tenant_id",
        "first_name",
        "last_name",
        "company",
        "email",
        "status",
        "segment",
        "preferred_channel",
        "city",
        "country",
        "currency",
        "total_orders",
        "created_at",
        "updated_at",
    ],
};

pub(crate) const TICKETS: Table = Table {
    name: "tickets",
    columns: &[
        "id",
        "tenant_id",
        "number",
        "ticket_type",
        "category",
        "priority",
        "status",
        "subject",
        "description",
        "customer_id",
        "assignee_id",
        "channel",
        "response_due_at",
        "resolution_due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "response_breached",
        "resolution_breached",
        "satisfaction_rating",
        "satisfaction_comment",
        "rated_at",
        "last_customer_message_at",
        "last_agent_message_at",
        "waiting_since",
        "response_warned",
        "resolution_warned",
        "created_at",
        "updated_at",
    ],
};

pub(crate) const MESSAGES: Table = Table {
    name: "messages",
    columns: &[
        "id",
        "tenant_id",
        "ticket_id",
        "author_kind",
        "author_user_id",
        "author_customer_id",
        "visibility",
        "body",
        "channel",
        "created_at",
    ],
};

pub(crate) const TICKET_EVENTS: Table = Table {
    name: "ticket_events",
    columns: &[
        "id",
        "tenant_id",
        "ticket_id",
        "actor_id",
        "kind",
        "from_value",
        "to_value",
        "created_at",
    ],
};

pub(crate) const TIME_ENTRIES: Table = Table {
    name: "time_entries",
    columns: &[
        "id",
        "tenant_id",
        "ticket_id",
        "user_id",
        "minutes",
        "work_date",
        "created_at",
    ],
};

/// The tables with an id sequence the loader continues, in the order they are filled.
pub(crate) const LOADED: [&Table; 5] = [
    &CUSTOMERS,
    &TICKETS,
    &MESSAGES,
    &TICKET_EVENTS,
    &TIME_ENTRIES,
];

/// Receives one table's rows, value by value, in [`Table::columns`] order. The value's
/// Rust type is the column's: `BIGINT` ([`Sink::int8`]), `INTEGER` ([`Sink::int4`]),
/// text and `VARCHAR` enums ([`Sink::text`]), timestamps with time zone, dates, booleans.
pub(crate) trait Sink {
    /// Starts a row.
    fn begin_row(&mut self);
    fn int8(&mut self, value: i64);
    fn int4(&mut self, value: i32);
    fn boolean(&mut self, value: bool);
    fn text(&mut self, value: &str);
    fn time(&mut self, value: DateTime<Utc>);
    fn date(&mut self, value: NaiveDate);
    fn null(&mut self);
    /// Rows begun so far.
    fn rows(&self) -> usize;

    fn opt_int8(&mut self, value: Option<i64>) {
        match value {
            Some(value) => self.int8(value),
            None => self.null(),
        }
    }
    fn opt_int4(&mut self, value: Option<i32>) {
        match value {
            Some(value) => self.int4(value),
            None => self.null(),
        }
    }
    fn opt_text(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }
    fn opt_time(&mut self, value: Option<DateTime<Utc>>) {
        match value {
            Some(value) => self.time(value),
            None => self.null(),
        }
    }
}

/// Makes the sink of one table for one batch.
pub(crate) trait SinkFactory: Send + 'static {
    /// The sink type.
    type Sink: Sink + Send + 'static;
    /// A new, empty sink for `table`.
    fn sink(&self, table: &'static Table) -> Self::Sink;
}

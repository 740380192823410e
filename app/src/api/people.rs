//! People a ticket is about or handled by: agents to assign, customers to pick.

use crate::api::{graphql, ApiError};

operation!(Agents, "graphql/agents.graphql");
operation!(Customers, "graphql/customers.graphql");

/// How many customers the picker shows.
pub const CUSTOMER_PICKER_SIZE: i64 = 10;

/// A staff member who can be assigned tickets.
pub type Agent = agents::AgentsAgents;
/// A customer, with the ways to reach them.
pub type CustomerContact = customers::CustomersCustomers;

same_fields!(crate::api::tickets::ticket::TicketTicketAssignee => Agent { id, display_name });

/// Active staff who can be assigned tickets, by name (`agents.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_agents() -> Result<Vec<Agent>, ApiError> {
    Ok(graphql::<Agents>(agents::Variables).await?.agents)
}

/// Customers whose name, company or e-mail contains `search` (`customers.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn search_customers(search: &str) -> Result<Vec<CustomerContact>, ApiError> {
    let variables = customers::Variables {
        search: Some(search.to_owned()),
        first: Some(CUSTOMER_PICKER_SIZE),
    };
    Ok(graphql::<Customers>(variables).await?.customers)
}

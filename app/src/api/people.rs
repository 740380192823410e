//! People a ticket is about or handled by: agents to assign, customers to pick.

use serde::{Deserialize, Serialize};

use crate::api::tickets::{CustomerContact, PersonRef};
use crate::api::{graphql, ApiError, NoVariables};

const AGENTS: &str = include_str!("../../graphql/agents.graphql");
const CUSTOMERS: &str = include_str!("../../graphql/customers.graphql");

/// How many customers the picker shows.
pub const CUSTOMER_PICKER_SIZE: i32 = 10;

#[derive(Deserialize)]
struct AgentsData {
    agents: Vec<PersonRef>,
}

#[derive(Serialize)]
struct CustomersVariables<'a> {
    search: &'a str,
    first: i32,
}

#[derive(Deserialize)]
struct CustomersData {
    customers: Vec<CustomerContact>,
}

/// Active staff who can be assigned tickets, by name (`agents.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn fetch_agents() -> Result<Vec<PersonRef>, ApiError> {
    let data: AgentsData = graphql(AGENTS, NoVariables {}).await?;
    Ok(data.agents)
}

/// Customers whose name, company or e-mail contains `search` (`customers.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for customers, or any [`ApiError`] of the call.
pub async fn search_customers(search: &str) -> Result<Vec<CustomerContact>, ApiError> {
    let variables = CustomersVariables {
        search,
        first: CUSTOMER_PICKER_SIZE,
    };
    let data: CustomersData = graphql(CUSTOMERS, variables).await?;
    Ok(data.customers)
}

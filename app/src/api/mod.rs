//! The GraphQL client: one typed function per operation, each document in its own file under
//! `app/graphql/`. The request and response types are generated at build time from the
//! committed `schema.graphql` and the document by `graphql_client`'s derive (see
//! [`operation!`]), so a document that no longer matches the schema fails the build; the
//! server's tests also validate every document against the schema.

/// Generates the types of one operation: `operation!(Name, "graphql/file.graphql")` makes
/// the unit struct `Name` and the module `name` with its `Variables` and `ResponseData`.
///
/// Options written after the file come first in the attribute, so they override the
/// defaults below (`graphql_client` reads the first occurrence of each).
///
/// Every schema enum that more than one operation uses is generated once, by the operation
/// that owns it (which passes an empty `extern_enums()`), re-exported from this module, and
/// taken from there by the others (`extern_enums`), so that one Rust type stands for it.
/// The owner's derives are those of the enum; it needs `Eq, Hash` for the enums in keys.
macro_rules! operation {
    ($name:ident, $file:tt $(, $($option:tt)*)?) => {
        #[derive(graphql_client::GraphQLQuery)]
        #[graphql(
            $($($option)*,)?
            schema_path = "../schema.graphql",
            query_path = $file,
            custom_scalars_module = "crate::api::scalars",
            extern_enums(
                "TicketStatus",
                "TicketPriority",
                "TicketType",
                "TicketCategory",
                "AuthorKind",
                "PresenceState",
                "Role",
                "Weekday",
                "LeadStage",
                "CustomerSegment",
                "ActivityKind",
                "Channel",
                "IntegrationKind",
                "CrmEventKind",
                "PeriodKind"
            ),
            response_derives = "Clone, Debug, PartialEq",
            variables_derives = "Clone, Debug"
        )]
        pub struct $name;
    };
}

/// `From` between two generated structs that hold the same fields (the same selection in
/// two documents): `same_fields!(a::X => b::Y { id, user, assignee map, items each })`
/// moves each field, converting it with `Into` (`map`: an `Option`, `each`: a `Vec`,
/// `map_each`: an `Option` of a `Vec`). A field that differs fails the build.
macro_rules! same_fields {
    (@take $value:ident . $field:ident) => { $value.$field.into() };
    (@take $value:ident . $field:ident map) => { $value.$field.map(Into::into) };
    (@take $value:ident . $field:ident each) => {
        $value.$field.into_iter().map(Into::into).collect()
    };
    (@take $value:ident . $field:ident map_each) => {
        $value
            .$field
            .map(|items| items.into_iter().map(Into::into).collect())
    };
    ($from:ty => $to:ty { $($field:ident $($how:ident)?),* $(,)? }) => {
        impl From<$from> for $to {
            fn from(value: $from) -> Self {
                Self { $($field: same_fields!(@take value . $field $($how)?)),* }
            }
        }
    };
}

/// Names and lists the values of a generated enum: `ALL` (in the order given, which is the
/// order the app shows them in), `as_str` (the schema's name, as sent) and `parse`. The
/// `match` in `as_str` is exhaustive, so the list must name every value of the schema.
macro_rules! enum_names {
    ($enum:path, [$($variant:ident),* $(,)?]) => {
        impl $enum {
            /// Every value the app knows.
            pub const ALL: [Self; [$(stringify!($variant)),*].len()] = [$(Self::$variant),*];

            /// The schema's name of the value (`OPEN`, …).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => stringify!($variant),)*
                    Self::Other(name) => name,
                }
            }

            /// The value named `name` by [`Self::as_str`], if the schema has it.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|value| value.as_str() == name)
            }
        }
    };
}

pub mod attachments;
pub mod auth;
pub mod crm;
pub mod integrations;
pub mod live;
pub mod notifications;
pub mod people;
pub mod preferences;
pub mod reports;
pub mod settings;
pub mod templates;
pub mod tickets;

use std::fmt;

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::state;

pub use auth::me::Role;
pub use crm::customer_card::{ActivityKind, Channel, CustomerSegment};
pub use crm::lead_events::CrmEventKind;
pub use crm::leads_board::LeadStage;
pub use integrations::integrations::IntegrationKind;
pub use reports::budgets::PeriodKind;
pub use settings::business_calendar::Weekday;
pub use tickets::ticket::{
    AuthorKind, PresenceState, TicketCategory, TicketPriority, TicketStatus, TicketType,
};

/// The schema's custom scalars as the generated types hold them: the app shows dates and
/// amounts as the server writes them (RFC 3339, `YYYY-MM-DD`, `"123.45"`) and parses them
/// only where it computes.
pub mod scalars {
    /// RFC 3339, UTC.
    pub type DateTime = String;
    /// A decimal number written as a string (`"123.45"`).
    pub type Decimal = String;
    /// `YYYY-MM-DD`.
    pub type NaiveDate = String;
    /// Free JSON.
    #[allow(clippy::upper_case_acronyms)]
    pub type JSON = serde_json::Value;
    /// A file: its variable is sent as `null` and the file as a part of a multipart
    /// request (see [`super::attachments`]).
    pub type Upload = ();
}

/// Where the GraphQL endpoint lives, relative to the page's origin.
pub const GRAPHQL_PATH: &str = "/graphql";

/// Where the GraphQL subscriptions (graphql-transport-ws) live.
pub const GRAPHQL_WS_PATH: &str = "/graphql/ws";

/// The code of an error that happened before the server could answer (no network, the
/// server is down, a proxy answered with something that is not GraphQL).
pub const CODE_NETWORK: &str = "NETWORK";

/// The code of a GraphQL error whose server gave no `extensions.code`.
pub const CODE_INTERNAL: &str = "INTERNAL";

/// An error from a GraphQL call: the server's `extensions.code` (or [`CODE_NETWORK`]) and
/// its message, both shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// A stable code: `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`, `BAD_USER_INPUT`,
    /// `CONFLICT`, `INTERNAL`, or [`CODE_NETWORK`].
    pub code: String,
    /// The message, as the server wrote it.
    pub message: String,
    /// The input field at fault, for `BAD_USER_INPUT` (`extensions.field`), as the API
    /// spells it.
    pub field: Option<String>,
}

impl ApiError {
    /// An error with the given code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            field: None,
        }
    }

    /// An error of the transport, before any GraphQL answer.
    pub fn network(message: impl fmt::Display) -> Self {
        Self::new(CODE_NETWORK, message.to_string())
    }

    /// Whether the server refused the caller's token (or has none).
    pub fn is_unauthenticated(&self) -> bool {
        self.code == "UNAUTHENTICATED"
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

/// A GraphQL response body.
#[derive(Deserialize)]
struct GraphqlResponse<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

/// One entry of a GraphQL response's `errors`, also the payload of a subscription's `error`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct GraphqlError {
    message: String,
    #[serde(default)]
    extensions: Option<GraphqlErrorExtensions>,
}

#[derive(Clone, Debug, Deserialize)]
struct GraphqlErrorExtensions {
    code: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

impl From<GraphqlError> for ApiError {
    fn from(error: GraphqlError) -> Self {
        let (code, field) = error.extensions.map_or((None, None), |extensions| {
            (extensions.code, extensions.field)
        });
        ApiError {
            field,
            ..ApiError::new(
                code.unwrap_or_else(|| CODE_INTERNAL.to_owned()),
                error.message,
            )
        }
    }
}

/// Sends operation `Q` to [`GRAPHQL_PATH`] with the stored session's bearer token.
///
/// # Errors
///
/// The first GraphQL error of the response with its `extensions.code`; [`CODE_NETWORK`]
/// when the server could not be reached or did not answer with GraphQL.
pub async fn graphql<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<Q::ResponseData, ApiError> {
    let mut request = Request::post(GRAPHQL_PATH).header("Accept", "application/json");
    if let Some(token) = state::stored_token() {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request
        .json(&Q::build_query(variables))
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(ApiError::network)?;
    decode_response(status, &text)
}

/// Turns an HTTP answer into the operation's data or its first error.
fn decode_response<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    let body: GraphqlResponse<T> = match serde_json::from_str(text) {
        Ok(body) => body,
        // A GraphQL server answers errors in JSON too; anything else comes from elsewhere
        // (a proxy, a server that is starting), so say what came back.
        Err(_) if !(200..300).contains(&status) => {
            return Err(ApiError::network(format!(
                "HTTP {status}: {}",
                first_line(text)
            )));
        }
        Err(error) => return Err(ApiError::new(CODE_INTERNAL, error.to_string())),
    };
    if let Some(error) = body.errors.into_iter().next() {
        return Err(error.into());
    }
    body.data
        .ok_or_else(|| ApiError::new(CODE_INTERNAL, "the response has no data"))
}

/// The start of a text, for an error message.
fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Answer {
        value: i32,
    }

    #[test]
    fn data_is_decoded() {
        let answer: Answer = decode_response(200, r#"{"data":{"value":3}}"#).unwrap();
        assert_eq!(answer, Answer { value: 3 });
    }

    #[test]
    fn the_first_error_carries_its_code() {
        let text = r#"{"data":null,"errors":[
            {"message":"Wrong e-mail or password","extensions":{"code":"UNAUTHENTICATED"}},
            {"message":"second"}]}"#;
        let error = decode_response::<Answer>(200, text).unwrap_err();
        assert_eq!(
            error,
            ApiError::new("UNAUTHENTICATED", "Wrong e-mail or password")
        );
        assert!(error.is_unauthenticated());
    }

    #[test]
    fn a_refused_input_names_its_field() {
        let text = r#"{"errors":[{"message":"undefined value (line 1)",
            "extensions":{"code":"BAD_USER_INPUT","field":"body"}}]}"#;
        let error = decode_response::<Answer>(200, text).unwrap_err();
        assert_eq!(error.code, "BAD_USER_INPUT");
        assert_eq!(error.field.as_deref(), Some("body"));
    }

    #[test]
    fn an_error_without_code_is_internal() {
        let error =
            decode_response::<Answer>(200, r#"{"errors":[{"message":"boom"}]}"#).unwrap_err();
        assert_eq!(error.code, CODE_INTERNAL);
    }

    #[test]
    fn a_non_graphql_answer_is_a_network_error() {
        let error = decode_response::<Answer>(502, "Bad Gateway\n<html>").unwrap_err();
        assert_eq!(error, ApiError::network("HTTP 502: Bad Gateway"));
    }
}

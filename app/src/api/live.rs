//! A small graphql-transport-ws client for the `ticketEvents`, `ticketPresence` and
//! `leadEvents` subscriptions.
//!
//! The protocol (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>): the
//! client sends `connection_init` with the token, waits for `connection_ack`, sends one
//! `subscribe`, then receives `next` messages; either side may `ping`, the other answers
//! `pong`. When the socket closes the client connects again after a growing delay.

use std::pin::pin;

use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::crm::{lead_events, LeadEvent};
use crate::api::tickets::{ticket_events, ticket_presence, Presence, TicketEvent};
use crate::api::{ApiError, GraphqlError, GRAPHQL_WS_PATH};

/// The sub-protocol the server speaks.
const PROTOCOL: &str = "graphql-transport-ws";

/// The id of our only subscription on a connection.
const SUBSCRIPTION_ID: &str = "live";

/// One subscription: its document, operation, variables and the field its events come in.
struct Operation<'a> {
    query: &'a str,
    name: &'a str,
    variables: Value,
    field: &'a str,
}

/// How long the server has to acknowledge `connection_init`.
const ACK_TIMEOUT_MS: u32 = 10_000;

/// The first and the longest delay before connecting again.
const FIRST_RETRY_MS: u32 = 1_000;
const LONGEST_RETRY_MS: u32 = 30_000;

/// Close codes after which connecting again with the same token cannot help.
const CLOSE_UNAUTHORIZED: u16 = 4401;
const CLOSE_FORBIDDEN: u16 = 4403;

/// The state of the live connection, for the header's indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    /// The first connection is being made.
    Connecting,
    /// Subscribed: events arrive.
    Connected,
    /// The connection was lost; a new one is coming.
    Reconnecting,
    /// Not connected and not trying (signed out, or the server refused the token).
    Offline,
}

/// Why a connection ended.
enum Ended {
    /// Try again after a delay.
    Retry(String),
    /// Do not try again with this token.
    Refused(String),
}

/// A message from the server; `payload` depends on `type`.
#[derive(Deserialize)]
struct ServerMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Option<Value>,
}

/// Follows the `ticketEvents` subscription for as long as the returned future is polled:
/// it connects, reconnects with a growing delay, and hands every event to `on_event`.
/// Drop the future (or abort it) to close the connection.
pub async fn follow_ticket_events(
    token: String,
    on_event: impl Fn(TicketEvent),
    on_status: impl Fn(LiveStatus),
) {
    let operation = Operation {
        query: ticket_events::QUERY,
        name: ticket_events::OPERATION_NAME,
        variables: json!({}),
        field: "ticketEvents",
    };
    follow(token, &operation, on_event, on_status).await;
}

/// Follows who views or types on ticket `ticket_id`, as [`follow_ticket_events`] does.
pub async fn follow_ticket_presence(token: String, ticket_id: String, on_event: impl Fn(Presence)) {
    let operation = Operation {
        query: ticket_presence::QUERY,
        name: ticket_presence::OPERATION_NAME,
        variables: json!({ "ticketId": ticket_id }),
        field: "ticketPresence",
    };
    let on_event =
        move |event: ticket_presence::TicketPresenceTicketPresence| on_event(event.into());
    follow(token, &operation, on_event, |_| {}).await;
}

/// Follows the `leadEvents` subscription, as [`follow_ticket_events`] does.
pub async fn follow_lead_events(token: String, on_event: impl Fn(LeadEvent)) {
    let operation = Operation {
        query: lead_events::QUERY,
        name: lead_events::OPERATION_NAME,
        variables: json!({}),
        field: "leadEvents",
    };
    follow(token, &operation, on_event, |_| {}).await;
}

async fn follow<T: DeserializeOwned>(
    token: String,
    operation: &Operation<'_>,
    on_event: impl Fn(T),
    on_status: impl Fn(LiveStatus),
) {
    let mut delay_ms = FIRST_RETRY_MS;
    on_status(LiveStatus::Connecting);
    loop {
        let mut subscribed = false;
        let ended = run_connection(&token, operation, &on_event, &mut || {
            subscribed = true;
            on_status(LiveStatus::Connected);
        })
        .await;
        if subscribed {
            delay_ms = FIRST_RETRY_MS;
        }
        match ended {
            Ended::Refused(reason) => {
                leptos::logging::warn!("live events refused: {reason}");
                on_status(LiveStatus::Offline);
                return;
            }
            Ended::Retry(reason) => {
                leptos::logging::warn!("live events lost ({reason}); retrying in {delay_ms} ms");
                on_status(LiveStatus::Reconnecting);
            }
        }
        TimeoutFuture::new(delay_ms).await;
        delay_ms = (delay_ms * 2).min(LONGEST_RETRY_MS);
    }
}

/// The `ws:`/`wss:` URL of the subscription endpoint on the page's own host.
fn websocket_url() -> Result<String, String> {
    let location = web_sys::window().ok_or("no window")?.location();
    let protocol = location.protocol().map_err(|_| "no location protocol")?;
    let host = location.host().map_err(|_| "no location host")?;
    let scheme = if protocol == "https:" { "wss:" } else { "ws:" };
    Ok(format!("{scheme}//{host}{GRAPHQL_WS_PATH}"))
}

/// One connection, from opening to closing; `on_subscribed` is called once acknowledged.
async fn run_connection<T: DeserializeOwned>(
    token: &str,
    operation: &Operation<'_>,
    on_event: &impl Fn(T),
    on_subscribed: &mut impl FnMut(),
) -> Ended {
    let url = match websocket_url() {
        Ok(url) => url,
        Err(error) => return Ended::Refused(error),
    };
    let socket = match WebSocket::open_with_protocol(&url, PROTOCOL) {
        Ok(socket) => socket,
        Err(error) => return Ended::Retry(error.to_string()),
    };
    let (mut sink, mut stream) = socket.split();

    let init = json!({"type": "connection_init", "payload": {"token": token}});
    if let Err(error) = sink.send(Message::Text(init.to_string())).await {
        return Ended::Retry(error.to_string());
    }

    // Wait for the acknowledgement, answering pings meanwhile.
    loop {
        let next = pin!(stream.next());
        let timeout = pin!(TimeoutFuture::new(ACK_TIMEOUT_MS));
        let message = match select(next, timeout).await {
            Either::Left((message, _)) => message,
            Either::Right(_) => return Ended::Retry("no connection_ack in time".to_owned()),
        };
        match parse_message(message) {
            Ok(message) if message.kind == "connection_ack" => break,
            Ok(message) if message.kind == "ping" => {
                if let Err(error) = sink.send(pong()).await {
                    return Ended::Retry(error.to_string());
                }
            }
            Ok(message) => {
                return Ended::Retry(format!("unexpected `{}` before ack", message.kind));
            }
            Err(ended) => return ended,
        }
    }

    let subscribe = json!({
        "id": SUBSCRIPTION_ID,
        "type": "subscribe",
        "payload": {
            "query": operation.query,
            "operationName": operation.name,
            "variables": operation.variables,
        },
    });
    if let Err(error) = sink.send(Message::Text(subscribe.to_string())).await {
        return Ended::Retry(error.to_string());
    }
    on_subscribed();

    loop {
        let message = match parse_message(stream.next().await) {
            Ok(message) => message,
            Err(ended) => return ended,
        };
        match message.kind.as_str() {
            "next" => match decode_event(message.payload, operation.field) {
                Ok(event) => on_event(event),
                Err(error) => leptos::logging::warn!("live event skipped: {error}"),
            },
            "ping" => {
                if let Err(error) = sink.send(pong()).await {
                    return Ended::Retry(error.to_string());
                }
            }
            "pong" => {}
            "error" => {
                let error = first_error(message.payload);
                return if error.is_unauthenticated() || error.code == "FORBIDDEN" {
                    Ended::Refused(error.to_string())
                } else {
                    Ended::Retry(error.to_string())
                };
            }
            "complete" => return Ended::Retry("the server completed the subscription".into()),
            other => leptos::logging::warn!("live message `{other}` ignored"),
        }
    }
}

fn pong() -> Message {
    Message::Text(json!({"type": "pong"}).to_string())
}

/// Reads one message of the stream, or says why the connection ended.
fn parse_message(message: Option<Result<Message, WebSocketError>>) -> Result<ServerMessage, Ended> {
    let text = match message {
        None => return Err(Ended::Retry("the connection closed".into())),
        Some(Err(WebSocketError::ConnectionClose(close))) => {
            let reason = format!("closed with {} {}", close.code, close.reason);
            return Err(
                if close.code == CLOSE_UNAUTHORIZED || close.code == CLOSE_FORBIDDEN {
                    Ended::Refused(reason)
                } else {
                    Ended::Retry(reason)
                },
            );
        }
        Some(Err(error)) => return Err(Ended::Retry(error.to_string())),
        Some(Ok(Message::Text(text))) => text,
        Some(Ok(Message::Bytes(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    serde_json::from_str(&text).map_err(|error| Ended::Retry(format!("bad message: {error}")))
}

/// The event of a `next` payload (`{"data": {"<field>": …}}`).
fn decode_event<T: DeserializeOwned>(payload: Option<Value>, field: &str) -> Result<T, ApiError> {
    #[derive(Deserialize)]
    struct Payload {
        data: Option<serde_json::Map<String, Value>>,
        #[serde(default)]
        errors: Vec<GraphqlError>,
    }
    let payload: Payload = serde_json::from_value(payload.unwrap_or_default())
        .map_err(|error| ApiError::new(crate::api::CODE_INTERNAL, error.to_string()))?;
    if let Some(error) = payload.errors.into_iter().next() {
        return Err(error.into());
    }
    let event = payload
        .data
        .and_then(|mut data| data.remove(field))
        .ok_or_else(|| ApiError::new(crate::api::CODE_INTERNAL, "an event without data"))?;
    serde_json::from_value(event)
        .map_err(|error| ApiError::new(crate::api::CODE_INTERNAL, error.to_string()))
}

/// The first error of an `error` payload (a list of GraphQL errors).
fn first_error(payload: Option<Value>) -> ApiError {
    serde_json::from_value::<Vec<GraphqlError>>(payload.unwrap_or_default())
        .ok()
        .and_then(|errors| errors.into_iter().next())
        .map(ApiError::from)
        .unwrap_or_else(|| ApiError::new(crate::api::CODE_INTERNAL, "subscription error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_payload_with_errors_is_an_error() {
        let payload = json!({"errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]});
        let error = decode_event::<TicketEvent>(Some(payload), "ticketEvents").unwrap_err();
        assert_eq!(error.code, "FORBIDDEN");
    }

    #[test]
    fn an_error_payload_gives_its_first_error() {
        let payload = json!([{"message": "expired", "extensions": {"code": "UNAUTHENTICATED"}}]);
        assert!(first_error(Some(payload)).is_unauthenticated());
        assert_eq!(first_error(None).code, crate::api::CODE_INTERNAL);
    }

    #[test]
    fn a_policy_close_is_refused_and_a_drop_is_retried() {
        let close = |code| {
            Some(Err(WebSocketError::ConnectionClose(
                gloo_net::websocket::events::CloseEvent {
                    code,
                    reason: String::new(),
                    was_clean: true,
                },
            )))
        };
        assert!(matches!(parse_message(close(4403)), Err(Ended::Refused(_))));
        assert!(matches!(parse_message(close(1006)), Err(Ended::Retry(_))));
        assert!(matches!(parse_message(None), Err(Ended::Retry(_))));
    }
}

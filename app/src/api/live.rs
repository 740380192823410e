//! A small graphql-transport-ws client: one WebSocket per browser tab, over which every
//! subscription of the app (`ticketEvents`, `ticketPresence`, `leadEvents`, `bellEvents`)
//! runs under its own id.
//!
//! The protocol (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>): the
//! client sends `connection_init` with the token and waits for `connection_ack`; then each
//! subscription is a `subscribe` with a distinct id, its events come as `next` with that
//! id, and the client ends it with `complete`; either side may `ping`, the other answers
//! `pong`. When the socket closes the client connects again after a growing delay and
//! subscribes again to everything still wanted; what was missed meanwhile is for the app
//! to load again (`crate::state::LiveFeed` calls each new connection after the first a
//! resync).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::pin::pin;
use std::rc::{Rc, Weak};

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{ApiError, GraphqlError, CODE_INTERNAL, GRAPHQL_WS_PATH};

/// The sub-protocol the server speaks.
const PROTOCOL: &str = "graphql-transport-ws";

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
    id: Option<String>,
    #[serde(default)]
    payload: Option<Value>,
}

/// What a subscription hands its events to: the `payload` of each `next`.
type Handler = Rc<dyn Fn(Option<Value>)>;

/// One wanted subscription: its `subscribe` payload and its handler.
struct Wanted {
    payload: Value,
    handler: Handler,
}

/// The state shared by the client, its subscriptions and the running connection.
#[derive(Default)]
struct Shared {
    next_id: u64,
    wanted: BTreeMap<u64, Wanted>,
    /// Messages for the acknowledged connection, if there is one.
    outbox: Option<UnboundedSender<Message>>,
}

impl Shared {
    /// Queues `message` on the acknowledged connection; without one there is nothing to
    /// tell (the next connection subscribes to what is wanted then).
    fn send(&self, message: Message) {
        if let Some(outbox) = &self.outbox {
            // A closed outbox means the connection is ending; the next one catches up.
            let _ = outbox.unbounded_send(message);
        }
    }
}

/// The tab's live connection: subscriptions are added and dropped at any time, the
/// connection follows the session's token.
#[derive(Clone, Default)]
pub struct LiveClient {
    shared: Rc<RefCell<Shared>>,
}

/// A running subscription; dropping it sends `complete`.
pub struct Subscription {
    id: u64,
    shared: Weak<RefCell<Shared>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let Ok(mut shared) = shared.try_borrow_mut() else {
            leptos::logging::warn!("live subscription {} dropped while busy", self.id);
            return;
        };
        shared.wanted.remove(&self.id);
        shared.send(text(
            &json!({"id": self.id.to_string(), "type": "complete"}),
        ));
    }
}

impl LiveClient {
    /// Subscribes to operation `Q` with `variables`; `on_data` gets each event's data
    /// until the returned [`Subscription`] is dropped.
    pub fn subscribe<Q: GraphQLQuery>(
        &self,
        variables: Q::Variables,
        on_data: impl Fn(Q::ResponseData) + 'static,
    ) -> Subscription {
        let payload = serde_json::to_value(Q::build_query(variables)).unwrap_or_default();
        let handler: Handler = Rc::new(move |payload| match decode_data(payload) {
            Ok(data) => on_data(data),
            Err(error) => leptos::logging::warn!("live event skipped: {error}"),
        });
        let mut shared = self.shared.borrow_mut();
        let id = shared.next_id;
        shared.next_id += 1;
        shared.send(subscribe_message(id, &payload));
        shared.wanted.insert(id, Wanted { payload, handler });
        Subscription {
            id,
            shared: Rc::downgrade(&self.shared),
        }
    }

    /// Keeps the tab connected with `token` for as long as the returned future is polled:
    /// it connects, reconnects with a growing delay and subscribes again each time. Drop
    /// the future (or abort it) to close the connection.
    pub async fn run(&self, token: String, on_status: impl Fn(LiveStatus)) {
        let mut delay_ms = FIRST_RETRY_MS;
        on_status(LiveStatus::Connecting);
        loop {
            let mut subscribed = false;
            let ended = {
                // Forgets the outbox however the connection ends, aborted included.
                let _outbox = ForgetOutbox(&self.shared);
                self.run_connection(&token, &mut || {
                    subscribed = true;
                    on_status(LiveStatus::Connected);
                })
                .await
            };
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
                    leptos::logging::warn!(
                        "live events lost ({reason}); retrying in {delay_ms} ms"
                    );
                    on_status(LiveStatus::Reconnecting);
                }
            }
            TimeoutFuture::new(delay_ms).await;
            delay_ms = (delay_ms * 2).min(LONGEST_RETRY_MS);
        }
    }

    /// One connection, from opening to closing; `on_subscribed` is called once
    /// acknowledged and subscribed.
    async fn run_connection(&self, token: &str, on_subscribed: &mut impl FnMut()) -> Ended {
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
        if let Err(error) = sink.send(text(&init)).await {
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

        // Everything wanted so far is subscribed now; what comes later goes through the
        // outbox, set in the same step so that nothing is missed nor sent twice.
        let (outbox, mut outgoing) = unbounded();
        let subscribes: Vec<Message> = {
            let mut shared = self.shared.borrow_mut();
            shared.outbox = Some(outbox);
            shared
                .wanted
                .iter()
                .map(|(id, wanted)| subscribe_message(*id, &wanted.payload))
                .collect()
        };
        for message in subscribes {
            if let Err(error) = sink.send(message).await {
                return Ended::Retry(error.to_string());
            }
        }
        on_subscribed();

        loop {
            let incoming = match select(stream.next(), outgoing.next()).await {
                Either::Left((incoming, _)) => incoming,
                Either::Right((Some(message), _)) => {
                    if let Err(error) = sink.send(message).await {
                        return Ended::Retry(error.to_string());
                    }
                    continue;
                }
                Either::Right((None, _)) => return Ended::Retry("the outbox closed".into()),
            };
            let message = match parse_message(incoming) {
                Ok(message) => message,
                Err(ended) => return ended,
            };
            match message.kind.as_str() {
                "next" => {
                    // Cloned out of the shared state: a handler may subscribe or drop a
                    // subscription.
                    let handler = self.handler(message.id.as_deref());
                    match handler {
                        Some(handler) => handler(message.payload),
                        None => leptos::logging::warn!("live event for no subscription"),
                    }
                }
                "ping" => {
                    if let Err(error) = sink.send(pong()).await {
                        return Ended::Retry(error.to_string());
                    }
                }
                "pong" => {}
                "error" => {
                    let error = first_error(message.payload);
                    if error.is_unauthenticated() {
                        return Ended::Refused(error.to_string());
                    }
                    if error.code == "FORBIDDEN" {
                        // That subscription is refused to this user; the others go on.
                        leptos::logging::warn!("live subscription refused: {error}");
                    } else {
                        return Ended::Retry(error.to_string());
                    }
                }
                "complete" => {
                    // After our own `complete` the subscription is no longer wanted; a
                    // wanted one that the server ends is subscribed again on a new
                    // connection.
                    if self.handler(message.id.as_deref()).is_some() {
                        return Ended::Retry("the server completed a subscription".into());
                    }
                }
                other => leptos::logging::warn!("live message `{other}` ignored"),
            }
        }
    }

    /// The handler of the subscription with `id`, if it is still wanted.
    fn handler(&self, id: Option<&str>) -> Option<Handler> {
        let id: u64 = id?.parse().ok()?;
        self.shared
            .borrow()
            .wanted
            .get(&id)
            .map(|wanted| Rc::clone(&wanted.handler))
    }
}

/// Clears the outbox when the connection that set it ends or is dropped.
struct ForgetOutbox<'a>(&'a Rc<RefCell<Shared>>);

impl Drop for ForgetOutbox<'_> {
    fn drop(&mut self) {
        // Only a closed outbox (its connection gone): a newer connection may have set its
        // own already. One that is not closed yet is harmless, its messages going nowhere,
        // since the next connection subscribes to everything wanted anyway.
        if let Ok(mut shared) = self.0.try_borrow_mut() {
            if shared
                .outbox
                .as_ref()
                .is_some_and(UnboundedSender::is_closed)
            {
                shared.outbox = None;
            }
        }
    }
}

fn text(value: &Value) -> Message {
    Message::Text(value.to_string())
}

fn subscribe_message(id: u64, payload: &Value) -> Message {
    text(&json!({"id": id.to_string(), "type": "subscribe", "payload": payload}))
}

fn pong() -> Message {
    text(&json!({"type": "pong"}))
}

/// The `ws:`/`wss:` URL of the subscription endpoint on the page's own host.
fn websocket_url() -> Result<String, String> {
    let location = web_sys::window().ok_or("no window")?.location();
    let protocol = location.protocol().map_err(|_| "no location protocol")?;
    let host = location.host().map_err(|_| "no location host")?;
    let scheme = if protocol == "https:" { "wss:" } else { "ws:" };
    Ok(format!("{scheme}//{host}{GRAPHQL_WS_PATH}"))
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

/// The data of a `next` payload (`{"data": …, "errors": […]}`).
fn decode_data<T: DeserializeOwned>(payload: Option<Value>) -> Result<T, ApiError> {
    #[derive(Deserialize)]
    struct Payload<T> {
        data: Option<T>,
        #[serde(default)]
        errors: Vec<GraphqlError>,
    }
    let payload: Payload<T> = serde_json::from_value(payload.unwrap_or_default())
        .map_err(|error| ApiError::new(CODE_INTERNAL, error.to_string()))?;
    if let Some(error) = payload.errors.into_iter().next() {
        return Err(error.into());
    }
    payload
        .data
        .ok_or_else(|| ApiError::new(CODE_INTERNAL, "an event without data"))
}

/// The first error of an `error` payload (a list of GraphQL errors).
fn first_error(payload: Option<Value>) -> ApiError {
    serde_json::from_value::<Vec<GraphqlError>>(payload.unwrap_or_default())
        .ok()
        .and_then(|errors| errors.into_iter().next())
        .map(ApiError::from)
        .unwrap_or_else(|| ApiError::new(CODE_INTERNAL, "subscription error"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tickets::{ticket_presence, TicketEvents, TicketPresence};

    #[test]
    fn a_next_payload_with_errors_is_an_error() {
        let payload = json!({"errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]});
        let error = decode_data::<crate::api::tickets::ticket_events::ResponseData>(Some(payload))
            .unwrap_err();
        assert_eq!(error.code, "FORBIDDEN");
    }

    #[test]
    fn an_error_payload_gives_its_first_error() {
        let payload = json!([{"message": "expired", "extensions": {"code": "UNAUTHENTICATED"}}]);
        assert!(first_error(Some(payload)).is_unauthenticated());
        assert_eq!(first_error(None).code, CODE_INTERNAL);
    }

    #[test]
    fn subscriptions_get_distinct_ids_and_complete_when_dropped() {
        let client = LiveClient::default();
        let (outbox, mut sent) = unbounded();
        client.shared.borrow_mut().outbox = Some(outbox);
        let events =
            client.subscribe::<TicketEvents>(crate::api::tickets::ticket_events::Variables, |_| {});
        let presence = client.subscribe::<TicketPresence>(
            ticket_presence::Variables {
                ticket_id: "7".into(),
            },
            |_| {},
        );
        drop(presence);
        let messages: Vec<Value> = std::iter::from_fn(|| sent.try_recv().ok())
            .map(|message| match message {
                Message::Text(text) => serde_json::from_str(&text).unwrap(),
                Message::Bytes(_) => Value::Null,
            })
            .collect();
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[0]["type"], "subscribe");
        assert_eq!(messages[0]["payload"]["operationName"], "TicketEvents");
        assert_eq!(messages[1]["type"], "subscribe");
        assert_eq!(messages[1]["payload"]["variables"]["ticketId"], "7");
        assert_ne!(messages[0]["id"], messages[1]["id"]);
        assert_eq!(
            messages[2],
            json!({"id": messages[1]["id"], "type": "complete"})
        );
        assert_eq!(client.shared.borrow().wanted.len(), 1);
        drop(events);
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

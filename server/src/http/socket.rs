//! The GraphQL websocket (graphql-transport-ws): the credential is checked at
//! `connection_init`, again at every operation, and whenever the user's access changes;
//! browsers must come from an allowed origin; connections are limited per client address
//! and per user.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;

use super::{authenticate_credential, bearer, client_address};
use crate::config::Config;
use crate::domain::Actor;
use crate::graphql::context::SocketCredential;
use crate::graphql::hygiene::SocketSubscriptions;
use crate::graphql::loaders::Caching;
use crate::state::AppState;

/// Who holds how many open websockets, on this instance: per client address and per user.
#[derive(Debug, Default)]
pub struct SocketCounts {
    by_address: Mutex<HashMap<IpAddr, usize>>,
    by_user: Mutex<HashMap<(i64, i64), usize>>,
}

/// One counted connection; dropping it (the socket ended) gives its place back.
pub struct Counted<K: std::hash::Hash + Eq + Copy + Send + 'static> {
    counts: Arc<SocketCounts>,
    key: K,
    table: fn(&SocketCounts) -> &Mutex<HashMap<K, usize>>,
}

impl<K: std::hash::Hash + Eq + Copy + Send + 'static> Drop for Counted<K> {
    fn drop(&mut self) {
        let mut table = (self.table)(&self.counts)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = table.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                table.remove(&self.key);
            }
        }
    }
}

fn hold<K: std::hash::Hash + Eq + Copy + Send + 'static>(
    counts: &Arc<SocketCounts>,
    table: fn(&SocketCounts) -> &Mutex<HashMap<K, usize>>,
    key: K,
    limit: usize,
) -> Option<Counted<K>> {
    let mut held = table(counts)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let count = held.entry(key).or_insert(0);
    if *count >= limit {
        return None;
    }
    *count += 1;
    Some(Counted {
        counts: counts.clone(),
        key,
        table,
    })
}

/// A socket's place among its user's.
type UserPlace = Counted<(i64, i64)>;

impl SocketCounts {
    /// A place for one more socket from `address`, unless it holds `limit` already.
    pub fn hold_address(
        self: &Arc<Self>,
        address: IpAddr,
        limit: usize,
    ) -> Option<Counted<IpAddr>> {
        hold(self, |c| &c.by_address, address, limit)
    }

    /// How many sockets are open.
    pub fn open(&self) -> usize {
        self.by_address
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .sum()
    }

    /// A place for one more socket of `user` (tenant, user), unless they hold `limit`.
    pub fn hold_user(
        self: &Arc<Self>,
        user: (i64, i64),
        limit: usize,
    ) -> Option<Counted<(i64, i64)>> {
        hold(self, |c| &c.by_user, user, limit)
    }
}

/// Whether a browser page at `origin` may open a socket: the server's own public address,
/// the address the request was made to (`Host`), or one of `allowed_origins`. Clients
/// that are not browsers send no `Origin` and are not concerned.
fn origin_allowed(config: &Config, origin: &str, host: Option<&str>) -> bool {
    let origin = origin.trim_end_matches('/');
    let own = config.effective_public_url();
    if origin.eq_ignore_ascii_case(own.trim_end_matches('/')) {
        return true;
    }
    if config
        .allowed_origins
        .iter()
        .any(|allowed| origin.eq_ignore_ascii_case(allowed.trim_end_matches('/')))
    {
        return true;
    }
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    host.is_some_and(|host| origin_host.eq_ignore_ascii_case(host))
}

/// `GET /graphql/ws`: refuses browsers from other sites (403) and a client address over
/// its number of sockets (429), then upgrades.
pub async fn graphql_ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let allowed = origin
            .to_str()
            .is_ok_and(|origin| origin_allowed(&state.config, origin, host));
        if !allowed {
            return (
                StatusCode::FORBIDDEN,
                "this origin may not open a connection: add it to allowed_origins",
            )
                .into_response();
        }
    }
    let Some(place) = state.sockets.hold_address(
        client_address(&state.config, peer.ip(), &headers),
        state.config.ws_connections_per_address,
    ) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many open connections from this address",
        )
            .into_response();
    };
    let header_token = bearer(&headers).map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // A socket mostly waits: it reserves a small buffer (tungstenite's default is 128
        // KiB per socket, most of a connection's memory), grown only for a large message.
        .read_buffer_size(SOCKET_READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_SOCKET_MESSAGE)
        .max_frame_size(MAX_SOCKET_MESSAGE)
        .on_upgrade(move |socket| async move {
            serve_socket(state, socket, protocol, header_token).await;
            drop(place);
        })
}

/// What a socket reserves for reading: a graphql-transport-ws message is a few hundred
/// bytes; a larger one grows the buffer for its time.
const SOCKET_READ_BUFFER: usize = 4 * 1024;

/// The largest message a client may send on a socket (an operation and its variables;
/// files go by HTTP).
const MAX_SOCKET_MESSAGE: usize = 1024 * 1024;

/// The close code sent when the connection's credential stops being valid (revoked,
/// expired, its user deactivated or their role changed): the client signs in again.
pub const CLOSE_CREDENTIAL_ENDED: u16 = 4403;

/// The close code sent to every socket when the server shuts down (RFC 6455 "going
/// away"): clients reconnect, to another instance or to this one once restarted.
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// The graphql-transport-ws close code for a socket that sent no `connection_init` in time.
pub const CLOSE_INIT_TIMEOUT: u16 = 4408;

/// How often an open socket's credential is checked even without an access event (a
/// session expiring, a change made outside Guichet).
const CREDENTIAL_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// One websocket connection: graphql-transport-ws, with its credential checked at
/// `connection_init`, again at every operation (`FreshSocketCredential`), and whenever the
/// user's access changes on any instance, in which case the socket closes with
/// [`CLOSE_CREDENTIAL_ENDED`].
async fn serve_socket(
    state: AppState,
    socket: WebSocket,
    protocol: GraphQLProtocol,
    header_token: Option<String>,
) {
    let (sink, stream) = socket.split();
    let (outgoing, to_client) = futures::channel::mpsc::unbounded::<Message>();
    let writer = tokio::spawn(to_client.map(Ok).forward(sink));
    // Who the connection is, once `connection_init` said so.
    let (signed_in, mut who) = tokio::sync::watch::channel::<Option<(Actor, Option<String>)>>(None);
    let (initialised, init_seen) = tokio::sync::oneshot::channel::<()>();
    let init_state = state.clone();
    // The connection's place among its user's, held until the socket ends.
    let user_place: Arc<Mutex<Option<UserPlace>>> = Arc::default();
    let init_place = user_place.clone();
    let subscriptions = SocketSubscriptions {
        open: std::sync::Arc::default(),
        limit: state.config.ws_subscriptions_per_connection,
    };
    let graphql =
        GraphQLWebSocket::new_with_pair(outgoing.clone(), stream, state.schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                // The token comes in `connection_init` (browsers cannot set headers on a
                // websocket), or in the upgrade request's Authorization header.
                let token = payload
                    .get("token")
                    .or_else(|| payload.get("Authorization"))
                    .or_else(|| payload.get("authorization"))
                    .and_then(|v| v.as_str())
                    .map(|t| t.trim_start_matches("Bearer ").to_owned())
                    .or(header_token);
                let _ = initialised.send(());
                let (auth, loaders) =
                    authenticate_credential(&init_state, token.as_deref(), Caching::Never).await;
                if let Some(actor) = &auth.actor {
                    let place = init_state.sockets.hold_user(
                        (actor.tenant_id, actor.user_id),
                        init_state.config.ws_connections_per_user,
                    );
                    let Some(place) = place else {
                        return Err(async_graphql::Error::new(
                            "too many open connections for this account",
                        ));
                    };
                    *init_place
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(place);
                    let _ = signed_in.send(Some((actor.clone(), token.clone())));
                }
                let mut data = Data::default();
                data.insert(auth);
                data.insert(SocketCredential(token));
                data.insert(subscriptions);
                if let Some(loaders) = loaders {
                    data.insert(loaders);
                }
                Ok(data)
            })
            .serve();
    let ended = async {
        // Anonymous connections hold no credential to end.
        let known = match who.wait_for(Option::is_some).await {
            Ok(known) => known.clone(),
            Err(_) => None,
        };
        let Some((actor, token)) = known else {
            return std::future::pending().await;
        };
        credential_ended(&state, &actor, token.as_deref()).await;
    };
    let init_timeout = std::time::Duration::from_secs(state.config.ws_init_timeout_seconds);
    let silent = async move {
        if tokio::time::timeout(init_timeout, init_seen).await.is_ok() {
            std::future::pending::<()>().await;
        }
    };
    let going_away = state.shutting_down();
    tokio::select! {
        () = graphql => {}
        () = going_away => {
            let _ = outgoing.unbounded_send(Message::Close(Some(CloseFrame {
                code: CLOSE_GOING_AWAY,
                reason: "the server is shutting down: reconnect".into(),
            })));
        }
        () = silent => {
            let _ = outgoing.unbounded_send(Message::Close(Some(CloseFrame {
                code: CLOSE_INIT_TIMEOUT,
                reason: "Connection initialisation timeout".into(),
            })));
        }
        () = ended => {
            let _ = outgoing.unbounded_send(Message::Close(Some(CloseFrame {
                code: CLOSE_CREDENTIAL_ENDED,
                reason: "your credential is no longer valid: sign in again".into(),
            })));
        }
    }
    outgoing.close_channel();
    let _ = writer.await;
    drop(user_place);
}

/// Returns once `actor`'s credential no longer authenticates as it did: revoked, expired,
/// user deactivated, or role changed. Checked at each access change of the user (from any
/// instance) and every [`CREDENTIAL_RECHECK`].
async fn credential_ended(state: &AppState, actor: &Actor, token: Option<&str>) {
    let mut access = state.services.events.subscribe_access();
    let mut ticker = tokio::time::interval(CREDENTIAL_RECHECK);
    ticker.tick().await;
    loop {
        tokio::select! {
            event = access.recv() => match event {
                Ok(event) if event.tenant_id == actor.tenant_id && event.user_id == actor.user_id => {}
                Ok(_) => continue,
                // Missed events may have been ours: check.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    return std::future::pending().await;
                }
            },
            _ = ticker.tick() => {}
        }
        let (auth, _) = authenticate_credential(state, token, Caching::Never).await;
        let still = auth.actor.is_some_and(|now| {
            now.user_id == actor.user_id
                && now.tenant_id == actor.tenant_id
                && now.role == actor.role
        });
        if !still {
            return;
        }
    }
}

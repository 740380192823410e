//! Shared state of the app, provided as one context: the session (also kept in
//! localStorage so a reload stays signed in), the language, and the tab's live connection.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::{abortable, AbortHandle};
use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api::auth::User;
use crate::api::live::{LiveClient, LiveStatus, Subscription};
use crate::api::tickets::{ticket_events, LiveTicketEvent, TicketChange, TicketEvents};
use crate::i18n::{Lang, Texts};

/// The localStorage key of the session.
const SESSION_KEY: &str = "guichet.session";

/// The localStorage key of the language.
const LANG_KEY: &str = "guichet.lang";

/// A signed-in user and their token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The JWT sent as `Authorization: Bearer …` and in `connection_init`.
    pub token: String,
    /// Who signed in.
    pub user: User,
}

/// The app's shared state; `Copy`, so every closure can take it.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The signed-in session, if any.
    pub session: RwSignal<Option<Session>>,
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// The tab's live connection: ticket changes, resyncs, the pages' subscriptions.
    pub live: LiveFeed,
}

impl AppState {
    /// Reads what localStorage remembers and provides the state as a context.
    pub fn provide() -> AppState {
        let lang = load_lang();
        set_document_lang(lang);
        let state = AppState {
            session: RwSignal::new(load_session()),
            lang: RwSignal::new(lang),
            live: LiveFeed::new(),
        };
        provide_context(state);
        state
    }

    /// The texts of the current language; reactive when called inside a closure.
    pub fn texts(&self) -> &'static Texts {
        self.lang.get().texts()
    }

    /// Remembers a new session.
    pub fn sign_in(&self, session: Session) {
        store(SESSION_KEY, serde_json::to_string(&session).ok().as_deref());
        self.session.set(Some(session));
    }

    /// Ends the session on the server, then forgets it here: the token is dead even if it
    /// was copied. Forgotten here whatever the server answers (offline, already ended).
    pub fn end_session(&self) {
        let state = *self;
        spawn_local(async move {
            let _ = crate::api::auth::sign_out().await;
            state.sign_out();
        });
    }

    /// Forgets the session (which also closes the live connection).
    pub fn sign_out(&self) {
        store(SESSION_KEY, None);
        self.session.set(None);
    }

    /// Updates the signed-in user (after `me`), keeping the token.
    pub fn refresh_user(&self, user: User) {
        let Some(mut session) = self.session.get_untracked() else {
            return;
        };
        if session.user != user {
            session.user = user;
            self.sign_in(session);
        }
    }

    /// Switches the language and remembers it.
    pub fn set_lang(&self, lang: Lang) {
        store(LANG_KEY, Some(lang.code()));
        set_document_lang(lang);
        self.lang.set(lang);
    }
}

/// The app's shared state.
///
/// # Panics
///
/// Outside the [`crate::App`] component, which provides it.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

/// The stored session's token, for API calls made outside any component.
pub fn stored_token() -> Option<String> {
    load_session().map(|session| session.token)
}

/// A handler of live ticket changes, as registered by a page.
type Listener = Rc<dyn Fn(&TicketChange)>;

/// How long resync requests are gathered into one: a job that changes too much sends a
/// `RESYNC` on every subscription at once, and the pages should load again once. After a
/// reconnection it also gives the server the time to register the subscriptions sent
/// just before, so that a change made while the pages load is not missed either.
const RESYNC_GATHER_MS: u32 = 250;

/// The pages listening to live events, the tab's connection and its running task.
#[derive(Default)]
struct LiveInner {
    next_id: u64,
    listeners: Vec<(u64, Listener)>,
    client: LiveClient,
    /// The `ticketEvents` subscription, wanted for the tab's whole life.
    ticket_events: Option<Subscription>,
    connection: Option<AbortHandle>,
    /// Whether a resync is already on its way (see [`LiveFeed::request_resync`]).
    resync_due: bool,
}

/// The tab's one live connection, shared by the pages: the `ticketEvents` feed, whose
/// changes go to every listener, and the pages' own subscriptions, multiplexed on the same
/// socket.
///
/// Events missed are never guessed: when the server says some were (a `RESYNC` on any
/// subscription) or when the connection comes back after being lost, [`LiveFeed::resyncs`]
/// is bumped, and every live page loads again what it shows.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    /// The connection's state, for the header.
    pub status: RwSignal<LiveStatus>,
    /// Bumped each time what the pages show may have missed changes; a live page tracks
    /// it (or calls [`LiveFeed::on_resync`]) and loads again.
    pub resyncs: RwSignal<u64>,
    inner: StoredValue<LiveInner, LocalStorage>,
}

impl LiveFeed {
    fn new() -> LiveFeed {
        let feed = LiveFeed {
            status: RwSignal::new(LiveStatus::Offline),
            resyncs: RwSignal::new(0),
            inner: StoredValue::new_local(LiveInner::default()),
        };
        feed.inner.update_value(|inner| {
            let events =
                inner
                    .client
                    .subscribe::<TicketEvents>(ticket_events::Variables, move |data| {
                        match LiveTicketEvent::from(data.ticket_events) {
                            LiveTicketEvent::Changed(change) => feed.dispatch(&change),
                            LiveTicketEvent::Resync => feed.request_resync(),
                        }
                    });
            inner.ticket_events = Some(events);
        });
        feed
    }

    /// Calls `handler` with every live ticket change until the calling component is
    /// cleaned up; a `RESYNC` bumps [`LiveFeed::resyncs`] instead.
    pub fn on_event(&self, handler: impl Fn(&TicketChange) + 'static) {
        let inner = self.inner;
        let id = inner
            .try_update_value(|inner| {
                let id = inner.next_id;
                inner.next_id += 1;
                inner.listeners.push((id, Rc::new(handler)));
                id
            })
            .unwrap_or_default();
        on_cleanup(move || {
            inner.try_update_value(|inner| inner.listeners.retain(|(known, _)| *known != id));
        });
    }

    /// Subscribes to operation `Q` on the tab's connection until the calling component is
    /// cleaned up; `on_data` gets each event.
    pub fn subscribe<Q: GraphQLQuery>(
        &self,
        variables: Q::Variables,
        on_data: impl Fn(Q::ResponseData) + 'static,
    ) {
        let subscription = self
            .inner
            .try_with_value(|inner| inner.client.subscribe::<Q>(variables, on_data));
        let subscription = StoredValue::new_local(subscription);
        on_cleanup(move || {
            // Dropping it sends `complete`.
            let _ = subscription.try_update_value(Option::take);
        });
    }

    /// Calls `handler` each time [`LiveFeed::resyncs`] is bumped after this call, until
    /// the calling component is cleaned up: for pages that refresh what they hold rather
    /// than load it anew.
    pub fn on_resync(&self, handler: impl Fn() + 'static) {
        let resyncs = self.resyncs;
        let seen = resyncs.get_untracked();
        Effect::new(move |last: Option<u64>| {
            let now = resyncs.get();
            if now != last.unwrap_or(seen) {
                // What the handler reads is not this effect's business.
                untrack(&handler);
            }
            now
        });
    }

    /// Says that what the pages show may have missed changes (a `RESYNC` came, or the
    /// connection was lost): [`LiveFeed::resyncs`] is bumped shortly after, once for all
    /// the requests made meanwhile.
    pub fn request_resync(&self) {
        let already = self
            .inner
            .try_update_value(|inner| std::mem::replace(&mut inner.resync_due, true))
            .unwrap_or(true);
        if already {
            return;
        }
        let feed = *self;
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(RESYNC_GATHER_MS).await;
            feed.inner
                .try_update_value(|inner| inner.resync_due = false);
            let _ = feed.resyncs.try_update(|resyncs| *resyncs += 1);
        });
    }

    /// Connects with `token`, closing any previous connection; `None` only closes it.
    pub fn connect(&self, token: Option<String>) {
        let feed = *self;
        let previous = self
            .inner
            .try_update_value(|inner| inner.connection.take())
            .flatten();
        if let Some(previous) = previous {
            previous.abort();
        }
        let Some(token) = token else {
            self.status.set(LiveStatus::Offline);
            return;
        };
        let Some(client) = self.inner.try_with_value(|inner| inner.client.clone()) else {
            return;
        };
        // The first connection of a token loads nothing again: the pages load what they
        // show themselves. Each later one follows a loss, during which events were missed.
        let connected_before = Cell::new(false);
        let (connection, handle) = abortable(async move {
            client
                .run(token, move |status| {
                    if status == LiveStatus::Connected && connected_before.replace(true) {
                        feed.request_resync();
                    }
                    feed.status.set(status);
                })
                .await;
        });
        self.inner
            .try_update_value(|inner| inner.connection = Some(handle));
        spawn_local(async move {
            // Aborted on sign-out or on a new sign-in; nothing to report then.
            let _ = connection.await;
        });
    }

    /// Hands a change to every listener.
    fn dispatch(&self, change: &TicketChange) {
        // Listeners are copied out first: one may register or drop another while it runs.
        let listeners: Vec<Listener> = self
            .inner
            .try_with_value(|inner| {
                inner
                    .listeners
                    .iter()
                    .map(|(_, listener)| Rc::clone(listener))
                    .collect()
            })
            .unwrap_or_default();
        for listener in listeners {
            listener(change);
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes `value` under `key`, or removes the key. Storage may be full or disabled; the app
/// then works for this page's lifetime only, which is all it can do.
fn store(key: &str, value: Option<&str>) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = match value {
        Some(value) => storage.set_item(key, value),
        None => storage.remove_item(key),
    };
}

fn load_session() -> Option<Session> {
    serde_json::from_str(&load(SESSION_KEY)?).ok()
}

fn load_lang() -> Lang {
    load(LANG_KEY)
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Sets `<html lang>` so that screen readers and spell checkers follow the switch.
fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

//! Who else is on this ticket: agents viewing it, and who is typing a reply.
//!
//! While the page is open the agent reports `VIEWING` every [`HEARTBEAT_MS`] (`TYPING` if
//! they typed in the last few seconds), `TYPING` as soon as they type in the composer (at
//! most once every [`TYPING_REPORT_MS`] while they go on), `VIEWING` again once the text
//! is sent or emptied, and `LEFT` when they leave. The server forgets a report after
//! [`PRESENCE_TTL_MS`], so a closed tab fades out by itself; this page fades others' out
//! after the same time, since nothing is sent when a report merely expires. Other agents'
//! reports arrive on the `ticketPresence` subscription.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::api::tickets::{ticket_presence, Presence as TicketPresence};
use crate::api::PresenceState;
use crate::state::use_app_state;

/// How often presence is renewed.
const HEARTBEAT_MS: u32 = 10_000;

/// How long after the last keystroke an agent still counts as typing.
const TYPING_MS: f64 = 8_000.0;

/// The least time between two `TYPING` reports while the agent goes on typing.
const TYPING_REPORT_MS: f64 = 5_000.0;

/// How long a report holds unless renewed (the server's `PRESENCE_TTL`).
const PRESENCE_TTL_MS: f64 = 45_000.0;

/// Reports what the agent does on a ticket: created by the ticket page for staff, used by
/// the composer (keystrokes, sending) and by the presence bar (arrival, heartbeat).
#[derive(Clone, Copy)]
pub struct TypingReporter {
    ticket_id: StoredValue<String>,
    /// When the agent last typed into a composer that is not empty; 0 when it was sent or
    /// emptied since.
    last_key: StoredValue<f64>,
    /// The state reported last, and when.
    reported: StoredValue<(PresenceState, f64)>,
}

impl TypingReporter {
    /// A reporter for the ticket `ticket_id`, which has reported nothing yet.
    pub fn new(ticket_id: String) -> TypingReporter {
        TypingReporter {
            ticket_id: StoredValue::new(ticket_id),
            last_key: StoredValue::new(0.0),
            reported: StoredValue::new((PresenceState::LEFT, 0.0)),
        }
    }

    /// Called with the composer's text after each change: `TYPING` while it holds text
    /// (at once, then at most every [`TYPING_REPORT_MS`]), `VIEWING` once it is emptied.
    pub fn typed(&self, text: &str) {
        if text.trim().is_empty() {
            self.stopped();
            return;
        }
        let now = js_sys::Date::now();
        self.last_key.set_value(now);
        let (state, at) = self.reported.get_value();
        if state == PresenceState::TYPING && now - at < TYPING_REPORT_MS {
            return;
        }
        self.report(PresenceState::TYPING);
    }

    /// The text was sent or emptied: `VIEWING` again, at once if `TYPING` was said.
    pub fn stopped(&self) {
        self.last_key.set_value(0.0);
        if self
            .reported
            .with_value(|(state, _)| *state == PresenceState::TYPING)
        {
            self.report(PresenceState::VIEWING);
        }
    }

    /// Renews the report: `TYPING` if the agent typed lately, else `VIEWING`.
    fn renew(&self) {
        let typing = self
            .last_key
            .try_get_value()
            .is_some_and(|last| js_sys::Date::now() - last < TYPING_MS);
        self.report(if typing {
            PresenceState::TYPING
        } else {
            PresenceState::VIEWING
        });
    }

    fn report(&self, state: PresenceState) {
        let Some(ticket_id) = self.ticket_id.try_get_value() else {
            return;
        };
        let _ = self
            .reported
            .try_set_value((state.clone(), js_sys::Date::now()));
        spawn_local(async move {
            // Presence is a courtesy: a lost report is renewed by the next heartbeat.
            let _ = api::tickets::report_presence(&ticket_id, state).await;
        });
    }
}

/// Someone's presence, as last reported, and when this page learnt it (ms since the epoch).
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    presence: TicketPresence,
    at: f64,
}

/// Applies one presence event, learnt at `at`, to the list shown.
fn apply(list: &mut Vec<Seen>, event: TicketPresence, at: f64) {
    list.retain(|seen| seen.presence.user.id != event.user.id);
    if event.state != PresenceState::LEFT {
        list.push(Seen {
            presence: event,
            at,
        });
    }
}

/// Forgets the reports that were not renewed in time, as the server does.
fn fade(list: &mut Vec<Seen>, now: f64) {
    list.retain(|seen| now - seen.at < PRESENCE_TTL_MS);
}

/// The presence line of a ticket (staff only), and the reports of the agent's own presence.
/// `loaded` is the presence the ticket's latest load says (it replaces the list each time
/// the page loads the ticket again).
#[component]
pub fn PresenceBar(
    ticket_id: String,
    loaded: Signal<Vec<TicketPresence>>,
    typing: TypingReporter,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let me = state.session.with_untracked(|session| {
        session
            .as_ref()
            .map(|s| s.user.id.clone())
            .unwrap_or_default()
    });
    let present = RwSignal::new(Vec::<Seen>::new());
    Effect::new(move |_| {
        let now = js_sys::Date::now();
        let list = loaded
            .get()
            .into_iter()
            .map(|presence| Seen { presence, at: now })
            .collect();
        present.set(list);
    });

    // Others' presence, live, on the tab's connection.
    state.live.subscribe::<api::tickets::TicketPresence>(
        ticket_presence::Variables {
            ticket_id: ticket_id.clone(),
        },
        move |data| {
            let now = js_sys::Date::now();
            let _ = present.try_update(|list| apply(list, data.ticket_presence.into(), now));
        },
    );

    // Our own presence: now, on a heartbeat, and `LEFT` when the page goes. The heartbeat
    // also fades out the others' reports that were not renewed.
    typing.report(PresenceState::VIEWING);
    let heartbeat = gloo_timers::callback::Interval::new(HEARTBEAT_MS, move || {
        typing.renew();
        let now = js_sys::Date::now();
        let _ = present.try_update(|list| fade(list, now));
    });
    let heartbeat = StoredValue::new_local(Some(heartbeat));
    on_cleanup(move || {
        let _ = heartbeat.try_update_value(|beat| beat.take().map(|beat| beat.cancel()));
        spawn_local(async move {
            let _ = api::tickets::report_presence(&ticket_id, PresenceState::LEFT).await;
        });
    });

    let others = Signal::derive(move || {
        present.with(|list| {
            list.iter()
                .filter(|seen| seen.presence.user.id != me)
                .map(|seen| seen.presence.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || others.with(|others| !others.is_empty())>
            <p class="presence" data-testid="presence">
                <For
                    each=move || others.get()
                    key=|p| (p.user.id.clone(), p.state.clone())
                    children=move |p| {
                        let typing = p.state == PresenceState::TYPING;
                        view! {
                            <span
                                class="presence-user"
                                class:typing=typing
                                data-testid="presence-user"
                                data-state=if typing { "typing" } else { "viewing" }
                            >
                                <strong>{p.user.display_name}</strong>
                                " "
                                {move || if typing { texts().presence_typing } else { texts().presence_viewing }}
                            </span>
                        }
                    }
                />
            </p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tickets::ticket::TicketTicketPresenceUser;

    fn event(user: &str, state: PresenceState) -> TicketPresence {
        TicketPresence {
            state,
            user: TicketTicketPresenceUser {
                id: user.into(),
                display_name: user.into(),
            },
        }
    }

    fn states(list: &[Seen]) -> Vec<(&str, PresenceState)> {
        list.iter()
            .map(|seen| (seen.presence.user.id.as_str(), seen.presence.state.clone()))
            .collect()
    }

    #[test]
    fn events_replace_and_remove_an_agents_presence() {
        let mut list = Vec::new();
        apply(&mut list, event("a", PresenceState::VIEWING), 0.0);
        apply(&mut list, event("b", PresenceState::VIEWING), 0.0);
        apply(&mut list, event("a", PresenceState::TYPING), 1.0);
        assert_eq!(
            states(&list),
            [("b", PresenceState::VIEWING), ("a", PresenceState::TYPING)]
        );
        apply(&mut list, event("a", PresenceState::LEFT), 2.0);
        assert_eq!(states(&list), [("b", PresenceState::VIEWING)]);
    }

    #[test]
    fn reports_not_renewed_fade_out() {
        let mut list = Vec::new();
        apply(&mut list, event("a", PresenceState::TYPING), 0.0);
        apply(&mut list, event("b", PresenceState::VIEWING), 30_000.0);
        fade(&mut list, 44_000.0);
        assert_eq!(list.len(), 2, "both renewed within 45 s");
        fade(&mut list, 46_000.0);
        assert_eq!(states(&list), [("b", PresenceState::VIEWING)]);
    }
}

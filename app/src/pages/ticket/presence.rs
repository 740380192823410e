//! Who else is on this ticket: agents viewing it, and who is typing a reply.
//!
//! While the page is open the agent reports `VIEWING` every [`HEARTBEAT_MS`] (`TYPING` if
//! they typed in the last few seconds), and `LEFT` when they leave; the server forgets a
//! report after 45 s, so a closed tab fades out by itself. Other agents' reports arrive on
//! the `ticketPresence` subscription.

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

/// Lets the reply box say the agent is typing.
#[derive(Clone, Copy)]
pub struct TypingReporter {
    ticket_id: StoredValue<String>,
    last_key: RwSignal<f64>,
    last_report: RwSignal<f64>,
}

impl TypingReporter {
    /// Called on every keystroke; reports `TYPING` at most every few seconds.
    pub fn typed(&self) {
        let now = js_sys::Date::now();
        self.last_key.set(now);
        if now - self.last_report.get_untracked() > TYPING_MS / 2.0 {
            self.last_report.set(now);
            let ticket_id = self.ticket_id.get_value();
            spawn_local(async move {
                let _ = api::tickets::report_presence(&ticket_id, PresenceState::TYPING).await;
            });
        }
    }
}

/// Applies one presence event to the list shown.
fn apply(list: &mut Vec<TicketPresence>, event: TicketPresence) {
    list.retain(|present| present.user.id != event.user.id);
    if event.state != PresenceState::LEFT {
        list.push(event);
    }
}

/// The presence line of a ticket (staff only), and the reports of the agent's own presence.
#[component]
pub fn PresenceBar(ticket_id: String, initial: Vec<TicketPresence>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let me = state.session.with_untracked(|session| {
        session
            .as_ref()
            .map(|s| s.user.id.clone())
            .unwrap_or_default()
    });
    let present = RwSignal::new(initial);

    // Others' presence, live, on the tab's connection.
    state.live.subscribe::<api::tickets::TicketPresence>(
        ticket_presence::Variables {
            ticket_id: ticket_id.clone(),
        },
        move |data| {
            let _ = present.try_update(|list| apply(list, data.ticket_presence.into()));
        },
    );

    // Our own presence: now, on a heartbeat, and `LEFT` when the page goes.
    let typing = TypingReporter {
        ticket_id: StoredValue::new(ticket_id.clone()),
        last_key: RwSignal::new(0.0),
        last_report: RwSignal::new(0.0),
    };
    provide_context(typing);
    let report = move |ticket_id: String, state: PresenceState| {
        spawn_local(async move {
            let _ = api::tickets::report_presence(&ticket_id, state).await;
        });
    };
    report(ticket_id.clone(), PresenceState::VIEWING);
    let beat_ticket = ticket_id.clone();
    let heartbeat = gloo_timers::callback::Interval::new(HEARTBEAT_MS, move || {
        let recently = typing
            .last_key
            .try_get_untracked()
            .is_some_and(|last| js_sys::Date::now() - last < TYPING_MS);
        let state = if recently {
            PresenceState::TYPING
        } else {
            PresenceState::VIEWING
        };
        report(beat_ticket.clone(), state);
    });
    let heartbeat = StoredValue::new_local(Some(heartbeat));
    on_cleanup(move || {
        let _ = heartbeat.try_update_value(|beat| beat.take().map(|beat| beat.cancel()));
        report(ticket_id, PresenceState::LEFT);
    });

    let others = Signal::derive(move || {
        present.with(|list| {
            list.iter()
                .filter(|p| p.user.id != me)
                .cloned()
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

    #[test]
    fn events_replace_and_remove_an_agents_presence() {
        let mut list = Vec::new();
        apply(&mut list, event("a", PresenceState::VIEWING));
        apply(&mut list, event("b", PresenceState::VIEWING));
        apply(&mut list, event("a", PresenceState::TYPING));
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].state, PresenceState::TYPING);
        apply(&mut list, event("a", PresenceState::LEFT));
        assert_eq!(list, vec![event("b", PresenceState::VIEWING)]);
    }
}

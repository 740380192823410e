//! The notification bell of the header: the unread count, pushed by the `bellEvents`
//! subscription (at once, then on each change to the bell, from any tab), and a drop-down
//! of the newest notifications with "mark all read". It never polls: the count comes again
//! with each new connection, so a lost one catches up by itself.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::notifications::{bell_events, BellEvents, Notification};
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::components::time::Time;
use crate::state::use_app_state;

/// The bell, for signed-in users only.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let state = use_app_state();
    view! {
        <Show when=move || state.session.with(Option::is_some)>
            <Bell/>
        </Show>
    }
}

/// The bell of a signed-in user; made again at each sign-in.
#[component]
fn Bell() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    // The unread count, as last pushed; None until the first one.
    let count = RwSignal::new(None::<i64>);
    let open = RwSignal::new(false);
    // Bumped to load the drop-down's list again.
    let version = RwSignal::new(0_u32);

    state
        .live
        .subscribe::<BellEvents>(bell_events::Variables, move |data| {
            let fresh = data.bell_events.unread_count;
            let changed = count.try_get_untracked().flatten() != Some(fresh);
            let _ = count.try_set(Some(fresh));
            // The open list follows the count (a new notification, or read in another tab).
            if changed && open.try_get_untracked() == Some(true) {
                let _ = version.try_update(|version| *version += 1);
            }
        });

    let list = LocalResource::new(move || {
        let open = open.get();
        version.track();
        async move {
            if open {
                api::notifications::fetch_notifications().await
            } else {
                Ok(Vec::new())
            }
        }
    });

    let mark_read = Action::new_local(move |_: &()| async move {
        api::notifications::mark_all_read().await?;
        count.set(Some(0));
        version.update(|version| *version += 1);
        Ok::<(), ApiError>(())
    });
    let marking = mark_read.pending();
    let mark_error = move || mark_read.value().get().and_then(Result::err);

    let unread = move || count.get();
    let label = move || match unread() {
        Some(unread) if unread > 0 => format!("{} ({unread})", texts().bell_label),
        _ => texts().bell_label.to_owned(),
    };

    let items = move || {
        Suspend::new(async move {
            list.await.map(|notifications| {
                if notifications.is_empty() {
                    view! { <p class="empty">{move || texts().bell_empty}</p> }.into_any()
                } else {
                    let items = notifications
                        .into_iter()
                        .map(|notification| {
                            view! { <NotificationItem notification on_open=move || open.set(false)/> }
                        })
                        .collect_view();
                    view! { <ul class="notification-list">{items}</ul> }.into_any()
                }
            })
        })
    };

    view! {
        <div class="bell" data-testid="bell-box">
            <button
                type="button"
                class="bell-button secondary"
                data-testid="bell"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                title=label
                aria-label=label
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <svg
                    class="bell-icon"
                    viewBox="0 0 24 24"
                    width="18"
                    height="18"
                    aria-hidden="true"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2"
                    stroke-linecap="round"
                    stroke-linejoin="round"
                >
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"></path>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"></path>
                </svg>
                {move || {
                    unread()
                        .filter(|unread| *unread > 0)
                        .map(|unread| {
                            view! {
                                <span class="bell-count" data-testid="bell-count">
                                    {unread.to_string()}
                                </span>
                            }
                        })
                }}
            </button>
            <Show when=move || open.get()>
                <div class="bell-menu panel" data-testid="bell-menu">
                    <div class="bell-menu-head">
                        <strong>{move || texts().bell_title}</strong>
                        <button
                            type="button"
                            class="link"
                            data-testid="bell-mark-read"
                            disabled=move || marking.get()
                            on:click=move |_| {
                                mark_read.dispatch_local(());
                            }
                        >
                            {move || texts().bell_mark_read}
                        </button>
                    </div>
                    {move || mark_error().map(|error| view! { <ErrorMessage error/> })}
                    <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                            {items}
                        </ErrorBoundary>
                    </Transition>
                    <A
                        href="/settings/notifications"
                        attr:class="bell-settings"
                        attr:data-testid="bell-settings"
                        on:click=move |_| open.set(false)
                    >
                        {move || texts().notifications.bell_settings}
                    </A>
                </div>
            </Show>
        </div>
    }
}

/// One notification; a link to its ticket when it has one.
#[component]
fn NotificationItem(
    notification: Notification,
    on_open: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let unread = notification.read_at.is_none();
    let content = view! {
        <strong class="notification-title">{notification.title}</strong>
        <span class="notification-body">{notification.body}</span>
        <small class="muted"><Time instant=notification.created_at/></small>
    };
    let inner = match notification.ticket_id {
        Some(ticket_id) => view! {
            <A href=format!("/tickets/{ticket_id}") on:click=move |_| on_open()>
                {content}
            </A>
        }
        .into_any(),
        None => view! { <div>{content}</div> }.into_any(),
    };
    view! {
        <li
            class="notification"
            class:unread=unread
            data-testid="notification"
            data-id=notification.id
            data-kind=notification.kind
        >
            {inner}
        </li>
    }
}

//! The sign-in form.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::error_view::ErrorMessage;
use crate::state::{use_app_state, Session};

/// Tenant (optional), e-mail and password; a failure shows the server's message. A
/// signed-in visitor is sent on to the board.
#[component]
pub fn LoginPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();

    let navigate = use_navigate();
    Effect::new(move |_| {
        if state.session.with(Option::is_some) {
            navigate(
                "/",
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let tenant = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let login = Action::new_local(move |_: &()| {
        let tenant = tenant.get_untracked();
        let email = email.get_untracked();
        let password = password.get_untracked();
        async move {
            let payload = api::auth::login(&email, &password, &tenant).await?;
            state.sign_in(Session {
                token: payload.token,
                user: payload.user,
            });
            Ok::<(), ApiError>(())
        }
    });
    let pending = login.pending();
    let error = move || login.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if !pending.get_untracked() {
            login.dispatch_local(());
        }
    };

    view! {
        <section class="panel narrow login">
            <h1>{move || texts().login_title}</h1>
            <p class="muted">{move || texts().login_intro}</p>
            <form on:submit=on_submit data-testid="login-form">
                <label>
                    <span>{move || texts().login_email}</span>
                    <input
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        prop:value=email
                        on:input=move |event| email.set(event_target_value(&event))
                    />
                </label>
                <label>
                    <span>{move || texts().login_password}</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |event| password.set(event_target_value(&event))
                    />
                </label>
                <label>
                    <span>{move || texts().login_tenant}</span>
                    <input
                        type="text"
                        name="tenant"
                        autocomplete="organization"
                        prop:value=tenant
                        on:input=move |event| tenant.set(event_target_value(&event))
                    />
                    <small class="muted">{move || texts().login_tenant_hint}</small>
                </label>
                {move || error().map(|error| view! { <ErrorMessage error/> })}
                <button type="submit" data-testid="login-submit" disabled=move || pending.get()>
                    {move || {
                        if pending.get() { texts().login_submitting } else { texts().login_submit }
                    }}
                </button>
            </form>
        </section>
    }
}

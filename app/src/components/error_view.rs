//! How a failed call is shown: what the code means, the server's message, and a way out.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::use_app_state;

/// The errors caught by an `<ErrorBoundary>`, as its fallback.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let items = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let api_error = error
                    .downcast_ref::<ApiError>()
                    .cloned()
                    .unwrap_or_else(|| ApiError::new(crate::api::CODE_INTERNAL, error.to_string()));
                view! { <ErrorMessage error=api_error/> }
            })
            .collect_view()
    };
    view! { <div class="errors">{items}</div> }
}

/// One error, shown to the user; an expired session offers to sign in again.
#[component]
pub fn ErrorMessage(error: ApiError) -> impl IntoView {
    let state = use_app_state();
    let unauthenticated = error.is_unauthenticated();
    let code = error.code.clone();
    view! {
        <div class="error" role="alert" data-testid="error" data-code=error.code.clone()>
            <strong>{move || state.texts().error_code(&code)}</strong>
            " "
            <span class="error-message">{error.message.clone()}</span>
            <Show when=move || unauthenticated && state.session.with(Option::is_some)>
                " "
                <button class="link" on:click=move |_| state.sign_out()>
                    {move || state.texts().sign_in_again}
                </button>
            </Show>
        </div>
    }
}

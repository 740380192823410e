//! The customer's rating of a resolved ticket: 1 to 5 stars and a comment, given once.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::tickets::{RateTicketInput, TicketDetail};
use crate::api::{self, ApiError};
use crate::components::error_view::ErrorMessage;
use crate::state::use_app_state;

/// The most stars.
const MAX_STARS: i64 = 5;

/// Stars as text: `★★★★☆` for 4.
fn stars(rating: i64) -> String {
    (1..=MAX_STARS)
        .map(|star| if star <= rating { '★' } else { '☆' })
        .collect()
}

/// The rating form, or the rating once given.
#[component]
pub fn RatingBox(ticket_id: String, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let chosen = RwSignal::new(0_i64);
    let comment = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let rated = Memo::new(move |_| {
        detail.with(|detail| {
            detail
                .satisfaction_rating
                .map(|rating| (rating, detail.satisfaction_comment.clone()))
        })
    });

    let rate = Action::new_local(move |input: &RateTicketInput| {
        let input = input.clone();
        async move {
            let rating = api::tickets::rate_ticket(input).await?;
            detail.update(|detail| {
                detail.satisfaction_rating = rating.satisfaction_rating;
                detail.satisfaction_comment = rating.satisfaction_comment;
            });
            Ok::<(), ApiError>(())
        }
    });
    let pending = rate.pending();
    let error = move || rate.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let rating = chosen.get_untracked();
        if rating < 1 {
            missing.set(true);
            return;
        }
        missing.set(false);
        let text = comment.get_untracked();
        rate.dispatch_local(RateTicketInput {
            ticket_id: ticket_id.clone(),
            rating,
            comment: (!text.trim().is_empty()).then(|| text.trim().to_owned()),
        });
    };

    let star_buttons = move || {
        (1..=MAX_STARS)
            .map(|value| {
                view! {
                    <button
                        type="button"
                        class="star"
                        class:active=move || value <= chosen.get()
                        aria-pressed=move || (value == chosen.get()).to_string()
                        title=value.to_string()
                        data-testid="rating-star"
                        data-value=value.to_string()
                        on:click=move |_| chosen.set(value)
                    >
                        {move || if value <= chosen.get() { "★" } else { "☆" }}
                    </button>
                }
            })
            .collect_view()
    };

    let form = move || {
        let on_submit = on_submit.clone();
        view! {
            <form class="rating-form" on:submit=on_submit>
                <p>{move || texts().rating_intro}</p>
                <div class="stars" role="group">{star_buttons}</div>
                <label for="rating-comment">{move || texts().rating_comment}</label>
                <textarea
                    id="rating-comment"
                    rows="3"
                    data-testid="rating-comment"
                    prop:value=comment
                    on:input=move |event| comment.set(event_target_value(&event))
                ></textarea>
                <Show when=move || missing.get()>
                    <p class="error" role="alert">{move || texts().rating_pick}</p>
                </Show>
                {move || error().map(|error| view! { <ErrorMessage error/> })}
                <div class="reply-actions">
                    <div class="spacer"></div>
                    <button type="submit" data-testid="rating-submit" disabled=move || pending.get()>
                        {move || texts().rating_submit}
                    </button>
                </div>
            </form>
        }
    };

    view! {
        <section class="panel rating">
            <h2>{move || texts().rating_title}</h2>
            {move || match rated.get() {
                Some((rating, comment)) => view! {
                    <div class="rating-done" data-testid="rating-done" data-value=rating.to_string()>
                        <span class="stars read-only" aria-label=rating.to_string()>{stars(rating)}</span>
                        <p class="body">{comment.unwrap_or_default()}</p>
                        <p class="muted">{move || texts().rating_done}</p>
                    </div>
                }
                .into_any(),
                None => form().into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_fill_from_the_left() {
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(stars(0), "☆☆☆☆☆");
    }
}

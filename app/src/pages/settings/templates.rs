//! The message templates on `/settings/messages` (admins): pick a notice and a language,
//! read the built-in wording, write a subject and a text over the notice's facts
//! (`{{ number }}`), see the mail it makes, save it or go back to the built-in wording.
//!
//! The server renders every preview (over made-up facts) and refuses a template that does
//! not render; its message shows under the editor. The mail's HTML is shown in a sandboxed
//! frame: no script runs in it and it cannot reach the page.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::templates::{MailPreview, MessageTemplate};
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

/// How long typing must pause before the preview is asked again.
const PREVIEW_DEBOUNCE_MS: u32 = 350;

/// The languages of the templates, by their own names (the same in every interface).
const LANGUAGES: [(&str, &str); 3] = [("fr", "Français"), ("en", "English"), ("nl", "Nederlands")];

fn language_name(code: &str) -> &str {
    LANGUAGES
        .iter()
        .find(|(known, _)| *known == code)
        .map_or(code, |(_, name)| name)
}

/// The field the facts' chips write into: the last one focused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Subject,
    Body,
}

/// What the last save or reset came to, shown under the editor.
#[derive(Clone, Debug)]
enum Outcome {
    Saved,
    Reset,
    Failed(ApiError),
}

/// What a preview is asked for: a draft when both its parts are written, else the wording
/// in force.
#[derive(Clone, Debug)]
struct PreviewRequest {
    key: String,
    lang: String,
    draft: Option<(String, String)>,
}

/// `text` with `token` in place of its UTF-16 range `start..end` (a selection, as the
/// browser counts it; the end of the text when unknown), and the UTF-16 offset just after
/// the token.
fn insert_at(text: &str, start: Option<u32>, end: Option<u32>, token: &str) -> (String, u32) {
    let byte_at = |offset: Option<u32>| {
        let Some(offset) = offset else {
            return text.len();
        };
        let mut units = 0_u32;
        for (index, c) in text.char_indices() {
            if units >= offset {
                return index;
            }
            units += u32::try_from(c.len_utf16()).unwrap_or(1);
        }
        text.len()
    };
    let from = byte_at(start);
    let to = byte_at(end.or(start)).max(from);
    let mut out = String::with_capacity(text.len() + token.len());
    out.push_str(&text[..from]);
    out.push_str(token);
    out.push_str(&text[to..]);
    let before: u32 = text[..from]
        .chars()
        .chain(token.chars())
        .map(|c| u32::try_from(c.len_utf16()).unwrap_or(1))
        .sum();
    (out, before)
}

/// The values of `items` in their first order, once each.
fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// Loads the templates and shows the editor.
#[component]
pub fn TemplatesSection() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    let templates = LocalResource::new(api::templates::fetch_templates);
    let content = move || {
        Suspend::new(async move {
            templates
                .await
                .map(|templates| view! { <TemplateEditor templates/> })
        })
    };
    view! {
        <section class="panel templates" data-testid="templates">
            <h2>{move || texts().templates_title}</h2>
            <p class="muted">{move || texts().templates_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn TemplateEditor(templates: Vec<MessageTemplate>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    let keys = distinct(templates.iter().map(|template| template.key.clone()));
    let langs = distinct(templates.iter().map(|template| template.lang.clone()));
    let interface_lang = state.lang.get_untracked().code().to_owned();
    let first_lang = if langs.contains(&interface_lang) {
        interface_lang
    } else {
        langs.first().cloned().unwrap_or_default()
    };
    let key = RwSignal::new(keys.first().cloned().unwrap_or_default());
    let lang = RwSignal::new(first_lang);
    let templates = RwSignal::new(templates);
    let selected = Memo::new(move |_| {
        let (key, lang) = (key.get(), lang.get());
        templates.with(|all| {
            all.iter()
                .find(|template| template.key == key && template.lang == lang)
                .cloned()
        })
    });
    let stored_draft = move || {
        selected.with_untracked(|template| {
            template.as_ref().map_or_else(Default::default, |template| {
                (
                    template.subject.clone().unwrap_or_default(),
                    template.body.clone().unwrap_or_default(),
                )
            })
        })
    };
    let (first_subject, first_body) = stored_draft();
    let subject = RwSignal::new(first_subject);
    let body = RwSignal::new(first_body);
    let outcome = RwSignal::new(None::<Outcome>);
    let last_field = RwSignal::new(Field::Body);
    let subject_ref = NodeRef::<html::Input>::new();
    let body_ref = NodeRef::<html::Textarea>::new();

    // Another notice or language: its stored template (or nothing) in the editor.
    let choose = move |new_key: Option<String>, new_lang: Option<String>| {
        if let Some(new_key) = new_key {
            key.set(new_key);
        }
        if let Some(new_lang) = new_lang {
            lang.set(new_lang);
        }
        let (stored_subject, stored_body) = stored_draft();
        subject.set(stored_subject);
        body.set(stored_body);
        outcome.set(None);
    };

    // The preview follows the draft once typing pauses; an answer overtaken by a newer
    // request is dropped.
    let preview = RwSignal::new(None::<MailPreview>);
    let preview_error = RwSignal::new(None::<ApiError>);
    let previewing_draft = RwSignal::new(false);
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let (draft_subject, draft_body) = (subject.get(), body.get());
        let draft = (!draft_subject.trim().is_empty() && !draft_body.trim().is_empty())
            .then_some((draft_subject, draft_body));
        let request = PreviewRequest {
            key: key.get(),
            lang: lang.get(),
            draft,
        };
        let current = generation.get_value() + 1;
        generation.set_value(current);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(PREVIEW_DEBOUNCE_MS).await;
            if generation.try_get_value() != Some(current) {
                return;
            }
            let answer = api::templates::preview_template(
                &request.key,
                &request.lang,
                request.draft.clone(),
            )
            .await;
            if generation.try_get_value() != Some(current) {
                return;
            }
            match answer {
                Ok(mail) => {
                    let _ = preview.try_set(Some(mail));
                    let _ = preview_error.try_set(None);
                    let _ = previewing_draft.try_set(request.draft.is_some());
                }
                Err(error) => {
                    let _ = preview_error.try_set(Some(error));
                }
            }
        });
    });

    let save = Action::new_local(move |_: &()| {
        let (key, lang) = (key.get_untracked(), lang.get_untracked());
        let (subject, body) = (subject.get_untracked(), body.get_untracked());
        async move {
            match api::templates::set_template(&key, &lang, &subject, &body).await {
                Ok(stored) => {
                    templates.update(|all| {
                        if let Some(template) = all
                            .iter_mut()
                            .find(|t| t.key == stored.key && t.lang == stored.lang)
                        {
                            *template = stored;
                        }
                    });
                    outcome.set(Some(Outcome::Saved));
                }
                Err(error) => outcome.set(Some(Outcome::Failed(error))),
            }
        }
    });
    let reset = Action::new_local(move |_: &()| {
        let (key, lang) = (key.get_untracked(), lang.get_untracked());
        async move {
            match api::templates::reset_template(&key, &lang).await {
                Ok(_) => {
                    templates.update(|all| {
                        if let Some(template) =
                            all.iter_mut().find(|t| t.key == key && t.lang == lang)
                        {
                            template.subject = None;
                            template.body = None;
                            template.customised = false;
                        }
                    });
                    subject.set(String::new());
                    body.set(String::new());
                    outcome.set(Some(Outcome::Reset));
                }
                Err(error) => outcome.set(Some(Outcome::Failed(error))),
            }
        }
    });
    let saving = save.pending();
    let resetting = reset.pending();
    let busy = move || saving.get() || resetting.get();
    let customised =
        move || selected.with(|template| template.as_ref().is_some_and(|t| t.customised));

    let insert_fact = move |fact: &str| {
        let token = format!("{{{{ {fact} }}}}");
        outcome.set(None);
        match last_field.get_untracked() {
            Field::Subject => {
                let input = subject_ref.get_untracked();
                let (start, end) = input.as_ref().map_or((None, None), |input| {
                    (
                        input.selection_start().ok().flatten(),
                        input.selection_end().ok().flatten(),
                    )
                });
                let (text, cursor) = insert_at(&subject.get_untracked(), start, end, &token);
                if let Some(input) = input {
                    // The element first, so that the cursor can be put after the fact.
                    input.set_value(&text);
                    let _ = input.focus();
                    let _ = input.set_selection_range(cursor, cursor);
                }
                subject.set(text);
            }
            Field::Body => {
                let area = body_ref.get_untracked();
                let (start, end) = area.as_ref().map_or((None, None), |area| {
                    (
                        area.selection_start().ok().flatten(),
                        area.selection_end().ok().flatten(),
                    )
                });
                let (text, cursor) = insert_at(&body.get_untracked(), start, end, &token);
                if let Some(area) = area {
                    area.set_value(&text);
                    let _ = area.focus();
                    let _ = area.set_selection_range(cursor, cursor);
                }
                body.set(text);
            }
        }
    };

    let key_options = keys
        .into_iter()
        .map(|option| {
            let name = option.clone();
            let this = option.clone();
            let marked = option.clone();
            let is_customised = move || {
                templates.with(|all| {
                    all.iter().any(|t| {
                        t.key == marked && lang.with(|lang| t.lang == *lang) && t.customised
                    })
                })
            };
            view! {
                <option value=option selected=move || key.with(|key| *key == this)>
                    {move || texts().notice(&name).to_owned()}
                    {move || if is_customised() { " ✎" } else { "" }}
                </option>
            }
        })
        .collect_view();
    let lang_options = langs
        .into_iter()
        .map(|option| {
            let this = option.clone();
            let name = language_name(&option).to_owned();
            view! {
                <option value=option selected=move || lang.with(|lang| *lang == this)>
                    {name}
                </option>
            }
        })
        .collect_view();
    let facts = move || {
        selected
            .get()
            .map(|template| template.facts)
            .unwrap_or_default()
            .into_iter()
            .map(|fact| {
                let label = format!("{{{{ {fact} }}}}");
                view! {
                    <button
                        type="button"
                        class="chip"
                        data-testid="template-fact"
                        data-fact=fact.clone()
                        on:mousedown=|event| event.prevent_default()
                        on:click=move |_| insert_fact(&fact)
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    let builtin = move || {
        selected.get().map(|template| {
            view! {
                <p class="builtin-subject" data-testid="template-builtin-subject">
                    <strong>{template.builtin_subject}</strong>
                </p>
                <div class="body builtin-body" data-testid="template-builtin-body">
                    {template.builtin_body}
                </div>
            }
        })
    };
    // A refused save, else a preview that failed: the server's message either way, and
    // the field it names outlined.
    let shown_error = move || {
        outcome
            .with(|outcome| match outcome {
                Some(Outcome::Failed(error)) => Some(("save", error.clone())),
                _ => None,
            })
            .or_else(|| preview_error.get().map(|error| ("preview", error)))
    };
    let errors = move || {
        shown_error().map(|(from, error)| view! { <div data-from=from><ErrorMessage error/></div> })
    };
    let at_fault = move |field: &str| {
        shown_error().is_some_and(|(_, error)| error.field.as_deref() == Some(field))
    };
    let done = move || {
        outcome.with(|outcome| match outcome {
            Some(Outcome::Saved) => Some(state.texts().saved),
            Some(Outcome::Reset) => Some(texts().template_reset_done),
            _ => None,
        })
    };

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        outcome.set(None);
        save.dispatch_local(());
    };

    view! {
        <div class="template-pick">
            <label>
                <span>{move || texts().template_notice}</span>
                <select
                    data-testid="template-key"
                    on:change=move |event| choose(Some(event_target_value(&event)), None)
                >
                    {key_options}
                </select>
            </label>
            <label>
                <span>{move || texts().template_lang}</span>
                <select
                    data-testid="template-lang"
                    on:change=move |event| choose(None, Some(event_target_value(&event)))
                >
                    {lang_options}
                </select>
            </label>
            <Show when=customised>
                <span class="badge status-open" data-testid="template-customised">
                    {move || texts().template_customised}
                </span>
            </Show>
        </div>
        <details class="builtin" open data-testid="template-builtin">
            <summary>{move || texts().template_builtin}</summary>
            {builtin}
        </details>
        <div class="template-columns">
            <form class="template-form" on:submit=on_submit>
                <label>
                    <span>{move || texts().template_subject}</span>
                    <input
                        type="text"
                        data-testid="template-subject"
                        node_ref=subject_ref
                        class:invalid=move || at_fault("subject")
                        aria-invalid=move || at_fault("subject").to_string()
                        prop:value=subject
                        on:focus=move |_| last_field.set(Field::Subject)
                        on:input=move |event| {
                            outcome.set(None);
                            subject.set(event_target_value(&event));
                        }
                    />
                </label>
                <label>
                    <span>{move || texts().template_body}</span>
                    <textarea
                        rows="10"
                        data-testid="template-body"
                        node_ref=body_ref
                        class:invalid=move || at_fault("body")
                        aria-invalid=move || at_fault("body").to_string()
                        prop:value=body
                        on:focus=move |_| last_field.set(Field::Body)
                        on:input=move |event| {
                            outcome.set(None);
                            body.set(event_target_value(&event));
                        }
                    ></textarea>
                </label>
                <div class="facts-chips" data-testid="template-facts">
                    <span class="muted">{move || texts().template_facts}</span>
                    {facts}
                </div>
                <div data-testid="template-error">{errors}</div>
                <div class="reply-actions">
                    <button type="submit" data-testid="template-save" disabled=busy>
                        {move || if saving.get() { state.texts().saving } else { texts().template_save }}
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        data-testid="template-reset"
                        disabled=move || busy() || !customised()
                        on:click=move |_| {
                            outcome.set(None);
                            reset.dispatch_local(());
                        }
                    >
                        {move || texts().template_reset}
                    </button>
                    {move || done().map(|done| view! { <span class="saved" data-testid="template-saved">{done}</span> })}
                </div>
            </form>
            <div
                class="template-preview"
                class:stale=move || preview_error.with(Option::is_some)
                data-testid="template-preview"
            >
                <h3>{move || texts().template_preview}</h3>
                <p class="muted small">
                    {move || {
                        if preview_error.with(Option::is_some) {
                            texts().template_preview_stale
                        } else if previewing_draft.get() {
                            texts().template_preview_draft
                        } else {
                            texts().template_preview_current
                        }
                    }}
                </p>
                {move || {
                    preview
                        .get()
                        .map(|mail| {
                            view! {
                                <p class="preview-subject">
                                    <span class="muted">{move || texts().template_preview_subject}</span>
                                    " "
                                    <strong data-testid="preview-subject">{mail.subject}</strong>
                                </p>
                                <h4>{move || texts().template_preview_text}</h4>
                                <pre class="preview-text" data-testid="preview-text">{mail.text}</pre>
                                <h4>{move || texts().template_preview_html}</h4>
                                <iframe
                                    class="preview-html"
                                    data-testid="preview-html"
                                    sandbox=""
                                    title=move || texts().template_preview_html
                                    srcdoc=mail.html
                                ></iframe>
                            }
                        })
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_goes_where_the_cursor_is() {
        assert_eq!(
            insert_at("ab", None, None, "{{ x }}"),
            ("ab{{ x }}".into(), 9)
        );
        assert_eq!(insert_at("ab", Some(1), Some(1), "X"), ("aXb".into(), 2));
        // The browser counts UTF-16 units: "é" is one, "😀" two.
        assert_eq!(
            insert_at("é😀z", Some(3), Some(3), "X"),
            ("é😀Xz".into(), 4)
        );
        // A selection is replaced.
        assert_eq!(insert_at("abcd", Some(1), Some(3), "X"), ("aXd".into(), 2));
        // Offsets past the end append.
        assert_eq!(insert_at("ab", Some(9), Some(9), "X"), ("abX".into(), 3));
    }

    #[test]
    fn languages_are_named_in_their_own_words() {
        assert_eq!(language_name("nl"), "Nederlands");
        assert_eq!(language_name("de"), "de");
    }
}

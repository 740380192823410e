//! Files attached to a ticket: images as thumbnails, PDFs as links, and an upload control.

use leptos::html::Input;
use leptos::prelude::*;

use crate::api::attachments::Attachment;
use crate::api::tickets::TicketDetail;
use crate::api::{self, ApiError};
use crate::components::error_view::ErrorMessage;
use crate::components::time::Time;
use crate::state::use_app_state;

use super::refresh_history;

/// The "attachments" panel.
#[component]
pub fn Attachments(ticket_id: String, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let input = NodeRef::<Input>::new();
    let no_file = RwSignal::new(false);

    let upload = Action::new_local(move |_: &()| {
        let ticket_id = ticket_id.clone();
        let file = input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        async move {
            let Some(file) = file else {
                no_file.set(true);
                return Ok(());
            };
            no_file.set(false);
            let attachment = api::attachments::upload_attachment(&ticket_id, &file).await?;
            detail.update(|detail| {
                if !detail
                    .attachments
                    .iter()
                    .any(|known| known.id == attachment.id)
                {
                    detail.attachments.push(attachment);
                }
            });
            if let Some(input) = input.get_untracked() {
                input.set_value("");
            }
            // The list as the server has it (and a history entry, if any).
            refresh_history(ticket_id, detail);
            Ok::<(), ApiError>(())
        }
    });
    let pending = upload.pending();
    let error = move || upload.value().get().and_then(Result::err);

    view! {
        <section class="panel attachments" data-testid="attachments">
            <h2>{move || texts().attachments_title}</h2>
            <Show when=move || detail.with(|detail| detail.attachments.is_empty())>
                <p class="empty">{move || texts().attachments_none}</p>
            </Show>
            <ul class="attachment-list">
                <For
                    each=move || detail.with(|detail| detail.attachments.clone())
                    key=|attachment| attachment.id.clone()
                    children=|attachment| view! { <AttachmentItem attachment/> }
                />
            </ul>
            <div class="attachment-upload">
                <label>
                    <span>{move || texts().attachment_choose}</span>
                    <input
                        type="file"
                        name="file"
                        accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
                        data-testid="attachment-input"
                        node_ref=input
                    />
                </label>
                <button
                    type="button"
                    data-testid="attachment-upload"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        if !pending.get_untracked() {
                            upload.dispatch_local(());
                        }
                    }
                >
                    {move || {
                        if pending.get() { texts().attachment_uploading } else { texts().attachment_upload }
                    }}
                </button>
                <small class="muted">{move || texts().attachment_hint}</small>
            </div>
            <Show when=move || no_file.get()>
                <p class="error" role="alert" data-testid="attachment-error">
                    {move || texts().attachment_no_file}
                </p>
            </Show>
            {move || {
                error()
                    .map(|error| {
                        view! {
                            <div data-testid="attachment-error">
                                <ErrorMessage error/>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// One attachment: a thumbnail for an image, a link for anything else (PDFs), both opening
/// the file in a new tab.
#[component]
fn AttachmentItem(attachment: Attachment) -> impl IntoView {
    let state = use_app_state();
    let size = attachment.size_bytes;
    let preview = if attachment.is_image() {
        view! {
            <a href=attachment.url.clone() target="_blank" rel="noopener" class="thumb-link">
                <img
                    class="thumb"
                    src=attachment.url.clone()
                    alt=attachment.filename.clone()
                    loading="lazy"
                />
            </a>
        }
        .into_any()
    } else {
        view! {
            <a href=attachment.url.clone() target="_blank" rel="noopener" class="file-link">
                {attachment.filename.clone()}
            </a>
        }
        .into_any()
    };
    view! {
        <li
            class="attachment"
            data-testid="attachment"
            data-id=attachment.id
            data-content-type=attachment.content_type.clone()
        >
            {preview}
            <div class="attachment-meta">
                <span class="filename">{attachment.filename}</span>
                <small class="muted">
                    {move || state.texts().file_size(size)} " · " <Time instant=attachment.created_at/>
                </small>
            </div>
        </li>
    }
}

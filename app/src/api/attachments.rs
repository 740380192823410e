//! Files attached to a ticket, uploaded through the GraphQL multipart request
//! specification (<https://github.com/jaydenseric/graphql-multipart-request-spec>).

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;

use crate::api::{decode_response, ApiError, GRAPHQL_PATH};
use crate::state;

// The file itself cannot be a JSON variable: the request is multipart (below), with the
// generated body as its `operations` part and `Upload` sent as `null`.
operation!(UploadAttachment, "graphql/upload_attachment.graphql");

/// The largest file the server takes.
pub const MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

/// A file attached to a ticket.
pub type Attachment = crate::api::tickets::ticket::TicketTicketAttachments;

same_fields!(upload_attachment::UploadAttachmentUploadAttachment => Attachment {
    id, filename, content_type, size_bytes, url, created_at
});

impl Attachment {
    /// Whether the browser can show it as a thumbnail.
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// The `operations` field of the multipart request: the document, with the file's
/// variable left null (the `map` field points the part `0` at it).
fn operations(ticket_id: &str) -> String {
    let body = UploadAttachment::build_query(upload_attachment::Variables {
        t: ticket_id.to_owned(),
        f: (),
    });
    serde_json::to_string(&body).unwrap_or_default()
}

/// The `map` field: part `0` is `variables.f`.
fn file_map() -> &'static str {
    r#"{"0":["variables.f"]}"#
}

/// Attaches `file` to a ticket (`upload_attachment.graphql`), as a `multipart/form-data`
/// POST with the stored session's bearer token.
///
/// # Errors
///
/// `BAD_USER_INPUT` for a type the server does not take or a file over 10 MB, or any
/// [`ApiError`] of the call.
pub async fn upload_attachment(
    ticket_id: &str,
    file: &web_sys::File,
) -> Result<Attachment, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::network("no FormData"))?;
    form.append_with_str("operations", &operations(ticket_id))
        .and_then(|()| form.append_with_str("map", file_map()))
        .and_then(|()| form.append_with_blob_and_filename("0", file, &file.name()))
        .map_err(|_| ApiError::network("cannot build the upload"))?;
    // No Content-Type header: the browser sets it, with the multipart boundary.
    let mut request = Request::post(GRAPHQL_PATH).header("Accept", "application/json");
    if let Some(token) = state::stored_token() {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request
        .body(form)
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(ApiError::network)?;
    let data: upload_attachment::ResponseData = decode_response(status, &text)?;
    Ok(data.upload_attachment.into())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_multipart_fields_follow_the_spec() {
        let operations: serde_json::Value = serde_json::from_str(&operations("7")).unwrap();
        assert_eq!(operations["variables"], json!({"t": "7", "f": null}));
        assert!(operations["query"]
            .as_str()
            .unwrap()
            .contains("uploadAttachment"));
        assert_eq!(file_map(), r#"{"0":["variables.f"]}"#);
    }

    #[test]
    fn an_attachment_decodes() {
        let json = r#"{"id": "3", "filename": "a.png", "contentType": "image/png",
            "sizeBytes": 67, "url": "/attachments/3?sig=x", "createdAt": "2026-01-02T03:04:05Z"}"#;
        let attachment: Attachment = serde_json::from_str(json).unwrap();
        assert!(attachment.is_image());
        assert_eq!(attachment.size_bytes, 67);
    }
}

//! Attachments: screenshots and PDFs on a ticket, checked by size and by content (the
//! declared type is not trusted), kept in an object store (a local folder by default), and
//! readable only by those who may see the ticket.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use entity::attachment;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::find_in_tenant;
use super::scope::find_visible_ticket;
use super::tickets::{group_by_ticket, publish};
use super::Services;
use crate::events::LiveEventKind;

/// Largest accepted attachment.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The storage of attachment contents.
pub type SharedStore = Arc<dyn ObjectStore>;

/// The accepted types, recognised by their first bytes.
#[must_use]
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
    ];
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Keeps letters, digits, dots, dashes and underscores of a file name.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "fichier".to_owned()
    } else {
        cleaned
    }
}

/// Stores a file on a ticket the actor may see.
///
/// # Errors
///
/// [`DomainError::Validation`] for an empty or too large file, or content that is not a
/// PNG, JPEG, GIF, WebP image or a PDF; [`DomainError::NotFound`] for an invisible ticket.
pub async fn add_attachment(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    filename: &str,
    content: Bytes,
) -> DomainResult<attachment::Model> {
    actor.require(Permission::WriteTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    if content.is_empty() {
        return Err(DomainError::validation("file", "the file is empty"));
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(DomainError::validation(
            "file",
            format!(
                "the file is larger than {} MB",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            ),
        ));
    }
    let content_type = sniff_content_type(&content).ok_or_else(|| {
        DomainError::validation(
            "file",
            "only screenshots (PNG, JPEG, GIF, WebP) and PDF files are accepted",
        )
    })?;
    let filename = clean_filename(filename);
    let mut random = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut random);
    let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let key = format!("tenants/{}/tickets/{}/{token}", found.tenant_id, found.id);
    let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
    svc.storage
        .put(&StorePath::from(key.as_str()), PutPayload::from(content))
        .await
        .map_err(|e| DomainError::internal_from("cannot store attachment", e))?;
    let row = attachment::ActiveModel {
        tenant_id: Set(found.tenant_id),
        ticket_id: Set(found.id),
        message_id: Set(None),
        filename: Set(filename),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(size),
        storage_key: Set(key),
        uploaded_by: Set(Some(actor.user_id)),
        created_at: Set(svc.now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish(svc, &found, LiveEventKind::TicketUpdated, None).await;
    Ok(row)
}

/// An attachment's record, if the actor may see its ticket.
///
/// # Errors
///
/// [`DomainError::NotFound`] otherwise.
pub async fn get_attachment(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<attachment::Model> {
    actor.require(Permission::ViewTickets)?;
    let found = find_in_tenant::<attachment::Entity>(&svc.db, actor.tenant_id, id).await?;
    find_visible_ticket(&svc.db, actor, found.ticket_id)
        .await
        .map_err(|_| DomainError::NotFound("attachment"))?;
    Ok(found)
}

/// An attachment's record and content, if the actor may see its ticket.
///
/// # Errors
///
/// [`DomainError::NotFound`] otherwise; [`DomainError::Internal`] when the store fails.
pub async fn read_attachment(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<(attachment::Model, Bytes)> {
    let found = get_attachment(svc, actor, id).await?;
    let content = svc
        .storage
        .get(&StorePath::from(found.storage_key.as_str()))
        .await
        .map_err(|e| DomainError::internal_from("cannot read attachment", e))?
        .bytes()
        .await
        .map_err(|e| DomainError::internal_from("cannot read attachment", e))?;
    Ok((found, content))
}

/// Reads an attachment through a signed link already checked for `tenant_id`.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it no longer exists; [`DomainError::Internal`] when the
/// store fails.
pub async fn read_attachment_by_link(
    svc: &Services,
    tenant_id: i64,
    id: i64,
) -> DomainResult<(attachment::Model, Bytes)> {
    let found = find_in_tenant::<attachment::Entity>(&svc.db, tenant_id, id).await?;
    let content = svc
        .storage
        .get(&StorePath::from(found.storage_key.as_str()))
        .await
        .map_err(|e| DomainError::internal_from("cannot read attachment", e))?
        .bytes()
        .await
        .map_err(|e| DomainError::internal_from("cannot read attachment", e))?;
    Ok((found, content))
}

/// The attachments of several tickets, oldest first. The caller has checked it may see
/// the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn attachments_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<attachment::Model>>> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::TenantId.eq(actor.tenant_id))
        .filter(attachment::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    Ok(group_by_ticket(ticket_ids, rows, |row| row.ticket_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_recognised_by_its_bytes() {
        assert_eq!(
            sniff_content_type(b"\x89PNG\r\n\x1a\nrest"),
            Some("image/png")
        );
        assert_eq!(sniff_content_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            sniff_content_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(sniff_content_type(b"MZ\x90\0 executable"), None);
        assert_eq!(sniff_content_type(b"<svg onload=alert(1)>"), None);
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(
            clean_filename("C:\\\\Users\\\\capture d'écran.png"),
            "capture_d_écran.png"
        );
        assert_eq!(clean_filename(".."), "fichier");
    }
}

//! Integrations: a tenant's connections to channels (Telegram bot, Twilio SMS/WhatsApp,
//! inbound e-mail) and external CRMs. Admins create, list, update and deactivate them.
//!
//! Credentials (bot tokens, auth tokens, webhook secrets) are write-only: they are
//! encrypted at rest with ChaCha20-Poly1305 under a key from the configuration, bound to
//! the tenant and kind as associated data (a ciphertext copied to another tenant's row does
//! not decrypt), and never returned by the API. Only the webhooks and the outbox delivery
//! decrypt them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Duration, Utc};
use entity::enums::{IntegrationKind, SyncStatus};
use entity::{integration, sync_mapping, user};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::actor::Actor;
use super::auth::{derive_key, KeyPurpose};
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::{find_in_tenant, find_in_tenant_opt};
use super::Services;

/// The `sync_mappings.entity_kind` of a staff user linked to a Telegram chat.
pub const TELEGRAM_USER: &str = "telegram_user";
/// The `sync_mappings.entity_kind` of a customer writing from a Telegram chat.
pub const TELEGRAM_CUSTOMER: &str = "telegram_customer";
/// The `sync_mappings.entity_kind` of a pending one-time link code (hashed).
pub const TELEGRAM_LINK_CODE: &str = "telegram_link_code";
/// How long a link code is valid.
const LINK_CODE_MINUTES: i64 = 15;
const MAX_NAME_CHARS: usize = 100;

/// What the channels need from the configuration: the credentials keys and the address
/// webhooks are reached at.
#[derive(Clone)]
pub struct Channels {
    /// The key that encrypts, then keys that still decrypt: those of previous secrets
    /// during a rotation, and the version-1 key of each secret (credentials written before
    /// keys were derived with HKDF).
    keys: Vec<(&'static str, [u8; 32])>,
    /// The address the server is reached at (webhook URLs, Twilio signatures).
    pub public_url: String,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// The version-1 credentials key: SHA-256 of a label and the secret (before HKDF).
fn legacy_key(secret: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"guichet integration credentials v1\0");
    hasher.update(secret);
    hasher.finalize().into()
}

impl Channels {
    /// The channel settings; the credentials key is derived from `secret` with HKDF.
    #[must_use]
    pub fn new(secret: &[u8], public_url: &str) -> Self {
        Self::rotating(secret, &[], public_url)
    }

    /// The channel settings with `secret` encrypting and `previous` secrets still
    /// decrypting, until `guichet rotate-credentials` has encrypted every row again.
    #[must_use]
    pub fn rotating(secret: &[u8], previous: &[Vec<u8>], public_url: &str) -> Self {
        let mut keys = vec![("v2:", derive_key(secret, KeyPurpose::Credentials))];
        for old in previous {
            keys.push(("v2:", derive_key(old, KeyPurpose::Credentials)));
        }
        for any in std::iter::once(secret).chain(previous.iter().map(Vec::as_slice)) {
            keys.push(("v1:", legacy_key(any)));
        }
        Self {
            keys,
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Encrypts credentials for a row of `tenant_id` and `kind` under the current key:
    /// `v2:` and the base64 of a random 96-bit nonce followed by the ciphertext.
    ///
    /// # Errors
    ///
    /// [`DomainError::Internal`] if encryption fails.
    pub fn encrypt(
        &self,
        tenant_id: i64,
        kind: IntegrationKind,
        credentials: &Value,
    ) -> DomainResult<String> {
        let (version, key) = self.keys[0];
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = associated_data(tenant_id, kind);
        let plaintext = credentials.to_string();
        let sealed = ChaCha20Poly1305::new(Key::from_slice(&key))
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| DomainError::internal("cannot encrypt credentials"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{version}{}", STANDARD.encode(out)))
    }

    /// Decrypts the credentials of an integration, under whichever configured key they
    /// were written with.
    ///
    /// # Errors
    ///
    /// [`DomainError::Internal`] when there are none, or they do not decrypt (another key,
    /// or a ciphertext moved to another row).
    pub fn decrypt(&self, found: &integration::Model) -> DomainResult<Value> {
        let stored = found.credentials_encrypted.as_deref().unwrap_or_default();
        let aad = associated_data(found.tenant_id, found.kind);
        let mut has_any = false;
        for (version, key) in &self.keys {
            let Some(sealed) = unseal(stored, version) else {
                continue;
            };
            has_any = true;
            if let Some(plain) = open(key, &sealed, &aad) {
                return serde_json::from_slice(&plain).map_err(|_| {
                    DomainError::internal(format!(
                        "integration {} has malformed credentials",
                        found.id
                    ))
                });
            }
        }
        Err(DomainError::internal(if has_any {
            format!("the credentials of integration {} do not decrypt", found.id)
        } else {
            format!("integration {} has no credentials", found.id)
        }))
    }

    /// Whether `found`'s credentials are written under the current key (else
    /// `guichet rotate-credentials` encrypts them again).
    #[must_use]
    pub fn is_current(&self, found: &integration::Model) -> bool {
        let Some(stored) = found.credentials_encrypted.as_deref() else {
            return true;
        };
        let (version, key) = self.keys[0];
        unseal(stored, version).is_some_and(|sealed| {
            open(&key, &sealed, &associated_data(found.tenant_id, found.kind)).is_some()
        })
    }
}

/// The nonce and ciphertext of a stored `version` value (`v2:` and base64), if it is one.
fn unseal(stored: &str, version: &str) -> Option<Vec<u8>> {
    stored
        .strip_prefix(version)
        .and_then(|s| STANDARD.decode(s).ok())
        .filter(|bytes| bytes.len() > 12)
}

/// The plaintext of `sealed` (nonce, then ciphertext) under `key`, if it opens.
fn open(key: &[u8; 32], sealed: &[u8], aad: &str) -> Option<Vec<u8>> {
    let (nonce, ciphertext) = sealed.split_at(12);
    ChaCha20Poly1305::new(Key::from_slice(key))
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .ok()
}

/// Encrypts every integration's credentials again under the current key (after the
/// credentials secret changed, with the old one in `credentials_previous_secrets`);
/// returns how many rows were rewritten. Rows already under the current key are left
/// alone, so running it twice, or on several instances, is harmless.
///
/// # Errors
///
/// [`DomainError::Internal`] naming a row whose credentials no configured key decrypts;
/// database errors. Nothing is rewritten then (one transaction).
pub async fn rotate_credentials(svc: &Services) -> DomainResult<u64> {
    let txn = svc.begin().await?;
    let rows = integration::Entity::find()
        .filter(integration::Column::CredentialsEncrypted.is_not_null())
        .all(&txn)
        .await?;
    let mut rewritten = 0;
    for row in rows {
        if svc.channels.is_current(&row) {
            continue;
        }
        let credentials = svc.channels.decrypt(&row)?;
        let sealed = svc
            .channels
            .encrypt(row.tenant_id, row.kind, &credentials)?;
        let mut active: integration::ActiveModel = row.into();
        active.credentials_encrypted = Set(Some(sealed));
        active.update(&txn).await?;
        rewritten += 1;
    }
    txn.commit().await?;
    Ok(rewritten)
}

fn associated_data(tenant_id: i64, kind: IntegrationKind) -> String {
    format!("guichet:{tenant_id}:{}", kind.as_str())
}

/// The shortest secret Guichet accepts for checking webhook deliveries (Telegram's secret
/// header, the inbound e-mail bearer token): long enough not to be guessed.
pub const MIN_WEBHOOK_SECRET_CHARS: usize = 16;

/// The credential fields each kind needs (camelCase, as the API takes them).
#[must_use]
pub const fn required_credentials(kind: IntegrationKind) -> &'static [&'static str] {
    match kind {
        IntegrationKind::Telegram => &["botToken", "webhookSecret"],
        IntegrationKind::Twilio => &["accountSid", "authToken"],
        IntegrationKind::InboundEmail => &["token"],
        IntegrationKind::Hubspot | IntegrationKind::Salesforce => &["apiKey"],
        IntegrationKind::ChatWidget => &[],
    }
}

fn check_credentials(kind: IntegrationKind, credentials: &Value) -> DomainResult<()> {
    let object = credentials.as_object().ok_or_else(|| {
        DomainError::validation("credentials", "credentials must be a JSON object")
    })?;
    for field in required_credentials(kind) {
        let present = object
            .get(*field)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty());
        if !present {
            return Err(DomainError::validation(
                "credentials",
                format!(
                    "a {} integration needs the credential '{field}' (a non-empty string)",
                    kind.as_str()
                ),
            ));
        }
    }
    // Telegram only allows A-Z, a-z, 0-9, _ and - in the webhook secret header.
    if kind == IntegrationKind::Telegram {
        let secret = object
            .get("webhookSecret")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let valid = (MIN_WEBHOOK_SECRET_CHARS..=256).contains(&secret.len())
            && secret
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(DomainError::validation(
                "credentials",
                format!(
                    "webhookSecret must be {MIN_WEBHOOK_SECRET_CHARS} to 256 characters among A-Z, a-z, 0-9, _ and -"
                ),
            ));
        }
    }
    // The secrets Guichet itself checks on each webhook delivery must not be guessable.
    if kind == IntegrationKind::InboundEmail {
        let token = object
            .get("token")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if token.trim().chars().count() < MIN_WEBHOOK_SECRET_CHARS {
            return Err(DomainError::validation(
                "credentials",
                format!("the token needs at least {MIN_WEBHOOK_SECRET_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

fn check_settings(kind: IntegrationKind, settings: &Value) -> DomainResult<()> {
    if !settings.is_object() {
        return Err(DomainError::validation(
            "settings",
            "settings must be a JSON object",
        ));
    }
    if kind == IntegrationKind::Twilio {
        let sms = settings.get("smsFrom").and_then(Value::as_str);
        let whatsapp = settings.get("whatsappFrom").and_then(Value::as_str);
        if sms.is_none() && whatsapp.is_none() {
            return Err(DomainError::validation(
                "settings",
                "a twilio integration needs 'smsFrom' or 'whatsappFrom' (the number replies are sent from)",
            ));
        }
    }
    Ok(())
}

fn check_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::validation(
            "name",
            format!("the name must have 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// An integration to create.
#[derive(Debug, Clone)]
pub struct NewIntegration {
    /// What it connects to.
    pub kind: IntegrationKind,
    /// A name unique among the tenant's integrations of this kind.
    pub name: String,
    /// Secrets (see [`required_credentials`]); encrypted, never returned.
    pub credentials: Value,
    /// Non-secret settings (Twilio: `smsFrom`, `whatsappFrom`).
    pub settings: Option<Value>,
}

/// Changes to an integration; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct IntegrationPatch {
    /// New name.
    pub name: Option<String>,
    /// Turn on or off.
    pub is_active: Option<bool>,
    /// New credentials, replacing the old ones entirely.
    pub credentials: Option<Value>,
    /// New settings, replacing the old ones entirely.
    pub settings: Option<Value>,
}

/// The tenant's integrations, by kind and name; admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for other roles.
pub async fn list_integrations(
    svc: &Services,
    actor: &Actor,
) -> DomainResult<Vec<integration::Model>> {
    actor.require(Permission::ViewIntegrations)?;
    Ok(integration::Entity::find()
        .filter(integration::Column::TenantId.eq(actor.tenant_id))
        .order_by_asc(integration::Column::Kind)
        .order_by_asc(integration::Column::Name)
        .order_by_asc(integration::Column::Id)
        .all(&svc.db)
        .await?)
}

/// One integration of the actor's tenant; admins only.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it is not the tenant's.
pub async fn get_integration(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<integration::Model> {
    actor.require(Permission::ViewIntegrations)?;
    find_in_tenant::<integration::Entity>(&svc.db, actor.tenant_id, id).await
}

/// Creates an integration, active; admins only.
///
/// # Errors
///
/// [`DomainError::Validation`] for a bad name, missing credentials or settings;
/// [`DomainError::Conflict`] when the tenant has one of this kind and name already.
pub async fn create_integration(
    svc: &Services,
    actor: &Actor,
    input: NewIntegration,
) -> DomainResult<integration::Model> {
    actor.require(Permission::ManageIntegrations)?;
    let name = check_name(&input.name)?;
    check_credentials(input.kind, &input.credentials)?;
    let settings = input.settings.unwrap_or_else(|| json!({}));
    check_settings(input.kind, &settings)?;
    let sealed = svc
        .channels
        .encrypt(actor.tenant_id, input.kind, &input.credentials)?;
    let now = svc.now();
    let created = integration::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        kind: Set(input.kind),
        name: Set(name),
        is_active: Set(true),
        credentials_encrypted: Set(Some(sealed)),
        settings: Set(Some(settings)),
        last_sync_at: Set(None),
        sync_status: Set(SyncStatus::Idle),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(|e| match DomainError::from(e) {
        DomainError::Conflict(_) => DomainError::Conflict(
            "the tenant already has an integration of this kind with this name".into(),
        ),
        other => other,
    })?;
    Ok(created)
}

/// Updates an integration; admins only.
///
/// # Errors
///
/// As [`create_integration`]; [`DomainError::NotFound`] for another tenant's integration.
pub async fn update_integration(
    svc: &Services,
    actor: &Actor,
    id: i64,
    patch: IntegrationPatch,
) -> DomainResult<integration::Model> {
    actor.require(Permission::ManageIntegrations)?;
    let found = find_in_tenant::<integration::Entity>(&svc.db, actor.tenant_id, id).await?;
    let mut model: integration::ActiveModel = found.clone().into();
    if let Some(name) = patch.name {
        model.name = Set(check_name(&name)?);
    }
    if let Some(active) = patch.is_active {
        model.is_active = Set(active);
    }
    if let Some(credentials) = patch.credentials {
        check_credentials(found.kind, &credentials)?;
        model.credentials_encrypted = Set(Some(svc.channels.encrypt(
            found.tenant_id,
            found.kind,
            &credentials,
        )?));
    }
    if let Some(settings) = patch.settings {
        check_settings(found.kind, &settings)?;
        model.settings = Set(Some(settings));
    }
    model.updated_at = Set(svc.now());
    model
        .update(&svc.db)
        .await
        .map_err(|e| match DomainError::from(e) {
            DomainError::Conflict(_) => DomainError::Conflict(
                "the tenant already has an integration of this kind with this name".into(),
            ),
            other => other,
        })
}

/// The active integration `id` of `kind`, whichever its tenant: webhooks are addressed by
/// integration id, and the integration's tenant is the only one they may write into.
///
/// # Errors
///
/// [`DomainError::NotFound`] when there is none, it is another kind, or it is inactive.
pub async fn find_active_integration(
    db: &impl ConnectionTrait,
    id: i64,
    kind: IntegrationKind,
) -> DomainResult<integration::Model> {
    integration::Entity::find_by_id(id)
        .filter(integration::Column::Kind.eq(kind))
        .filter(integration::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("integration"))
}

/// A one-time code a staff member sends to the bot (`/start CODE`) to link their Telegram
/// chat to their account.
#[derive(Debug, Clone)]
pub struct LinkCode {
    /// The code (shown once; only its hash is kept).
    pub code: String,
    /// Until when it can be used.
    pub expires_at: DateTime<Utc>,
}

fn hash_code(code: &str) -> String {
    let digest = Sha256::digest(code.trim().to_uppercase().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a one-time code, valid 15 minutes, that links the caller's Telegram chat to
/// their account on the Telegram integration `integration_id`; staff only. A new code
/// replaces the caller's previous one.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] when the
/// integration is not an active Telegram integration of the caller's tenant.
pub async fn create_telegram_link_code(
    svc: &Services,
    actor: &Actor,
    integration_id: i64,
) -> DomainResult<LinkCode> {
    actor.require(Permission::LinkChat)?;
    let found =
        find_in_tenant::<integration::Entity>(&svc.db, actor.tenant_id, integration_id).await?;
    if found.kind != IntegrationKind::Telegram || !found.is_active {
        return Err(DomainError::NotFound("integration"));
    }
    // 10 characters from 32 unambiguous symbols: 50 bits, tried against by a bot in 15
    // minutes at most.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut bytes);
    let code: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    let now = svc.now();
    let expires_at = now + Duration::minutes(LINK_CODE_MINUTES);
    let txn = svc.begin().await?;
    sync_mapping::Entity::delete_many()
        .filter(sync_mapping::Column::IntegrationId.eq(found.id))
        .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_LINK_CODE))
        .filter(sync_mapping::Column::LocalId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    sync_mapping::ActiveModel {
        tenant_id: Set(found.tenant_id),
        integration_id: Set(found.id),
        entity_kind: Set(TELEGRAM_LINK_CODE.to_owned()),
        local_id: Set(actor.user_id),
        external_id: Set(hash_code(&code)),
        last_synced_at: Set(None),
        sync_status: Set(SyncStatus::Idle),
        metadata: Set(Some(json!({ "expiresAt": expires_at.to_rfc3339() }))),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(LinkCode { code, expires_at })
}

/// Uses a link code sent from `chat_id`: links the chat to the code's user (replacing any
/// other link of that user or that chat on this integration) and returns that user;
/// `None` when the code is unknown or expired, or its user no longer exists. The code can
/// be used once.
///
/// # Errors
///
/// Database errors.
pub async fn redeem_telegram_link_code(
    svc: &Services,
    found: &integration::Model,
    code: &str,
    chat_id: &str,
) -> DomainResult<Option<user::Model>> {
    let now = svc.now();
    let txn = svc.begin().await?;
    let Some(pending) = sync_mapping::Entity::find()
        .filter(sync_mapping::Column::IntegrationId.eq(found.id))
        .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_LINK_CODE))
        .filter(sync_mapping::Column::ExternalId.eq(hash_code(code)))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    // Used or expired, the code goes.
    sync_mapping::Entity::delete_by_id(pending.id)
        .exec(&txn)
        .await?;
    let expires_at = pending
        .metadata
        .as_ref()
        .and_then(|m| m.get("expiresAt"))
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    if expires_at.is_none_or(|at| at < now) {
        txn.commit().await?;
        return Ok(None);
    }
    let Some(linked) =
        find_in_tenant_opt::<user::Entity>(&txn, found.tenant_id, pending.local_id).await?
    else {
        txn.commit().await?;
        return Ok(None);
    };
    sync_mapping::Entity::delete_many()
        .filter(sync_mapping::Column::IntegrationId.eq(found.id))
        .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_USER))
        .filter(
            sea_orm::Condition::any()
                .add(sync_mapping::Column::LocalId.eq(pending.local_id))
                .add(sync_mapping::Column::ExternalId.eq(chat_id)),
        )
        .exec(&txn)
        .await?;
    sync_mapping::ActiveModel {
        tenant_id: Set(found.tenant_id),
        integration_id: Set(found.id),
        entity_kind: Set(TELEGRAM_USER.to_owned()),
        local_id: Set(pending.local_id),
        external_id: Set(chat_id.to_owned()),
        last_synced_at: Set(Some(now)),
        sync_status: Set(SyncStatus::Synced),
        metadata: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(linked))
}

/// The local id mapped to `external_id` under `entity_kind` on an integration.
///
/// # Errors
///
/// Database errors.
pub async fn mapped_local_id(
    db: &impl ConnectionTrait,
    integration_id: i64,
    entity_kind: &str,
    external_id: &str,
) -> DomainResult<Option<i64>> {
    Ok(sync_mapping::Entity::find()
        .filter(sync_mapping::Column::IntegrationId.eq(integration_id))
        .filter(sync_mapping::Column::EntityKind.eq(entity_kind))
        .filter(sync_mapping::Column::ExternalId.eq(external_id))
        .one(db)
        .await?
        .map(|m| m.local_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tenant_id: i64, sealed: String) -> integration::Model {
        let at = Utc::now();
        integration::Model {
            id: 1,
            tenant_id,
            kind: IntegrationKind::Telegram,
            name: "bot".into(),
            is_active: true,
            credentials_encrypted: Some(sealed),
            settings: None,
            last_sync_at: None,
            sync_status: SyncStatus::Idle,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn credentials_survive_a_rotation_of_their_secret() -> DomainResult<()> {
        let secret = b"old credentials secret, long enough";
        let next = b"new credentials secret, long enough";
        let value = json!({ "botToken": "123:abc" });
        let before = Channels::new(secret, "http://x");
        let sealed = before.encrypt(5, IntegrationKind::Telegram, &value)?;
        assert!(sealed.starts_with("v2:"));
        // During the rotation the old secret decrypts, the new one encrypts.
        let during = Channels::rotating(next, &[secret.to_vec()], "http://x");
        let stored = row(5, sealed);
        assert_eq!(during.decrypt(&stored)?, value);
        assert!(!during.is_current(&stored));
        let again = row(5, during.encrypt(5, IntegrationKind::Telegram, &value)?);
        assert!(during.is_current(&again));
        // Afterwards the new secret alone reads what was encrypted again.
        let after = Channels::new(next, "http://x");
        assert_eq!(after.decrypt(&again)?, value);
        assert!(after.decrypt(&stored).is_err());
        // Bound to its tenant.
        assert!(after
            .decrypt(&row(
                6,
                again.credentials_encrypted.clone().unwrap_or_default()
            ))
            .is_err());
        Ok(())
    }

    #[test]
    fn version_one_credentials_still_decrypt() -> DomainResult<()> {
        let secret = b"a secret from before HKDF keys";
        let value = json!({ "token": "s3cr3t-s3cr3t-s3cr3t" });
        // Written as version 1 did: SHA-256 of a label and the secret.
        let key = legacy_key(secret);
        let aad = associated_data(5, IntegrationKind::Telegram);
        let nonce = [7u8; 12];
        let sealed = ChaCha20Poly1305::new(Key::from_slice(&key))
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: value.to_string().as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| DomainError::internal("encrypt"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        let stored = row(5, format!("v1:{}", STANDARD.encode(out)));
        let channels = Channels::new(secret, "http://x");
        assert_eq!(channels.decrypt(&stored)?, value);
        assert!(
            !channels.is_current(&stored),
            "rotate-credentials rewrites it"
        );
        Ok(())
    }
}

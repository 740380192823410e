//! Authentication: passwords (argon2), session tokens (signed JWT) and API tokens (random
//! secrets stored as SHA-256 hashes, scoped and revocable).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use entity::enums::Role;
use entity::{api_token, tenant, user};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::actor::{Actor, AuthMethod, Scope};
use super::credentials::CredentialKey;
use super::error::{DomainError, DomainResult};

/// Prefix of every API token, so that secret scanners can recognise them.
pub const API_TOKEN_PREFIX: &str = "gch_";

/// What a key derived from a secret is for: each purpose gets its own key (HKDF-SHA256,
/// the purpose as `info`), so a token made for one purpose never verifies for another and
/// no key is used twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// Session tokens.
    Sessions,
    /// Signed links: attachment downloads, rating links in mails.
    Links,
    /// Encryption of integration credentials at rest.
    Credentials,
    /// The tags of per-ticket reply addresses (`support+t12-…@`).
    ReplyAddresses,
}

impl KeyPurpose {
    const fn info(self) -> &'static [u8] {
        match self {
            Self::Sessions => b"guichet sessions v1",
            Self::Links => b"guichet signed links v1",
            Self::Credentials => b"guichet integration credentials v2",
            Self::ReplyAddresses => b"guichet reply addresses v1",
        }
    }
}

/// The 256-bit key for `purpose` derived from `secret` with HKDF-SHA256.
#[must_use]
pub fn derive_key(secret: &[u8], purpose: KeyPurpose) -> [u8; 32] {
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 8160: expanding cannot fail.
    let _ = hkdf::Hkdf::<Sha256>::new(None, secret).expand(purpose.info(), &mut key);
    key
}

/// An HS256 key that signs, with the keys of previous secrets that still verify.
#[derive(Clone)]
struct Signer {
    encoding: EncodingKey,
    /// The current key first, then those of previous secrets (during a rotation).
    decoding: Vec<DecodingKey>,
}

impl Signer {
    fn new(secret: &[u8], previous: &[Vec<u8>], purpose: KeyPurpose) -> Self {
        let current = derive_key(secret, purpose);
        let mut decoding = vec![DecodingKey::from_secret(&current)];
        decoding.extend(
            previous
                .iter()
                .map(|old| DecodingKey::from_secret(&derive_key(old, purpose))),
        );
        Self {
            encoding: EncodingKey::from_secret(&current),
            decoding,
        }
    }

    fn sign<T: Serialize>(&self, claims: &T) -> DomainResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| DomainError::internal_from("token signing failed", e))
    }

    /// The claims of `token` if one of the keys signed it. Expiry is not checked here: the
    /// injected clock, not the system clock, decides it.
    fn verify<T: serde::de::DeserializeOwned>(&self, token: &str) -> Option<T> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        self.decoding
            .iter()
            .find_map(|key| jsonwebtoken::decode::<T>(token, key, &validation).ok())
            .map(|data| data.claims)
    }
}

/// Keys that sign and check session tokens and signed links, each derived from the session
/// secret for its purpose.
#[derive(Clone)]
pub struct SessionKeys {
    sessions: Signer,
    links: Signer,
    /// Keys of reply-address tags: the current one first, then previous secrets'.
    replies: Vec<[u8; 32]>,
    ttl: Duration,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl SessionKeys {
    /// Keys derived from a shared secret; tokens live `ttl_hours`.
    #[must_use]
    pub fn new(secret: &[u8], ttl_hours: i64) -> Self {
        Self::rotating(secret, &[], ttl_hours)
    }

    /// Keys derived from `secret`, which signs, and from `previous` secrets, whose tokens
    /// and links still verify until they expire: replacing the secret then ends nobody's
    /// session (see SECURITY.md, "Rotating secrets").
    #[must_use]
    pub fn rotating(secret: &[u8], previous: &[Vec<u8>], ttl_hours: i64) -> Self {
        let replies = std::iter::once(secret)
            .chain(previous.iter().map(Vec::as_slice))
            .map(|s| derive_key(s, KeyPurpose::ReplyAddresses))
            .collect();
        Self {
            sessions: Signer::new(secret, previous, KeyPurpose::Sessions),
            links: Signer::new(secret, previous, KeyPurpose::Links),
            replies,
            ttl: Duration::hours(ttl_hours),
        }
    }

    /// The tag of the reply address of mails about `ticket_id` sent to `address`:
    /// `t<ticket id>-<80-bit HMAC>`. Only Guichet can make one, so a mail sent to it proves
    /// it answers a mail Guichet sent to that address about that ticket.
    #[must_use]
    pub fn reply_tag(&self, tenant_id: i64, ticket_id: i64, address: &str) -> String {
        let mac = reply_mac(&self.replies[0], tenant_id, ticket_id, address);
        format!("t{ticket_id}-{mac}")
    }

    /// The ticket a reply-address tag names, if Guichet made it for `address` in
    /// `tenant_id` (with the current or a previous secret).
    #[must_use]
    pub fn check_reply_tag(&self, tag: &str, tenant_id: i64, address: &str) -> Option<i64> {
        let (ticket, mac) = tag.strip_prefix('t')?.split_once('-')?;
        let ticket_id: i64 = ticket.parse().ok()?;
        let given = mac.to_ascii_lowercase();
        self.replies.iter().find_map(|key| {
            let expected = reply_mac(key, tenant_id, ticket_id, address);
            bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_bytes(),
                given.as_bytes(),
            ))
            .then_some(ticket_id)
        })
    }
}

/// 80 bits of HMAC-SHA256 over the tenant, the ticket and the lower-cased address, in hex.
fn reply_mac(key: &[u8; 32], tenant_id: i64, ticket_id: i64, address: &str) -> String {
    use hmac::Mac as _;
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(format!("{tenant_id}:{ticket_id}:{}", address.trim().to_lowercase()).as_bytes());
    mac.finalize().into_bytes()[..10]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The user id.
    sub: String,
    /// The tenant id.
    tid: i64,
    /// The session (`sessions.id`): signing out revokes it.
    sid: i64,
    iat: i64,
    exp: i64,
}

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
///
/// [`DomainError::Internal`] if hashing fails (it does not with default parameters).
pub fn hash_password(password: &str) -> DomainResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| DomainError::internal_from("password hashing failed", e.to_string()))
}

/// Checks a password against a stored argon2 hash.
#[must_use]
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Checks a password's strength before it is stored.
///
/// # Errors
///
/// [`DomainError::Validation`] when it is shorter than 8 characters.
pub fn validate_password(password: &str) -> DomainResult<()> {
    if password.chars().count() < 8 {
        return Err(DomainError::validation(
            "password",
            "the password needs at least 8 characters",
        ));
    }
    Ok(())
}

/// Failed sign-ins per account and per client address, kept by each instance: the first
/// few are free, then each failure doubles the wait before the next attempt is heard (1 s,
/// 2 s, 4 s… up to 15 minutes). A success clears the account's count. Time comes from the
/// injected clock.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: std::sync::Mutex<std::collections::HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    blocked_until: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// Failures an account may have before waits begin.
const FREE_ACCOUNT_FAILURES: u32 = 5;
/// Failures a client address may have (several people behind one address) before waits.
const FREE_ADDRESS_FAILURES: u32 = 20;
/// The longest wait.
const MAX_WAIT_SECONDS: i64 = 15 * 60;

impl LoginThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Refuses while any of `keys` waits.
    fn check(&self, keys: &[(String, u32)], now: DateTime<Utc>) -> DomainResult<()> {
        let failures = self.lock();
        let wait = keys
            .iter()
            .filter_map(|(key, _)| failures.get(key))
            .map(|f| (f.blocked_until - now).num_seconds())
            .max()
            .unwrap_or(0);
        if wait > 0 {
            return Err(DomainError::RateLimited {
                retry_after_seconds: wait,
            });
        }
        Ok(())
    }

    fn failed(&self, keys: &[(String, u32)], now: DateTime<Utc>) {
        let mut failures = self.lock();
        // Forget what is an hour old, so the map does not grow with every address seen.
        failures.retain(|_, f| now - f.last < Duration::hours(1));
        for (key, free) in keys {
            let entry = failures.entry(key.clone()).or_insert(Failures {
                count: 0,
                blocked_until: now,
                last: now,
            });
            entry.count += 1;
            entry.last = now;
            if entry.count > *free {
                let doublings = (entry.count - free - 1).min(20);
                let wait = (1_i64 << doublings).min(MAX_WAIT_SECONDS);
                entry.blocked_until = now + Duration::seconds(wait);
            }
        }
    }

    fn succeeded(&self, account: &str) {
        self.lock().remove(account);
    }
}

/// At most this many password hashes are computed at once, on blocking threads, so that
/// sign-ins never stall the async workers serving everything else (`/healthz` included).
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// [`hash_password`] off the async workers, with the same bound as sign-ins: setting a
/// password (a new account, a tenant's first admin) never stalls other requests.
///
/// # Errors
///
/// [`DomainError::Internal`] if hashing fails or the blocking pool is gone.
pub async fn hash_off_workers(password: &str) -> DomainResult<String> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| DomainError::internal_from("password hashing failed", e.to_string()))?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| DomainError::internal_from("password hashing failed", e.to_string()))?
}

/// [`verify_password`] off the async workers, with bounded concurrency.
async fn verify_off_workers(password: &str, hash: &str) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Who is signing in from where, for [`login`].
#[derive(Debug, Clone, Copy)]
pub struct SignIn<'a> {
    /// The address.
    pub email: &'a str,
    /// The password.
    pub password: &'a str,
    /// The organisation's identifier, when the address exists in several.
    pub tenant_slug: Option<&'a str>,
    /// The client's network address, when known.
    pub client: Option<std::net::IpAddr>,
}

/// Signs in with e-mail and password. `tenant_slug` is needed only when the same address
/// exists in several tenants. Unknown accounts, accounts without a password and unknown
/// tenants cost one password check too and get the same words; failures are throttled per
/// account and per client address.
///
/// # Errors
///
/// [`DomainError::Unauthenticated`] for a wrong e-mail, password or tenant, or an inactive
/// account, without saying which; [`DomainError::RateLimited`] after repeated failures;
/// [`DomainError::Validation`] when the tenant is ambiguous.
pub async fn login(
    db: &impl ConnectionTrait,
    keys: &SessionKeys,
    throttle: &LoginThrottle,
    now: DateTime<Utc>,
    sign_in: SignIn<'_>,
) -> DomainResult<(String, user::Model)> {
    let email = sign_in.email.trim().to_lowercase();
    let account = format!(
        "account:{}:{email}",
        sign_in.tenant_slug.map(str::trim).unwrap_or_default()
    );
    let mut throttled = vec![(account.clone(), FREE_ACCOUNT_FAILURES)];
    if let Some(client) = sign_in.client {
        throttled.push((format!("address:{client}"), FREE_ADDRESS_FAILURES));
    }
    throttle.check(&throttled, now)?;
    let outcome = check_credentials(db, keys, now, &email, sign_in).await;
    match &outcome {
        Ok(_) => throttle.succeeded(&account),
        Err(DomainError::Unauthenticated(_)) => throttle.failed(&throttled, now),
        Err(_) => {}
    }
    outcome
}

async fn check_credentials(
    db: &impl ConnectionTrait,
    keys: &SessionKeys,
    now: DateTime<Utc>,
    email: &str,
    sign_in: SignIn<'_>,
) -> DomainResult<(String, user::Model)> {
    let (password, tenant_slug) = (sign_in.password, sign_in.tenant_slug);
    let mut query = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::IsActive.eq(true));
    if let Some(slug) = tenant_slug.map(str::trim).filter(|s| !s.is_empty()) {
        let tenant = tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(db)
            .await?;
        let Some(tenant) = tenant else {
            let _ = verify_off_workers(password, &DUMMY_HASH).await;
            return Err(invalid_credentials());
        };
        query = query.filter(user::Column::TenantId.eq(tenant.id));
    }
    let candidates = query.all(db).await?;
    if candidates.len() > 1 {
        return Err(DomainError::validation(
            "tenant",
            "this e-mail address exists in several organisations: give the organisation's identifier",
        ));
    }
    // Every path costs one password check, so timing does not reveal which accounts exist
    // or have a password.
    let Some(found) = candidates.into_iter().next() else {
        let _ = verify_off_workers(password, &DUMMY_HASH).await;
        return Err(invalid_credentials());
    };
    let Some(hash) = found.password_hash.as_deref() else {
        let _ = verify_off_workers(password, &DUMMY_HASH).await;
        return Err(invalid_credentials());
    };
    if !verify_off_workers(password, hash).await {
        return Err(invalid_credentials());
    }
    let token = issue_session_token(db, keys, &found, now).await?;
    Ok((token, found))
}

/// An argon2 hash of a throwaway password, checked when the e-mail is unknown so that both
/// paths cost one hash verification.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not a real password").unwrap_or_default());

fn invalid_credentials() -> DomainError {
    DomainError::Unauthenticated("wrong e-mail address or password".into())
}

/// Opens a session for `user` (a row in `sessions`) and issues its token.
///
/// # Errors
///
/// [`DomainError::Internal`] if signing fails; database errors.
pub async fn issue_session_token(
    db: &impl ConnectionTrait,
    keys: &SessionKeys,
    user: &user::Model,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let expires_at = now + keys.ttl;
    let opened = crate::sessions::open_session(db, user, now, expires_at).await?;
    let claims = Claims {
        sub: user.id.to_string(),
        tid: user.tenant_id,
        sid: opened.id,
        iat: now.timestamp(),
        exp: expires_at.timestamp(),
    };
    keys.sessions.sign(&claims)
}

/// Resolves a bearer credential (session token or API token) into an [`Actor`]: the one
/// check behind every door (HTTP, websocket operations, downloads, feeds). A session
/// token's signature and expiry are checked every time; its session and user are read
/// once and kept until the user's access changes (see [`crate::credentials`]).
///
/// # Errors
///
/// [`DomainError::Unauthenticated`] when the credential is malformed, expired, revoked or
/// belongs to an inactive user.
pub async fn authenticate(
    svc: &crate::Services,
    keys: &SessionKeys,
    credential: &str,
) -> DomainResult<Actor> {
    let now = svc.now();
    if credential.starts_with(API_TOKEN_PREFIX) {
        return authenticate_api_token(svc, now, credential).await;
    }
    let claims: Claims = keys
        .sessions
        .verify(credential)
        .ok_or_else(|| DomainError::Unauthenticated("invalid session token".into()))?;
    if claims.exp <= now.timestamp() {
        return Err(DomainError::Unauthenticated(
            "session expired: sign in again".into(),
        ));
    }
    let user_id: i64 = claims
        .sub
        .parse()
        .map_err(|_| DomainError::Unauthenticated("invalid session token".into()))?;
    let cache = svc.events.credentials();
    let key = CredentialKey::Session(claims.sid);
    if let Some(kept) = cache.get(&key, now) {
        // The signature binds the session to its user and tenant; a kept session whose
        // claims differ is not this token's.
        if kept.actor.user_id == user_id && kept.actor.tenant_id == claims.tid {
            return Ok(kept.actor);
        }
        return Err(DomainError::Unauthenticated("invalid session token".into()));
    }
    let generation = cache.generation();
    let (session, user) =
        crate::sessions::live_session_user(&svc.db, claims.tid, user_id, claims.sid, now).await?;
    let actor = Actor {
        tenant_id: user.tenant_id,
        user_id: user.id,
        role: user.role,
        customer_id: user.customer_id,
        method: AuthMethod::Session {
            session_id: claims.sid,
        },
        scopes: vec![Scope::Read, Scope::Write],
    };
    cache.keep(
        generation,
        key,
        actor.clone(),
        Some(session.expires_at),
        None,
    );
    Ok(actor)
}

pub(crate) async fn active_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_id: i64,
) -> DomainResult<user::Model> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| {
            DomainError::Unauthenticated("this account no longer exists or is disabled".into())
        })
}

async fn authenticate_api_token(
    svc: &crate::Services,
    now: DateTime<Utc>,
    credential: &str,
) -> DomainResult<Actor> {
    let cache = svc.events.credentials();
    let hash = hash_api_token(credential);
    let key = CredentialKey::ApiToken(hash.clone());
    if let Some(kept) = cache.get(&key, now) {
        if let Some(token_id) = kept.token_id {
            record_use(svc, &key, token_id, kept.last_used_at, now).await?;
        }
        return Ok(kept.actor);
    }
    let generation = cache.generation();
    let token = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .one(&svc.db)
        .await?
        .ok_or_else(|| DomainError::Unauthenticated("unknown API token".into()))?;
    if token.revoked_at.is_some() {
        return Err(DomainError::Unauthenticated(
            "this API token has been revoked".into(),
        ));
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(DomainError::Unauthenticated(
            "this API token has expired".into(),
        ));
    }
    let user = active_user(&svc.db, token.tenant_id, token.user_id).await?;
    let scopes = token
        .scopes
        .split_whitespace()
        .filter_map(Scope::parse)
        .collect();
    let actor = Actor {
        tenant_id: user.tenant_id,
        user_id: user.id,
        role: user.role,
        customer_id: user.customer_id,
        method: AuthMethod::ApiToken,
        scopes,
    };
    cache.keep(
        generation,
        key.clone(),
        actor.clone(),
        token.expires_at,
        Some((token.id, token.last_used_at)),
    );
    record_use(svc, &key, token.id, token.last_used_at, now).await?;
    Ok(actor)
}

/// Records that an API token was used, at most once a minute: recording every use would
/// turn each read into a write.
async fn record_use(
    svc: &crate::Services,
    key: &CredentialKey,
    token_id: i64,
    last_used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    if last_used_at.is_some_and(|at| now - at <= Duration::minutes(1)) {
        return Ok(());
    }
    svc.events.credentials().used(key, now);
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(token_id))
        .exec(&svc.db)
        .await?;
    Ok(())
}

/// The SHA-256 of an API token, as stored. Tokens are 256-bit random secrets, so a fast
/// hash is enough: there is nothing to brute-force.
#[must_use]
pub fn hash_api_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh API token: the secret (shown once) and its short public prefix.
#[must_use]
pub fn generate_api_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{API_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let prefix = secret.chars().take(API_TOKEN_PREFIX.len() + 6).collect();
    (secret, prefix)
}

/// Whether `role` is one staff may hold (used when assigning tickets).
#[must_use]
pub const fn is_staff_role(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Manager | Role::Agent)
}

#[derive(Debug, Serialize, Deserialize)]
struct DownloadClaims {
    /// The attachment id.
    att: i64,
    /// The tenant id.
    tid: i64,
    exp: i64,
}

/// How long a signed attachment link stays valid.
pub const DOWNLOAD_LINK_MINUTES: i64 = 60;

impl SessionKeys {
    /// Signs a link to one attachment, valid [`DOWNLOAD_LINK_MINUTES`]; given only to callers
    /// who may see the attachment (images in the SPA cannot send an Authorization header).
    ///
    /// # Errors
    ///
    /// [`DomainError::Internal`] if signing fails.
    pub fn sign_download(
        &self,
        attachment_id: i64,
        tenant_id: i64,
        now: DateTime<Utc>,
    ) -> DomainResult<String> {
        let claims = DownloadClaims {
            att: attachment_id,
            tid: tenant_id,
            exp: (now + Duration::minutes(DOWNLOAD_LINK_MINUTES)).timestamp(),
        };
        self.links.sign(&claims)
    }

    /// Checks a signed attachment link: returns `(attachment id, tenant id)`.
    ///
    /// # Errors
    ///
    /// [`DomainError::Unauthenticated`] for a forged, expired or foreign link.
    pub fn verify_download(
        &self,
        token: &str,
        attachment_id: i64,
        now: DateTime<Utc>,
    ) -> DomainResult<i64> {
        let claims: DownloadClaims = self
            .links
            .verify(token)
            .ok_or_else(|| DomainError::Unauthenticated("invalid download link".into()))?;
        if claims.att != attachment_id || claims.exp <= now.timestamp() {
            return Err(DomainError::Unauthenticated(
                "this download link has expired".into(),
            ));
        }
        Ok(claims.tid)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct RatingClaims {
    /// The ticket id.
    rt: i64,
    /// The customer id.
    cus: i64,
    /// The tenant id.
    tid: i64,
    exp: i64,
}

/// How long a rating link sent by e-mail stays valid.
pub const RATING_LINK_DAYS: i64 = 30;

/// What a valid rating link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingGrant {
    /// The tenant.
    pub tenant_id: i64,
    /// The ticket to rate.
    pub ticket_id: i64,
    /// The customer who may rate it.
    pub customer_id: i64,
}

impl SessionKeys {
    /// Signs the link, valid [`RATING_LINK_DAYS`], that lets `customer_id` rate `ticket_id`.
    ///
    /// # Errors
    ///
    /// [`DomainError::Internal`] if signing fails.
    pub fn sign_rating(
        &self,
        ticket_id: i64,
        customer_id: i64,
        tenant_id: i64,
        now: DateTime<Utc>,
    ) -> DomainResult<String> {
        let claims = RatingClaims {
            rt: ticket_id,
            cus: customer_id,
            tid: tenant_id,
            exp: (now + Duration::days(RATING_LINK_DAYS)).timestamp(),
        };
        self.links.sign(&claims)
    }

    /// Checks a rating link.
    ///
    /// # Errors
    ///
    /// [`DomainError::Unauthenticated`] for a forged or expired link.
    pub fn verify_rating(&self, token: &str, now: DateTime<Utc>) -> DomainResult<RatingGrant> {
        let claims: RatingClaims = self
            .links
            .verify(token)
            .ok_or_else(|| DomainError::Unauthenticated("this rating link is not valid".into()))?;
        if claims.exp <= now.timestamp() {
            return Err(DomainError::Unauthenticated(
                "this rating link has expired".into(),
            ));
        }
        Ok(RatingGrant {
            tenant_id: claims.tid,
            ticket_id: claims.rt,
            customer_id: claims.cus,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NEXT: &[u8] = b"fedcba9876543210fedcba9876543210";

    #[test]
    fn each_purpose_has_its_own_key() {
        let keys = [
            derive_key(SECRET, KeyPurpose::Sessions),
            derive_key(SECRET, KeyPurpose::Links),
            derive_key(SECRET, KeyPurpose::Credentials),
        ];
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[1], keys[2]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(derive_key(NEXT, KeyPurpose::Sessions), keys[0]);
        // Deterministic: every instance derives the same keys from the same secret.
        assert_eq!(derive_key(SECRET, KeyPurpose::Sessions), keys[0]);
    }

    #[test]
    fn a_link_never_verifies_as_another_purpose() -> DomainResult<()> {
        let keys = SessionKeys::new(SECRET, 12);
        let link = keys.sign_download(7, 1, now())?;
        // Not a session token, even if its claims had the right shape.
        assert!(keys.sessions.verify::<DownloadClaims>(&link).is_none());
        assert_eq!(keys.verify_download(&link, 7, now())?, 1);
        assert!(keys.verify_download(&link, 8, now()).is_err());
        Ok(())
    }

    #[test]
    fn previous_secrets_verify_but_never_sign() -> DomainResult<()> {
        let old = SessionKeys::new(SECRET, 12);
        let link = old.sign_rating(3, 4, 1, now())?;
        let rotated = SessionKeys::rotating(NEXT, &[SECRET.to_vec()], 12);
        assert_eq!(rotated.verify_rating(&link, now())?.ticket_id, 3);
        // What the rotated keys sign, the old keys alone do not accept.
        let fresh = rotated.sign_rating(3, 4, 1, now())?;
        assert!(old.verify_rating(&fresh, now()).is_err());
        // Once the old secret is dropped, its links end.
        let done = SessionKeys::new(NEXT, 12);
        assert!(done.verify_rating(&link, now()).is_err());
        Ok(())
    }
}

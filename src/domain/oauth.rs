//! OAuth2 for API clients: the client-credentials grant (RFC 6749 §4.4),
//! revocation (RFC 7009), introspection (RFC 7662), and the check of a bearer
//! token on every API request.
//!
//! Access tokens are 256 random bits, stored only as their SHA-256. A token
//! is tied to the secret that obtained it and works only while the token is
//! unexpired and unrevoked, the client enabled and unexpired, and that secret
//! live (a rotation's grace period ends it). The scopes a token carries are
//! narrowed to the client's current scopes on every request, so editing a
//! client's scopes takes effect at once.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto;
use crate::db::schema::{
    access_tokens, api_client_secrets, api_clients, data_versions, oauth_failures, subscriptions,
};
use crate::db::{self, DbConn, Stamp, new_id};
use crate::domain::actor::Actor;
use crate::domain::api_clients::{ApiClient, Status};
use crate::domain::auth::{self, Checks};
use crate::domain::entitlement::{InEffect, Status as SubscriptionStatus, in_effect};
use crate::domain::logins::{Kept, Key, Logins};
use crate::domain::modules::Modules;
use crate::domain::scopes::ScopeSet;
use crate::error::AppError;
use crate::password::Lane;

/// Failed authentications of one client id from one address within the
/// window before they are throttled.
pub const FAILURE_LIMIT: usize = 10;
/// The throttling window (the same as logins').
pub const WINDOW_MINUTES: i64 = auth::WINDOW_MINUTES;
/// How often "last used" is written for a client and a secret, at most.
pub const LAST_USED_EVERY_SECS: i64 = 60;

/// Why the token endpoint refuses; each maps to an RFC 6749 §5.2 error.
#[derive(Debug)]
pub enum TokenError {
    /// `invalid_request`, with what is wrong.
    InvalidRequest(&'static str),
    /// `invalid_client`: unknown client or wrong secret.
    InvalidClient,
    /// `unauthorized_client`: the client is disabled or expired.
    UnauthorizedClient(&'static str),
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`, naming the scope.
    InvalidScope(String),
    /// Too many failures for this client id from this address, or from
    /// this address.
    Throttled { retry_after_secs: i64 },
    /// The hasher's queue is full (`temporarily_unavailable`).
    Busy { retry_after_secs: i64 },
    /// Something broke.
    Internal(AppError),
}

impl From<AppError> for TokenError {
    fn from(e: AppError) -> Self {
        TokenError::Internal(e)
    }
}

/// A client authenticated by its id and one of its live secrets.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub client: ApiClient,
    pub secret_id: String,
}

/// A token just issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
    pub scope: ScopeSet,
}

/// How long a client id is: `pc_` and 24 lowercase hex digits.
const CLIENT_ID_LEN: usize = 27;

/// Does `s` have the shape of our client ids (see
/// `api_clients::new_client_id`)? Anything else is refused before the
/// database is asked, and never stored.
pub fn is_client_id(s: &str) -> bool {
    s.len() == CLIENT_ID_LEN
        && s.strip_prefix("pc_").is_some_and(|hex| {
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// Does `s` have the shape of our secrets (`pcs_` and 64 lowercase hex
/// digits)? Another cannot match any secret: no argon2 is spent on it.
fn is_secret_shaped(s: &str) -> bool {
    s.strip_prefix("pcs_").is_some_and(crypto::is_token)
}

/// The wait before this client id may try again from this address: its
/// failures from this address (so someone else's guesses never lock out the
/// owner), and every failure from this address whatever the client.
fn retry_after(
    conn: &mut DbConn,
    now: NaiveDateTime,
    client_id: &str,
    ip: &str,
    ip_limit: usize,
) -> QueryResult<Option<i64>> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let of_client: Vec<auth::Counted> = oauth_failures::table
        .filter(oauth_failures::client_id.eq(client_id))
        .filter(oauth_failures::ip.eq(ip))
        .filter(oauth_failures::created_at.gt(since))
        .order(oauth_failures::created_at.desc())
        .limit(FAILURE_LIMIT as i64)
        .select((oauth_failures::created_at, oauth_failures::pending))
        .load(conn)?;
    let of_address: Vec<auth::Counted> = oauth_failures::table
        .filter(oauth_failures::ip.eq(ip))
        .filter(oauth_failures::created_at.gt(since))
        .order(oauth_failures::created_at.desc())
        .limit(ip_limit as i64)
        .select((oauth_failures::created_at, oauth_failures::pending))
        .load(conn)?;
    Ok(auth::longest_wait(
        &[(&of_client, FAILURE_LIMIT), (&of_address, ip_limit)],
        now,
    ))
}

/// A client with its live secrets as `(id, argon2 hash)`.
type ClientSecrets = (ApiClient, Vec<(String, String)>);

/// The client with this public id and its live secrets.
fn client_by_client_id(
    conn: &mut DbConn,
    client_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<ClientSecrets>> {
    let Some(client) = api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select(ApiClient::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let secrets = api_client_secrets::table
        .filter(api_client_secrets::api_client_id.eq(&client.id))
        .filter(
            api_client_secrets::expires_at
                .is_null()
                .or(api_client_secrets::expires_at.gt(now)),
        )
        .order(api_client_secrets::created_at.desc())
        .select((api_client_secrets::id, api_client_secrets::secret_hash))
        .load(conn)?;
    Ok(Some((client, secrets)))
}

/// An authentication reserved before hashing: its failure row exists (and
/// counts) until the secret is found right.
struct Reservation {
    failure_id: String,
    client: ApiClient,
    secrets: Vec<(String, String)>,
}

impl From<diesel::result::Error> for TokenError {
    fn from(e: diesel::result::Error) -> Self {
        TokenError::Internal(e.into())
    }
}

/// Check the throttles and reserve a failure in one step. A throttled
/// client or address gets no row; an unknown client id gets `None` and no
/// row either. A first look outside the write transaction turns most
/// refusals away without taking the write lock.
fn reserve(
    conn: &mut DbConn,
    now: NaiveDateTime,
    client_id: &str,
    ip: &str,
    ip_limit: usize,
) -> Result<Option<Reservation>, TokenError> {
    if let Some(secs) = retry_after(conn, now, client_id, ip, ip_limit)? {
        return Err(TokenError::Throttled {
            retry_after_secs: secs,
        });
    }
    if client_by_client_id(conn, client_id, now)?.is_none() {
        return Ok(None);
    }
    db::write(conn, |conn| {
        db::lock_keys(
            conn,
            &[
                &format!("oauth:client:{client_id}:{ip}"),
                &format!("oauth:ip:{ip}"),
            ],
        )?;
        if let Some(secs) = retry_after(conn, now, client_id, ip, ip_limit)? {
            return Err(TokenError::Throttled {
                retry_after_secs: secs,
            });
        }
        let Some((client, secrets)) = client_by_client_id(conn, client_id, now)? else {
            return Ok(None);
        };
        let failure_id = new_id();
        diesel::insert_into(oauth_failures::table)
            .values((
                oauth_failures::id.eq(&failure_id),
                oauth_failures::client_id.eq(client_id),
                oauth_failures::ip.eq(ip),
                oauth_failures::created_at.eq(now),
                oauth_failures::pending.eq(true),
            ))
            .execute(conn)?;
        Ok(Some(Reservation {
            failure_id,
            client,
            secrets,
        }))
    })
}

/// Keep a reserved failure as one: the secret was wrong.
fn settle_failure(conn: &mut DbConn, failure_id: &str) -> QueryResult<()> {
    db::write(conn, |conn| {
        diesel::update(oauth_failures::table.find(failure_id))
            .set(oauth_failures::pending.eq(false))
            .execute(conn)
    })?;
    Ok(())
}

/// Drop a reserved failure: the secret was right, or never checked.
fn release(conn: &mut DbConn, failure_id: &str) -> QueryResult<()> {
    db::write(conn, |conn| {
        diesel::delete(oauth_failures::table.find(failure_id)).execute(conn)
    })?;
    Ok(())
}

/// Check a client's id and secret. A malformed or unknown client id costs
/// no argon2 and no write; otherwise the attempt is reserved (counted)
/// before any hashing, throttled per client id and address and per address,
/// and hashed in the machines' lane of the hasher, whose place is taken
/// first (a full queue answers `Busy` at once: no query, no count).
pub async fn authenticate_client(
    checks: &Checks<'_>,
    client_id: &str,
    secret: &str,
    ip: &str,
) -> Result<Authenticated, TokenError> {
    if !is_client_id(client_id) {
        return Err(TokenError::InvalidClient);
    }
    let now = checks.now;
    let ip_limit = checks.ip_limit;
    let place = checks
        .passwords
        .admit(Lane::Machines)
        .map_err(|e| match e {
            AppError::Busy { retry_after_secs } => TokenError::Busy { retry_after_secs },
            other => TokenError::Internal(other),
        })?;
    let reservation = {
        let (client_id, ip) = (client_id.to_string(), ip.to_string());
        checks
            .db
            .run(move |conn| Ok(reserve(conn, now, &client_id, &ip, ip_limit)))
            .await??
    };
    let Some(Reservation {
        failure_id,
        client,
        secrets,
    }) = reservation
    else {
        return Err(TokenError::InvalidClient);
    };
    if !is_secret_shaped(secret) {
        checks
            .db
            .run(move |conn| Ok(settle_failure(conn, &failure_id)?))
            .await?;
        return Err(TokenError::InvalidClient);
    }
    let mut matched = None;
    for (id, hash) in secrets {
        match checks
            .passwords
            .verify(&place, secret.to_string(), Some(hash))
            .await
        {
            Ok(true) => {
                matched = Some(id);
                break;
            }
            Ok(false) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let Some(secret_id) = matched else {
        checks
            .db
            .run(move |conn| Ok(settle_failure(conn, &failure_id)?))
            .await?;
        return Err(TokenError::InvalidClient);
    };
    checks
        .db
        .run(move |conn| Ok(release(conn, &failure_id)?))
        .await?;
    Ok(Authenticated { client, secret_id })
}

/// Issue a token to an authenticated client for `requested` scopes (a
/// space-separated list, or `None` for all of the client's scopes).
pub fn issue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    auth: &Authenticated,
    requested: Option<&str>,
    lifetime_secs: i64,
) -> Result<Issued, TokenError> {
    let client = &auth.client;
    match client.status(now) {
        Status::Active => {}
        Status::Disabled => return Err(TokenError::UnauthorizedClient("the client is disabled")),
        Status::Expired => return Err(TokenError::UnauthorizedClient("the client has expired")),
    }
    let granted = client.scope_set();
    let scope = match requested.map(str::trim).filter(|r| !r.is_empty()) {
        None => granted,
        Some(list) => {
            let asked = ScopeSet::parse(list)
                .map_err(|bad| TokenError::InvalidScope(bad[0].scope().to_string()))?;
            if let Some(extra) = asked
                .scopes()
                .iter()
                .find(|s| !granted.scopes().iter().any(|g| g.covers(s)))
            {
                return Err(TokenError::InvalidScope(extra.to_string()));
            }
            asked
        }
    };
    let token = format!("pat_{}", crypto::random_token());
    let (client_row, secret_id, scopes) =
        (client.id.clone(), auth.secret_id.clone(), scope.to_string());
    db::write(conn, |conn| {
        diesel::insert_into(access_tokens::table)
            .values((
                access_tokens::id.eq(crypto::sha256_hex(token.as_bytes())),
                access_tokens::api_client_id.eq(&client_row),
                access_tokens::secret_id.eq(&secret_id),
                access_tokens::scopes.eq(&scopes),
                access_tokens::expires_at.eq(now + Duration::seconds(lifetime_secs)),
                access_tokens::created_at.eq(now),
            ))
            .execute(conn)?;
        touch(conn, now, &client_row, &secret_id)
    })
    .map_err(|e| TokenError::Internal(e.into()))?;
    Ok(Issued {
        access_token: token,
        expires_in: lifetime_secs,
        scope,
    })
}

/// Write "last used" for a client and its secret.
fn touch(conn: &mut DbConn, now: NaiveDateTime, client: &str, secret: &str) -> QueryResult<()> {
    diesel::update(api_clients::table.find(client))
        .set(api_clients::last_used_at.eq(now))
        .execute(conn)?;
    diesel::update(api_client_secrets::table.find(secret))
        .set(api_client_secrets::last_used_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// A live token's facts, as introspection reports them.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub client: ApiClient,
    /// The token's scopes that the client still has.
    pub scope: ScopeSet,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// The organisation's data version as read with the token.
    pub data_version: Option<i64>,
    /// What the organisation's subscription gives at the moment of reading.
    pub entitlement: InEffect,
}

type TokenRow = (
    ApiClient,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    (
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
);

/// The live token `token`, in one query (with the client, the secret's last
/// use and the organisation's data version); on PostgreSQL kept (`kept`,
/// see `domain::logins`) until a change notice says otherwise. "Last used"
/// is written at most once a minute, so the check is a read on almost every
/// request. With `of_client`, another client's token is `None` and nothing
/// of it is touched (introspection by another client is not a use).
pub fn live_token<L: Kept>(
    conn: &mut DbConn,
    kept: &Logins<L, KeptToken>,
    token: &str,
    now: NaiveDateTime,
    of_client: Option<&str>,
) -> QueryResult<Option<TokenInfo>> {
    let id = crypto::sha256_hex(token.as_bytes());
    let row = match kept.token(&id, now) {
        Some(k) => {
            crate::db::still_connected(conn)?;
            let mut row = k.0.clone();
            row.7 = kept.version(&row.0.organization_id, row.7);
            row
        }
        None => {
            let reading = kept.reading();
            let Some(row) = read_token(conn, &id, now)? else {
                return Ok(None);
            };
            let versions: Vec<(&str, i64)> = row
                .7
                .map(|v| (row.0.organization_id.as_str(), v))
                .into_iter()
                .collect();
            kept.keep_token(reading, &id, KeptToken(row.clone()), &versions);
            row
        }
    };
    let (
        client,
        scopes,
        issued_at,
        expires_at,
        secret_id,
        secret_used,
        _,
        data_version,
        (status, modules, trial_end, cancel_at),
    ) = row;
    let entitlement = match status.as_deref().and_then(SubscriptionStatus::parse) {
        Some(status) => in_effect(
            status,
            Modules::from_stored(modules.as_deref().unwrap_or("")),
            trial_end,
            cancel_at,
            now,
        ),
        None => InEffect::NOTHING,
    };
    if of_client.is_some_and(|c| c != client.id) {
        return Ok(None);
    }
    let stale = |t: Option<NaiveDateTime>| {
        t.is_none_or(|t| now - t >= Duration::seconds(LAST_USED_EVERY_SECS))
    };
    if stale(client.last_used_at) || stale(secret_used) {
        db::write(conn, |conn| touch(conn, now, &client.id, &secret_id))?;
    }
    let granted = client.scope_set();
    let scope = ScopeSet::new(
        ScopeSet::parse(&scopes)
            .unwrap_or_default()
            .scopes()
            .iter()
            .filter(|s| granted.scopes().iter().any(|g| g.covers(s)))
            .copied()
            .collect(),
    );
    Ok(Some(TokenInfo {
        client,
        scope,
        issued_at,
        expires_at,
        data_version,
        entitlement,
    }))
}

/// A live token as read from the database (and kept).
#[derive(Debug, Clone)]
pub struct KeptToken(TokenRow);

impl Kept for KeptToken {
    fn valid_until(&self) -> NaiveDateTime {
        let (client, _, _, expires_at, _, _, secret_expires, ..) = &self.0;
        [client.expires_at, *secret_expires]
            .into_iter()
            .flatten()
            .fold(*expires_at, NaiveDateTime::min)
    }

    fn depends_on(&self, key: &Key<'_>) -> bool {
        match *key {
            Key::Client(c) => c == self.0.0.id,
            Key::Organization(o) => o == self.0.0.organization_id,
            _ => false,
        }
    }
}

/// The live token whose id is `id`, in one query.
fn read_token(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<Option<TokenRow>> {
    let row: Option<TokenRow> = crate::db::direct!(conn, |c| access_tokens::table
        .inner_join(api_clients::table)
        .inner_join(api_client_secrets::table)
        .left_join(
            data_versions::table
                .on(data_versions::organization_id.eq(api_clients::organization_id)),
        )
        .left_join(
            subscriptions::table.on(subscriptions::organization_id
                .eq(api_clients::organization_id)
                .and(subscriptions::is_current.eq(true))),
        )
        .filter(access_tokens::id.eq(id))
        .filter(access_tokens::expires_at.gt(Stamp(now)))
        .filter(access_tokens::revoked_at.is_null())
        .filter(api_clients::disabled.eq(false))
        .filter(
            api_clients::expires_at
                .is_null()
                .or(api_clients::expires_at.gt(Stamp(now))),
        )
        .filter(
            api_client_secrets::expires_at
                .is_null()
                .or(api_client_secrets::expires_at.gt(Stamp(now))),
        )
        .select((
            ApiClient::as_select(),
            access_tokens::scopes,
            access_tokens::created_at,
            access_tokens::expires_at,
            access_tokens::secret_id,
            api_client_secrets::last_used_at,
            api_client_secrets::expires_at,
            data_versions::version.nullable(),
            (
                subscriptions::status.nullable(),
                subscriptions::modules.nullable(),
                subscriptions::trial_end.nullable(),
                subscriptions::cancel_at.nullable(),
            ),
        ))
        .first(c)
        .optional())?;
    Ok(row)
}

/// The actor of an API request with bearer `token`, or `None` when the token
/// is unknown, expired, revoked or its client or secret no longer live.
pub fn actor_for_token<L: Kept>(
    conn: &mut DbConn,
    kept: &Logins<L, KeptToken>,
    token: &str,
    now: NaiveDateTime,
    ip: Option<String>,
) -> QueryResult<Option<(Actor, TokenInfo)>> {
    Ok(live_token(conn, kept, token, now, None)?.map(|info| {
        let c = &info.client;
        let mut actor = Actor::api_client(
            c.organization_id.clone(),
            c.id.clone(),
            c.client_id.clone(),
            c.name.clone(),
            info.scope.clone(),
            ip,
        )
        .with_entitlement(info.entitlement);
        if let Some(v) = info.data_version {
            actor = actor.with_data_version(v);
        }
        (actor, info)
    }))
}

/// Revoke `token` if it belongs to `client` (RFC 7009: anything else is
/// answered the same way, and changes nothing).
pub fn revoke(
    conn: &mut DbConn,
    now: NaiveDateTime,
    client: &ApiClient,
    token: &str,
) -> QueryResult<()> {
    db::write(conn, |conn| {
        diesel::update(
            access_tokens::table
                .filter(access_tokens::id.eq(crypto::sha256_hex(token.as_bytes())))
                .filter(access_tokens::api_client_id.eq(&client.id))
                .filter(access_tokens::revoked_at.is_null()),
        )
        .set(access_tokens::revoked_at.eq(now))
        .execute(conn)
    })?;
    Ok(())
}

/// The live token `token` if it belongs to `client` (RFC 7662: another
/// client's token is reported inactive).
pub fn introspect<L: Kept>(
    conn: &mut DbConn,
    kept: &Logins<L, KeptToken>,
    now: NaiveDateTime,
    client: &ApiClient,
    token: &str,
) -> QueryResult<Option<TokenInfo>> {
    live_token(conn, kept, token, now, Some(&client.id))
}

/// Forget tokens expired for a day and failures older than a day.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let before = now - Duration::days(1);
    db::write(conn, |conn| {
        Ok(
            diesel::delete(access_tokens::table.filter(access_tokens::expires_at.lt(before)))
                .execute(conn)?
                + diesel::delete(
                    oauth_failures::table.filter(oauth_failures::created_at.lt(before)),
                )
                .execute(conn)?,
        )
    })
}

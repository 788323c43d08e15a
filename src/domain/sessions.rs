//! Logins that the server can end. The browser's (encrypted) session cookie
//! carries a random token; the `sessions` table keeps only its SHA-256, the
//! user and an expiry. Every logged-in request looks the token up, so a
//! logout or a password change ends the login for every copy of the cookie,
//! on every instance, at once. Anonymous visitors cost no database write.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto;
use crate::db::schema::{
    data_versions, memberships, organizations, sessions, subscriptions, users,
};
use crate::db::{DbConn, Stamp};
use crate::domain::entitlement::{InEffect, Status, in_effect};
use crate::domain::logins::{Kept, Key, Logins};
use crate::domain::modules::Modules;
use crate::domain::scopes::Role;
use crate::i18n::Lang;

/// How long a login lasts.
pub const LIFETIME_HOURS: i64 = 12;

/// Start a login for `user_id` (inside the caller's write transaction);
/// returns the token for the cookie. The login keeps the user's last login
/// before it (see [`previous_login_at`]): call this before recording the
/// new one.
pub fn start(conn: &mut DbConn, now: NaiveDateTime, user_id: &str) -> QueryResult<String> {
    let previous: Option<NaiveDateTime> = users::table
        .find(user_id)
        .select(users::last_login_at)
        .first(conn)
        .optional()?
        .flatten();
    start_after(conn, now, user_id, previous)
}

/// Start a login for `user_id` that follows the login at `previous` (a
/// login carried on in a fresh session keeps the one before it).
pub fn start_after(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user_id: &str,
    previous: Option<NaiveDateTime>,
) -> QueryResult<String> {
    let token = crypto::random_token();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(crypto::sha256_hex(token.as_bytes())),
            sessions::user_id.eq(user_id),
            sessions::expires_at.eq(now + Duration::hours(LIFETIME_HOURS)),
            sessions::created_at.eq(now),
            sessions::previous_login_at.eq(previous),
        ))
        .execute(conn)?;
    Ok(token)
}

/// When the user of this login last logged in before it (`None`: never, or
/// no such login): what "Last login" on the dashboard means, since the
/// user's latest login is this one.
pub fn previous_login_at(conn: &mut DbConn, token: &str) -> QueryResult<Option<NaiveDateTime>> {
    Ok(sessions::table
        .find(crypto::sha256_hex(token.as_bytes()))
        .select(sessions::previous_login_at)
        .first(conn)
        .optional()?
        .flatten())
}

/// The user of a live login with every organisation they belong to (by
/// name, with the role and data version there): the check every page
/// makes. `None` when the token is unknown or expired; a user in no
/// organisation comes with an empty list. On PostgreSQL a check is kept
/// (`kept`, see `domain::logins`) until a change notice says otherwise, so
/// most requests make no database trip for it.
pub fn login_of<T: Kept>(
    conn: &mut DbConn,
    kept: &Logins<KeptLogin, T>,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(LoginUser, Vec<MembershipChoice>)>> {
    let id = crypto::sha256_hex(token.as_bytes());
    if let Some(k) = kept.login(&id, now) {
        crate::db::still_connected(conn)?;
        let mut memberships = k.memberships.clone();
        for m in &mut memberships {
            m.data_version = kept.version(&m.organization_id, m.data_version);
        }
        return Ok(Some((k.user.clone(), memberships)));
    }
    let reading = kept.reading();
    let Some(found) = read_login(conn, &id, now)? else {
        return Ok(None);
    };
    let versions: Vec<(&str, i64)> = found
        .memberships
        .iter()
        .filter_map(|m| Some((m.organization_id.as_str(), m.data_version?)))
        .collect();
    kept.keep_login(reading, &id, found.clone(), &versions);
    Ok(Some((found.user, found.memberships)))
}

/// A login as read from the database (and kept).
#[derive(Debug, Clone)]
pub struct KeptLogin {
    user: LoginUser,
    memberships: Vec<MembershipChoice>,
    expires_at: NaiveDateTime,
}

impl Kept for KeptLogin {
    fn valid_until(&self) -> NaiveDateTime {
        self.expires_at
    }

    fn depends_on(&self, key: &Key<'_>) -> bool {
        match *key {
            Key::User(u) => u == self.user.id,
            Key::Organization(o) => self.memberships.iter().any(|m| m.organization_id == o),
            _ => false,
        }
    }
}

/// The live login whose session id is `id`, in one query. Sorted here, not
/// by the database: SQLite would build a temporary b-tree for a few rows on
/// every request.
fn read_login(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<Option<KeptLogin>> {
    // Flat left joins: SQLite plans a nested join by materialising it (every
    // membership of every user), flat ones as index lookups.
    let rows: Vec<(LoginUser, NaiveDateTime, Option<MembershipChoice>)> =
        crate::db::direct!(conn, |c| sessions::table
            .inner_join(users::table)
            .left_join(
                memberships::table.on(memberships::user_id
                    .eq(users::id)
                    .and(memberships::disabled.eq(false))),
            )
            .left_join(organizations::table.on(organizations::id.eq(memberships::organization_id)))
            .left_join(
                data_versions::table.on(data_versions::organization_id.eq(organizations::id)),
            )
            .left_join(subscriptions_current())
            .filter(sessions::id.eq(id))
            .filter(sessions::expires_at.gt(Stamp(now)))
            .select((
                LoginUser::as_select(),
                sessions::expires_at,
                membership_columns().nullable(),
            ))
            .load(c))?;
    let mut rows = rows.into_iter();
    let Some((user, expires_at, first)) = rows.next() else {
        return Ok(None);
    };
    let mut memberships: Vec<MembershipChoice> = first
        .into_iter()
        .chain(rows.filter_map(|(_, _, m)| m))
        .collect();
    sort_by_name(&mut memberships);
    Ok(Some(KeptLogin {
        user,
        memberships,
        expires_at,
    }))
}

/// End one login.
pub fn end(conn: &mut DbConn, token: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(crypto::sha256_hex(token.as_bytes()))).execute(conn)
}

/// End every login of `user_id` (password change, disabled user).
pub fn end_all_for_user(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Remove expired rows; returns how many went.
pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    crate::db::write(conn, |conn| {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
    })
}

/// The user of a logged-in request, as every page reads it: no password
/// hash and no dates (a lighter row on every request; the dashboard reads
/// the last login itself, see [`previous_login_at`]).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct LoginUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub language: Option<String>,
    pub version: i32,
    /// Runs Portaal itself: may open `/platform` (read with the login, no
    /// extra trip).
    pub operator: bool,
}

impl LoginUser {
    /// The language the user chose, if any.
    pub fn lang(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::from_code)
    }
}

/// One organisation a user belongs to, with the role there (a disabled
/// membership is not one: it gives no access).
#[derive(Debug, Clone, Queryable)]
pub struct MembershipChoice {
    pub organization_id: String,
    pub organization_name: String,
    pub default_language: String,
    pub time_zone: String,
    pub role: String,
    /// The organisation's data version when this was read (`None` before
    /// its first audited change).
    pub data_version: Option<i64>,
    /// The current subscription's stored status, modules, trial end and
    /// cancellation (read with the login: what [`Self::in_effect`] needs).
    pub subscription_status: Option<String>,
    pub subscription_modules: Option<String>,
    pub trial_end: Option<NaiveDateTime>,
    pub cancel_at: Option<NaiveDateTime>,
}

impl MembershipChoice {
    /// What the organisation's subscription gives at `now`.
    pub fn in_effect(&self, now: NaiveDateTime) -> InEffect {
        match self.subscription_status.as_deref().and_then(Status::parse) {
            Some(status) => in_effect(
                status,
                Modules::from_stored(self.subscription_modules.as_deref().unwrap_or("")),
                self.trial_end,
                self.cancel_at,
                now,
            ),
            None => InEffect::NOTHING,
        }
    }

    /// The role, parsed (unknown stored roles grant nothing: staff at most).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Access)
    }
}

/// A user's organisations in the order they are shown: by name (byte
/// order, the same on both backends), then id.
pub fn sort_by_name(memberships: &mut [MembershipChoice]) {
    memberships.sort_unstable_by(|a, b| {
        (&a.organization_name, &a.organization_id).cmp(&(&b.organization_name, &b.organization_id))
    });
}

/// The columns of a [`MembershipChoice`], in its order.
pub type MembershipColumns = (
    organizations::id,
    organizations::name,
    organizations::default_language,
    organizations::time_zone,
    memberships::role,
    diesel::dsl::Nullable<data_versions::version>,
    diesel::dsl::Nullable<subscriptions::status>,
    diesel::dsl::Nullable<subscriptions::modules>,
    diesel::dsl::Nullable<subscriptions::trial_end>,
    diesel::dsl::Nullable<subscriptions::cancel_at>,
);

/// The join of an organisation's current subscription (left: an
/// organisation without one reads as `None`).
#[allow(clippy::type_complexity)]
pub fn subscriptions_current() -> diesel::helper_types::On<
    subscriptions::table,
    diesel::dsl::And<
        diesel::dsl::Eq<subscriptions::organization_id, organizations::id>,
        diesel::dsl::Eq<subscriptions::is_current, bool>,
    >,
> {
    subscriptions::table.on(subscriptions::organization_id
        .eq(organizations::id)
        .and(subscriptions::is_current.eq(true)))
}

/// The select of a [`MembershipChoice`] (memberships joined with their
/// organisation and its data version).
pub fn membership_columns() -> MembershipColumns {
    (
        organizations::id,
        organizations::name,
        organizations::default_language,
        organizations::time_zone,
        memberships::role,
        data_versions::version.nullable(),
        subscriptions::status.nullable(),
        subscriptions::modules.nullable(),
        subscriptions::trial_end.nullable(),
        subscriptions::cancel_at.nullable(),
    )
}

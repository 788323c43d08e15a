//! Logins that the server can end. The browser's (encrypted) session cookie
//! carries a random token; the `sessions` table keeps only its SHA-256, the
//! user and an expiry. Every logged-in request looks the token up, so a
//! logout or a password change ends the login for every copy of the cookie,
//! on every instance, at once. Anonymous visitors cost no database write.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto;
use crate::db::DbConn;
use crate::db::schema::{sessions, users};
use crate::domain::users::User;

/// How long a login lasts.
pub const LIFETIME_HOURS: i64 = 12;

/// Start a login for `user_id` (inside the caller's write transaction);
/// returns the token for the cookie.
pub fn start(conn: &mut DbConn, now: NaiveDateTime, user_id: &str) -> QueryResult<String> {
    let token = crypto::random_token();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(crypto::sha256_hex(token.as_bytes())),
            sessions::user_id.eq(user_id),
            sessions::expires_at.eq(now + Duration::hours(LIFETIME_HOURS)),
            sessions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user of a live login (one query).
pub fn user_of(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<User>> {
    let id = crypto::sha256_hex(token.as_bytes());
    crate::direct!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .filter(sessions::expires_at.gt(now))
        .select(User::as_select())
        .first(c)
        .optional())
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

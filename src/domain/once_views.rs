//! Values shown once (a new API client secret, an invitation link) travel in
//! an encrypted cookie (`web::once`); which of them have been shown is kept
//! here, so a replayed copy of the cookie shows nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::crypto;
use crate::db::schema::once_views;
use crate::db::{self, DbConn};

/// Record the view of the value with this `nonce`: `true` the first time,
/// `false` for every later try. The record lasts `until` (after that the
/// cookie itself is refused for its age).
pub fn first_view(conn: &mut DbConn, nonce: &str, until: NaiveDateTime) -> QueryResult<bool> {
    let inserted = db::write(conn, |conn| {
        diesel::insert_into(once_views::table)
            .values((
                once_views::id.eq(crypto::sha256_hex(nonce.as_bytes())),
                once_views::expires_at.eq(until),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Forget views whose cookies can no longer be used.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    db::write(conn, |conn| {
        diesel::delete(once_views::table.filter(once_views::expires_at.le(now))).execute(conn)
    })
}

//! Key/value settings kept in the database (shared by every instance).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::settings;

/// Read a setting.
pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()
}

/// Return the stored value for `key`, storing `make()` first if there is none.
/// Safe when several instances start at once: the first insert wins and every
/// instance reads the winner.
pub fn get_or_insert(
    conn: &mut DbConn,
    key: &str,
    now: NaiveDateTime,
    make: impl FnOnce() -> String,
) -> QueryResult<String> {
    if let Some(v) = get(conn, key)? {
        return Ok(v);
    }
    let inserted = super::write(conn, |conn| {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(make()),
                settings::updated_at.eq(now),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => {}
        Err(e) if super::is_unique_violation(&e) => {}
        Err(e) => return Err(e),
    }
    get(conn, key)?.ok_or(diesel::result::Error::NotFound)
}

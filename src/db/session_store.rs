//! Server-side sessions for actix-session, kept in the `sessions` table.
//!
//! The cookie carries only a random key; the row is stored under the key's
//! SHA-256, so a copy of the table cannot be replayed as cookies. Deleting the
//! row (logout, password change) ends the session for every copy of the cookie.

use std::collections::HashMap;
use std::sync::Arc;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use diesel::prelude::*;

use super::schema::sessions;
use super::{DbConn, DbPool};
use crate::clock::Clock;
use crate::crypto;

/// The key under which the logged-in user's id sits in the session state.
pub const USER_KEY: &str = "uid";

type State = HashMap<String, String>;

/// A [`SessionStore`] over the application's database.
#[derive(Clone)]
pub struct DbSessionStore {
    pool: DbPool,
    clock: Arc<dyn Clock>,
}

impl DbSessionStore {
    /// A store using `pool`, with expiry measured by `clock`.
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>) -> Self {
        Self { pool, clock }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn, chrono::NaiveDateTime) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        let now = self.clock.now();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn, now)
        })
        .await?
    }
}

fn row_id(key: &str) -> String {
    crypto::sha256_hex(key.as_bytes())
}

fn user_of(state: &State) -> Option<String> {
    state
        .get(USER_KEY)
        .and_then(|v| serde_json::from_str::<String>(v).ok())
}

fn expiry(now: chrono::NaiveDateTime, ttl: &Duration) -> chrono::NaiveDateTime {
    now + chrono::Duration::seconds(ttl.whole_seconds())
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let id = row_id(session_key.as_ref());
        let row: Option<String> = self
            .run(move |conn, now| {
                Ok(sessions::table
                    .find(id)
                    .filter(sessions::expires_at.gt(now))
                    .select(sessions::state)
                    .first(conn)
                    .optional()?)
            })
            .await
            .map_err(LoadError::Other)?;
        row.map(|s| serde_json::from_str(&s).map_err(|e| LoadError::Deserialization(e.into())))
            .transpose()
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let key = crypto::random_token();
        let id = row_id(&key);
        let json = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let user_id = user_of(&state);
        let ttl = *ttl;
        self.run(move |conn, now| {
            crate::db::write(conn, |conn| {
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::id.eq(id),
                        sessions::user_id.eq(user_id),
                        sessions::state.eq(json),
                        sessions::expires_at.eq(expiry(now, &ttl)),
                        sessions::created_at.eq(now),
                    ))
                    .execute(conn)
            })?;
            Ok(())
        })
        .await
        .map_err(SaveError::Other)?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let id = row_id(session_key.as_ref());
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let user_id = user_of(&state);
        let ttl = *ttl;
        let updated = self
            .run(move |conn, now| {
                Ok(crate::db::write(conn, |conn| {
                    diesel::update(sessions::table.find(id))
                        .filter(sessions::expires_at.gt(now))
                        .set((
                            sessions::user_id.eq(user_id),
                            sessions::state.eq(json),
                            sessions::expires_at.eq(expiry(now, &ttl)),
                        ))
                        .execute(conn)
                })?)
            })
            .await
            .map_err(UpdateError::Other)?;
        if updated == 0 {
            // The session ended on the server meanwhile (logout, password
            // change): start a new, anonymous one rather than resurrecting the
            // old key or its login.
            let mut state = state;
            state.remove(USER_KEY);
            return self.save(state, &ttl).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            });
        }
        Ok(session_key)
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        let id = row_id(session_key.as_ref());
        let ttl = *ttl;
        self.run(move |conn, now| {
            crate::db::write(conn, |conn| {
                diesel::update(sessions::table.find(id))
                    .set(sessions::expires_at.eq(expiry(now, &ttl)))
                    .execute(conn)
            })?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let id = row_id(session_key.as_ref());
        self.run(move |conn, _| {
            crate::db::write(conn, |conn| {
                diesel::delete(sessions::table.find(id)).execute(conn)
            })?;
            Ok(())
        })
        .await
    }
}

/// End every session of `user_id` (password change, disabled user).
pub fn delete_for_user(conn: &mut DbConn, user_id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Remove expired rows; returns how many went.
pub fn purge_expired(conn: &mut DbConn, now: chrono::NaiveDateTime) -> QueryResult<usize> {
    crate::db::write(conn, |conn| {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
    })
}

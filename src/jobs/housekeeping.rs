//! Housekeeping, once an hour across all instances: expired logins, old
//! login attempts and client-authentication failures, used one-time views,
//! webhook messages and attempts past their 30 days.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::AppState;
use crate::db::{self, DbConn};
use crate::domain;

/// How often housekeeping runs.
pub const EVERY_MINUTES: i64 = 60;

/// Claim this hour's housekeeping: `true` for the one instance that moved
/// its last run (the others see it moved and do nothing).
pub fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    db::lease::claim_turn(conn, "housekeeping", now, Duration::minutes(EVERY_MINUTES))
}

/// Run housekeeping if it is due and this instance claims it; returns how
/// many rows went, or `None` when it was not this instance's turn.
pub async fn run_if_due(state: &AppState) -> Option<usize> {
    let now = state.clock.now();
    let result = state
        .db(move |conn| {
            if !claim(conn, now)? {
                return Ok(None);
            }
            Ok(Some(
                domain::sessions::purge_expired(conn, now)?
                    + domain::auth::purge_old_attempts(conn, now)?
                    + domain::oauth::purge(conn, now)?
                    + domain::once_views::purge(conn, now)?
                    + domain::password_resets::purge(conn, now)?
                    + domain::webhook_deliveries::purge(conn, now)?,
            ))
        })
        .await;
    match result {
        Ok(done) => {
            if let Some(rows) = done {
                tracing::debug!(rows, "housekeeping done");
            }
            done
        }
        Err(e) => {
            tracing::warn!(error = %e, "housekeeping failed");
            None
        }
    }
}

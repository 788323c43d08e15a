//! The subscriptions' lifecycle, once a minute across all instances: trials
//! that ended, cancellations that came, periods that renew (see
//! `domain::subscriptions::run_lifecycle`). The turn is claimed by moving
//! its last run in `job_runs`; each subscription is then changed with a
//! compare-and-set on its version, so even two runs at once renew once.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::AppState;
use crate::db::{self, DbConn};
use crate::domain::subscriptions::{self, LifecycleRun};

/// How often the lifecycle runs.
pub const EVERY_SECONDS: i64 = 60;

/// Claim this minute's run: `true` for the one instance that moved it.
pub fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    db::lease::claim_turn(conn, "subscriptions", now, Duration::seconds(EVERY_SECONDS))
}

/// Run the lifecycle if it is due and this instance claims it.
pub async fn run_if_due(state: &AppState) -> Option<LifecycleRun> {
    let now = state.clock.now();
    let result = state
        .db(move |conn| {
            if !claim(conn, now)? {
                return Ok(None);
            }
            subscriptions::run_lifecycle(conn, now).map(Some)
        })
        .await;
    match result {
        Ok(done) => {
            if let Some(run) = done.filter(|r| r.total() > 0) {
                tracing::info!(
                    renewed = run.renewed,
                    trials_ended = run.trials_ended,
                    canceled = run.canceled,
                    "subscriptions moved"
                );
            }
            done
        }
        Err(e) => {
            tracing::warn!(error = %e, "subscriptions lifecycle failed");
            None
        }
    }
}

//! Invoice runs, once a minute across all instances (the turn claimed in
//! `job_runs`): drafts made by the subscriptions' changes are finalized —
//! numbered, rendered, stored and mailed, each in its own transaction — once
//! the seller is complete; reminders go out for unpaid invoices; overdue
//! invoices make their subscription `past_due` and paying them makes it
//! `active` again. Each step is idempotent: a finalized draft is no longer a
//! draft, a reminder moves its count with a compare-and-set.

use chrono::{Duration, NaiveDateTime};

use crate::AppState;
use crate::db::{DbConn, lease};
use crate::domain::actor::AuditActor;
use crate::domain::{invoices, subscriptions};
use crate::error::AppError;

/// How often invoices are run.
pub const EVERY_SECONDS: i64 = 60;
/// Drafts finalized per batch read.
const BATCH: i64 = 200;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceRun {
    pub finalized: usize,
    pub reminded: usize,
    pub past_due: usize,
    pub settled: usize,
}

/// Finalize every draft (unless the seller is incomplete), then reminders
/// and payment states.
pub fn run(conn: &mut DbConn, now: NaiveDateTime) -> Result<InvoiceRun, AppError> {
    let mut done = InvoiceRun::default();
    let system = AuditActor::system("invoices");
    if invoices::ready_seller(conn).is_ok() {
        loop {
            let drafts = invoices::drafts_due(conn, BATCH)?;
            let mut progress = 0;
            for id in &drafts {
                match invoices::finalize(conn, now, &system, id) {
                    Ok(_) => progress += 1,
                    // Another instance took it meanwhile, or it cannot be
                    // issued (the operator sees it among the drafts).
                    Err(AppError::Conflict | AppError::Validation(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            done.finalized += progress;
            if progress == 0 {
                break;
            }
        }
    }
    done.reminded = invoices::remind_due(conn, now)?;
    (done.past_due, done.settled) = subscriptions::follow_payments(conn, now)?;
    Ok(done)
}

/// Run invoices if it is due and this instance claims the turn.
pub async fn run_if_due(state: &AppState) -> Option<InvoiceRun> {
    let now = state.clock.now();
    let result = state
        .db(move |conn| {
            if !lease::claim_turn(conn, "invoices", now, Duration::seconds(EVERY_SECONDS))? {
                return Ok(None);
            }
            run(conn, now).map(Some)
        })
        .await;
    match result {
        Ok(done) => {
            if let Some(r) = done.filter(|r| *r != InvoiceRun::default()) {
                tracing::info!(
                    finalized = r.finalized,
                    reminded = r.reminded,
                    past_due = r.past_due,
                    settled = r.settled,
                    "invoices run"
                );
                state.jobs.wake();
            }
            done
        }
        Err(e) => {
            tracing::warn!(error = %e, "invoice run failed");
            None
        }
    }
}

//! Background work, all of it here: mail delivery ([`mail`]),
//! housekeeping ([`housekeeping`]) and the subscriptions' lifecycle
//! ([`subscriptions`]), invoice runs ([`invoices`]) and webhook deliveries
//! ([`webhooks`], a loop of its own that keeps many attempts under way).
//!
//! Several instances may share one PostgreSQL database, so nothing runs
//! because it is due: it runs because this instance **claimed** it. A row of
//! a job table is claimed with a lease (`db::lease`: one statement, `FOR
//! UPDATE SKIP LOCKED` on PostgreSQL) and settled by its owner, which ends
//! the lease; a periodic job is claimed by moving its last run (`job_runs`).
//! An instance that dies holding a lease delays that job until the lease
//! runs out; then another instance takes it. Delivery is therefore at least
//! once: a job whose owner died after its work but before settling it runs
//! again.
//!
//! The runner polls every [`POLL`] and is also woken at once when work is
//! queued in this process ([`Jobs::wake`]).

pub mod housekeeping;
pub mod invoices;
pub mod mail;
pub mod subscriptions;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Data;
use tokio::sync::Notify;

use crate::AppState;

/// How often the runner looks for due work when nobody wakes it.
pub const POLL: Duration = Duration::from_secs(5);

/// This instance's side of the job runner: who it is when it claims, and
/// the bell that wakes it.
#[derive(Clone)]
pub struct Jobs {
    owner: Arc<str>,
    bell: Arc<Notify>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Jobs {
    /// A new instance identity (random: a restarted process is another
    /// owner, so its old leases simply run out).
    pub fn new() -> Self {
        Self {
            owner: format!("instance-{}", &crate::crypto::random_token()[..16]).into(),
            bell: Arc::new(Notify::new()),
        }
    }

    /// The name this instance claims with.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Work was queued: run the jobs now instead of at the next poll.
    pub fn wake(&self) {
        self.bell.notify_one();
    }
}

/// Run the background jobs until the process ends.
pub async fn run(state: Data<AppState>) {
    actix_web::rt::spawn(webhooks::run(state.clone()));
    loop {
        // Woken, or the poll interval has passed: either way, look.
        let _ = actix_web::rt::time::timeout(POLL, state.jobs.bell.notified()).await;
        let (sent, failed) = mail::deliver_due(&state).await;
        if sent + failed > 0 {
            tracing::info!(sent, failed, "outbox delivered");
        }
        housekeeping::run_if_due(&state).await;
        subscriptions::run_if_due(&state).await;
        invoices::run_if_due(&state).await;
    }
}

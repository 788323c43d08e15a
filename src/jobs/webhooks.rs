//! Webhook deliveries: queued events are first made into messages
//! (`domain::webhook_outbox::expand`), then due messages are claimed with a lease
//! (`domain::webhook_deliveries::claim`), sent through the guarded client
//! (`webhook_client`) and settled by their owner.
//!
//! The runner ([`run`]) keeps up to [`CONCURRENCY`] attempts under way and
//! at most [`PER_ENDPOINT`] to one endpoint: a receiver that hangs for the
//! whole timeout holds only its own share, and the claim leaves its
//! messages alone while it is full, so other endpoints' messages go on.
//! It looks for due messages every [`POLL`], at once when an attempt ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::Data;
use tokio::sync::Notify;

use crate::AppState;
use crate::domain::webhook_deliveries::{self, Due, Outcome, Settled};
use crate::domain::webhook_outbox;
use crate::error::AppError;

/// Attempts under way at once, per instance.
pub const CONCURRENCY: usize = 256;
/// Attempts under way to one endpoint at once, per instance.
pub const PER_ENDPOINT: usize = 16;
/// Messages claimed at a time.
pub const BATCH: i64 = 100;
/// How often the runner looks when nothing wakes it.
pub const POLL: Duration = Duration::from_millis(200);
/// How long a claim holds: longer than an attempt can take (the client's
/// timeout is 15 s), so a live instance never loses its claim.
pub const LEASE_SECS: i64 = 60;

/// Make one attempt on a claimed message and settle it.
pub async fn attempt(state: &AppState, due: Due) -> Result<(Settled, Outcome), AppError> {
    let now = state.clock.now();
    let keys = due.endpoint.signing_keys(&state.data_key, now)?;
    let mut outcome = state
        .webhooks
        .send(
            &due.endpoint.url,
            &due.message.id,
            now.and_utc().timestamp(),
            &due.message.body,
            &keys,
        )
        .await;
    outcome.jitter = u32::from_le_bytes(crate::crypto::random_bytes::<4>());
    let (owner, settled_at) = (state.jobs.owner().to_string(), state.clock.now());
    let recorded = outcome.clone();
    let settled = state
        .db(move |conn| {
            Ok(webhook_deliveries::settle(
                conn, settled_at, &owner, &due, &recorded,
            )?)
        })
        .await?;
    Ok((settled, outcome))
}

/// Claim what is due now (up to [`BATCH`]) and deliver it all, waiting
/// for every attempt; returns how each was settled. The runner does not
/// wait like this ([`run`]); tests and the command line do.
pub async fn deliver_due(state: &AppState) -> Vec<Settled> {
    expand(state).await;
    let claimed = claim(state, BATCH, Vec::new()).await;
    let attempts = claimed.into_iter().map(|due| attempt(state, due));
    futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter_map(|r| match r {
            Ok((settled, _)) => Some(settled),
            Err(e) => {
                tracing::error!(error = %e, "could not record a webhook attempt");
                None
            }
        })
        .collect()
}

/// Make the queued events into messages (as many batches as are waiting).
pub async fn expand(state: &AppState) {
    loop {
        let taken = state
            .db(|conn| Ok(webhook_outbox::expand(conn, webhook_outbox::EXPAND_BATCH)?))
            .await;
        match taken {
            Ok(n) if usize::try_from(webhook_outbox::EXPAND_BATCH).is_ok_and(|b| n >= b) => {}
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not make webhook messages");
                return;
            }
        }
    }
}

async fn claim(state: &AppState, limit: i64, busy: Vec<String>) -> Vec<Due> {
    let owner = state.jobs.owner().to_string();
    let now = state.clock.now();
    let until = now + chrono::Duration::seconds(LEASE_SECS);
    let claimed = state
        .db(move |conn| {
            Ok(webhook_deliveries::claim(
                conn, now, &owner, until, limit, &busy,
            )?)
        })
        .await;
    claimed.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not claim webhook messages");
        Vec::new()
    })
}

/// How long a caller waits for [`deliver_now`]'s answer: the attempt may
/// take the client's whole timeout (15 s), longer than a person (or an
/// API client's HTTP timeout) should wait for a page.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(8);

/// What [`deliver_now`] could say within [`ANSWER_WITHIN`].
pub enum Answer {
    /// The attempt ended and was settled.
    Done(Settled, Outcome),
    /// The attempt goes on in the background and settles itself.
    StillRunning,
    /// Another attempt holds the message.
    Held,
}

/// Deliver message `id` now, whatever its schedule (the test button; a
/// resend that shows its answer), and wait at most [`ANSWER_WITHIN`] for
/// its answer. The attempt runs in its own task, so a caller that stops
/// waiting (or goes away) never leaves it half done.
pub async fn deliver_now(state: &Data<AppState>, id: &str) -> Result<Answer, AppError> {
    let (id, owner, now) = (
        id.to_string(),
        state.jobs.owner().to_string(),
        state.clock.now(),
    );
    let until = now + chrono::Duration::seconds(LEASE_SECS);
    let due = state
        .db(move |conn| {
            Ok(webhook_deliveries::claim_one(
                conn, &id, &owner, now, until,
            )?)
        })
        .await?;
    let Some(due) = due else {
        return Ok(Answer::Held);
    };
    let task_state = state.clone();
    let task = tokio::spawn(async move { attempt(&task_state, due).await });
    match tokio::time::timeout(ANSWER_WITHIN, task).await {
        Ok(Ok(done)) => {
            let (settled, outcome) = done?;
            Ok(Answer::Done(settled, outcome))
        }
        Ok(Err(e)) => Err(AppError::Internal(anyhow::anyhow!(
            "webhook attempt task: {e}"
        ))),
        Err(_) => Ok(Answer::StillRunning),
    }
}

/// What this instance has under way.
#[derive(Default)]
struct InFlight {
    total: usize,
    per_endpoint: HashMap<String, usize>,
}

/// Deliver webhook messages until the process ends.
pub async fn run(state: Data<AppState>) {
    let in_flight = Arc::new(Mutex::new(InFlight::default()));
    let ended = Arc::new(Notify::new());
    loop {
        let (free, busy) = {
            let f = in_flight.lock().unwrap_or_else(|p| p.into_inner());
            let busy: Vec<String> = f
                .per_endpoint
                .iter()
                .filter(|(_, n)| **n >= PER_ENDPOINT)
                .map(|(e, _)| e.clone())
                .collect();
            (CONCURRENCY.saturating_sub(f.total), busy)
        };
        if free == 0 {
            let _ = actix_web::rt::time::timeout(POLL, ended.notified()).await;
            continue;
        }
        expand(&state).await;
        let limit = i64::try_from(free).unwrap_or(BATCH).min(BATCH);
        let claimed = claim(&state, limit, busy).await;
        if claimed.is_empty() {
            let _ = actix_web::rt::time::timeout(POLL, ended.notified()).await;
            continue;
        }
        // A claim may hold more of one endpoint's messages than it may have
        // under way (it leaves out only the endpoints full before it): the
        // rest go back at once, for later or for another instance.
        let (mut taken, mut excess) = (Vec::new(), Vec::new());
        {
            let mut f = in_flight.lock().unwrap_or_else(|p| p.into_inner());
            for due in claimed {
                let n = f.per_endpoint.entry(due.endpoint.id.clone()).or_default();
                if *n >= PER_ENDPOINT {
                    excess.push(due.message.id);
                } else {
                    *n += 1;
                    f.total += 1;
                    taken.push(due);
                }
            }
        }
        if !excess.is_empty() {
            let owner = state.jobs.owner().to_string();
            if let Err(e) = state
                .db(move |conn| Ok(webhook_deliveries::release(conn, &owner, &excess)?))
                .await
            {
                tracing::warn!(error = %e, "could not release webhook messages");
            }
        }
        for due in taken {
            let endpoint = due.endpoint.id.clone();
            let (state, in_flight, ended) = (state.clone(), in_flight.clone(), ended.clone());
            actix_web::rt::spawn(async move {
                if let Err(e) = attempt(&state, due).await {
                    tracing::error!(error = %e, "could not record a webhook attempt");
                }
                {
                    let mut f = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                    f.total -= 1;
                    if let Some(n) = f.per_endpoint.get_mut(&endpoint) {
                        *n -= 1;
                        if *n == 0 {
                            f.per_endpoint.remove(&endpoint);
                        }
                    }
                }
                ended.notify_one();
            });
        }
    }
}

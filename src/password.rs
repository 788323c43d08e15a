//! Password hashing with argon2id, off the async workers and limited in
//! parallelism, so a storm of logins cannot starve the other requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Hash a password now, on this thread (CLI, demo data, tests).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Check a password against a stored hash, on this thread.
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Nice 10 for the calling thread (Linux: per thread), so the scheduler
/// prefers the request and database threads over argon2 when both want a
/// core. Best effort: elsewhere, or when refused, nothing changes.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take and return plain integers; they
    // touch no memory of ours.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// Whose computation it is: each has a share of the hasher of its own, so a
/// flood of API client authentications cannot make people wait to log in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// People: logins, password checks and new passwords.
    People,
    /// Machines: API client secrets at the OAuth endpoints.
    Machines,
}

/// How many computations may wait in one lane beyond those running; a
/// request that would wait longer is refused at once (503, `Retry-After`)
/// instead of making everyone behind it wait.
pub const QUEUE_LIMIT: usize = 16;

/// What a full queue tells the caller to wait, in seconds.
pub const BUSY_RETRY_AFTER_SECS: i64 = 1;

/// One lane: its running computations (bounded by the permits) and those
/// waiting for a permit (bounded by [`QUEUE_LIMIT`]).
struct Queue {
    permits: Semaphore,
    admitted: AtomicUsize,
    capacity: usize,
}

impl Queue {
    fn new(parallelism: usize) -> Arc<Self> {
        let parallelism = parallelism.max(1);
        Arc::new(Self {
            permits: Semaphore::new(parallelism),
            admitted: AtomicUsize::new(0),
            capacity: parallelism + QUEUE_LIMIT,
        })
    }

    /// A place in the queue, or `None` when it is full.
    fn admit(self: &Arc<Self>) -> Option<Admitted> {
        self.admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.capacity).then_some(n + 1)
            })
            .ok()
            .map(|_| Admitted(self.clone()))
    }
}

/// A place in a lane's queue, given back when dropped.
pub struct Admitted(Arc<Queue>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The password service: in each lane a bounded number of argon2
/// computations at a time, each on a thread of its own at a lower
/// scheduling priority, behind a bounded queue.
#[derive(Clone)]
pub struct Passwords {
    people: Arc<Queue>,
    machines: Arc<Queue>,
    /// A hash of nothing anyone knows, checked when the e-mail is unknown so
    /// both cases take the same time.
    dummy_hash: Arc<str>,
    /// Argon2 computations started so far (hashes and verifications).
    computed: Arc<AtomicU64>,
}

impl Passwords {
    /// People get `parallelism` computations at once, machines half as many
    /// (at least one each).
    pub fn new(parallelism: usize) -> anyhow::Result<Self> {
        Ok(Self {
            people: Queue::new(parallelism),
            machines: Queue::new(parallelism.div_ceil(2)),
            dummy_hash: hash_blocking(&crate::crypto::random_token())?.into(),
            computed: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Half the cores (at least one): the rest stay free for other requests.
    pub fn default_parallelism() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get().div_ceil(2))
            .unwrap_or(1)
    }

    /// A place in `lane`'s queue, taken before anything else is done for a
    /// check (its reservation, its queries): when the queue is full the
    /// request is refused at once and costs nothing more
    /// ([`AppError::Busy`], 503 with `Retry-After`).
    pub fn admit(&self, lane: Lane) -> Result<Admitted, AppError> {
        let queue = match lane {
            Lane::People => &self.people,
            Lane::Machines => &self.machines,
        };
        queue.admit().ok_or(AppError::Busy {
            retry_after_secs: BUSY_RETRY_AFTER_SECS,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        place: &Admitted,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = place
            .0
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        self.computed.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("portaal-argon2".into())
            .spawn(move || {
                lower_priority();
                let _ = tx.send(f());
            })
            .map_err(|e| AppError::Internal(e.into()))?;
        // A thread costs microseconds; an argon2 computation tens of ms.
        rx.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("argon2 thread failed")))
    }

    /// How many argon2 computations have started (what the throttles save
    /// is counted in the tests).
    pub fn computations(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// Hash a new password or secret (people's lane: a person sets it).
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let place = self.admit(Lane::People)?;
        self.run(&place, move || hash_blocking(&password))
            .await?
            .map_err(AppError::Internal)
    }

    /// Verify `password` against `hash` with a place taken by [`admit`]
    /// (several checks of one request share it); with no hash (unknown
    /// account) the dummy hash is checked instead and the answer is `false`.
    ///
    /// [`admit`]: Passwords::admit
    pub async fn verify(
        &self,
        place: &Admitted,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = self
            .run(place, move || verify_blocking(&password, &hash))
            .await?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_admits_its_permits_and_queue_then_refuses() {
        let q = Queue::new(2);
        let places: Vec<Admitted> = (0..2 + QUEUE_LIMIT).map(|_| q.admit().unwrap()).collect();
        assert!(q.admit().is_none(), "full");
        drop(places);
        assert!(q.admit().is_some(), "places are given back");
    }
}

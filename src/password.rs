//! Password hashing with argon2id, off the async workers and limited in
//! parallelism, so a storm of logins cannot starve the other requests.

use std::sync::Arc;

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

/// The password service: a bounded number of argon2 computations at a time,
/// each on a thread of its own at a lower scheduling priority, so that under
/// a storm of logins the requests around it keep their latency.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of nothing anyone knows, checked when the e-mail is unknown so
    /// both cases take the same time.
    dummy_hash: Arc<str>,
}

impl Passwords {
    /// Allow `parallelism` hashes at once (at least one).
    pub fn new(parallelism: usize) -> anyhow::Result<Self> {
        Ok(Self {
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            dummy_hash: hash_blocking(&crate::crypto::random_token())?.into(),
        })
    }

    /// Half the cores (at least one): the rest stay free for other requests.
    pub fn default_parallelism() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get().div_ceil(2))
            .unwrap_or(1)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
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

    /// Hash a new password.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(AppError::Internal)
    }

    /// Verify `password` against `hash`; with no hash (unknown account) the
    /// dummy hash is checked instead and the answer is `false`.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = self.run(move || verify_blocking(&password, &hash)).await?;
        Ok(ok && known)
    }
}

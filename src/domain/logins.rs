//! What an instance keeps of the checks every request makes — who a login
//! cookie's session is, what an API token may do — and of each
//! organisation's data version, so that on PostgreSQL a request whose page
//! is cached takes no database trip at all.
//!
//! Kept only while the instance hears the database's change notices
//! (`db::notices`): the triggers of migration `000026_login_notices` tell
//! every instance when a session ends, a user, membership, organisation,
//! subscription, token, API client or secret changes, and when a data
//! version rises. While the instance does not hear them (not connected yet,
//! connection lost, no answer to the last beats) nothing kept is used or
//! kept: every check asks the database, so a logout elsewhere takes effect
//! at once. Hearing again starts from nothing.
//!
//! A check read from the database is kept only when no notice came while it
//! was read (a change that committed meanwhile may not be in what was
//! read). SQLite has no notices: one file is served by one process, which
//! reads a login in-process in microseconds; nothing is kept there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::db::notices::Fence;

/// Trust what is kept only when the connection answered within this long.
pub const ANSWERED_WITHIN: Duration = Duration::from_secs(2);

/// At most this many logins and as many tokens are kept (the least
/// recently used go first); each also goes after an idle hour.
const MAX_KEPT: u64 = 50_000;

/// Organisations whose data version is remembered; past it the memory
/// starts over (and with it what is kept).
const MAX_VERSIONS: usize = 100_000;

/// A kept check: what it holds, until when it holds, and what it depends on.
pub trait Kept: Send + Sync + 'static {
    /// The moment it stops holding on its own (an expiry).
    fn valid_until(&self) -> NaiveDateTime;
    /// Does a notice about `key` (`u:…`, `o:…`, `c:…`) concern it?
    fn depends_on(&self, key: &Key<'_>) -> bool;
}

/// What a notice names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// A login (the session id: the token's hash).
    Session(&'a str),
    /// A user (or their memberships).
    User(&'a str),
    /// An organisation (or its subscription).
    Organization(&'a str),
    /// An access token (its hash).
    Token(&'a str),
    /// An API client (or its secrets).
    Client(&'a str),
}

type Store<T> = moka::sync::Cache<String, Arc<T>>;

fn store<T: Kept>() -> Store<T> {
    moka::sync::Cache::builder()
        .max_capacity(MAX_KEPT)
        .time_to_idle(Duration::from_secs(3600))
        .support_invalidation_closures()
        .build()
}

/// One instance's kept checks (held by the app state).
pub struct Logins<L: Kept, T: Kept> {
    /// Listening and answered lately.
    hearing: AtomicBool,
    /// When the connection last answered (milliseconds since `epoch`).
    answered_at: AtomicU64,
    epoch: Instant,
    /// The listening connection's server process (for tests that end it).
    pid: AtomicI32,
    /// How many checks were answered from what was kept.
    hits: AtomicU64,
    /// This instance's own writes, until the listener saw them pass.
    fence: Arc<Fence>,
    /// Held to keep a check or to take a notice in (one at a time), with
    /// the count of notices heard (a check read before a notice is not
    /// kept) and the data versions heard.
    heard: Mutex<Heard>,
    logins: Store<L>,
    tokens: Store<T>,
}

#[derive(Default)]
struct Heard {
    notices: u64,
    versions: HashMap<String, i64>,
}

/// Where a check is read: what [`Logins::check`] needs to keep it after.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    notices: Option<u64>,
}

impl<L: Kept, T: Kept> Default for Logins<L, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Kept, T: Kept> Logins<L, T> {
    /// Nothing kept, not hearing (until a listener says so).
    pub fn new() -> Self {
        Self {
            hearing: AtomicBool::new(false),
            answered_at: AtomicU64::new(0),
            epoch: Instant::now(),
            pid: AtomicI32::new(0),
            hits: AtomicU64::new(0),
            fence: Arc::new(Fence::new()),
            heard: Mutex::new(Heard::default()),
            logins: store(),
            tokens: store(),
        }
    }

    fn heard(&self) -> MutexGuard<'_, Heard> {
        self.heard.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The fence this instance's writes raise.
    pub fn fence(&self) -> Arc<Fence> {
        self.fence.clone()
    }

    /// Is what is kept to be trusted now? Only while hearing the notices,
    /// the connection answered lately, and every write of this instance's
    /// own has been heard of.
    pub fn trusted(&self) -> bool {
        self.fence.passed()
            && self.hearing.load(Ordering::Acquire)
            && self
                .millis()
                .saturating_sub(self.answered_at.load(Ordering::Acquire))
                <= u64::try_from(ANSWERED_WITHIN.as_millis()).unwrap_or(u64::MAX)
    }

    /// The listening connection's server process, while hearing.
    pub fn listener_pid(&self) -> Option<i32> {
        let pid = self.pid.load(Ordering::Acquire);
        (self.hearing.load(Ordering::Acquire) && pid != 0).then_some(pid)
    }

    /// The kept login under `id` that holds at `now`, if trusted.
    pub fn login(&self, id: &str, now: NaiveDateTime) -> Option<Arc<L>> {
        self.get(&self.logins, id, now)
    }

    /// The kept token under `id` that holds at `now`, if trusted.
    pub fn token(&self, id: &str, now: NaiveDateTime) -> Option<Arc<T>> {
        self.get(&self.tokens, id, now)
    }

    fn get<K: Kept>(&self, store: &Store<K>, id: &str, now: NaiveDateTime) -> Option<Arc<K>> {
        if !self.trusted() {
            return None;
        }
        let hit = store.get(id).filter(|k| now < k.valid_until())?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(hit)
    }

    /// How many checks were answered from what was kept (for tests and the
    /// benchmark).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Mark the start of a reading from the database.
    pub fn reading(&self) -> Reading {
        Reading {
            notices: self.trusted().then(|| self.heard().notices),
        }
    }

    /// Keep the login read as `reading` (with the data versions it read).
    pub fn keep_login(&self, reading: Reading, id: &str, login: L, versions: &[(&str, i64)]) {
        self.keep(&self.logins, reading, id, login, versions)
    }

    /// Keep the token read as `reading` (with the data version it read).
    pub fn keep_token(&self, reading: Reading, id: &str, token: T, versions: &[(&str, i64)]) {
        self.keep(&self.tokens, reading, id, token, versions)
    }

    fn keep<K: Kept>(
        &self,
        store: &Store<K>,
        reading: Reading,
        id: &str,
        value: K,
        versions: &[(&str, i64)],
    ) {
        let Some(seen) = reading.notices else { return };
        let mut heard = self.heard();
        if heard.notices != seen || !self.trusted() {
            return;
        }
        for &(org, version) in versions {
            raise(&mut heard.versions, org, version);
        }
        store.insert(id.to_string(), Arc::new(value));
    }

    /// The data version of `organization_id` as far as this instance knows
    /// (a committed one): at least `read`.
    pub fn version(&self, organization_id: &str, read: Option<i64>) -> Option<i64> {
        let known = self.heard().versions.get(organization_id).copied();
        match (known, read) {
            (Some(k), Some(r)) => Some(k.max(r)),
            (k, r) => k.or(r),
        }
    }

    fn forget_all(&self, heard: &mut Heard) {
        heard.notices += 1;
        heard.versions.clear();
        self.logins.invalidate_all();
        self.tokens.invalidate_all();
    }
}

fn raise(versions: &mut HashMap<String, i64>, org: &str, version: i64) {
    match versions.get_mut(org) {
        Some(v) => *v = (*v).max(version),
        None => {
            versions.insert(org.to_string(), version);
        }
    }
}

impl<L: Kept, T: Kept> crate::db::notices::Sink for Logins<L, T> {
    fn hearing(&self, pid: i32) {
        let mut heard = self.heard();
        self.forget_all(&mut heard);
        self.pid.store(pid, Ordering::Release);
        self.answered_at.store(self.millis(), Ordering::Release);
        self.hearing.store(true, Ordering::Release);
    }

    fn notice(&self, payload: &str) {
        let mut heard = self.heard();
        heard.notices += 1;
        let (kind, rest) = payload.split_once(':').unwrap_or(("", ""));
        let key = match kind {
            "s" => Key::Session(rest),
            "u" => Key::User(rest),
            "o" => Key::Organization(rest),
            "t" => Key::Token(rest),
            "c" => Key::Client(rest),
            "v" => {
                // The organisation's id holds no ':'; the version is last.
                if let Some((org, n)) = rest.rsplit_once(':')
                    && let Ok(n) = n.parse::<i64>()
                {
                    if heard.versions.len() >= MAX_VERSIONS && !heard.versions.contains_key(org) {
                        self.forget_all(&mut heard);
                    }
                    raise(&mut heard.versions, org, n);
                } else {
                    self.forget_all(&mut heard);
                }
                return;
            }
            _ => {
                tracing::warn!(
                    payload,
                    "an unknown change notice: everything kept is dropped"
                );
                self.forget_all(&mut heard);
                return;
            }
        };
        match key {
            Key::Session(id) => self.logins.invalidate(id),
            Key::Token(id) => self.tokens.invalidate(id),
            _ => {
                let owned = owned(key);
                let for_logins = owned.clone();
                // Only fails when closures are not supported (they are).
                let a = self
                    .logins
                    .invalidate_entries_if(move |_, l| l.depends_on(&for_logins.key()));
                let b = self
                    .tokens
                    .invalidate_entries_if(move |_, t| t.depends_on(&owned.key()));
                if a.is_err() || b.is_err() {
                    self.forget_all(&mut heard);
                }
            }
        }
    }

    fn alive(&self) {
        self.answered_at.store(self.millis(), Ordering::Release);
    }

    fn deaf(&self) {
        self.hearing.store(false, Ordering::Release);
        let mut heard = self.heard();
        self.forget_all(&mut heard);
    }
}

/// A [`Key`] that owns its id (for the invalidation closures).
#[derive(Clone)]
struct OwnedKey(u8, String);

fn owned(key: Key<'_>) -> OwnedKey {
    match key {
        Key::Session(s) => OwnedKey(b's', s.to_string()),
        Key::User(s) => OwnedKey(b'u', s.to_string()),
        Key::Organization(s) => OwnedKey(b'o', s.to_string()),
        Key::Token(s) => OwnedKey(b't', s.to_string()),
        Key::Client(s) => OwnedKey(b'c', s.to_string()),
    }
}

impl OwnedKey {
    fn key(&self) -> Key<'_> {
        match self.0 {
            b's' => Key::Session(&self.1),
            b'u' => Key::User(&self.1),
            b'o' => Key::Organization(&self.1),
            b't' => Key::Token(&self.1),
            _ => Key::Client(&self.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::notices::Sink;

    struct L(&'static str, &'static str);
    impl Kept for L {
        fn valid_until(&self) -> NaiveDateTime {
            at(12)
        }
        fn depends_on(&self, key: &Key<'_>) -> bool {
            matches!(key, Key::User(u) if *u == self.0)
                || matches!(key, Key::Organization(o) if *o == self.1)
        }
    }

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    type Both = Logins<L, L>;

    fn hearing() -> Both {
        let l = Both::new();
        l.hearing(7);
        l
    }

    #[test]
    fn nothing_is_kept_or_used_while_not_hearing() {
        let l = Both::new();
        let r = l.reading();
        l.keep_login(r, "s1", L("u1", "o1"), &[]);
        assert!(l.login("s1", at(9)).is_none());
        l.hearing(7);
        assert!(l.login("s1", at(9)).is_none(), "kept before hearing");
        let r = l.reading();
        l.keep_login(r, "s1", L("u1", "o1"), &[("o1", 4)]);
        assert!(l.login("s1", at(9)).is_some());
        assert!(l.login("s1", at(12)).is_none(), "expired");
        l.deaf();
        assert!(l.login("s1", at(9)).is_none(), "deaf");
        l.hearing(8);
        assert!(l.login("s1", at(9)).is_none(), "hearing again starts empty");
    }

    #[test]
    fn a_notice_during_a_reading_keeps_it_from_being_kept() {
        let l = hearing();
        let r = l.reading();
        l.notice("u:somebody-else");
        l.keep_login(r, "s1", L("u1", "o1"), &[]);
        assert!(l.login("s1", at(9)).is_none());
    }

    #[test]
    fn notices_drop_what_depends_on_them() {
        let l = hearing();
        for (id, u, o) in [("s1", "u1", "o1"), ("s2", "u2", "o1"), ("s3", "u3", "o2")] {
            let r = l.reading();
            l.keep_login(r, id, L(u, o), &[]);
        }
        l.notice("s:s1");
        assert!(l.login("s1", at(9)).is_none());
        assert!(l.login("s2", at(9)).is_some());
        l.notice("o:o1");
        assert!(l.login("s2", at(9)).is_none());
        assert!(l.login("s3", at(9)).is_some());
        l.notice("u:u3");
        assert!(l.login("s3", at(9)).is_none());
        let r = l.reading();
        l.keep_login(r, "s4", L("u4", "o4"), &[]);
        l.notice("what is this");
        assert!(
            l.login("s4", at(9)).is_none(),
            "an unknown notice drops all"
        );
    }

    #[test]
    fn versions_only_rise() {
        let l = hearing();
        let r = l.reading();
        l.keep_login(r, "s1", L("u1", "o1"), &[("o1", 4)]);
        assert_eq!(l.version("o1", Some(3)), Some(4));
        l.notice("v:o1:9");
        l.notice("v:o1:8");
        assert_eq!(l.version("o1", Some(4)), Some(9));
        assert_eq!(l.version("o1", Some(10)), Some(10));
        assert_eq!(l.version("o2", None), None);
        assert!(
            l.login("s1", at(9)).is_some(),
            "a new version keeps the login"
        );
    }

    #[test]
    fn an_old_answer_is_not_trusted() {
        let mut l = Both::new();
        l.epoch = Instant::now() - Duration::from_secs(10);
        l.hearing(7);
        assert!(l.trusted());
        let old = l.millis() - 3000;
        l.answered_at.store(old, Ordering::Release);
        assert!(!l.trusted());
        l.alive();
        assert!(l.trusted());
    }
}

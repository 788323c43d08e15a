//! Values computed from an organisation's data, kept in this process while
//! the organisation's data version is unchanged.
//!
//! Every audited write raises its organisation's data version in its own
//! transaction (`audit::record`), and every request reads the version with
//! its login (members) or its token (API clients). A value cached at the
//! version the request read is therefore exact, on every instance, without
//! any invalidation message between instances.
//!
//! A request that read a version older than the newest this process has
//! seen (a write committed while it ran) is served what is kept at the
//! newest instead, and keeps nothing: a value kept at version n was read
//! after n committed, so it is at least as new as what the request read,
//! and it holds every write this process made up to n (the request's own
//! write, too). Under a steady stream of writes most requests would
//! otherwise find nothing kept at their own version.
//!
//! Only values that depend on nothing but audited data may be cached here:
//! not "now", not bookkeeping such as `last_used_at`.
//!
//! The cache is bounded in bytes (`PORTAAL_CACHE_MB`, [`configure`]): a
//! [`moka`] cache weighs every value ([`Weigh`]: the bytes it holds, roughly)
//! and evicts the least recently used across organisations. Values of an
//! older version are never asked for again and age out first.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use moka::policy::EvictionPolicy;

use crate::domain::actor::Actor;

/// The bound when nothing is configured: 64 MiB.
pub const DEFAULT_BYTES: u64 = 64 * 1024 * 1024;
/// Most organisations whose newest version is remembered; past this the
/// memory starts over (values then wait for the next version they meet).
const MAX_ORGANIZATIONS: usize = 4096;

/// What a cached value holds in memory, roughly: its own size and the heap
/// bytes it owns. The cache's bound is the sum of these.
pub trait Weigh {
    /// Bytes held.
    fn weigh(&self) -> usize;
}

impl Weigh for String {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>() + self.capacity()
    }
}

impl Weigh for i64 {
    fn weigh(&self) -> usize {
        8
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.iter().map(Weigh::weigh).sum::<usize>()
            + (self.capacity() - self.len()) * std::mem::size_of::<T>()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn weigh(&self) -> usize {
        self.as_ref()
            .map_or(std::mem::size_of::<Self>(), Weigh::weigh)
    }
}

impl<A: Weigh, B: Weigh> Weigh for (A, B) {
    fn weigh(&self) -> usize {
        self.0.weigh() + self.1.weigh()
    }
}

impl Weigh for chrono::NaiveDateTime {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}

/// The weight of a record or a composite value, estimated: its size plus
/// the length of its `Debug` text (about the bytes its strings hold, a
/// little more for the field names: on the safe side of the bound).
pub fn by_debug<T: std::fmt::Debug>(value: &T) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::write(&mut count, format_args!("{value:?}"));
    std::mem::size_of::<T>() + count.0
}

/// [`Weigh`] by [`by_debug`] for each of the types named:
/// `cache::weigh_by_debug!(Location);`.
macro_rules! weigh_by_debug {
    ($($t:ty),+ $(,)?) => {
        $(impl $crate::domain::cache::Weigh for $t {
            fn weigh(&self) -> usize {
                $crate::domain::cache::by_debug(self)
            }
        })+
    };
}
pub(crate) use weigh_by_debug;

type Value = Arc<dyn Any + Send + Sync>;

/// A kept value and its weight.
#[derive(Clone)]
struct Kept {
    value: Value,
    weight: u32,
}

/// The values: keys are `organisation \x1f version \x1f key`.
/// Hashed by foldhash (seeded per process): SipHash over keys of a hundred
/// bytes showed in the profile of a page miss.
type Values = moka::sync::Cache<String, Kept, foldhash::quality::RandomState>;

static BYTES: OnceLock<u64> = OnceLock::new();

static VALUES: LazyLock<Values> = LazyLock::new(|| new_values(bytes()));

/// Each organisation's newest data version this process has seen: nothing
/// is kept at an older version, and a request that read one is served what
/// is kept at the newest.
static NEWEST: LazyLock<Mutex<Newest>> = LazyLock::new(Default::default);

type Newest = HashMap<String, i64, foldhash::quality::RandomState>;

/// Bound the cache to `bytes` (`PORTAAL_CACHE_MB`); the first call wins
/// (one cache per process), and without one the bound is [`DEFAULT_BYTES`].
pub fn configure(bytes: u64) {
    let _ = BYTES.set(bytes);
}

fn bytes() -> u64 {
    *BYTES.get_or_init(|| DEFAULT_BYTES)
}

fn new_values(bytes: u64) -> Values {
    moka::sync::Cache::builder()
        .max_capacity(bytes)
        .weigher(|key: &String, kept: &Kept| {
            u32::try_from(key.len())
                .unwrap_or(u32::MAX)
                .saturating_add(kept.weight)
        })
        .eviction_policy(EvictionPolicy::lru())
        .build_with_hasher(foldhash::quality::RandomState::default())
}

fn newest() -> std::sync::MutexGuard<'static, Newest> {
    NEWEST.lock().unwrap_or_else(|p| p.into_inner())
}

/// The newest version this process has seen (from a read or a write), when
/// it is newer than `version`. Remembers `version` when it is the newest.
fn newer(organization_id: &str, version: i64) -> Option<i64> {
    let mut newest = newest();
    match newest.get_mut(organization_id) {
        Some(v) if *v > version => Some(*v),
        Some(v) => {
            *v = version;
            None
        }
        None => {
            if newest.len() >= MAX_ORGANIZATIONS {
                newest.clear();
            }
            newest.insert(organization_id.to_string(), version);
            None
        }
    }
}

/// Is `version` older than the newest this process has seen?
fn outdated(organization_id: &str, version: i64) -> bool {
    newer(organization_id, version).is_some()
}

/// The value under `key` for `organization_id` at data `version`: cached, or
/// made by `load` (and kept). Without a known version this just loads.
/// Values are shared, not copied: a hit costs a reference count.
///
/// `key` must name everything the value depends on (the list, its filters,
/// its page and sort).
pub fn versioned<T, E>(
    organization_id: &str,
    version: Option<i64>,
    key: String,
    load: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E>
where
    T: Weigh + Send + Sync + 'static,
{
    let Some(version) = version else {
        return load().map(Arc::new);
    };
    // Outdated: what is kept at the newest version, or a fresh load (not
    // kept: it may predate the newest version's commit).
    let at = newer(organization_id, version).unwrap_or(version);
    let full = full_key(organization_id, at, &key);
    if let Some(hit) = VALUES.get(&full)
        && let Ok(hit) = hit.value.downcast::<T>()
    {
        return Ok(hit);
    }
    if at != version {
        return load().map(Arc::new);
    }
    // Loaded after the version was read: never older than that version.
    let value = Arc::new(load()?);
    // A write in this process since then: not kept.
    if !outdated(organization_id, version) {
        let weight = u32::try_from(value.weigh()).unwrap_or(u32::MAX);
        VALUES.insert(
            full,
            Kept {
                value: value.clone(),
                weight,
            },
        );
    }
    Ok(value)
}

/// Where a value is kept: `organisation \x1f version \x1f key`.
fn full_key(organization_id: &str, version: i64, key: &str) -> String {
    format!("{organization_id}\u{1f}{version}\u{1f}{key}")
}

/// The value under `key` at the actor's version (or the newest, when that
/// is newer: see the module's comment), if one is kept (nothing is loaded).
pub fn kept<T: Send + Sync + 'static>(actor: &Actor, key: &str) -> Option<Arc<T>> {
    let version = actor.data_version?;
    let org = actor.organization_id.as_str();
    let at = newer(org, version).unwrap_or(version);
    let hit = VALUES.get(&full_key(org, at, key))?;
    hit.value.downcast::<T>().ok()
}

/// The value kept under `key` for `organization_id` at `version`, if any,
/// however old the version (for carrying it to the next: see
/// `paging::carry_added`).
pub fn at<T: Send + Sync + 'static>(
    organization_id: &str,
    version: i64,
    key: &str,
) -> Option<Arc<T>> {
    let hit = VALUES.get(&full_key(organization_id, version, key))?;
    hit.value.downcast::<T>().ok()
}

/// Keep `value` under `key` for `organization_id` at `version` (made by
/// whoever knows it is exact at that version), unless a newer version was
/// seen.
pub fn keep<T>(organization_id: &str, version: i64, key: String, value: Arc<T>)
where
    T: Weigh + Send + Sync + 'static,
{
    if outdated(organization_id, version) {
        return;
    }
    let weight = u32::try_from(value.weigh()).unwrap_or(u32::MAX);
    VALUES.insert(
        full_key(organization_id, version, &key),
        Kept { value, weight },
    );
}

/// A write in this process raised `organization_id`'s data version to
/// `version`: values of older versions are never served or kept again,
/// even for requests that read the old version before the write (they are
/// served what is kept at `version` once it committed). Should the write
/// roll back, nothing is kept at `version` until a write commits it.
pub fn saw_version(organization_id: &str, version: i64) {
    outdated(organization_id, version);
}

/// [`versioned`] in the actor's organisation at the version it read.
pub fn for_actor<T, E>(
    actor: &Actor,
    key: String,
    load: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E>
where
    T: Weigh + Send + Sync + 'static,
{
    versioned(&actor.organization_id, actor.data_version, key, load)
}

/// The cache's weight now, in bytes, and its bound (after pending
/// evictions ran).
pub fn weight() -> (u64, u64) {
    VALUES.run_pending_tasks();
    (VALUES.weighted_size(), bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(org: &str, version: i64, key: &str, value: i64) -> i64 {
        *versioned::<_, ()>(org, Some(version), key.into(), || Ok(value)).unwrap()
    }

    #[test]
    fn values_live_as_long_as_their_version() {
        let org = crate::db::new_id();
        assert_eq!(get(&org, 1, "a", 10), 10);
        assert_eq!(get(&org, 1, "a", 11), 10, "cached at version 1");
        assert_eq!(get(&org, 1, "b", 20), 20, "another key");
        assert_eq!(get(&org, 2, "a", 12), 12, "a new version loads again");
        assert_eq!(get(&org, 2, "a", 13), 12);
        assert_eq!(
            get(&org, 1, "a", 14),
            12,
            "a request that read an older version is served the newest"
        );
        assert_eq!(get(&org, 1, "c", 40), 40, "or loads, when none is kept");
        assert_eq!(get(&org, 2, "c", 41), 41, "and keeps nothing");
        saw_version(&org, 5);
        assert_eq!(
            get(&org, 2, "a", 16),
            16,
            "a write here outdates version 2 at once (none kept at 5)"
        );
        assert_eq!(get(&org, 2, "a", 17), 17, "and it is not stored again");
        assert_eq!(get(&org, 5, "a", 18), 18);
        assert_eq!(get(&org, 5, "a", 19), 18);
        assert_eq!(get(&org, 2, "a", 20), 18, "version 5's, once kept");
        let other = crate::db::new_id();
        assert_eq!(get(&other, 2, "a", 30), 30, "organisations are apart");
        assert_eq!(
            *versioned::<_, ()>(&org, None, "a".into(), || Ok(99)).unwrap(),
            99,
            "no version: no cache"
        );
    }

    /// 20,000 distinct pages of about 6 KB (120 MB in all) in a cache of
    /// 4 MiB: it stays under its bound, keeps the most recent pages and
    /// drops the least recently used, across organisations.
    #[test]
    fn twenty_thousand_pages_stay_under_the_bound() {
        let bound = 4 * 1024 * 1024;
        let values = new_values(bound);
        let page = |n: usize| format!("<tr><td>{n}</td></tr>").repeat(300);
        let kept = |s: String| Kept {
            weight: u32::try_from(s.weigh()).unwrap(),
            value: Arc::new(s),
        };
        for n in 0..20_000 {
            let org = n % 7;
            values.insert(format!("org-{org}\u{1f}1\u{1f}page-{n}"), kept(page(n)));
            // Page 0 is asked for often: recently used, it stays.
            if n % 100 == 0 {
                let _ = values.get("org-0\u{1f}1\u{1f}page-0");
            }
            if n % 1000 == 0 {
                values.run_pending_tasks();
                assert!(
                    values.weighted_size() <= bound,
                    "{}",
                    values.weighted_size()
                );
            }
        }
        values.run_pending_tasks();
        let (weight, count) = (values.weighted_size(), values.entry_count());
        assert!(weight <= bound, "{weight} > {bound}");
        assert!(weight > bound / 2, "the cache is used: {weight}");
        assert!(count > 100 && count < 2_000, "{count} pages kept");
        assert!(
            values.contains_key("org-6\u{1f}1\u{1f}page-19998"),
            "the newest is kept"
        );
        assert!(
            !values.contains_key("org-1\u{1f}1\u{1f}page-1"),
            "the oldest is gone"
        );
        assert!(
            values.contains_key("org-0\u{1f}1\u{1f}page-0"),
            "a page in use stays"
        );
    }
}

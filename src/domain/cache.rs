//! Values computed from an organisation's data, kept in this process while
//! the organisation's data version is unchanged.
//!
//! Every audited write raises its organisation's data version in its own
//! transaction (`audit::record`), and every request reads the version with
//! its login (members) or its token (API clients). A value cached at the
//! version the request read is therefore exact, on every instance, without
//! any invalidation message between instances.
//!
//! Only values that depend on nothing but audited data may be cached here:
//! not "now", not bookkeeping such as `last_used_at`.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use crate::domain::actor::Actor;

/// Most values kept per organisation; past this its values start over.
const MAX_PER_ORGANIZATION: usize = 512;
/// Most organisations kept; past this the whole cache starts over.
const MAX_ORGANIZATIONS: usize = 4096;

type Value = Arc<dyn Any + Send + Sync>;

struct Entry {
    version: i64,
    values: HashMap<String, Value>,
}

static CACHE: LazyLock<Mutex<HashMap<String, Entry>>> = LazyLock::new(Default::default);

fn lock() -> std::sync::MutexGuard<'static, HashMap<String, Entry>> {
    CACHE.lock().unwrap_or_else(|p| p.into_inner())
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
    T: Send + Sync + 'static,
{
    let Some(version) = version else {
        return load().map(Arc::new);
    };
    if let Some(entry) = lock().get(organization_id)
        && entry.version == version
        && let Some(hit) = entry.values.get(&key)
        && let Ok(hit) = hit.clone().downcast::<T>()
    {
        return Ok(hit);
    }
    // Loaded after the version was read: never older than that version.
    let value = Arc::new(load()?);
    let mut cache = lock();
    let entry = at_least(&mut cache, organization_id, version);
    if entry.values.len() >= MAX_PER_ORGANIZATION {
        entry.values.clear();
    }
    // A request that read an older version does not store its value.
    if entry.version == version {
        entry.values.insert(key, value.clone());
    }
    Ok(value)
}

/// The organisation's entry, raised to `version` (its values dropped) when
/// it was older.
fn at_least<'a>(
    cache: &'a mut HashMap<String, Entry>,
    organization_id: &str,
    version: i64,
) -> &'a mut Entry {
    if cache.len() >= MAX_ORGANIZATIONS && !cache.contains_key(organization_id) {
        cache.clear();
    }
    let entry = cache
        .entry(organization_id.to_string())
        .or_insert_with(|| Entry {
            version,
            values: HashMap::new(),
        });
    if entry.version < version {
        entry.version = version;
        entry.values.clear();
    }
    entry
}

/// A write in this process raised `organization_id`'s data version to
/// `version`: values of older versions are dropped and never stored again,
/// even by requests that read the old version before the write. (Should the
/// write roll back, the cache only stays empty until a newer version is
/// read.)
pub fn saw_version(organization_id: &str, version: i64) {
    at_least(&mut lock(), organization_id, version);
}

/// [`versioned`] in the actor's organisation at the version it read.
pub fn for_actor<T, E>(
    actor: &Actor,
    key: String,
    load: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E>
where
    T: Send + Sync + 'static,
{
    versioned(&actor.organization_id, actor.data_version, key, load)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(org: &str, version: i64, key: &str, value: i32) -> i32 {
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
        assert_eq!(get(&org, 1, "a", 14), 14, "an older version is not served");
        assert_eq!(
            get(&org, 2, "a", 15),
            12,
            "nor does it replace the newer value"
        );
        saw_version(&org, 5);
        assert_eq!(
            get(&org, 2, "a", 16),
            16,
            "a write here outdates version 2 at once"
        );
        assert_eq!(get(&org, 2, "a", 17), 17, "and it is not stored again");
        assert_eq!(get(&org, 5, "a", 18), 18);
        assert_eq!(get(&org, 5, "a", 19), 18);
        let other = crate::db::new_id();
        assert_eq!(get(&other, 2, "a", 30), 30, "organisations are apart");
        assert_eq!(
            *versioned::<_, ()>(&org, None, "a".into(), || Ok(99)).unwrap(),
            99,
            "no version: no cache"
        );
    }
}

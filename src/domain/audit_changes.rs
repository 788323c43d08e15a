//! What an audited change changed: the fields whose value differs between
//! the values before and after, nested objects flattened to dotted paths
//! and every value made short, readable text. A pure function, so the audit
//! log's "show changes" is tested without a database.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde_json::Value;

/// A value as the audit log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Empty: `null`, `""`, `[]` or `{}`.
    Empty,
    /// `true`.
    Yes,
    /// `false`.
    No,
    /// A moment (UTC), to be written out in the reader's language and zone.
    Moment(NaiveDateTime),
    /// Anything else, as text (at most [`LONGEST`] characters).
    Text(String),
}

/// One changed field: its path (`name`, `address.city`) and its value
/// before and after; `None` where the field was not there (a creation has
/// no before, a deletion no after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: Option<Shown>,
    pub after: Option<Shown>,
}

/// The longest text shown of one value; longer ones end in "…".
pub const LONGEST: usize = 160;

/// Bookkeeping every record carries; it changes with every change and says
/// nothing to a reader.
const BOOKKEEPING: &[&str] = &["id", "version", "createdAt", "updatedAt", "organizationId"];

/// The fields that differ between `before` and `after`, in the order of
/// their paths; unchanged fields are left out. With only `after` (a
/// creation) every field set, with only `before` (a deletion) every field
/// it had.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let (before, after) = (flatten(before), flatten(after));
    let fields: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    fields
        .into_iter()
        .filter_map(|field| {
            let (b, a) = (before.get(field), after.get(field));
            // A field that was and stays empty is no change, nor is an
            // empty field appearing (an optional value left out).
            let empty = |v: Option<&Shown>| v.is_none_or(|v| *v == Shown::Empty);
            if b == a || (empty(b) && empty(a)) {
                return None;
            }
            Some(Change {
                field: field.clone(),
                before: b.cloned(),
                after: a.cloned(),
            })
        })
        .collect()
}

/// The leaves of `values` by path (never bookkeeping or anything that
/// looks like a secret).
fn flatten(values: Option<&Value>) -> BTreeMap<String, Shown> {
    let mut out = BTreeMap::new();
    match values {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => leaves(map, "", &mut out),
        Some(other) => {
            out.insert("value".to_string(), shown(other));
        }
    }
    out
}

fn leaves(map: &serde_json::Map<String, Value>, prefix: &str, out: &mut BTreeMap<String, Shown>) {
    for (key, value) in map {
        if (prefix.is_empty() && BOOKKEEPING.contains(&key.as_str())) || secret(key) {
            continue;
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => leaves(inner, &path, out),
            other => {
                out.insert(path, shown(other));
            }
        }
    }
}

/// A key whose value must never be shown. The audited values leave
/// secrets out already (each resource's audit view); this is the second
/// lock.
fn secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "hash", "token", "secret"]
        .iter()
        .any(|word| key.ends_with(word))
}

fn shown(value: &Value) -> Shown {
    match value {
        Value::Null => Shown::Empty,
        Value::Bool(true) => Shown::Yes,
        Value::Bool(false) => Shown::No,
        Value::String(s) if s.trim().is_empty() => Shown::Empty,
        Value::String(s) => moment(s).map_or_else(|| Shown::Text(short(s)), Shown::Moment),
        Value::Array(items) if items.is_empty() => Shown::Empty,
        Value::Object(map) if map.is_empty() => Shown::Empty,
        other => Shown::Text(short(&inline(other))),
    }
}

/// A nested value on one line: arrays as `a, b`, objects as `key: value`.
fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", inline(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// A timestamp as the audit values hold it (RFC 3339, or without zone: UTC).
fn moment(s: &str) -> Option<NaiveDateTime> {
    if s.len() < 16 || s.as_bytes().get(10).is_none_or(|c| *c != b'T') {
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok())
}

/// `s`, cut to [`LONGEST`] characters.
fn short(s: &str) -> String {
    match s.char_indices().nth(LONGEST) {
        Some((end, _)) => format!("{}…", s[..end].trim_end()),
        None => s.to_string(),
    }
}

/// A JSON path made readable: `addressLine1` → "Address line 1",
/// `billing.postal_code` → "Billing › postal code".
pub fn readable(path: &str) -> String {
    let words = path
        .split('.')
        .map(|part| {
            let mut out = String::new();
            let mut prev: Option<char> = None;
            for c in part.chars() {
                let boundary = match prev {
                    Some(p) => {
                        (c.is_uppercase() && !p.is_uppercase())
                            || (c.is_ascii_digit() && !p.is_ascii_digit())
                    }
                    None => false,
                };
                if c == '_' || c == '-' {
                    out.push(' ');
                } else {
                    if boundary && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.extend(c.to_lowercase());
                }
                prev = Some(c);
            }
            out.trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(" › ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(s: &str) -> Option<Shown> {
        Some(Shown::Text(s.to_string()))
    }

    #[test]
    fn a_changed_scalar_and_nothing_else() {
        let before = json!({"name": "Oud", "city": "Utrecht", "version": 1, "updatedAt": "2026-01-01T10:00:00"});
        let after = json!({"name": "Nieuw", "city": "Utrecht", "version": 2, "updatedAt": "2026-01-02T10:00:00"});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![Change {
                field: "name".into(),
                before: text("Oud"),
                after: text("Nieuw"),
            }]
        );
    }

    #[test]
    fn added_and_removed_keys() {
        let before = json!({"a": 1, "gone": "weg"});
        let after = json!({"a": 1, "new": true});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![
                Change {
                    field: "gone".into(),
                    before: text("weg"),
                    after: None,
                },
                Change {
                    field: "new".into(),
                    before: None,
                    after: Some(Shown::Yes),
                },
            ]
        );
    }

    #[test]
    fn creation_and_deletion_show_one_side() {
        let values = json!({"id": "x1", "name": "Anna", "notes": "", "disabled": false});
        let created = changes(None, Some(&values));
        assert_eq!(
            created,
            vec![
                Change {
                    field: "disabled".into(),
                    before: None,
                    after: Some(Shown::No),
                },
                Change {
                    field: "name".into(),
                    before: None,
                    after: text("Anna"),
                },
            ],
            "the id and empty fields are left out"
        );
        let deleted = changes(Some(&values), None);
        assert_eq!(deleted.len(), 2);
        assert!(
            deleted
                .iter()
                .all(|c| c.after.is_none() && c.before.is_some())
        );
    }

    #[test]
    fn nested_objects_become_paths() {
        let before = json!({"address": {"city": "Utrecht", "street": "Plein 1"}});
        let after = json!({"address": {"city": "Gouda", "street": "Plein 1"}});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![Change {
                field: "address.city".into(),
                before: text("Utrecht"),
                after: text("Gouda"),
            }]
        );
        assert_eq!(readable("address.city"), "Address › city");
        assert_eq!(readable("addressLine1"), "Address line 1");
        assert_eq!(readable("mail_footer"), "Mail footer");
    }

    #[test]
    fn arrays_read_as_lists() {
        let before = json!({"extensions": [], "tags": ["a", "b"], "items": [{"n": 1}]});
        let after = json!({"extensions": ["TWO_INVOICE"], "tags": ["a", "b"], "items": [{"n": 2}]});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![
                Change {
                    field: "extensions".into(),
                    before: Some(Shown::Empty),
                    after: text("TWO_INVOICE"),
                },
                Change {
                    field: "items".into(),
                    before: text("n: 1"),
                    after: text("n: 2"),
                },
            ]
        );
    }

    #[test]
    fn long_values_are_cut_moments_parsed_and_secrets_left_out() {
        let long = "x".repeat(500);
        let after = json!({
            "notes": long,
            "dateFrom": "2026-11-30T08:00:00Z",
            "expiresAt": "2026-12-01T10:30:00.5",
            "passwordHash": "$argon2id$…",
            "token": "abc",
            "clientSecret": "s3cr3t",
        });
        let c = changes(None, Some(&after));
        let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["dateFrom", "expiresAt", "notes"]);
        let at = |s| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(c[0].after, Some(Shown::Moment(at("2026-11-30 08:00:00"))));
        assert_eq!(c[1].after, Some(Shown::Moment(at("2026-12-01 10:30:00.5"))));
        let Some(Shown::Text(notes)) = &c[2].after else {
            panic!("notes as text");
        };
        assert_eq!(notes.chars().count(), LONGEST + 1);
        assert!(notes.ends_with('…'));
    }
}

//! What a webhook tells: the event types, which audited change becomes
//! which event, and the body of a message.
//!
//! Every audited change is a candidate ([`crate::domain::audit::record`]
//! hands it to [`crate::domain::webhook_outbox`]); [`AUDIT_KINDS`] is the
//! catalogue of every audit action, each with the event type it becomes or
//! the reason it is not sent. `audit::record` refuses (in debug builds, so
//! in every test) an action missing from the catalogue: a new kind of change
//! cannot forget its event.

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::domain::local_time::iso_utc;

/// The type of the message the test button sends.
pub const TEST: &str = "webhook.test";

/// Largest body: larger records are sent with their id and the names of
/// their fields only (`"truncated": true`).
pub const MAX_BODY_BYTES: usize = 20 * 1024;

/// Every audit action, and the event type it is sent as (`None`: not sent,
/// for the reason in the comment beside it).
pub const AUDIT_KINDS: &[(&str, Option<&str>)] = &[
    // Signing in and out, and a person's own account, are not changes to an
    // organisation's data.
    ("setup.completed", None),
    ("auth.login", None),
    ("auth.login_failed", None),
    ("auth.logout", None),
    ("user.created", None),
    ("user.profile_updated", None),
    ("user.password_changed", None),
    ("user.password_reset_requested", None),
    ("user.password_reset", None),
    ("user.disabled", None),
    ("user.enabled", None),
    // The platform's own records (operators, plans, coupons, the seller, bank
    // statements) belong to no organisation.
    ("user.operator_granted", None),
    ("user.operator_revoked", None),
    ("plan.created", None),
    ("plan.updated", None),
    ("plan.archived", None),
    ("plan.unarchived", None),
    ("plan.made_default", None),
    ("coupon.created", None),
    ("coupon.archived", None),
    ("seller.updated", None),
    ("seller.logo_updated", None),
    ("seller.logo_removed", None),
    ("bank_statement.imported", None),
    // Reading data out (exports) changes nothing.
    ("location.exported", None),
    ("meeting.exported", None),
    ("customer.exported", None),
    ("audit.exported", None),
    ("invoice.exported", None),
    // A draft is the operator's until it is finalized: the organisation
    // hears of the invoice when it is issued.
    ("invoice.drafted", None),
    ("invoice.draft_deleted", None),
    // The endpoints' own settings are not sent to the endpoints.
    ("webhook.created", None),
    ("webhook.updated", None),
    ("webhook.enabled", None),
    ("webhook.disabled", None),
    ("webhook.deleted", None),
    ("webhook.secret_rotated", None),
    ("webhook.secret_revealed", None),
    ("webhook.tested", None),
    ("webhook.resent", None),
    ("webhook.replayed", None),
    // The organisation.
    ("organization.created", Some("organization.created")),
    ("organization.started", Some("organization.created")),
    ("organization.updated", Some("organization.updated")),
    ("organization.billing_updated", Some("organization.updated")),
    (
        "organization.mail_footer_updated",
        Some("organization.updated"),
    ),
    ("organization.logo_updated", Some("organization.updated")),
    ("organization.logo_removed", Some("organization.updated")),
    ("organization.icon_updated", Some("organization.updated")),
    ("organization.icon_removed", Some("organization.updated")),
    ("organization.cleared", Some("organization.updated")),
    ("language.enabled", Some("organization.updated")),
    ("language.disabled", Some("organization.updated")),
    // Locations, meetings, customers, contacts.
    ("location.created", Some("location.created")),
    ("location.updated", Some("location.updated")),
    ("location.deleted", Some("location.deleted")),
    ("meeting.created", Some("meeting.created")),
    ("meeting.restored", Some("meeting.created")),
    ("meeting.updated", Some("meeting.updated")),
    ("meeting.deleted", Some("meeting.deleted")),
    ("customer.created", Some("customer.created")),
    ("customer.updated", Some("customer.updated")),
    ("customer.deleted", Some("customer.deleted")),
    ("contact.created", Some("contact.created")),
    ("contact.restored", Some("contact.created")),
    ("contact.updated", Some("contact.updated")),
    ("contact.extension_added", Some("contact.updated")),
    ("contact.extension_removed", Some("contact.updated")),
    ("contact.deleted", Some("contact.deleted")),
    // Members and invitations.
    ("membership.created", Some("member.created")),
    ("invitation.accepted", Some("member.created")),
    ("membership.role_changed", Some("member.updated")),
    ("membership.enabled", Some("member.updated")),
    ("membership.disabled", Some("member.updated")),
    ("membership.removed", Some("member.deleted")),
    ("invitation.created", Some("member.invited")),
    ("invitation.resent", Some("member.invited")),
    ("invitation.revoked", Some("member.invitation_revoked")),
    // API clients.
    ("api_client.created", Some("api_client.created")),
    ("api_client.updated", Some("api_client.updated")),
    ("api_client.secret_rotated", Some("api_client.updated")),
    ("api_client.enabled", Some("api_client.updated")),
    ("api_client.disabled", Some("api_client.updated")),
    ("api_client.deleted", Some("api_client.deleted")),
    // The subscription.
    ("subscription.created", Some("subscription.created")),
    ("subscription.started", Some("subscription.started")),
    ("subscription.updated", Some("subscription.updated")),
    ("subscription.plan_changed", Some("subscription.updated")),
    (
        "subscription.change_withdrawn",
        Some("subscription.updated"),
    ),
    ("subscription.coupon_applied", Some("subscription.updated")),
    ("subscription.coupon_cleared", Some("subscription.updated")),
    ("subscription.trial_extended", Some("subscription.updated")),
    ("subscription.renewed", Some("subscription.renewed")),
    ("subscription.trial_ended", Some("subscription.trial_ended")),
    (
        "subscription.cancel_scheduled",
        Some("subscription.cancel_scheduled"),
    ),
    (
        "subscription.cancel_undone",
        Some("subscription.cancel_undone"),
    ),
    ("subscription.canceled", Some("subscription.canceled")),
    ("subscription.ended", Some("subscription.canceled")),
    ("subscription.past_due", Some("subscription.past_due")),
    ("subscription.payment_settled", Some("subscription.updated")),
    // Invoices.
    ("invoice.finalized", Some("invoice.issued")),
    ("invoice.credit_note_issued", Some("invoice.issued")),
    ("invoice.voided", Some("invoice.voided")),
    ("invoice.paid", Some("invoice.paid")),
    ("invoice.reminded", Some("invoice.reminded")),
    ("invoice.resent", Some("invoice.reminded")),
];

/// Every event type an endpoint may ask for, in the order the form shows
/// them (grouped by the part before the dot).
pub const TYPES: &[&str] = &[
    "organization.created",
    "organization.updated",
    "location.created",
    "location.updated",
    "location.deleted",
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "member.created",
    "member.updated",
    "member.deleted",
    "member.invited",
    "member.invitation_revoked",
    "api_client.created",
    "api_client.updated",
    "api_client.deleted",
    "subscription.created",
    "subscription.started",
    "subscription.updated",
    "subscription.renewed",
    "subscription.trial_ended",
    "subscription.cancel_scheduled",
    "subscription.cancel_undone",
    "subscription.canceled",
    "subscription.past_due",
    "invoice.issued",
    "invoice.voided",
    "invoice.paid",
    "invoice.reminded",
    TEST,
];

/// Is `action` in the catalogue?
pub fn is_catalogued(action: &str) -> bool {
    AUDIT_KINDS.iter().any(|(a, _)| *a == action)
}

/// The event type an audited action is sent as, if any.
pub fn type_of(action: &str) -> Option<&'static str> {
    AUDIT_KINDS
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, t)| *t)
}

/// Is `t` a known event type?
pub fn is_type(t: &str) -> bool {
    TYPES.contains(&t)
}

/// The groups of [`TYPES`] (the part before the dot), in order, each with
/// its types.
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for t in TYPES {
        let group = t.split('.').next().unwrap_or(t);
        match out.last_mut() {
            Some((g, types)) if *g == group => types.push(t),
            _ => out.push((group, vec![t])),
        }
    }
    out
}

/// The body of a message: `{"type", "timestamp", "data"}`, the data being
/// the record as the API shows it (camelCase names, other records as IRIs,
/// times in UTC with `Z`) and, for an update, `changedFields`.
pub fn body(
    event_type: &str,
    at: NaiveDateTime,
    resource_type: &str,
    resource_id: Option<&str>,
    before: Option<&Value>,
    after: Option<&Value>,
) -> String {
    let record = after.or(before);
    let mut data = match record.map(public) {
        Some(Value::Object(m)) => m,
        Some(other) => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
        None => Map::new(),
    };
    if let Some(id) = resource_id {
        data.entry("id")
            .or_insert_with(|| Value::String(id.to_string()));
    }
    data.insert("object".into(), Value::String(camel(resource_type)));
    if let (Some(b), Some(a)) = (before, after) {
        let changed = changed_fields(&public(b), &public(a));
        if !changed.is_empty() {
            data.insert(
                "changedFields".into(),
                Value::Array(changed.into_iter().map(Value::String).collect()),
            );
        }
    }
    let whole = json!({
        "type": event_type,
        "timestamp": iso_utc(at),
        "data": Value::Object(data.clone()),
    })
    .to_string();
    if whole.len() <= MAX_BODY_BYTES {
        return whole;
    }
    // Too large to send whole: the id, the object and the names of fields.
    let mut small = Map::new();
    for key in ["id", "object", "changedFields"] {
        if let Some(v) = data.get(key) {
            small.insert(key.into(), v.clone());
        }
    }
    small.insert("truncated".into(), Value::Bool(true));
    json!({
        "type": event_type,
        "timestamp": iso_utc(at),
        "data": Value::Object(small),
    })
    .to_string()
}

/// The body of a test message.
pub fn test_body(at: NaiveDateTime, endpoint_id: &str) -> String {
    json!({
        "type": TEST,
        "timestamp": iso_utc(at),
        "data": { "object": "webhook", "id": endpoint_id },
    })
    .to_string()
}

/// The names (camelCase) of the fields whose values differ.
fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        return Vec::new();
    };
    let mut names: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
        .filter(|k| !matches!(k.as_str(), "version" | "updatedAt"))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Collections of the records other records point at, by the name of the
/// pointing field (`customer_id` → `customers`).
const LINKS: &[(&str, &str)] = &[
    ("customer", "customers"),
    ("location", "locations"),
    ("employee", "users"),
    ("user", "users"),
    ("subscription", "subscriptions"),
    ("invoice", "invoices"),
    ("credits_invoice", "invoices"),
];

/// An audited value as the API shows records: camelCase names, the
/// tenant left out (the endpoint belongs to it), other records as IRIs,
/// times as UTC with `Z`, nothing that looks like a secret.
pub fn public(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let customer = m.get("customer_id").and_then(Value::as_str);
            let mut out = Map::new();
            for (k, v) in m {
                let key = k.as_str();
                if key == "organization_id"
                    || key == "organizationId"
                    || key.contains("secret")
                    || key.contains("password")
                    || key.contains("token")
                    || key.ends_with("_hash")
                {
                    continue;
                }
                // The API calls a customer's kind `type`.
                if key == "customer_type" {
                    out.insert("type".into(), public(v));
                    continue;
                }
                if matches!(key, "country_code" | "countryCode") {
                    out.insert("country".into(), iri_or_null("countries", v));
                    continue;
                }
                if matches!(key, "contact_id" | "contactId")
                    && let (Some(c), Some(k)) = (customer, v.as_str())
                {
                    out.insert(
                        "contact".into(),
                        Value::String(format!("/api/v1/customers/{c}/contacts/{k}")),
                    );
                    continue;
                }
                if let Some(stem) = key.strip_suffix("_id")
                    && let Some((_, collection)) = LINKS.iter().find(|(s, _)| *s == stem)
                {
                    out.insert(camel(stem), iri_or_null(collection, v));
                    continue;
                }
                out.insert(camel(key), public(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(public).collect()),
        Value::String(s) => Value::String(utc_or_same(s)),
        other => other.clone(),
    }
}

fn iri_or_null(collection: &str, v: &Value) -> Value {
    match v.as_str() {
        Some(id) => Value::String(format!("/api/v1/{collection}/{id}")),
        None => Value::Null,
    }
}

/// `2026-12-06T10:00:00.123456` (a stored time) → `2026-12-06T10:00:00Z`.
fn utc_or_same(s: &str) -> String {
    match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(t) if s.len() >= 19 => iso_utc(t),
        _ => s.to_string(),
    }
}

/// `snake_case` → `camelCase` (a name already in camelCase stays).
fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_comes_from_the_catalogue_and_every_mapping_is_a_type() {
        for (action, t) in AUDIT_KINDS {
            if let Some(t) = t {
                assert!(is_type(t), "{action} maps to unknown type {t}");
            }
        }
        for t in TYPES.iter().filter(|t| **t != TEST) {
            assert!(
                AUDIT_KINDS.iter().any(|(_, m)| *m == Some(*t)),
                "no audit action becomes {t}"
            );
        }
        let mut actions: Vec<_> = AUDIT_KINDS.iter().map(|(a, _)| *a).collect();
        let n = actions.len();
        actions.sort();
        actions.dedup();
        assert_eq!(actions.len(), n, "an action is catalogued twice");
    }

    #[test]
    fn a_record_is_shown_as_the_api_shows_it() {
        let before = json!({"id": "l1", "organization_id": "o1", "name": "Depot",
            "country_code": "NL", "created_at": "2026-12-06T10:00:00.123456", "version": 1});
        let after = json!({"id": "l1", "organization_id": "o1", "name": "Depot Noord",
            "country_code": "NL", "created_at": "2026-12-06T10:00:00.123456", "version": 2});
        let at = NaiveDateTime::parse_from_str("2026-12-06 11:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let body: Value = serde_json::from_str(&body(
            "location.updated",
            at,
            "location",
            Some("l1"),
            Some(&before),
            Some(&after),
        ))
        .unwrap();
        assert_eq!(body["type"], "location.updated");
        assert_eq!(body["timestamp"], "2026-12-06T11:00:00Z");
        assert_eq!(body["data"]["name"], "Depot Noord");
        assert_eq!(body["data"]["country"], "/api/v1/countries/NL");
        assert_eq!(body["data"]["createdAt"], "2026-12-06T10:00:00Z");
        assert_eq!(body["data"]["object"], "location");
        assert_eq!(body["data"]["changedFields"], json!(["name"]));
        assert!(body["data"].get("organizationId").is_none());
    }

    #[test]
    fn a_large_record_is_cut_to_its_id() {
        let after = json!({"id": "c1", "notes": "x".repeat(30_000)});
        let at = NaiveDateTime::default();
        let b = body(
            "customer.created",
            at,
            "customer",
            Some("c1"),
            None,
            Some(&after),
        );
        assert!(b.len() < MAX_BODY_BYTES);
        let v: Value = serde_json::from_str(&b).unwrap();
        assert_eq!(v["data"]["truncated"], true);
        assert_eq!(v["data"]["id"], "c1");
    }

    #[test]
    fn types_are_grouped_in_order() {
        let g = groups();
        assert_eq!(g[0].0, "organization");
        assert_eq!(g.last().unwrap().0, "webhook");
        assert_eq!(g.iter().map(|(_, t)| t.len()).sum::<usize>(), TYPES.len());
    }
}

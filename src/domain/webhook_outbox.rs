//! Events into messages: called by [`crate::domain::audit::record`] in the
//! transaction of every audited change, so a message exists exactly when
//! its change committed. One message per enabled endpoint of the
//! organisation that wants the event's type; the delivery job
//! (`jobs::webhooks`) sends them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConn;
use crate::db::schema::{webhook_endpoints, webhook_messages};
use crate::domain::webhook_events;
use crate::domain::webhook_signing;

/// A message's state.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// Does an endpoint asking for `wanted` (space-separated; empty: all)
/// want `event_type`?
pub fn wants(wanted: &str, event_type: &str) -> bool {
    let wanted = wanted.trim();
    wanted.is_empty() || wanted.split_whitespace().any(|t| t == event_type)
}

/// The audited change `action` on a record (values `before` and `after`):
/// queue its message for each enabled endpoint of `organization_id` that
/// wants its type. Nothing when the action is not sent or nobody listens.
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
    action: &str,
    resource_type: &str,
    resource_id: Option<&str>,
    before: Option<&Value>,
    after: Option<&Value>,
) -> QueryResult<usize> {
    let Some(event_type) = webhook_events::type_of(action) else {
        return Ok(0);
    };
    let endpoints: Vec<(String, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id))
        .filter(webhook_endpoints::enabled.eq(true))
        .select((webhook_endpoints::id, webhook_endpoints::event_types))
        .load(conn)?;
    let targets: Vec<&String> = endpoints
        .iter()
        .filter(|(_, wanted)| wants(wanted, event_type))
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    let body = webhook_events::body(event_type, now, resource_type, resource_id, before, after);
    for endpoint in &targets {
        insert(conn, now, organization_id, endpoint, event_type, &body)?;
    }
    Ok(targets.len())
}

/// Queue one message (its `webhook-id` made here); returns its id.
pub fn insert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
    endpoint_id: &str,
    event_type: &str,
    body: &str,
) -> QueryResult<String> {
    let id = webhook_signing::new_message_id(now);
    diesel::insert_into(webhook_messages::table)
        .values((
            webhook_messages::id.eq(&id),
            webhook_messages::organization_id.eq(organization_id),
            webhook_messages::endpoint_id.eq(endpoint_id),
            webhook_messages::event_type.eq(event_type),
            webhook_messages::body.eq(body),
            webhook_messages::status.eq(PENDING),
            webhook_messages::attempts.eq(0),
            webhook_messages::next_attempt_at.eq(Some(now)),
            webhook_messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::wants;

    #[test]
    fn none_wanted_means_all() {
        assert!(wants("", "location.created"));
        assert!(wants("  ", "location.created"));
        assert!(wants(
            "location.created customer.deleted",
            "customer.deleted"
        ));
        assert!(!wants("location.created", "location.deleted"));
        assert!(!wants("location.created", "location"));
    }
}

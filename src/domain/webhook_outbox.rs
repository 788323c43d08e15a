//! Events into messages, in two steps.
//!
//! 1. [`enqueue`], called by [`crate::domain::audit::record`] in the
//!    transaction of every audited change: when an enabled endpoint of the
//!    organisation wants the event's type, one small row goes into the
//!    `webhook_outbox` table (the audit event's id and the endpoints that
//!    wanted it). It exists exactly when its change committed, and it is
//!    all the change pays: one append, no body made, no message indexes.
//! 2. [`expand`], run by the delivery runner (`jobs::webhooks`) before it
//!    claims: it takes queued rows (claimed and deleted in one statement,
//!    `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances never
//!    take the same row), makes each event's body from its audit event and
//!    writes one message per endpoint that wanted it and still exists, all
//!    in one transaction. A failure rolls the rows back into the queue.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::{audit_events, webhook_endpoints, webhook_messages, webhook_outbox};
use crate::db::{DbConn, outbox};
use crate::domain::webhook_events;
use crate::domain::webhook_signing;

/// A message's state.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// Queued events turned into messages at a time.
pub const EXPAND_BATCH: i64 = 500;

/// The audited change `action` of `organization_id`, recorded as audit
/// event `audit_event_id` in this transaction: queue it for the enabled
/// endpoints that want its type, in one statement (`db::outbox::queue`),
/// as many as the change makes without any endpoint. Returns whether it
/// was queued (not when the action is not sent or nobody listens).
pub fn enqueue(
    conn: &mut DbConn,
    organization_id: &str,
    action: &str,
    audit_event_id: &str,
) -> QueryResult<bool> {
    match webhook_events::type_of(action) {
        Some(event_type) => outbox::queue(conn, organization_id, event_type, audit_event_id),
        None => Ok(false),
    }
}

/// The audit event a queued row tells about.
type Recorded = (
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// Turn up to `limit` queued events into messages (oldest first); returns
/// how many events were taken. Nothing queued: one read, no write lock.
pub fn expand(conn: &mut DbConn, limit: i64) -> QueryResult<usize> {
    let queued: Option<i64> = webhook_outbox::table
        .select(webhook_outbox::seq)
        .first(conn)
        .optional()?;
    if queued.is_none() {
        return Ok(0);
    }
    crate::db::write(conn, |conn| {
        let taken = outbox::take(conn, limit)?;
        if taken.is_empty() {
            return Ok(0);
        }
        let ids: Vec<&str> = taken.iter().map(|q| q.audit_event_id.as_str()).collect();
        let events: HashMap<String, Recorded> = audit_events::table
            .filter(audit_events::id.eq_any(&ids))
            .select((
                audit_events::id,
                audit_events::organization_id,
                audit_events::action,
                audit_events::resource_type,
                audit_events::resource_id,
                audit_events::before_json,
                audit_events::after_json,
                audit_events::created_at,
            ))
            .load::<Recorded>(conn)?
            .into_iter()
            .map(|e| (e.0.clone(), e))
            .collect();
        let wanted: HashSet<&str> = taken
            .iter()
            .flat_map(|q| q.endpoint_ids.split_whitespace())
            .collect();
        // The endpoints still there, and whether each is still on.
        let existing: HashMap<String, bool> = webhook_endpoints::table
            .filter(webhook_endpoints::id.eq_any(wanted.into_iter().collect::<Vec<_>>()))
            .select((webhook_endpoints::id, webhook_endpoints::enabled))
            .load::<(String, bool)>(conn)?
            .into_iter()
            .collect();
        for q in &taken {
            let Some((_, Some(org), action, resource_type, resource_id, before, after, at)) =
                events.get(&q.audit_event_id)
            else {
                continue;
            };
            let Some(event_type) = webhook_events::type_of(action) else {
                continue;
            };
            let parse = |v: &Option<String>| -> Option<Value> {
                v.as_deref().and_then(|s| serde_json::from_str(s).ok())
            };
            let (before, after) = (parse(before), parse(after));
            let body = webhook_events::body(
                event_type,
                *at,
                resource_type,
                resource_id.as_deref(),
                before.as_ref(),
                after.as_ref(),
            );
            for endpoint in q.endpoint_ids.split_whitespace() {
                let Some(enabled) = existing.get(endpoint) else {
                    continue;
                };
                let id = insert(conn, *at, org, endpoint, event_type, &body)?;
                if !enabled {
                    // Switched off since the change: failed, as switching
                    // off fails the messages waiting (a replay sends it).
                    diesel::update(webhook_messages::table.find(&id))
                        .set((
                            webhook_messages::status.eq(FAILED),
                            webhook_messages::next_attempt_at.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(taken.len())
    })
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

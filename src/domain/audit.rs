//! The audit log: `record(...)` is called by every write, inside the write's
//! own transaction, with the values before and after (never secrets).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::audit_events;
use crate::db::{DbConn, new_id};

/// Who did it, as written into the log.
#[derive(Clone, Debug)]
pub struct AuditActor {
    /// `user`, `api_client`, `anonymous` or `system`.
    pub kind: &'static str,
    /// The user's or client's id.
    pub id: Option<String>,
    /// A readable name (user name, client name, or the e-mail tried).
    pub label: String,
    /// Where the request came from.
    pub ip: Option<String>,
}

impl AuditActor {
    /// The command line or start-up code.
    pub fn system(label: &str) -> Self {
        Self {
            kind: "system",
            id: None,
            label: format!("Portaal ({label})"),
            ip: None,
        }
    }
}

/// One change to record.
pub struct Event<'a> {
    pub organization_id: Option<&'a str>,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    /// An event without values.
    pub fn new(
        organization_id: Option<&'a str>,
        action: &'a str,
        resource_type: &'a str,
        resource_id: Option<&'a str>,
    ) -> Self {
        Self {
            organization_id,
            action,
            resource_type,
            resource_id,
            before: None,
            after: None,
        }
    }

    /// With the values before and after (serialisable views without secrets).
    pub fn values<B: Serialize, A: Serialize>(
        mut self,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Self {
        self.before = before.and_then(|b| serde_json::to_value(b).ok());
        self.after = after.and_then(|a| serde_json::to_value(a).ok());
        self
    }
}

/// Write `event` by `actor` at `now`.
pub fn record(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    event: Event<'_>,
) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(new_id()),
            audit_events::organization_id.eq(event.organization_id),
            audit_events::actor_type.eq(actor.kind),
            audit_events::actor_id.eq(actor.id.as_deref()),
            audit_events::actor_label.eq(&actor.label),
            audit_events::action.eq(event.action),
            audit_events::resource_type.eq(event.resource_type),
            audit_events::resource_id.eq(event.resource_id),
            audit_events::before_json.eq(event.before.map(|v| v.to_string())),
            audit_events::after_json.eq(event.after.map(|v| v.to_string())),
            audit_events::ip.eq(actor.ip.as_deref()),
            audit_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A recorded event, as lists show it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: String,
    pub actor_type: String,
    pub actor_label: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The newest `limit` events of one organisation.
pub fn recent(conn: &mut DbConn, organization_id: &str, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .filter(audit_events::organization_id.eq(organization_id))
        .order(audit_events::created_at.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

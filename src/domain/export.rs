//! Exports of whole lists: the rows a list's filters show, read in chunks
//! inside one read snapshot (no row twice, none skipped while others
//! write), each chunk handed on before the next is read, so memory stays
//! bounded however long the list; and the audit event that says who
//! exported what, written before any row leaves.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{self, DbConn};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, AuditEntry, Event, Filter};
use crate::domain::local_time::iso_utc;
use crate::domain::paging::PageRequest;
use crate::domain::scopes::Operation;
use crate::error::AppError;

/// Rows read per query.
pub const CHUNK: i64 = 1000;

/// Where the rows of an export go, a chunk at a time; `false` when nobody
/// takes them any more (the download was cancelled): the export stops.
pub type Each<'a, T> = &'a mut dyn FnMut(Vec<T>) -> bool;

/// What an export was asked for, for its audit event: the search, the sort
/// and the list's own filters (`more`; the empty ones left out).
pub fn filter_of(page: &PageRequest, more: &[(&str, Option<String>)]) -> serde_json::Value {
    let mut f = serde_json::Map::new();
    let q = ("q", page.q.clone());
    for (k, v) in std::iter::once(&q).chain(more) {
        if let Some(v) = v {
            f.insert(k.to_string(), v.clone().into());
        }
    }
    f.insert("sortBy".into(), page.sort.into());
    f.insert(
        "sortDirection".into(),
        if page.desc { "DESC" } else { "ASC" }.into(),
    );
    serde_json::Value::Object(f)
}

/// Record that `actor` exported `resource_type`s (`action`, such as
/// `location.exported`) with `filter`, and how many rows `count` finds, in
/// one write transaction.
pub fn audited(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    filter: &impl Serialize,
    count: impl FnOnce(&mut DbConn) -> QueryResult<i64>,
) -> Result<i64, AppError> {
    let org = actor.organization_id.as_str();
    db::write(conn, |conn| {
        let rows = count(conn)?;
        let values = serde_json::json!({ "filter": filter, "rows": rows });
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(org), action, resource_type, None).values(None::<&()>, Some(&values)),
        )?;
        Ok(rows)
    })
}

/// Read `page(conn, offset, limit)` chunk by chunk in one snapshot, handing
/// each to `each`, until a chunk comes back short or `each` says stop.
/// Returns the rows handed on.
pub fn in_chunks<T>(
    conn: &mut DbConn,
    chunk: i64,
    mut page: impl FnMut(&mut DbConn, i64, i64) -> QueryResult<Vec<T>>,
    each: Each<'_, T>,
) -> Result<u64, AppError> {
    db::read_snapshot(conn, |conn| {
        let mut sent = 0u64;
        let mut offset = 0;
        loop {
            let rows = page(conn, offset, chunk)?;
            let n = rows.len() as i64;
            sent += n as u64;
            if n == 0 || !each(rows) || n < chunk {
                return Ok(sent);
            }
            offset += n;
        }
    })
}

/// The audit log: every event `filter` lets through, in `page`'s order (its page and size
/// ignored), a chunk at a time to `each`; audited (`audit.exported`, with
/// the filter and the row count; the export's own event is among the
/// rows, not in the count)
/// before the first row is read.
pub fn audit_log(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    filter: &Filter,
    page: &PageRequest,
    each: Each<'_, AuditEntry>,
) -> Result<u64, AppError> {
    actor.require(Operation::AuditList)?;
    let org = actor.organization_id.as_str();
    let asked = filter_of(
        page,
        &[
            ("actor", filter.actor_id.clone()),
            ("resource", filter.resource_type.clone()),
            ("from", filter.from.map(iso_utc)),
            ("until", filter.until.map(iso_utc)),
        ],
    );
    audited(
        conn,
        now,
        actor,
        "audit.exported",
        "audit_log",
        &asked,
        |c| audit::filtered(org, filter).count().get_result(c),
    )?;
    in_chunks(
        conn,
        CHUNK,
        |c, offset, limit| {
            audit::sorted(org, filter, page)
                .limit(limit)
                .offset(offset)
                .select(AuditEntry::as_select())
                .load(c)
        },
        each,
    )
}

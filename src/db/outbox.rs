//! The webhook outbox's two statements that differ per backend (see
//! `domain::webhook_outbox`).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;

/// Queue audit event `audit_event_id` of `organization_id` for its enabled
/// endpoints that want `event_type` (an endpoint's `event_types` is empty
/// for all, else known types separated by single spaces), in one statement
/// that writes nothing when none wants it. Returns whether it was queued.
pub fn queue(
    conn: &mut DbConn,
    organization_id: &str,
    event_type: &str,
    audit_event_id: &str,
) -> QueryResult<bool> {
    // An endpoint wants the type when its list is empty or holds it.
    const PG: &str = "INSERT INTO webhook_outbox (audit_event_id, endpoint_ids) \
         SELECT $1, STRING_AGG(id, ' ') FROM webhook_endpoints \
         WHERE organization_id = $2 AND enabled \
         AND (event_types = '' OR STRPOS(' ' || event_types || ' ', ' ' || $3 || ' ') > 0) \
         HAVING COUNT(*) > 0";
    const SQLITE: &str = "INSERT INTO webhook_outbox (audit_event_id, endpoint_ids) \
         SELECT ?1, GROUP_CONCAT(id, ' ') FROM webhook_endpoints \
         WHERE organization_id = ?2 AND enabled \
         AND (event_types = '' OR INSTR(' ' || event_types || ' ', ' ' || ?3 || ' ') > 0) \
         HAVING COUNT(*) > 0";
    let queued = match conn {
        DbConn::Pg(c) => diesel::sql_query(PG)
            .bind::<Text, _>(audit_event_id)
            .bind::<Text, _>(organization_id)
            .bind::<Text, _>(event_type)
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(SQLITE)
            .bind::<Text, _>(audit_event_id)
            .bind::<Text, _>(organization_id)
            .bind::<Text, _>(event_type)
            .execute(c)?,
    };
    Ok(queued > 0)
}

/// A row taken from the outbox.
#[derive(QueryableByName)]
pub struct Queued {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Text)]
    pub audit_event_id: String,
    #[diesel(sql_type = Text)]
    pub endpoint_ids: String,
}

/// Claim and delete up to `limit` queued rows (oldest first) in one
/// statement: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so instances
/// taking at the same moment take different rows. Run it in the
/// transaction that makes their messages: a failure puts them back.
pub fn take(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Queued>> {
    const PICK: &str = "SELECT seq FROM webhook_outbox ORDER BY seq LIMIT $1";
    const RETURNING: &str = "RETURNING seq, audit_event_id, endpoint_ids";
    let mut taken: Vec<Queued> = match conn {
        DbConn::Pg(c) => diesel::sql_query(format!(
            "DELETE FROM webhook_outbox WHERE seq IN ({PICK} FOR UPDATE SKIP LOCKED) {RETURNING}"
        ))
        .bind::<BigInt, _>(limit)
        .load(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(format!(
            "DELETE FROM webhook_outbox WHERE seq IN ({PICK}) {RETURNING}"
        ))
        .bind::<BigInt, _>(limit)
        .load(c)?,
    };
    taken.sort_by_key(|q| q.seq);
    Ok(taken)
}

//! Claiming due rows of a job table with a lease: the one statement of the
//! job runner that differs per backend.
//!
//! A job table has `id`, `status`, `next_attempt_at` (`NULL`: at once),
//! `lease_owner`, `lease_until` and `created_at`. A row is due when its
//! status is one of the table's waiting statuses, its next attempt has come
//! and nobody holds an unexpired lease on it. Claiming sets the lease in the
//! same statement that picks the rows: on PostgreSQL the rows are locked
//! with `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment
//! take different rows instead of waiting for each other; SQLite has one
//! writer at a time, so the same statement without the lock clause is
//! enough.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::DbConn;

/// A job table and what "waiting" means in it.
pub struct JobTable {
    /// The table's name.
    pub table: &'static str,
    /// The statuses of rows waiting to run, as SQL literals (`'stored', 'failed'`).
    pub waiting: &'static str,
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Claim up to `limit` due rows of `jobs` (oldest first) for `owner` until
/// `until`; returns their ids. Inside or outside a transaction alike: the
/// statement is atomic on its own.
pub fn claim(
    conn: &mut DbConn,
    jobs: &JobTable,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let JobTable { table, waiting } = jobs;
    // In a write transaction: SQLite's one writer of this process.
    let rows: Vec<Claimed> = super::write(conn, |conn| match conn {
        DbConn::Pg(c) => diesel::sql_query(format!(
            "UPDATE {table} SET lease_owner = $1, lease_until = $2 WHERE id IN (\
             SELECT id FROM {table} WHERE status IN ({waiting}) \
             AND (next_attempt_at IS NULL OR next_attempt_at <= $3) \
             AND (lease_until IS NULL OR lease_until <= $3) \
             ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c),
        DbConn::Sqlite(c) => diesel::sql_query(format!(
            "UPDATE {table} SET lease_owner = ?1, lease_until = ?2 WHERE id IN (\
             SELECT id FROM {table} WHERE status IN ({waiting}) \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?3) \
             AND (lease_until IS NULL OR lease_until <= ?3) \
             ORDER BY created_at LIMIT ?4) RETURNING id"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c),
    })?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Claim up to `limit` due webhook messages (status `pending`, oldest
/// first) of **enabled** endpoints for `owner` until `until`, leaving out
/// the endpoints in `busy`: a hanging receiver then holds only its own
/// share of this instance's attempts, never the others' messages.
pub fn claim_webhook_messages(
    conn: &mut DbConn,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
    busy: &[String],
) -> QueryResult<Vec<String>> {
    // Endpoint ids are ours (`new_id`), but quote them as SQL strings all
    // the same.
    let except = if busy.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = busy
            .iter()
            .map(|id| format!("'{}'", id.replace('\'', "''")))
            .collect();
        format!("AND m.endpoint_id NOT IN ({}) ", list.join(","))
    };
    let (p, lock) = match conn {
        DbConn::Pg(_) => (["$1", "$2", "$3", "$4"], "FOR UPDATE OF m SKIP LOCKED"),
        DbConn::Sqlite(_) => (["?1", "?2", "?3", "?4"], ""),
    };
    // Look before claiming: most polls find nothing due, and a read takes
    // no write lock (SQLite's one writer stays free for the app's writes).
    let look = format!(
        "SELECT m.id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id \
         WHERE m.status = 'pending' AND e.enabled {except}\
         AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= {n}) \
         AND (m.lease_until IS NULL OR m.lease_until <= {n}) LIMIT 1",
        n = p[0],
    );
    let due: Vec<Claimed> = match conn {
        DbConn::Pg(c) => diesel::sql_query(&look).bind::<Timestamp, _>(now).load(c),
        DbConn::Sqlite(c) => diesel::sql_query(&look).bind::<Timestamp, _>(now).load(c),
    }?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE webhook_messages SET lease_owner = {o}, lease_until = {u} WHERE id IN (\
         SELECT m.id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id \
         WHERE m.status = 'pending' AND e.enabled {except}\
         AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= {n}) \
         AND (m.lease_until IS NULL OR m.lease_until <= {n}) \
         ORDER BY m.next_attempt_at LIMIT {l} {lock}) RETURNING id",
        o = p[0],
        u = p[1],
        n = p[2],
        l = p[3],
    );
    let rows: Vec<Claimed> = super::write(conn, |conn| match conn {
        DbConn::Pg(c) => diesel::sql_query(&sql)
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c),
        DbConn::Sqlite(c) => diesel::sql_query(&sql)
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c),
    })?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Claim this turn of the periodic job `name` (a row of `job_runs`): `true`
/// for the one instance whose statement moved its last run to `now`
/// (nobody ran it in the last `every`); the others see it moved and do
/// nothing.
pub fn claim_turn(
    conn: &mut DbConn,
    name: &str,
    now: NaiveDateTime,
    every: chrono::Duration,
) -> QueryResult<bool> {
    use crate::db::schema::job_runs;
    let before = now - every;
    let moved = crate::db::write(conn, |conn| {
        diesel::update(
            job_runs::table.find(name).filter(
                job_runs::last_run_at
                    .is_null()
                    .or(job_runs::last_run_at.le(before)),
            ),
        )
        .set(job_runs::last_run_at.eq(now))
        .execute(conn)
    })?;
    Ok(moved == 1)
}

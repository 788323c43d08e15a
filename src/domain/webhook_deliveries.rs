//! Webhook messages and their delivery attempts: the delivery log, resend
//! and replay, and the delivery job's side (claim, settle, the rules that
//! switch a failing endpoint off), and keeping 30 days.
//!
//! Delivery is at least once: the job claims a message with a lease
//! (`db::lease`), makes one attempt and settles it as the lease's owner.
//! Receivers deduplicate by the `webhook-id` header (the message's id, the
//! same on every attempt). Order is not guaranteed.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    memberships, organizations, users, webhook_attempts, webhook_endpoints, webhook_messages,
};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::{Actor, AuditActor};
use crate::domain::audit::{self, Event};
use crate::domain::mail::{self, Outgoing};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::{Operation, Role};
use crate::domain::webhook_outbox::{DELIVERED, FAILED, PENDING};
use crate::domain::webhook_policy;
pub use crate::domain::webhooks::last_day;
use crate::domain::webhooks::{self, DisabledReason, Endpoint};
use crate::error::AppError;
use crate::i18n::{Lang, fill};

/// How long messages and attempts are kept.
pub const KEEP_DAYS: i64 = 30;
/// An endpoint failing this long without a success is switched off.
pub const DISABLE_AFTER_DAYS: i64 = 5;
/// The most of an answer kept, in bytes.
pub const EXCERPT_BYTES: usize = 1024;

/// A message, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_messages)]
pub struct Message {
    pub id: String,
    pub organization_id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub body: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// One attempt.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: String,
    pub message_id: String,
    pub endpoint_id: String,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub response_excerpt: String,
    pub error: Option<String>,
    pub succeeded: bool,
}

/// A message of the log with its attempts (newest first).
pub struct LogRow {
    pub message: Message,
    pub attempts: Vec<Attempt>,
}

/// The log's order.
pub const SORT: SortSpec = SortSpec {
    fields: &["createdAt"],
    default: "createdAt",
    default_desc: true,
};

/// The delivery log of endpoint `endpoint_id`, one page of messages
/// (newest first) with their attempts; `status` narrows it.
pub fn log(
    conn: &mut DbConn,
    actor: &Actor,
    endpoint_id: &str,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<LogRow>, AppError> {
    actor.require(Operation::WebhookDeliveries)?;
    let endpoint = webhooks::find(conn, &actor.organization_id, endpoint_id)?;
    let filtered = || {
        let mut q = webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(&endpoint.id))
            .into_boxed();
        if let Some(s) = status {
            q = q.filter(webhook_messages::status.eq(s.to_string()));
        }
        if let Some(like) = page.like() {
            q = q.filter(webhook_messages::event_type.like(like).escape('\\'));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let q = if page.desc {
        filtered().order((
            webhook_messages::created_at.desc(),
            webhook_messages::id.desc(),
        ))
    } else {
        filtered().order((
            webhook_messages::created_at.asc(),
            webhook_messages::id.asc(),
        ))
    };
    let messages: Vec<Message> = q
        .limit(page.size)
        .offset(page.offset())
        .select(Message::as_select())
        .load(conn)?;
    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    let attempts: Vec<Attempt> = webhook_attempts::table
        .filter(webhook_attempts::message_id.eq_any(&ids))
        .order((
            webhook_attempts::attempted_at.desc(),
            webhook_attempts::id.desc(),
        ))
        .select(Attempt::as_select())
        .load(conn)?;
    let mut by_message: HashMap<String, Vec<Attempt>> = HashMap::new();
    for a in attempts {
        by_message.entry(a.message_id.clone()).or_default().push(a);
    }
    let items = messages
        .into_iter()
        .map(|message| LogRow {
            attempts: by_message.remove(&message.id).unwrap_or_default(),
            message,
        })
        .collect();
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// One message of the actor's organisation, with its attempts.
pub fn message(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<LogRow, AppError> {
    actor.require(Operation::WebhookDeliveries)?;
    let message: Message = webhook_messages::table
        .filter(webhook_messages::organization_id.eq(&actor.organization_id))
        .filter(webhook_messages::id.eq(id))
        .select(Message::as_select())
        .first(conn)?;
    let attempts = webhook_attempts::table
        .filter(webhook_attempts::message_id.eq(id))
        .order((
            webhook_attempts::attempted_at.desc(),
            webhook_attempts::id.desc(),
        ))
        .select(Attempt::as_select())
        .load(conn)?;
    Ok(LogRow { message, attempts })
}

/// Send message `id` again (same `webhook-id`), from the start of the
/// schedule. Its endpoint must be enabled.
pub fn resend(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
) -> Result<Message, AppError> {
    actor.require(Operation::WebhookResend)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let m = message(conn, actor, id)?.message;
        let endpoint = webhooks::find(conn, &org, &m.endpoint_id)?;
        if !endpoint.enabled {
            return Err(AppError::Validation(crate::error::FieldErrors(vec![(
                "endpoint",
                crate::error::ErrorCode::WebhookEndpointDisabled,
            )])));
        }
        requeue(conn, now, std::slice::from_ref(&m.id))?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(
                Some(&org),
                "webhook.resent",
                "webhook",
                Some(&m.endpoint_id),
            ),
        )?;
        Ok(webhook_messages::table
            .find(id)
            .select(Message::as_select())
            .first(conn)?)
    })
}

/// Send again every failed message of endpoint `endpoint_id` made since
/// `since`; returns how many.
pub fn replay(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    endpoint_id: &str,
    since: NaiveDateTime,
) -> Result<usize, AppError> {
    actor.require(Operation::WebhookReplay)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let endpoint = webhooks::find(conn, &org, endpoint_id)?;
        if !endpoint.enabled {
            return Err(AppError::Validation(crate::error::FieldErrors(vec![(
                "endpoint",
                crate::error::ErrorCode::WebhookEndpointDisabled,
            )])));
        }
        let ids: Vec<String> = webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(endpoint_id))
            .filter(webhook_messages::status.eq(FAILED))
            .filter(webhook_messages::created_at.ge(since))
            .select(webhook_messages::id)
            .load(conn)?;
        requeue(conn, now, &ids)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "webhook.replayed", "webhook", Some(endpoint_id)).values(
                None::<&()>,
                Some(&serde_json::json!({"since": since, "messages": ids.len()})),
            ),
        )?;
        Ok(ids.len())
    })
}

fn requeue(conn: &mut DbConn, now: NaiveDateTime, ids: &[String]) -> QueryResult<()> {
    for chunk in ids.chunks(500) {
        diesel::update(webhook_messages::table.filter(webhook_messages::id.eq_any(chunk)))
            .set((
                webhook_messages::status.eq(PENDING),
                webhook_messages::attempts.eq(0),
                webhook_messages::next_attempt_at.eq(Some(now)),
                webhook_messages::lease_owner.eq(None::<String>),
                webhook_messages::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Delete messages (and their attempts) older than [`KEEP_DAYS`]; returns
/// how many messages.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let before = now - Duration::days(KEEP_DAYS);
    // Endpoint by endpoint: (endpoint_id, created_at) is the index a
    // message has for this (the write that makes it pays for every index).
    let endpoints: Vec<String> = webhook_endpoints::table
        .select(webhook_endpoints::id)
        .load(conn)?;
    db::write(conn, |conn| {
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::attempted_at.lt(before)))
            .execute(conn)?;
        let mut purged = 0;
        for endpoint in &endpoints {
            let old = || {
                webhook_messages::table
                    .filter(webhook_messages::endpoint_id.eq(endpoint))
                    .filter(webhook_messages::created_at.lt(before))
                    .filter(webhook_messages::status.ne(PENDING))
            };
            diesel::delete(
                webhook_attempts::table.filter(
                    webhook_attempts::message_id.eq_any(old().select(webhook_messages::id)),
                ),
            )
            .execute(conn)?;
            purged += diesel::delete(old()).execute(conn)?;
        }
        Ok(purged)
    })
}

/// Demo data only (`domain::demo`): a message of endpoint `endpoint_id`
/// made at `created_at`, as if it had had `attempts` (oldest first), and
/// settled as `status` (delivered or failed: never pending, so nothing
/// sends it). The endpoint's last success follows a successful attempt.
#[allow(clippy::too_many_arguments)]
pub fn insert_logged(
    conn: &mut DbConn,
    organization_id: &str,
    endpoint_id: &str,
    event_type: &str,
    body: &str,
    created_at: NaiveDateTime,
    status: &str,
    attempts: &[(NaiveDateTime, Outcome)],
) -> QueryResult<String> {
    let status = if status == DELIVERED {
        DELIVERED
    } else {
        FAILED
    };
    let id = crate::domain::webhook_outbox::insert(
        conn,
        created_at,
        organization_id,
        endpoint_id,
        event_type,
        body,
    )?;
    for (at, outcome) in attempts {
        insert_attempt(conn, &id, endpoint_id, *at, outcome)?;
        if outcome.succeeded() {
            diesel::update(webhook_endpoints::table.find(endpoint_id))
                .set(webhook_endpoints::last_success_at.eq(Some(*at)))
                .execute(conn)?;
        }
    }
    let last = attempts.last();
    diesel::update(webhook_messages::table.find(&id))
        .set((
            webhook_messages::status.eq(status),
            webhook_messages::attempts.eq(i32::try_from(attempts.len()).unwrap_or(i32::MAX)),
            webhook_messages::next_attempt_at.eq(None::<NaiveDateTime>),
            webhook_messages::last_status_code
                .eq(last.and_then(|(_, o)| o.status_code.map(i32::from))),
            webhook_messages::delivered_at
                .eq(last.filter(|_| status == DELIVERED).map(|(at, _)| *at)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Record one attempt on message `message_id`.
fn insert_attempt(
    conn: &mut DbConn,
    message_id: &str,
    endpoint_id: &str,
    at: NaiveDateTime,
    outcome: &Outcome,
) -> QueryResult<usize> {
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::id.eq(new_id()),
            webhook_attempts::message_id.eq(message_id),
            webhook_attempts::endpoint_id.eq(endpoint_id),
            webhook_attempts::attempted_at.eq(at),
            webhook_attempts::status_code.eq(outcome.status_code.map(i32::from)),
            webhook_attempts::duration_ms.eq(outcome.duration_ms),
            webhook_attempts::response_excerpt.eq(&outcome.excerpt),
            webhook_attempts::error.eq(&outcome.error),
            webhook_attempts::succeeded.eq(outcome.succeeded()),
        ))
        .execute(conn)
}

// --- The delivery job's side ---

/// A claimed message, with what its attempt needs.
pub struct Due {
    pub message: Message,
    pub endpoint: Endpoint,
}

/// Claim up to `limit` due messages of enabled endpoints for `owner` until
/// `until`, leaving out the endpoints in `busy` (this instance has as many
/// attempts to them under way as it allows one endpoint).
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    owner: &str,
    until: NaiveDateTime,
    limit: i64,
    busy: &[String],
) -> QueryResult<Vec<Due>> {
    let ids = db::lease::claim_webhook_messages(conn, owner, now, until, limit, busy)?;
    load_due(conn, &ids)
}

/// Give back messages `ids` claimed by `owner` and not attempted (the
/// runner took more of one endpoint than it sends to at once): others may
/// claim them at once.
pub fn release(conn: &mut DbConn, owner: &str, ids: &[String]) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    db::write(conn, |conn| {
        diesel::update(
            webhook_messages::table
                .filter(webhook_messages::id.eq_any(ids))
                .filter(webhook_messages::lease_owner.eq(owner)),
        )
        .set((
            webhook_messages::lease_owner.eq(None::<String>),
            webhook_messages::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
    })
}

/// Claim message `id` now (the test button and a resend that shows its
/// answer), whatever its schedule; `None` when someone else holds it.
pub fn claim_one(
    conn: &mut DbConn,
    id: &str,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<Due>> {
    let claimed = db::write(conn, |conn| {
        diesel::update(
            webhook_messages::table
                .filter(webhook_messages::id.eq(id))
                .filter(
                    webhook_messages::lease_until
                        .is_null()
                        .or(webhook_messages::lease_until.le(now)),
                ),
        )
        .set((
            webhook_messages::lease_owner.eq(owner),
            webhook_messages::lease_until.eq(until),
        ))
        .execute(conn)
    })?;
    if claimed == 0 {
        return Ok(None);
    }
    Ok(load_due(conn, &[id.to_string()])?.pop())
}

fn load_due(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Due>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Message, Endpoint)> = webhook_messages::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_messages::id.eq_any(ids))
        .select((Message::as_select(), Endpoint::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(message, endpoint)| Due { message, endpoint })
        .collect())
}

/// What one attempt came to.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The answer's status, when one came.
    pub status_code: Option<u16>,
    pub duration_ms: i32,
    /// The start of the answer (text only), at most [`EXCERPT_BYTES`].
    pub excerpt: String,
    /// Why there was no (good) answer: refused address, timeout, refused
    /// connection, TLS, a redirect.
    pub error: Option<String>,
    /// The receiver's `Retry-After` (on 429 and 503).
    pub retry_after: Option<std::time::Duration>,
    /// A random `u32` for the schedule's spread.
    pub jitter: u32,
}

impl Outcome {
    /// Only a 2xx answer is a success.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What settling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    /// Failed; tried again at this time.
    Retry(NaiveDateTime),
    /// Failed for the last time (schedule over, or the endpoint is off).
    GaveUp,
    /// Someone else holds the message now (our lease ran out): nothing
    /// recorded.
    Lost,
}

/// Record the attempt on `due` and move the message on, as the lease's
/// `owner`, in one transaction: delivered; or retried on the schedule (no
/// earlier than a `Retry-After`); or failed for good. A `410 Gone`
/// switches the endpoint off; so does failing without a success for
/// [`DISABLE_AFTER_DAYS`], and its organisation's admins get a mail.
pub fn settle(
    conn: &mut DbConn,
    now: NaiveDateTime,
    owner: &str,
    due: &Due,
    outcome: &Outcome,
) -> QueryResult<Settled> {
    let m = &due.message;
    db::write(conn, |conn| {
        let held: i64 = webhook_messages::table
            .filter(webhook_messages::id.eq(&m.id))
            .filter(webhook_messages::lease_owner.eq(owner))
            .count()
            .get_result(conn)?;
        if held == 0 {
            return Ok(Settled::Lost);
        }
        insert_attempt(conn, &m.id, &m.endpoint_id, now, outcome)?;
        let attempts = m.attempts + 1;
        let code = outcome.status_code.map(i32::from);
        let release = (
            webhook_messages::attempts.eq(attempts),
            webhook_messages::last_status_code.eq(code),
            webhook_messages::lease_owner.eq(None::<String>),
            webhook_messages::lease_until.eq(None::<NaiveDateTime>),
        );
        // The endpoint's row before the message's, in both ways out: the
        // order `webhooks::disable` takes them in (its endpoint, then its
        // waiting messages), so the two never wait for each other.
        if outcome.succeeded() {
            diesel::update(webhook_endpoints::table.find(&m.endpoint_id))
                .set((
                    webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
                    webhook_endpoints::last_success_at.eq(Some(now)),
                ))
                .execute(conn)?;
            diesel::update(webhook_messages::table.find(&m.id))
                .set((
                    release,
                    webhook_messages::status.eq(DELIVERED),
                    webhook_messages::delivered_at.eq(Some(now)),
                    webhook_messages::next_attempt_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            return Ok(Settled::Delivered);
        }
        // A failure: the endpoint's streak starts now unless it runs already.
        diesel::update(
            webhook_endpoints::table
                .find(&m.endpoint_id)
                .filter(webhook_endpoints::failing_since.is_null()),
        )
        .set(webhook_endpoints::failing_since.eq(Some(now)))
        .execute(conn)?;
        let schedule = webhook_policy::next_attempt(
            u32::try_from(attempts).unwrap_or(u32::MAX),
            now,
            outcome.jitter,
        );
        let next = match (schedule, outcome.retry_after) {
            (Some(at), Some(wait)) => {
                let asked = now + Duration::from_std(wait).unwrap_or_else(|_| Duration::days(1));
                Some(at.max(asked))
            }
            (at, _) => at,
        };
        let gone = outcome.status_code == Some(410);
        let settled = match next {
            Some(at) if due.endpoint.enabled && !gone => {
                diesel::update(webhook_messages::table.find(&m.id))
                    .set((release, webhook_messages::next_attempt_at.eq(Some(at))))
                    .execute(conn)?;
                Settled::Retry(at)
            }
            _ => {
                diesel::update(webhook_messages::table.find(&m.id))
                    .set((
                        release,
                        webhook_messages::status.eq(FAILED),
                        webhook_messages::next_attempt_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                Settled::GaveUp
            }
        };
        // Switch the endpoint off: gone, or failing for too long.
        let endpoint = webhooks::find(conn, &m.organization_id, &m.endpoint_id)
            .map_err(|_| diesel::result::Error::NotFound)?;
        let failing_too_long = endpoint
            .failing_since
            .is_some_and(|since| since <= now - Duration::days(DISABLE_AFTER_DAYS));
        if endpoint.enabled && (gone || failing_too_long) {
            let reason = if gone {
                DisabledReason::Gone
            } else {
                DisabledReason::Failing
            };
            webhooks::disable(conn, now, &endpoint.id, reason)?;
            audit::record(
                conn,
                now,
                &AuditActor::system("webhooks"),
                Event::new(
                    Some(&m.organization_id),
                    "webhook.disabled",
                    "webhook",
                    Some(&endpoint.id),
                )
                .values(
                    None::<&()>,
                    Some(&serde_json::json!({"reason": reason.as_str(), "url": endpoint.url})),
                ),
            )?;
            mail_admins(conn, now, &endpoint, reason)?;
        }
        Ok(settled)
    })
}

/// Tell the organisation's admins that endpoint was switched off.
fn mail_admins(
    conn: &mut DbConn,
    now: NaiveDateTime,
    endpoint: &Endpoint,
    reason: DisabledReason,
) -> QueryResult<()> {
    let lang_code: String = organizations::table
        .find(&endpoint.organization_id)
        .select(organizations::default_language)
        .first(conn)?;
    let admins: Vec<String> = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(&endpoint.organization_id))
        .filter(memberships::role.eq(Role::Backoffice.as_str()))
        .filter(memberships::disabled.eq(false))
        .select(users::email)
        .load(conn)?;
    let lang = Lang::from_code(&lang_code).unwrap_or(Lang::Nl);
    let t = lang.t();
    let since = endpoint
        .failing_since
        .map(|d| lang.long_date(d.date()))
        .unwrap_or_default();
    let subject = fill(t.wh_mail_disabled_subject, &[&endpoint.url]);
    let why = match reason {
        DisabledReason::Gone => t.wh_mail_disabled_gone.to_string(),
        _ => fill(t.wh_mail_disabled_failing, &[&since]),
    };
    let paragraphs = [
        fill(t.wh_mail_disabled_body, &[&endpoint.url]),
        why,
        t.wh_mail_disabled_next.to_string(),
    ];
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", crate::domain::markdown::escape(p)))
        .collect::<Vec<_>>()
        .join("\n");
    let text = paragraphs.join("\n\n");
    for admin in admins {
        mail::enqueue(
            conn,
            now,
            &endpoint.organization_id,
            Outgoing {
                recipient: &admin,
                subject: &subject,
                html: html.clone(),
                text: text.clone(),
                invitation_id: None,
                password_reset_id: None,
                invoice_id: None,
            },
        )?;
    }
    Ok(())
}

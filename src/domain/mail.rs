//! The mail outbox: every mail an organisation sends is stored first (with
//! the organisation's mail footer appended, as HTML and as text), then sent
//! when a mail server is configured. Nothing is lost when sending fails.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{mail_outbox, organizations};
use crate::db::{DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::Operation;
use crate::error::AppError;

/// A stored mail.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct Mail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_html: String,
    pub body_text: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The invitation whose link is put in when the mail is sent.
    pub invitation_id: Option<String>,
    /// The password reset whose link is put in when the mail is sent.
    pub password_reset_id: Option<String>,
    /// The invoice whose stored PDF is attached when the mail is sent.
    pub invoice_id: Option<String>,
}

/// Where a mail's link token goes (an invitation's, a password reset's).
/// The outbox keeps the mail with this in its place; the token, one of the
/// mail's own, is put in when the mail is sent (`jobs::mail`), so nobody can
/// read it in the outbox.
pub const MAIL_TOKEN: &str = "[token: alleen in de verzonden mail / only in the sent mail]";

/// A mail to send: the body as already-escaped HTML paragraphs and as text.
pub struct Outgoing<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub html: String,
    pub text: String,
    /// An invitation mail: its link gets a token only when it is sent.
    pub invitation_id: Option<&'a str>,
    /// A password reset mail, likewise.
    pub password_reset_id: Option<&'a str>,
    /// An invoice's mail: its stored PDF is attached when it is sent.
    pub invoice_id: Option<&'a str>,
}

/// Store a mail of `organization_id` with its footer appended; it is
/// `stored` (kept here; sent by the mailer when one is configured).
pub fn enqueue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    organization_id: &str,
    mail: Outgoing<'_>,
) -> QueryResult<String> {
    let footer: String = organizations::table
        .find(organization_id)
        .select(organizations::mail_footer)
        .first(conn)?;
    let (mut html, mut text) = (mail.html, mail.text);
    if !footer.trim().is_empty() {
        let rendered = crate::domain::markdown::render(&footer);
        html.push_str("\n<hr>\n");
        html.push_str(&rendered.html);
        text.push_str("\n\n-- \n");
        text.push_str(&rendered.text);
    }
    let id = new_id();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::id.eq(&id),
            mail_outbox::organization_id.eq(organization_id),
            mail_outbox::recipient.eq(mail.recipient),
            mail_outbox::subject.eq(mail.subject),
            mail_outbox::body_html.eq(html),
            mail_outbox::body_text.eq(text),
            mail_outbox::status.eq("stored"),
            mail_outbox::created_at.eq(now),
            mail_outbox::invitation_id.eq(mail.invitation_id),
            mail_outbox::password_reset_id.eq(mail.password_reset_id),
            mail_outbox::invoice_id.eq(mail.invoice_id),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Cancel the mails of invitation `invitation_id` that have not gone yet
/// (it was revoked or renewed): kept in the outbox, marked `canceled`, never
/// sent. A sender that claimed one already gets no link for it
/// (`members::mail_link` reads the status) and leaves it canceled; one past
/// that point sends a link that no longer works.
pub fn cancel_unsent_for_invitation(conn: &mut DbConn, invitation_id: &str) -> QueryResult<usize> {
    diesel::update(
        mail_outbox::table
            .filter(mail_outbox::invitation_id.eq(invitation_id))
            .filter(mail_outbox::status.eq_any(["stored", "failed"])),
    )
    .set((
        mail_outbox::status.eq("canceled"),
        mail_outbox::next_attempt_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// When the last mail of invitation `invitation_id` was queued.
pub fn last_for_invitation(
    conn: &mut DbConn,
    invitation_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    mail_outbox::table
        .filter(mail_outbox::invitation_id.eq(invitation_id))
        .select(diesel::dsl::max(mail_outbox::created_at))
        .first(conn)
}

/// The outbox list's sorting.
pub const SORT: SortSpec = SortSpec {
    fields: &["createdAt", "recipient"],
    default: "createdAt",
    default_desc: true,
};

/// One page of the organisation's outbox (admins; the audit permission).
pub fn list(conn: &mut DbConn, actor: &Actor, page: PageRequest) -> Result<Page<Mail>, AppError> {
    actor.require(Operation::AuditList)?;
    let org = actor.organization_id.as_str();
    let base = || {
        mail_outbox::table
            .filter(mail_outbox::organization_id.eq(org))
            .into_boxed()
    };
    let total: i64 = base().count().get_result(conn)?;
    let q = match (page.sort, page.desc) {
        ("recipient", false) => {
            base().order((mail_outbox::recipient.asc(), mail_outbox::created_at.desc()))
        }
        ("recipient", true) => base().order((
            mail_outbox::recipient.desc(),
            mail_outbox::created_at.desc(),
        )),
        (_, false) => base().order((mail_outbox::created_at.asc(), mail_outbox::id.asc())),
        (_, true) => base().order((mail_outbox::created_at.desc(), mail_outbox::id.desc())),
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .select(Mail::as_select())
        .load(conn)?;
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// How many of the organisation's mails failed to be sent (and wait for
/// their next attempt).
pub fn failed_count(conn: &mut DbConn, actor: &Actor) -> Result<i64, AppError> {
    actor.require(Operation::AuditList)?;
    Ok(mail_outbox::table
        .filter(mail_outbox::organization_id.eq(&actor.organization_id))
        .filter(mail_outbox::status.eq("failed"))
        .count()
        .get_result(conn)?)
}

/// One mail of the organisation (another's answers 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Mail, AppError> {
    actor.require(Operation::AuditList)?;
    Ok(mail_outbox::table
        .filter(mail_outbox::organization_id.eq(&actor.organization_id))
        .filter(mail_outbox::id.eq(id))
        .select(Mail::as_select())
        .first(conn)?)
}

/// The outbox as a job table: a mail waits while it is `stored` or `failed`.
pub const JOBS: crate::db::lease::JobTable = crate::db::lease::JobTable {
    table: "mail_outbox",
    waiting: "'stored', 'failed'",
};

/// Claim up to `limit` mails that are due (never sent, or failed and due for
/// a retry), oldest first, for `owner` until `until`: no other instance
/// sends them while the lease holds.
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    owner: &str,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Mail>> {
    let ids = crate::db::lease::claim(conn, &JOBS, owner, now, until, limit)?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    mail_outbox::table
        .filter(mail_outbox::id.eq_any(&ids))
        .order(mail_outbox::created_at.asc())
        .select(Mail::as_select())
        .load(conn)
}

/// The mail `id` while `owner` holds its lease (a lease that ran out and
/// was taken by another instance is not ours to settle).
fn leased<'a>(
    id: &'a str,
    owner: &'a str,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<mail_outbox::table, &'a str>,
    diesel::dsl::Eq<mail_outbox::lease_owner, &'a str>,
> {
    mail_outbox::table
        .find(id)
        .filter(mail_outbox::lease_owner.eq(owner))
}

/// Record a delivery (and end the lease).
pub fn mark_sent(conn: &mut DbConn, now: NaiveDateTime, id: &str, owner: &str) -> QueryResult<()> {
    crate::db::write(conn, |conn| {
        diesel::update(leased(id, owner))
            .set((
                mail_outbox::status.eq("sent"),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::last_error.eq(None::<String>),
                mail_outbox::next_attempt_at.eq(None::<NaiveDateTime>),
                mail_outbox::sent_at.eq(now),
                mail_outbox::lease_owner.eq(None::<String>),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// Give up on a mail whose link (an invitation's, a password reset's) was
/// used or expired before it was sent; it is kept, marked `canceled`.
pub fn mark_canceled(conn: &mut DbConn, id: &str, owner: &str) -> QueryResult<()> {
    crate::db::write(conn, |conn| {
        diesel::update(leased(id, owner))
            .set((
                mail_outbox::status.eq("canceled"),
                mail_outbox::last_error.eq(None::<String>),
                mail_outbox::next_attempt_at.eq(None::<NaiveDateTime>),
                mail_outbox::lease_owner.eq(None::<String>),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// Record a failed attempt; the mail is kept and tried again later (1, 5 and
/// 30 minutes, 2 hours, then every 6 hours). Nothing is ever dropped.
pub fn mark_failed(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: &str,
    owner: &str,
    attempts_before: i32,
    error: &str,
) -> QueryResult<()> {
    let wait = match attempts_before {
        0 => chrono::Duration::minutes(1),
        1 => chrono::Duration::minutes(5),
        2 => chrono::Duration::minutes(30),
        3 => chrono::Duration::hours(2),
        _ => chrono::Duration::hours(6),
    };
    let error: String = error.chars().take(500).collect();
    crate::db::write(conn, |conn| {
        diesel::update(leased(id, owner))
            .set((
                mail_outbox::status.eq("failed"),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::last_error.eq(Some(error)),
                mail_outbox::next_attempt_at.eq(Some(now + wait)),
                mail_outbox::lease_owner.eq(None::<String>),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
    })?;
    Ok(())
}

//! "Forgotten password": a link by mail to choose a new one.
//!
//! Every request is recorded and throttled (per e-mail and per address),
//! also for an e-mail without an account, and the answer is the same either
//! way: the page never tells whether an address has an account. The link's
//! token is made when its mail is sent (`jobs::mail`, like an invitation's)
//! and kept only as a hash; it works for an hour, once. Choosing the new
//! password ends every other login of the account.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::crypto;
use crate::db::schema::{password_resets, users};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::mail::{self, MAIL_TOKEN, Outgoing};
use crate::domain::markdown::escape;
use crate::domain::{sessions, users as accounts, validate};
use crate::error::AppError;

/// How long a link works.
pub const LIFETIME_MINUTES: i64 = 60;
/// Requests for one e-mail per hour; more are ignored (the same answer).
pub const EMAIL_LIMIT: i64 = 3;
/// Requests from one address per hour.
pub const IP_LIMIT: i64 = 10;

/// A live reset, found by its token.
#[derive(Debug, Clone)]
pub struct Reset {
    pub id: String,
    pub user_id: String,
    pub email: String,
}

/// Ask for a link for `email` from `ip`. Throttled and silent: whether the
/// e-mail has an account, whether the request was throttled, the caller
/// learns nothing. The mail goes through the outbox of the account's first
/// organisation (an account in none gets none).
pub fn request(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    ip: &str,
    public_url: &str,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > validate::MAX_LINE || !validate::looks_like_email(&email) {
        return Ok(());
    }
    db::write(conn, |conn| {
        db::lock_keys(
            conn,
            &[&format!("reset:email:{email}"), &format!("reset:ip:{ip}")],
        )?;
        let since = now - Duration::hours(1);
        let of_email: i64 = password_resets::table
            .filter(password_resets::email.eq(&email))
            .filter(password_resets::created_at.gt(since))
            .count()
            .get_result(conn)?;
        let of_ip: i64 = password_resets::table
            .filter(password_resets::ip.eq(ip))
            .filter(password_resets::created_at.gt(since))
            .count()
            .get_result(conn)?;
        if of_email >= EMAIL_LIMIT || of_ip >= IP_LIMIT {
            return Ok(());
        }
        let user = accounts::find_by_email(conn, &email)?;
        let id = new_id();
        diesel::insert_into(password_resets::table)
            .values((
                password_resets::id.eq(&id),
                password_resets::email.eq(&email),
                password_resets::user_id.eq(user.as_ref().map(|u| u.id.as_str())),
                password_resets::ip.eq(ip),
                password_resets::expires_at.eq(now + Duration::minutes(LIFETIME_MINUTES)),
                password_resets::created_at.eq(now),
            ))
            .execute(conn)?;
        let Some(user) = user else {
            return Ok(());
        };
        let Some(org) = accounts::memberships_of(conn, &user.id)?.into_iter().next() else {
            return Ok(());
        };
        let link = format!("{public_url}/password/reset/{MAIL_TOKEN}");
        let text = format!(
            "Iemand (hopelijk u) vroeg om een nieuw wachtwoord voor {email} in Portaal. Kies het via deze link:\n\
             Someone (hopefully you) asked for a new password for {email} on Portaal. Choose it through this link:\n\n\
             {link}\n\n\
             De link werkt een uur en één keer. Vroeg u niets? Dan kunt u deze mail negeren.\n\
             The link works for an hour, once. Did you not ask? Then you can ignore this mail."
        );
        let html = format!(
            "<p>Iemand (hopelijk u) vroeg om een nieuw wachtwoord voor {e} in Portaal. Kies het via deze link:<br>\
             Someone (hopefully you) asked for a new password for {e} on Portaal. Choose it through this link:</p>\n\
             <p><a href=\"{href}\">{href}</a></p>\n\
             <p>De link werkt een uur en één keer. Vroeg u niets? Dan kunt u deze mail negeren.<br>\
             The link works for an hour, once. Did you not ask? Then you can ignore this mail.</p>",
            e = escape(&email),
            href = escape(&link),
        );
        mail::enqueue(
            conn,
            now,
            &org.organization_id,
            Outgoing {
                recipient: &email,
                subject: "Nieuw wachtwoord voor Portaal / A new password for Portaal",
                html,
                text,
                invitation_id: None,
                password_reset_id: Some(&id),
                invoice_id: None,
            },
        )?;
        let actor = AuditActor {
            kind: "anonymous",
            id: None,
            label: email.clone(),
            ip: Some(ip.to_string()),
        };
        audit::record(
            conn,
            now,
            &actor,
            Event::new(
                Some(&org.organization_id),
                "user.password_reset_requested",
                "user",
                Some(&user.id),
            ),
        )?;
        Ok(())
    })
}

/// The link for the reset mail being sent now, with a new token (only its
/// hash kept). `None` when the reset was used or has expired: no mail.
pub fn mail_link(
    conn: &mut DbConn,
    now: NaiveDateTime,
    reset_id: &str,
    public_url: &str,
) -> QueryResult<Option<String>> {
    let token = crypto::random_token();
    let updated = db::write(conn, |conn| {
        diesel::update(
            password_resets::table
                .find(reset_id)
                .filter(password_resets::used_at.is_null())
                .filter(password_resets::expires_at.gt(now)),
        )
        .set(password_resets::token_hash.eq(crypto::sha256_hex(token.as_bytes())))
        .execute(conn)
    })?;
    Ok((updated == 1).then(|| format!("{public_url}/password/reset/{token}")))
}

/// The live reset of `token` (unknown, used or expired: 404).
pub fn by_token(conn: &mut DbConn, now: NaiveDateTime, token: &str) -> Result<Reset, AppError> {
    if !crypto::is_token(token) {
        return Err(AppError::NotFound);
    }
    let (id, user_id, email): (String, Option<String>, String) = password_resets::table
        .filter(password_resets::token_hash.eq(crypto::sha256_hex(token.as_bytes())))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select((
            password_resets::id,
            password_resets::user_id,
            password_resets::email,
        ))
        .first(conn)?;
    Ok(Reset {
        id,
        user_id: user_id.ok_or(AppError::NotFound)?,
        email,
    })
}

/// Set the new password (its hash) through the reset of `token`: single
/// use; every login of the account ends, and a new one starts for this
/// browser (its token returned); audited in each of the account's
/// organisations.
pub fn reset(
    conn: &mut DbConn,
    now: NaiveDateTime,
    token: &str,
    password_hash: &str,
    ip: Option<String>,
) -> Result<String, AppError> {
    db::write(conn, |conn| {
        let r = by_token(conn, now, token)?;
        let used = diesel::update(
            password_resets::table
                .find(&r.id)
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(now))
        .execute(conn)?;
        if used == 0 {
            return Err(AppError::NotFound);
        }
        diesel::update(users::table.find(&r.user_id))
            .set((
                users::password_hash.eq(password_hash),
                users::version.eq(users::version + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        sessions::end_all_for_user(conn, &r.user_id)?;
        let user = accounts::find(conn, &r.user_id)?.ok_or(AppError::NotFound)?;
        let actor = AuditActor {
            kind: "user",
            id: Some(user.id.clone()),
            label: user.name.clone(),
            ip,
        };
        for org in accounts::memberships_of(conn, &user.id)? {
            audit::record(
                conn,
                now,
                &actor,
                Event::new(
                    Some(&org.organization_id),
                    "user.password_reset",
                    "user",
                    Some(&user.id),
                ),
            )?;
        }
        Ok(sessions::start(conn, now, &user.id)?)
    })
}

/// Forget requests older than a day (they no longer count).
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    db::write(conn, |conn| {
        diesel::delete(
            password_resets::table.filter(password_resets::created_at.lt(now - Duration::days(1))),
        )
        .execute(conn)
    })
}

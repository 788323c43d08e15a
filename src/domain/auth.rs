//! Logging in and out: credentials, throttling, and their audit events.
//!
//! An unknown e-mail and a wrong password take the same path: the same
//! argon2 verification (against a dummy hash), the same writes, the same
//! answer.
//!
//! Every password check is reserved before it is hashed: the throttle's
//! check and the attempt's row are one step (one write transaction, locked
//! per account and per address), and the row counts as a failure until the
//! check succeeds. So concurrent guesses cannot all slip under the limit,
//! and a throttled guess costs no argon2.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::AppState;
use crate::db::schema::login_attempts;
use crate::db::{self, DbConn, new_id};
use crate::domain::audit::{self, AuditActor, Event};
use crate::domain::{sessions, users, validate};
use crate::error::AppError;
use crate::password::Lane;

/// Failed attempts for one account within the window before it is throttled.
pub const ACCOUNT_LIMIT: usize = 5;
/// The throttling window.
pub const WINDOW_MINUTES: i64 = 15;

/// Why a password check did not succeed.
#[derive(Debug)]
pub enum LoginError {
    /// Wrong e-mail or wrong password: one answer for both.
    Invalid,
    /// Too many failures; try again after this many seconds.
    Throttled { retry_after_secs: i64 },
    /// The hasher's queue is full; try again after this many seconds (the
    /// attempt did not count).
    Busy { retry_after_secs: i64 },
    /// Something broke.
    Internal(AppError),
}

impl From<AppError> for LoginError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Busy { retry_after_secs } => LoginError::Busy { retry_after_secs },
            other => LoginError::Internal(other),
        }
    }
}

impl From<diesel::result::Error> for LoginError {
    fn from(e: diesel::result::Error) -> Self {
        LoginError::Internal(e.into())
    }
}

impl From<LoginError> for AppError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Invalid => AppError::Validation(crate::error::FieldErrors(vec![(
                "password",
                crate::error::ErrorCode::CurrentPassword,
            )])),
            LoginError::Throttled { retry_after_secs } => AppError::Throttled { retry_after_secs },
            LoginError::Busy { retry_after_secs } => AppError::Busy { retry_after_secs },
            LoginError::Internal(e) => e,
        }
    }
}

/// The account a password is checked against.
struct Target {
    user_id: String,
    name: String,
    hash: String,
    organizations: Vec<String>,
}

/// A password check reserved before hashing: its attempt row exists and
/// counts as a failure until [`settle`] says otherwise.
struct Reservation {
    attempt_id: String,
    email: String,
    ip: String,
    target: Option<Target>,
}

fn retry_after(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    ip: &str,
    ip_limit: usize,
) -> QueryResult<Option<i64>> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(true))
        .select(diesel::dsl::max(login_attempts::created_at))
        .first(conn)?;
    let account_since = last_success.map_or(since, |s| s.max(since));
    let account: Vec<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.ge(account_since))
        .order(login_attempts::created_at.desc())
        .limit(ACCOUNT_LIMIT as i64)
        .select(login_attempts::created_at)
        .load(conn)?;
    let by_ip: Vec<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.gt(since))
        .order(login_attempts::created_at.desc())
        .limit(ip_limit as i64)
        .select(login_attempts::created_at)
        .load(conn)?;
    Ok(longest_wait(
        &[(&account, ACCOUNT_LIMIT), (&by_ip, ip_limit)],
        now,
    ))
}

/// The seconds to wait before trying again, for throttles given as the
/// failures of their window (newest first) with their limit: the longest
/// wait of those at their limit, or `None`. Logins and client
/// authentication count the same way.
pub fn longest_wait(counts: &[(&[NaiveDateTime], usize)], now: NaiveDateTime) -> Option<i64> {
    counts
        .iter()
        .filter(|(times, limit)| times.len() >= *limit)
        .map(|(times, limit)| {
            (times[limit - 1] + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1)
        })
        .max()
}

fn load_target(conn: &mut DbConn, email: &str) -> QueryResult<Option<Target>> {
    let Some(user) = users::find_by_email(conn, email)? else {
        return Ok(None);
    };
    let organizations = users::memberships_of(conn, &user.id)?
        .into_iter()
        .map(|m| m.organization_id)
        .collect();
    Ok(Some(Target {
        user_id: user.id,
        name: user.name,
        hash: user.password_hash,
        organizations,
    }))
}

/// Check the throttle and reserve an attempt in one step; a throttled
/// account or address gets no row and no hashing.
fn reserve(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    ip: &str,
    ip_limit: usize,
) -> Result<Reservation, LoginError> {
    db::write(conn, |conn| {
        db::lock_keys(
            conn,
            &[&format!("login:account:{email}"), &format!("login:ip:{ip}")],
        )?;
        if let Some(secs) = retry_after(conn, now, email, ip, ip_limit)? {
            return Err(LoginError::Throttled {
                retry_after_secs: secs,
            });
        }
        let attempt_id = new_id();
        diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::id.eq(&attempt_id),
                login_attempts::email.eq(email),
                login_attempts::ip.eq(ip),
                login_attempts::succeeded.eq(false),
                login_attempts::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(Reservation {
            attempt_id,
            email: email.to_string(),
            ip: ip.to_string(),
            target: load_target(conn, email)?,
        })
    })
}

/// Take a reservation back: the check never ran (the hasher was busy).
fn release(conn: &mut DbConn, reservation: &Reservation) -> QueryResult<()> {
    db::write(conn, |conn| {
        diesel::delete(login_attempts::table.find(&reservation.attempt_id)).execute(conn)
    })?;
    Ok(())
}

/// Reserve, hash (people's lane), and take the reservation back when the
/// hasher is busy: the password's verdict, and the reservation to settle.
async fn check(
    app: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<(bool, Reservation), LoginError> {
    let now = app.clock.now();
    let ip_limit = app.config.login_ip_limit;
    let reservation = {
        let (email, ip) = (email.to_string(), ip.to_string());
        app.db(move |conn| Ok(reserve(conn, now, &email, &ip, ip_limit)))
            .await??
    };
    let hash = reservation.target.as_ref().map(|t| t.hash.clone());
    match app
        .passwords
        .verify(Lane::People, password.to_string(), hash)
        .await
    {
        Ok(ok) => Ok((ok, reservation)),
        Err(e) => {
            app.db(move |conn| Ok(release(conn, &reservation)?)).await?;
            Err(e.into())
        }
    }
}

/// Record a login's outcome: the attempt marked, the audit event in each of
/// the account's organisations, and on success a new login's token.
fn settle_login(
    conn: &mut DbConn,
    now: NaiveDateTime,
    r: &Reservation,
    succeeded: bool,
) -> Result<Option<String>, AppError> {
    db::write(conn, |conn| {
        if succeeded {
            diesel::update(login_attempts::table.find(&r.attempt_id))
                .set(login_attempts::succeeded.eq(true))
                .execute(conn)?;
        }
        let ip = Some(r.ip.clone());
        let actor = match &r.target {
            Some(t) => AuditActor {
                kind: "user",
                id: Some(t.user_id.clone()),
                label: t.name.clone(),
                ip,
            },
            None => AuditActor {
                kind: "anonymous",
                id: None,
                // What was typed in the e-mail field, unless it could be a
                // password typed in the wrong field.
                label: if validate::looks_like_email(&r.email) {
                    r.email.clone()
                } else {
                    "(invalid e-mail)".to_string()
                },
                ip,
            },
        };
        let action = if succeeded {
            "auth.login"
        } else {
            "auth.login_failed"
        };
        match &r.target {
            Some(t) if !t.organizations.is_empty() => {
                for org in &t.organizations {
                    audit::record(
                        conn,
                        now,
                        &actor,
                        Event::new(Some(org), action, "user", Some(&t.user_id)),
                    )?;
                }
            }
            target => audit::record(
                conn,
                now,
                &actor,
                Event::new(
                    None,
                    action,
                    "user",
                    target.as_ref().map(|t| t.user_id.as_str()),
                ),
            )?,
        }
        match (&r.target, succeeded) {
            (Some(t), true) => {
                diesel::update(crate::db::schema::users::table.find(&t.user_id))
                    .set(crate::db::schema::users::last_login_at.eq(now))
                    .execute(conn)?;
                Ok(Some(sessions::start(conn, now, &t.user_id)?))
            }
            _ => Ok(None),
        }
    })
}

/// The e-mail as logins compare it, or `None` when it cannot be anyone's
/// (too long to be an address: refused before anything is stored).
fn normalised(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    (email.chars().count() <= validate::MAX_LINE).then_some(email)
}

/// Check e-mail and password; on success a new login's session token.
pub async fn login(
    app: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<String, LoginError> {
    let email = normalised(email).ok_or(LoginError::Invalid)?;
    let (ok, reservation) = check(app, &email, password, ip).await?;
    let now = app.clock.now();
    app.db(move |conn| settle_login(conn, now, &reservation, ok))
        .await?
        .ok_or(LoginError::Invalid)
}

/// Is `password` the password of `email` (a logged-in user confirming a
/// change)? The same throttle as logging in, so a borrowed session cannot
/// guess the password either; a right password resets the account's count.
pub async fn confirm_password(
    app: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<(), LoginError> {
    let email = normalised(email).ok_or(LoginError::Invalid)?;
    let (ok, reservation) = check(app, &email, password, ip).await?;
    if !ok || reservation.target.is_none() {
        return Err(LoginError::Invalid);
    }
    app.db(move |conn| {
        db::write(conn, |conn| {
            diesel::update(login_attempts::table.find(&reservation.attempt_id))
                .set(login_attempts::succeeded.eq(true))
                .execute(conn)
        })?;
        Ok(())
    })
    .await?;
    Ok(())
}

/// End the login of `token` and record the logout.
pub fn logout(
    conn: &mut DbConn,
    now: NaiveDateTime,
    token: &str,
    actor: &AuditActor,
    organization_id: &str,
) -> QueryResult<()> {
    db::write(conn, |conn| {
        sessions::end(conn, token)?;
        audit::record(
            conn,
            now,
            actor,
            Event::new(
                Some(organization_id),
                "auth.logout",
                "user",
                actor.id.as_deref(),
            ),
        )
    })
}

/// Forget attempts older than a day (they no longer count).
pub fn purge_old_attempts(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    db::write(conn, |conn| {
        diesel::delete(
            login_attempts::table.filter(login_attempts::created_at.lt(now - Duration::days(1))),
        )
        .execute(conn)
    })
}

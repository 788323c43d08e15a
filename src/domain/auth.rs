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

use crate::db::schema::login_attempts;
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
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

/// What checking a password or a secret needs: the database threads, the
/// hasher, the moment, and the per-address limit of failures.
pub struct Checks<'a> {
    pub db: &'a db::Executor,
    pub passwords: &'a crate::password::Passwords,
    pub now: NaiveDateTime,
    pub ip_limit: usize,
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

/// A reservation whose check has run this long is counted as a failure
/// even if it was never settled (its process died).
const PENDING_SECS: i64 = 60;

/// One counted attempt of a throttle's window: when, and whether its check
/// is still running.
pub type Counted = (NaiveDateTime, bool);

/// The seconds to wait before trying again, for throttles given as their
/// window's attempts (newest first, at most the limit) with their limit:
/// the longest wait of those at their limit, or `None`. A limit reached
/// only thanks to checks still running waits a second (they may succeed);
/// otherwise until the oldest counted failure leaves the window. Logins and
/// client authentication count the same way.
pub fn longest_wait(counts: &[(&[Counted], usize)], now: NaiveDateTime) -> Option<i64> {
    let recent = now - Duration::seconds(PENDING_SECS);
    counts
        .iter()
        .filter(|(rows, limit)| rows.len() >= *limit)
        .map(|(rows, limit)| {
            let settled: Vec<NaiveDateTime> = rows
                .iter()
                .filter(|(at, pending)| !pending || *at <= recent)
                .map(|(at, _)| *at)
                .collect();
            match settled.get(limit - 1) {
                Some(oldest) => (*oldest + Duration::minutes(WINDOW_MINUTES) - now)
                    .num_seconds()
                    .max(1),
                None => 1,
            }
        })
        .max()
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
    let account: Vec<Counted> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.ge(account_since))
        .order(login_attempts::created_at.desc())
        .limit(ACCOUNT_LIMIT as i64)
        .select((login_attempts::created_at, login_attempts::pending))
        .load(conn)?;
    let by_ip: Vec<Counted> = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.gt(since))
        .order(login_attempts::created_at.desc())
        .limit(ip_limit as i64)
        .select((login_attempts::created_at, login_attempts::pending))
        .load(conn)?;
    Ok(longest_wait(
        &[(&account, ACCOUNT_LIMIT), (&by_ip, ip_limit)],
        now,
    ))
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
/// account or address gets no row and no hashing. A first look outside the
/// write transaction turns most refusals away without taking the write
/// lock, which the attempts being settled need.
fn reserve(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    ip: &str,
    ip_limit: usize,
) -> Result<Reservation, LoginError> {
    if let Some(secs) = retry_after(conn, now, email, ip, ip_limit)? {
        return Err(LoginError::Throttled {
            retry_after_secs: secs,
        });
    }
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
                login_attempts::pending.eq(true),
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

/// Record the check's verdict on its reservation: no longer pending, and a
/// success (which also ends the account's count) or a failure.
fn settle(conn: &mut DbConn, r: &Reservation, succeeded: bool) -> QueryResult<usize> {
    diesel::update(login_attempts::table.find(&r.attempt_id))
        .set((
            login_attempts::succeeded.eq(succeeded),
            login_attempts::pending.eq(false),
        ))
        .execute(conn)
}

/// Take a reservation back: the check never ran (the hasher was busy).
fn release(conn: &mut DbConn, reservation: &Reservation) -> QueryResult<()> {
    db::write(conn, |conn| {
        diesel::delete(login_attempts::table.find(&reservation.attempt_id)).execute(conn)
    })?;
    Ok(())
}

/// Take a place in the hasher (people's lane; a full queue refuses at once),
/// reserve, hash, and take the reservation back when the check does not
/// run: the password's verdict, and the reservation to settle.
async fn check(
    checks: &Checks<'_>,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<(bool, Reservation), LoginError> {
    let now = checks.now;
    let ip_limit = checks.ip_limit;
    let place = checks.passwords.admit(Lane::People)?;
    let reservation = {
        let (email, ip) = (email.to_string(), ip.to_string());
        checks
            .db
            .run(move |conn| Ok(reserve(conn, now, &email, &ip, ip_limit)))
            .await??
    };
    let hash = reservation.target.as_ref().map(|t| t.hash.clone());
    match checks
        .passwords
        .verify(&place, password.to_string(), hash)
        .await
    {
        Ok(ok) => Ok((ok, reservation)),
        Err(e) => {
            checks
                .db
                .run(move |conn| Ok(release(conn, &reservation)?))
                .await?;
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
        settle(conn, r, succeeded)?;
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
                // The login keeps the last one before it, then becomes it.
                let token = sessions::start(conn, now, &t.user_id)?;
                diesel::update(crate::db::schema::users::table.find(&t.user_id))
                    .set(crate::db::schema::users::last_login_at.eq(now))
                    .execute(conn)?;
                Ok(Some(token))
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
    checks: &Checks<'_>,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<String, LoginError> {
    let email = normalised(email).ok_or(LoginError::Invalid)?;
    let (ok, reservation) = check(checks, &email, password, ip).await?;
    let now = checks.now;
    checks
        .db
        .run(move |conn| settle_login(conn, now, &reservation, ok))
        .await?
        .ok_or(LoginError::Invalid)
}

/// Is `password` the password of `email` (a logged-in user confirming a
/// change)? The same throttle as logging in, so a borrowed session cannot
/// guess the password either; a right password resets the account's count.
pub async fn confirm_password(
    checks: &Checks<'_>,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<(), LoginError> {
    let email = normalised(email).ok_or(LoginError::Invalid)?;
    let (ok, reservation) = check(checks, &email, password, ip).await?;
    let ok = ok && reservation.target.is_some();
    checks
        .db
        .run(move |conn| Ok(db::write(conn, |conn| settle(conn, &reservation, ok))?))
        .await?;
    if ok { Ok(()) } else { Err(LoginError::Invalid) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_reached_by_running_checks_waits_a_second() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let ago = |s: i64| now - Duration::seconds(s);
        // Under the limit: no wait.
        assert_eq!(longest_wait(&[(&[(ago(1), false)], 2)], now), None);
        // Settled failures: until the oldest counted one leaves the window.
        let settled = [(ago(10), false), (ago(100), false)];
        assert_eq!(
            longest_wait(&[(&settled, 2)], now),
            Some(WINDOW_MINUTES * 60 - 100)
        );
        // Reached only with checks still running: a second.
        let running = [(ago(0), true), (ago(100), false)];
        assert_eq!(longest_wait(&[(&running, 2)], now), Some(1));
        // A check "running" for over a minute died with its process: a failure.
        let stale = [(ago(PENDING_SECS + 1), true), (ago(100), false)];
        assert_eq!(
            longest_wait(&[(&stale, 2)], now),
            Some(WINDOW_MINUTES * 60 - 100)
        );
        // Several throttles: the longest wait.
        assert_eq!(
            longest_wait(&[(&running, 2), (&settled, 2)], now),
            Some(WINDOW_MINUTES * 60 - 100)
        );
    }
}

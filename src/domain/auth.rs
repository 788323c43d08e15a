//! Logging in and out: credentials, throttling, and their audit events.
//!
//! An unknown e-mail and a wrong password take the same path: the same
//! argon2 verification (against a dummy hash), the same writes, the same
//! answer.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::AppState;
use crate::db::schema::login_attempts;
use crate::db::{self, DbConn, new_id};
use crate::domain::audit::{self, AuditActor, Event};
use crate::domain::{sessions, users};
use crate::error::AppError;

/// Failed attempts for one account within the window before it is throttled.
pub const ACCOUNT_LIMIT: usize = 5;
/// The throttling window.
pub const WINDOW_MINUTES: i64 = 15;

/// Why a login did not succeed.
#[derive(Debug)]
pub enum LoginError {
    /// Wrong e-mail, wrong password or disabled account: one answer for all.
    Invalid,
    /// Too many failures; try again after this many seconds.
    Throttled { retry_after_secs: i64 },
    /// Something broke.
    Internal(AppError),
}

impl From<AppError> for LoginError {
    fn from(e: AppError) -> Self {
        LoginError::Internal(e)
    }
}

struct Target {
    user_id: String,
    name: String,
    hash: String,
    disabled: bool,
    organizations: Vec<String>,
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
        .filter(login_attempts::created_at.gt(account_since))
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
    let wait = |times: &[NaiveDateTime], limit: usize| {
        (times.len() >= limit).then(|| {
            let oldest = times[limit - 1];
            (oldest + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1)
        })
    };
    Ok(
        match (wait(&account, ACCOUNT_LIMIT), wait(&by_ip, ip_limit)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        },
    )
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
        disabled: user.disabled,
        organizations,
    }))
}

fn record_attempt(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    ip: &str,
    target: Option<&Target>,
    succeeded: bool,
) -> Result<Option<String>, AppError> {
    db::write(conn, |conn| {
        diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::id.eq(new_id()),
                login_attempts::email.eq(email),
                login_attempts::ip.eq(ip),
                login_attempts::succeeded.eq(succeeded),
                login_attempts::created_at.eq(now),
            ))
            .execute(conn)?;
        let actor = match target {
            Some(t) => AuditActor {
                kind: "user",
                id: Some(t.user_id.clone()),
                label: t.name.clone(),
                ip: Some(ip.to_string()),
            },
            None => AuditActor {
                kind: "anonymous",
                id: None,
                // What was typed in the e-mail field, unless it could be a
                // password typed in the wrong field.
                label: if crate::domain::validate::looks_like_email(email) {
                    email.to_string()
                } else {
                    "(invalid e-mail)".to_string()
                },
                ip: Some(ip.to_string()),
            },
        };
        let action = if succeeded {
            "auth.login"
        } else {
            "auth.login_failed"
        };
        match target {
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
            _ => audit::record(
                conn,
                now,
                &actor,
                Event::new(None, action, "user", target.map(|t| t.user_id.as_str())),
            )?,
        }
        if succeeded && let Some(t) = target {
            diesel::update(crate::db::schema::users::table.find(&t.user_id))
                .set(crate::db::schema::users::last_login_at.eq(now))
                .execute(conn)?;
            return Ok(Some(sessions::start(conn, now, &t.user_id)?));
        }
        Ok(None)
    })
}

/// Check e-mail and password; on success a new login's session token.
pub async fn login(
    app: &AppState,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<String, LoginError> {
    let email = email.trim().to_lowercase();
    let now = app.clock.now();
    let ip_limit = app.config.login_ip_limit;
    let (throttle, target) = {
        let (email, ip) = (email.clone(), ip.to_string());
        app.db(move |conn| {
            Ok((
                retry_after(conn, now, &email, &ip, ip_limit)?,
                load_target(conn, &email)?,
            ))
        })
        .await?
    };
    if let Some(secs) = throttle {
        return Err(LoginError::Throttled {
            retry_after_secs: secs,
        });
    }
    let ok = app
        .passwords
        .verify(
            password.to_string(),
            target.as_ref().map(|t| t.hash.clone()),
        )
        .await?;
    let ok = ok && target.as_ref().is_some_and(|t| !t.disabled);
    let ip = ip.to_string();
    app.db(move |conn| record_attempt(conn, now, &email, &ip, target.as_ref(), ok))
        .await?
        .ok_or(LoginError::Invalid)
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

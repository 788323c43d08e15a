//! Operators: the people who run Portaal itself. The role is a flag on the
//! account (`users.operator`), set only from the command line (`portaal
//! operator grant|revoke`, `create-admin --operator`), never from a tenant's
//! screen; each change is audited. An [`Operator`] is the proof a platform
//! query asks for, made only from a login that holds the flag.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::users;
use crate::db::{self, DbConn};
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::sessions::LoginUser;
use crate::domain::users::find_by_email;
use crate::error::AppError;

/// A signed-in operator: the one way into the platform's queries.
#[derive(Debug, Clone)]
pub struct Operator {
    /// The user's id.
    pub user_id: String,
    /// The user's name (as the audit log shows the operator).
    pub name: String,
    /// Where the request came from.
    pub ip: Option<String>,
}

impl Operator {
    /// The operator behind `user`; anyone else gets [`AppError::NotFound`]
    /// (the platform is not seen by those who may not use it).
    pub fn of(user: &LoginUser, ip: Option<String>) -> Result<Self, AppError> {
        if !user.operator {
            return Err(AppError::NotFound);
        }
        Ok(Self {
            user_id: user.id.clone(),
            name: user.name.clone(),
            ip,
        })
    }

    /// Who the audit log names for the operator's actions.
    pub fn audit(&self) -> AuditActor {
        AuditActor {
            kind: "user",
            id: Some(self.user_id.clone()),
            label: self.name.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// What the audit log keeps of a change of the flag.
#[derive(Serialize)]
struct OperatorView<'a> {
    email: &'a str,
    operator: bool,
}

/// Make the user with `email` an operator (`on`) or not, as `actor` (the
/// command line). Returns whether anything changed: granting twice is
/// harmless and records nothing the second time. An unknown address is
/// [`AppError::NotFound`].
pub fn set(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    email: &str,
    on: bool,
) -> Result<bool, AppError> {
    db::write(conn, |conn| {
        let user = find_by_email(conn, email)?.ok_or(AppError::NotFound)?;
        set_in(conn, now, actor, &user.id, &user.email, on)
    })
}

/// [`set`] for a known user, inside the caller's write transaction.
pub fn set_in(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    user_id: &str,
    email: &str,
    on: bool,
) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(user_id).filter(users::operator.eq(!on)))
        .set((users::operator.eq(on), users::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    let action = if on {
        "user.operator_granted"
    } else {
        "user.operator_revoked"
    };
    audit::record(
        conn,
        now,
        actor,
        Event::new(None, action, "user", Some(user_id)).values(
            Some(&OperatorView {
                email,
                operator: !on,
            }),
            Some(&OperatorView {
                email,
                operator: on,
            }),
        ),
    )?;
    Ok(true)
}

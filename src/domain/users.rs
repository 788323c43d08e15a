//! Users, their memberships, and the ways accounts come to exist (setup, the
//! `create-admin` command, demo data).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{data_versions, memberships, organizations, users};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::organizations::{self as orgs, Organization};
use crate::domain::scopes::Role;
use crate::domain::sessions::{MembershipChoice, membership_columns, sort_by_name};
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Lang;

/// A user row. The password hash never leaves the domain in a view.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub language: Option<String>,
    pub last_login_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Runs Portaal itself (see `domain::operators`).
    pub operator: bool,
}

/// What the audit log keeps of a user: no password hash.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub language: Option<&'a str>,
}

impl User {
    /// The audit view.
    pub fn view(&self) -> UserView<'_> {
        UserView {
            email: &self.email,
            name: &self.name,
            language: self.language.as_deref(),
        }
    }

    /// The language the user chose, if any.
    pub fn lang(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::from_code)
    }
}

/// Load a user by id.
pub fn find(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(user_id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Load a user by e-mail (lower-cased).
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The organisations of a user, by name.
pub fn memberships_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<MembershipChoice>> {
    let mut rows = crate::db::direct!(conn, |c| memberships::table
        .inner_join(organizations::table.left_join(data_versions::table))
        .left_join(crate::domain::sessions::subscriptions_current())
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::disabled.eq(false))
        .select(membership_columns())
        .load(c))?;
    sort_by_name(&mut rows);
    Ok(rows)
}

/// Are there any users at all? (Setup exists only while there are none.)
pub fn any_exist(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(conn)
}

/// How many members an organisation has.
pub fn member_count(conn: &mut DbConn, organization_id: &str) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .count()
        .get_result(conn)
}

/// Insert a user; a taken e-mail is a field error. Audited in `organization_id`.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    organization_id: Option<&str>,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<User, AppError> {
    if find_by_email(conn, email)?.is_some() {
        return Err(AppError::Validation(FieldErrors(vec![(
            "email",
            ErrorCode::EmailTaken,
        )])));
    }
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(email.trim().to_lowercase()),
            users::name.eq(name.trim()),
            users::password_hash.eq(password_hash),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    let user = find(conn, &id)?.ok_or(AppError::NotFound)?;
    audit::record(
        conn,
        now,
        actor,
        Event::new(organization_id, "user.created", "user", Some(&id))
            .values(None::<&()>, Some(&user.view())),
    )?;
    Ok(user)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MembershipView<'a> {
    user_id: &'a str,
    role: &'a str,
}

/// Give `user_id` a membership in `organization_id` with `role`; audited.
pub fn add_membership(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    organization_id: &str,
    user_id: &str,
    role: Role,
) -> QueryResult<()> {
    let id = new_id();
    diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(&id),
            memberships::organization_id.eq(organization_id),
            memberships::user_id.eq(user_id),
            memberships::role.eq(role.as_str()),
            memberships::created_at.eq(now),
            memberships::updated_at.eq(now),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        now,
        actor,
        Event::new(
            Some(organization_id),
            "membership.created",
            "membership",
            Some(&id),
        )
        .values(
            None::<&()>,
            Some(&MembershipView {
                user_id,
                role: role.as_str(),
            }),
        ),
    )?;
    crate::domain::subscriptions::follow_members_in_trial(conn, organization_id)?;
    Ok(())
}

/// The setup form, validated.
pub struct SetupInput {
    pub organization_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
}

impl SetupInput {
    /// Field errors, if any.
    pub fn validate(&mut self) -> FieldErrors {
        let mut e = FieldErrors::default();
        self.organization_name = validate::required(
            &mut e,
            "organization_name",
            &self.organization_name,
            validate::MAX_LINE,
        );
        self.name = validate::required(&mut e, "name", &self.name, validate::MAX_LINE);
        self.email = validate::email(&mut e, "email", &self.email);
        validate::new_password(
            &mut e,
            "password",
            "password_confirm",
            &self.password,
            &self.password_confirm,
        );
        e
    }
}

/// Most organisations one person may start (an abuse guard: each one is a
/// trial of its own).
pub const MAX_STARTED_PER_USER: i64 = 20;

/// "New organisation": a signed-in member starts another organisation, of
/// which they become the admin (with a trial of `trial_days`). The seed's
/// `POST /organizations`. Audited in the new organisation.
pub fn start_organization(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    name: &str,
    trial_days: i64,
) -> Result<Organization, AppError> {
    let mut e = FieldErrors::default();
    let name = validate::required(&mut e, "name", name, validate::MAX_LINE);
    e.into_result()?;
    let audit_actor = actor.audit();
    crate::db::write(conn, |conn| {
        let user_id = new_organizations_admin(conn, actor)?;
        let started: i64 = crate::db::schema::audit_events::table
            .filter(crate::db::schema::audit_events::action.eq("organization.started"))
            .filter(crate::db::schema::audit_events::actor_id.eq(&user_id))
            .count()
            .get_result(conn)?;
        if started >= MAX_STARTED_PER_USER {
            return Err(AppError::Validation(FieldErrors(vec![(
                "name",
                ErrorCode::TooManyOrganizations(MAX_STARTED_PER_USER),
            )])));
        }
        let org = orgs::create(conn, now, &audit_actor, &name, false, trial_days)?;
        add_membership(
            conn,
            now,
            &audit_actor,
            &org.id,
            &user_id,
            crate::domain::scopes::Role::Backoffice,
        )?;
        audit::record(
            conn,
            now,
            &audit_actor,
            Event::new(
                Some(&org.id),
                "organization.started",
                "organization",
                Some(&org.id),
            ),
        )?;
        Ok(org)
    })
}

/// Who becomes the admin of an organisation `actor` starts: the member
/// themself, or, for an API client (the seed's `POST /organizations`), the
/// person who created the client while they are still an enabled admin of
/// its organisation; otherwise nobody could ever sign in to the new one, so
/// it is refused.
fn new_organizations_admin(conn: &mut DbConn, actor: &Actor) -> Result<String, AppError> {
    use crate::db::schema::{api_clients, memberships};
    let creator = match &actor.kind {
        crate::domain::actor::ActorKind::Member { user_id, .. } => return Ok(user_id.clone()),
        crate::domain::actor::ActorKind::ApiClient { id, .. } => api_clients::table
            .find(id)
            .filter(api_clients::organization_id.eq(&actor.organization_id))
            .select(api_clients::created_by_id)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten(),
    };
    let admin = match creator {
        Some(user_id) => memberships::table
            .filter(memberships::organization_id.eq(&actor.organization_id))
            .filter(memberships::user_id.eq(&user_id))
            .filter(memberships::role.eq(crate::domain::scopes::Role::Backoffice.as_str()))
            .filter(memberships::disabled.eq(false))
            .select(memberships::user_id)
            .first::<String>(conn)
            .optional()?,
        None => None,
    };
    admin.ok_or(AppError::Validation(FieldErrors(vec![(
        "name",
        ErrorCode::NoAdminForNewOrganization,
    )])))
}

/// Create the first organisation and its admin, only while no user exists
/// (checked again inside the transaction, so two racing requests cannot both
/// succeed). Returns the new user and the token of their first login.
pub fn setup_first(
    conn: &mut DbConn,
    now: NaiveDateTime,
    ip: Option<String>,
    input: &SetupInput,
    password_hash: &str,
    trial_days: i64,
) -> Result<(User, String), AppError> {
    db::write(conn, |conn| {
        if any_exist(conn)? {
            return Err(AppError::NotFound);
        }
        let mut actor = AuditActor {
            kind: "anonymous",
            id: None,
            label: input.email.clone(),
            ip,
        };
        let org = orgs::create(
            conn,
            now,
            &actor,
            &input.organization_name,
            false,
            trial_days,
        )?;
        let user = create(
            conn,
            now,
            &actor,
            Some(&org.id),
            &input.email,
            &input.name,
            password_hash,
        )?;
        actor = AuditActor {
            kind: "user",
            id: Some(user.id.clone()),
            label: user.name.clone(),
            ip: actor.ip,
        };
        add_membership(conn, now, &actor, &org.id, &user.id, Role::Backoffice)?;
        audit::record(
            conn,
            now,
            &actor,
            Event::new(
                Some(&org.id),
                "setup.completed",
                "organization",
                Some(&org.id),
            ),
        )?;
        let token = crate::domain::sessions::start(conn, now, &user.id)?;
        Ok((user, token))
    })
}

/// `portaal create-admin`: the organisation (found by name or created) gets
/// the user (found by e-mail or created) as `TENANT.BACKOFFICE`.
pub fn create_admin(
    conn: &mut DbConn,
    now: NaiveDateTime,
    email: &str,
    organization_name: &str,
    password_hash: &str,
    trial_days: i64,
) -> Result<(Organization, User), AppError> {
    let mut e = FieldErrors::default();
    let email = validate::email(&mut e, "email", email);
    let org_name = validate::required(
        &mut e,
        "organization",
        organization_name,
        validate::MAX_LINE,
    );
    e.into_result()?;
    let actor = AuditActor::system("create-admin");
    db::write(conn, |conn| {
        let org = match orgs::find_by_slug(conn, &orgs::slugify(&org_name))? {
            Some(org) if org.name == org_name => org,
            _ => orgs::create(conn, now, &actor, &org_name, false, trial_days)?,
        };
        let user = match find_by_email(conn, &email)? {
            Some(user) => user,
            None => {
                let name = email.split('@').next().unwrap_or(&email).to_string();
                create(
                    conn,
                    now,
                    &actor,
                    Some(&org.id),
                    &email,
                    &name,
                    password_hash,
                )?
            }
        };
        let existing: Option<String> = memberships::table
            .filter(memberships::organization_id.eq(&org.id))
            .filter(memberships::user_id.eq(&user.id))
            .select(memberships::id)
            .first(conn)
            .optional()?;
        match existing {
            Some(id) => {
                diesel::update(memberships::table.find(&id))
                    .set((
                        memberships::role.eq(Role::Backoffice.as_str()),
                        memberships::updated_at.eq(now),
                        memberships::version.eq(memberships::version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &actor,
                    Event::new(
                        Some(&org.id),
                        "membership.role_changed",
                        "membership",
                        Some(&id),
                    )
                    .values(
                        None::<&()>,
                        Some(&MembershipView {
                            user_id: &user.id,
                            role: Role::Backoffice.as_str(),
                        }),
                    ),
                )?;
            }
            None => add_membership(conn, now, &actor, &org.id, &user.id, Role::Backoffice)?,
        }
        Ok((org, user))
    })
}

/// The account form: name and language choice.
pub struct ProfileInput {
    pub name: String,
    /// `None`: follow the browser.
    pub language: Option<Lang>,
    pub version: i32,
}

/// Save the actor's own name and language, with a version check.
pub fn update_profile(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    input: &ProfileInput,
) -> Result<User, AppError> {
    let user_id = actor.user_id().ok_or(AppError::NotFound)?.to_string();
    let mut e = FieldErrors::default();
    let name = validate::required(&mut e, "name", &input.name, validate::MAX_LINE);
    e.into_result()?;
    db::write(conn, |conn| {
        let before = find(conn, &user_id)?.ok_or(AppError::NotFound)?;
        if before.version != input.version {
            return Err(AppError::Conflict);
        }
        diesel::update(users::table.find(&user_id))
            .set((
                users::name.eq(&name),
                users::language.eq(input.language.map(Lang::code)),
                users::version.eq(before.version + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &user_id)?.ok_or(AppError::NotFound)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&actor.organization_id),
                "user.profile_updated",
                "user",
                Some(&user_id),
            )
            .values(Some(&before.view()), Some(&after.view())),
        )?;
        // The name shows in every organisation of the user (meetings, the
        // week view): their cached pages are outdated too.
        let others: Vec<String> = memberships::table
            .filter(memberships::user_id.eq(&user_id))
            .filter(memberships::organization_id.ne(&actor.organization_id))
            .select(memberships::organization_id)
            .load(conn)?;
        for org in &others {
            audit::raise_data_version(conn, org)?;
        }
        Ok(after)
    })
}

/// Remember the language a user picked in the header switch.
pub fn set_language(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    lang: Lang,
) -> Result<(), AppError> {
    let user_id = actor.user_id().ok_or(AppError::NotFound)?;
    let user = find(conn, user_id)?.ok_or(AppError::NotFound)?;
    if user.lang() != Some(lang) {
        let input = ProfileInput {
            name: user.name,
            language: Some(lang),
            version: user.version,
        };
        update_profile(conn, now, actor, &input)?;
    }
    Ok(())
}

/// Store a new password hash and end every login of the user; returns the
/// token of a fresh login for the browser that made the change, which
/// carries on its login `token` (and so keeps the login before it).
pub fn change_password(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    token: &str,
    new_hash: &str,
) -> Result<String, AppError> {
    let user_id = actor.user_id().ok_or(AppError::NotFound)?.to_string();
    db::write(conn, |conn| {
        let updated = diesel::update(users::table.find(&user_id))
            .set((
                users::password_hash.eq(new_hash),
                users::version.eq(users::version + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(AppError::NotFound);
        }
        let previous = crate::domain::sessions::previous_login_at(conn, token)?;
        crate::domain::sessions::end_all_for_user(conn, &user_id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&actor.organization_id),
                "user.password_changed",
                "user",
                Some(&user_id),
            ),
        )?;
        Ok(crate::domain::sessions::start_after(
            conn, now, &user_id, previous,
        )?)
    })
}

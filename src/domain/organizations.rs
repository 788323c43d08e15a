//! Organisations (tenants).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::organizations;
use crate::db::{DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Lang;

/// An organisation row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = organizations)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    #[serde(rename = "type")]
    pub org_type: String,
    pub status: String,
    pub stripe_customer_id: Option<String>,
    pub manual_billing: bool,
    pub database_status: Option<String>,
    pub demo: bool,
    pub production_like: bool,
    pub default_language: String,
    pub time_zone: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    #[serde(skip)]
    pub mail_footer: String,
}

/// The default time zone of a new organisation.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

/// A slug from a name: lower-case ASCII letters, digits and dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "organisatie".to_string()
    } else {
        slug
    }
}

/// Find by slug.
pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Organization>> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// Create an organisation with a free slug derived from `name`, and its
/// trial of `trial_days` on the default plan; audited.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    name: &str,
    demo: bool,
    trial_days: i64,
) -> QueryResult<Organization> {
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 1;
    while find_by_slug(conn, &slug)?.is_some() {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let id = new_id();
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&id),
            organizations::name.eq(name),
            organizations::slug.eq(&slug),
            organizations::demo.eq(demo),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    let org = organizations::table
        .find(&id)
        .select(Organization::as_select())
        .first(conn)?;
    audit::record(
        conn,
        now,
        actor,
        Event::new(Some(&id), "organization.created", "organization", Some(&id))
            .values(None::<&()>, Some(&org)),
    )?;
    crate::domain::subscriptions::start_trial(conn, now, actor, &id, trial_days)?;
    Ok(org)
}

/// The organisation's time zone (UTC if the stored name is unknown).
pub fn time_zone_of(conn: &mut DbConn, id: &str) -> Result<chrono_tz::Tz, AppError> {
    let name: String = organizations::table
        .find(id)
        .select(organizations::time_zone)
        .first(conn)?;
    Ok(name.parse().unwrap_or(chrono_tz::UTC))
}

/// An organisation by id (for what every caller may know of its own).
pub fn by_id(conn: &mut DbConn, id: &str) -> Result<Organization, AppError> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)?)
}

/// Load the actor's own organisation.
pub fn own(conn: &mut DbConn, actor: &Actor) -> Result<Organization, AppError> {
    actor.require(Operation::OrganizationGet)?;
    Ok(organizations::table
        .find(&actor.organization_id)
        .select(Organization::as_select())
        .first(conn)?)
}

/// The settings form.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub name: String,
    pub slug: String,
    pub default_language: String,
    pub time_zone: String,
    pub version: i32,
}

/// Longest slug.
pub const MAX_SLUG: usize = 63;

impl SettingsInput {
    /// Field errors, if any; trims in place.
    pub fn validate(&mut self) -> FieldErrors {
        let mut e = FieldErrors::default();
        self.name = validate::required(&mut e, "name", &self.name, validate::MAX_LINE);
        self.slug = validate::required(&mut e, "slug", &self.slug, MAX_SLUG);
        if e.get("slug").is_none()
            && !self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            e.add("slug", ErrorCode::InvalidSlug);
        }
        if Lang::from_code(&self.default_language).is_none_or(|l| l.code() != self.default_language)
        {
            e.add("default_language", ErrorCode::InvalidChoice);
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            e.add("time_zone", ErrorCode::InvalidChoice);
        }
        e
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsView<'a> {
    name: &'a str,
    slug: &'a str,
    default_language: &'a str,
    time_zone: &'a str,
}

impl Organization {
    fn settings_view(&self) -> SettingsView<'_> {
        SettingsView {
            name: &self.name,
            slug: &self.slug,
            default_language: &self.default_language,
            time_zone: &self.time_zone,
        }
    }
}

/// Save the organisation's settings with a version check (stale → 409).
pub fn update_settings(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    input: &SettingsInput,
) -> Result<Organization, AppError> {
    actor.require(Operation::OrganizationUpdate)?;
    let mut input = input.clone();
    input.validate().into_result()?;
    let id = actor.organization_id.clone();
    crate::db::write(conn, |conn| {
        let before = own(conn, actor)?;
        if before.version != input.version {
            return Err(AppError::Conflict);
        }
        let taken: Option<String> = organizations::table
            .filter(organizations::slug.eq(&input.slug))
            .filter(organizations::id.ne(&id))
            .select(organizations::id)
            .first(conn)
            .optional()?;
        if taken.is_some() {
            return Err(AppError::Validation(FieldErrors(vec![(
                "slug",
                ErrorCode::SlugTaken,
            )])));
        }
        diesel::update(organizations::table.find(&id))
            .set((
                organizations::name.eq(&input.name),
                organizations::slug.eq(&input.slug),
                organizations::default_language.eq(&input.default_language),
                organizations::time_zone.eq(&input.time_zone),
                organizations::version.eq(before.version + 1),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(|e| {
                if crate::db::is_unique_violation(&e) {
                    AppError::Validation(FieldErrors(vec![("slug", ErrorCode::SlugTaken)]))
                } else {
                    e.into()
                }
            })?;
        let after = own(conn, actor)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&id), "organization.updated", "organization", Some(&id))
                .values(Some(&before.settings_view()), Some(&after.settings_view())),
        )?;
        Ok(after)
    })
}

/// What clearing removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cleared {
    pub meetings: usize,
    pub locations: usize,
    pub customers: usize,
    pub api_clients: usize,
    pub invitations: usize,
    pub mails: usize,
    pub images: usize,
}

/// Remove a demo organisation's demo records (meetings, locations, customers
/// with their contacts, API clients, invitations, mails, logo and icon;
/// people and settings stay) after its exact name was
/// typed. Only for organisations marked demo.
pub fn clear_demo_data(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    confirmation: &str,
) -> Result<Cleared, AppError> {
    use crate::db::schema::{
        api_clients, customers, invitations, locations, mail_outbox, meetings, organization_images,
    };
    actor.require(Operation::OrganizationClear)?;
    let id = actor.organization_id.clone();
    crate::db::write(conn, |conn| {
        let org: Organization = organizations::table
            .find(&id)
            .select(Organization::as_select())
            .first(conn)?;
        if !org.demo {
            return Err(AppError::NotFound);
        }
        if confirmation.trim() != org.name {
            return Err(AppError::Validation(FieldErrors(vec![(
                "confirm_name",
                ErrorCode::ConfirmationMismatch,
            )])));
        }
        let cleared = Cleared {
            meetings: diesel::delete(meetings::table.filter(meetings::organization_id.eq(&id)))
                .execute(conn)?,
            locations: diesel::delete(locations::table.filter(locations::organization_id.eq(&id)))
                .execute(conn)?,
            // Contacts and their extensions go with their customer.
            customers: diesel::delete(customers::table.filter(customers::organization_id.eq(&id)))
                .execute(conn)?,
            api_clients: diesel::delete(
                api_clients::table.filter(api_clients::organization_id.eq(&id)),
            )
            .execute(conn)?,
            invitations: diesel::delete(
                invitations::table.filter(invitations::organization_id.eq(&id)),
            )
            .execute(conn)?,
            mails: diesel::delete(mail_outbox::table.filter(mail_outbox::organization_id.eq(&id)))
                .execute(conn)?,
            images: diesel::delete(
                organization_images::table.filter(organization_images::organization_id.eq(&id)),
            )
            .execute(conn)?,
        };
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&id), "organization.cleared", "organization", Some(&id))
                .values(None::<&()>, Some(&cleared)),
        )?;
        Ok(cleared)
    })
}

/// Longest mail footer source.
pub const MAX_FOOTER: usize = 2000;

/// Save the mail footer (the small Markdown subset of `domain::markdown`)
/// with a version check.
pub fn update_mail_footer(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    footer: &str,
    version: i32,
) -> Result<Organization, AppError> {
    actor.require(Operation::OrganizationMailFooterUpdate)?;
    let footer = footer.replace("\r\n", "\n").trim().to_string();
    if footer.chars().count() > MAX_FOOTER {
        return Err(AppError::Validation(FieldErrors(vec![(
            "mail_footer",
            ErrorCode::TooLong(MAX_FOOTER),
        )])));
    }
    let id = actor.organization_id.clone();
    crate::db::write(conn, |conn| {
        let before: Organization = organizations::table
            .find(&id)
            .select(Organization::as_select())
            .first(conn)?;
        if before.version != version {
            return Err(AppError::Conflict);
        }
        diesel::update(organizations::table.find(&id))
            .set((
                organizations::mail_footer.eq(&footer),
                organizations::version.eq(before.version + 1),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Footer<'a> {
            mail_footer: &'a str,
        }
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&id),
                "organization.mail_footer_updated",
                "organization",
                Some(&id),
            )
            .values(
                Some(&Footer {
                    mail_footer: &before.mail_footer,
                }),
                Some(&Footer {
                    mail_footer: &footer,
                }),
            ),
        )?;
        Ok(organizations::table
            .find(&id)
            .select(Organization::as_select())
            .first(conn)?)
    })
}

/// The organisation as seen by anyone who may read it or its mail footer.
pub fn own_for_footer(conn: &mut DbConn, actor: &Actor) -> Result<Organization, AppError> {
    actor.require(Operation::OrganizationMailFooterGet)?;
    Ok(organizations::table
        .find(&actor.organization_id)
        .select(Organization::as_select())
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slugify("Demo BV"), "demo-bv");
        assert_eq!(super::slugify("  Café  Noord!! "), "cafe-noord");
        assert_eq!(super::slugify("!!!"), "organisatie");
    }
}

//! Organisations (tenants).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::organizations;
use crate::db::{DbConn, new_id};
use crate::domain::audit::{self, AuditActor, Event};

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

/// Create an organisation with a free slug derived from `name`; audited.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    name: &str,
    demo: bool,
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
    Ok(org)
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

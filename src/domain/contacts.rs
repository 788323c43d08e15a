//! A customer's contacts: `firstname`* and `lastname`* (at most 100 each),
//! `email` and `mobile` (by the phone rule of [`crate::domain::phone`]),
//! and extensions (`TWO_INVOICE`). A contact is always looked up
//! through its customer and the organisation, so another customer's or
//! another organisation's contact answers 404. Updates are partial: a field
//! that is not sent is not changed.

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{contact_extensions, contacts, meetings};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::cache;
use crate::domain::customers::{self, Customer};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::phone;
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// A contact row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = contacts)]
#[serde(rename_all = "camelCase")]
pub struct ContactRow {
    pub id: String,
    #[serde(skip)]
    pub organization_id: String,
    pub customer_id: String,
    pub firstname: String,
    pub lastname: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub updated_at: NaiveDateTime,
}

/// A contact with its extensions.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    #[serde(flatten)]
    pub row: ContactRow,
    pub extensions: Vec<String>,
}

crate::domain::cache::weigh_by_debug!(Contact);

impl Contact {
    /// The mobile as people read it, in groups (see [`phone::display`]).
    pub fn mobile_display(&self) -> String {
        self.row
            .mobile
            .as_deref()
            .map(phone::display)
            .unwrap_or_default()
    }

    /// Does the contact have this extension?
    pub fn has(&self, name: &str) -> bool {
        self.extensions.iter().any(|e| e == name)
    }
}

/// The extensions a contact can have.
pub const EXTENSIONS: &[&str] = &["TWO_INVOICE"];
/// Longest first or last name.
pub const MAX_NAME: usize = 100;

/// A partial change: `None` leaves the field as it is. For `email` and
/// `mobile` an empty text clears the field.
#[derive(Debug, Clone, Default)]
pub struct ContactPatch {
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// When given, the version the change was made on: another is a
    /// conflict (409).
    pub version: Option<i32>,
}

struct Valid {
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<Option<String>>,
    mobile: Option<Option<String>>,
}

impl ContactPatch {
    /// Every rule of the fields given; `before` is the contact being edited
    /// (its mobile, sent back unchanged, is kept even when it is from before
    /// the phone rule).
    fn validate(&self, before: Option<&ContactRow>) -> Result<Valid, AppError> {
        let mut e = FieldErrors::default();
        let firstname = self
            .firstname
            .as_deref()
            .map(|v| validate::required(&mut e, "firstname", v, MAX_NAME));
        let lastname = self
            .lastname
            .as_deref()
            .map(|v| validate::required(&mut e, "lastname", v, MAX_NAME));
        let email = self.email.as_deref().map(|v| {
            let v = v.trim().to_lowercase();
            if v.is_empty() {
                return None;
            }
            if v.chars().count() > validate::MAX_LINE {
                e.add("email", ErrorCode::TooLong(validate::MAX_LINE));
            } else if !validate::looks_like_email(&v) {
                e.add("email", ErrorCode::Email);
            }
            Some(v)
        });
        let stored = before.and_then(|c| c.mobile.as_deref());
        let mobile = self
            .mobile
            .as_deref()
            .map(|v| phone::check(&mut e, "mobile", v, stored, ErrorCode::InvalidMobile));
        e.into_result()?;
        Ok(Valid {
            firstname,
            lastname,
            email,
            mobile,
        })
    }
}

/// How the contacts may be sorted.
pub const SORT: SortSpec = SortSpec {
    fields: &["firstname", "lastname", "email", "createdAt"],
    default: "lastname",
    default_desc: false,
};

fn with_extensions(conn: &mut DbConn, rows: Vec<ContactRow>) -> Result<Vec<Contact>, AppError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let ext: Vec<(String, String)> = contact_extensions::table
        .filter(contact_extensions::contact_id.eq_any(&ids))
        .order(contact_extensions::name.asc())
        .select((contact_extensions::contact_id, contact_extensions::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Contact {
            extensions: ext
                .iter()
                .filter(|(c, _)| *c == row.id)
                .map(|(_, n)| n.clone())
                .collect(),
            row,
        })
        .collect())
}

/// One page of a customer's contacts.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    customer_id: &str,
    page: PageRequest,
) -> Result<Arc<Page<Contact>>, AppError> {
    actor.require(Operation::ContactList)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    let org = actor.organization_id.as_str();
    let filtered = || {
        contacts::table
            .filter(contacts::organization_id.eq(org))
            .filter(contacts::customer_id.eq(&customer.id))
            .into_boxed()
    };
    cache::for_actor(actor, page.page_key("contacts", &[&customer.id]), || {
        let total = cache::for_actor(actor, page.count_key("contacts", &[&customer.id]), || {
            filtered().count().get_result(conn)
        })
        .map(|t| *t)?;
        let q = match (page.sort, page.desc) {
            ("firstname", false) => {
                filtered().order((contacts::firstname.asc(), contacts::id.asc()))
            }
            ("firstname", true) => {
                filtered().order((contacts::firstname.desc(), contacts::id.desc()))
            }
            ("email", false) => filtered().order((contacts::email.asc(), contacts::id.asc())),
            ("email", true) => filtered().order((contacts::email.desc(), contacts::id.desc())),
            ("createdAt", false) => {
                filtered().order((contacts::created_at.asc(), contacts::id.asc()))
            }
            ("createdAt", true) => {
                filtered().order((contacts::created_at.desc(), contacts::id.desc()))
            }
            (_, false) => filtered().order((contacts::lastname.asc(), contacts::id.asc())),
            (_, true) => filtered().order((contacts::lastname.desc(), contacts::id.desc())),
        };
        let rows = q
            .limit(page.size)
            .offset(page.offset())
            .select(ContactRow::as_select())
            .load(conn)?;
        Ok(Page {
            items: with_extensions(conn, rows)?,
            request: page.clone(),
            total,
        })
    })
}

fn find(conn: &mut DbConn, customer: &Customer, id: &str) -> Result<Contact, AppError> {
    let row = contacts::table
        .filter(contacts::organization_id.eq(&customer.organization_id))
        .filter(contacts::customer_id.eq(&customer.id))
        .filter(contacts::id.eq(id))
        .select(ContactRow::as_select())
        .first(conn)?;
    let mut all = with_extensions(conn, vec![row])?;
    all.pop().ok_or(AppError::NotFound)
}

/// One contact of one customer of the actor's organisation.
pub fn get(
    conn: &mut DbConn,
    actor: &Actor,
    customer_id: &str,
    id: &str,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactGet)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    find(conn, &customer, id)
}

/// Add a contact; `firstname` and `lastname` are required. Audited.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    customer_id: &str,
    input: &ContactPatch,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactCreate)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    let full = ContactPatch {
        firstname: Some(input.firstname.clone().unwrap_or_default()),
        lastname: Some(input.lastname.clone().unwrap_or_default()),
        ..input.clone()
    };
    let v = full.validate(None)?;
    db::write(conn, |conn| {
        let id = new_id();
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(&id),
                contacts::organization_id.eq(&customer.organization_id),
                contacts::customer_id.eq(&customer.id),
                contacts::firstname.eq(v.firstname.unwrap_or_default()),
                contacts::lastname.eq(v.lastname.unwrap_or_default()),
                contacts::email.eq(v.email.flatten()),
                contacts::mobile.eq(v.mobile.flatten()),
                contacts::created_at.eq(now),
                contacts::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &customer, &id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&customer.organization_id),
                "contact.created",
                "contact",
                Some(&id),
            )
            .values(None::<&()>, Some(&after)),
        )?;
        Ok(after)
    })
}

/// Change the fields that are given; the others stay. Audited.
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    customer_id: &str,
    id: &str,
    patch: &ContactPatch,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactUpdate)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    let current = find(conn, &customer, id)?;
    let v = patch.validate(Some(&current.row))?;
    db::write(conn, |conn| {
        let before = find(conn, &customer, id)?;
        let r = &before.row;
        if patch.version.is_some_and(|v| v != r.version) {
            return Err(AppError::Conflict);
        }
        diesel::update(contacts::table.find(id))
            .set((
                contacts::firstname.eq(v.firstname.unwrap_or_else(|| r.firstname.clone())),
                contacts::lastname.eq(v.lastname.unwrap_or_else(|| r.lastname.clone())),
                contacts::email.eq(v.email.unwrap_or_else(|| r.email.clone())),
                contacts::mobile.eq(v.mobile.unwrap_or_else(|| r.mobile.clone())),
                contacts::version.eq(r.version + 1),
                contacts::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &customer, id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&customer.organization_id),
                "contact.updated",
                "contact",
                Some(id),
            )
            .values(Some(&before), Some(&after)),
        )?;
        Ok(after)
    })
}

fn known_extension(name: &str) -> Result<&'static str, AppError> {
    EXTENSIONS
        .iter()
        .copied()
        .find(|e| *e == name)
        .ok_or_else(|| {
            let mut e = FieldErrors::default();
            e.add("extension", ErrorCode::UnknownExtension);
            AppError::Validation(e)
        })
}

/// Add an extension (adding it twice is harmless). Audited when it changes.
pub fn add_extension(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    customer_id: &str,
    id: &str,
    name: &str,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactExtensionAdd)?;
    let name = known_extension(name)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    db::write(conn, |conn| {
        let before = find(conn, &customer, id)?;
        if before.has(name) {
            return Ok(before);
        }
        diesel::insert_into(contact_extensions::table)
            .values((
                contact_extensions::contact_id.eq(id),
                contact_extensions::name.eq(name),
                contact_extensions::created_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &customer, id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&customer.organization_id),
                "contact.extension_added",
                "contact",
                Some(id),
            )
            .values(Some(&before), Some(&after)),
        )?;
        Ok(after)
    })
}

/// Remove an extension (removing a missing one is harmless). Audited when it
/// changes.
pub fn remove_extension(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    customer_id: &str,
    id: &str,
    name: &str,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactExtensionRemove)?;
    let name = known_extension(name)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    db::write(conn, |conn| {
        let before = find(conn, &customer, id)?;
        if !before.has(name) {
            return Ok(before);
        }
        diesel::delete(
            contact_extensions::table
                .filter(contact_extensions::contact_id.eq(id))
                .filter(contact_extensions::name.eq(name)),
        )
        .execute(conn)?;
        let after = find(conn, &customer, id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&customer.organization_id),
                "contact.extension_removed",
                "contact",
                Some(id),
            )
            .values(Some(&before), Some(&after)),
        )?;
        Ok(after)
    })
}

/// Delete a contact (admins). Audited.
pub fn delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    customer_id: &str,
    id: &str,
) -> Result<Contact, AppError> {
    actor.require(Operation::ContactDelete)?;
    let customer = customers::visible(conn, actor, customer_id)?;
    db::write(conn, |conn| {
        let before = find(conn, &customer, id)?;
        // Its meetings stay with the customer, without a contact.
        diesel::update(
            meetings::table
                .filter(meetings::organization_id.eq(&customer.organization_id))
                .filter(meetings::contact_id.eq(id)),
        )
        .set(meetings::contact_id.eq(None::<String>))
        .execute(conn)?;
        diesel::delete(contacts::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&customer.organization_id),
                "contact.deleted",
                "contact",
                Some(id),
            )
            .values(Some(&before), None::<&()>),
        )?;
        Ok(before)
    })
}

/// What the audit log kept of a deleted contact (the contact as the API
/// shows it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeptContact {
    customer_id: String,
    firstname: String,
    lastname: String,
    email: Option<String>,
    mobile: Option<String>,
    #[serde(default)]
    extensions: Vec<String>,
}

/// Undo the actor's newest deletion of a contact in the last
/// [`audit::UNDO_MINUTES`]: the contact comes back with its id and
/// extensions, so its audit trail reads on. `None` when there is nothing to
/// undo: nothing deleted, already back, or its customer gone. Audited.
pub fn undo_delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Option<Contact>, AppError> {
    actor.require(Operation::ContactDelete)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let Some((id, before)) = audit::undoable(conn, now, &org, &who, "contact.deleted")? else {
            return Ok(None);
        };
        let Ok(kept) = serde_json::from_value::<KeptContact>(before) else {
            return Ok(None);
        };
        let Some(customer) = customers::find(conn, &org, &kept.customer_id).ok() else {
            return Ok(None);
        };
        let back: i64 = contacts::table
            .filter(contacts::id.eq(&id))
            .count()
            .get_result(conn)?;
        if back > 0 {
            return Ok(None);
        }
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(&id),
                contacts::organization_id.eq(&org),
                contacts::customer_id.eq(&customer.id),
                contacts::firstname.eq(&kept.firstname),
                contacts::lastname.eq(&kept.lastname),
                contacts::email.eq(&kept.email),
                contacts::mobile.eq(&kept.mobile),
                contacts::created_at.eq(now),
                contacts::updated_at.eq(now),
            ))
            .execute(conn)?;
        for name in kept
            .extensions
            .iter()
            .filter(|e| EXTENSIONS.contains(&e.as_str()))
        {
            diesel::insert_into(contact_extensions::table)
                .values((
                    contact_extensions::contact_id.eq(&id),
                    contact_extensions::name.eq(name),
                    contact_extensions::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        let after = find(conn, &customer, &id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "contact.restored", "contact", Some(&id))
                .values(None::<&()>, Some(&after)),
        )?;
        Ok(Some(after))
    })
}

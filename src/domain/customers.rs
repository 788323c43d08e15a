//! Customers: a name, a type (private person or company), e-mail, phone
//! (by the phone rule of [`crate::domain::phone`]), country and notes. Staff create and edit; deleting is for admins and
//! deletes the customer's contacts with it.

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{audit_events, contacts, countries, customers, meetings};
use crate::db::{self, DbConn, new_id, search};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::cache;
use crate::domain::export;
use crate::domain::paging::{self, Page, PageRequest, SortSpec, SortValue};
use crate::domain::phone;
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// A customer row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customers)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: String,
    #[serde(skip)]
    pub organization_id: String,
    pub name: String,
    pub customer_type: String,
    pub email: String,
    pub phone: String,
    pub country_code: Option<String>,
    pub notes: String,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub updated_at: NaiveDateTime,
}

crate::domain::cache::weigh_by_debug!(Customer);

/// Longest name.
pub const MAX_NAME: usize = 200;
/// Longest notes.
pub const MAX_NOTES: usize = 2000;
/// The customer types.
pub const TYPES: &[&str] = &["company", "private"];

/// The form / API input, as text.
#[derive(Debug, Clone, Default)]
pub struct CustomerInput {
    pub name: String,
    pub customer_type: String,
    pub email: String,
    pub phone: String,
    pub country_code: String,
    pub notes: String,
    pub version: i32,
}

/// A validated input.
#[derive(Debug, Clone)]
pub struct ValidCustomer {
    pub name: String,
    pub customer_type: String,
    pub email: String,
    pub phone: String,
    pub country_code: Option<String>,
    pub notes: String,
}

impl Customer {
    /// The phone as people read it, in groups (see [`phone::display`]).
    pub fn phone_display(&self) -> String {
        phone::display(&self.phone)
    }
}

impl CustomerInput {
    /// Every rule; the country is checked against the reference data.
    /// `before` is the customer being edited (its phone, sent back
    /// unchanged, is kept even when it is from before the phone rule).
    pub fn validate(
        &self,
        conn: &mut DbConn,
        before: Option<&Customer>,
    ) -> Result<ValidCustomer, AppError> {
        let mut e = FieldErrors::default();
        let name = validate::required(&mut e, "name", &self.name, MAX_NAME);
        let customer_type = self.customer_type.trim().to_string();
        if !TYPES.contains(&customer_type.as_str()) {
            e.add("customer_type", ErrorCode::InvalidChoice);
        }
        let email = self.email.trim().to_lowercase();
        if email.chars().count() > validate::MAX_LINE {
            e.add("email", ErrorCode::TooLong(validate::MAX_LINE));
        } else if !email.is_empty() && !validate::looks_like_email(&email) {
            e.add("email", ErrorCode::Email);
        }
        let stored = before.map(|c| c.phone.as_str());
        let phone = phone::check(
            &mut e,
            "phone",
            &self.phone,
            stored,
            ErrorCode::InvalidPhone,
        )
        .unwrap_or_default();
        let country_code = match self.country_code.trim() {
            "" => None,
            code => {
                let code = code.to_ascii_uppercase();
                let known: Option<String> = countries::table
                    .find(&code)
                    .select(countries::code)
                    .first(conn)
                    .optional()?;
                if known.is_none() {
                    e.add("country_code", ErrorCode::InvalidChoice);
                }
                Some(code)
            }
        };
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > MAX_NOTES {
            e.add("notes", ErrorCode::TooLong(MAX_NOTES));
        }
        if !e.is_empty() {
            return Err(AppError::Validation(e));
        }
        Ok(ValidCustomer {
            name,
            customer_type,
            email,
            phone,
            country_code,
            notes,
        })
    }
}

/// How the list may be sorted.
pub const SORT: SortSpec = SortSpec {
    fields: &["name", "email", "createdAt"],
    default: "name",
    default_desc: false,
};

/// One page of the organisation's customers, searched by name or e-mail.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    page: PageRequest,
) -> Result<Arc<Page<Customer>>, AppError> {
    actor.require(Operation::CustomerList)?;
    let org = actor.organization_id.as_str();
    paging::list_page!(
        conn,
        actor,
        &page,
        "customers",
        Some(page.page_key("customers", &[])),
        |p| filtered(org, p),
        |p| sorted(org, p),
        seek,
        sort_value,
        customers::id,
        Customer
    )
}

/// What a search of customers looks in.
pub(crate) static SEARCH: search::Searched = search::Searched {
    table: "customers",
    index: "customers_search",
    columns: &["name", "email"],
};

/// The organisation's customers that `page`'s search finds.
fn filtered<'a>(org: &'a str, page: &PageRequest) -> customers::BoxedQuery<'a, db::Backend> {
    let q = customers::table.into_boxed();
    match page.q.as_deref() {
        // The tenant and the search in one condition (see `in_tenant`).
        Some(term) => q.filter(search::in_tenant(&SEARCH, org, term)),
        None => q.filter(customers::organization_id.eq(org)),
    }
}

/// [`filtered`] in `page`'s order (the id last, so the order is total).
fn sorted<'a>(org: &'a str, page: &PageRequest) -> customers::BoxedQuery<'a, db::Backend> {
    let q = filtered(org, page);
    match (page.sort, page.desc) {
        ("email", false) => q.order((customers::email.asc(), customers::id.asc())),
        ("email", true) => q.order((customers::email.desc(), customers::id.desc())),
        ("createdAt", false) => q.order((customers::created_at.asc(), customers::id.asc())),
        ("createdAt", true) => q.order((customers::created_at.desc(), customers::id.desc())),
        (_, false) => q.order((customers::name.asc(), customers::id.asc())),
        (_, true) => q.order((customers::name.desc(), customers::id.desc())),
    }
}

/// `customer`'s value in the column the list is sorted by for `sort`.
fn sort_value(customer: &Customer, sort: &str) -> SortValue {
    match sort {
        "email" => SortValue::Text(customer.email.clone()),
        "createdAt" => SortValue::Stamp(customer.created_at),
        _ => SortValue::Text(customer.name.clone()),
    }
}

/// `q` (in `page`'s order) from after the row with sort value `value` and
/// id `id`.
fn seek<'a>(
    q: customers::BoxedQuery<'a, db::Backend>,
    page: &PageRequest,
    (value, id): paging::Place,
) -> customers::BoxedQuery<'a, db::Backend> {
    let desc = page.desc;
    match value {
        SortValue::Stamp(at) => paging::seek!(
            q,
            customers::created_at,
            customers::id,
            diesel::sql_types::Timestamp,
            at,
            id,
            desc
        ),
        SortValue::Text(text) if page.sort == "email" => paging::seek!(
            q,
            customers::email,
            customers::id,
            diesel::sql_types::Text,
            text,
            id,
            desc
        ),
        SortValue::Text(text) => paging::seek!(
            q,
            customers::name,
            customers::id,
            diesel::sql_types::Text,
            text,
            id,
            desc
        ),
    }
}

/// A customer's contact, as an export shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ExportedContact {
    pub firstname: String,
    pub lastname: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// Every customer `page`'s search finds, in its order (its page and size
/// ignored), each with its contacts (by last name, first name), a chunk of
/// customers at a time to `each`; audited (`customer.exported`, with the
/// search and the number of customers) before the first row is read.
pub fn export(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    page: &PageRequest,
    each: export::Each<'_, (Customer, Vec<ExportedContact>)>,
) -> Result<u64, AppError> {
    actor.require(Operation::CustomerList)?;
    actor.require(Operation::ContactList)?;
    let org = actor.organization_id.as_str();
    let filter = export::filter_of(page, &[]);
    export::audited(
        conn,
        now,
        actor,
        "customer.exported",
        "customer",
        &filter,
        |c| filtered(org, page).count().get_result(c),
    )?;
    export::in_chunks(
        conn,
        export::CHUNK,
        |c, offset, limit| {
            let found: Vec<Customer> = sorted(org, page)
                .limit(limit)
                .offset(offset)
                .select(Customer::as_select())
                .load(c)?;
            let ids: Vec<&str> = found.iter().map(|c| c.id.as_str()).collect();
            let mut of: std::collections::HashMap<String, Vec<ExportedContact>> =
                Default::default();
            for contact in contacts::table
                .filter(contacts::organization_id.eq(org))
                .filter(contacts::customer_id.eq_any(&ids))
                .order((
                    contacts::lastname.asc(),
                    contacts::firstname.asc(),
                    contacts::id.asc(),
                ))
                .select((contacts::customer_id, ExportedContact::as_select()))
                .load::<(String, ExportedContact)>(c)?
            {
                of.entry(contact.0).or_default().push(contact.1);
            }
            Ok(found
                .into_iter()
                .map(|customer| {
                    let contacts = of.remove(&customer.id).unwrap_or_default();
                    (customer, contacts)
                })
                .collect())
        },
        each,
    )
}

/// One customer of the actor's organisation (another's answers 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Customer, AppError> {
    actor.require(Operation::CustomerGet)?;
    visible(conn, actor, id)
}

/// The customer `id` of the actor's organisation as of the data version the
/// actor read (kept in the versioned cache). Writes read the row itself
/// with [`find`], inside their transaction.
pub(crate) fn visible(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<Customer, AppError> {
    let key = format!("customer\u{1f}{id}");
    cache::for_actor(actor, key, || find(conn, &actor.organization_id, id)).map(|c| (*c).clone())
}

pub(crate) fn find(conn: &mut DbConn, org: &str, id: &str) -> Result<Customer, AppError> {
    Ok(customers::table
        .filter(customers::organization_id.eq(org))
        .filter(customers::id.eq(id))
        .select(Customer::as_select())
        .first(conn)?)
}

/// How many of a member's newest customer events [`changed_by`] reads to
/// find its customers (a member who edits one customer all day still has
/// others among them).
const CHANGED_LOOK_BACK: i64 = 50;

/// The customers the actor created or changed most recently, newest first,
/// at most `limit`, leaving out those deleted since: `(id, name)`. Two
/// indexed queries: the actor's latest customer events
/// (`audit_org_actor_resource_idx`), then those customers.
pub fn changed_by(
    conn: &mut DbConn,
    actor: &Actor,
    limit: usize,
) -> Result<Vec<(String, String)>, AppError> {
    actor.require(Operation::CustomerList)?;
    let Some(who) = actor.audit().id else {
        return Ok(vec![]);
    };
    let org = actor.organization_id.as_str();
    let events: Vec<Option<String>> = audit_events::table
        .filter(audit_events::organization_id.eq(org))
        .filter(audit_events::actor_id.eq(&who))
        .filter(audit_events::resource_type.eq("customer"))
        .order(audit_events::created_at.desc())
        .limit(CHANGED_LOOK_BACK)
        .select(audit_events::resource_id)
        .load(conn)?;
    let mut ids: Vec<String> = Vec::new();
    for id in events.into_iter().flatten() {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let names: std::collections::HashMap<String, String> = customers::table
        .filter(customers::organization_id.eq(org))
        .filter(customers::id.eq_any(&ids))
        .select((customers::id, customers::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(ids
        .into_iter()
        .filter_map(|id| names.get(&id).map(|name| (id.clone(), name.clone())))
        .take(limit)
        .collect())
}

/// Create a customer; audited.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<Customer, AppError> {
    actor.require(Operation::CustomerCreate)?;
    let v = input.validate(conn, None)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let id = new_id();
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(&id),
                customers::organization_id.eq(&org),
                customers::name.eq(&v.name),
                customers::customer_type.eq(&v.customer_type),
                customers::email.eq(&v.email),
                customers::phone.eq(&v.phone),
                customers::country_code.eq(&v.country_code),
                customers::notes.eq(&v.notes),
                customers::created_at.eq(now),
                customers::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &org, &id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "customer.created", "customer", Some(&id))
                .values(None::<&()>, Some(&after)),
        )?;
        Ok(after)
    })
}

/// Save an edit with a version check (stale → 409); audited.
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
    input: &CustomerInput,
) -> Result<Customer, AppError> {
    actor.require(Operation::CustomerUpdate)?;
    let org = actor.organization_id.clone();
    let before = find(conn, &org, id)?;
    let v = input.validate(conn, Some(&before))?;
    db::write(conn, |conn| {
        let before = find(conn, &org, &before.id)?;
        if before.version != input.version {
            return Err(AppError::Conflict);
        }
        diesel::update(customers::table.find(id))
            .set((
                customers::name.eq(&v.name),
                customers::customer_type.eq(&v.customer_type),
                customers::email.eq(&v.email),
                customers::phone.eq(&v.phone),
                customers::country_code.eq(&v.country_code),
                customers::notes.eq(&v.notes),
                customers::version.eq(before.version + 1),
                customers::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = find(conn, &org, id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "customer.updated", "customer", Some(id))
                .values(Some(&before), Some(&after)),
        )?;
        Ok(after)
    })
}

/// How many contacts a customer has (shown before deleting).
pub fn contact_count(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<i64, AppError> {
    let customer = get(conn, actor, id)?;
    Ok(contacts::table
        .filter(contacts::organization_id.eq(&actor.organization_id))
        .filter(contacts::customer_id.eq(&customer.id))
        .count()
        .get_result(conn)?)
}

/// Delete a customer and its contacts. Audited.
pub fn delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
) -> Result<Customer, AppError> {
    actor.require(Operation::CustomerDelete)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        let removed: i64 = contacts::table
            .filter(contacts::customer_id.eq(id))
            .count()
            .get_result(conn)?;
        // Its meetings go on without a customer or contact.
        diesel::update(
            meetings::table
                .filter(meetings::organization_id.eq(&org))
                .filter(meetings::customer_id.eq(id)),
        )
        .set((
            meetings::customer_id.eq(None::<String>),
            meetings::contact_id.eq(None::<String>),
        ))
        .execute(conn)?;
        diesel::delete(customers::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "customer.deleted", "customer", Some(id)).values(
                Some(&serde_json::json!({ "customer": &before, "contactsDeleted": removed })),
                None::<&()>,
            ),
        )?;
        Ok(before)
    })
}

//! `/api/v1/customers` and their contacts
//! (`/customers/{customerId}/contacts[/{contactId}]`), with the contact
//! extension `TWO_INVOICE`. A contact is always reached through its
//! customer: another customer's contact answers 404.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::api::json::Body;
use crate::api::{
    Api, cached_list, check_version, created, if_match, iri, json_bytes, mount, no_content, record,
};
use crate::domain::contacts::{self, Contact, ContactPatch};
use crate::domain::customers::{self, Customer, CustomerInput};
use crate::domain::local_time::iso_utc;
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::error::AppError;

/// The one extension the catalogue knows.
const TWO_INVOICE: &str = "TWO_INVOICE";

/// Mount the customer and contact routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::CustomerList, list);
    mount(cfg, Operation::CustomerCreate, create);
    mount(cfg, Operation::CustomerGet, get);
    mount(cfg, Operation::CustomerUpdate, update);
    mount(cfg, Operation::CustomerDelete, delete);
    mount(cfg, Operation::ContactList, contact_list);
    mount(cfg, Operation::ContactCreate, contact_create);
    mount(cfg, Operation::ContactExtensionAdd, extension_add);
    mount(cfg, Operation::ContactExtensionRemove, extension_remove);
    mount(cfg, Operation::ContactGet, contact_get);
    mount(cfg, Operation::ContactUpdate, contact_update);
    mount(cfg, Operation::ContactDelete, contact_delete);
}

/// A customer as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerJson {
    pub id: String,
    pub name: String,
    /// `private` or `company`.
    #[serde(rename = "type")]
    pub customer_type: String,
    pub email: String,
    pub phone: String,
    pub country: Option<String>,
    pub notes: String,
    /// The collection of the customer's contacts.
    pub contacts: String,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl CustomerJson {
    /// The view of a row.
    pub fn of(c: &Customer) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            customer_type: c.customer_type.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            country: c.country_code.as_deref().map(|k| iri("countries", k)),
            notes: c.notes.clone(),
            contacts: format!("{}/contacts", iri("customers", &c.id)),
            version: c.version,
            created_at: iso_utc(c.created_at),
            updated_at: iso_utc(c.updated_at),
        }
    }
}

/// A contact as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactJson {
    pub id: String,
    pub customer: String,
    pub firstname: String,
    pub lastname: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub extensions: Vec<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl ContactJson {
    /// The view of a contact.
    pub fn of(c: &Contact) -> Self {
        let r = &c.row;
        Self {
            id: r.id.clone(),
            customer: iri("customers", &r.customer_id),
            firstname: r.firstname.clone(),
            lastname: r.lastname.clone(),
            email: r.email.clone(),
            mobile: r.mobile.clone(),
            extensions: c.extensions.clone(),
            version: r.version,
            created_at: iso_utc(r.created_at),
            updated_at: iso_utc(r.updated_at),
        }
    }
}

/// Writable customer fields.
pub const CUSTOMER_FIELDS: &[&str] = &["name", "type", "email", "phone", "country", "notes"];
/// Writable contact fields.
pub const CONTACT_FIELDS: &[&str] = &["firstname", "lastname", "email", "mobile"];
/// Read-only fields a client may send back unchanged.
const READ_ONLY: &[&str] = &[
    "id",
    "version",
    "createdAt",
    "updatedAt",
    "contacts",
    "customer",
    "extensions",
];

#[derive(Default)]
struct CustomerChanges {
    name: Option<String>,
    customer_type: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    country_code: Option<String>,
    notes: Option<String>,
}

impl CustomerChanges {
    fn read(req: &HttpRequest, bytes: &[u8]) -> Result<Self, AppError> {
        let mut b = Body::read(req, bytes)?;
        b.only(CUSTOMER_FIELDS, READ_ONLY);
        let c = Self {
            name: b.text("name", "name"),
            customer_type: b.text("type", "customer_type"),
            email: b.text("email", "email"),
            phone: b.text("phone", "phone"),
            country_code: b.reference("country", "country_code", "countries"),
            notes: b.text("notes", "notes"),
        };
        b.finish()?;
        Ok(c)
    }

    fn onto(self, base: CustomerInput) -> CustomerInput {
        CustomerInput {
            name: self.name.unwrap_or(base.name),
            customer_type: self.customer_type.unwrap_or(base.customer_type),
            email: self.email.unwrap_or(base.email),
            phone: self.phone.unwrap_or(base.phone),
            country_code: self.country_code.unwrap_or(base.country_code),
            notes: self.notes.unwrap_or(base.notes),
            version: base.version,
        }
    }
}

fn input_of(c: &Customer) -> CustomerInput {
    CustomerInput {
        name: c.name.clone(),
        customer_type: c.customer_type.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        country_code: c.country_code.clone().unwrap_or_default(),
        notes: c.notes.clone(),
        version: c.version,
    }
}

fn contact_patch(req: &HttpRequest, bytes: &[u8]) -> Result<ContactPatch, AppError> {
    let mut b = Body::read(req, bytes)?;
    b.only(CONTACT_FIELDS, READ_ONLY);
    let p = ContactPatch {
        firstname: b.text("firstname", "firstname"),
        lastname: b.text("lastname", "lastname"),
        email: b.text("email", "email"),
        mobile: b.text("mobile", "mobile"),
        version: None,
    };
    b.finish()?;
    Ok(p)
}

async fn list(api: Api, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params
        .strict(&customers::SORT)
        .map_err(AppError::Validation);
    let body = api
        .call(
            Operation::CustomerList,
            request,
            |conn, actor, _, request| {
                let page = customers::list(conn, actor, request)?;
                cached_list(actor, "customers", &[], &page, CustomerJson::of)
            },
        )
        .await?;
    Ok(json_bytes(body))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let c = api
        .run(move |conn, actor, _| customers::get(conn, actor, &id))
        .await?;
    Ok(record(StatusCode::OK, c.version, &CustomerJson::of(&c)))
}

async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let changes = CustomerChanges::read(&req, &bytes);
    let c = api
        .call(
            Operation::CustomerCreate,
            changes,
            |conn, actor, now, changes| {
                let input = changes.onto(CustomerInput {
                    customer_type: "company".into(),
                    ..Default::default()
                });
                customers::create(conn, now, actor, &input)
            },
        )
        .await?;
    Ok(created(
        &CustomerJson::of(&c),
        c.version,
        &iri("customers", &c.id),
    ))
}

async fn update(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let changes = CustomerChanges::read(&req, &bytes);
    let wanted = if_match(&req);
    let c = api
        .call(
            Operation::CustomerUpdate,
            changes,
            move |conn, actor, now, changes| {
                let current = customers::get(conn, actor, &id)?;
                check_version(wanted, current.version)?;
                let input = changes.onto(input_of(&current));
                customers::update(conn, now, actor, &id, &input)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, c.version, &CustomerJson::of(&c)))
}

async fn delete(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    api.run(move |conn, actor, now| customers::delete(conn, now, actor, &id))
        .await?;
    Ok(no_content())
}

async fn contact_list(
    api: Api,
    customer: web::Path<String>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.strict(&contacts::SORT).map_err(AppError::Validation);
    let body = api
        .call(
            Operation::ContactList,
            request,
            move |conn, actor, _, request| {
                let page = contacts::list(conn, actor, &customer, request)?;
                cached_list(actor, "contacts", &[&customer], &page, ContactJson::of)
            },
        )
        .await?;
    Ok(json_bytes(body))
}

async fn contact_get(
    api: Api,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer, id) = path.into_inner();
    let c = api
        .run(move |conn, actor, _| contacts::get(conn, actor, &customer, &id))
        .await?;
    Ok(record(StatusCode::OK, c.row.version, &ContactJson::of(&c)))
}

async fn contact_create(
    api: Api,
    req: HttpRequest,
    customer: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let patch = contact_patch(&req, &bytes);
    let c = api
        .call(
            Operation::ContactCreate,
            patch,
            move |conn, actor, now, patch| contacts::create(conn, now, actor, &customer, &patch),
        )
        .await?;
    let location = format!(
        "{}/contacts/{}",
        iri("customers", &c.row.customer_id),
        c.row.id
    );
    Ok(created(&ContactJson::of(&c), c.row.version, &location))
}

async fn contact_update(
    api: Api,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (customer, id) = path.into_inner();
    let wanted = if_match(&req);
    let patch = contact_patch(&req, &bytes).map(|p| ContactPatch {
        version: wanted,
        ..p
    });
    let c = api
        .call(
            Operation::ContactUpdate,
            patch,
            move |conn, actor, now, patch| {
                contacts::update(conn, now, actor, &customer, &id, &patch)
            },
        )
        .await
        .map_err(|e| match e {
            // The version the caller named in If-Match is no longer current.
            AppError::Conflict => AppError::PreconditionFailed,
            other => other,
        })?;
    Ok(record(StatusCode::OK, c.row.version, &ContactJson::of(&c)))
}

async fn contact_delete(
    api: Api,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer, id) = path.into_inner();
    api.run(move |conn, actor, now| contacts::delete(conn, now, actor, &customer, &id))
        .await?;
    Ok(no_content())
}

async fn extension_add(
    api: Api,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer, id) = path.into_inner();
    let c = api
        .run(move |conn, actor, now| {
            contacts::add_extension(conn, now, actor, &customer, &id, TWO_INVOICE)
        })
        .await?;
    Ok(record(StatusCode::OK, c.row.version, &ContactJson::of(&c)))
}

async fn extension_remove(
    api: Api,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (customer, id) = path.into_inner();
    api.run(move |conn, actor, now| {
        contacts::remove_extension(conn, now, actor, &customer, &id, TWO_INVOICE)
    })
    .await?;
    Ok(no_content())
}

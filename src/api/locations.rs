//! `/api/v1/locations`: list, create, get, partial update, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::api::json::Body;
use crate::api::{
    Api, cached_list, check_version, created, if_match, iri, json_bytes, mount, no_content, record,
};
use crate::domain::local_time::iso_utc;
use crate::domain::locations::{self, Location, LocationInput};
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::error::AppError;

/// Mount the location routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::LocationList, list);
    mount(cfg, Operation::LocationCreate, create);
    mount(cfg, Operation::LocationGet, get);
    mount(cfg, Operation::LocationUpdate, update);
    mount(cfg, Operation::LocationDelete, delete);
}

/// A location as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationJson {
    pub id: String,
    pub name: String,
    pub address_line1: String,
    pub address_line2: String,
    pub postal_code: String,
    pub city: String,
    /// The country's IRI.
    pub country: Option<String>,
    pub office_open_hour: Option<i32>,
    pub office_close_hour: Option<i32>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl LocationJson {
    /// The view of a row.
    pub fn of(l: &Location) -> Self {
        Self {
            id: l.id.clone(),
            name: l.name.clone(),
            address_line1: l.address_line1.clone(),
            address_line2: l.address_line2.clone(),
            postal_code: l.postal_code.clone(),
            city: l.city.clone(),
            country: l.country_code.as_deref().map(|c| iri("countries", c)),
            office_open_hour: l.office_open_hour,
            office_close_hour: l.office_close_hour,
            version: l.version,
            created_at: iso_utc(l.created_at),
            updated_at: iso_utc(l.updated_at),
        }
    }
}

/// The writable fields, in JSON and domain names.
pub const FIELDS: &[&str] = &[
    "name",
    "addressLine1",
    "addressLine2",
    "postalCode",
    "city",
    "country",
    "officeOpenHour",
    "officeCloseHour",
];
/// Fields a client may send back unchanged; ignored.
pub const READ_ONLY: &[&str] = &["id", "version", "createdAt", "updatedAt"];

/// The fields a body sets (`None`: not sent).
#[derive(Default)]
struct Changes {
    name: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country_code: Option<String>,
    office_open_hour: Option<String>,
    office_close_hour: Option<String>,
}

impl Changes {
    fn read(req: &HttpRequest, bytes: &[u8]) -> Result<Self, AppError> {
        let mut b = Body::read(req, bytes)?;
        b.only(FIELDS, READ_ONLY);
        let c = Self {
            name: b.text("name", "name"),
            address_line1: b.text("addressLine1", "address_line1"),
            address_line2: b.text("addressLine2", "address_line2"),
            postal_code: b.text("postalCode", "postal_code"),
            city: b.text("city", "city"),
            country_code: b.reference("country", "country_code", "countries"),
            office_open_hour: b.integer("officeOpenHour", "office_open_hour"),
            office_close_hour: b.integer("officeCloseHour", "office_close_hour"),
        };
        b.finish()?;
        Ok(c)
    }

    /// `base` with these changes.
    fn onto(self, base: LocationInput) -> LocationInput {
        LocationInput {
            name: self.name.unwrap_or(base.name),
            address_line1: self.address_line1.unwrap_or(base.address_line1),
            address_line2: self.address_line2.unwrap_or(base.address_line2),
            postal_code: self.postal_code.unwrap_or(base.postal_code),
            city: self.city.unwrap_or(base.city),
            country_code: self.country_code.unwrap_or(base.country_code),
            office_open_hour: self.office_open_hour.unwrap_or(base.office_open_hour),
            office_close_hour: self.office_close_hour.unwrap_or(base.office_close_hour),
            version: base.version,
        }
    }
}

/// The input that leaves `l` as it is.
fn input_of(l: &Location) -> LocationInput {
    let h = |v: Option<i32>| v.map(|h| h.to_string()).unwrap_or_default();
    LocationInput {
        name: l.name.clone(),
        address_line1: l.address_line1.clone(),
        address_line2: l.address_line2.clone(),
        postal_code: l.postal_code.clone(),
        city: l.city.clone(),
        country_code: l.country_code.clone().unwrap_or_default(),
        office_open_hour: h(l.office_open_hour),
        office_close_hour: h(l.office_close_hour),
        version: l.version,
    }
}

async fn list(api: Api, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params
        .strict(&locations::SORT)
        .map_err(AppError::Validation);
    let body = api
        .call(
            Operation::LocationList,
            request,
            |conn, actor, _, request| {
                let page = locations::list(conn, actor, request)?;
                cached_list(actor, "locations", &[], &page, LocationJson::of)
            },
        )
        .await?;
    Ok(json_bytes(body))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let l = api
        .run(move |conn, actor, _| locations::get(conn, actor, &id))
        .await?;
    Ok(record(StatusCode::OK, l.version, &LocationJson::of(&l)))
}

async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes);
    let l = api
        .call(
            Operation::LocationCreate,
            changes,
            |conn, actor, now, changes| {
                locations::create(conn, now, actor, &changes.onto(LocationInput::default()))
            },
        )
        .await?;
    Ok(created(
        &LocationJson::of(&l),
        l.version,
        &iri("locations", &l.id),
    ))
}

async fn update(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes);
    let wanted = if_match(&req);
    let l = api
        .call(
            Operation::LocationUpdate,
            changes,
            move |conn, actor, now, changes| {
                let current = locations::get(conn, actor, &id)?;
                check_version(wanted, current.version)?;
                locations::update(conn, now, actor, &id, &changes.onto(input_of(&current)))
            },
        )
        .await?;
    Ok(record(StatusCode::OK, l.version, &LocationJson::of(&l)))
}

async fn delete(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    api.run(move |conn, actor, now| locations::delete(conn, now, actor, &id))
        .await?;
    Ok(no_content())
}

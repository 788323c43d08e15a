//! `/api/v1/meetings`: list (with filters), create, get, partial update,
//! delete. Times are RFC 3339 in UTC on the way out; on the way in an offset
//! (`Z`, `+01:00`) is exact and a time without one is read in the
//! organisation's time zone. An overlapping meeting of the same employee is
//! saved, and named in `overlappingMeetings`. The customer and the contact
//! are optional; a contact alone brings its customer, and a new customer
//! without a contact drops the old contact.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::api::json::Body;
use crate::api::{
    Api, ListBody, check_version, created, if_match, iri, json, mount, no_content, record,
};
use crate::db::DbConn;
use crate::domain::actor::Actor;
use crate::domain::local_time::iso_utc;
use crate::domain::meetings::{self, Filter, MeetingInput, MeetingRow, Outcome};
use crate::domain::organizations;
use crate::domain::paging::ListParams;
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Mount the meeting routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::MeetingList, list);
    mount(cfg, Operation::MeetingCreate, create);
    mount(cfg, Operation::MeetingGet, get);
    mount(cfg, Operation::MeetingUpdate, update);
    mount(cfg, Operation::MeetingDelete, delete);
}

/// A meeting as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingJson {
    pub id: String,
    /// What it is about (may be empty).
    pub subject: String,
    /// The employee (a member of the organisation) as a user IRI.
    pub employee: String,
    pub employee_name: String,
    /// The location's IRI.
    pub location: Option<String>,
    pub location_name: Option<String>,
    /// The customer's IRI.
    pub customer: Option<String>,
    pub customer_name: Option<String>,
    /// The contact's IRI (under its customer).
    pub contact: Option<String>,
    /// The contact's first and last name.
    pub contact_name: Option<String>,
    pub date_from: String,
    pub date_to: String,
    pub notes: String,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
    /// Other meetings of the employee at this time (only after a write).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlapping_meetings: Option<Vec<String>>,
}

impl MeetingJson {
    /// The view of a row.
    pub fn of(r: &MeetingRow) -> Self {
        let m = &r.meeting;
        Self {
            id: m.id.clone(),
            subject: m.subject.clone(),
            employee: iri("users", &m.employee_id),
            employee_name: r.employee_name.clone(),
            location: m.location_id.as_deref().map(|l| iri("locations", l)),
            location_name: r.location_name.clone(),
            customer: m.customer_id.as_deref().map(|c| iri("customers", c)),
            customer_name: r.customer_name.clone(),
            contact: m
                .customer_id
                .as_deref()
                .zip(m.contact_id.as_deref())
                .map(|(c, k)| format!("{}/contacts/{k}", iri("customers", c))),
            contact_name: r.contact_name.clone(),
            date_from: iso_utc(m.date_from),
            date_to: iso_utc(m.date_to),
            notes: m.notes.clone(),
            version: m.version,
            created_at: iso_utc(m.created_at),
            updated_at: iso_utc(m.updated_at),
            overlapping_meetings: None,
        }
    }
}

/// The writable fields.
pub const FIELDS: &[&str] = &[
    "subject", "employee", "location", "customer", "contact", "dateFrom", "dateTo", "notes",
];
/// Fields a client may send back unchanged; ignored.
pub const READ_ONLY: &[&str] = &[
    "id",
    "employeeName",
    "locationName",
    "customerName",
    "contactName",
    "version",
    "createdAt",
    "updatedAt",
    "overlappingMeetings",
];

#[derive(Default)]
struct Changes {
    subject: Option<String>,
    employee_id: Option<String>,
    location_id: Option<String>,
    customer_id: Option<String>,
    contact_id: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    notes: Option<String>,
}

impl Changes {
    fn read(req: &HttpRequest, bytes: &[u8]) -> Result<Self, AppError> {
        let mut b = Body::read(req, bytes)?;
        b.only(FIELDS, READ_ONLY);
        let c = Self {
            subject: b.text("subject", "subject"),
            employee_id: b.reference("employee", "employee_id", "users"),
            location_id: b.reference("location", "location_id", "locations"),
            customer_id: b.reference("customer", "customer_id", "customers"),
            contact_id: b.nested_reference("contact", "contact_id", "customers", "contacts"),
            date_from: b.text("dateFrom", "date_from"),
            date_to: b.text("dateTo", "date_to"),
            notes: b.text("notes", "notes"),
        };
        b.finish()?;
        Ok(c)
    }

    fn onto(self, base: MeetingInput) -> MeetingInput {
        MeetingInput {
            subject: self.subject.unwrap_or(base.subject),
            employee_id: self.employee_id.unwrap_or(base.employee_id),
            location_id: match self.location_id {
                Some(l) => Some(l),
                None => base.location_id,
            },
            // Another customer without a contact: no contact (the old one
            // is the old customer's).
            contact_id: match (self.contact_id, &self.customer_id) {
                (Some(k), _) => Some(k),
                (None, Some(c)) if Some(c) != base.customer_id.as_ref() => None,
                (None, _) => base.contact_id,
            },
            customer_id: match self.customer_id {
                Some(c) => Some(c),
                None => base.customer_id,
            },
            date_from: self.date_from.unwrap_or(base.date_from),
            date_to: self.date_to.unwrap_or(base.date_to),
            notes: self.notes.unwrap_or(base.notes),
            version: base.version,
        }
    }
}

/// The input that leaves `r` as it is (exact UTC moments).
fn input_of(r: &MeetingRow) -> MeetingInput {
    let m = &r.meeting;
    MeetingInput {
        subject: m.subject.clone(),
        employee_id: m.employee_id.clone(),
        location_id: m.location_id.clone(),
        customer_id: m.customer_id.clone(),
        contact_id: m.contact_id.clone(),
        date_from: iso_utc(m.date_from),
        date_to: iso_utc(m.date_to),
        notes: m.notes.clone(),
        version: m.version,
    }
}

/// The organisation's time zone (for times sent without an offset).
fn zone(conn: &mut DbConn, actor: &Actor) -> Result<Tz, AppError> {
    Ok(organizations::by_id(conn, &actor.organization_id)?
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Europe::Amsterdam))
}

fn saved(outcome: Outcome) -> Result<MeetingJson, AppError> {
    match outcome {
        Outcome::Saved { meeting, overlaps } => {
            let mut j = MeetingJson::of(&meeting);
            j.overlapping_meetings = Some(
                overlaps
                    .iter()
                    .map(|o| iri("meetings", &o.meeting.id))
                    .collect(),
            );
            Ok(j)
        }
        // Saving with overlaps is allowed through the API.
        Outcome::Overlaps(_) => Err(AppError::Internal(anyhow::anyhow!(
            "overlap refused although allowed"
        ))),
    }
}

/// The list's filters, beside the paging parameters.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: ListParams,
    employee: Option<String>,
    location: Option<String>,
    customer: Option<String>,
    /// Meetings that end after this moment.
    date_from: Option<String>,
    /// Meetings that start before this moment.
    date_to: Option<String>,
}

fn moment(
    e: &mut FieldErrors,
    field: &'static str,
    raw: Option<&str>,
) -> Option<chrono::NaiveDateTime> {
    let raw = raw?.trim();
    match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(t) => Some(t.naive_utc()),
        Err(_) => {
            e.add(field, ErrorCode::InvalidDateTime);
            None
        }
    }
}

fn id_of(raw: Option<&str>, collection: &str) -> Option<String> {
    let raw = raw?.trim();
    let prefix = format!("{}/{collection}/", crate::api::BASE);
    Some(raw.strip_prefix(&prefix).unwrap_or(raw).to_string()).filter(|s| !s.is_empty())
}

async fn list(api: Api, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let mut e = match q.paging.strict(&meetings::SORT) {
        Ok(_) => FieldErrors::default(),
        Err(e) => e,
    };
    let filter = Filter {
        employee_id: id_of(q.employee.as_deref(), "users"),
        location_id: id_of(q.location.as_deref(), "locations"),
        customer_id: id_of(q.customer.as_deref(), "customers"),
        from: moment(&mut e, "date_from", q.date_from.as_deref()),
        until: moment(&mut e, "date_to", q.date_to.as_deref()),
    };
    let request = e.into_result().and_then(|()| {
        q.paging
            .strict(&meetings::SORT)
            .map_err(AppError::Validation)
    });
    let page = api
        .call(
            Operation::MeetingList,
            request,
            move |conn, actor, now, request| meetings::list(conn, actor, now, &filter, request),
        )
        .await?;
    Ok(json(StatusCode::OK, &ListBody::of(&page, MeetingJson::of)))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let m = api
        .run(move |conn, actor, _| meetings::get(conn, actor, &id))
        .await?;
    Ok(record(
        StatusCode::OK,
        m.meeting.version,
        &MeetingJson::of(&m),
    ))
}

async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes);
    let m = api
        .call(
            Operation::MeetingCreate,
            changes,
            |conn, actor, now, changes| {
                let tz = zone(conn, actor)?;
                let input = changes.onto(MeetingInput::default());
                saved(meetings::create(conn, now, actor, tz, &input, true)?)
            },
        )
        .await?;
    Ok(created(&m, m.version, &iri("meetings", &m.id)))
}

async fn update(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let changes = Changes::read(&req, &bytes);
    let wanted = if_match(&req);
    let m = api
        .call(
            Operation::MeetingUpdate,
            changes,
            move |conn, actor, now, changes| {
                let current = meetings::get(conn, actor, &id)?;
                check_version(wanted, current.meeting.version)?;
                let tz = zone(conn, actor)?;
                let input = changes.onto(input_of(&current));
                saved(meetings::update(conn, now, actor, tz, &id, &input, true)?)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, m.version, &m))
}

async fn delete(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    api.run(move |conn, actor, now| meetings::delete(conn, now, actor, &id))
        .await?;
    Ok(no_content())
}

//! `/api/v1/organizations`: the client's own organisation (a list of one),
//! its mail footer, and its logo and icon uploads.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;

use crate::api::json::Body;
use crate::api::{Api, ListBody, check_version, created, if_match, iri, json, mount, record};
use crate::domain::images::{self, ImageMeta, Kind};
use crate::domain::local_time::iso_utc;
use crate::domain::markdown;
use crate::domain::modules::Modules;
use crate::domain::organizations::{self, Organization};
use crate::domain::paging::{ListParams, Page, SortSpec};
use crate::domain::scopes::Operation;
use crate::domain::subscriptions;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Mount the organisation routes (the fixed paths before `{id}`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::OrganizationList, list);
    mount(cfg, Operation::OrganizationCreate, create);
    mount(cfg, Operation::OrganizationMailFooterGet, footer_get);
    mount(cfg, Operation::OrganizationMailFooterUpdate, footer_update);
    mount(cfg, Operation::OrganizationLogoUpdate, logo);
    mount(cfg, Operation::OrganizationIconUpdate, icon);
    mount(cfg, Operation::OrganizationGet, get);
}

/// An organisation as the API shows it.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationJson {
    pub id: String,
    #[serde(rename = "type")]
    pub org_type: String,
    pub status: String,
    pub name: String,
    pub slug: String,
    pub stripe_customer_id: Option<String>,
    pub manual_billing: bool,
    pub demo: bool,
    pub production_like: bool,
    pub default_language: String,
    pub time_zone: String,
    pub mail_footer: String,
    /// The current subscription's IRI (none only for an organisation made
    /// before subscriptions existed and never given one).
    pub current_subscription: Option<String>,
    /// The modules the organisation may use now.
    pub organization_modules: Vec<&'static str>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

impl OrganizationJson {
    /// The view of `o` with its current subscription as of `now`.
    fn read(
        conn: &mut crate::db::DbConn,
        now: chrono::NaiveDateTime,
        o: &Organization,
    ) -> Result<Self, AppError> {
        let current = subscriptions::current_of(conn, &o.id)?;
        let modules = current
            .as_ref()
            .map_or(Modules::NONE, |s| s.in_effect(now).modules);
        Ok(Self {
            current_subscription: current.map(|s| iri("subscriptions", &s.id)),
            organization_modules: modules.iter().map(|m| m.as_str()).collect(),
            ..Self::of(o)
        })
    }

    fn of(o: &Organization) -> Self {
        Self {
            id: o.id.clone(),
            org_type: o.org_type.clone(),
            status: o.status.clone(),
            name: o.name.clone(),
            slug: o.slug.clone(),
            stripe_customer_id: o.stripe_customer_id.clone(),
            manual_billing: o.manual_billing,
            demo: o.demo,
            production_like: o.production_like,
            default_language: o.default_language.clone(),
            time_zone: o.time_zone.clone(),
            mail_footer: iri("organizations", "mail-footer"),
            current_subscription: None,
            organization_modules: vec![],
            version: o.version,
            created_at: iso_utc(o.created_at),
            updated_at: iso_utc(o.updated_at),
        }
    }
}

/// The only sort of a list of one.
const SORT: SortSpec = SortSpec {
    fields: &["name"],
    default: "name",
    default_desc: false,
};

async fn list(api: Api, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params.strict(&SORT).map_err(AppError::Validation);
    let (org, request) = api
        .call(
            Operation::OrganizationList,
            request,
            |conn, actor, now, request| {
                let org = organizations::own(conn, actor)?;
                Ok((OrganizationJson::read(conn, now, &org)?, request))
            },
        )
        .await?;
    let items = if request.number == 1 {
        vec![org]
    } else {
        vec![]
    };
    let page = Page {
        items,
        request,
        total: 1,
    };
    Ok(json(StatusCode::OK, &ListBody::of(&page, Clone::clone)))
}

/// Start a new organisation on a trial, administered by the person who
/// created this client (the seed's `POST /organizations`). The client's own
/// tokens stay scoped to its organisation.
async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let name = Body::read(&req, &bytes).and_then(|mut body| {
        body.only(&["name"], &[]);
        let name = body.text("name", "name");
        body.finish().map(|()| name.unwrap_or_default())
    });
    let days = api.state().config.trial_days;
    let org = api
        .call(
            Operation::OrganizationCreate,
            name,
            move |conn, actor, now, name| {
                let org = crate::domain::users::start_organization(conn, now, actor, &name, days)?;
                OrganizationJson::read(conn, now, &org)
            },
        )
        .await?;
    Ok(created(&org, org.version, &iri("organizations", &org.id)))
}

async fn get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let org = api
        .run(move |conn, actor, now| {
            let org = organizations::own(conn, actor)?;
            if org.id != *id {
                return Err(AppError::NotFound);
            }
            OrganizationJson::read(conn, now, &org)
        })
        .await?;
    Ok(record(StatusCode::OK, org.version, &org))
}

/// The mail footer: its source and both renderings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FooterJson {
    organization: String,
    mail_footer: String,
    html: String,
    text: String,
    version: i32,
}

impl FooterJson {
    fn of(o: &Organization) -> Self {
        let r = markdown::render(&o.mail_footer);
        Self {
            organization: iri("organizations", &o.id),
            mail_footer: o.mail_footer.clone(),
            html: r.html,
            text: r.text,
            version: o.version,
        }
    }
}

async fn footer_get(api: Api) -> Result<HttpResponse, AppError> {
    let org = api
        .run(|conn, actor, _| organizations::own_for_footer(conn, actor))
        .await?;
    Ok(record(StatusCode::OK, org.version, &FooterJson::of(&org)))
}

async fn footer_update(
    api: Api,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let footer = Body::read(&req, &bytes).and_then(|mut body| {
        body.only(
            &["mailFooter"],
            &["organization", "html", "text", "version"],
        );
        let footer = body.text("mailFooter", "mail_footer");
        body.finish().map(|()| footer)
    });
    let wanted = if_match(&req);
    let op = Operation::OrganizationMailFooterUpdate;
    let org = api
        .call(op, footer, move |conn, actor, now, footer| {
            let current = organizations::own_for_footer(conn, actor)?;
            check_version(wanted, current.version)?;
            let Some(footer) = footer else {
                return Ok(current);
            };
            organizations::update_mail_footer(conn, now, actor, &footer, current.version)
        })
        .await?;
    Ok(record(StatusCode::OK, org.version, &FooterJson::of(&org)))
}

/// A stored image's description.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageJson {
    kind: String,
    content_type: String,
    width: i32,
    height: i32,
    byte_size: i32,
    sha256: String,
    updated_at: String,
}

impl ImageJson {
    fn of(m: &ImageMeta) -> Self {
        Self {
            kind: m.kind.clone(),
            content_type: m.content_type.clone(),
            width: m.width,
            height: m.height,
            byte_size: m.byte_size,
            sha256: m.sha256.clone(),
            updated_at: iso_utc(m.updated_at),
        }
    }
}

/// The bytes of an upload: the whole body (any image content type; the
/// bytes decide), or the `file` part of `multipart/form-data`. Over the
/// limit is 413.
async fn upload_bytes(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, AppError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        let parts = Multipart::new(req.headers(), payload);
        return match crate::http::upload::read_upload(parts, limit).await? {
            Ok(bytes) => Ok(bytes),
            Err(ErrorCode::FileTooLarge(_)) => Err(AppError::PayloadTooLarge),
            Err(code) => Err(AppError::Validation(FieldErrors(vec![("file", code)]))),
        };
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(AppError::Validation(FieldErrors(vec![(
            "file",
            ErrorCode::Required,
        )])));
    }
    Ok(bytes)
}

async fn store(
    api: Api,
    req: HttpRequest,
    payload: web::Payload,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    let op = match kind {
        Kind::Logo => Operation::OrganizationLogoUpdate,
        Kind::Icon => Operation::OrganizationIconUpdate,
    };
    // The scope first: a client that may not upload gets 403, not a read body.
    api.run(move |_, actor, _| actor.require(op)).await?;
    let bytes = upload_bytes(&req, payload, api.state().config.upload_limit).await?;
    let meta = api
        .run(move |conn, actor, now| images::store(conn, now, actor, kind, &bytes))
        .await?;
    Ok(json(StatusCode::CREATED, &ImageJson::of(&meta)))
}

async fn logo(api: Api, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, AppError> {
    store(api, req, payload, Kind::Logo).await
}

async fn icon(api: Api, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, AppError> {
    store(api, req, payload, Kind::Icon).await
}

//! `/api/v1/countries` and `/api/v1/languages`: the reference data, and the
//! languages the organisation works in (`POST /languages` switches one on).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::api::json::Body;
use crate::api::{Api, ListBody, json, lang_of, mount};
use crate::domain::paging::{ListParams, Page, SortSpec};
use crate::domain::reference::{self, Country, Language};
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Mount the reference routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::CountryList, country_list);
    mount(cfg, Operation::CountryGet, country_get);
    mount(cfg, Operation::LanguageList, language_list);
    mount(cfg, Operation::LanguageEnable, language_enable);
    mount(cfg, Operation::LanguageGet, language_get);
}

/// A country: its ISO 3166-1 alpha-2 code and its names.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CountryJson {
    pub id: String,
    pub name_nl: String,
    pub name_en: String,
}

impl CountryJson {
    fn of(c: &Country) -> Self {
        Self {
            id: c.code.clone(),
            name_nl: c.name_nl.clone(),
            name_en: c.name_en.clone(),
        }
    }
}

/// A language: its ISO 639-1 code, its names, and whether the organisation
/// works in it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageJson {
    pub id: String,
    pub name_nl: String,
    pub name_en: String,
    pub enabled: bool,
}

impl LanguageJson {
    fn of(l: &Language, enabled: bool) -> Self {
        Self {
            id: l.code.clone(),
            name_nl: l.name_nl.clone(),
            name_en: l.name_en.clone(),
            enabled,
        }
    }
}

/// How the countries may be sorted.
pub const COUNTRY_SORT: SortSpec = SortSpec {
    fields: &["id", "name"],
    default: "id",
    default_desc: false,
};

async fn country_list(
    api: Api,
    req: HttpRequest,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.strict(&COUNTRY_SORT).map_err(AppError::Validation);
    let lang = lang_of(&req);
    let (all, request) = api
        .call(
            Operation::CountryList,
            request,
            |conn, actor, _, request| Ok((reference::country_list(conn, actor)?, request)),
        )
        .await?;
    // 249 rows of reference data: searched, sorted and paged here.
    let needle = request.q.as_deref().map(str::to_lowercase);
    let mut rows: Vec<&Country> = all
        .iter()
        .filter(|c| {
            needle.as_deref().is_none_or(|n| {
                c.code.to_lowercase().contains(n)
                    || c.name_nl.to_lowercase().contains(n)
                    || c.name_en.to_lowercase().contains(n)
            })
        })
        .collect();
    if request.sort == "name" {
        rows.sort_by(|a, b| a.name(lang).cmp(b.name(lang)));
    }
    if request.desc {
        rows.reverse();
    }
    let total = rows.len() as i64;
    let items = rows
        .into_iter()
        .skip(request.offset() as usize)
        .take(request.size as usize)
        .map(CountryJson::of)
        .collect();
    let page = Page {
        items,
        request,
        total,
    };
    Ok(json(StatusCode::OK, &ListBody::of(&page, Clone::clone)))
}

async fn country_get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let c = api
        .run(move |conn, actor, _| reference::country_get(conn, actor, &id))
        .await?;
    Ok(json(StatusCode::OK, &CountryJson::of(&c)))
}

async fn language_list(
    api: Api,
    req: HttpRequest,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params
        .strict(&reference::LANGUAGE_SORT)
        .map_err(AppError::Validation);
    let lang = lang_of(&req);
    let (page, enabled) = api
        .call(
            Operation::LanguageList,
            request,
            move |conn, actor, _, request| reference::language_page(conn, actor, request, lang),
        )
        .await?;
    Ok(json(
        StatusCode::OK,
        &ListBody::of(&page, |l| LanguageJson::of(l, enabled.contains(&l.code))),
    ))
}

async fn language_get(api: Api, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (l, on) = api
        .run(move |conn, actor, _| reference::language_get(conn, actor, &id))
        .await?;
    Ok(json(StatusCode::OK, &LanguageJson::of(&l, on)))
}

/// `POST /languages` with `{"id": "de"}`: the organisation works in it from
/// now on (again: harmless).
async fn language_enable(
    api: Api,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let code = Body::read(&req, &bytes).and_then(|mut body| {
        body.only(&["id"], &["nameNl", "nameEn", "enabled"]);
        let code = body.text("id", "id");
        body.finish()?;
        let code = code.unwrap_or_default().trim().to_ascii_lowercase();
        if code.is_empty() {
            return Err(AppError::Validation(FieldErrors(vec![(
                "id",
                ErrorCode::Required,
            )])));
        }
        Ok(code)
    });
    let l = api
        .call(Operation::LanguageEnable, code, |conn, actor, now, code| {
            reference::set_language_enabled(conn, now, actor, &code, true).map_err(
                |e| match e {
                    AppError::NotFound => {
                        AppError::Validation(FieldErrors(vec![("id", ErrorCode::InvalidReference)]))
                    }
                    other => other,
                },
            )?;
            let (l, on) = reference::language_get(conn, actor, &code)?;
            Ok(LanguageJson::of(&l, on))
        })
        .await?;
    Ok(json(StatusCode::CREATED, &l))
}

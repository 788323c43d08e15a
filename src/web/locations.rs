//! Locations: the list (search, sort, paging), the form (create and edit,
//! with a version check; a location's page also lists its upcoming
//! meetings), and deleting after a confirmation that says how many meetings
//! keep going without a location.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::locations::{self, ListedLocation, Location, LocationInput};
use crate::domain::meetings::With;
use crate::domain::paging::{ListParams, Page};
use crate::domain::reference;
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::i18n::{Messages, fill};
use crate::web::confirm::ConfirmPage;
use crate::web::country_options;
use crate::web::csv;
use crate::web::extract::{Member, member_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::list::{Pager, Section, SortHeader, export_href, pager, sort_header};
use crate::web::meetings::upcoming::{self, UpcomingCard};
use crate::web::{render, render_html};

const BASE: &str = "/locations";

/// Mount `/locations`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(BASE, web::post().to(create))
        .route("/locations/export", web::get().to(export))
        .route("/locations/new", web::get().to(new_form))
        .route("/locations/{id}", web::get().to(edit_form))
        .route("/locations/{id}", web::post().to(update))
        .route("/locations/{id}/delete", web::get().to(confirm_delete))
        .route("/locations/{id}/delete", web::post().to(delete));
}

struct Row<'a> {
    id: &'a str,
    name: &'a str,
    address: String,
    city: &'a str,
    hours: String,
}

#[derive(Template)]
#[template(path = "locations/list.html")]
struct ListPage {
    l: LayoutCtx,
    /// The rendered [`ListSection`].
    list_html: Arc<String>,
    can_create: bool,
}

/// The `#list` section: search, table and paging.
#[derive(Template)]
#[template(path = "locations/_list_section.html")]
struct ListSection<'a> {
    t: &'static Messages,
    rows: Vec<Row<'a>>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_city: SortHeader,
    can_create: bool,
    /// The CSV export of what the list shows.
    export: String,
}

fn hours(l: &ListedLocation) -> String {
    match (l.office_open_hour, l.office_close_hour) {
        (Some(o), Some(c)) => format!("{o:02}:00–{c:02}:00"),
        _ => String::new(),
    }
}

async fn list(req: HttpRequest, params: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&locations::SORT);
    let (m, section) = member_with(&req, move |conn, actor, locale| {
        let can_create = actor.can(Operation::LocationCreate);
        Section::kept_or(
            actor,
            BASE,
            &request.clone(),
            locale.lang,
            &[can_create],
            || locations::list_for_screen(conn, actor, request),
        )
    })
    .await?;
    let can_create = m.actor.can(Operation::LocationCreate);
    let list_html = section.html(&m.actor, |page| {
        render_html(&list_section(m.lang.t(), &page, can_create))
    })?;
    let p = ListPage {
        l: LayoutCtx::new(&m, Nav::Locations),
        list_html,
        can_create,
    };
    render(StatusCode::OK, &p)
}

fn list_section<'a>(
    t: &'static Messages,
    page: &'a Page<ListedLocation>,
    can_create: bool,
) -> ListSection<'a> {
    let r = &page.request;
    let pager = pager(BASE, page).seeking(page.items.last().map(|l| l.id.as_str()));
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|loc| Row {
                id: &loc.id,
                name: &loc.name,
                address: match (loc.address_line1.as_str(), loc.postal_code.as_str()) {
                    ("", code) => code.to_string(),
                    (line, "") => line.to_string(),
                    (line, code) => format!("{line}, {code}"),
                },
                city: &loc.city,
                hours: hours(loc),
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_city: sort_header(BASE, r, "city"),
        export: export_href(BASE, r),
        can_create,
        pager,
    }
}

/// Every location the list's search finds, in its order, as CSV.
async fn export(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LocationList)?;
    let request = params.lenient(&locations::SORT);
    let (now, actor, t) = (state.clock.now(), m.actor.clone(), m.lang.t());
    let header = [
        t.name,
        t.loc_address_line1,
        t.loc_address_line2,
        t.loc_postal_code,
        t.loc_city,
        t.loc_country,
        t.loc_open_hour,
        t.loc_close_hour,
    ];
    csv::download(&state, &m, t.loc_export_file, &header, move |conn, out| {
        let hour = |h: Option<i32>| h.map(|h| h.to_string()).unwrap_or_default();
        locations::export(conn, now, &actor, &request, &mut |rows| {
            rows.iter().all(|l| {
                out.row(&[
                    l.name.as_str(),
                    &l.address_line1,
                    &l.address_line2,
                    &l.postal_code,
                    &l.city,
                    l.country_code.as_deref().unwrap_or_default(),
                    &hour(l.office_open_hour),
                    &hour(l.office_close_hour),
                ])
            })
        })
    })
    .await
}

#[derive(Template)]
#[template(path = "locations/form.html")]
struct FormPage {
    l: LayoutCtx,
    title: String,
    action: String,
    editing: Option<String>,
    version: i32,
    name: Field,
    address_line1: Field,
    address_line2: Field,
    postal_code: Field,
    city: Field,
    /// The country `<option>`s, escaped already.
    countries: country_options::Options<'static>,
    country_error: Option<String>,
    open: Field,
    close: Field,
    stale: Option<Location>,
    can_delete: bool,
    /// A stored location's next meetings (none without the permission).
    upcoming: Option<UpcomingCard>,
}

#[derive(Deserialize, Default)]
struct LocationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address_line1: String,
    #[serde(default)]
    address_line2: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country_code: String,
    #[serde(default)]
    office_open_hour: String,
    #[serde(default)]
    office_close_hour: String,
    #[serde(default)]
    version: i32,
}

impl LocationForm {
    fn input(&self) -> LocationInput {
        LocationInput {
            name: self.name.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country_code: self.country_code.clone(),
            office_open_hour: self.office_open_hour.clone(),
            office_close_hour: self.office_close_hour.clone(),
            version: self.version,
        }
    }

    fn of(l: &Location) -> Self {
        let h = |v: Option<i32>| v.map(|h| h.to_string()).unwrap_or_default();
        Self {
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
}

async fn form_page(
    m: &Member,
    state: &AppState,
    editing: Option<&Location>,
    f: &LocationForm,
) -> Result<FormPage, AppError> {
    let (lang, actor, now) = (m.lang, m.actor.clone(), state.clock.now());
    let id = editing.map(|loc| loc.id.clone());
    let (countries, meetings) = state
        .db(move |conn| {
            let meetings = match &id {
                Some(id) => upcoming::read(conn, &actor, now, With::Location(id))?,
                None => None,
            };
            Ok((reference::countries_by_name(conn, lang)?, meetings))
        })
        .await?;
    let l = LayoutCtx::new(m, Nav::Locations);
    let t = l.t;
    let hour = |name: &'static str, label: &'static str, value: &str| {
        Field::new(name, label, value)
            .kind("number")
            .max(2)
            .hint(t.loc_hour_hint)
    };
    let choices = country_options::options(&countries, lang, t.loc_no_country, &f.country_code);
    Ok(FormPage {
        title: editing.map_or_else(|| t.loc_new.to_string(), |loc| loc.name.clone()),
        action: editing.map_or_else(|| BASE.to_string(), |loc| format!("{BASE}/{}", loc.id)),
        editing: editing.map(|loc| loc.id.clone()),
        version: f.version,
        name: Field::new("name", t.name, &f.name)
            .required()
            .max(locations::MAX_NAME)
            .focus(),
        address_line1: Field::new("address_line1", t.loc_address_line1, &f.address_line1)
            .autocomplete("address-line1"),
        address_line2: Field::new("address_line2", t.loc_address_line2, &f.address_line2)
            .autocomplete("address-line2"),
        postal_code: Field::new("postal_code", t.loc_postal_code, &f.postal_code)
            .autocomplete("postal-code")
            .max(20),
        city: Field::new("city", t.loc_city, &f.city).autocomplete("address-level2"),
        countries: choices,
        country_error: None,
        open: hour("office_open_hour", t.loc_open_hour, &f.office_open_hour),
        close: hour("office_close_hour", t.loc_close_hour, &f.office_close_hour),
        stale: None,
        can_delete: editing.is_some() && m.actor.can(Operation::LocationDelete),
        upcoming: editing
            .zip(meetings)
            .map(|(loc, rows)| upcoming::card(lang, m.tz, &rows, With::Location(&loc.id))),
        l,
    })
}

fn with_errors(mut p: FormPage, errors: &crate::error::FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [
            &mut p.name,
            &mut p.address_line1,
            &mut p.address_line2,
            &mut p.postal_code,
            &mut p.city,
            &mut p.open,
            &mut p.close,
        ],
        errors,
        t,
    );
    p.country_error = errors.get("country_code").map(|c| c.message(t));
    // The country select sits between the city and the opening hours.
    order_summary(
        &mut p.l.errors,
        &[
            ("name", ""),
            ("address_line1", ""),
            ("address_line2", ""),
            ("postal_code", ""),
            ("city", ""),
            ("country_code", t.loc_country),
        ],
    );
    p
}

async fn new_form(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LocationCreate)?;
    let p = form_page(&m, &state, None, &LocationForm::default()).await?;
    render(StatusCode::OK, &p)
}

async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LocationCreate)?;
    let f = form.into_inner();
    let (now, actor, input) = (state.clock.now(), m.actor.clone(), f.input());
    match state
        .db(move |conn| locations::create(conn, now, &actor, &input))
        .await
    {
        Ok(_) => Ok(Flash::LocationSaved.redirect(BASE)),
        Err(AppError::Validation(errors)) => {
            let p = with_errors(form_page(&m, &state, None, &f).await?, &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}

async fn load(state: &AppState, m: &Member, id: String) -> Result<Location, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| locations::get(conn, &actor, &id))
        .await
}

async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let loc = load(&state, &m, id.into_inner()).await?;
    let p = form_page(&m, &state, Some(&loc), &LocationForm::of(&loc)).await?;
    render(StatusCode::OK, &p)
}

async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LocationUpdate)?;
    let loc = load(&state, &m, id.into_inner()).await?;
    let f = form.into_inner();
    let (now, actor, input, lid) = (
        state.clock.now(),
        m.actor.clone(),
        f.input(),
        loc.id.clone(),
    );
    match state
        .db(move |conn| locations::update(conn, now, &actor, &lid, &input))
        .await
    {
        Ok(_) => Ok(Flash::LocationSaved.redirect(BASE)),
        Err(AppError::Validation(errors)) => {
            let p = with_errors(form_page(&m, &state, Some(&loc), &f).await?, &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(AppError::Conflict) => {
            let current = load(&state, &m, loc.id.clone()).await?;
            let mut p = form_page(
                &m,
                &state,
                Some(&current),
                &LocationForm {
                    version: current.version,
                    ..f
                },
            )
            .await?;
            p.stale = Some(current);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::LocationDelete)?;
    let loc = load(&state, &m, id.into_inner()).await?;
    let (actor, lid) = (m.actor.clone(), loc.id.clone());
    let used = state
        .db(move |conn| locations::meeting_count(conn, &actor, &lid))
        .await?;
    let l = LayoutCtx::new(&m, Nav::Locations);
    let t = l.t;
    let p = ConfirmPage {
        title: t.loc_delete_title,
        text: if used > 0 {
            fill(t.loc_delete_used, &[&loc.name, &used])
        } else {
            fill(t.loc_delete_unused, &[&loc.name])
        },
        action: format!("{BASE}/{}/delete", loc.id),
        button: t.loc_delete,
        cancel: BASE.to_string(),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    state
        .db(move |conn| locations::delete(conn, now, &actor, &id))
        .await?;
    Ok(Flash::LocationDeleted.redirect(BASE))
}

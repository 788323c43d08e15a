//! `/platform/plans`: the plans organisations can subscribe to — a list
//! with how many subscriptions use each, create and edit (prices typed in
//! euros, a version check on edit), archive / offer again and make default,
//! each of those confirmed first (operators only).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::domain::modules::{Module, Modules};
use crate::domain::plans::{self, AddonInput, PlanInput, PlanWithAddons, addon_field};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, fill};
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::platform::{ConfirmPage, PlatformLayout};
use crate::web::render;

const BASE: &str = "/platform/plans";

/// Mount the plans screens.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(BASE, web::post().to(create))
        .route("/platform/plans/new", web::get().to(new))
        .route("/platform/plans/{id}", web::get().to(edit))
        .route("/platform/plans/{id}", web::post().to(update))
        .route("/platform/plans/{id}/archive", web::post().to(archive))
        .route("/platform/plans/{id}/unarchive", web::post().to(unarchive))
        .route("/platform/plans/{id}/default", web::post().to(make_default));
}

struct Row {
    id: String,
    code: String,
    name_nl: String,
    name_en: String,
    price_month: String,
    price_year: String,
    included: String,
    addons: Vec<String>,
    archived: bool,
    is_default: bool,
    in_use: i64,
}

#[derive(Template)]
#[template(path = "platform/plans.html")]
struct ListPage {
    l: PlatformLayout,
    rows: Vec<Row>,
    /// Why the last action was refused.
    error: Option<String>,
}

fn modules_words(lang: Lang, m: Modules) -> String {
    if m.is_empty() {
        return lang.t().platform_none.to_string();
    }
    m.iter()
        .map(|m| m.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list(req: HttpRequest) -> Result<HttpResponse, AppError> {
    list_with(&req, None, StatusCode::OK).await
}

async fn list_with(
    req: &HttpRequest,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (o, (all, usage)) = operator_with(req, |conn, _| {
        Ok((plans::list(conn, true)?, plans::usage(conn)?))
    })
    .await?;
    let lang = o.lang;
    let t = lang.t();
    let rows = all
        .iter()
        .map(|p| Row {
            id: p.plan.id.clone(),
            code: p.plan.code.clone(),
            name_nl: p.plan.name_nl.clone(),
            name_en: p.plan.name_en.clone(),
            price_month: fill(
                t.platform_per_month,
                &[&lang.money(p.plan.seat_price_month)],
            ),
            price_year: fill(t.platform_per_year, &[&lang.money(p.plan.seat_price_year)]),
            included: modules_words(lang, p.plan.included()),
            addons: p
                .addons
                .iter()
                .filter_map(|a| {
                    Some(format!(
                        "{}: {}, {}",
                        a.module()?.label(lang),
                        fill(t.platform_per_month, &[&lang.money(a.price_month)]),
                        fill(t.platform_per_year, &[&lang.money(a.price_year)]),
                    ))
                })
                .collect(),
            archived: p.plan.archived(),
            is_default: p.plan.is_default,
            in_use: usage
                .iter()
                .find(|(id, _)| *id == p.plan.id)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    render(
        status,
        &ListPage {
            l: PlatformLayout::new(&o),
            rows,
            error,
        },
    )
}

/// One module's inputs on the plan form.
struct ModuleRow {
    name: &'static str,
    label: &'static str,
    offer_label: String,
    include_label: String,
    included: bool,
    addon: bool,
    month: Field,
    year: Field,
}

#[derive(Template)]
#[template(path = "platform/plan_form.html")]
struct FormPage {
    l: PlatformLayout,
    /// The plan being edited (`None`: a new one).
    id: Option<String>,
    title: &'static str,
    code: Field,
    name_nl: Field,
    name_en: Field,
    seat_price_month: Field,
    seat_price_year: Field,
    modules: Vec<ModuleRow>,
    addons_error: Option<String>,
    version: i32,
    stale: Option<PlanWithAddons>,
    stale_text: String,
}

fn form_page(o: &Operator, id: Option<String>, input: &PlanInput) -> FormPage {
    let lang = o.lang;
    let t = lang.t();
    let price = |name, label, value: &str| {
        Field::new(name, label, value)
            .required()
            .hint(t.platform_price_hint)
            .max(16)
    };
    FormPage {
        title: if id.is_some() {
            t.platform_plan_edit
        } else {
            t.platform_plan_new
        },
        id,
        code: Field::new("code", t.platform_code, &input.code)
            .required()
            .hint(t.platform_code_hint)
            .max(plans::MAX_CODE),
        name_nl: Field::new("name_nl", t.platform_name_nl, &input.name_nl)
            .required()
            .max(plans::MAX_NAME),
        name_en: Field::new("name_en", t.platform_name_en, &input.name_en)
            .required()
            .max(plans::MAX_NAME),
        seat_price_month: price(
            "seat_price_month",
            t.platform_price_month,
            &input.seat_price_month,
        ),
        seat_price_year: price(
            "seat_price_year",
            t.platform_price_year,
            &input.seat_price_year,
        ),
        modules: Module::ALL
            .into_iter()
            .map(|m| {
                let a = input.addon(m).cloned().unwrap_or_default();
                ModuleRow {
                    name: m.as_str(),
                    label: m.label(lang),
                    offer_label: fill(t.platform_addon_offer, &[&m.label(lang)]),
                    include_label: fill(t.platform_include_module, &[&m.label(lang)]),
                    included: input.included.has(m),
                    addon: input.addon(m).is_some(),
                    month: Field::new(addon_field(m, false), t.platform_addon_month, a.price_month)
                        .max(16),
                    year: Field::new(addon_field(m, true), t.platform_addon_year, a.price_year)
                        .max(16),
                }
            })
            .collect(),
        addons_error: None,
        version: input.version,
        stale: None,
        stale_text: String::new(),
        l: PlatformLayout::new(o),
    }
}

fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    let mut fields: Vec<&mut Field> = vec![
        &mut p.code,
        &mut p.name_nl,
        &mut p.name_en,
        &mut p.seat_price_month,
        &mut p.seat_price_year,
    ];
    for m in p.modules.iter_mut() {
        fields.push(&mut m.month);
        fields.push(&mut m.year);
    }
    apply_errors(&mut p.l.errors, &mut fields, errors, t);
    p.addons_error = errors.get("addons").map(|c| c.message(t));
    order_summary(
        &mut p.l.errors,
        &[
            ("code", ""),
            ("name_nl", ""),
            ("name_en", ""),
            ("seat_price_month", ""),
            ("seat_price_year", ""),
            ("addons", t.platform_addons),
        ],
    );
    p
}

/// The form as posted.
fn input_of(form: &HashMap<String, String>) -> PlanInput {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let on = |k: String| form.get(&k).is_some_and(|v| !v.is_empty());
    PlanInput {
        code: get("code"),
        name_nl: get("name_nl"),
        name_en: get("name_en"),
        seat_price_month: get("seat_price_month"),
        seat_price_year: get("seat_price_year"),
        included: Module::ALL
            .into_iter()
            .filter(|m| on(format!("include_{}", m.as_str())))
            .collect(),
        addons: Module::ALL
            .into_iter()
            .filter(|m| on(format!("addon_{}", m.as_str())))
            .map(|m| {
                (
                    m,
                    AddonInput {
                        price_month: get(addon_field(m, false)),
                        price_year: get(addon_field(m, true)),
                    },
                )
            })
            .collect(),
        version: get("version").trim().parse().unwrap_or(0),
    }
}

async fn new(o: Operator) -> Result<HttpResponse, AppError> {
    let p = form_page(&o, None, &PlanInput::default());
    render(StatusCode::OK, &p)
}

async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let input = input_of(&form);
    let now = state.clock.now();
    let to_save = input.clone();
    let (o, res) = operator_with(&req, move |conn, operator| {
        Ok(plans::create(conn, now, &operator.audit(), &to_save))
    })
    .await?;
    match res {
        Ok(_) => Ok(Flash::PlanSaved.redirect(BASE)),
        Err(AppError::Validation(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &with_errors(form_page(&o, None, &input), &errors),
        ),
        Err(e) => Err(e),
    }
}

async fn load(req: &HttpRequest, id: String) -> Result<(Operator, PlanWithAddons), AppError> {
    operator_with(req, move |conn, _| {
        plans::by_id(conn, &id)?.ok_or(AppError::NotFound)
    })
    .await
}

async fn edit(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (o, p) = load(&req, path.into_inner()).await?;
    render(
        StatusCode::OK,
        &form_page(&o, Some(p.plan.id.clone()), &PlanInput::of(&p)),
    )
}

async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = input_of(&form);
    let now = state.clock.now();
    let (to_save, plan_id) = (input.clone(), id.clone());
    let (o, res) = operator_with(&req, move |conn, operator| {
        Ok(plans::update(
            conn,
            now,
            &operator.audit(),
            &plan_id,
            &to_save,
        ))
    })
    .await?;
    match res {
        Ok(_) => Ok(Flash::PlanSaved.redirect(BASE)),
        Err(AppError::Validation(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &with_errors(form_page(&o, Some(id), &input), &errors),
        ),
        Err(AppError::Conflict) => {
            // Keep the input; show what is stored now, and carry its
            // version so a second save is deliberate.
            let (o, cur) = load(&req, id.clone()).await?;
            let lang = o.lang;
            let t = lang.t();
            let mut p = form_page(
                &o,
                Some(id),
                &PlanInput {
                    version: cur.plan.version,
                    ..input
                },
            );
            p.stale_text = format!(
                "{} · {} / {} · {} · {} · {}",
                cur.plan.code,
                cur.plan.name_nl,
                cur.plan.name_en,
                fill(
                    t.platform_per_month,
                    &[&lang.money(cur.plan.seat_price_month)]
                ),
                fill(
                    t.platform_per_year,
                    &[&lang.money(cur.plan.seat_price_year)]
                ),
                modules_words(lang, cur.plan.included()),
            );
            p.stale = Some(cur);
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

/// What a confirmed plan action does.
#[derive(Clone, Copy)]
enum Act {
    Archive,
    Unarchive,
    Default,
}

async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: String,
    form: HashMap<String, String>,
    what: Act,
) -> Result<HttpResponse, AppError> {
    if !form.contains_key("confirmed") {
        let (o, p) = load(&req, id.clone()).await?;
        let t = o.lang.t();
        let name = format!("{} ({})", p.plan.name(o.lang), p.plan.code);
        let (title, text, path, danger) = match what {
            Act::Archive => (
                t.platform_archive,
                t.platform_confirm_archive,
                "archive",
                true,
            ),
            Act::Unarchive => (
                t.platform_unarchive,
                t.platform_confirm_unarchive,
                "unarchive",
                false,
            ),
            Act::Default => (
                t.platform_make_default,
                t.platform_confirm_default,
                "default",
                false,
            ),
        };
        return render(
            StatusCode::OK,
            &ConfirmPage {
                l: PlatformLayout::new(&o),
                title,
                text: fill(text, &[&name]),
                action: format!("{BASE}/{id}/{path}"),
                button: t.platform_confirm,
                danger,
                fields: vec![],
                cancel: BASE.to_string(),
            },
        );
    }
    let now = state.clock.now();
    let (o, res) = operator_with(&req, move |conn, operator| {
        let actor = operator.audit();
        Ok(match what {
            Act::Archive => plans::set_archived(conn, now, &actor, &id, true),
            Act::Unarchive => plans::set_archived(conn, now, &actor, &id, false),
            Act::Default => plans::make_default(conn, now, &actor, &id),
        })
    })
    .await?;
    match res {
        Ok(_) => Ok(match what {
            Act::Archive => Flash::PlanArchived,
            Act::Unarchive => Flash::PlanUnarchived,
            Act::Default => Flash::PlanDefault,
        }
        .redirect(BASE)),
        Err(AppError::Validation(errors)) => {
            // The list again, the refusal at its top.
            let message = errors
                .0
                .first()
                .map(|(_, c)| c.message(o.lang.t()))
                .unwrap_or_default();
            list_with(&req, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

async fn archive(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    act(
        req,
        state,
        path.into_inner(),
        form.into_inner(),
        Act::Archive,
    )
    .await
}

async fn unarchive(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    act(
        req,
        state,
        path.into_inner(),
        form.into_inner(),
        Act::Unarchive,
    )
    .await
}

async fn make_default(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    act(
        req,
        state,
        path.into_inner(),
        form.into_inner(),
        Act::Default,
    )
    .await
}

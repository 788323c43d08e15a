//! `/platform`: every organisation, with a search by name, paging, its
//! members, plan, status, seats, trial end and monthly recurring revenue;
//! `/platform/organizations/{id}`: one organisation's subscription and the
//! operator's corrections (extend trial, change plan, cancel now), each
//! confirmed first and audited in the organisation's log as the operator.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::AppState;
use crate::domain::modules::Modules;
use crate::domain::paging::ListParams;
use crate::domain::platform::{self, OrganizationDetail, OrganizationsPage};
use crate::domain::proration::Interval;
use crate::domain::subscriptions::{self, Status};
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::{Lang, Messages, fill};
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::form::{Choice, Field, apply_errors};
use crate::web::list::{Pager, SortHeader, pager, sort_header};
use crate::web::platform::{ConfirmPage, PlatformLayout};
use crate::web::{render, render_html};

const BASE: &str = "/platform";

/// Mount the organisations list and the organisation page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route("/platform/organizations/{id}", web::get().to(show))
        .route(
            "/platform/organizations/{id}/extend-trial",
            web::post().to(extend_trial),
        )
        .route(
            "/platform/organizations/{id}/change-plan",
            web::post().to(change_plan),
        )
        .route(
            "/platform/organizations/{id}/cancel-now",
            web::post().to(cancel_now),
        );
}

/// A status in words.
pub fn status_words(t: &Messages, s: Option<Status>) -> &'static str {
    match s {
        None => t.platform_no_subscription,
        Some(Status::Trialing) => t.platform_status_trialing,
        Some(Status::Active) => t.platform_status_active,
        Some(Status::Awaiting) => t.platform_status_awaiting,
        Some(Status::PastDue) => t.platform_status_past_due,
        Some(Status::Canceled) => t.platform_status_canceled,
    }
}

/// The badge style of a status.
fn status_badge(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Active) => "badge-success",
        Some(Status::Trialing) => "badge-info",
        Some(Status::Awaiting | Status::PastDue) => "badge-warning",
        Some(Status::Canceled) | None => "badge-muted",
    }
}

struct Row {
    href: String,
    name: String,
    members: i64,
    plan: String,
    status: &'static str,
    badge: &'static str,
    seats: String,
    trial_end: String,
    mrr: String,
    created: String,
}

#[derive(Template)]
#[template(path = "platform/organizations.html")]
struct ListPage {
    l: PlatformLayout,
    total_mrr: String,
    /// The rendered [`ListSection`].
    list: String,
}

/// The `#list` section: search, table and paging.
#[derive(Template)]
#[template(path = "platform/_organizations_list.html")]
struct ListSection {
    t: &'static Messages,
    rows: Vec<Row>,
    pager: Pager,
    showing: String,
    q: String,
    sort_name: SortHeader,
    sort_created: SortHeader,
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.lenient(&platform::SORT);
    let now = state.clock.now();
    let (o, page) = operator_with(&req, move |conn, operator| {
        platform::organizations(conn, operator, now, request)
    })
    .await?;
    let list = render_html(&list_section(o.lang, now, &page))?;
    let p = ListPage {
        total_mrr: o.lang.money(page.total_mrr),
        l: PlatformLayout::new(&o),
        list,
    };
    render(StatusCode::OK, &p)
}

fn list_section(lang: Lang, now: NaiveDateTime, p: &OrganizationsPage) -> ListSection {
    let t = lang.t();
    let page = &p.page;
    let r = &page.request;
    let pager = pager(BASE, page);
    ListSection {
        t,
        showing: fill(t.showing, &[&pager.from, &pager.to, &pager.total]),
        rows: page
            .items
            .iter()
            .map(|o| {
                let status = o.subscription.as_ref().map(|s| s.in_effect(now).status);
                Row {
                    href: format!("/platform/organizations/{}", o.id),
                    name: o.name.clone(),
                    members: o.members,
                    plan: o
                        .plan_names
                        .as_ref()
                        .map(|(nl, en)| match lang {
                            Lang::Nl => nl.clone(),
                            Lang::En => en.clone(),
                        })
                        .unwrap_or_default(),
                    status: status_words(t, status),
                    badge: status_badge(status),
                    seats: o
                        .subscription
                        .as_ref()
                        .map(|s| s.seats.to_string())
                        .unwrap_or_default(),
                    trial_end: o
                        .subscription
                        .as_ref()
                        .filter(|s| s.status == Status::Trialing.as_str())
                        .and_then(|s| s.trial_end)
                        .map(|d| lang.date(d.date()))
                        .unwrap_or_default(),
                    mrr: lang.money(o.mrr(now)),
                    created: lang.date(o.created_at.date()),
                }
            })
            .collect(),
        q: r.q.clone().unwrap_or_default(),
        sort_name: sort_header(BASE, r, "name"),
        sort_created: sort_header(BASE, r, "createdAt"),
        pager,
    }
}

#[derive(Template)]
#[template(path = "platform/organization.html")]
struct ShowPage {
    l: PlatformLayout,
    id: String,
    name: String,
    members: i64,
    created: String,
    has_subscription: bool,
    plan: String,
    status: &'static str,
    badge: &'static str,
    interval: &'static str,
    period: String,
    seats: String,
    modules: String,
    trial_end: String,
    cancel_at: String,
    mrr: String,
    version: i32,
    can_extend: bool,
    can_change: bool,
    can_cancel: bool,
    days: Field,
    plans: Vec<Choice>,
    plan_error: Option<String>,
    status_error: Option<String>,
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

fn show_page(o: &Operator, now: NaiveDateTime, d: &OrganizationDetail) -> ShowPage {
    let lang = o.lang;
    let t = lang.t();
    let s = d.subscription.as_ref();
    let eff = s.map(|s| s.in_effect(now));
    let status = eff.map(|e| e.status);
    let date = |x: Option<NaiveDateTime>| x.map(|x| lang.date(x.date())).unwrap_or_default();
    ShowPage {
        id: d.id.clone(),
        name: d.name.clone(),
        members: d.members,
        created: lang.date(d.created_at.date()),
        has_subscription: s.is_some(),
        plan: d
            .plan
            .as_ref()
            .map(|p| format!("{} ({})", p.plan.name(lang), p.plan.code))
            .unwrap_or_default(),
        status: status_words(t, status),
        badge: status_badge(status),
        interval: match s.map(|s| s.interval()) {
            Some(Interval::Year) => t.platform_interval_year,
            _ => t.platform_interval_month,
        },
        period: match s.and_then(|s| s.current_period_start.zip(s.current_period_end)) {
            Some((a, b)) => format!("{} – {}", lang.date(a.date()), lang.date(b.date())),
            None => String::new(),
        },
        seats: s.map(|s| s.seats.to_string()).unwrap_or_default(),
        modules: eff
            .map(|e| modules_words(lang, e.modules))
            .unwrap_or_default(),
        trial_end: date(
            s.and_then(|s| s.trial_end)
                .filter(|_| matches!(status, Some(Status::Trialing | Status::Awaiting))),
        ),
        cancel_at: date(s.and_then(|s| s.cancel_at)),
        mrr: lang.money(s.map_or(0, |s| {
            platform::SubscriptionSummary {
                status: s.status.clone(),
                billing_interval: s.billing_interval.clone(),
                seats: s.seats,
                seat_price: s.seat_price,
                addons: s.addons.clone(),
                modules: s.modules.clone(),
                trial_end: s.trial_end,
                cancel_at: s.cancel_at,
            }
            .mrr(now)
        })),
        version: s.map_or(0, |s| s.version),
        can_extend: matches!(status, Some(Status::Trialing | Status::Awaiting)),
        can_change: s.is_some() && status != Some(Status::Canceled) && !d.other_plans.is_empty(),
        can_cancel: s.is_some() && status != Some(Status::Canceled),
        days: Field::new("days", t.platform_days, "30")
            .kind("number")
            .required()
            .hint(t.platform_days_hint)
            .max(3),
        plans: d
            .other_plans
            .iter()
            .map(|p| Choice {
                value: p.plan.id.clone(),
                label: format!("{} ({})", p.plan.name(lang), p.plan.code),
                selected: false,
            })
            .collect(),
        plan_error: None,
        status_error: None,
        l: PlatformLayout::new(o),
    }
}

async fn load(req: &HttpRequest, id: String) -> Result<(Operator, OrganizationDetail), AppError> {
    operator_with(req, move |conn, operator| {
        platform::organization(conn, operator, &id)
    })
    .await
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (o, d) = load(&req, path.into_inner()).await?;
    render(StatusCode::OK, &show_page(&o, state.clock.now(), &d))
}

/// The page again with the action's errors beside its fields.
async fn with_errors(
    req: &HttpRequest,
    state: &AppState,
    id: String,
    errors: &FieldErrors,
    days: &str,
) -> Result<HttpResponse, AppError> {
    let (o, d) = load(req, id).await?;
    let mut p = show_page(&o, state.clock.now(), &d);
    let t = p.l.t;
    p.days.value = days.to_string();
    apply_errors(&mut p.l.errors, &mut [&mut p.days], errors, t);
    p.plan_error = errors.get("plan").map(|c| c.message(t));
    p.status_error = errors.get("status").map(|c| c.message(t));
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    confirmed: Option<String>,
    #[serde(default)]
    days: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    version: i32,
}

fn confirm(
    o: &Operator,
    title: &'static str,
    text: String,
    action: String,
    danger: bool,
    fields: Vec<(&'static str, String)>,
    cancel: String,
) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &ConfirmPage {
            l: PlatformLayout::new(o),
            title,
            text,
            action,
            button: o.lang.t().platform_confirm,
            danger,
            fields,
            cancel,
        },
    )
}

async fn extend_trial(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.into_inner();
    let back = format!("/platform/organizations/{id}");
    let days = match f.days.trim().parse::<i64>() {
        Ok(d) if (1..=365).contains(&d) => d,
        _ => {
            let errors = FieldErrors(vec![("days", ErrorCode::DaysRange(365))]);
            return with_errors(&req, &state, id, &errors, &f.days).await;
        }
    };
    if f.confirmed.is_none() {
        let (o, d) = load(&req, id.clone()).await?;
        let t = o.lang.t();
        return confirm(
            &o,
            t.platform_extend_trial,
            fill(t.platform_confirm_extend, &[&d.name, &days]),
            format!("{back}/extend-trial"),
            false,
            vec![("days", days.to_string())],
            back,
        );
    }
    let now = state.clock.now();
    let org = id.clone();
    match operator_with(&req, move |conn, operator| {
        subscriptions::extend_trial(conn, now, &operator.audit(), &org, days)
    })
    .await
    {
        Ok(_) => Ok(Flash::PlatformTrialExtended.redirect(&back)),
        Err(AppError::Validation(errors)) => with_errors(&req, &state, id, &errors, &f.days).await,
        Err(e) => Err(e),
    }
}

async fn change_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.into_inner();
    let back = format!("/platform/organizations/{id}");
    if f.confirmed.is_none() {
        let (o, d) = load(&req, id.clone()).await?;
        let t = o.lang.t();
        let Some(to) = d.other_plans.iter().find(|p| p.plan.id == f.plan) else {
            let errors = FieldErrors(vec![("plan", ErrorCode::InvalidChoice)]);
            return with_errors(&req, &state, id, &errors, "30").await;
        };
        let from = d.plan.as_ref().map(|p| p.plan.name(o.lang)).unwrap_or("");
        return confirm(
            &o,
            t.platform_change_plan,
            fill(
                t.platform_confirm_change,
                &[&d.name, &from, &to.plan.name(o.lang)],
            ),
            format!("{back}/change-plan"),
            false,
            vec![("plan", f.plan.clone()), ("version", f.version.to_string())],
            back,
        );
    }
    let now = state.clock.now();
    let (org, plan, version) = (id.clone(), f.plan.clone(), f.version);
    match operator_with(&req, move |conn, operator| {
        platform::change_plan(conn, now, operator, &org, &plan, version)
    })
    .await
    {
        Ok(_) => Ok(Flash::PlatformPlanChanged.redirect(&back)),
        Err(AppError::Validation(errors)) => with_errors(&req, &state, id, &errors, "30").await,
        Err(e) => Err(e),
    }
}

async fn cancel_now(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let back = format!("/platform/organizations/{id}");
    if form.confirmed.is_none() {
        let (o, d) = load(&req, id.clone()).await?;
        let t = o.lang.t();
        return confirm(
            &o,
            t.platform_cancel_now,
            fill(t.platform_confirm_cancel, &[&d.name]),
            format!("{back}/cancel-now"),
            true,
            vec![],
            back,
        );
    }
    let now = state.clock.now();
    let org = id.clone();
    match operator_with(&req, move |conn, operator| {
        subscriptions::cancel_now(conn, now, &operator.audit(), &org)
    })
    .await
    {
        Ok(_) => Ok(Flash::PlatformCanceled.redirect(&back)),
        Err(AppError::Validation(errors)) => with_errors(&req, &state, id, &errors, "30").await,
        Err(e) => Err(e),
    }
}

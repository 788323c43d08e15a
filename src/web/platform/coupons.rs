//! `/platform/coupons`: the coupons organisations can apply — a list with
//! what each takes off, for how long, how often it was used and until when
//! it can be; create (the domain checks every field); archive (confirmed
//! first); and who applied a coupon (operators only; the domain audits).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::domain::coupons::{self, Coupon, CouponInput, Duration};
use crate::domain::plans;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Lang, fill};
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::platform::{ConfirmPage, PlatformLayout};
use crate::web::render;

const BASE: &str = "/platform/coupons";

/// Mount the coupon screens.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(BASE, web::get().to(list))
        .route(BASE, web::post().to(create))
        .route("/platform/coupons/new", web::get().to(new))
        .route("/platform/coupons/{id}", web::get().to(redemptions))
        .route("/platform/coupons/{id}/archive", web::post().to(archive));
}

/// What a coupon takes off, in words: "20% korting", "€ 10,00 korting".
pub fn off_words(lang: Lang, c: &Coupon) -> String {
    let t = lang.t();
    match (c.percent_off, c.amount_off) {
        (Some(p), _) => fill(t.coupon_percent_off, &[&p]),
        (None, Some(a)) => fill(t.coupon_amount_off, &[&lang.money(a)]),
        (None, None) => String::new(),
    }
}

/// How long a coupon takes off, in words: "eenmalig", "3 maanden", "altijd".
pub fn duration_words(lang: Lang, c: &Coupon) -> String {
    let t = lang.t();
    match c.duration() {
        Duration::Once => t.coupon_once.to_string(),
        Duration::Repeating(1) => t.coupon_months_one.to_string(),
        Duration::Repeating(n) => fill(t.coupon_months, &[&n]),
        Duration::Forever => t.coupon_forever.to_string(),
    }
}

struct Row {
    id: String,
    code: String,
    off: String,
    duration: String,
    redemptions: String,
    redeem_by: String,
    plans: String,
    archived: bool,
}

#[derive(Template)]
#[template(path = "platform/coupons.html")]
struct ListPage {
    l: PlatformLayout,
    rows: Vec<Row>,
}

async fn list(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (o, all) = operator_with(&req, |conn, _| Ok(coupons::list(conn)?)).await?;
    let lang = o.lang;
    let t = lang.t();
    let rows = all
        .iter()
        .map(|c| Row {
            id: c.id.clone(),
            code: c.code.to_uppercase(),
            off: off_words(lang, c),
            duration: duration_words(lang, c),
            redemptions: match c.max_redemptions {
                Some(max) => format!("{} / {max}", c.redemptions),
                None => fill(t.platform_coupon_unlimited, &[&c.redemptions]),
            },
            redeem_by: c.redeem_by.map_or_else(
                || t.platform_coupon_no_end.to_string(),
                |d| lang.long_date(d.date()),
            ),
            plans: if c.plans().is_empty() {
                t.platform_coupon_all_plans.to_string()
            } else {
                c.plans().join(", ")
            },
            archived: c.archived_at.is_some(),
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            l: PlatformLayout::new(&o),
            rows,
        },
    )
}

/// A plan to tick.
struct PlanBox {
    code: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "platform/coupon_form.html")]
struct FormPage {
    l: PlatformLayout,
    code: Field,
    kind: String,
    kind_error: Option<String>,
    value: Field,
    duration: String,
    duration_error: Option<String>,
    duration_months: Field,
    max_redemptions: Field,
    redeem_by: Field,
    plans: Vec<PlanBox>,
    plans_error: Option<String>,
}

fn form_page(
    o: &Operator,
    input: &CouponInput,
    all_plans: &[plans::PlanWithAddons],
    errors: Option<&FieldErrors>,
) -> FormPage {
    let t = o.lang.t();
    let mut p = FormPage {
        code: Field::new("code", t.platform_code, &input.code)
            .required()
            .hint(t.platform_coupon_code_hint)
            .max(coupons::MAX_CODE),
        kind: input.kind.clone(),
        kind_error: None,
        value: Field::new("value", t.platform_coupon_value, &input.value)
            .required()
            .hint(t.platform_coupon_value_hint)
            .max(16),
        duration: input.duration.clone(),
        duration_error: None,
        duration_months: Field::new(
            "duration_months",
            t.platform_coupon_months,
            &input.duration_months,
        )
        .hint(t.platform_coupon_months_hint)
        .max(4),
        max_redemptions: Field::new(
            "max_redemptions",
            t.platform_coupon_max,
            &input.max_redemptions,
        )
        .hint(t.platform_coupon_max_hint)
        .max(9),
        redeem_by: Field::new("redeem_by", t.platform_coupon_redeem_by, &input.redeem_by)
            .kind("date")
            .hint(t.platform_coupon_redeem_by_hint)
            .max(10),
        plans: all_plans
            .iter()
            .filter(|p| !p.plan.archived() || input.plans.contains(&p.plan.code))
            .map(|p| PlanBox {
                code: p.plan.code.clone(),
                name: format!("{} ({})", p.plan.name(o.lang), p.plan.code),
                checked: input.plans.contains(&p.plan.code),
            })
            .collect(),
        plans_error: None,
        l: PlatformLayout::new(o),
    };
    if let Some(errors) = errors {
        apply_errors(
            &mut p.l.errors,
            &mut [
                &mut p.code,
                &mut p.value,
                &mut p.duration_months,
                &mut p.max_redemptions,
                &mut p.redeem_by,
            ],
            errors,
            t,
        );
        p.kind_error = errors.get("kind").map(|c| c.message(t));
        p.duration_error = errors.get("duration").map(|c| c.message(t));
        p.plans_error = errors.get("plans").map(|c| c.message(t));
        order_summary(
            &mut p.l.errors,
            &[
                ("code", ""),
                ("kind", t.platform_coupon_kind),
                ("value", ""),
                ("duration", t.platform_coupon_duration),
                ("duration_months", ""),
                ("max_redemptions", ""),
                ("redeem_by", ""),
                ("plans", t.platform_coupon_plans),
            ],
        );
    }
    p
}

/// The form as posted (`plan` may repeat).
fn input_of(form: &[(String, String)]) -> CouponInput {
    let mut input = CouponInput::default();
    for (k, v) in form {
        match k.as_str() {
            "code" => input.code = v.clone(),
            "kind" => input.kind = v.clone(),
            "value" => input.value = v.clone(),
            "duration" => input.duration = v.clone(),
            "duration_months" => input.duration_months = v.clone(),
            "max_redemptions" => input.max_redemptions = v.clone(),
            "redeem_by" => input.redeem_by = v.clone(),
            "plan" => input.plans.push(v.clone()),
            _ => {}
        }
    }
    input
}

async fn new(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (o, all_plans) = operator_with(&req, |conn, _| Ok(plans::list(conn, true)?)).await?;
    let input = CouponInput {
        kind: "percent".into(),
        duration: "once".into(),
        ..CouponInput::default()
    };
    render(StatusCode::OK, &form_page(&o, &input, &all_plans, None))
}

async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let input = input_of(&form);
    let now = state.clock.now();
    let to_save = input.clone();
    let (o, (res, all_plans)) = operator_with(&req, move |conn, operator| {
        let res = coupons::create(conn, now, &operator.audit(), &to_save);
        Ok((res, plans::list(conn, true)?))
    })
    .await?;
    match res {
        Ok(_) => Ok(Flash::CouponCreated.redirect(BASE)),
        Err(AppError::Validation(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&o, &input, &all_plans, Some(&errors)),
        ),
        Err(e) => Err(e),
    }
}

async fn load(req: &HttpRequest, id: String) -> Result<(Operator, Coupon), AppError> {
    operator_with(req, move |conn, _| {
        coupons::list(conn)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)
    })
    .await
}

async fn archive(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !form.iter().any(|(k, _)| k == "confirmed") {
        let (o, c) = load(&req, id.clone()).await?;
        if c.archived_at.is_some() {
            return Err(AppError::NotFound);
        }
        let t = o.lang.t();
        return render(
            StatusCode::OK,
            &ConfirmPage {
                l: PlatformLayout::new(&o),
                title: t.platform_archive,
                text: fill(t.platform_coupon_confirm_archive, &[&c.code.to_uppercase()]),
                action: format!("{BASE}/{id}/archive"),
                button: t.platform_archive,
                danger: true,
                fields: vec![],
                cancel: BASE.to_string(),
            },
        );
    }
    let now = state.clock.now();
    operator_with(&req, move |conn, operator| {
        coupons::archive(conn, now, &operator.audit(), &id)
    })
    .await?;
    Ok(Flash::CouponArchived.redirect(BASE))
}

struct RedemptionRow {
    organization_id: String,
    organization: String,
    applied_at: String,
    removed_at: Option<String>,
}

#[derive(Template)]
#[template(path = "platform/coupon.html")]
struct RedemptionsPage {
    l: PlatformLayout,
    title: String,
    summary: String,
    rows: Vec<RedemptionRow>,
}

async fn redemptions(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (o, (c, list)) = operator_with(&req, move |conn, _| {
        let c = coupons::list(conn)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(AppError::NotFound)?;
        let list = coupons::redemptions(conn, &c.id)?;
        Ok((c, list))
    })
    .await?;
    let lang = o.lang;
    let t = lang.t();
    let code = c.code.to_uppercase();
    render(
        StatusCode::OK,
        &RedemptionsPage {
            title: fill(t.platform_coupon_redemptions_title, &[&code]),
            summary: format!(
                "{} · {} · {}",
                off_words(lang, &c),
                duration_words(lang, &c),
                match c.max_redemptions {
                    Some(max) => format!("{} / {max}", c.redemptions),
                    None => fill(t.platform_coupon_unlimited, &[&c.redemptions]),
                }
            ),
            rows: list
                .into_iter()
                .map(|r| RedemptionRow {
                    organization_id: r.organization_id,
                    organization: r.organization_name,
                    applied_at: lang.date(r.redeemed_at.date()),
                    removed_at: r.removed_at.map(|d| lang.date(d.date())),
                })
                .collect(),
            l: PlatformLayout::new(&o),
        },
    )
}

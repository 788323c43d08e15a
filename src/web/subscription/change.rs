//! Start a subscription; change one: the order is previewed (nothing
//! written), then confirmed with the version the admin saw.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::view::{LineView, Words};
use super::{OrderInput, PATH, show};
use crate::AppState;
use crate::domain::plans;
use crate::domain::subscriptions::{self, ChangePreview};
use crate::error::{AppError, FieldErrors};
use crate::i18n::fill;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

type Pairs = web::Form<Vec<(String, String)>>;

/// The screen again with the input and why it was refused (422).
pub async fn refused(
    m: &Member,
    state: &AppState,
    input: Option<&OrderInput>,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let p = show::page(m, state, input, Some(errors)).await?.page()?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// `POST /settings/subscription/start`.
pub async fn start(
    m: Member,
    state: web::Data<AppState>,
    form: Pairs,
) -> Result<HttpResponse, AppError> {
    let input = OrderInput::from_pairs(&form);
    let order = match input.order() {
        Ok(o) => o,
        Err(e) => return refused(&m, &state, Some(&input), &e).await,
    };
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state
        .db(move |conn| subscriptions::start(conn, now, &actor, &order))
        .await
    {
        Ok(_) => Ok(Flash::SubscriptionStarted.redirect(PATH)),
        Err(AppError::Validation(e)) => refused(&m, &state, Some(&input), &e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "subscription/preview.html")]
struct PreviewPage {
    l: LayoutCtx,
    /// "Charged now (…on the next invoice)", or (yearly) "Invoiced now".
    now_title: &'static str,
    /// This change's charges; yearly, the whole invoice made on confirming.
    immediate: Vec<LineView>,
    immediate_total_label: &'static str,
    immediate_total: String,
    /// Yearly: "Invoiced now: € …" (the next invoice leaves it out).
    invoiced_now: Option<String>,
    scheduled: Option<String>,
    next_title: String,
    /// The next invoice: earlier charges, this change's, the next period.
    invoice: Vec<LineView>,
    invoice_total: String,
    /// The order and version, as hidden fields of Confirm.
    hidden: Vec<(&'static str, String)>,
    version: i32,
    back: String,
}

/// `POST /settings/subscription/preview`: what the change would charge
/// now, what waits for the period end, and the next invoice.
pub async fn preview(
    m: Member,
    state: web::Data<AppState>,
    form: Pairs,
) -> Result<HttpResponse, AppError> {
    let input = OrderInput::from_pairs(&form);
    let order = match input.order() {
        Ok(o) => o,
        Err(e) => return refused(&m, &state, Some(&input), &e).await,
    };
    let (now, actor) = (state.clock.now(), m.actor.clone());
    let previewed = state
        .db(move |conn| {
            let p = subscriptions::preview_change(conn, now, &actor, &order)?;
            Ok((p, plans::list(conn, true)?))
        })
        .await;
    let (p, all_plans) = match previewed {
        Ok(done) => done,
        Err(AppError::Validation(e)) => return refused(&m, &state, Some(&input), &e).await,
        Err(e) => return Err(e),
    };
    if p.is_empty() {
        return Ok(Flash::SubscriptionUnchanged.redirect(PATH));
    }
    let l = LayoutCtx::new(&m, Nav::Subscription);
    let w = Words {
        lang: m.lang,
        tz: m.tz,
        plans: &all_plans,
    };
    render(StatusCode::OK, &preview_page(l, &w, &p, &input))
}

fn preview_page(l: LayoutCtx, w: &Words, p: &ChangePreview, input: &OrderInput) -> PreviewPage {
    let t = l.t;
    let pv = &p.preview;
    let scheduled = pv.scheduled.as_ref().map(|s| {
        let modules = s
            .addons
            .iter()
            .map(|(m, _)| *m)
            .fold(p.order.plan.plan.included(), |acc, m| acc.with(m));
        let what = format!(
            "{} · {}: {} · {} · {}: {}",
            w.plan_name(&s.plan_code),
            t.sub_seats,
            s.seats,
            w.interval(s.interval),
            t.sub_modules,
            w.modules(modules)
        );
        format!(
            "{}: {what}",
            fill(t.sub_preview_scheduled, &[&w.date(pv.next_date)])
        )
    });
    // The waiting charges and this change's: on an invoice of their own at
    // once (a yearly plan's increase), else on the next invoice.
    let charges = || {
        p.pending
            .iter()
            .map(|c| w.charge(c))
            .chain(pv.immediate.iter().map(|x| w.line(x)))
    };
    let bills_now = p.bills_now();
    PreviewPage {
        now_title: if p.invoiced_now() {
            t.tinv_preview_now
        } else {
            t.sub_preview_now
        },
        immediate: if bills_now {
            charges()
                .chain(p.discount_now.as_ref().map(|d| w.discount(d)))
                .collect()
        } else {
            pv.immediate.iter().map(|x| w.line(x)).collect()
        },
        immediate_total_label: if bills_now {
            t.tinv_preview_total_now
        } else {
            t.sub_total
        },
        immediate_total: w.money(if bills_now {
            p.invoiced_now_total()
        } else {
            pv.immediate_total
        }),
        invoiced_now: bills_now.then(|| {
            fill(
                t.tinv_preview_invoiced_now,
                &[&w.money(p.invoiced_now_total())],
            )
        }),
        scheduled,
        next_title: fill(t.sub_preview_next, &[&w.date(pv.next_date)]),
        invoice: (!bills_now)
            .then(charges)
            .into_iter()
            .flatten()
            .chain(pv.next.iter().map(|x| w.line(x)))
            .chain(p.discount.as_ref().map(|d| w.discount(d)))
            .collect(),
        invoice_total: w.money(p.next_invoice_total()),
        hidden: input.pairs(),
        version: p.current.version,
        back: input.link(),
        l,
    }
}

/// `POST /settings/subscription/change`: the previewed order, confirmed
/// (a version that is no longer current: 409).
pub async fn confirm(
    m: Member,
    state: web::Data<AppState>,
    form: Pairs,
) -> Result<HttpResponse, AppError> {
    let input = OrderInput::from_pairs(&form);
    let order = match input.order() {
        Ok(o) => o,
        Err(e) => return refused(&m, &state, Some(&input), &e).await,
    };
    let version = input.version.unwrap_or(-1);
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state
        .db(move |conn| subscriptions::change(conn, now, &actor, &order, version))
        .await
    {
        Ok((_, p)) if p.is_empty() => Ok(Flash::SubscriptionUnchanged.redirect(PATH)),
        Ok(_) => Ok(Flash::SubscriptionChanged.redirect(PATH)),
        Err(AppError::Validation(e)) => refused(&m, &state, Some(&input), &e).await,
        Err(e) => Err(e),
    }
}

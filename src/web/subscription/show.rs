//! The screen itself: what the subscription is, what the next invoice will
//! say, and (admins) the form to start or change it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::OrderInput;
use super::view::{LineView, Words};
use crate::AppState;
use crate::db::DbConn;
use crate::domain::actor::Actor;
use crate::domain::billing;
use crate::domain::cache;
use crate::domain::coupons::{self, Coupon};
use crate::domain::modules::{Module, Modules};
use crate::domain::plans::{self, PlanWithAddons};
use crate::domain::proration::Interval;
use crate::domain::scopes::Operation;
use crate::domain::subscriptions::{self, NextInvoice, Status, Subscription};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Messages;
use crate::i18n::fill;
use crate::web::extract::{Member, member_with};
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::platform::coupons::{duration_words, off_words};
use crate::web::render;
use crate::web::shared_html::SharedHtml;

/// The next invoice as shown.
pub struct InvoiceView {
    /// "Op 1 januari 2027: € 75,00".
    pub summary: String,
    pub lines: Vec<LineView>,
    pub total: String,
}

/// A plan to choose.
pub struct PlanChoice {
    pub code: String,
    pub name: String,
    pub prices: String,
    pub includes: String,
    pub checked: bool,
}

/// An add-on module to tick.
pub struct AddonChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub detail: String,
    pub checked: bool,
}

/// The start or change form.
pub struct OrderForm {
    pub title: &'static str,
    pub action: &'static str,
    pub button: &'static str,
    pub plans: Vec<PlanChoice>,
    pub plan_error: Option<String>,
    pub interval: String,
    pub interval_error: Option<String>,
    pub seats: Field,
    pub addons: Vec<AddonChoice>,
    pub addons_error: Option<String>,
    /// Billing details are not complete: starting needs them.
    pub billing_missing: bool,
    pub billing_error: Option<String>,
    pub version: i32,
}

/// The screen: the layout around its body, the body kept as HTML.
#[derive(Template)]
#[template(path = "subscription/show.html")]
pub struct SubscriptionPage {
    pub l: LayoutCtx,
    pub body: Arc<SharedHtml>,
}

/// The screen before it is written out: a refused action's answer fills
/// in its fields and errors first.
pub struct Screen {
    pub l: LayoutCtx,
    pub body: SubscriptionBody,
}

impl Screen {
    /// Written out (its body rendered now, not kept).
    pub fn page(mut self) -> Result<SubscriptionPage, AppError> {
        let body = self.body.shared()?;
        Ok(SubscriptionPage {
            l: self.l,
            body: Arc::new(body),
        })
    }
}

/// What the screen says, without the layout (`subscription/_body.html`).
#[derive(Template)]
#[template(path = "subscription/_body.html")]
pub struct SubscriptionBody {
    pub t: &'static Messages,
    /// The CSRF token's place (see `web::shared_html`).
    pub csrf: String,
    pub plan_name: String,
    pub status: String,
    pub badge: &'static str,
    pub status_error: Option<String>,
    pub period: Option<String>,
    pub billing: Option<&'static str>,
    pub seats: String,
    pub modules: String,
    pub scheduled: Option<String>,
    pub next: Option<InvoiceView>,
    /// Why no invoice follows.
    pub no_next: String,
    pub can_withdraw: bool,
    pub can_cancel: bool,
    pub can_undo: bool,
    pub read_only: bool,
    pub form: Option<OrderForm>,
    /// The applied coupon in words ("WELKOM20: 20% korting, 3 maanden …").
    pub coupon: Option<String>,
    /// The coupon code field (admins, while the subscription runs).
    pub coupon_field: Option<Field>,
    /// Whether the applied coupon may be removed here.
    pub can_clear_coupon: bool,
    /// The link to the invoices (admins).
    pub invoices: bool,
}

impl SubscriptionBody {
    fn shared(&mut self) -> Result<SharedHtml, AppError> {
        SharedHtml::render(|csrf| {
            self.csrf = csrf.to_string();
            self.render()
        })
    }
}

/// What the screen reads, in one database job.
#[derive(Debug)]
struct Loaded {
    sub: Subscription,
    plans: Vec<PlanWithAddons>,
    members: i64,
    next: Option<NextInvoice>,
    billing_complete: bool,
    coupon: Option<(Coupon, chrono::NaiveDateTime)>,
}

crate::domain::cache::weigh_by_debug!(Loaded);

/// Read what the screen shows (see [`page`] for when it is read again).
fn load(
    conn: &mut DbConn,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    admin: bool,
) -> Result<Loaded, AppError> {
    let sub = subscriptions::current(conn, actor)?;
    let plans = plans::list(conn, true)?;
    let members = subscriptions::active_members(conn, &actor.organization_id)?;
    let next = subscriptions::next_invoice(conn, now, &sub)?;
    let coupon = coupons::applied(conn, &sub.id)?;
    let billing_complete = admin
        && billing::billing_details(conn, actor)?
            .as_ref()
            .is_some_and(billing::complete);
    Ok(Loaded {
        sub,
        plans,
        members,
        next,
        billing_complete,
        coupon,
    })
}

/// What the screen shows of the organisation, read once per data version
/// (an operator's change of a plan raises every organisation's) and the
/// status at this instant (a trial that ends); with the key it is kept
/// under.
fn read(
    conn: &mut DbConn,
    actor: &Actor,
    now: chrono::NaiveDateTime,
) -> Result<(Arc<Loaded>, String), AppError> {
    let admin = actor.can(Operation::SubscriptionCreate);
    let status = actor.entitlement().status;
    let key = format!("subscription#screen#{admin}#{status:?}");
    let loaded = cache::for_actor(actor, key.clone(), || load(conn, actor, now, admin))?;
    Ok((loaded, key))
}

/// The screen, with `input` in the form (a link's or a post's) and the
/// `errors` of a refused action.
pub async fn page(
    m: &Member,
    state: &AppState,
    input: Option<&OrderInput>,
    errors: Option<&FieldErrors>,
) -> Result<Screen, AppError> {
    let (now, actor) = (state.clock.now(), m.actor.clone());
    let (loaded, _) = state.db(move |conn| read(conn, &actor, now)).await?;
    Ok(build(m, now, &loaded, input, errors))
}

/// The screen from what was read.
fn build(
    m: &Member,
    now: chrono::NaiveDateTime,
    loaded: &Loaded,
    input: Option<&OrderInput>,
    errors: Option<&FieldErrors>,
) -> Screen {
    let admin = m.actor.can(Operation::SubscriptionCreate);
    let l = LayoutCtx::new(m, Nav::Subscription);
    let t = l.t;
    let w = Words {
        lang: m.lang,
        tz: m.tz,
        plans: &loaded.plans,
    };
    let s = &loaded.sub;
    let effect = s.in_effect(now);
    let (status, badge) = w.status(s, now);
    let running = matches!(effect.status, Status::Active | Status::PastDue);
    let period = match (effect.status, s.current_period_start, s.current_period_end) {
        (Status::Trialing, _, _) => s
            .trial_end
            .map(|end| fill(t.sub_trial_until, &[&w.date(end)])),
        (_, Some(from), Some(to)) if running => Some(format!("{} – {}", w.date(from), w.date(to))),
        _ => None,
    };
    let next = loaded.next.as_ref().map(|n| {
        let mut lines: Vec<LineView> = n.pending.iter().map(|c| w.charge(c)).collect();
        lines.extend(n.lines.iter().map(|l| w.line(l)));
        lines.extend(n.discount.as_ref().map(|d| w.discount(d)));
        InvoiceView {
            summary: fill(t.sub_next_invoice_on, &[&w.date(n.date), &w.money(n.total)]),
            lines,
            total: w.money(n.total),
        }
    });
    let may_change = m.actor.can(Operation::SubscriptionUpdate);
    let starting = matches!(
        effect.status,
        Status::Trialing | Status::Awaiting | Status::Canceled
    );
    let form = if starting && admin {
        Some(order_form(&w, s, loaded, input, true))
    } else if running && s.cancel_at.is_none() && may_change {
        Some(order_form(&w, s, loaded, input, false))
    } else {
        None
    };
    let coupon = loaded.coupon.as_ref().map(|(c, at)| {
        fill(
            t.sub_coupon_applied,
            &[
                &c.code.to_uppercase(),
                &off_words(m.lang, c),
                &duration_words(m.lang, c),
                &w.date(*at),
            ],
        )
    });
    let may_apply = m.actor.can(Operation::SubscriptionApplyCoupon)
        && !matches!(effect.status, Status::Awaiting | Status::Canceled);
    let coupon_field = may_apply.then(|| {
        Field::new("coupon", t.sub_coupon, "")
            .hint(t.sub_coupon_hint)
            .max(coupons::MAX_CODE)
    });
    let can_clear_coupon =
        loaded.coupon.is_some() && m.actor.can(Operation::SubscriptionClearCoupon);
    let body =
        SubscriptionBody {
            t,
            csrf: String::new(),
            coupon,
            coupon_field,
            can_clear_coupon,
            plan_name: w.plan_name_by_id(&s.plan_id),
            status,
            badge,
            status_error: None,
            period,
            billing: running.then(|| w.interval(s.interval())),
            seats: fill(t.sub_seats_used, &[&loaded.members, &s.seats]),
            modules: w.modules(effect.modules.union(
                if running || effect.status == Status::Trialing {
                    s.module_set()
                } else {
                    Modules::NONE
                },
            )),
            scheduled: w.scheduled(s),
            next,
            no_next: match s.cancel_at {
                Some(at) if running => fill(t.sub_no_next_invoice_ends, &[&w.date(at)]),
                _ => t.sub_no_next_invoice.to_string(),
            },
            can_withdraw: may_change && s.has_scheduled_change(),
            can_cancel: m.actor.can(Operation::SubscriptionCancel)
                && ((running && s.cancel_at.is_none()) || effect.status == Status::Trialing),
            can_undo: m.actor.can(Operation::SubscriptionUndoCancel)
                && running
                && s.cancel_at.is_some_and(|at| at > now),
            read_only: !admin,
            invoices: m.actor.can(Operation::SubscriptionInvoices),
            form,
        };
    let mut screen = Screen { l, body };
    if let Some(errors) = errors {
        with_errors(&mut screen, errors);
    }
    screen
}

fn with_errors(screen: &mut Screen, errors: &FieldErrors) {
    let (l, p) = (&mut screen.l, &mut screen.body);
    let t = l.t;
    let mut fields: Vec<&mut Field> = Vec::new();
    if let Some(f) = &mut p.form {
        fields.push(&mut f.seats);
    }
    if let Some(c) = &mut p.coupon_field {
        fields.push(c);
    }
    apply_errors(&mut l.errors, &mut fields, errors, t);
    if let Some(f) = &mut p.form {
        f.plan_error = errors.get("plan").map(|c| c.message(t));
        f.interval_error = errors.get("interval").map(|c| c.message(t));
        f.addons_error = errors.get("modules").map(|c| c.message(t));
        f.billing_error = errors.get("organizationAddress").map(|c| c.message(t));
        if f.billing_error.is_some() {
            f.billing_missing = true;
        }
    }
    p.status_error = errors.get("status").map(|c| c.message(t));
    order_summary(
        &mut l.errors,
        &[
            ("status", t.sub_status),
            ("organizationAddress", ""),
            ("plan", t.sub_plan),
            ("interval", t.sub_billing),
            ("seats", ""),
            ("modules", t.sub_addons),
            ("coupon", ""),
        ],
    );
}

/// The form, pre-filled from `input` where it says something, else from the
/// subscription (a change) or the usual start (its plan, monthly, a seat
/// per member).
fn order_form(
    w: &Words,
    s: &Subscription,
    loaded: &Loaded,
    input: Option<&OrderInput>,
    starting: bool,
) -> OrderForm {
    let t = w.lang.t();
    let offered: Vec<&PlanWithAddons> = loaded
        .plans
        .iter()
        .filter(|p| !p.plan.archived() || (!starting && p.plan.id == s.plan_id))
        .collect();
    let own = loaded.plans.iter().find(|p| p.plan.id == s.plan_id);
    let mut chosen = if starting {
        OrderInput {
            plan: own
                .filter(|p| !p.plan.archived())
                .or_else(|| offered.iter().copied().find(|p| p.plan.is_default))
                .or(offered.first().copied())
                .map(|p| p.plan.code.clone())
                .unwrap_or_default(),
            interval: Interval::Month.as_str().into(),
            seats: loaded.members.max(1).to_string(),
            addons: vec![],
            version: None,
        }
    } else {
        OrderInput {
            plan: own.map(|p| p.plan.code.clone()).unwrap_or_default(),
            interval: s.interval().as_str().into(),
            seats: s.seats.to_string(),
            addons: s
                .addon_prices()
                .iter()
                .map(|(m, _)| m.as_str().to_string())
                .collect(),
            version: None,
        }
    };
    if let Some(i) = input {
        if !i.plan.is_empty() {
            chosen.plan = i.plan.clone();
            chosen.addons = i.addons.clone();
        }
        if !i.interval.is_empty() {
            chosen.interval = i.interval.clone();
        }
        if !i.seats.is_empty() {
            chosen.seats = i.seats.clone();
        }
    }
    let plans = offered
        .iter()
        .map(|p| PlanChoice {
            code: p.plan.code.clone(),
            name: p.plan.name(w.lang).to_string(),
            prices: fill(
                t.sub_price_per_seat,
                &[
                    &w.money(p.plan.seat_price_month),
                    &w.money(p.plan.seat_price_year),
                ],
            ),
            includes: fill(t.sub_plan_includes, &[&w.modules(p.plan.included())]),
            checked: p.plan.code == chosen.plan,
        })
        .collect();
    let addons = Module::ALL
        .into_iter()
        .filter(|m| offered.iter().any(|p| p.addon(*m).is_some()))
        .map(|m| AddonChoice {
            value: m.as_str(),
            label: m.label(w.lang),
            detail: offered
                .iter()
                .map(|p| {
                    let name = p.plan.name(w.lang);
                    if p.plan.included().has(m) {
                        fill(t.sub_addon_included, &[&name])
                    } else if let Some(a) = p.addon(m) {
                        format!(
                            "{name}: {}",
                            fill(
                                t.sub_addon_price,
                                &[&w.money(a.price_month), &w.money(a.price_year)]
                            )
                        )
                    } else {
                        fill(t.sub_addon_not_offered, &[&name])
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            checked: chosen.addons.iter().any(|a| a == m.as_str()),
        })
        .collect();
    OrderForm {
        title: if starting {
            t.sub_start_title
        } else {
            t.sub_change_title
        },
        action: if starting {
            "/settings/subscription/start"
        } else {
            "/settings/subscription/preview"
        },
        button: if starting {
            t.sub_start_button
        } else {
            t.sub_preview_button
        },
        plans,
        plan_error: None,
        interval: chosen.interval.clone(),
        interval_error: None,
        seats: Field::new("seats", t.sub_seats_label, chosen.seats.clone())
            .kind("number")
            .required()
            .hint(t.sub_seats_hint)
            .max(6),
        addons,
        addons_error: None,
        billing_missing: starting && !loaded.billing_complete,
        billing_error: None,
        version: s.version,
    }
}

/// `GET /settings/subscription` (a link may pre-fill the form:
/// `?seats=6`).
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    // The login's check and the screen's reading in one database job.
    let now = state.clock.now();
    let (m, (loaded, key)) = member_with(&req, move |conn, actor, _| {
        actor.require(Operation::SubscriptionGet)?;
        read(conn, actor, now)
    })
    .await?;
    let input = OrderInput::from_pairs(&query);
    if input.given() {
        return render(
            StatusCode::OK,
            &build(&m, now, &loaded, Some(&input), None).page()?,
        );
    }
    // The body as HTML, kept with what it was read under and everything
    // else it depends on: the language and time zone it is written in,
    // what this member may do there, and the status in words at this
    // instant (a trial's days left).
    let (status, _) = Words {
        lang: m.lang,
        tz: m.tz,
        plans: &loaded.plans,
    }
    .status(&loaded.sub, now);
    let may = [
        Operation::SubscriptionUpdate,
        Operation::SubscriptionCancel,
        Operation::SubscriptionUndoCancel,
        Operation::SubscriptionApplyCoupon,
        Operation::SubscriptionClearCoupon,
        Operation::SubscriptionInvoices,
    ]
    .map(|op| if m.actor.can(op) { '1' } else { '0' });
    let key = format!(
        "{key}#html#{}#{}#{}#{status}#{:?}",
        m.lang.code(),
        m.tz,
        may.iter().collect::<String>(),
        loaded.sub.in_effect(now),
    );
    let body = cache::for_actor(&m.actor, key, || {
        build(&m, now, &loaded, None, None).body.shared()
    })?;
    let l = LayoutCtx::new(&m, Nav::Subscription);
    render(StatusCode::OK, &SubscriptionPage { l, body })
}

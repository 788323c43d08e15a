//! `/api/v1/subscriptions`: the organisation's subscriptions (the current
//! one first), start one, change the current one (with `?dryRun=true` the
//! preview of the change, nothing written), cancel it at the period end and
//! withdraw that; apply a coupon to the current subscription and clear it.
//! The rules, the audit and the permission live in
//! `domain::subscriptions`; here only the JSON.
//!
//! An id of another organisation's subscription is 404 on every route; an
//! own subscription that is not the current one (an ended one) cannot be
//! changed, cancelled or restored: 422 with code `not_current_subscription`
//! on the field `id`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::api::json::Body;
use crate::api::{
    Api, ListBody, check_version, created, if_match, iri, json, lang_of, mount, record,
};
use crate::db::DbConn;
use crate::domain::billing::{self, BillingDetails};
use crate::domain::cache;
use crate::domain::coupons::{self, CouponView};
use crate::domain::local_time::iso_utc;
use crate::domain::modules::Modules;
use crate::domain::paging::{ListParams, Page, SortSpec};
use crate::domain::plans;
use crate::domain::proration::{Interval, Line, LineKind, Priced};
use crate::domain::scopes::Operation;
use crate::domain::subscriptions::{self, ChangePreview, Charge, Order, Subscription};
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Lang;

/// Mount the subscription routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    mount(cfg, Operation::SubscriptionList, list);
    mount(cfg, Operation::SubscriptionCreate, create);
    mount(cfg, Operation::SubscriptionApplyCoupon, apply_coupon);
    mount(cfg, Operation::SubscriptionClearCoupon, clear_coupon);
    mount(cfg, Operation::SubscriptionGet, get);
    mount(cfg, Operation::SubscriptionUpdate, update);
    mount(cfg, Operation::SubscriptionCancel, cancel);
    mount(cfg, Operation::SubscriptionUndoCancel, undo_cancel);
}

/// The list's one sort: by when a subscription was made (newest first by
/// default); the current subscription always comes first.
pub const SORT: SortSpec = SortSpec {
    fields: &["createdAt"],
    default: "createdAt",
    default_desc: true,
};

/// The billing details, as the subscription's `organizationAddress`.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AddressJson {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    /// The country's IRI.
    pub country: Option<String>,
    pub invoice_email: String,
    pub vat_id: String,
    pub kvk_number: String,
    pub updated_at: String,
}

impl AddressJson {
    fn of(d: &BillingDetails) -> Self {
        Self {
            legal_name: d.legal_name.clone(),
            address_line: d.address_line.clone(),
            postal_code: d.postal_code.clone(),
            city: d.city.clone(),
            country: (!d.country_code.is_empty()).then(|| iri("countries", &d.country_code)),
            invoice_email: d.invoice_email.clone(),
            vat_id: d.vat_id.clone(),
            kvk_number: d.kvk_number.clone(),
            updated_at: iso_utc(d.updated_at),
        }
    }
}

/// The plan a subscription is on, as one of its `products`.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ProductJson {
    pub code: String,
    pub name: String,
    pub interval: &'static str,
    /// Price per seat per period of `interval`, in cents.
    pub seat_price: i64,
    pub currency: String,
}

/// A change waiting for the period end.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledJson {
    /// The plan's code.
    pub plan: String,
    pub interval: &'static str,
    pub seats: i64,
    /// Every module the subscription will give then.
    pub modules: Vec<&'static str>,
    pub at: String,
}

/// The coupon applied to a subscription: what it takes off and since when.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CouponJson {
    #[serde(flatten)]
    pub coupon: CouponView,
    pub applied_at: String,
}

/// A subscription as the API shows it.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionJson {
    pub id: String,
    pub organization: String,
    pub organization_address: Option<AddressJson>,
    #[serde(rename = "type")]
    pub sub_type: &'static str,
    pub payment_method: &'static str,
    pub products: Vec<ProductJson>,
    pub seats: i32,
    /// The modules the subscription gives now.
    pub modules: Vec<&'static str>,
    /// The add-on modules ordered on top of the plan.
    pub addons: Vec<&'static str>,
    /// The status as of now.
    pub status: &'static str,
    pub current: bool,
    pub external_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
    pub active: bool,
    pub awaiting: bool,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    pub trial_end: Option<String>,
    pub cancel_at: Option<String>,
    /// The coupon applied now, if any.
    pub coupon: Option<CouponJson>,
    pub scheduled_changes: Option<ScheduledJson>,
    pub version: i32,
}

crate::domain::cache::weigh_by_debug!(ListBody<SubscriptionJson>);

/// What a view needs besides the row: read in the same database job.
fn view(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lang: Lang,
    address: Option<&BillingDetails>,
    s: &Subscription,
) -> Result<SubscriptionJson, AppError> {
    let effect = s.in_effect(now);
    let plan = plans::by_id(conn, &s.plan_id)?.ok_or(AppError::NotFound)?;
    let names = |m: Modules| m.iter().map(|m| m.as_str()).collect::<Vec<_>>();
    let scheduled = if s.has_scheduled_change() {
        let next_plan = match &s.scheduled_plan_id {
            Some(id) if *id != s.plan_id => plans::by_id(conn, id)?.ok_or(AppError::NotFound)?,
            _ => plan.clone(),
        };
        let addons = match &s.scheduled_addons {
            Some(stored) => Modules::from_stored(stored),
            None => s.addon_prices().iter().map(|(m, _)| *m).collect(),
        };
        let modules = addons
            .iter()
            .filter(|m| next_plan.addon(*m).is_some())
            .fold(next_plan.plan.included(), Modules::with);
        Some(ScheduledJson {
            plan: next_plan.plan.code.clone(),
            interval: s
                .scheduled_interval
                .as_deref()
                .and_then(Interval::parse)
                .unwrap_or(s.interval())
                .as_str(),
            seats: i64::from(s.scheduled_seats.unwrap_or(s.seats)),
            modules: names(modules),
            at: iso_utc(s.current_period_end.unwrap_or(now)),
        })
    } else {
        None
    };
    let metadata = match serde_json::from_str::<serde_json::Value>(&s.metadata) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        _ => serde_json::json!({}),
    };
    Ok(SubscriptionJson {
        id: s.id.clone(),
        organization: iri("organizations", &s.organization_id),
        organization_address: address.map(AddressJson::of),
        sub_type: "default",
        payment_method: "invoice",
        products: vec![ProductJson {
            code: plan.plan.code.clone(),
            name: plan.plan.name(lang).to_string(),
            interval: s.interval().as_str(),
            seat_price: s.seat_price,
            currency: plan.plan.currency.clone(),
        }],
        seats: s.seats,
        modules: names(effect.modules),
        addons: s.addon_prices().iter().map(|(m, _)| m.as_str()).collect(),
        status: effect.status.as_str(),
        current: s.is_current,
        external_id: s.external_id.clone(),
        metadata,
        created_at: iso_utc(s.created_at),
        updated_at: iso_utc(s.updated_at),
        active: effect.active(),
        awaiting: effect.awaiting(),
        current_period_start: s.current_period_start.map(iso_utc),
        current_period_end: s.current_period_end.map(iso_utc),
        trial_end: s.trial_end.map(iso_utc),
        cancel_at: s.cancel_at.map(iso_utc),
        coupon: coupons::applied(conn, &s.id)?.map(|(c, at)| CouponJson {
            coupon: CouponView::of(&c),
            applied_at: iso_utc(at),
        }),
        scheduled_changes: scheduled,
        version: s.version,
    })
}

/// One subscription's view, with the organisation's billing details.
fn view_one(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lang: Lang,
    s: &Subscription,
) -> Result<SubscriptionJson, AppError> {
    let address = billing::details_of(conn, &s.organization_id)?;
    view(conn, now, lang, address.as_ref(), s)
}

/// One line of a preview.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineJson {
    /// `seats`, `addon`, `seats_added`, `addon_added` or `plan_upgrade`.
    pub kind: &'static str,
    /// The plan (its code) the line is for; for an upgrade the new plan.
    pub plan: Option<String>,
    /// For an upgrade: the plan before.
    pub from_plan: Option<String>,
    /// The add-on module, for add-on lines.
    pub module: Option<&'static str>,
    pub quantity: i64,
    /// The price of one for a full period, in cents.
    pub unit_price: i64,
    /// What the line costs, in cents.
    pub amount: i64,
    pub period_start: String,
    pub period_end: String,
}

impl LineJson {
    fn of(l: &Line) -> Self {
        let (kind, plan, from_plan, module) = match &l.kind {
            LineKind::Seats { plan_code } => ("seats", Some(plan_code.clone()), None, None),
            LineKind::Addon(m) => ("addon", None, None, Some(m.as_str())),
            LineKind::SeatsAdded { plan_code } => {
                ("seats_added", Some(plan_code.clone()), None, None)
            }
            LineKind::AddonAdded(m) => ("addon_added", None, None, Some(m.as_str())),
            LineKind::PlanUpgrade { from, to } => {
                ("plan_upgrade", Some(to.clone()), Some(from.clone()), None)
            }
        };
        Self {
            kind,
            plan,
            from_plan,
            module,
            quantity: l.quantity,
            unit_price: l.unit_price,
            amount: l.amount,
            period_start: iso_utc(l.from),
            period_end: iso_utc(l.to),
        }
    }

    /// A charge already waiting for the next invoice, as a line.
    fn of_charge(c: &Charge) -> Self {
        let mut words = c.detail.split_whitespace();
        let first = words.next().map(str::to_string);
        let module = |d: &str| crate::domain::modules::Module::parse(d).map(|m| m.as_str());
        let (kind, plan, from_plan, m) = match c.kind.as_str() {
            "seats_added" => ("seats_added", first, None, None),
            "seats" => ("seats", first, None, None),
            "addon_added" => ("addon_added", None, None, module(&c.detail)),
            "addon" => ("addon", None, None, module(&c.detail)),
            _ => (
                "plan_upgrade",
                words.next().map(str::to_string),
                first,
                None,
            ),
        };
        Self {
            kind,
            plan,
            from_plan,
            module: m,
            quantity: c.quantity,
            unit_price: c.unit_price,
            amount: c.amount,
            period_start: iso_utc(c.period_from),
            period_end: iso_utc(c.period_to),
        }
    }
}

/// The preview of a change (`PATCH …?dryRun=true`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewJson {
    pub subscription: String,
    pub dry_run: bool,
    pub currency: String,
    /// Charged now, prorated for the rest of the period.
    pub immediate: Vec<LineJson>,
    pub immediate_total: i64,
    /// What waits for the period end, if anything does.
    pub scheduled: Option<ScheduledJson>,
    /// Charges of earlier changes this period, waiting for the next invoice.
    pub pending: Vec<LineJson>,
    /// The lines of the next full period.
    pub next: Vec<LineJson>,
    pub next_total: i64,
    pub next_date: String,
    /// What the applied coupon takes off the next invoice, if anything.
    pub discount: Option<DiscountJson>,
    /// The next period, plus pending and immediate unless they are
    /// invoiced at once; less the discount.
    pub next_invoice_total: i64,
    /// A yearly subscription: an increase is invoiced when the change is
    /// confirmed, not on the next invoice.
    pub invoiced_now: bool,
    /// What that invoice totals (pending + immediate, less the coupon's
    /// discount then; excluding VAT); 0 when none is made.
    pub invoiced_now_total: i64,
    /// What the applied coupon takes off that invoice, if anything.
    pub discount_now: Option<DiscountJson>,
}

/// A coupon's discount on an invoice.
#[derive(Serialize)]
pub struct DiscountJson {
    /// The coupon's code (upper case).
    pub code: String,
    /// In cents.
    pub amount: i64,
}

impl DiscountJson {
    fn of((code, amount): &(String, i64)) -> Self {
        Self {
            code: code.clone(),
            amount: *amount,
        }
    }
}

fn scheduled_of(p: &Priced, plan: &plans::PlanWithAddons, at: NaiveDateTime) -> ScheduledJson {
    let modules = p
        .addons
        .iter()
        .map(|(m, _)| *m)
        .fold(plan.plan.included(), Modules::with);
    ScheduledJson {
        plan: p.plan_code.clone(),
        interval: p.interval.as_str(),
        seats: p.seats,
        modules: modules.iter().map(|m| m.as_str()).collect(),
        at: iso_utc(at),
    }
}

impl PreviewJson {
    fn of(p: &ChangePreview) -> Self {
        Self {
            subscription: iri("subscriptions", &p.current.id),
            dry_run: true,
            currency: p.order.plan.plan.currency.clone(),
            immediate: p.preview.immediate.iter().map(LineJson::of).collect(),
            immediate_total: p.preview.immediate_total,
            scheduled: p
                .preview
                .scheduled
                .as_ref()
                .map(|s| scheduled_of(s, &p.order.plan, p.preview.next_date)),
            pending: p.pending.iter().map(LineJson::of_charge).collect(),
            next: p.preview.next.iter().map(LineJson::of).collect(),
            next_total: p.preview.next_total,
            next_date: iso_utc(p.preview.next_date),
            discount: p.discount.as_ref().map(DiscountJson::of),
            next_invoice_total: p.next_invoice_total(),
            invoiced_now: p.invoiced_now(),
            invoiced_now_total: p.invoiced_now_total(),
            discount_now: p.discount_now.as_ref().map(DiscountJson::of),
        }
    }
}

/// The fields of an order; for a change, absent ones keep what the
/// subscription will have after the period end.
#[derive(Default)]
struct OrderInput {
    plan: Option<String>,
    interval: Option<Interval>,
    seats: Option<i64>,
    addons: Option<Modules>,
}

/// Writable fields.
pub const FIELDS: &[&str] = &["plan", "interval", "seats", "modules"];

impl OrderInput {
    fn read(req: &HttpRequest, bytes: &[u8]) -> Result<Self, AppError> {
        let mut b = Body::read(req, bytes)?;
        b.only(FIELDS, &[]);
        let plan = match b.text("plan", "plan") {
            Some(p) if p.trim().is_empty() => {
                b.error("plan", ErrorCode::Required);
                None
            }
            other => other,
        };
        let interval = match b.text("interval", "interval") {
            Some(i) => match Interval::parse(i.trim()) {
                Some(i) => Some(i),
                None => {
                    b.error("interval", ErrorCode::InvalidChoice);
                    None
                }
            },
            None => None,
        };
        let seats = match b.integer("seats", "seats") {
            Some(s) if s.is_empty() => {
                b.error("seats", ErrorCode::Required);
                None
            }
            Some(s) => s.parse::<i64>().ok(),
            None => None,
        };
        let addons = match b.texts("modules", "modules") {
            Some(names) => match Modules::parse_all(names.iter().map(String::as_str)) {
                Ok(m) => Some(m),
                Err(_) => {
                    b.error("modules", ErrorCode::InvalidChoice);
                    None
                }
            },
            None => None,
        };
        b.finish()?;
        Ok(Self {
            plan,
            interval,
            seats,
            addons,
        })
    }

    /// A new subscription's order: plan and seats are required; monthly and
    /// no add-ons unless said.
    fn new_order(self) -> Result<Order, AppError> {
        let mut e = FieldErrors::default();
        if self.plan.is_none() {
            e.add("plan", ErrorCode::Required);
        }
        if self.seats.is_none() {
            e.add("seats", ErrorCode::Required);
        }
        e.into_result()?;
        Ok(Order {
            plan: self.plan.unwrap_or_default(),
            interval: self.interval.unwrap_or(Interval::Month),
            seats: self.seats.unwrap_or_default(),
            addons: self.addons.unwrap_or(Modules::NONE),
        })
    }

    /// The order that changes `s` as asked: what is not sent stays as it
    /// will be after the period end (a scheduled change stays scheduled).
    fn onto(self, conn: &mut DbConn, s: &Subscription) -> Result<Order, AppError> {
        let plan = match self.plan {
            Some(p) => p,
            None => {
                let id = s.scheduled_plan_id.as_deref().unwrap_or(&s.plan_id);
                plans::by_id(conn, id)?.ok_or(AppError::NotFound)?.plan.code
            }
        };
        let addons = self.addons.unwrap_or_else(|| match &s.scheduled_addons {
            Some(stored) => Modules::from_stored(stored),
            None => s.addon_prices().iter().map(|(m, _)| *m).collect(),
        });
        Ok(Order {
            plan,
            interval: self.interval.unwrap_or_else(|| {
                s.scheduled_interval
                    .as_deref()
                    .and_then(Interval::parse)
                    .unwrap_or(s.interval())
            }),
            seats: self
                .seats
                .unwrap_or_else(|| i64::from(s.scheduled_seats.unwrap_or(s.seats))),
            addons,
        })
    }
}

/// The organisation's own subscription `id`, which must be its current one.
fn current_by_id(
    conn: &mut DbConn,
    actor: &crate::domain::actor::Actor,
    id: &str,
) -> Result<Subscription, AppError> {
    let s = subscriptions::get(conn, actor, id)?;
    if !s.is_current {
        return Err(AppError::Validation(FieldErrors(vec![(
            "id",
            ErrorCode::NotCurrentSubscription,
        )])));
    }
    Ok(s)
}

async fn list(
    api: Api,
    req: HttpRequest,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = params.strict(&SORT).map_err(AppError::Validation);
    let lang = lang_of(&req);
    let body = api
        .call(
            Operation::SubscriptionList,
            request,
            move |conn, actor, now, request| {
                // The JSON changes with an audited change (the data
                // version; an operator's change of a plan raises every
                // organisation's) and the moment the current subscription's
                // status turns (a trial that ends): read once per the two.
                let key = format!(
                    "api#subscriptions#{}#{}#{}#{}#{:?}",
                    lang.code(),
                    request.offset(),
                    request.size,
                    request.desc,
                    actor.entitlement().status,
                );
                cache::for_actor(actor, key, || -> Result<_, AppError> {
                    let mut all = subscriptions::list(conn, actor)?;
                    // The current one first, then by creation as asked.
                    all.sort_by(|a, b| {
                        b.is_current.cmp(&a.is_current).then_with(|| {
                            let by = a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id));
                            if request.desc { by.reverse() } else { by }
                        })
                    });
                    let total = all.len() as i64;
                    let address = billing::details_of(conn, &actor.organization_id)?;
                    let items = all
                        .iter()
                        .skip(request.offset().max(0) as usize)
                        .take(request.size as usize)
                        .map(|s| view(conn, now, lang, address.as_ref(), s))
                        .collect::<Result<Vec<_>, _>>()?;
                    let page = Page {
                        items,
                        request,
                        total,
                    };
                    Ok(ListBody::of(&page, Clone::clone))
                })
            },
        )
        .await?;
    Ok(json(StatusCode::OK, &*body))
}

async fn get(api: Api, req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let s = api
        .run(move |conn, actor, now| {
            let s = subscriptions::get(conn, actor, &id)?;
            view_one(conn, now, lang, &s)
        })
        .await?;
    Ok(record(StatusCode::OK, s.version, &s))
}

async fn create(api: Api, req: HttpRequest, bytes: web::Bytes) -> Result<HttpResponse, AppError> {
    let order = OrderInput::read(&req, &bytes).and_then(OrderInput::new_order);
    let lang = lang_of(&req);
    let s = api
        .call(
            Operation::SubscriptionCreate,
            order,
            move |conn, actor, now, order| {
                let s = subscriptions::start(conn, now, actor, &order)?;
                view_one(conn, now, lang, &s)
            },
        )
        .await?;
    Ok(created(&s, s.version, &iri("subscriptions", &s.id)))
}

/// `?dryRun=true|false` (absent: false); given twice or another value: 400.
fn dry_run(req: &HttpRequest) -> Result<bool, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut values = pairs.iter().filter(|(k, _)| k == "dryRun");
    let value = values.next();
    if values.next().is_some() {
        return Err(AppError::BadRequest("dryRun is given twice".into()));
    }
    match value.map(|(_, v)| v.as_str()) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(AppError::BadRequest(format!(
            "dryRun must be true or false, not {other:?}"
        ))),
    }
}

async fn update(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let input =
        dry_run(&req).and_then(|dry| OrderInput::read(&req, &bytes).map(|input| (dry, input)));
    let wanted = if_match(&req);
    let lang = lang_of(&req);
    let answer = api
        .call(
            Operation::SubscriptionUpdate,
            input,
            move |conn, actor, now, (dry, input)| {
                let current = current_by_id(conn, actor, &id)?;
                check_version(wanted, current.version)?;
                let order = input.onto(conn, &current)?;
                let p = subscriptions::preview_change(conn, now, actor, &order)?;
                if dry {
                    return Ok(Updated::Preview(Box::new(PreviewJson::of(&p))));
                }
                if p.is_empty() {
                    // Nothing to change: nothing written, no event.
                    return Ok(Updated::Changed(Box::new(view_one(
                        conn, now, lang, &current,
                    )?)));
                }
                let (after, _) = subscriptions::change(conn, now, actor, &order, current.version)?;
                Ok(Updated::Changed(Box::new(view_one(
                    conn, now, lang, &after,
                )?)))
            },
        )
        .await?;
    Ok(match answer {
        Updated::Changed(s) => record(StatusCode::OK, s.version, &s),
        Updated::Preview(preview) => json(StatusCode::OK, &preview),
    })
}

/// What a `PATCH` answers: the changed subscription, or the preview.
enum Updated {
    Changed(Box<SubscriptionJson>),
    Preview(Box<PreviewJson>),
}

async fn cancel(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // No body at all: the default, at the period end.
    let at_period_end = if bytes.is_empty() {
        Ok(true)
    } else {
        Body::read(&req, &bytes).and_then(|mut b| {
            b.only(&["atPeriodEnd"], &[]);
            let at_end = b.boolean("atPeriodEnd", "atPeriodEnd").unwrap_or(true);
            b.finish().map(|()| at_end)
        })
    };
    let lang = lang_of(&req);
    let s = api
        .call(
            Operation::SubscriptionCancel,
            at_period_end,
            move |conn, actor, now, at_period_end| {
                current_by_id(conn, actor, &id)?;
                if !at_period_end {
                    // Ending at once is the operator's action, and operators
                    // have no API clients.
                    return Err(AppError::Validation(FieldErrors(vec![(
                        "atPeriodEnd",
                        ErrorCode::CancelNowOperatorOnly,
                    )])));
                }
                let s = subscriptions::cancel(conn, now, actor)?;
                view_one(conn, now, lang, &s)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, s.version, &s))
}

async fn undo_cancel(
    api: Api,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let s = api
        .call(
            Operation::SubscriptionUndoCancel,
            Ok(()),
            move |conn, actor, now, ()| {
                current_by_id(conn, actor, &id)?;
                let s = subscriptions::undo_cancel(conn, now, actor)?;
                view_one(conn, now, lang, &s)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, s.version, &s))
}

/// The organisation's current subscription, as `GET /subscriptions/{id}`
/// shows it.
fn current_view(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lang: Lang,
    actor: &crate::domain::actor::Actor,
) -> Result<SubscriptionJson, AppError> {
    let s = subscriptions::current_of(conn, &actor.organization_id)?.ok_or(AppError::NotFound)?;
    view_one(conn, now, lang, &s)
}

/// Writable fields of `POST /subscriptions/apply-coupon`.
pub const COUPON_FIELDS: &[&str] = &["code", "replace"];

/// `{"code": "WELKOM20", "replace": false}`: the code (required) and
/// whether it may replace a coupon already applied.
fn coupon_input(req: &HttpRequest, bytes: &[u8]) -> Result<(String, bool), AppError> {
    let mut b = Body::read(req, bytes)?;
    b.only(COUPON_FIELDS, &[]);
    // Absent or empty: `required` on `coupon`, from the domain.
    let code = b.text("code", "coupon").unwrap_or_default();
    let replace = b.boolean("replace", "replace").unwrap_or(false);
    b.finish()?;
    Ok((code, replace))
}

async fn apply_coupon(
    api: Api,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let input = coupon_input(&req, &bytes);
    let lang = lang_of(&req);
    let s = api
        .call(
            Operation::SubscriptionApplyCoupon,
            input,
            move |conn, actor, now, (code, replace)| {
                coupons::apply(conn, now, actor, &code, replace)?;
                current_view(conn, now, lang, actor)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, s.version, &s))
}

async fn clear_coupon(api: Api, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let s = api
        .call(
            Operation::SubscriptionClearCoupon,
            Ok(()),
            move |conn, actor, now, ()| {
                coupons::clear(conn, now, actor)?;
                current_view(conn, now, lang, actor)
            },
        )
        .await?;
    Ok(record(StatusCode::OK, s.version, &s))
}

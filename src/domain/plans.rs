//! Plans: what an organisation can subscribe to — a price per seat per
//! month and per year, the modules included, and add-on modules with their
//! own flat price. Plans are archived, never deleted: a subscription keeps
//! its plan. A price change applies from each subscription's next period
//! (a subscription keeps the prices of its current period).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{plan_addons, plans, subscriptions};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::modules::{Module, Modules};
use crate::domain::proration::Interval;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::i18n::Lang;

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plans)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub id: String,
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub currency: String,
    pub seat_price_month: i64,
    pub seat_price_year: i64,
    pub modules: String,
    pub is_default: bool,
    pub sort_order: i32,
    pub archived_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Plan {
    /// The plan's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.name_nl,
            Lang::En => &self.name_en,
        }
    }

    /// The modules the plan includes.
    pub fn included(&self) -> Modules {
        Modules::from_stored(&self.modules)
    }

    /// The price of one seat for one period of `interval`.
    pub fn seat_price(&self, interval: Interval) -> i64 {
        match interval {
            Interval::Month => self.seat_price_month,
            Interval::Year => self.seat_price_year,
        }
    }

    /// Archived plans take no new subscriptions.
    pub fn archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// An add-on module a plan offers.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plan_addons)]
#[serde(rename_all = "camelCase")]
pub struct PlanAddon {
    pub plan_id: String,
    pub module: String,
    pub price_month: i64,
    pub price_year: i64,
}

impl PlanAddon {
    /// The module, if the code still knows it.
    pub fn module(&self) -> Option<Module> {
        Module::parse(&self.module)
    }

    /// The add-on's price for one period of `interval`.
    pub fn price(&self, interval: Interval) -> i64 {
        match interval {
            Interval::Month => self.price_month,
            Interval::Year => self.price_year,
        }
    }
}

/// A plan with its add-ons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWithAddons {
    pub plan: Plan,
    pub addons: Vec<PlanAddon>,
}

impl PlanWithAddons {
    /// The add-on offer for `m`, if the plan has one.
    pub fn addon(&self, m: Module) -> Option<&PlanAddon> {
        self.addons.iter().find(|a| a.module() == Some(m))
    }

    /// Every module the plan can give: included and add-ons.
    pub fn all_modules(&self) -> Modules {
        self.addons
            .iter()
            .filter_map(PlanAddon::module)
            .fold(self.plan.included(), Modules::with)
    }
}

fn with_addons(conn: &mut DbConn, plan: Plan) -> QueryResult<PlanWithAddons> {
    let addons = plan_addons::table
        .filter(plan_addons::plan_id.eq(&plan.id))
        .order(plan_addons::module.asc())
        .select(PlanAddon::as_select())
        .load(conn)?;
    Ok(PlanWithAddons { plan, addons })
}

/// The plan new organisations try (`None` only if the operator left none).
pub fn default_plan(conn: &mut DbConn) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .filter(plans::is_default.eq(true))
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// A plan by id, archived or not.
pub fn by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .find(id)
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// A plan by code (case-insensitive), archived or not.
pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<PlanWithAddons>> {
    let plan = plans::table
        .filter(plans::code.eq(code.trim().to_ascii_lowercase()))
        .select(Plan::as_select())
        .first(conn)
        .optional()?;
    plan.map(|p| with_addons(conn, p)).transpose()
}

/// Every plan with its add-ons, in the order they are offered; archived
/// ones only when asked for.
pub fn list(conn: &mut DbConn, include_archived: bool) -> QueryResult<Vec<PlanWithAddons>> {
    let mut q = plans::table.into_boxed();
    if !include_archived {
        q = q.filter(plans::archived_at.is_null());
    }
    let all: Vec<Plan> = q
        .order((plans::sort_order.asc(), plans::code.asc()))
        .select(Plan::as_select())
        .load(conn)?;
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    let addons: Vec<PlanAddon> = plan_addons::table
        .filter(plan_addons::plan_id.eq_any(&ids))
        .order((plan_addons::plan_id.asc(), plan_addons::module.asc()))
        .select(PlanAddon::as_select())
        .load(conn)?;
    Ok(all
        .into_iter()
        .map(|plan| PlanWithAddons {
            addons: addons
                .iter()
                .filter(|a| a.plan_id == plan.id)
                .cloned()
                .collect(),
            plan,
        })
        .collect())
}

// ---- The operator's side: create, edit, archive, make default ----
//
// Called from `/platform` only, behind the operator's guard; they take the
// operator's audit actor (as `subscriptions::cancel_now` does), since this
// module cannot import `operators` without an import loop.

/// Most euros a price may be (in cents): beyond any real price, and far
/// from overflowing a sum of seats.
pub const MAX_PRICE: i64 = 100_000_000;

/// Longest code.
pub const MAX_CODE: usize = 40;

/// Longest name.
pub const MAX_NAME: usize = 100;

/// An add-on as typed: the module and its prices as the operator wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddonInput {
    pub price_month: String,
    pub price_year: String,
}

/// A plan as the operator typed it (prices in euros, `12,50` or `12.50`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInput {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    pub seat_price_month: String,
    pub seat_price_year: String,
    pub included: Modules,
    /// The add-ons offered, by module.
    pub addons: Vec<(Module, AddonInput)>,
    /// The version the operator saw (edit only).
    pub version: i32,
}

impl PlanInput {
    /// The form's values for a stored plan.
    pub fn of(p: &PlanWithAddons) -> Self {
        Self {
            code: p.plan.code.clone(),
            name_nl: p.plan.name_nl.clone(),
            name_en: p.plan.name_en.clone(),
            seat_price_month: euros(p.plan.seat_price_month),
            seat_price_year: euros(p.plan.seat_price_year),
            included: p.plan.included(),
            addons: p
                .addons
                .iter()
                .filter_map(|a| {
                    Some((
                        a.module()?,
                        AddonInput {
                            price_month: euros(a.price_month),
                            price_year: euros(a.price_year),
                        },
                    ))
                })
                .collect(),
            version: p.plan.version,
        }
    }

    /// The add-on input for `m`, if offered.
    pub fn addon(&self, m: Module) -> Option<&AddonInput> {
        self.addons.iter().find(|(x, _)| *x == m).map(|(_, a)| a)
    }
}

/// Cents as the operator types euros: `12.50`, `9` (no thousands separator).
pub fn euros(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// Euros as typed (`12`, `12,5`, `12,50`, `12.50`, `€ 12,50`) in cents;
/// `None` for anything else, a negative amount or more than [`MAX_PRICE`].
pub fn parse_euros(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches('€').trim();
    let (whole, frac) = match s.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || !digits(whole) || frac.len() > 2 || !digits(frac) {
        return None;
    }
    if s.contains([',', '.']) && frac.is_empty() {
        return None;
    }
    let cents = whole.parse::<i64>().ok()? * 100
        + match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse::<i64>().ok()?,
        };
    (cents <= MAX_PRICE).then_some(cents)
}

/// The form field of an add-on's price for `m` (`yearly` or monthly).
pub fn addon_field(m: Module, yearly: bool) -> &'static str {
    match (m, yearly) {
        (Module::Meetings, false) => "addon_meetings_month",
        (Module::Meetings, true) => "addon_meetings_year",
        (Module::Customers, false) => "addon_customers_month",
        (Module::Customers, true) => "addon_customers_year",
        (Module::Api, false) => "addon_api_month",
        (Module::Api, true) => "addon_api_year",
        (Module::Webhooks, false) => "addon_webhooks_month",
        (Module::Webhooks, true) => "addon_webhooks_year",
    }
}

/// A checked plan, ready to store.
struct Checked {
    code: String,
    name_nl: String,
    name_en: String,
    seat_price_month: i64,
    seat_price_year: i64,
    included: Modules,
    addons: Vec<(Module, i64, i64)>,
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn check_name(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let v = value.trim().to_string();
    if v.is_empty() {
        errors.add(field, ErrorCode::Required);
    } else if v.chars().count() > MAX_NAME {
        errors.add(field, ErrorCode::TooLong(MAX_NAME));
    }
    v
}

fn check_price(errors: &mut FieldErrors, field: &'static str, value: &str) -> i64 {
    if value.trim().is_empty() {
        errors.add(field, ErrorCode::Required);
        return 0;
    }
    parse_euros(value).unwrap_or_else(|| {
        errors.add(field, ErrorCode::InvalidAmount);
        0
    })
}

/// Check `input` (the plan itself is `id` when editing): every field's
/// error at once.
fn check(conn: &mut DbConn, input: &PlanInput, id: Option<&str>) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::default();
    let code = input.code.trim().to_string();
    if code.is_empty() {
        errors.add("code", ErrorCode::Required);
    } else if code.chars().count() > MAX_CODE {
        errors.add("code", ErrorCode::TooLong(MAX_CODE));
    } else if !is_code(&code) {
        errors.add("code", ErrorCode::InvalidSlug);
    } else {
        let other: Option<String> = plans::table
            .filter(plans::code.eq(&code))
            .select(plans::id)
            .first(conn)
            .optional()?;
        if other.is_some_and(|o| Some(o.as_str()) != id) {
            errors.add("code", ErrorCode::CodeTaken);
        }
    }
    let name_nl = check_name(&mut errors, "name_nl", &input.name_nl);
    let name_en = check_name(&mut errors, "name_en", &input.name_en);
    let seat_price_month = check_price(&mut errors, "seat_price_month", &input.seat_price_month);
    let seat_price_year = check_price(&mut errors, "seat_price_year", &input.seat_price_year);
    let mut addons = vec![];
    for m in Module::ALL {
        let Some(a) = input.addon(m) else { continue };
        if input.included.has(m) {
            errors.add("addons", ErrorCode::IncludedAndAddon(m.as_str().into()));
            continue;
        }
        let month = check_price(&mut errors, addon_field(m, false), &a.price_month);
        let year = check_price(&mut errors, addon_field(m, true), &a.price_year);
        addons.push((m, month, year));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Checked {
        code,
        name_nl,
        name_en,
        seat_price_month,
        seat_price_year,
        included: input.included,
        addons,
    })
}

fn store_addons(
    conn: &mut DbConn,
    plan_id: &str,
    addons: &[(Module, i64, i64)],
) -> QueryResult<()> {
    diesel::delete(plan_addons::table.filter(plan_addons::plan_id.eq(plan_id))).execute(conn)?;
    for (m, month, year) in addons {
        diesel::insert_into(plan_addons::table)
            .values((
                plan_addons::plan_id.eq(plan_id),
                plan_addons::module.eq(m.as_str()),
                plan_addons::price_month.eq(month),
                plan_addons::price_year.eq(year),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn must(conn: &mut DbConn, id: &str) -> Result<PlanWithAddons, AppError> {
    by_id(conn, id)?.ok_or(AppError::NotFound)
}

fn audited(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    action: &str,
    before: Option<&PlanWithAddons>,
    after: &PlanWithAddons,
) -> QueryResult<()> {
    // Every organisation shows plans (its subscription, the prices on
    // offer): what each keeps per data version is read again.
    audit::raise_every_data_version(conn)?;
    audit::record(
        conn,
        now,
        actor,
        Event::new(None, action, "plan", Some(&after.plan.id)).values(
            before.map(PlanView::of).as_ref(),
            Some(&PlanView::of(after)),
        ),
    )
}

/// What the audit log keeps of a plan.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanView<'a> {
    code: &'a str,
    name_nl: &'a str,
    name_en: &'a str,
    seat_price_month: i64,
    seat_price_year: i64,
    modules: &'a str,
    addons: Vec<String>,
    is_default: bool,
    archived: bool,
}

impl<'a> PlanView<'a> {
    fn of(p: &'a PlanWithAddons) -> Self {
        Self {
            code: &p.plan.code,
            name_nl: &p.plan.name_nl,
            name_en: &p.plan.name_en,
            seat_price_month: p.plan.seat_price_month,
            seat_price_year: p.plan.seat_price_year,
            modules: &p.plan.modules,
            addons: p
                .addons
                .iter()
                .map(|a| format!("{}:{}/{}", a.module, a.price_month, a.price_year))
                .collect(),
            is_default: p.plan.is_default,
            archived: p.plan.archived(),
        }
    }
}

/// A new plan (the operator), offered after the others; audited
/// `plan.created`.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    input: &PlanInput,
) -> Result<PlanWithAddons, AppError> {
    db::write(conn, |conn| {
        let c = check(conn, input, None)?;
        let last: Option<i32> = plans::table
            .select(diesel::dsl::max(plans::sort_order))
            .first(conn)?;
        let id = new_id();
        diesel::insert_into(plans::table)
            .values((
                plans::id.eq(&id),
                plans::code.eq(&c.code),
                plans::name_nl.eq(&c.name_nl),
                plans::name_en.eq(&c.name_en),
                plans::currency.eq("EUR"),
                plans::seat_price_month.eq(c.seat_price_month),
                plans::seat_price_year.eq(c.seat_price_year),
                plans::modules.eq(c.included.to_stored()),
                plans::is_default.eq(false),
                plans::sort_order.eq(last.unwrap_or(0) + 1),
                plans::version.eq(1),
                plans::created_at.eq(now),
                plans::updated_at.eq(now),
            ))
            .execute(conn)?;
        store_addons(conn, &id, &c.addons)?;
        let after = must(conn, &id)?;
        audited(conn, now, actor, "plan.created", None, &after)?;
        Ok(after)
    })
}

/// Change plan `id` (the operator) as seen at `input.version` (a stale
/// version: [`AppError::Conflict`]); audited `plan.updated`. Running
/// subscriptions keep their period's prices; the new ones apply from each
/// one's next period.
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    id: &str,
    input: &PlanInput,
) -> Result<PlanWithAddons, AppError> {
    db::write(conn, |conn| {
        let before = must(conn, id)?;
        if before.plan.version != input.version {
            return Err(AppError::Conflict);
        }
        let c = check(conn, input, Some(id))?;
        let changed = diesel::update(
            plans::table
                .find(id)
                .filter(plans::version.eq(input.version)),
        )
        .set((
            plans::code.eq(&c.code),
            plans::name_nl.eq(&c.name_nl),
            plans::name_en.eq(&c.name_en),
            plans::seat_price_month.eq(c.seat_price_month),
            plans::seat_price_year.eq(c.seat_price_year),
            plans::modules.eq(c.included.to_stored()),
            plans::version.eq(plans::version + 1),
            plans::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        store_addons(conn, id, &c.addons)?;
        let after = must(conn, id)?;
        audited(conn, now, actor, "plan.updated", Some(&before), &after)?;
        Ok(after)
    })
}

/// Archive (`on`) or unarchive plan `id` (the operator): an archived plan
/// takes no new subscriptions and keeps its existing ones; the default plan
/// cannot be archived. Audited `plan.archived` / `plan.unarchived`;
/// doing it twice changes nothing and records nothing.
pub fn set_archived(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    id: &str,
    on: bool,
) -> Result<PlanWithAddons, AppError> {
    db::write(conn, |conn| {
        let before = must(conn, id)?;
        if before.plan.archived() == on {
            return Ok(before);
        }
        if on && before.plan.is_default {
            return Err(AppError::Validation(FieldErrors(vec![(
                "plan",
                ErrorCode::DefaultPlanArchive,
            )])));
        }
        diesel::update(plans::table.find(id))
            .set((
                plans::archived_at.eq(on.then_some(now)),
                plans::version.eq(plans::version + 1),
                plans::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = must(conn, id)?;
        let action = if on {
            "plan.archived"
        } else {
            "plan.unarchived"
        };
        audited(conn, now, actor, action, Some(&before), &after)?;
        Ok(after)
    })
}

/// Make plan `id` the one new organisations try (the operator); an
/// archived plan cannot be. Audited `plan.made_default`.
pub fn make_default(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    id: &str,
) -> Result<PlanWithAddons, AppError> {
    db::write(conn, |conn| {
        let before = must(conn, id)?;
        if before.plan.is_default {
            return Ok(before);
        }
        if before.plan.archived() {
            return Err(AppError::Validation(FieldErrors(vec![(
                "plan",
                ErrorCode::PlanArchived,
            )])));
        }
        // At most one default (a unique index): the old one first.
        diesel::update(plans::table.filter(plans::is_default.eq(true)))
            .set((
                plans::is_default.eq(false),
                plans::version.eq(plans::version + 1),
                plans::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(plans::table.find(id))
            .set((
                plans::is_default.eq(true),
                plans::version.eq(plans::version + 1),
                plans::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = must(conn, id)?;
        audited(conn, now, actor, "plan.made_default", Some(&before), &after)?;
        Ok(after)
    })
}

/// How many current subscriptions each plan has (plan id, count): one
/// grouped query.
pub fn usage(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    subscriptions::table
        .filter(subscriptions::is_current.eq(true))
        .group_by(subscriptions::plan_id)
        .select((subscriptions::plan_id, diesel::dsl::count_star()))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_as_typed() {
        assert_eq!(parse_euros("12,50"), Some(1250));
        assert_eq!(parse_euros("12.50"), Some(1250));
        assert_eq!(parse_euros(" € 12,5 "), Some(1250));
        assert_eq!(parse_euros("9"), Some(900));
        assert_eq!(parse_euros("0"), Some(0));
        assert_eq!(parse_euros("0,05"), Some(5));
        for bad in [
            "",
            "-1",
            "12,",
            ",5",
            "1,234",
            "1.234,56",
            "abc",
            "12 50",
            "1e3",
            "9999999999",
        ] {
            assert_eq!(parse_euros(bad), None, "{bad}");
        }
        assert_eq!(euros(1250), "12.50");
        assert_eq!(euros(900), "9");
        assert_eq!(euros(5), "0.05");
        assert!(is_code("plus-2"));
        assert!(!is_code("Plus") && !is_code("a b") && !is_code("-a") && !is_code(""));
    }
}

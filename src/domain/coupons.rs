//! Coupons: made by the operator, applied by an organisation's admin to its
//! subscription (one at a time). A coupon takes a percentage or an amount
//! off the invoices it covers — never below zero — for one invoice
//! (`once`), for the invoices of N months after it was applied
//! (`repeating`), or for good (`forever`). It changes only invoices not yet
//! issued.
//!
//! The last redemption of a coupon cannot be taken twice: the count is
//! raised with one conditional `UPDATE … WHERE redemptions <
//! max_redemptions`, which on PostgreSQL re-checks the condition on the
//! row a concurrent transaction just committed, and on SQLite runs under
//! the one writer.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{coupon_redemptions, coupons, organizations, plans, subscriptions};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::{Actor, AuditActor};
use crate::domain::audit::{self, Event};
use crate::domain::entitlement::{Status, in_effect};
use crate::domain::modules::Modules;
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Longest coupon code.
pub const MAX_CODE: usize = 40;
/// Longest `repeating` duration, in months.
pub const MAX_MONTHS: i32 = 36;

/// How long a coupon keeps taking off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duration {
    /// The next invoice only.
    Once,
    /// Invoices dated within this many months of applying it.
    Repeating(i32),
    /// Every invoice.
    Forever,
}

/// A stored coupon.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = coupons)]
#[serde(rename_all = "camelCase")]
pub struct Coupon {
    pub id: String,
    pub code: String,
    pub percent_off: Option<i32>,
    pub amount_off: Option<i64>,
    pub currency: String,
    pub duration: String,
    pub duration_months: Option<i32>,
    pub max_redemptions: Option<i32>,
    pub redemptions: i32,
    pub redeem_by: Option<NaiveDateTime>,
    pub plan_codes: String,
    pub archived_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Coupon {
    /// The coupon's duration.
    pub fn duration(&self) -> Duration {
        match (self.duration.as_str(), self.duration_months) {
            ("repeating", Some(n)) => Duration::Repeating(n),
            ("forever", _) => Duration::Forever,
            _ => Duration::Once,
        }
    }

    /// The plans it is valid for (empty: every plan).
    pub fn plans(&self) -> Vec<&str> {
        self.plan_codes.split_whitespace().collect()
    }

    /// Why it cannot be applied to a subscription on `plan_code` at `now`,
    /// if it cannot (used up is decided by the count's update).
    pub fn refusal(&self, plan_code: &str, now: NaiveDateTime) -> Option<ErrorCode> {
        if self.archived_at.is_some() {
            Some(ErrorCode::CouponArchived)
        } else if self.redeem_by.is_some_and(|by| now > by) {
            Some(ErrorCode::CouponExpired)
        } else if self
            .max_redemptions
            .is_some_and(|max| self.redemptions >= max)
        {
            Some(ErrorCode::CouponUsedUp)
        } else if !self.plans().is_empty() && !self.plans().contains(&plan_code) {
            Some(ErrorCode::CouponNotForPlan)
        } else {
            None
        }
    }

    /// What it takes off an invoice of `subtotal` cents: a percentage
    /// rounded half-up to the cent, or the amount; never more than the
    /// subtotal, never below zero.
    pub fn discount(&self, subtotal: i64) -> i64 {
        if subtotal <= 0 {
            return 0;
        }
        let off = match (self.percent_off, self.amount_off) {
            (Some(p), _) => (subtotal * i64::from(p) + 50) / 100,
            (None, Some(a)) => a,
            (None, None) => 0,
        };
        off.clamp(0, subtotal)
    }

    /// Does it cover an invoice dated `invoice_date`, having been applied
    /// at `redeemed_at` to a subscription whose last invoice (the current
    /// period's, issued in advance) is dated `last_invoice`?
    pub fn covers(
        &self,
        redeemed_at: NaiveDateTime,
        last_invoice: Option<NaiveDateTime>,
        invoice_date: NaiveDateTime,
    ) -> bool {
        if invoice_date < redeemed_at {
            return false;
        }
        match self.duration() {
            // The first invoice after applying it: none issued since.
            Duration::Once => last_invoice.is_none_or(|last| last <= redeemed_at),
            Duration::Repeating(n) => redeemed_at
                .checked_add_months(Months::new(n.max(0) as u32))
                .is_some_and(|until| invoice_date < until),
            Duration::Forever => true,
        }
    }
}

/// A code as stored: trimmed, lower case; letters, digits, `-` and `_`
/// only, up to [`MAX_CODE`] characters.
pub fn normalize_code(raw: &str) -> Result<String, ErrorCode> {
    let code = raw.trim().to_lowercase();
    if code.is_empty() {
        return Err(ErrorCode::Required);
    }
    if code.chars().count() > MAX_CODE {
        return Err(ErrorCode::TooLong(MAX_CODE));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(ErrorCode::CouponCodeFormat);
    }
    Ok(code)
}

/// The current subscription's id and plan, and whether it runs at `now`
/// (read here rather than through `subscriptions`, which reads coupons).
fn current_subscription(
    conn: &mut DbConn,
    organization_id: &str,
    now: NaiveDateTime,
) -> Result<(String, String, bool), AppError> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let (id, plan_id, status, modules, trial_end, cancel_at): Row = subscriptions::table
        .filter(subscriptions::organization_id.eq(organization_id))
        .filter(subscriptions::is_current.eq(true))
        .select((
            subscriptions::id,
            subscriptions::plan_id,
            subscriptions::status,
            subscriptions::modules,
            subscriptions::trial_end,
            subscriptions::cancel_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let effect = in_effect(
        Status::parse(&status).unwrap_or(Status::Awaiting),
        Modules::from_stored(&modules),
        trial_end,
        cancel_at,
        now,
    );
    let runs = !matches!(effect.status, Status::Awaiting | Status::Canceled);
    Ok((id, plan_id, runs))
}

/// A coupon by code (case-insensitive), archived or not.
pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Coupon>> {
    coupons::table
        .filter(coupons::code.eq(code.trim().to_lowercase()))
        .select(Coupon::as_select())
        .first(conn)
        .optional()
}

/// The coupon applied to `subscription_id` now, with when it was applied.
pub fn applied(
    conn: &mut DbConn,
    subscription_id: &str,
) -> QueryResult<Option<(Coupon, NaiveDateTime)>> {
    coupon_redemptions::table
        .inner_join(coupons::table)
        .filter(coupon_redemptions::subscription_id.eq(subscription_id))
        .filter(coupon_redemptions::removed_at.is_null())
        .select((Coupon::as_select(), coupon_redemptions::redeemed_at))
        .first(conn)
        .optional()
}

/// Apply the coupon `code` to the actor's organisation's current
/// subscription (admins). Another coupon already applied is replaced only
/// when `replace` is set; otherwise the answer names it
/// ([`ErrorCode::CouponReplaces`]), so the screen can ask first.
pub fn apply(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    code: &str,
    replace: bool,
) -> Result<Coupon, AppError> {
    actor.require(Operation::SubscriptionApplyCoupon)?;
    let refuse = |code| AppError::Validation(FieldErrors(vec![("coupon", code)]));
    let code = normalize_code(code).map_err(refuse)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let (sub_id, plan_id, runs) = current_subscription(conn, &org, now)?;
        if !runs {
            return Err(refuse(ErrorCode::NotRunning));
        }
        let coupon = by_code(conn, &code)?.ok_or_else(|| refuse(ErrorCode::CouponUnknown))?;
        let plan_code: String = plans::table
            .find(&plan_id)
            .select(plans::code)
            .first(conn)?;
        if let Some(why) = coupon.refusal(&plan_code, now) {
            return Err(refuse(why));
        }
        let before = applied(conn, &sub_id)?;
        if let Some((old, _)) = &before {
            if old.id == coupon.id {
                return Err(refuse(ErrorCode::CouponAlreadyApplied));
            }
            if !replace {
                return Err(refuse(ErrorCode::CouponReplaces(old.code.to_uppercase())));
            }
        }
        let taken = diesel::update(
            coupons::table.find(&coupon.id).filter(
                coupons::max_redemptions
                    .is_null()
                    .or(coupons::redemptions.lt(coupons::max_redemptions.assume_not_null())),
            ),
        )
        .set((
            coupons::redemptions.eq(coupons::redemptions + 1),
            coupons::updated_at.eq(now),
        ))
        .execute(conn)?;
        if taken == 0 {
            return Err(refuse(ErrorCode::CouponUsedUp));
        }
        remove_applied(conn, now, &sub_id)?;
        diesel::insert_into(coupon_redemptions::table)
            .values((
                coupon_redemptions::id.eq(new_id()),
                coupon_redemptions::coupon_id.eq(&coupon.id),
                coupon_redemptions::subscription_id.eq(&sub_id),
                coupon_redemptions::organization_id.eq(&org),
                coupon_redemptions::redeemed_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "subscription.coupon_applied",
                "subscription",
                Some(&sub_id),
            )
            .values(
                before.as_ref().map(|(c, _)| CouponView::of(c)).as_ref(),
                Some(&CouponView::of(&coupon)),
            ),
        )?;
        Ok(coupon)
    })
}

/// End the redemption applied to `subscription_id` now, if any (it stays
/// as history).
fn remove_applied(
    conn: &mut DbConn,
    now: NaiveDateTime,
    subscription_id: &str,
) -> QueryResult<usize> {
    diesel::update(
        coupon_redemptions::table
            .filter(coupon_redemptions::subscription_id.eq(subscription_id))
            .filter(coupon_redemptions::removed_at.is_null()),
    )
    .set(coupon_redemptions::removed_at.eq(now))
    .execute(conn)
}

/// Remove the applied coupon (admins); invoices already issued keep theirs.
pub fn clear(conn: &mut DbConn, now: NaiveDateTime, actor: &Actor) -> Result<Coupon, AppError> {
    actor.require(Operation::SubscriptionClearCoupon)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let (sub_id, _, _) = current_subscription(conn, &org, now)?;
        let Some((coupon, _)) = applied(conn, &sub_id)? else {
            return Err(AppError::Validation(FieldErrors(vec![(
                "coupon",
                ErrorCode::NoCoupon,
            )])));
        };
        remove_applied(conn, now, &sub_id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "subscription.coupon_cleared",
                "subscription",
                Some(&sub_id),
            )
            .values(Some(&CouponView::of(&coupon)), None::<&()>),
        )?;
        Ok(coupon)
    })
}

/// A coupon as audit values and the API show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponView {
    pub code: String,
    pub percent_off: Option<i32>,
    pub amount_off: Option<i64>,
    pub duration: String,
    pub duration_months: Option<i32>,
}

impl CouponView {
    /// The view of `c`.
    pub fn of(c: &Coupon) -> Self {
        Self {
            code: c.code.to_uppercase(),
            percent_off: c.percent_off,
            amount_off: c.amount_off,
            duration: c.duration.clone(),
            duration_months: c.duration_months,
        }
    }
}

/// What the operator types to make a coupon.
#[derive(Debug, Clone, Default)]
pub struct CouponInput {
    pub code: String,
    /// `percent` or `amount`.
    pub kind: String,
    /// Percent (1–100) or euros (`12,50`).
    pub value: String,
    /// `once`, `repeating` or `forever`.
    pub duration: String,
    pub duration_months: String,
    pub max_redemptions: String,
    /// `YYYY-MM-DD` (valid through that day, UTC), or empty.
    pub redeem_by: String,
    /// Plan codes; empty: every plan.
    pub plans: Vec<String>,
}

/// Make a coupon (the operator); audited without an organisation.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    input: &CouponInput,
) -> Result<Coupon, AppError> {
    let mut e = FieldErrors::default();
    let code = normalize_code(&input.code)
        .map_err(|c| e.add("code", c))
        .ok();
    let (mut percent, mut amount) = (None, None);
    match input.kind.as_str() {
        "percent" => match input.value.trim().parse::<i32>() {
            Ok(p) if (1..=100).contains(&p) => percent = Some(p),
            _ => e.add("value", ErrorCode::PercentRange),
        },
        "amount" => match crate::domain::plans::parse_euros(&input.value) {
            Some(a) if a > 0 => amount = Some(a),
            _ => e.add("value", ErrorCode::AmountPositive),
        },
        _ => e.add("kind", ErrorCode::InvalidChoice),
    }
    let mut months = None;
    match input.duration.as_str() {
        "once" | "forever" => {}
        "repeating" => match input.duration_months.trim().parse::<i32>() {
            Ok(n) if (1..=MAX_MONTHS).contains(&n) => months = Some(n),
            _ => e.add(
                "duration_months",
                ErrorCode::MonthsRange(i64::from(MAX_MONTHS)),
            ),
        },
        _ => e.add("duration", ErrorCode::InvalidChoice),
    }
    let max = match input.max_redemptions.trim() {
        "" => None,
        v => match v.parse::<i32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                e.add("max_redemptions", ErrorCode::AtLeastOne);
                None
            }
        },
    };
    let redeem_by = match input.redeem_by.trim() {
        "" => None,
        v => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if d >= now.date() => d.and_hms_opt(23, 59, 59),
            Ok(_) => {
                e.add("redeem_by", ErrorCode::DateInPast);
                None
            }
            Err(_) => {
                e.add("redeem_by", ErrorCode::InvalidDate);
                None
            }
        },
    };
    let mut plan_codes: Vec<String> = input
        .plans
        .iter()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    plan_codes.sort();
    plan_codes.dedup();
    let known: i64 = plans::table
        .filter(plans::code.eq_any(&plan_codes))
        .count()
        .get_result(conn)?;
    if known != plan_codes.len() as i64 {
        e.add("plans", ErrorCode::InvalidChoice);
    }
    if let Some(code) = &code
        && by_code(conn, code)?.is_some()
    {
        e.add("code", ErrorCode::Taken);
    }
    e.into_result()?;
    let code = code.unwrap_or_default();
    let id = new_id();
    db::write(conn, |conn| {
        // Two operators making the same code at once: the unique index
        // decides, and the loser hears "taken" like the early check says.
        let inserted = diesel::insert_into(coupons::table)
            .values((
                coupons::id.eq(&id),
                coupons::code.eq(&code),
                coupons::percent_off.eq(percent),
                coupons::amount_off.eq(amount),
                coupons::duration.eq(&input.duration),
                coupons::duration_months.eq(months),
                coupons::max_redemptions.eq(max),
                coupons::redeem_by.eq(redeem_by),
                coupons::plan_codes.eq(plan_codes.join(" ")),
                coupons::created_at.eq(now),
                coupons::updated_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Err(e) if db::is_unique_violation(&e) => {
                return Err(AppError::Validation(FieldErrors(vec![(
                    "code",
                    ErrorCode::Taken,
                )])));
            }
            other => other?,
        };
        let coupon = coupons::table
            .find(&id)
            .select(Coupon::as_select())
            .first(conn)?;
        audit::record(
            conn,
            now,
            actor,
            Event::new(None, "coupon.created", "coupon", Some(&id))
                .values(None::<&()>, Some(&CouponView::of(&coupon))),
        )?;
        Ok(coupon)
    })
}

/// Archive a coupon (the operator): it can no longer be applied; where it
/// is applied it keeps working.
pub fn archive(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &AuditActor,
    id: &str,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let n = diesel::update(
            coupons::table
                .find(id)
                .filter(coupons::archived_at.is_null()),
        )
        .set((
            coupons::archived_at.eq(now),
            coupons::updated_at.eq(now),
            coupons::version.eq(coupons::version + 1),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            now,
            actor,
            Event::new(None, "coupon.archived", "coupon", Some(id)),
        )?;
        Ok(())
    })
}

/// Every coupon, newest first.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Coupon>> {
    coupons::table
        .order((coupons::created_at.desc(), coupons::id.desc()))
        .select(Coupon::as_select())
        .load(conn)
}

/// One redemption of a coupon, as the operator sees it.
#[derive(Debug, Clone, Queryable)]
pub struct Redemption {
    pub organization_id: String,
    pub organization_name: String,
    pub redeemed_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
}

/// Who applied `coupon_id`, newest first.
pub fn redemptions(conn: &mut DbConn, coupon_id: &str) -> QueryResult<Vec<Redemption>> {
    coupon_redemptions::table
        .inner_join(
            organizations::table.on(organizations::id.eq(coupon_redemptions::organization_id)),
        )
        .filter(coupon_redemptions::coupon_id.eq(coupon_id))
        .order(coupon_redemptions::redeemed_at.desc())
        .select((
            organizations::id,
            organizations::name,
            coupon_redemptions::redeemed_at,
            coupon_redemptions::removed_at,
        ))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn coupon(
        percent: Option<i32>,
        amount: Option<i64>,
        duration: &str,
        months: Option<i32>,
    ) -> Coupon {
        let t = at("2026-01-01 00:00:00");
        Coupon {
            id: "c".into(),
            code: "welkom".into(),
            percent_off: percent,
            amount_off: amount,
            currency: "EUR".into(),
            duration: duration.into(),
            duration_months: months,
            max_redemptions: Some(2),
            redemptions: 0,
            redeem_by: Some(at("2026-06-30 23:59:59")),
            plan_codes: "plus".into(),
            archived_at: None,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn codes_are_case_insensitive_and_plain() {
        assert_eq!(normalize_code("  Welkom-20 ").unwrap(), "welkom-20");
        assert_eq!(normalize_code("a b"), Err(ErrorCode::CouponCodeFormat));
        assert_eq!(
            normalize_code(&"x".repeat(200)),
            Err(ErrorCode::TooLong(MAX_CODE))
        );
        assert_eq!(normalize_code("   "), Err(ErrorCode::Required));
        assert_eq!(normalize_code("korting%"), Err(ErrorCode::CouponCodeFormat));
    }

    #[test]
    fn discounts_never_go_below_zero() {
        let pct = coupon(Some(20), None, "forever", None);
        assert_eq!(pct.discount(75_000), 15_000);
        // Half a cent rounds up: 12.5 % of 1 cent is 0.125 → 0; of 4 → 0.5 → 1.
        let odd = coupon(Some(13), None, "forever", None);
        assert_eq!(odd.discount(50), 7); // 6.5 → 7
        assert_eq!(pct.discount(0), 0);
        assert_eq!(pct.discount(-10), 0);
        let amount = coupon(None, Some(5_000), "once", None);
        assert_eq!(amount.discount(12_000), 5_000);
        assert_eq!(amount.discount(3_000), 3_000);
    }

    #[test]
    fn what_a_coupon_covers() {
        let redeemed = at("2026-03-10 12:00:00");
        let three = coupon(Some(20), None, "repeating", Some(3));
        assert!(three.covers(redeemed, None, at("2026-04-01 00:00:00")));
        assert!(three.covers(redeemed, None, at("2026-06-10 11:59:59")));
        assert!(!three.covers(redeemed, None, at("2026-06-10 12:00:00")));
        assert!(!three.covers(redeemed, None, at("2026-03-01 00:00:00")));
        let once = coupon(Some(20), None, "once", None);
        // Applied during the period that began 1 March: the 1 April invoice.
        assert!(once.covers(
            redeemed,
            Some(at("2026-03-01 00:00:00")),
            at("2026-04-01 00:00:00")
        ));
        // After 1 April's invoice was issued it is used up.
        assert!(!once.covers(
            redeemed,
            Some(at("2026-04-01 00:00:00")),
            at("2026-05-01 00:00:00")
        ));
        let forever = coupon(None, Some(100), "forever", None);
        assert!(forever.covers(
            redeemed,
            Some(at("2030-01-01 00:00:00")),
            at("2030-02-01 00:00:00")
        ));
    }

    #[test]
    fn refusals_name_the_reason() {
        let c = coupon(Some(20), None, "once", None);
        let now = at("2026-03-01 00:00:00");
        assert_eq!(c.refusal("plus", now), None);
        assert_eq!(c.refusal("basis", now), Some(ErrorCode::CouponNotForPlan));
        assert_eq!(
            c.refusal("plus", at("2026-07-01 00:00:00")),
            Some(ErrorCode::CouponExpired)
        );
        let used = Coupon {
            redemptions: 2,
            ..c.clone()
        };
        assert_eq!(used.refusal("plus", now), Some(ErrorCode::CouponUsedUp));
        let archived = Coupon {
            archived_at: Some(now),
            ..c
        };
        assert_eq!(
            archived.refusal("plus", now),
            Some(ErrorCode::CouponArchived)
        );
    }
}

//! Proration: the pure arithmetic of subscription billing periods and of
//! changes made in the middle of one. No database, no clock: instants are
//! UTC `NaiveDateTime`s as stored, money is integer cents (EUR).
//!
//! The rules:
//! - Periods are counted in calendar months or years in the organisation's
//!   time zone, at the anchor's local wall-clock time and day of month,
//!   clamped to the month's last day without drifting ([`period_end`]).
//! - Prorating is by the whole second, rounded half-up to the cent
//!   ([`prorate`]).
//! - Increases (more seats, an added add-on, a plan with a higher seat price)
//!   take effect at once and are charged prorated for the rest of the period;
//!   decreases and interval changes wait for the period end ([`preview`]).

use std::fmt;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::domain::modules::Module;

/// Monthly or yearly billing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Interval {
    /// The stored and API name (`month`, `year`).
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// Parse a stored or API name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }

    fn months(self) -> i64 {
        match self {
            Interval::Month => 1,
            Interval::Year => 12,
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The end of period number `n` (1-based: `n = 1` is the end of the first
/// period) of a subscription whose periods are anchored at `anchor` (UTC),
/// counted in calendar months/years in the organisation's time zone `tz`.
///
/// - The end has the anchor's local wall-clock time and the anchor's day of
///   month, clamped to the month's last day (anchor Jan 31 → Feb 28/29, then
///   Mar 31, Apr 30 …): every end is computed from the anchor, so the
///   clamping never drifts.
/// - A local time that does not exist (the spring DST gap) moves forward by
///   the gap (02:30 in Amsterdam's gap becomes 03:30 summer time); an
///   ambiguous one (the autumn hour that happens twice) takes the earlier
///   instant.
/// - `n = 0` gives `anchor` itself (the start of the first period), so the
///   period `k` is always `[period_end(k - 1), period_end(k))`.
///
/// Returns UTC.
///
/// # Panics
/// If the end lies beyond chrono's range (around the year 262 000).
pub fn period_end(anchor: NaiveDateTime, interval: Interval, n: u32, tz: Tz) -> NaiveDateTime {
    if n == 0 {
        return anchor;
    }
    let local = tz.from_utc_datetime(&anchor).naive_local();
    let months = i64::from(local.month0()) + i64::from(n) * interval.months();
    let year = i32::try_from(i64::from(local.year()) + months.div_euclid(12))
        .expect("period end within chrono's range");
    let month = u32::try_from(months.rem_euclid(12)).expect("0..12") + 1;
    let day = local.day().min(days_in_month(year, month));
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("period end within chrono's range");
    local_to_utc_forward(tz, date.and_time(local.time()))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|first_of_next| first_of_next.pred_opt())
        .map_or(28, |last| last.day())
}

/// A local time in `tz` as UTC: the earlier instant when it happens twice,
/// and, when it falls in a gap, the instant the offset in force before the
/// gap gives (which reads as the local time moved forward by the gap).
fn local_to_utc_forward(tz: Tz, local: NaiveDateTime) -> NaiveDateTime {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.naive_utc(),
        LocalResult::Ambiguous(a, b) => a.naive_utc().min(b.naive_utc()),
        LocalResult::None => {
            // The offset a day before (read as UTC) is the one before the
            // gap: no zone has two transitions within a day and a half.
            use chrono::Offset;
            let before = tz
                .offset_from_utc_datetime(&(local - Duration::days(1)))
                .fix()
                .local_minus_utc();
            local - Duration::seconds(i64::from(before))
        }
    }
}

/// `full` cents for the whole period `[start, end)` prorated to the part
/// `[at, end)`: `full × remaining_seconds / period_seconds`, rounded half-up
/// to the cent (in `i128`, so it cannot overflow). A negative `full` rounds
/// half away from zero, so a credit mirrors the charge exactly.
///
/// `at` before `start` counts as `start` (the full amount); `at` at or after
/// `end` gives 0, and so does an empty or reversed period. Whole seconds:
/// the sub-second parts of the instants are dropped.
pub fn prorate(full: i64, start: NaiveDateTime, end: NaiveDateTime, at: NaiveDateTime) -> i64 {
    let (start, end, at) = (secs(start), secs(end), secs(at));
    let period = i128::from(end) - i128::from(start);
    let remaining = i128::from(end) - i128::from(at.max(start));
    if period <= 0 || remaining <= 0 {
        return 0;
    }
    let num = i128::from(full) * remaining;
    let (q, r) = (num / period, num % period);
    let rounded = if 2 * r.abs() >= period {
        q + num.signum()
    } else {
        q
    };
    // |rounded| <= |full|, since remaining <= period.
    i64::try_from(rounded).expect("a prorated amount is at most the full amount")
}

fn secs(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// What a subscription is billed for in one period (prices per period of
/// its interval).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Priced {
    /// The plan's code (`team`, `business` …).
    pub plan_code: String,
    /// Price per seat per period of `interval`, in cents.
    pub seat_price: i64,
    /// Number of seats (at least 1).
    pub seats: i64,
    /// Add-on modules with their flat price per period, in cents.
    pub addons: Vec<(Module, i64)>,
    /// How often it is billed.
    pub interval: Interval,
}

impl Priced {
    /// The price of one full period: seats × seat price plus the add-ons.
    pub fn total(&self) -> i64 {
        self.seats * self.seat_price + self.addons.iter().map(|(_, p)| p).sum::<i64>()
    }

    fn addon_price(&self, m: Module) -> Option<i64> {
        self.addons.iter().find(|(a, _)| *a == m).map(|(_, p)| *p)
    }

    fn check(&self) -> Result<(), ProrationError> {
        if self.seats < 1 {
            return Err(ProrationError::NoSeats { seats: self.seats });
        }
        if self.seat_price < 0 || self.addons.iter().any(|(_, p)| *p < 0) {
            return Err(ProrationError::NegativePrice);
        }
        for (i, (m, _)) in self.addons.iter().enumerate() {
            if self.addons[..i].iter().any(|(a, _)| a == m) {
                return Err(ProrationError::DuplicateAddon(*m));
            }
        }
        Ok(())
    }

    /// The same, with the add-ons in [`Module::ALL`] order.
    fn normalized(&self) -> Priced {
        let mut p = self.clone();
        p.addons.sort_by_key(|(m, _)| *m);
        p
    }
}

/// One line of a preview or of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What the line charges for.
    pub kind: LineKind,
    /// How many (seats; 1 for an add-on).
    pub quantity: i64,
    /// The price of one for a full period, in cents.
    pub unit_price: i64,
    /// What the line costs, in cents (prorated for a part of a period).
    pub amount: i64,
    /// Start of the part of the period the line covers (UTC).
    pub from: NaiveDateTime,
    /// End of the part of the period the line covers (UTC, exclusive).
    pub to: NaiveDateTime,
}

/// What a [`Line`] charges for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Seats of a plan for a (part of a) period.
    Seats {
        /// The plan.
        plan_code: String,
    },
    /// An add-on module.
    Addon(Module),
    /// Prorated charge for seats added mid-period.
    SeatsAdded {
        /// The plan whose seat price the added seats are charged at.
        plan_code: String,
    },
    /// Prorated charge for an add-on added mid-period.
    AddonAdded(Module),
    /// Prorated difference for a plan upgrade mid-period (new seat price
    /// minus old, per seat).
    PlanUpgrade {
        /// The plan before.
        from: String,
        /// The plan after.
        to: String,
    },
}

/// Why a preview cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProrationError {
    /// A subscription needs at least one seat.
    NoSeats {
        /// The seat count given.
        seats: i64,
    },
    /// A seat or add-on price below zero.
    NegativePrice,
    /// The same add-on twice in one subscription.
    DuplicateAddon(Module),
    /// The periods are not `start < end < next_end`.
    BadPeriod,
    /// The change is not inside the current period `[start, end)`.
    OutsidePeriod,
}

impl fmt::Display for ProrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProrationError::NoSeats { seats } => {
                write!(f, "at least 1 seat is needed, not {seats}")
            }
            ProrationError::NegativePrice => f.write_str("a price is below zero"),
            ProrationError::DuplicateAddon(m) => write!(f, "add-on {m} is listed twice"),
            ProrationError::BadPeriod => f.write_str("periods must run start < end < next end"),
            ProrationError::OutsidePeriod => {
                f.write_str("the change is outside the current period")
            }
        }
    }
}

impl std::error::Error for ProrationError {}

/// The preview of a change to a subscription: what is charged now, what
/// waits for the period end, and the next invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The prorated charges for the increases, for `[at, end)`.
    pub immediate: Vec<Line>,
    /// The sum of `immediate` (each line rounded on its own).
    pub immediate_total: i64,
    /// The wanted state, when it only takes effect at the period end (some
    /// part of the change is a decrease or an interval change); else `None`.
    pub scheduled: Option<Priced>,
    /// What applies from `at` until the period end.
    pub effective_now: Priced,
    /// The lines of the next full period `[end, next_end)`: the wanted state.
    pub next: Vec<Line>,
    /// The sum of `next`.
    pub next_total: i64,
    /// When the next period starts and is invoiced (= `end`).
    pub next_date: NaiveDateTime,
}

/// The preview of changing `current` into `wanted` at instant `at`, inside
/// the current period `[start, end)`; `next_end` is the end of the period
/// after (from [`period_end`], in `wanted`'s interval).
///
/// - Increases take effect at once and are charged prorated for
///   `[at, end)`, one line each, each rounded on its own (so the total is
///   within a cent per line of prorating the difference as a whole):
///   - a plan upgrade (the new seat price is higher): [`LineKind::PlanUpgrade`],
///     quantity = the current seat count, unit price = new − old seat price;
///   - more seats: [`LineKind::SeatsAdded`], quantity = the added seats,
///     unit price = the seat price in effect now (the new one after an
///     upgrade, so an upgrade with more seats counts nothing twice);
///   - an added add-on: [`LineKind::AddonAdded`] at its wanted price.
/// - Decreases do not touch the current period and are scheduled for `end`:
///   fewer seats, a removed add-on, a plan with a lower (or equal) seat
///   price, a changed add-on price. So is an interval change, and then the
///   whole change waits (nothing is charged now: prices of another interval
///   cannot be prorated over this period).
/// - `next` prices `wanted` for the full period `[end, next_end)`.
///
/// Errors: fewer than one seat or a negative price on either side, an
/// add-on listed twice, periods out of order, `at` outside `[start, end)`.
pub fn preview(
    current: &Priced,
    wanted: &Priced,
    start: NaiveDateTime,
    end: NaiveDateTime,
    next_end: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<Preview, ProrationError> {
    current.check()?;
    wanted.check()?;
    if !(start < end && end < next_end) {
        return Err(ProrationError::BadPeriod);
    }
    if at < start || at >= end {
        return Err(ProrationError::OutsidePeriod);
    }
    let current = current.normalized();
    let wanted = wanted.normalized();
    let line = |kind, quantity: i64, unit_price: i64| Line {
        kind,
        quantity,
        unit_price,
        amount: prorate(quantity * unit_price, start, end, at),
        from: at,
        to: end,
    };

    let mut immediate = Vec::new();
    let mut now = current.clone();
    if wanted.interval == current.interval {
        if wanted.seat_price > current.seat_price {
            immediate.push(line(
                LineKind::PlanUpgrade {
                    from: current.plan_code.clone(),
                    to: wanted.plan_code.clone(),
                },
                current.seats,
                wanted.seat_price - current.seat_price,
            ));
            now.plan_code = wanted.plan_code.clone();
            now.seat_price = wanted.seat_price;
        }
        if wanted.seats > current.seats {
            immediate.push(line(
                LineKind::SeatsAdded {
                    plan_code: now.plan_code.clone(),
                },
                wanted.seats - current.seats,
                now.seat_price,
            ));
            now.seats = wanted.seats;
        }
        for &(m, price) in &wanted.addons {
            if current.addon_price(m).is_none() {
                immediate.push(line(LineKind::AddonAdded(m), 1, price));
                now.addons.push((m, price));
            }
        }
        now = now.normalized();
    }

    let next = period_lines(&wanted, end, next_end);
    Ok(Preview {
        immediate_total: immediate.iter().map(|l| l.amount).sum(),
        immediate,
        scheduled: (now != wanted).then(|| wanted.clone()),
        effective_now: now,
        next_total: next.iter().map(|l| l.amount).sum(),
        next,
        next_date: end,
    })
}

/// The lines of a full period `[from, to)` for `p`: its seats, then each
/// add-on in `p`'s order.
pub fn period_lines(p: &Priced, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Line> {
    let seats = Line {
        kind: LineKind::Seats {
            plan_code: p.plan_code.clone(),
        },
        quantity: p.seats,
        unit_price: p.seat_price,
        amount: p.seats * p.seat_price,
        from,
        to,
    };
    let addons = p.addons.iter().map(|&(m, price)| Line {
        kind: LineKind::Addon(m),
        quantity: 1,
        unit_price: price,
        amount: price,
        from,
        to,
    });
    std::iter::once(seats).chain(addons).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    /// An Amsterdam wall-clock time that exists once, as UTC.
    fn ams(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        AMS.from_local_datetime(&utc(y, mo, d, h, mi))
            .single()
            .unwrap()
            .naive_utc()
    }

    fn priced(plan: &str, seat_price: i64, seats: i64, addons: &[(Module, i64)]) -> Priced {
        Priced {
            plan_code: plan.to_string(),
            seat_price,
            seats,
            addons: addons.to_vec(),
            interval: Interval::Month,
        }
    }

    fn seconds(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        (to - from).num_seconds()
    }

    // ---- period_end ----

    #[test]
    fn interval_names_round_trip() {
        for i in [Interval::Month, Interval::Year] {
            assert_eq!(Interval::parse(i.as_str()), Some(i));
        }
        assert_eq!(Interval::Month.as_str(), "month");
        assert_eq!(Interval::Year.as_str(), "year");
        assert_eq!(Interval::parse("week"), None);
    }

    #[test]
    fn period_end_monthly_from_jan_31_clamps_without_drifting() {
        let utc_tz = Tz::UTC;
        let anchor = utc(2026, 1, 31, 10, 0);
        let end = |n| period_end(anchor, Interval::Month, n, utc_tz);
        assert_eq!(end(0), anchor);
        assert_eq!(end(1), utc(2026, 2, 28, 10, 0));
        assert_eq!(end(2), utc(2026, 3, 31, 10, 0));
        assert_eq!(end(3), utc(2026, 4, 30, 10, 0));
        assert_eq!(end(4), utc(2026, 5, 31, 10, 0));
        assert_eq!(end(12), utc(2027, 1, 31, 10, 0));

        // Leap year: February has 29 days; the year after it has 28 again.
        let leap = utc(2028, 1, 31, 10, 0);
        let end = |n| period_end(leap, Interval::Month, n, utc_tz);
        assert_eq!(end(1), utc(2028, 2, 29, 10, 0));
        assert_eq!(end(2), utc(2028, 3, 31, 10, 0));
        assert_eq!(end(13), utc(2029, 2, 28, 10, 0));

        // In Amsterdam: 09:00 local stays 09:00 local, winter or summer.
        let local = ams(2026, 1, 31, 9, 0);
        assert_eq!(local, utc(2026, 1, 31, 8, 0));
        let end = |n| period_end(local, Interval::Month, n, AMS);
        assert_eq!(end(1), utc(2026, 2, 28, 8, 0));
        assert_eq!(end(3), utc(2026, 4, 30, 7, 0));
        assert_eq!(end(4), utc(2026, 5, 31, 7, 0));
    }

    #[test]
    fn period_end_yearly_from_feb_29() {
        let anchor = utc(2028, 2, 29, 12, 0);
        let end = |n| period_end(anchor, Interval::Year, n, Tz::UTC);
        assert_eq!(end(1), utc(2029, 2, 28, 12, 0));
        assert_eq!(end(2), utc(2030, 2, 28, 12, 0));
        assert_eq!(end(4), utc(2032, 2, 29, 12, 0));
    }

    #[test]
    fn period_end_across_march_dst_is_an_hour_short() {
        // 2026-03-15 09:00 CET (08:00Z) → 2026-04-15 09:00 CEST (07:00Z).
        let anchor = ams(2026, 3, 15, 9, 0);
        assert_eq!(anchor, utc(2026, 3, 15, 8, 0));
        let end = period_end(anchor, Interval::Month, 1, AMS);
        assert_eq!(end, utc(2026, 4, 15, 7, 0));
        assert_eq!(seconds(anchor, end), 31 * 86_400 - 3_600);
    }

    #[test]
    fn period_end_across_october_dst_is_an_hour_long() {
        // 2026-10-15 09:00 CEST (07:00Z) → 2026-11-15 09:00 CET (08:00Z).
        let anchor = ams(2026, 10, 15, 9, 0);
        assert_eq!(anchor, utc(2026, 10, 15, 7, 0));
        let end = period_end(anchor, Interval::Month, 1, AMS);
        assert_eq!(end, utc(2026, 11, 15, 8, 0));
        assert_eq!(seconds(anchor, end), 31 * 86_400 + 3_600);
    }

    #[test]
    fn period_end_in_the_dst_gap_moves_forward_by_the_gap() {
        // Anchored 2026-01-29 02:30 CET (01:30Z). On Sunday 2026-03-29
        // clocks jump from 02:00 to 03:00: 02:30 does not exist and becomes
        // 03:30 CEST (01:30Z). The month after is 02:30 again.
        let anchor = ams(2026, 1, 29, 2, 30);
        assert_eq!(anchor, utc(2026, 1, 29, 1, 30));
        let end = |n| period_end(anchor, Interval::Month, n, AMS);
        assert_eq!(end(1), utc(2026, 2, 28, 1, 30));
        assert_eq!(end(2), utc(2026, 3, 29, 1, 30));
        assert_eq!(utc_to_local(end(2)), utc(2026, 3, 29, 3, 30));
        assert_eq!(end(3), utc(2026, 4, 29, 0, 30));
        assert_eq!(utc_to_local(end(3)), utc(2026, 4, 29, 2, 30));
    }

    #[test]
    fn period_end_in_the_repeated_hour_takes_the_earlier() {
        // 2026-10-25 02:30 happens at 00:30Z (CEST) and at 01:30Z (CET).
        let anchor = ams(2026, 9, 25, 2, 30);
        assert_eq!(anchor, utc(2026, 9, 25, 0, 30));
        let end = |n| period_end(anchor, Interval::Month, n, AMS);
        assert_eq!(end(1), utc(2026, 10, 25, 0, 30));
        assert_eq!(end(2), utc(2026, 11, 25, 1, 30));
    }

    fn utc_to_local(t: NaiveDateTime) -> NaiveDateTime {
        AMS.from_utc_datetime(&t).naive_local()
    }

    // ---- prorate ----

    #[test]
    fn prorate_rounds_half_up_to_the_cent() {
        // 1000 cents over three equal days.
        let start = utc(2026, 4, 1, 0, 0);
        let day = Duration::days(1);
        let end = start + day * 3;
        assert_eq!(prorate(1000, start, end, start), 1000);
        // 2/3 of 1000 = 666.67 → 667; 1/3 = 333.33 → 333.
        assert_eq!(prorate(1000, start, end, start + day), 667);
        assert_eq!(prorate(1000, start, end, start + day * 2), 333);
        // So the three days are billed 333, 334, 333.
        // Exactly half a cent rounds up: 5 × 1/2 = 2.5 → 3, 1 × 1/2 → 1.
        let two = start + Duration::seconds(2);
        let one = start + Duration::seconds(1);
        assert_eq!(prorate(5, start, two, one), 3);
        assert_eq!(prorate(1, start, two, one), 1);
        // Below half rounds down: 1 × 1/4 = 0.25 → 0; 3 × 1/4 = 0.75 → 1.
        let four = start + Duration::seconds(4);
        let three = start + Duration::seconds(3);
        assert_eq!(prorate(1, start, four, three), 0);
        assert_eq!(prorate(3, start, four, three), 1);
    }

    #[test]
    fn prorate_outside_the_period() {
        let start = utc(2026, 4, 1, 0, 0);
        let end = utc(2026, 5, 1, 0, 0);
        assert_eq!(prorate(1200, start, end, utc(2026, 3, 20, 0, 0)), 1200);
        assert_eq!(prorate(1200, start, end, end), 0);
        assert_eq!(prorate(1200, start, end, utc(2026, 6, 1, 0, 0)), 0);
        // An empty or reversed period prorates to nothing.
        assert_eq!(prorate(1200, start, start, start), 0);
        assert_eq!(prorate(1200, end, start, start), 0);
    }

    #[test]
    fn prorate_negative_mirrors_positive() {
        let start = utc(2026, 4, 1, 0, 0);
        let two = start + Duration::seconds(2);
        let one = start + Duration::seconds(1);
        assert_eq!(prorate(-5, start, two, one), -3);
        assert_eq!(prorate(-1, start, two, one), -1);
        let end = start + Duration::days(3);
        assert_eq!(prorate(-1000, start, end, start + Duration::days(1)), -667);
        assert_eq!(prorate(-1000, start, end, start + Duration::days(2)), -333);
        assert_eq!(prorate(-1000, start, end, start - Duration::days(2)), -1000);
    }

    #[test]
    fn prorate_drops_sub_seconds() {
        // Counted as [0 s, 2 s) with 1 s left: half of 1000.
        let start = utc(2026, 4, 1, 0, 0) + Duration::milliseconds(900);
        let end = utc(2026, 4, 1, 0, 0) + Duration::seconds(2);
        let at = utc(2026, 4, 1, 0, 0) + Duration::milliseconds(1_900);
        assert_eq!(prorate(1000, start, end, at), 500);
    }

    #[test]
    fn prorate_large_amounts_do_not_overflow() {
        let start = utc(2026, 1, 1, 0, 0);
        let end = utc(2027, 1, 1, 0, 0);
        let half = utc(2026, 7, 2, 12, 0); // 182.5 of 365 days
        assert_eq!(prorate(i64::MAX, start, end, start), i64::MAX);
        assert_eq!(prorate(i64::MAX, start, end, half), i64::MAX / 2 + 1);
    }

    // ---- preview ----

    /// README example 1: 3 → 5 seats at €12.00 ten days into April 2026
    /// (30 days, no DST change). 2 × 1200 × 20/30 = 1600 exactly.
    #[test]
    fn readme_example_seats_added_mid_month() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = period_end(start, Interval::Month, 1, AMS);
        let next_end = period_end(start, Interval::Month, 2, AMS);
        assert_eq!(end, ams(2026, 5, 1, 0, 0));
        assert_eq!(seconds(start, end), 30 * 86_400);
        let at = ams(2026, 4, 11, 0, 0);
        let current = priced("team", 1200, 3, &[]);
        let wanted = priced("team", 1200, 5, &[]);

        let p = preview(&current, &wanted, start, end, next_end, at).unwrap();
        assert_eq!(
            p.immediate,
            vec![Line {
                kind: LineKind::SeatsAdded {
                    plan_code: "team".into()
                },
                quantity: 2,
                unit_price: 1200,
                amount: 1600,
                from: at,
                to: end,
            }]
        );
        assert_eq!(p.immediate_total, 1600);
        assert_eq!(p.scheduled, None);
        assert_eq!(p.effective_now, wanted);
        assert_eq!(p.next_date, end);
        assert_eq!(p.next, period_lines(&wanted, end, next_end));
        assert_eq!(p.next.len(), 1);
        assert_eq!(p.next[0].amount, 6000);
        assert_eq!(p.next_total, 6000);
    }

    #[test]
    fn seat_removed_is_scheduled_for_period_end() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let next_end = ams(2026, 6, 1, 0, 0);
        let current = priced("team", 1200, 3, &[(Module::Api, 1500)]);
        let wanted = priced("team", 1200, 2, &[(Module::Api, 1500)]);
        let p = preview(
            &current,
            &wanted,
            start,
            end,
            next_end,
            ams(2026, 4, 11, 0, 0),
        )
        .unwrap();
        assert!(p.immediate.is_empty());
        assert_eq!(p.immediate_total, 0);
        assert_eq!(p.effective_now, current);
        assert_eq!(p.scheduled, Some(wanted));
        // Next period: 2 × 1200 + 1500.
        assert_eq!(p.next_total, 3900);
        assert_eq!(p.next_date, end);
    }

    /// README example 2: the API add-on (€15.00/month) added on
    /// 10 February 2028 at 14:00 in Amsterdam. February 2028 has 29 days
    /// (2 505 600 s); 19 days 10 hours (1 677 600 s) remain:
    /// 1500 × 1 677 600 / 2 505 600 = 1004.31 → 1004.
    #[test]
    fn readme_example_addon_added_in_leap_february() {
        let anchor = ams(2028, 1, 1, 0, 0);
        let start = period_end(anchor, Interval::Month, 1, AMS);
        let end = period_end(anchor, Interval::Month, 2, AMS);
        let next_end = period_end(anchor, Interval::Month, 3, AMS);
        assert_eq!((start, end), (ams(2028, 2, 1, 0, 0), ams(2028, 3, 1, 0, 0)));
        assert_eq!(seconds(start, end), 2_505_600);
        let at = ams(2028, 2, 10, 14, 0);
        assert_eq!(seconds(at, end), 1_677_600);
        let current = priced("team", 1200, 2, &[]);
        let wanted = priced("team", 1200, 2, &[(Module::Api, 1500)]);

        let p = preview(&current, &wanted, start, end, next_end, at).unwrap();
        assert_eq!(p.immediate.len(), 1);
        assert_eq!(p.immediate[0].kind, LineKind::AddonAdded(Module::Api));
        assert_eq!(p.immediate[0].quantity, 1);
        assert_eq!(p.immediate[0].unit_price, 1500);
        assert_eq!(p.immediate[0].amount, 1004);
        assert_eq!(p.immediate_total, 1004);
        assert_eq!(p.scheduled, None);
        assert_eq!(p.effective_now, wanted);
        // March 2028: 2 × 1200 + 1500.
        assert_eq!(
            p.next.iter().map(|l| l.amount).collect::<Vec<_>>(),
            vec![2400, 1500]
        );
        assert_eq!(p.next[1].kind, LineKind::Addon(Module::Api));
        assert_eq!(p.next_total, 3900);
    }

    /// README example 3: a yearly subscription anchored 15 March 2026 09:00
    /// in Amsterdam, 4 seats of `team` at €96.00/year, becomes 5 seats of
    /// `business` at €144.00/year on 1 September 2026 09:00.
    /// The year has 365 days (31 536 000 s, both ends in winter time);
    /// 195 days and 1 hour remain (16 851 600 s; the hour is summer time).
    /// - upgrade: 4 × (14400 − 9600) = 19200 → 19200 × 16851600/31536000
    ///   = 10259.73 → 10260;
    /// - added seat at the new price: 14400 × … = 7694.79 → 7695;
    /// - together 17955 = prorate(72000 − 38400 = 33600) = 17954.52 → 17955.
    #[test]
    fn readme_example_yearly_upgrade_with_an_extra_seat() {
        let anchor = ams(2026, 3, 15, 9, 0);
        let end = period_end(anchor, Interval::Year, 1, AMS);
        let next_end = period_end(anchor, Interval::Year, 2, AMS);
        assert_eq!(end, utc(2027, 3, 15, 8, 0));
        assert_eq!(next_end, utc(2028, 3, 15, 8, 0));
        assert_eq!(seconds(anchor, end), 31_536_000);
        let at = ams(2026, 9, 1, 9, 0);
        assert_eq!(seconds(at, end), 16_851_600);
        let yearly = |plan: &str, price, seats| Priced {
            interval: Interval::Year,
            ..priced(plan, price, seats, &[])
        };
        let current = yearly("team", 9600, 4);
        let wanted = yearly("business", 14400, 5);

        let p = preview(&current, &wanted, anchor, end, next_end, at).unwrap();
        let line = |kind, quantity, unit_price, amount| Line {
            kind,
            quantity,
            unit_price,
            amount,
            from: at,
            to: end,
        };
        assert_eq!(
            p.immediate,
            vec![
                line(
                    LineKind::PlanUpgrade {
                        from: "team".into(),
                        to: "business".into()
                    },
                    4,
                    4800,
                    10260
                ),
                line(
                    LineKind::SeatsAdded {
                        plan_code: "business".into()
                    },
                    1,
                    14400,
                    7695
                ),
            ]
        );
        assert_eq!(p.immediate_total, 17955);
        // Nothing counted twice: the difference of the totals, prorated.
        assert_eq!(
            p.immediate_total,
            prorate(wanted.total() - current.total(), anchor, end, at)
        );
        assert_eq!(p.scheduled, None);
        assert_eq!(p.effective_now, wanted);
        assert_eq!(p.next_total, 72000);
        assert_eq!(p.next_date, end);
    }

    #[test]
    fn upgrade_alone_charges_every_seat_the_difference() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let at = ams(2026, 4, 16, 0, 0); // 15 of 30 days left
        let current = priced("team", 1200, 3, &[]);
        let wanted = priced("business", 1800, 3, &[]);
        let p = preview(&current, &wanted, start, end, ams(2026, 6, 1, 0, 0), at).unwrap();
        assert_eq!(p.immediate.len(), 1);
        assert_eq!(p.immediate[0].quantity, 3);
        assert_eq!(p.immediate[0].unit_price, 600);
        // 3 × 600 × 15/30 = 900.
        assert_eq!(p.immediate_total, 900);
        assert_eq!(p.scheduled, None);
    }

    /// A DST month: 2026-03-15 09:00 → 2026-04-15 09:00 in Amsterdam is
    /// 31 days minus an hour (2 674 800 s). One seat at €100.00 added on
    /// 1 April 09:00 leaves exactly 14 days (1 209 600 s):
    /// 10000 × 1 209 600 / 2 674 800 = 4522.21 → 4522 (with 31 whole days it
    /// would have been 4516).
    #[test]
    fn seat_added_in_a_dst_month() {
        let anchor = ams(2026, 3, 15, 9, 0);
        let end = period_end(anchor, Interval::Month, 1, AMS);
        let next_end = period_end(anchor, Interval::Month, 2, AMS);
        let at = ams(2026, 4, 1, 9, 0);
        assert_eq!(seconds(anchor, end), 2_674_800);
        assert_eq!(seconds(at, end), 1_209_600);
        let current = priced("pro", 10000, 1, &[]);
        let wanted = priced("pro", 10000, 2, &[]);
        let p = preview(&current, &wanted, anchor, end, next_end, at).unwrap();
        assert_eq!(p.immediate_total, 4522);
        assert_eq!(p.next_total, 20000);
        assert_eq!(p.next[0].from, end);
        assert_eq!(p.next[0].to, utc(2026, 5, 15, 7, 0));
    }

    #[test]
    fn mixed_change_charges_increases_and_schedules_decreases() {
        // Add webhooks, drop the API, move to a cheaper plan with one more
        // seat: the seat is charged at the price in effect now (1200) and
        // the webhooks at once; the rest waits for the period end.
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let at = ams(2026, 4, 11, 0, 0); // 20 of 30 days left
        let current = priced("team", 1200, 2, &[(Module::Api, 1500)]);
        let wanted = priced("lite", 900, 3, &[(Module::Webhooks, 600)]);
        let p = preview(&current, &wanted, start, end, ams(2026, 6, 1, 0, 0), at).unwrap();
        let kinds: Vec<_> = p.immediate.iter().map(|l| l.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                LineKind::SeatsAdded {
                    plan_code: "team".into()
                },
                LineKind::AddonAdded(Module::Webhooks)
            ]
        );
        // 1200 × 20/30 = 800; 600 × 20/30 = 400.
        assert_eq!(p.immediate[0].amount, 800);
        assert_eq!(p.immediate[1].amount, 400);
        assert_eq!(p.immediate_total, 1200);
        assert_eq!(
            p.effective_now,
            priced(
                "team",
                1200,
                3,
                &[(Module::Api, 1500), (Module::Webhooks, 600)]
            )
        );
        assert_eq!(p.scheduled, Some(wanted));
        // Next: 3 × 900 + 600.
        assert_eq!(p.next_total, 3300);
    }

    #[test]
    fn interval_change_waits_for_the_period_end() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let current = priced("team", 1200, 2, &[]);
        let wanted = Priced {
            interval: Interval::Year,
            ..priced("team", 12000, 4, &[(Module::Api, 15000)])
        };
        let next_end = ams(2027, 5, 1, 0, 0);
        let p = preview(
            &current,
            &wanted,
            start,
            end,
            next_end,
            ams(2026, 4, 11, 0, 0),
        )
        .unwrap();
        assert!(p.immediate.is_empty());
        assert_eq!(p.effective_now, current);
        assert_eq!(p.scheduled, Some(wanted));
        assert_eq!(p.next_total, 4 * 12000 + 15000);
        assert_eq!(p.next[0].to, next_end);
    }

    #[test]
    fn no_change_is_no_charge() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let current = priced(
            "team",
            1200,
            2,
            &[(Module::Api, 1500), (Module::Meetings, 0)],
        );
        // The same add-ons in another order are the same subscription.
        let wanted = priced(
            "team",
            1200,
            2,
            &[(Module::Meetings, 0), (Module::Api, 1500)],
        );
        let p = preview(&current, &wanted, start, end, ams(2026, 6, 1, 0, 0), start).unwrap();
        assert!(p.immediate.is_empty());
        assert_eq!(p.scheduled, None);
        assert_eq!(p.next_total, current.total());
        assert_eq!(current.total(), 3900);
    }

    #[test]
    fn preview_refuses_bad_input() {
        let start = ams(2026, 4, 1, 0, 0);
        let end = ams(2026, 5, 1, 0, 0);
        let next_end = ams(2026, 6, 1, 0, 0);
        let at = ams(2026, 4, 11, 0, 0);
        let ok = priced("team", 1200, 2, &[]);
        let run = |c: &Priced, w: &Priced, s, e, n, a| preview(c, w, s, e, n, a).unwrap_err();
        assert_eq!(
            run(&ok, &priced("team", 1200, 0, &[]), start, end, next_end, at),
            ProrationError::NoSeats { seats: 0 }
        );
        assert_eq!(
            run(
                &priced("team", 1200, -1, &[]),
                &ok,
                start,
                end,
                next_end,
                at
            ),
            ProrationError::NoSeats { seats: -1 }
        );
        assert_eq!(
            run(&ok, &priced("team", -1, 2, &[]), start, end, next_end, at),
            ProrationError::NegativePrice
        );
        let twice = priced("team", 1200, 2, &[(Module::Api, 1), (Module::Api, 2)]);
        assert_eq!(
            run(&ok, &twice, start, end, next_end, at),
            ProrationError::DuplicateAddon(Module::Api)
        );
        assert_eq!(
            run(&ok, &ok, end, start, next_end, at),
            ProrationError::BadPeriod
        );
        assert_eq!(
            run(&ok, &ok, start, end, end, at),
            ProrationError::BadPeriod
        );
        assert_eq!(
            run(&ok, &ok, start, end, next_end, end),
            ProrationError::OutsidePeriod
        );
        assert_eq!(
            run(&ok, &ok, start, end, next_end, ams(2026, 3, 31, 0, 0)),
            ProrationError::OutsidePeriod
        );
    }

    #[test]
    fn period_lines_lists_seats_then_addons() {
        let from = utc(2026, 5, 1, 0, 0);
        let to = utc(2026, 6, 1, 0, 0);
        let p = priced("team", 1200, 3, &[(Module::Api, 1500)]);
        let lines = period_lines(&p, from, to);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].quantity, lines[0].unit_price, lines[0].amount),
            (3, 1200, 3600)
        );
        assert_eq!(lines[1].kind, LineKind::Addon(Module::Api));
        assert_eq!(lines.iter().map(|l| l.amount).sum::<i64>(), p.total());
        assert!(lines.iter().all(|l| l.from == from && l.to == to));
    }
}

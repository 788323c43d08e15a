//! Local time: what people type and read in their organisation's time
//! zone, and the UTC it is stored in (the autumn hour that happens twice,
//! the spring hour that does not exist, zones that skip midnight).

use chrono::{Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::error::ErrorCode;

/// `2026-10-24T23:30:00Z`.
/// Written out by hand: chrono's `format` parses its pattern on every call,
/// which showed up in the API's profile (every row has two timestamps).
pub fn iso_utc(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The moment [`iso_utc`] wrote.
pub fn parse_iso_utc(raw: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%SZ").ok()
}

/// A local date and time as typed in `<input type="datetime-local">`
/// (`2026-11-23T14:05`, seconds optional).
pub fn parse_local(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
    .filter(|t| crate::domain::validate::in_range(t.date()))
}

/// A local time in `tz` as UTC. In the autumn hour that happens twice the
/// earlier one is meant; a time skipped in spring does not exist.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Result<NaiveDateTime, ErrorCode> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.naive_utc()),
        LocalResult::Ambiguous(a, b) => Ok(a.naive_utc().min(b.naive_utc())),
        LocalResult::None => Err(ErrorCode::NonexistentLocalTime),
    }
}

/// A UTC moment as local time in `tz`.
pub fn utc_to_local(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// The first moment of `day` in `tz`, in UTC (midnight, or the first hour
/// that exists where a zone skips midnight).
pub fn day_start(tz: Tz, day: NaiveDate) -> NaiveDateTime {
    (0..3)
        .filter_map(|h| day.and_hms_opt(h, 0, 0))
        .find_map(|local| local_to_utc(tz, local).ok())
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN))
}

/// The Monday of the week `day` is in.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn iso_utc_pads_every_part() {
        assert_eq!(iso_utc(at("2026-03-05 04:07")), "2026-03-05T04:07:00Z");
        let t = at("2026-12-31 23:59") + chrono::Duration::seconds(59);
        assert_eq!(iso_utc(t), "2026-12-31T23:59:59Z");
        assert_eq!(iso_utc(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }

    #[test]
    fn weeks_and_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(monday_of(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(monday_of(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(day_start(AMS, d("2026-11-23")), at("2026-11-22 23:00"));
        assert_eq!(day_start(AMS, d("2026-07-01")), at("2026-06-30 22:00"));
        // A zone that skips midnight (Santiago, September 2026).
        let santiago: Tz = "America/Santiago".parse().unwrap();
        assert_eq!(day_start(santiago, d("2026-09-06")), at("2026-09-06 04:00"));
    }
}

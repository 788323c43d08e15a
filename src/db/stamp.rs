//! [`Stamp`]: a time bound as a query parameter on the lookups every request
//! makes (its login, its token), written by hand for SQLite instead of
//! through chrono's format-string machinery, which cost more than the rest
//! of binding the query.

use chrono::{Datelike, NaiveDateTime, Timelike};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// A UTC time to compare `TIMESTAMP` columns with (`expires_at > now`).
#[derive(Debug, Clone, Copy, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp(pub NaiveDateTime);

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(sqlite_text(self.0));
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<Timestamp, Pg>::to_sql(&self.0, out)
    }
}

/// The text Diesel stores for a timestamp in SQLite (chrono's `%F %T%.f`:
/// no fraction when there is none, else 3, 6 or 9 digits), so that stored
/// and bound values compare as the same times.
fn sqlite_text(t: NaiveDateTime) -> String {
    let nanos = t.nanosecond();
    if !(0..=9999).contains(&t.year()) || nanos >= 1_000_000_000 {
        // Out of the four-digit years, or a leap second: chrono knows best.
        return t.format("%F %T%.f").to_string();
    }
    let mut s = String::with_capacity(29);
    push_digits(&mut s, t.year() as u32, 4);
    s.push('-');
    push_digits(&mut s, t.month(), 2);
    s.push('-');
    push_digits(&mut s, t.day(), 2);
    s.push(' ');
    push_digits(&mut s, t.hour(), 2);
    s.push(':');
    push_digits(&mut s, t.minute(), 2);
    s.push(':');
    push_digits(&mut s, t.second(), 2);
    if nanos != 0 {
        s.push('.');
        if nanos.is_multiple_of(1_000_000) {
            push_digits(&mut s, nanos / 1_000_000, 3);
        } else if nanos.is_multiple_of(1_000) {
            push_digits(&mut s, nanos / 1_000, 6);
        } else {
            push_digits(&mut s, nanos, 9);
        }
    }
    s
}

/// `value` as exactly `width` decimal digits (zero-padded; `value` fits).
fn push_digits(s: &mut String, value: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        s.push(char::from(b'0' + ((value / div) % 10) as u8));
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn writes_what_chrono_writes() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        for (h, m, s, nano) in [
            (0, 0, 0, 0),
            (23, 59, 59, 0),
            (7, 5, 3, 120_000_000),
            (7, 5, 3, 1_000_000),
            (7, 5, 3, 123_456_000),
            (7, 5, 3, 1_000),
            (7, 5, 3, 123_456_789),
            (7, 5, 3, 1),
            (23, 59, 59, 1_500_000_000),
        ] {
            let t = day.and_hms_nano_opt(h, m, s, nano).unwrap();
            assert_eq!(sqlite_text(t), t.format("%F %T%.f").to_string(), "{t:?}");
        }
        for year in [1, 999, 9999, 10_000, -1] {
            let t = NaiveDate::from_ymd_opt(year, 12, 31)
                .unwrap()
                .and_hms_milli_opt(1, 2, 3, 4)
                .unwrap();
            assert_eq!(sqlite_text(t), t.format("%F %T%.f").to_string(), "{t:?}");
        }
    }
}

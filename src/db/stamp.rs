//! [`Stamp`]: a `TIMESTAMP` written and read by hand for SQLite instead of
//! through chrono's format-string machinery, which cost more than the rest
//! of binding a query (a time bound on the lookups every request makes: its
//! login, its token) and, when reading, more than the rest of a list row
//! (diesel tries its formats one by one). Rows read it through
//! `#[diesel(deserialize_as = Stamp)]` on a `NaiveDateTime` field.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::{Sqlite, SqliteType, SqliteValue};

/// A UTC time to compare `TIMESTAMP` columns with (`expires_at > now`), or
/// one read from such a column.
#[derive(Debug, Clone, Copy, AsExpression, FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp(pub NaiveDateTime);

impl From<Stamp> for NaiveDateTime {
    fn from(stamp: Stamp) -> Self {
        stamp.0
    }
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if value.value_type() == Some(SqliteType::Text)
            && let Some(t) = parse_sqlite_text(value.read_text())
        {
            return Ok(Stamp(t));
        }
        // Another form SQLite accepts (a `T`, a zone, a Julian day): diesel.
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(
        value: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Stamp)
    }
}

impl FromSql<Timestamp, crate::db::Backend> for Stamp {
    fn from_sql(
        value: <crate::db::Backend as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        value.from_sql::<Stamp, Timestamp>()
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1–9 digits (what
/// [`sqlite_text`] and diesel write), or `None` for anything else.
fn parse_sqlite_text(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            num(20, b.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?.and_hms_nano_opt(
        num(11, 13)?,
        num(14, 16)?,
        num(17, 19)?,
        nanos,
    )
}

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

    /// Times of one day with each length of fraction (hour, minute,
    /// second, nanosecond).
    const TIMES: [(u32, u32, u32, u32); 8] = [
        (0, 0, 0, 0),
        (23, 59, 59, 0),
        (7, 5, 3, 120_000_000),
        (7, 5, 3, 1_000_000),
        (7, 5, 3, 123_456_000),
        (7, 5, 3, 1_000),
        (7, 5, 3, 123_456_789),
        (7, 5, 3, 1),
    ];

    fn on_a_day((h, m, s, nano): (u32, u32, u32, u32)) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 9)
            .unwrap()
            .and_hms_nano_opt(h, m, s, nano)
            .unwrap()
    }

    #[test]
    fn reads_what_it_writes_and_what_chrono_reads() {
        for t in TIMES.map(on_a_day) {
            assert_eq!(parse_sqlite_text(&sqlite_text(t)), Some(t), "{t:?}");
        }
        for text in [
            "2026-03-09 07:05:03.5",
            "2026-03-09 07:05:03.12",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59.999999999",
        ] {
            let chrono = NaiveDateTime::parse_from_str(text, "%F %T%.f").unwrap();
            assert_eq!(parse_sqlite_text(text), Some(chrono), "{text}");
        }
        // Not this form (diesel's own parser takes them), or no time at all.
        for text in [
            "2026-03-09T07:05:03",
            "2026-03-09 07:05",
            "2026-03-09 07:05:03Z",
            "2026-03-09 07:05:03.",
            "2026-03-09 07:05:03.1234567890",
            "2026-02-30 07:05:03",
            "2026-03-09 24:00:00",
            "2026-03-09 07:05:0x",
            "+026-03-09 07:05:03",
            "",
        ] {
            assert_eq!(parse_sqlite_text(text), None, "{text}");
        }
    }

    #[test]
    fn writes_what_chrono_writes() {
        // And a leap second, which chrono writes.
        for t in TIMES
            .map(on_a_day)
            .into_iter()
            .chain([on_a_day((23, 59, 59, 1_500_000_000))])
        {
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

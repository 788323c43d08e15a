//! Small validation rules shared by the forms and the API.

use crate::error::{ErrorCode, FieldErrors};

/// Longest name, e-mail and similar one-line fields.
pub const MAX_LINE: usize = 200;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted (argon2 cost stays bounded).
pub const MAX_PASSWORD: usize = 256;

/// The years a date may have: written with four digits, as people and
/// RFC 3339 write them. Dates far outside (chrono reaches ±262,143) would
/// overflow the arithmetic of weeks and time zones.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A day written `YYYY-MM-DD`, within [`YEARS`].
pub fn day(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| in_range(*d))
}

/// Is `day` within [`YEARS`]?
pub fn in_range(day: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&day.year())
}

/// A required one-line text, trimmed, at most `max` characters.
pub fn required(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, ErrorCode::Required);
    } else if v.chars().count() > max {
        errors.add(field, ErrorCode::TooLong(max));
    }
    v.to_string()
}

/// A required e-mail address, trimmed and lower-cased.
pub fn email(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        errors.add(field, ErrorCode::Required);
    } else if v.chars().count() > MAX_LINE {
        errors.add(field, ErrorCode::TooLong(MAX_LINE));
    } else if !looks_like_email(&v) {
        errors.add(field, ErrorCode::Email);
    }
    v
}

/// `local@domain.tld`, no spaces, one `@`.
pub fn looks_like_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A new password and its confirmation.
pub fn new_password(
    errors: &mut FieldErrors,
    field: &'static str,
    confirm_field: &'static str,
    password: &str,
    confirm: &str,
) {
    let n = password.chars().count();
    if n == 0 {
        errors.add(field, ErrorCode::Required);
    } else if n < MIN_PASSWORD {
        errors.add(field, ErrorCode::PasswordShort(MIN_PASSWORD));
    } else if n > MAX_PASSWORD {
        errors.add(field, ErrorCode::TooLong(MAX_PASSWORD));
    } else if password != confirm {
        errors.add(confirm_field, ErrorCode::PasswordMismatch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(looks_like_email("a@b.nl"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("a b@c.nl"));
        assert!(!looks_like_email("@c.nl"));
        let mut e = FieldErrors::default();
        assert_eq!(email(&mut e, "email", "  A@B.NL "), "a@b.nl");
        assert!(e.is_empty());
    }

    #[test]
    fn lengths() {
        let mut e = FieldErrors::default();
        required(&mut e, "name", &"x".repeat(201), MAX_LINE);
        required(&mut e, "other", "  ", MAX_LINE);
        assert_eq!(e.get("name"), Some(&ErrorCode::TooLong(200)));
        assert_eq!(e.get("other"), Some(&ErrorCode::Required));
    }
}

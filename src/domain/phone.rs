//! The one phone rule, for every phone field (a customer's phone, a
//! contact's mobile), in the forms and the API alike.
//!
//! **Accepted**: what people type. Digits, with spaces, hyphens, dots and
//! parentheses anywhere between them (white space at the ends is ignored),
//! at most [`MAX_TYPED`] characters, and either
//! - a Dutch number written nationally: `0` and nine more digits, the first
//!   of them not `0` (`06 12345678`, `030 234 56 78`); or
//! - an international number: `+` or `00`, then 8 to 15 digits, the first
//!   not `0` (`+32 2 555 12 12`, `0044 20 7946 0958`). A Dutch one (`+31`)
//!   has nine digits after the `31`, the first not `0`; a `0` written just
//!   after the `31` (`+31 (0)6 1234 5678`) is dropped.
//!
//! Anything else (letters, other signs, a `+` that is not in front, too few
//! or too many digits) is refused with the field's error code. Empty (or
//! only white space) is empty: both fields are optional.
//!
//! **Stored**: E.164, `+` and the digits (`+31612345678`). A value stored
//! before this rule that breaks it is kept as it was when it comes back
//! unchanged, so that editing another field does not fail on it.
//!
//! **Shown** ([`display`]) in groups:
//! - Dutch mobile numbers (`+31 6`): `+31 6 1234 5678`;
//! - other Dutch numbers by area code: a two-digit one ([`TWO_DIGIT_AREAS`]:
//!   010, 020, 030, …, 085, 088) `+31 30 234 5678`, any other three digits
//!   `+31 343 123 456`;
//! - other countries: `+`, the country code (one, two or three digits, as
//!   the ITU assigned them), then the rest in groups of three from the
//!   left, the last two groups of two where one digit would be left alone
//!   (`+32 255 512 12`, `+1 202 555 01 23`).
//!
//! A stored value that is not a number by the rule is shown as it is, and
//! without a `tel:` link ([`tel_href`], which dials E.164).

use crate::error::{ErrorCode, FieldErrors};

/// The most characters a number may be typed with.
pub const MAX_TYPED: usize = 40;

/// What separates the digits.
const SEPARATORS: &[char] = &[' ', '-', '.', '(', ')'];

/// The Dutch area codes of two digits (without the leading `0`):
/// geographic (010 Rotterdam, 020 Amsterdam, …) and the company numbers
/// 085 and 088. Every other Dutch number but mobile (06) has three.
pub const TWO_DIGIT_AREAS: &[&str] = &[
    "10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40", "43", "45", "46",
    "50", "53", "55", "58", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "85", "88",
];

/// The country codes of two digits (`1` and `7` have one, every other
/// three), as assigned in ITU-T E.164.
const TWO_DIGIT_COUNTRIES: &[&str] = &[
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// The rule as a regular expression (ECMA-262, for the OpenAPI document):
/// it matches exactly the texts the rule accepts, empty included, except
/// white space other than spaces at the ends (which the rule ignores).
pub const PATTERN: &str = concat!(
    "^(?: *|[ .()-]*(?:",
    // Dutch, written nationally.
    "0[ .()-]*[1-9][ .()-]*(?:[0-9][ .()-]*){8}",
    "|(?:\\+|0[ .()-]*0)[ .()-]*(?:",
    // +31: nine digits, a 0 before them dropped.
    "3[ .()-]*1[ .()-]*(?:0[ .()-]*)?[1-9][ .()-]*(?:[0-9][ .()-]*){8}",
    // Any other country: 8 to 15 digits in all.
    "|3[ .()-]*[02-9][ .()-]*(?:[0-9][ .()-]*){6,13}",
    "|[124-9][ .()-]*(?:[0-9][ .()-]*){7,14}",
    ")))$"
);

/// The number as typed in E.164 (`+31612345678`), or `None` when it is not
/// a phone number by the rule (see the module).
pub fn normalise(typed: &str) -> Option<String> {
    let mut plus = false;
    let mut digits = String::new();
    for c in typed.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            c if SEPARATORS.contains(&c) => {}
            _ => return None,
        }
    }
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    match international {
        Some(number) => match number.strip_prefix("31") {
            Some(dutch) => netherlands(dutch.strip_prefix('0').unwrap_or(dutch)),
            None => ((8..=15).contains(&number.len()) && !number.starts_with('0'))
                .then(|| format!("+{number}")),
        },
        None => netherlands(digits.strip_prefix('0')?),
    }
}

/// A Dutch number without its `0` or `+31`: nine digits, the first not `0`.
fn netherlands(national: &str) -> Option<String> {
    (national.len() == 9 && !national.starts_with('0')).then(|| format!("+31{national}"))
}

/// The rule for one field: `None` when left empty, else the number in
/// E.164. A number that breaks the rule adds `code` (or, typed longer than
/// [`MAX_TYPED`], `TooLong`) to `field`, unless it is `stored` (the field's
/// value before this change) sent back unchanged, which is kept.
pub fn check(
    errors: &mut FieldErrors,
    field: &'static str,
    typed: &str,
    stored: Option<&str>,
    code: ErrorCode,
) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if let Some(e164) = normalise(typed) {
        if typed.chars().count() > MAX_TYPED {
            errors.add(field, ErrorCode::TooLong(MAX_TYPED));
        }
        return Some(e164);
    }
    if stored.is_none_or(|s| s.trim() != typed) {
        let code = if typed.chars().count() > MAX_TYPED {
            ErrorCode::TooLong(MAX_TYPED)
        } else {
            code
        };
        errors.add(field, code);
    }
    Some(typed.to_string())
}

/// A stored number as people read it, in groups (see the module); a value
/// that is not a number by the rule as it is.
pub fn display(stored: &str) -> String {
    match normalise(stored) {
        Some(e164) => grouped(&e164[1..]),
        None => stored.to_string(),
    }
}

/// `tel:` and the number in E.164, for a stored number by the rule.
pub fn tel_href(stored: &str) -> Option<String> {
    normalise(stored).map(|e164| format!("tel:{e164}"))
}

/// `+` and the digits of an E.164 number (without its `+`), grouped.
fn grouped(digits: &str) -> String {
    if let Some(n) = digits.strip_prefix("31") {
        let sizes: &[usize] = if n.starts_with('6') {
            &[1, 4, 4]
        } else if TWO_DIGIT_AREAS.contains(&&n[..2]) {
            &[2, 3, 4]
        } else {
            &[3, 3, 3]
        };
        return format!("+31 {}", groups(n, sizes));
    }
    let cc = if digits.starts_with(['1', '7']) {
        1
    } else if TWO_DIGIT_COUNTRIES.contains(&&digits[..2]) {
        2
    } else {
        3
    };
    let (cc, rest) = digits.split_at(cc);
    let mut sizes = vec![3; rest.len() / 3];
    match rest.len() % 3 {
        0 => {}
        1 if !sizes.is_empty() => {
            sizes.pop();
            sizes.extend([2, 2]);
        }
        r => sizes.push(r),
    }
    format!("+{cc} {}", groups(rest, &sizes))
}

/// `digits` in groups of `sizes` (which add up to its length), spaced.
fn groups(digits: &str, sizes: &[usize]) -> String {
    let mut out = Vec::with_capacity(sizes.len());
    let mut rest = digits;
    for &n in sizes {
        let (group, after) = rest.split_at(n.min(rest.len()));
        out.push(group);
        rest = after;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(typed: &str) -> Option<String> {
        normalise(typed)
    }

    #[test]
    fn what_people_type_is_stored_in_e164() {
        for (typed, stored) in [
            ("06 12345678", "+31612345678"),
            ("+31 6-1234 5678", "+31612345678"),
            ("030 234 56 78", "+31302345678"),
            ("0031 6 12345678", "+31612345678"),
            ("0031612345678", "+31612345678"),
            ("+31 (0)6 1234 5678", "+31612345678"),
            ("(030) 234.56.78", "+31302345678"),
            ("  0343-123456 ", "+31343123456"),
            ("+32 2 555 12 12", "+3225551212"),
            ("0044 20 7946 0958", "+442079460958"),
            ("+1 (202) 555-0123", "+12025550123"),
            ("+49 30 12345678", "+493012345678"),
        ] {
            assert_eq!(e164(typed).as_deref(), Some(stored), "{typed}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for typed in [
            "",
            "onbekend",
            "06 1234 567a",
            "tel: 0612345678",
            "06/12345678",
            "0612+345678",
            "++31612345678",
            "+",
            // Too few and too many digits.
            "06 1234567",
            "06 123456789",
            "612345678",
            "+31 6 1234 567",
            "+31 6 1234 56789",
            "+1234567",
            "+1234567890123456",
            "00 1234567",
            // No country code starts with 0; no Dutch number after +31 either.
            "+0612345678",
            "+31 00 612345678",
            "0012345678901234567",
        ] {
            assert_eq!(e164(typed), None, "{typed}");
        }
        // The shortest and longest international numbers.
        assert_eq!(e164("+32 123 456").as_deref(), Some("+32123456"));
        assert_eq!(
            e164("+123 456 789 012 345").as_deref(),
            Some("+123456789012345")
        );
    }

    #[test]
    fn a_field_keeps_empty_empty_and_names_the_error() {
        let mut e = FieldErrors::default();
        let code = ErrorCode::InvalidPhone;
        assert_eq!(check(&mut e, "phone", "  ", None, code.clone()), None);
        assert_eq!(
            check(&mut e, "phone", "06 12345678", None, code.clone()).as_deref(),
            Some("+31612345678")
        );
        assert!(e.is_empty());
        check(&mut e, "phone", "06 1234", None, code.clone());
        assert_eq!(e.get("phone"), Some(&ErrorCode::InvalidPhone));
        let mut e = FieldErrors::default();
        check(
            &mut e,
            "mobile",
            &"0".repeat(41),
            None,
            ErrorCode::InvalidMobile,
        );
        assert_eq!(e.get("mobile"), Some(&ErrorCode::TooLong(MAX_TYPED)));
        // A value from before the rule, sent back unchanged, is kept; changed,
        // it must follow the rule.
        let mut e = FieldErrors::default();
        let kept = check(&mut e, "phone", "onbekend ", Some("onbekend"), code.clone());
        assert_eq!((kept.as_deref(), e.is_empty()), (Some("onbekend"), true));
        check(&mut e, "phone", "nog onbekend", Some("onbekend"), code);
        assert_eq!(e.get("phone"), Some(&ErrorCode::InvalidPhone));
    }

    #[test]
    fn numbers_are_shown_in_groups() {
        for (stored, shown) in [
            ("+31612345678", "+31 6 1234 5678"),
            ("+31302345678", "+31 30 234 5678"),
            ("+31201234567", "+31 20 123 4567"),
            ("+31881234567", "+31 88 123 4567"),
            ("+31343123456", "+31 343 123 456"),
            ("+31800123456", "+31 800 123 456"),
            ("+3225551212", "+32 255 512 12"),
            ("+442079460958", "+44 207 946 09 58"),
            ("+12025550123", "+1 202 555 01 23"),
            ("+35312345678", "+353 123 456 78"),
            ("+32123456", "+32 123 456"),
            // Stored before the rule: grouped when it is a number by the rule,
            // else as it is.
            ("030 234 56 78", "+31 30 234 5678"),
            ("onbekend", "onbekend"),
            ("", ""),
        ] {
            assert_eq!(display(stored), shown, "{stored}");
        }
    }

    #[test]
    fn a_link_dials_e164() {
        assert_eq!(
            tel_href("+31612345678").as_deref(),
            Some("tel:+31612345678")
        );
        assert_eq!(
            tel_href("030 234 56 78").as_deref(),
            Some("tel:+31302345678")
        );
        assert_eq!(tel_href("onbekend"), None);
        assert_eq!(tel_href(""), None);
    }

    /// The documented pattern accepts exactly what the rule accepts: many
    /// texts of digits, separators and the odd wrong sign, both ways.
    #[test]
    fn the_pattern_is_the_rule() {
        let pattern = regex::Regex::new(PATTERN).unwrap();
        let accepts = |t: &str| {
            let mut e = FieldErrors::default();
            check(&mut e, "phone", t, None, ErrorCode::InvalidPhone);
            e.is_empty()
        };
        let prefixes = [
            "", "+", "00", "0", "+31", "0031", "+310", "+31 (0)", "+3", "+0", "(+", "0 0", "++",
        ];
        let marks = [' ', '-', '.', '(', ')', 'x', '+', '/'];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let (mut matched, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let mut t = prefixes[next(prefixes.len())].to_string();
            for _ in 0..next(18) {
                t.push(char::from(b'0' + next(10) as u8));
                if next(4) == 0 {
                    // Mostly separators; a wrong sign now and then.
                    let kinds = if next(20) == 0 { marks.len() } else { 5 };
                    t.push(marks[next(kinds)]);
                }
            }
            if t.chars().count() > MAX_TYPED {
                continue;
            }
            assert_eq!(pattern.is_match(&t), accepts(&t), "{t:?}");
            if accepts(&t) {
                matched += 1;
            } else {
                refused += 1;
            }
        }
        assert!(matched > 1000 && refused > 1000, "{matched} {refused}");
    }
}

//! Structured creditor references (ISO 11649): `RF`, two check digits and
//! 1 to 21 letters or digits, such as `RF18 5390 0754 7034`. Dutch and
//! other EU banks carry them in a payment's remittance information, so that
//! an incoming payment can be matched to its invoice.
//!
//! [`rf_for`] makes the reference of a number (an invoice's sequence
//! number); [`normalize`] reads one as people or banks write it; [`display`]
//! shows it in groups of four.

use crate::domain::iban::{check_digits_in_range, compact, in_fours, mod97};

/// The most characters after `RF` and the check digits.
pub const MAX_REFERENCE: usize = 21;

/// The RF reference of `n`: its decimal digits with check digits in front
/// (`rf_for(539007547034)` is `RF18539007547034`). The same `n` always
/// gives the same reference. A negative `n` (never an invoice number) is
/// read as its two's-complement `u64`, so that every `n` has its own.
pub fn rf_for(n: i64) -> String {
    let digits = (n as u64).to_string();
    let check = 98 - mod97(&format!("RF00{digits}"));
    format!("RF{check:02}{digits}")
}

/// `raw` without spaces, upper case, when it is a valid RF reference (the
/// mod-97 check holds and the check digits are 02 to 98); `None` otherwise.
pub fn normalize(raw: &str) -> Option<String> {
    let s = compact(raw);
    let b = s.as_bytes();
    let valid = (5..=4 + MAX_REFERENCE).contains(&b.len())
        && s.starts_with("RF")
        && b.iter().all(u8::is_ascii_alphanumeric)
        && check_digits_in_range(&s[2..4])
        && mod97(&s) == 1;
    valid.then_some(s)
}

/// A reference in groups of four: `RF18 5390 0754 7034`.
pub fn display(rf: &str) -> String {
    in_fours(rf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example() {
        assert_eq!(
            normalize("RF18 5390 0754 7034"),
            Some("RF18539007547034".into())
        );
        assert_eq!(rf_for(539_007_547_034), "RF18539007547034");
        assert_eq!(display("RF18539007547034"), "RF18 5390 0754 7034");
    }

    #[test]
    fn leading_zeros_count_in_the_text_not_in_the_check() {
        // Zeros in front do not change the number, so the check digits of
        // "…0001" are those of "1": RF74, not RF18.
        assert_eq!(rf_for(1), "RF741");
        let padded = "RF74 0000 0000 0000 0000 1";
        assert_eq!(normalize(padded), Some("RF7400000000000000001".into()));
        assert_eq!(display("RF7400000000000000001"), padded);
        assert_eq!(normalize("RF18 0000 0000 0000 0000 1"), None);
        // 21 characters after the check digits is the most.
        assert_eq!(
            normalize("RF74 0000 0000 0000 0000 0000 1"),
            Some("RF74000000000000000000001".into())
        );
        assert_eq!(normalize("RF74 0000 0000 0000 0000 0000 01"), None);
    }

    #[test]
    fn what_people_and_banks_write() {
        for (typed, stored) in [
            ("RF18539007547034", "RF18539007547034"),
            ("rf18 5390 0754 7034", "RF18539007547034"),
            (" RF18  5390 0754 7034 ", "RF18539007547034"),
            ("RF18\t5390\n0754 7034", "RF18539007547034"),
            // Letters are allowed after the check digits.
            ("rf47 abc1 23", "RF47ABC123"),
            ("RF19 INV2 026X 42", "RF19INV2026X42"),
        ] {
            assert_eq!(normalize(typed).as_deref(), Some(stored), "{typed:?}");
        }
        assert_eq!(normalize("RF46 ABC1 23"), None);
    }

    #[test]
    fn invalid_references_are_none() {
        for wrong in [
            "",
            "RF",
            "RF18",
            "RF17539007547034", // wrong check
            "RF18539007547043", // digits swapped
            "RF18 5390-0754-7034",
            "NL18539007547034",
            "18539007547034",
            "RFAB539007547034",
            "RF18 5390 0754 703€",
            "invoice 2026-0042",
        ] {
            assert_eq!(normalize(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn check_digits_99_00_and_01_are_refused() {
        // rf_for(36) has check digits 02; 99 ≡ 02 (mod 97) passes the sum.
        assert_eq!(rf_for(36), "RF0236");
        assert_eq!(mod97("RF9936"), 1);
        assert_eq!(normalize("RF0236"), Some("RF0236".into()));
        assert_eq!(normalize("RF9936"), None);
    }

    #[test]
    fn round_trip_for_many_numbers() {
        let mut seen = std::collections::HashSet::new();
        let numbers = (0..5_000)
            .chain([9_999, 10_000, 2_026_000_001, i64::MAX, -1, i64::MIN])
            .chain((13..63).map(|k| 1i64 << k));
        for n in numbers {
            let rf = rf_for(n);
            assert_eq!(rf_for(n), rf, "deterministic");
            assert!(rf.len() <= 4 + MAX_REFERENCE, "{rf}");
            assert_eq!(normalize(&rf), Some(rf.clone()), "{n}");
            assert_eq!(normalize(&display(&rf)), Some(rf.clone()), "{n}");
            assert_eq!(normalize(&display(&rf).to_lowercase()), Some(rf.clone()));
            assert!(seen.insert(rf), "unique: {n}");
        }
    }
}

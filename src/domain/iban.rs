//! Bank account numbers (IBAN, ISO 13616) and bank codes (BIC, ISO 9362).
//!
//! **IBAN accepted**: what people type, spaces and lower case included
//! (`nl91 abna 0417 1643 00`). It must have a country of the IBAN registry
//! ([`LENGTHS`]: every EU/EEA country, GB, CH and the other registered
//! countries) with that country's length, two check digits from 02 to 98,
//! and pass the mod-97 check. **Stored** in the electronic form: upper case,
//! no spaces (`NL91ABNA0417164300`); **shown** ([`display`]) in groups of
//! four (`NL91 ABNA 0417 1643 00`).
//!
//! **BIC accepted**: 8 or 11 letters and digits, spaces and lower case
//! allowed: four letters (the bank), two letters (the country), two letters
//! or digits (the location) and optionally three (the branch). Stored upper
//! case without spaces (`ABNANL2A`).

use crate::error::ErrorCode;

/// The length of an IBAN per country, as in the IBAN registry.
pub const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// The IBAN in electronic form, or [`ErrorCode::IbanInvalid`].
pub fn iban(raw: &str) -> Result<String, ErrorCode> {
    let s = compact(raw);
    let b = s.as_bytes();
    let well_formed = b.len() >= 5
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric);
    if !well_formed
        || !LENGTHS.contains(&(&s[..2], s.len()))
        || !check_digits_in_range(&s[2..4])
        || mod97(&s) != 1
    {
        return Err(ErrorCode::IbanInvalid);
    }
    Ok(s)
}

/// An IBAN in groups of four: `NL91 ABNA 0417 1643 00`.
pub fn display(iban: &str) -> String {
    in_fours(iban)
}

/// The BIC upper case without spaces, or [`ErrorCode::BicInvalid`].
pub fn bic(raw: &str) -> Result<String, ErrorCode> {
    let s = compact(raw);
    let b = s.as_bytes();
    let ok = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(s)
    } else {
        Err(ErrorCode::BicInvalid)
    }
}

/// `raw` without white space, upper case.
pub(crate) fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `s` (white space dropped) in groups of four characters.
pub(crate) fn in_fours(s: &str) -> String {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Check digits as ISO 7064 computes them: 02 to 98 (00, 01 and 99 pass
/// the mod-97 test for the same number as 97, 98 and 02, but are never
/// issued).
pub(crate) fn check_digits_in_range(two: &str) -> bool {
    two.parse::<u8>().is_ok_and(|n| (2..=98).contains(&n))
}

/// ISO 7064 MOD 97-10 over `s` (upper-case letters and digits) as IBANs
/// and RF references use it: the first four characters moved to the end,
/// each letter read as two digits (A = 10 … Z = 35). A valid number gives 1.
pub(crate) fn mod97(s: &str) -> u32 {
    let (head, tail) = s.split_at(4.min(s.len()));
    tail.chars().chain(head.chars()).fold(0, |acc, c| {
        let v = c.to_digit(36).unwrap_or(0);
        if v < 10 {
            (acc * 10 + v) % 97
        } else {
            (acc * 100 + v) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_sample_ibans_are_accepted_in_electronic_form() {
        for (typed, stored) in [
            ("NL91ABNA0417164300", "NL91ABNA0417164300"),
            ("nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
            ("  NL91 ABNA 0417 1643 00 ", "NL91ABNA0417164300"),
            ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("BE68539007547034", "BE68539007547034"),
            ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957"),
            (
                "FR14 2004 1010 0505 0001 3M02 606",
                "FR1420041010050500013M02606",
            ),
            ("no93 8601 1117 947", "NO9386011117947"),
            (
                "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
                "MT84MALT011000012345MTLCAST001S",
            ),
        ] {
            assert_eq!(iban(typed), Ok(stored.to_string()), "{typed}");
        }
    }

    #[test]
    fn registry_examples_of_many_countries_pass() {
        for example in [
            "AD12 0001 2030 2003 5910 0100",
            "AT61 1904 3002 3457 3201",
            "BG80 BNBG 9661 1020 3456 78",
            "CY17 0020 0128 0000 0012 0052 7600",
            "CZ65 0800 0000 1920 0014 5399",
            "DK50 0040 0440 1162 43",
            "EE38 2200 2210 2014 5685",
            "ES91 2100 0418 4502 0005 1332",
            "FI21 1234 5600 0007 85",
            "GI75 NWBK 0000 0000 7099 453",
            "GR16 0110 1250 0000 0001 2300 695",
            "HR12 1001 0051 8630 0016 0",
            "HU42 1177 3016 1111 1018 0000 0000",
            "IE29 AIBK 9311 5212 3456 78",
            "IS14 0159 2600 7654 5510 7303 39",
            "IT60 X054 2811 1010 0000 0123 456",
            "LI21 0881 0000 2324 013A A",
            "LT12 1000 0111 0100 1000",
            "LU28 0019 4006 4475 0000",
            "LV80 BANK 0000 4351 9500 1",
            "MC58 1122 2000 0101 2345 6789 030",
            "PL61 1090 1014 0000 0712 1981 2874",
            "PT50 0002 0123 1234 5678 9015 4",
            "RO49 AAAA 1B31 0075 9384 0000",
            "SE45 5000 0000 0583 9825 7466",
            "SI56 2633 0001 2039 086",
            "SK31 1200 0000 1987 4263 7541",
            "SM86 U032 2509 8000 0000 0270 100",
            "VA59 0011 2300 0012 3456 78",
        ] {
            let stored = iban(example).unwrap_or_else(|e| panic!("{example}: {e:?}"));
            assert_eq!(display(&stored), example);
        }
    }

    #[test]
    fn every_eu_eea_country_gb_and_ch_has_a_length() {
        for country in [
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
            "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS",
            "LI", "NO", "GB", "CH",
        ] {
            assert!(LENGTHS.iter().any(|(c, _)| *c == country), "{country}");
        }
        assert!(LENGTHS.contains(&("NL", 18)));
        assert!(
            LENGTHS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no twice"
        );
    }

    #[test]
    fn a_wrong_checksum_is_refused() {
        for wrong in [
            "NL92ABNA0417164300",
            "NL91ABNA0417164301",
            "NL91ABNA0417164030", // two digits swapped
            "DE88370400440532013000",
            "GB82WEST12345698765433",
            "BE68539007547035",
        ] {
            assert_eq!(iban(wrong), Err(ErrorCode::IbanInvalid), "{wrong}");
        }
    }

    #[test]
    fn check_digits_00_01_and_99_are_refused_though_mod97_holds() {
        // 99 ≡ 02 (mod 97): the same number with 02 is valid, with 99 not.
        let valid = "GB02WEST12345698765417";
        assert_eq!(mod97(valid), 1, "fixture: {valid}");
        assert_eq!(mod97("GB99WEST12345698765417"), 1);
        assert!(iban(valid).is_ok());
        assert_eq!(iban("GB99WEST12345698765417"), Err(ErrorCode::IbanInvalid));
        assert!(!check_digits_in_range("00"));
        assert!(!check_digits_in_range("01"));
        assert!(check_digits_in_range("02"));
        assert!(check_digits_in_range("98"));
    }

    #[test]
    fn a_wrong_length_is_refused() {
        for wrong in [
            "NL91ABNA041716430",   // 17
            "NL91ABNA04171643000", // 19
            "BE6853900754703",
            "DE8937040044053201300",
        ] {
            assert_eq!(iban(wrong), Err(ErrorCode::IbanInvalid), "{wrong}");
        }
    }

    #[test]
    fn garbage_is_refused() {
        for garbage in [
            "",
            "   ",
            "NL",
            "NL91",
            "1234567890",
            "91NLABNA0417164300",
            "NLAAABNA0417164300",
            "NL91-ABNA-0417-1643-00",
            "NL91ABNA04171643Ö0",
            "US12345678901234567890", // no IBAN country
            "XX91ABNA0417164300",
            "ñl91abna0417164300",
        ] {
            assert_eq!(iban(garbage), Err(ErrorCode::IbanInvalid), "{garbage:?}");
        }
    }

    #[test]
    fn display_groups_of_four() {
        assert_eq!(display("NL91ABNA0417164300"), "NL91 ABNA 0417 1643 00");
        assert_eq!(display("BE68539007547034"), "BE68 5390 0754 7034");
        assert_eq!(display("NL91 ABNA 0417164300"), "NL91 ABNA 0417 1643 00");
        assert_eq!(display(""), "");
    }

    #[test]
    fn bics_of_8_and_11_characters() {
        for (typed, stored) in [
            ("ABNANL2A", "ABNANL2A"),
            ("abnanl2a", "ABNANL2A"),
            ("RABO NL 2U", "RABONL2U"),
            ("INGBNL2A", "INGBNL2A"),
            ("DEUTDEFF500", "DEUTDEFF500"),
            ("deut de ff 500", "DEUTDEFF500"),
            ("NWBKGB2L", "NWBKGB2L"),
            ("BNPAFRPPXXX", "BNPAFRPPXXX"),
        ] {
            assert_eq!(bic(typed), Ok(stored.to_string()), "{typed}");
        }
    }

    #[test]
    fn bics_of_the_wrong_shape_are_refused() {
        for wrong in [
            "",
            "ABNANL2",      // 7
            "ABNANL2AX",    // 9
            "ABNANL2AXX",   // 10
            "ABNANL2AXXXX", // 12
            "ABN1NL2A",     // digit in the bank code
            "ABNAN12A",     // digit in the country
            "ABNANL2-",
            "ABNANL2A-XX",
            "ÄBNANL2A",
        ] {
            assert_eq!(bic(wrong), Err(ErrorCode::BicInvalid), "{wrong:?}");
        }
    }
}

//! VAT on Portaal's invoices. The seller is in the Netherlands; what the
//! buyer owes depends on where the buyer is and whether it gave a VAT id:
//!
//! | buyer | rate | on the invoice |
//! |---|---|---|
//! | in the Netherlands | the Dutch rate (21 %) | |
//! | elsewhere in the EU, with a VAT id | 0 % | "BTW verlegd / VAT reverse charged", both VAT ids |
//! | elsewhere in the EU, without a VAT id | the Dutch rate | |
//! | outside the EU | 0 % | "outside the scope of EU VAT" |
//!
//! Rates live in `vat_rates` by country and the day they apply from, so a
//! rate change is a row, not code. Amounts: VAT is computed per rate on the
//! net sum of that rate's lines, rounded half away from zero to the cent
//! (art. 226 (8)–(10): net amount per rate, the rate, the VAT amount).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::vat_rates;
use crate::error::AppError;
use crate::i18n::Lang;

/// The seller's country: the rate of the domestic cases.
pub const SELLER_COUNTRY: &str = "NL";

/// Which case of the table above an invoice falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Buyer in the Netherlands.
    Domestic,
    /// Buyer elsewhere in the EU with a VAT id: the buyer accounts for it.
    ReverseCharge,
    /// Buyer elsewhere in the EU without a VAT id: Dutch VAT.
    EuNoVatId,
    /// Buyer outside the EU.
    OutsideEu,
}

impl Treatment {
    /// Every case.
    pub const ALL: [Treatment; 4] = [
        Treatment::Domestic,
        Treatment::ReverseCharge,
        Treatment::EuNoVatId,
        Treatment::OutsideEu,
    ];

    /// The case for a buyer in `country` (`eu`: a member state) with or
    /// without a VAT id.
    pub fn of(country: &str, eu: bool, vat_id: &str) -> Self {
        if country.eq_ignore_ascii_case(SELLER_COUNTRY) {
            Treatment::Domestic
        } else if !eu {
            Treatment::OutsideEu
        } else if vat_id.trim().is_empty() {
            Treatment::EuNoVatId
        } else {
            Treatment::ReverseCharge
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Domestic => "domestic",
            Treatment::ReverseCharge => "reverse_charge",
            Treatment::EuNoVatId => "eu_no_vat_id",
            Treatment::OutsideEu => "outside_eu",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Is Dutch VAT charged?
    pub fn charges_vat(self) -> bool {
        matches!(self, Treatment::Domestic | Treatment::EuNoVatId)
    }

    /// The line the invoice must carry for this case, in `lang`.
    pub fn note(self, lang: Lang) -> Option<&'static str> {
        let t = lang.t();
        match self {
            Treatment::ReverseCharge => Some(t.vat_note_reverse_charge),
            Treatment::OutsideEu => Some(t.vat_note_outside_eu),
            Treatment::Domestic | Treatment::EuNoVatId => None,
        }
    }
}

/// The rate (basis points) of `country` on `at`: the row with the latest
/// `valid_from` not after it. No row: [`AppError::Internal`] (the
/// migrations ship the Dutch rate).
pub fn rate(conn: &mut DbConn, country: &str, at: NaiveDateTime) -> Result<i64, AppError> {
    vat_rates::table
        .filter(vat_rates::country_code.eq(country))
        .filter(vat_rates::valid_from.le(at))
        .order(vat_rates::valid_from.desc())
        .select(vat_rates::rate_bp)
        .first::<i32>(conn)
        .optional()?
        .map(i64::from)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no VAT rate for {country} on {at}")))
}

/// The rate an invoice issued on `at` in `treatment` charges.
pub fn rate_for(
    conn: &mut DbConn,
    treatment: Treatment,
    at: NaiveDateTime,
) -> Result<i64, AppError> {
    if treatment.charges_vat() {
        rate(conn, SELLER_COUNTRY, at)
    } else {
        Ok(0)
    }
}

/// VAT of `net` cents at `rate_bp` basis points, rounded half away from
/// zero to the cent (so a credit note's VAT is exactly the negated
/// invoice's).
pub fn vat_of(net: i64, rate_bp: i64) -> i64 {
    let x = i128::from(net) * i128::from(rate_bp);
    let q = (x.abs() + 5_000) / 10_000;
    (if x < 0 { -q } else { q }) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_buyer_falls_in_its_case() {
        assert_eq!(Treatment::of("NL", true, ""), Treatment::Domestic);
        assert_eq!(
            Treatment::of("nl", true, "NL862301546B01"),
            Treatment::Domestic
        );
        assert_eq!(
            Treatment::of("BE", true, "BE0123456749"),
            Treatment::ReverseCharge
        );
        assert_eq!(Treatment::of("BE", true, "  "), Treatment::EuNoVatId);
        assert_eq!(Treatment::of("US", false, ""), Treatment::OutsideEu);
        assert_eq!(
            Treatment::of("GB", false, "GB123456789"),
            Treatment::OutsideEu
        );
        for t in Treatment::ALL {
            assert_eq!(Treatment::parse(t.as_str()), Some(t));
        }
        assert!(Treatment::Domestic.charges_vat() && Treatment::EuNoVatId.charges_vat());
        assert!(!Treatment::ReverseCharge.charges_vat() && !Treatment::OutsideEu.charges_vat());
    }

    #[test]
    fn vat_rounds_half_away_from_zero_and_negates_exactly() {
        assert_eq!(vat_of(10_000, 2100), 2_100);
        assert_eq!(vat_of(1, 2100), 0); // 0.21 cent
        assert_eq!(vat_of(50, 2100), 11); // 10.5 → 11
        assert_eq!(vat_of(-50, 2100), -11);
        assert_eq!(vat_of(123_456, 2100), 25_926); // 25925.76
        assert_eq!(vat_of(123_456, 0), 0);
        for net in [-99_999, -1, 0, 7, 333, 12_345_678] {
            assert_eq!(vat_of(-net, 2100), -vat_of(net, 2100));
        }
    }
}

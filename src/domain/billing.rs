//! Billing details (issue 17, item 2): the organisation's invoice address,
//! the seed's `organizationAddress` — legal name, address, country, invoice
//! e-mail, VAT id and (in the Netherlands) KvK number. One row per
//! organisation, saved with a version check and audited; a subscription can
//! only start when they are [`complete`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{countries, organization_addresses};
use crate::db::{DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::scopes::Operation;
use crate::domain::validate;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Longest legal name, address line.
pub const MAX_LINE: usize = validate::MAX_LINE;
/// Longest city.
pub const MAX_CITY: usize = 100;
/// Longest postal code (outside the Netherlands: free text).
pub const MAX_POSTAL_CODE: usize = 20;
/// Longest VAT id (after removing spaces and dots).
pub const MAX_VAT_ID: usize = 32;
/// A KvK number's length.
pub const KVK_LEN: usize = 8;

/// The member states of the EU (ISO 3166-1 codes), whose VAT ids carry
/// their country's prefix.
pub const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Stored billing details.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = organization_addresses)]
#[serde(rename_all = "camelCase")]
pub struct BillingDetails {
    pub id: String,
    pub organization_id: String,
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub invoice_email: String,
    pub vat_id: String,
    pub kvk_number: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The form, as typed.
#[derive(Debug, Clone, Default)]
pub struct BillingInput {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub invoice_email: String,
    pub vat_id: String,
    pub kvk_number: String,
    /// The version the form was read at (0: none stored yet).
    pub version: i32,
}

/// Checked and normalised values, ready to store (and what the audit
/// event shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidBilling {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub invoice_email: String,
    pub vat_id: String,
    pub kvk_number: String,
}

impl BillingDetails {
    /// The values the form edits.
    pub fn input(&self) -> BillingInput {
        BillingInput {
            legal_name: self.legal_name.clone(),
            address_line: self.address_line.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country_code: self.country_code.clone(),
            invoice_email: self.invoice_email.clone(),
            vat_id: self.vat_id.clone(),
            kvk_number: self.kvk_number.clone(),
            version: self.version,
        }
    }

    fn valid(&self) -> ValidBilling {
        ValidBilling {
            legal_name: self.legal_name.clone(),
            address_line: self.address_line.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country_code: self.country_code.clone(),
            invoice_email: self.invoice_email.clone(),
            vat_id: self.vat_id.clone(),
            kvk_number: self.kvk_number.clone(),
        }
    }
}

impl BillingInput {
    /// Every rule (pure: `known_country` says whether a code is in the
    /// reference data). Postal code (NL), VAT id and KvK number come back
    /// normalised.
    pub fn validate(
        &self,
        known_country: impl Fn(&str) -> bool,
    ) -> Result<ValidBilling, FieldErrors> {
        let mut e = FieldErrors::default();
        let legal_name = validate::required(&mut e, "legal_name", &self.legal_name, MAX_LINE);
        let address_line = validate::required(&mut e, "address_line", &self.address_line, MAX_LINE);
        let code = self.country_code.trim().to_ascii_uppercase();
        let country = if code.is_empty() {
            e.add("country_code", ErrorCode::Required);
            None
        } else if !known_country(&code) {
            e.add("country_code", ErrorCode::InvalidChoice);
            None
        } else {
            Some(code.clone())
        };
        let nl = country.as_deref() == Some("NL");
        let postal_code = if nl {
            match dutch_postal_code(&self.postal_code) {
                Some(p) => p,
                None => {
                    if self.postal_code.trim().is_empty() {
                        e.add("postal_code", ErrorCode::Required);
                    } else {
                        e.add("postal_code", ErrorCode::InvalidPostalCodeNl);
                    }
                    self.postal_code.trim().to_string()
                }
            }
        } else {
            validate::required(&mut e, "postal_code", &self.postal_code, MAX_POSTAL_CODE)
        };
        let city = validate::required(&mut e, "city", &self.city, MAX_CITY);
        let invoice_email = validate::email(&mut e, "invoice_email", &self.invoice_email);
        let vat_id = match country.as_deref() {
            Some(c) => match vat_id(c, &self.vat_id) {
                Ok(v) => v,
                Err(code) => {
                    e.add("vat_id", code);
                    self.vat_id.trim().to_string()
                }
            },
            None => {
                let v = self.vat_id.trim().to_string();
                if v.chars().count() > MAX_VAT_ID {
                    e.add("vat_id", ErrorCode::TooLong(MAX_VAT_ID));
                }
                v
            }
        };
        let kvk_number = match kvk_number(nl, &self.kvk_number) {
            Ok(v) => v,
            Err(code) => {
                // Without a country yet, a KvK number waits for one.
                if country.is_some() {
                    e.add("kvk_number", code);
                }
                self.kvk_number.trim().to_string()
            }
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidBilling {
            legal_name,
            address_line,
            postal_code,
            city,
            country_code: code,
            invoice_email,
            vat_id,
            kvk_number,
        })
    }
}

/// A Dutch postal code (`1234 AB`, also `1234ab`), normalised to `1234 AB`.
pub fn dutch_postal_code(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = s.as_bytes();
    let ok = b.len() == 6
        && b[0] != b'0'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_uppercase);
    ok.then(|| format!("{} {}", &s[..4], &s[4..]))
}

/// The prefix of a country's VAT ids (Greece: `EL`).
pub fn vat_prefix(country: &str) -> &str {
    if country == "GR" { "EL" } else { country }
}

/// How a VAT id of `country` looks, for the messages.
pub fn vat_example(country: &str) -> String {
    match country {
        "NL" => "NL123456789B01".into(),
        "BE" => "BE0123456789".into(),
        "DE" => "DE123456789".into(),
        "FR" => "FRXX123456789".into(),
        c => format!("{}12345678", vat_prefix(c)),
    }
}

/// An optional VAT id for `country`: inside the EU its prefix and pattern
/// are checked and it is stored upper-case without spaces, dots or dashes;
/// outside the EU it is free text (bounded).
pub fn vat_id(country: &str, raw: &str) -> Result<String, ErrorCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    if !EU.contains(&country) {
        if raw.chars().count() > MAX_VAT_ID {
            return Err(ErrorCode::TooLong(MAX_VAT_ID));
        }
        return Ok(raw.to_string());
    }
    let v: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if v.chars().count() > MAX_VAT_ID {
        return Err(ErrorCode::TooLong(MAX_VAT_ID));
    }
    let prefix = vat_prefix(country);
    let invalid = || ErrorCode::InvalidVatId(vat_example(country));
    let Some(head) = v.get(..2) else {
        return Err(invalid());
    };
    if head.bytes().all(|b| b.is_ascii_uppercase()) && head != prefix {
        return Err(ErrorCode::VatCountryMismatch(prefix.to_string()));
    }
    if head != prefix {
        return Err(invalid());
    }
    let rest = &v.as_bytes()[2..];
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let ok = match country {
        "NL" => rest.len() == 12 && digits(&rest[..9]) && rest[9] == b'B' && digits(&rest[10..]),
        "BE" => rest.len() == 10 && (rest[0] == b'0' || rest[0] == b'1') && digits(rest),
        "DE" => rest.len() == 9 && digits(rest),
        "FR" => {
            rest.len() == 11
                && rest[..2].iter().all(u8::is_ascii_alphanumeric)
                && digits(&rest[2..])
        }
        _ => (2..=12).contains(&rest.len()) && rest.iter().all(u8::is_ascii_alphanumeric),
    };
    if ok { Ok(v) } else { Err(invalid()) }
}

/// The KvK number: 8 digits, required in the Netherlands (spaces and dots
/// removed) and refused elsewhere.
pub fn kvk_number(nl: bool, raw: &str) -> Result<String, ErrorCode> {
    let v: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    match (nl, v.is_empty()) {
        (true, true) => Err(ErrorCode::Required),
        (true, false) if v.len() == KVK_LEN && v.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
        (true, false) => Err(ErrorCode::InvalidKvk),
        (false, true) => Ok(v),
        (false, false) => Err(ErrorCode::KvkOnlyNl),
    }
}

/// Are the details enough to start a subscription (every required field
/// there, the KvK number in the Netherlands)?
pub fn complete(d: &BillingDetails) -> bool {
    let filled = |s: &str| !s.trim().is_empty();
    filled(&d.legal_name)
        && filled(&d.address_line)
        && filled(&d.postal_code)
        && filled(&d.city)
        && filled(&d.country_code)
        && filled(&d.invoice_email)
        && (d.country_code != "NL" || filled(&d.kvk_number))
}

/// The actor's organisation's billing details, if any were saved.
pub fn billing_details(
    conn: &mut DbConn,
    actor: &Actor,
) -> Result<Option<BillingDetails>, AppError> {
    actor.require(Operation::OrganizationGet)?;
    Ok(details_of(conn, &actor.organization_id)?)
}

/// An organisation's billing details, without a permission check: for the
/// subscription's own operations (starting one needs them; a subscription
/// shows them as its `organizationAddress`), whose permission the caller
/// checked.
pub fn details_of(conn: &mut DbConn, organization_id: &str) -> QueryResult<Option<BillingDetails>> {
    organization_addresses::table
        .filter(organization_addresses::organization_id.eq(organization_id))
        .select(BillingDetails::as_select())
        .first(conn)
        .optional()
}

/// Save the billing details with a version check (a stale form → 409;
/// version 0 means "none stored yet"); audited as
/// `organization.billing_updated` with before and after.
pub fn save(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    input: &BillingInput,
) -> Result<BillingDetails, AppError> {
    actor.require(Operation::OrganizationUpdate)?;
    let code = input.country_code.trim().to_ascii_uppercase();
    let known = code.is_empty()
        || countries::table
            .find(&code)
            .select(countries::code)
            .first::<String>(conn)
            .optional()?
            .is_some();
    let v = input.validate(|_| known).map_err(AppError::Validation)?;
    let org = actor.organization_id.clone();
    crate::db::write(conn, |conn| {
        let before = billing_details(conn, actor)?;
        if before.as_ref().map_or(0, |b| b.version) != input.version {
            return Err(AppError::Conflict);
        }
        let values = (
            organization_addresses::legal_name.eq(&v.legal_name),
            organization_addresses::address_line.eq(&v.address_line),
            organization_addresses::postal_code.eq(&v.postal_code),
            organization_addresses::city.eq(&v.city),
            organization_addresses::country_code.eq(&v.country_code),
            organization_addresses::invoice_email.eq(&v.invoice_email),
            organization_addresses::vat_id.eq(&v.vat_id),
            organization_addresses::kvk_number.eq(&v.kvk_number),
            organization_addresses::updated_at.eq(now),
        );
        let id = match &before {
            Some(b) => {
                let n = diesel::update(
                    organization_addresses::table
                        .find(&b.id)
                        .filter(organization_addresses::version.eq(b.version)),
                )
                .set((values, organization_addresses::version.eq(b.version + 1)))
                .execute(conn)?;
                if n != 1 {
                    return Err(AppError::Conflict);
                }
                b.id.clone()
            }
            None => {
                let id = new_id();
                diesel::insert_into(organization_addresses::table)
                    .values((
                        organization_addresses::id.eq(&id),
                        organization_addresses::organization_id.eq(&org),
                        values,
                        organization_addresses::version.eq(1),
                        organization_addresses::created_at.eq(now),
                    ))
                    .execute(conn)
                    .map_err(|e| {
                        // Two first saves at once: the second is stale.
                        if crate::db::is_unique_violation(&e) {
                            AppError::Conflict
                        } else {
                            e.into()
                        }
                    })?;
                id
            }
        };
        let after: BillingDetails = organization_addresses::table
            .find(&id)
            .select(BillingDetails::as_select())
            .first(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                "organization.billing_updated",
                "organization_address",
                Some(&org),
            )
            .values(before.map(|b| b.valid()).as_ref(), Some(&after.valid())),
        )?;
        Ok(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(country: &str) -> BillingInput {
        BillingInput {
            legal_name: "Demo B.V.".into(),
            address_line: "Keizersgracht 1".into(),
            postal_code: "1015cj".into(),
            city: "Amsterdam".into(),
            country_code: country.into(),
            invoice_email: "Facturen@Demo.nl".into(),
            vat_id: "nl 8123.45678.b01".into(),
            kvk_number: "1234 5678".into(),
            version: 0,
        }
    }

    fn errors(i: &BillingInput) -> FieldErrors {
        i.validate(|c| ["NL", "BE", "DE", "FR", "GR", "US", "IT"].contains(&c))
            .expect_err("invalid")
    }

    #[test]
    fn normalises_dutch_details() {
        let v = input("nl").validate(|c| c == "NL").expect("valid");
        assert_eq!(v.postal_code, "1015 CJ");
        assert_eq!(v.vat_id, "NL812345678B01");
        assert_eq!(v.kvk_number, "12345678");
        assert_eq!(v.country_code, "NL");
        assert_eq!(v.invoice_email, "facturen@demo.nl");
    }

    /// A field, how to break it, and the error it must get.
    type Case = (&'static str, fn(&mut BillingInput), ErrorCode);

    #[test]
    fn every_rule_at_its_field() {
        let cases: Vec<Case> = vec![
            (
                "legal_name",
                |i| i.legal_name = " ".into(),
                ErrorCode::Required,
            ),
            (
                "legal_name",
                |i| i.legal_name = "x".repeat(201),
                ErrorCode::TooLong(200),
            ),
            (
                "address_line",
                |i| i.address_line.clear(),
                ErrorCode::Required,
            ),
            (
                "postal_code",
                |i| i.postal_code.clear(),
                ErrorCode::Required,
            ),
            (
                "postal_code",
                |i| i.postal_code = "123 AB".into(),
                ErrorCode::InvalidPostalCodeNl,
            ),
            (
                "postal_code",
                |i| i.postal_code = "0123 AB".into(),
                ErrorCode::InvalidPostalCodeNl,
            ),
            ("city", |i| i.city.clear(), ErrorCode::Required),
            (
                "city",
                |i| i.city = "x".repeat(101),
                ErrorCode::TooLong(100),
            ),
            (
                "country_code",
                |i| i.country_code.clear(),
                ErrorCode::Required,
            ),
            (
                "country_code",
                |i| i.country_code = "XX".into(),
                ErrorCode::InvalidChoice,
            ),
            (
                "invoice_email",
                |i| i.invoice_email.clear(),
                ErrorCode::Required,
            ),
            (
                "invoice_email",
                |i| i.invoice_email = "geen-adres".into(),
                ErrorCode::Email,
            ),
            (
                "vat_id",
                |i| i.vat_id = "NL123456789".into(),
                ErrorCode::InvalidVatId("NL123456789B01".into()),
            ),
            (
                "vat_id",
                |i| i.vat_id = "BE0123456789".into(),
                ErrorCode::VatCountryMismatch("NL".into()),
            ),
            ("kvk_number", |i| i.kvk_number.clear(), ErrorCode::Required),
            (
                "kvk_number",
                |i| i.kvk_number = "1234567".into(),
                ErrorCode::InvalidKvk,
            ),
            (
                "kvk_number",
                |i| i.kvk_number = "1234567a".into(),
                ErrorCode::InvalidKvk,
            ),
        ];
        for (field, change, code) in cases {
            let mut i = input("NL");
            change(&mut i);
            let e = errors(&i);
            assert_eq!(e.get(field), Some(&code), "{field}: {e:?}");
            assert_eq!(e.0.len(), 1, "only {field}: {e:?}");
        }
    }

    #[test]
    fn vat_ids_per_country() {
        assert_eq!(vat_id("BE", "be 0123.456.789"), Ok("BE0123456789".into()));
        assert_eq!(vat_id("BE", "BE1123456789"), Ok("BE1123456789".into()));
        assert!(vat_id("BE", "BE2123456789").is_err());
        assert_eq!(vat_id("DE", "DE123456789"), Ok("DE123456789".into()));
        assert!(vat_id("DE", "DE12345678").is_err());
        assert_eq!(vat_id("FR", "FR AB 123456789"), Ok("FRAB123456789".into()));
        assert!(vat_id("FR", "FR123456789").is_err());
        assert_eq!(vat_id("GR", "EL123456789"), Ok("EL123456789".into()));
        assert_eq!(
            vat_id("GR", "GR123456789"),
            Err(ErrorCode::VatCountryMismatch("EL".into()))
        );
        assert_eq!(vat_id("IT", "IT12345678901"), Ok("IT12345678901".into()));
        assert!(vat_id("IT", "IT1").is_err());
        assert!(vat_id("IT", "123456789").is_err());
        assert_eq!(vat_id("US", "12-3456789"), Ok("12-3456789".into()));
        assert_eq!(vat_id("US", &"x".repeat(33)), Err(ErrorCode::TooLong(32)));
        assert_eq!(vat_id("NL", "  "), Ok(String::new()));
    }

    #[test]
    fn kvk_only_in_the_netherlands() {
        let mut i = input("BE");
        i.postal_code = "1000".into();
        i.vat_id.clear();
        assert_eq!(errors(&i).get("kvk_number"), Some(&ErrorCode::KvkOnlyNl));
        i.kvk_number.clear();
        let v = i.validate(|_| true).expect("valid without KvK");
        assert_eq!(v.postal_code, "1000", "free text outside NL");
    }

    #[test]
    fn complete_needs_every_required_field() {
        let v = input("NL").validate(|_| true).expect("valid");
        let mut d = BillingDetails {
            id: "x".into(),
            organization_id: "o".into(),
            legal_name: v.legal_name,
            address_line: v.address_line,
            postal_code: v.postal_code,
            city: v.city,
            country_code: v.country_code,
            invoice_email: v.invoice_email,
            vat_id: String::new(),
            kvk_number: v.kvk_number,
            version: 1,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        assert!(complete(&d), "the VAT id is optional");
        d.kvk_number.clear();
        assert!(!complete(&d));
        d.country_code = "BE".into();
        assert!(complete(&d));
        d.invoice_email.clear();
        assert!(!complete(&d));
    }
}

//! The seller on every invoice: Portaal's operator, kept at
//! `/platform/seller`. One row. Invoices are not finalized until it is
//! complete ([`Seller::missing`] says what is not); each invoice keeps a
//! copy as it was when it was issued.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{seller, seller_logo};
use crate::db::{self, DbConn};
use crate::domain::actor::AuditActor;
use crate::domain::audit::{self, Event};
use crate::domain::billing;
use crate::domain::iban;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// The row's id.
pub const ID: &str = "seller";
/// The longest payment term that may be set, in days.
pub const MAX_TERM_DAYS: i32 = 90;

/// The seller's details.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = seller)]
#[serde(rename_all = "camelCase")]
pub struct Seller {
    pub id: String,
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub email: String,
    pub vat_id: String,
    pub kvk_number: String,
    pub iban: String,
    pub bic: String,
    pub payment_term_days: i32,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

impl Seller {
    /// The fields an invoice needs that are empty (form field names), in
    /// the form's order; empty when invoices can be issued.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("legal_name", &self.legal_name),
            ("address_line", &self.address_line),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("country_code", &self.country_code),
            ("email", &self.email),
            ("vat_id", &self.vat_id),
            ("kvk_number", &self.kvk_number),
            ("iban", &self.iban),
            ("bic", &self.bic),
            ("invoice_prefix", &self.invoice_prefix),
            ("credit_note_prefix", &self.credit_note_prefix),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(f, _)| f)
        .collect()
    }
}

/// The seller as stored.
pub fn get(conn: &mut DbConn) -> QueryResult<Seller> {
    seller::table
        .find(ID)
        .select(Seller::as_select())
        .first(conn)
}

/// The form, as typed.
#[derive(Debug, Clone, Default)]
pub struct SellerInput {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country_code: String,
    pub email: String,
    pub vat_id: String,
    pub kvk_number: String,
    pub iban: String,
    pub bic: String,
    pub payment_term_days: String,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
    /// The version the form was read at.
    pub version: i32,
}

impl SellerInput {
    /// The form filled with what is stored.
    pub fn of(s: &Seller) -> Self {
        Self {
            legal_name: s.legal_name.clone(),
            address_line: s.address_line.clone(),
            postal_code: s.postal_code.clone(),
            city: s.city.clone(),
            country_code: s.country_code.clone(),
            email: s.email.clone(),
            vat_id: s.vat_id.clone(),
            kvk_number: s.kvk_number.clone(),
            iban: iban::display(&s.iban),
            bic: s.bic.clone(),
            payment_term_days: s.payment_term_days.to_string(),
            invoice_prefix: s.invoice_prefix.clone(),
            credit_note_prefix: s.credit_note_prefix.clone(),
            version: s.version,
        }
    }
}

/// A number prefix: up to 10 of letters, digits and `-`, `/`, `.`.
fn prefix(e: &mut FieldErrors, field: &'static str, raw: &str) -> String {
    let p = raw.trim().to_uppercase();
    if p.is_empty() {
        e.add(field, ErrorCode::Required);
    } else if p.chars().count() > 10
        || !p
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.".contains(c))
    {
        e.add(field, ErrorCode::PrefixFormat);
    }
    p
}

/// Save the seller as read at `input.version` (stale: 409),
/// every field checked as on the organisation's billing details, the IBAN
/// by its checksum; audited `seller.updated` with before and after. Only
/// the operator may (the platform's screens prove it before they call).
pub fn save(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    input: &SellerInput,
) -> Result<Seller, AppError> {
    let known = crate::domain::reference::countries(conn)?;
    // The party's fields follow the rules of an organisation's billing
    // details (one set of rules); the seller's VAT id is required.
    let party = billing::BillingInput {
        legal_name: input.legal_name.clone(),
        address_line: input.address_line.clone(),
        postal_code: input.postal_code.clone(),
        city: input.city.clone(),
        country_code: input.country_code.clone(),
        invoice_email: input.email.clone(),
        vat_id: input.vat_id.clone(),
        kvk_number: input.kvk_number.clone(),
        version: input.version,
    }
    .validate(|c| known.iter().any(|k| k.code == c));
    let (party, mut e) = match party {
        Ok(p) => (Some(p), FieldErrors::default()),
        Err(e) => (
            None,
            FieldErrors(
                e.0.into_iter()
                    .map(|(f, c)| (if f == "invoice_email" { "email" } else { f }, c))
                    .collect(),
            ),
        ),
    };
    if input.vat_id.trim().is_empty() {
        e.add("vat_id", ErrorCode::Required);
    }
    let iban = iban::iban(&input.iban).unwrap_or_else(|code| {
        e.add("iban", code);
        input.iban.clone()
    });
    let bic = iban::bic(&input.bic).unwrap_or_else(|code| {
        e.add("bic", code);
        input.bic.clone()
    });
    let term = match input.payment_term_days.trim().parse::<i32>() {
        Ok(d) if (1..=MAX_TERM_DAYS).contains(&d) => d,
        _ => {
            e.add(
                "payment_term_days",
                ErrorCode::DaysRange(MAX_TERM_DAYS.into()),
            );
            14
        }
    };
    let invoice_prefix = prefix(&mut e, "invoice_prefix", &input.invoice_prefix);
    let credit_note_prefix = prefix(&mut e, "credit_note_prefix", &input.credit_note_prefix);
    if !invoice_prefix.is_empty() && invoice_prefix == credit_note_prefix {
        e.add("credit_note_prefix", ErrorCode::PrefixSame);
    }
    e.into_result()?;
    let Some(p) = party else {
        return Err(AppError::Internal(anyhow::anyhow!("valid without a party")));
    };
    db::write(conn, |conn| {
        let before = get(conn)?;
        let changed = diesel::update(
            seller::table
                .find(ID)
                .filter(seller::version.eq(input.version)),
        )
        .set((
            seller::legal_name.eq(&p.legal_name),
            seller::address_line.eq(&p.address_line),
            seller::postal_code.eq(&p.postal_code),
            seller::city.eq(&p.city),
            seller::country_code.eq(&p.country_code),
            seller::email.eq(&p.invoice_email),
            seller::vat_id.eq(&p.vat_id),
            seller::kvk_number.eq(&p.kvk_number),
            seller::iban.eq(&iban),
            seller::bic.eq(&bic),
            seller::payment_term_days.eq(term),
            seller::invoice_prefix.eq(&invoice_prefix),
            seller::credit_note_prefix.eq(&credit_note_prefix),
            seller::version.eq(seller::version + 1),
            seller::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(AppError::Conflict);
        }
        let after = get(conn)?;
        audit::record(
            conn,
            now,
            by,
            Event::new(None, "seller.updated", "seller", Some(ID))
                .values(Some(&before), Some(&after)),
        )?;
        Ok(after)
    })
}

/// The most pixels the seller's logo may have (it is embedded in every
/// invoice's PDF).
pub const LOGO_PIXELS: u64 = 4_000_000;

/// The seller's logo: its type and size, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = seller_logo)]
pub struct Logo {
    pub content_type: String,
    pub data: Vec<u8>,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
    pub byte_size: i32,
    pub updated_at: NaiveDateTime,
}

/// What the audit log keeps of a logo (not its bytes).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogoView<'a> {
    content_type: &'a str,
    width: i32,
    height: i32,
    sha256: &'a str,
    byte_size: i32,
}

impl Logo {
    fn view(&self) -> LogoView<'_> {
        LogoView {
            content_type: &self.content_type,
            width: self.width,
            height: self.height,
            sha256: &self.sha256,
            byte_size: self.byte_size,
        }
    }
}

/// The seller's logo, if one is set.
pub fn logo(conn: &mut DbConn) -> QueryResult<Option<Logo>> {
    seller_logo::table
        .find("seller")
        .select(Logo::as_select())
        .first(conn)
        .optional()
}

/// Set the seller's logo from an upload: the bytes decide the type (PNG or
/// JPEG, which every PDF reader shows), at most [`LOGO_PIXELS`]; audited.
/// Invoices finalized from now on carry it; issued ones keep their PDF.
pub fn store_logo(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &AuditActor,
    bytes: &[u8],
) -> Result<Logo, AppError> {
    let bad = |code| AppError::Validation(FieldErrors(vec![("file", code)]));
    let sniffed = crate::domain::images::sniff(bytes)
        .filter(|s| s.content_type != "image/webp")
        .ok_or_else(|| bad(ErrorCode::LogoType))?;
    if u64::from(sniffed.width) * u64::from(sniffed.height) > LOGO_PIXELS {
        return Err(bad(ErrorCode::TooManyPixels { icon: false }));
    }
    // Decodable, as the PDF will need it (a header alone is not a picture).
    if !crate::domain::invoice_pdf::logo_decodes(bytes, sniffed.content_type) {
        return Err(bad(ErrorCode::LogoType));
    }
    let sha = crate::crypto::sha256_hex(bytes);
    let size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    db::write(conn, |conn| {
        let before = logo(conn)?;
        diesel::delete(seller_logo::table.find("seller")).execute(conn)?;
        diesel::insert_into(seller_logo::table)
            .values((
                seller_logo::id.eq("seller"),
                seller_logo::content_type.eq(sniffed.content_type),
                seller_logo::data.eq(bytes),
                seller_logo::width.eq(i32::try_from(sniffed.width).unwrap_or(i32::MAX)),
                seller_logo::height.eq(i32::try_from(sniffed.height).unwrap_or(i32::MAX)),
                seller_logo::sha256.eq(&sha),
                seller_logo::byte_size.eq(size),
                seller_logo::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = logo(conn)?.ok_or(AppError::NotFound)?;
        audit::record(
            conn,
            now,
            by,
            Event::new(None, "seller.logo_updated", "seller", Some("seller")).values(
                before.as_ref().map(Logo::view).as_ref(),
                Some(&after.view()),
            ),
        )?;
        Ok(after)
    })
}

/// Remove the seller's logo; audited. Removing nothing is harmless.
pub fn remove_logo(conn: &mut DbConn, now: NaiveDateTime, by: &AuditActor) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let Some(before) = logo(conn)? else {
            return Ok(());
        };
        diesel::delete(seller_logo::table.find("seller")).execute(conn)?;
        audit::record(
            conn,
            now,
            by,
            Event::new(None, "seller.logo_removed", "seller", Some("seller"))
                .values(Some(&before.view()), None::<&()>),
        )?;
        Ok(())
    })
}

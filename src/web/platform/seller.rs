//! `/platform/seller`: the seller on every invoice (operators only) — the
//! form (the billing details' country picker, the IBAN shown grouped), saved
//! with a version check (a stale form keeps its input beside what is stored
//! now, 409), and while invoices cannot go out a notice of what is missing,
//! which the invoices list shows too.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::reference;
use crate::domain::seller::{self, Seller, SellerInput};
use crate::domain::{billing, iban};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Messages;
use crate::web::country_options;
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::platform::PlatformLayout;
use crate::web::render;

/// The seller form.
pub const PATH: &str = "/platform/seller";

/// Mount `/platform/seller`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save));
}

/// A detail the seller still lacks: its label, and a link to its field.
pub struct Missing {
    pub href: String,
    pub label: &'static str,
}

/// The label of the seller's field `name`.
fn label(t: &Messages, name: &str) -> &'static str {
    match name {
        "legal_name" => t.bill_legal_name,
        "address_line" => t.bill_address,
        "postal_code" => t.bill_postal_code,
        "city" => t.bill_city,
        "country_code" => t.bill_country,
        "email" => t.pinv_seller_email,
        "vat_id" => t.bill_vat_id,
        "kvk_number" => t.bill_kvk,
        "iban" => t.pinv_seller_iban,
        "bic" => t.pinv_seller_bic,
        "payment_term_days" => t.pinv_seller_term,
        "invoice_prefix" => t.pinv_seller_invoice_prefix,
        _ => t.pinv_seller_credit_prefix,
    }
}

/// What `s` lacks before invoices can go out ([`Seller::missing`]), as
/// links to the form's fields; empty when it is complete.
pub fn missing(t: &Messages, s: &Seller) -> Vec<Missing> {
    s.missing()
        .into_iter()
        .map(|name| Missing {
            href: format!("{PATH}#f-{name}"),
            label: label(t, name),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "platform/seller.html")]
struct SellerPage {
    l: PlatformLayout,
    /// What the stored seller lacks.
    missing: Vec<Missing>,
    legal_name: Field,
    address_line: Field,
    postal_code: Field,
    city: Field,
    /// The country `<option>`s, escaped already.
    countries: country_options::Options<'static>,
    country_error: Option<String>,
    email: Field,
    vat_id: Field,
    kvk_number: Field,
    iban: Field,
    bic: Field,
    payment_term_days: Field,
    invoice_prefix: Field,
    credit_note_prefix: Field,
    version: i32,
    /// What is stored now, beside a stale form.
    stale: Option<Seller>,
    /// The stored values' country and IBAN, as people read them.
    stale_country: String,
    stale_iban: String,
}

#[derive(Deserialize)]
struct SellerForm {
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    address_line: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country_code: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    vat_id: String,
    #[serde(default)]
    kvk_number: String,
    #[serde(default)]
    iban: String,
    #[serde(default)]
    bic: String,
    #[serde(default)]
    payment_term_days: String,
    #[serde(default)]
    invoice_prefix: String,
    #[serde(default)]
    credit_note_prefix: String,
    #[serde(default)]
    version: i32,
}

impl SellerForm {
    fn input(self) -> SellerInput {
        SellerInput {
            legal_name: self.legal_name,
            address_line: self.address_line,
            postal_code: self.postal_code,
            city: self.city,
            country_code: self.country_code,
            email: self.email,
            vat_id: self.vat_id,
            kvk_number: self.kvk_number,
            iban: self.iban,
            bic: self.bic,
            payment_term_days: self.payment_term_days,
            invoice_prefix: self.invoice_prefix,
            credit_note_prefix: self.credit_note_prefix,
            version: self.version,
        }
    }
}

/// The form with `input`; the notice from `stored`.
async fn page(
    o: &Operator,
    state: &AppState,
    input: &SellerInput,
    stored: &Seller,
    stale: Option<Seller>,
) -> Result<SellerPage, AppError> {
    let lang = o.lang;
    let countries = state
        .db(move |conn| Ok(reference::countries_by_name(conn, lang)?))
        .await?;
    let l = PlatformLayout::new(o);
    let t = l.t;
    let country_name = |code: &str| {
        countries
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_string(), |c| c.name(lang).to_string())
    };
    Ok(SellerPage {
        missing: missing(t, stored),
        legal_name: Field::new("legal_name", t.bill_legal_name, &input.legal_name)
            .required()
            .hint(t.bill_legal_name_hint)
            .max(billing::MAX_LINE),
        address_line: Field::new("address_line", t.bill_address, &input.address_line)
            .required()
            .hint(t.bill_address_hint)
            .max(billing::MAX_LINE),
        postal_code: Field::new("postal_code", t.bill_postal_code, &input.postal_code)
            .required()
            .hint(t.bill_postal_code_hint)
            .max(billing::MAX_POSTAL_CODE),
        city: Field::new("city", t.bill_city, &input.city)
            .required()
            .max(billing::MAX_CITY),
        countries: country_options::options(
            &countries,
            lang,
            t.bill_choose_country,
            &input.country_code,
        ),
        country_error: None,
        email: Field::new("email", t.pinv_seller_email, &input.email)
            .kind("email")
            .required()
            .hint(t.pinv_seller_email_hint),
        // Room for the spaces and dots people type.
        vat_id: Field::new("vat_id", t.bill_vat_id, &input.vat_id)
            .required()
            .hint(t.pinv_seller_vat_hint)
            .max(billing::MAX_VAT_ID + 10),
        kvk_number: Field::new("kvk_number", t.bill_kvk, &input.kvk_number)
            .required()
            .hint(t.pinv_seller_kvk_hint)
            .max(billing::KVK_LEN + 4),
        iban: Field::new("iban", t.pinv_seller_iban, &input.iban)
            .required()
            .hint(t.pinv_seller_iban_hint)
            .max(42),
        bic: Field::new("bic", t.pinv_seller_bic, &input.bic)
            .required()
            .hint(t.pinv_seller_bic_hint)
            .max(14),
        payment_term_days: Field::new(
            "payment_term_days",
            t.pinv_seller_term,
            &input.payment_term_days,
        )
        .kind("number")
        .required()
        .hint(t.pinv_seller_term_hint)
        .max(2),
        invoice_prefix: Field::new(
            "invoice_prefix",
            t.pinv_seller_invoice_prefix,
            &input.invoice_prefix,
        )
        .required()
        .hint(t.pinv_seller_invoice_prefix_hint)
        .max(10),
        credit_note_prefix: Field::new(
            "credit_note_prefix",
            t.pinv_seller_credit_prefix,
            &input.credit_note_prefix,
        )
        .required()
        .hint(t.pinv_seller_credit_prefix_hint)
        .max(10),
        version: input.version,
        stale_country: stale
            .as_ref()
            .map(|s| country_name(&s.country_code))
            .unwrap_or_default(),
        stale_iban: stale
            .as_ref()
            .map(|s| iban::display(&s.iban))
            .unwrap_or_default(),
        stale,
        l,
    })
}

fn with_errors(mut p: SellerPage, errors: &FieldErrors) -> SellerPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [
            &mut p.legal_name,
            &mut p.address_line,
            &mut p.postal_code,
            &mut p.city,
            &mut p.email,
            &mut p.vat_id,
            &mut p.kvk_number,
            &mut p.iban,
            &mut p.bic,
            &mut p.payment_term_days,
            &mut p.invoice_prefix,
            &mut p.credit_note_prefix,
        ],
        errors,
        t,
    );
    p.country_error = errors.get("country_code").map(|c| c.message(t));
    // The country select sits between the city and the e-mail address.
    order_summary(
        &mut p.l.errors,
        &[
            ("legal_name", ""),
            ("address_line", ""),
            ("postal_code", ""),
            ("city", ""),
            ("country_code", t.bill_country),
            ("email", ""),
            ("vat_id", ""),
            ("kvk_number", ""),
            ("iban", ""),
            ("bic", ""),
            ("payment_term_days", ""),
            ("invoice_prefix", ""),
            ("credit_note_prefix", ""),
        ],
    );
    p
}

async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (o, stored) = operator_with(&req, |conn, _| Ok(seller::get(conn)?)).await?;
    let input = SellerInput::of(&stored);
    render(
        StatusCode::OK,
        &page(&o, &state, &input, &stored, None).await?,
    )
}

async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SellerForm>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner().input();
    let now = state.clock.now();
    let to_save = input.clone();
    let (o, (res, stored)) = operator_with(&req, move |conn, operator| {
        let res = seller::save(conn, now, &operator.audit(), &to_save);
        Ok((res, seller::get(conn)?))
    })
    .await?;
    match res {
        Ok(_) => Ok(Flash::SellerSaved.redirect(PATH)),
        Err(AppError::Validation(errors)) => {
            let p = page(&o, &state, &input, &stored, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &with_errors(p, &errors))
        }
        Err(AppError::Conflict) => {
            // Keep the input; show what is stored now beside it, and carry
            // its version so a second save is deliberate.
            let input = SellerInput {
                version: stored.version,
                ..input
            };
            let p = page(&o, &state, &input, &stored, Some(stored.clone())).await?;
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

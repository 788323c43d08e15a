//! Settings → Organisation → Billing details: the invoice address, saved
//! with a version check (the organisation settings screen's pattern).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::AppState;
use crate::domain::billing::{self, BillingDetails, BillingInput};
use crate::domain::reference;
use crate::domain::scopes::Operation;
use crate::error::{AppError, FieldErrors};
use crate::web::country_options;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::form::{Field, apply_errors, order_summary};
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::render;

const PATH: &str = "/settings/organization/billing";

/// Mount `/settings/organization/billing`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save));
}

#[derive(Template)]
#[template(path = "organization/billing.html")]
struct BillingPage {
    l: LayoutCtx,
    legal_name: Field,
    address_line: Field,
    postal_code: Field,
    city: Field,
    /// The country `<option>`s, escaped already.
    countries: country_options::Options<'static>,
    country_error: Option<String>,
    invoice_email: Field,
    vat_id: Field,
    kvk_number: Field,
    version: i32,
    stale: Option<BillingDetails>,
    /// The stale values' country, by name.
    stale_country: String,
}

#[derive(Deserialize)]
struct BillingForm {
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
    invoice_email: String,
    #[serde(default)]
    vat_id: String,
    #[serde(default)]
    kvk_number: String,
    #[serde(default)]
    version: i32,
}

async fn page(
    m: &Member,
    state: &AppState,
    input: &BillingInput,
    stale: Option<BillingDetails>,
) -> Result<BillingPage, AppError> {
    let lang = m.lang;
    let countries = state
        .db(move |conn| Ok(reference::countries_by_name(conn, lang)?))
        .await?;
    let l = LayoutCtx::new(m, Nav::Organization);
    let t = l.t;
    let stale_country = stale
        .as_ref()
        .and_then(|s| countries.iter().find(|c| c.code == s.country_code))
        .map(|c| c.name(lang).to_string())
        .unwrap_or_default();
    Ok(BillingPage {
        legal_name: Field::new("legal_name", t.bill_legal_name, &input.legal_name)
            .required()
            .hint(t.bill_legal_name_hint)
            .autocomplete("organization")
            .max(billing::MAX_LINE),
        address_line: Field::new("address_line", t.bill_address, &input.address_line)
            .required()
            .hint(t.bill_address_hint)
            .autocomplete("street-address")
            .max(billing::MAX_LINE),
        postal_code: Field::new("postal_code", t.bill_postal_code, &input.postal_code)
            .required()
            .hint(t.bill_postal_code_hint)
            .autocomplete("postal-code")
            .max(billing::MAX_POSTAL_CODE),
        city: Field::new("city", t.bill_city, &input.city)
            .required()
            .autocomplete("address-level2")
            .max(billing::MAX_CITY),
        countries: country_options::options(
            &countries,
            lang,
            t.bill_choose_country,
            &input.country_code,
        ),
        country_error: None,
        invoice_email: Field::new("invoice_email", t.bill_invoice_email, &input.invoice_email)
            .kind("email")
            .required()
            .hint(t.bill_invoice_email_hint)
            .autocomplete("email"),
        // Room for the spaces and dots people type.
        vat_id: Field::new("vat_id", t.bill_vat_id, &input.vat_id)
            .hint(t.bill_vat_id_hint)
            .max(billing::MAX_VAT_ID + 10),
        kvk_number: Field::new("kvk_number", t.bill_kvk, &input.kvk_number)
            .hint(t.bill_kvk_hint)
            .max(billing::KVK_LEN + 4),
        version: input.version,
        stale,
        stale_country,
        l,
    })
}

async fn current(state: &AppState, m: &Member) -> Result<Option<BillingDetails>, AppError> {
    let actor = m.actor.clone();
    state
        .db(move |conn| billing::billing_details(conn, &actor))
        .await
}

async fn show(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationUpdate)?;
    let input = current(&state, &m)
        .await?
        .map(|d| d.input())
        .unwrap_or_default();
    render(StatusCode::OK, &page(&m, &state, &input, None).await?)
}

fn with_errors(mut p: BillingPage, errors: &FieldErrors) -> BillingPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [
            &mut p.legal_name,
            &mut p.address_line,
            &mut p.postal_code,
            &mut p.city,
            &mut p.invoice_email,
            &mut p.vat_id,
            &mut p.kvk_number,
        ],
        errors,
        t,
    );
    p.country_error = errors.get("country_code").map(|c| c.message(t));
    // The country select sits between the city and the invoice e-mail.
    order_summary(
        &mut p.l.errors,
        &[
            ("legal_name", ""),
            ("address_line", ""),
            ("postal_code", ""),
            ("city", ""),
            ("country_code", t.bill_country),
            ("invoice_email", ""),
            ("vat_id", ""),
            ("kvk_number", ""),
        ],
    );
    p
}

async fn save(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<BillingForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::OrganizationUpdate)?;
    let f = form.into_inner();
    let input = BillingInput {
        legal_name: f.legal_name,
        address_line: f.address_line,
        postal_code: f.postal_code,
        city: f.city,
        country_code: f.country_code,
        invoice_email: f.invoice_email,
        vat_id: f.vat_id,
        kvk_number: f.kvk_number,
        version: f.version,
    };
    let (now, actor, to_save) = (state.clock.now(), m.actor.clone(), input.clone());
    match state
        .db(move |conn| billing::save(conn, now, &actor, &to_save))
        .await
    {
        Ok(_) => Ok(Flash::BillingSaved.redirect(PATH)),
        Err(AppError::Validation(errors)) => {
            let p = page(&m, &state, &input, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &with_errors(p, &errors))
        }
        Err(AppError::Conflict) => {
            // Keep the user's input; show what is stored now beside it, and
            // carry the current version so a second save is deliberate.
            let cur = current(&state, &m).await?;
            let version = cur.as_ref().map_or(0, |c| c.version);
            let p = page(&m, &state, &BillingInput { version, ..input }, cur).await?;
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) => Err(e),
    }
}

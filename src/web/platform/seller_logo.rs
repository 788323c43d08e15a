//! `/platform/seller/logo`: the seller's optional logo on invoices
//! (operators only) — the current one, an upload (the bytes decide the
//! type: PNG or JPEG), and its removal after a confirmation. Invoices
//! issued from then on carry it; issued ones keep their PDF.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::AppState;
use crate::domain::seller;
use crate::error::{AppError, ErrorCode};
use crate::http::tagged::Tagged;
use crate::i18n::fill;
use crate::web::extract::{Operator, operator_with};
use crate::web::flash::Flash;
use crate::web::platform::{ConfirmPage, PlatformLayout};
use crate::web::render;

/// The logo's page.
pub const PATH: &str = "/platform/seller/logo";

/// Mount `/platform/seller/logo`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(upload))
        .route("/platform/seller/logo/image", web::get().to(image))
        .route(
            "/platform/seller/logo/remove",
            web::get().to(confirm_remove),
        )
        .route("/platform/seller/logo/remove", web::post().to(remove));
}

#[derive(Template)]
#[template(path = "platform/seller_logo.html")]
struct LogoPage {
    l: PlatformLayout,
    /// The current logo's address (versioned by its hash) and size.
    current: Option<(String, String)>,
    hint: String,
    error: Option<String>,
}

async fn page(o: &Operator, state: &AppState, error: Option<String>) -> Result<LogoPage, AppError> {
    let logo = state.db(|conn| Ok(seller::logo(conn)?)).await?;
    let l = PlatformLayout::new(o);
    let t = l.t;
    Ok(LogoPage {
        current: logo.map(|g| {
            (
                format!(
                    "/platform/seller/logo/image?v={}",
                    &g.sha256[..g.sha256.len().min(16)]
                ),
                format!(
                    "{} × {} px · {} KB",
                    g.width,
                    g.height,
                    (g.byte_size + 1023) / 1024
                ),
            )
        }),
        hint: fill(
            t.pinv_seller_logo_hint,
            &[&(state.config.upload_limit / 1024)],
        ),
        error,
        l,
    })
}

async fn show(o: Operator, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &page(&o, &state, None).await?)
}

async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let bytes = crate::http::upload::read_upload(payload, state.config.upload_limit).await?;
    let now = state.clock.now();
    let (o, res) = operator_with(&req, move |conn, operator| {
        Ok(match bytes {
            Ok(bytes) => seller::store_logo(conn, now, &operator.audit(), &bytes).map(|_| ()),
            Err(code) => Err(AppError::Validation(crate::error::FieldErrors(vec![(
                "file", code,
            )]))),
        })
    })
    .await?;
    let t = o.lang.t();
    match res {
        Ok(()) => Ok(Flash::SellerLogoSaved.redirect(PATH)),
        Err(AppError::Validation(e)) => {
            let code = e.0.first().map(|(_, c)| c.clone());
            let status = if matches!(code, Some(ErrorCode::FileTooLarge(_))) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let message = code.map(|c| c.message(t));
            render(status, &page(&o, &state, message).await?)
        }
        Err(e) => Err(e),
    }
}

/// The logo's bytes (operators only), with an ETag.
async fn image(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (_, logo) = operator_with(&req, |conn, _| Ok(seller::logo(conn)?)).await?;
    let logo = logo.ok_or(AppError::NotFound)?;
    Ok(Tagged {
        hash: &logo.sha256,
        cache_control: "private, max-age=86400",
        content_type: &logo.content_type,
        disposition: None,
    }
    .respond(&req, logo.data))
}

async fn confirm_remove(o: Operator) -> Result<HttpResponse, AppError> {
    let l = PlatformLayout::new(&o);
    let t = l.t;
    render(
        StatusCode::OK,
        &ConfirmPage {
            title: t.pinv_seller_logo_remove,
            text: t.pinv_seller_logo_remove_text.to_string(),
            action: "/platform/seller/logo/remove".into(),
            button: t.pinv_seller_logo_remove,
            danger: true,
            fields: Vec::new(),
            cancel: PATH.into(),
            l,
        },
    )
}

async fn remove(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    operator_with(&req, move |conn, operator| {
        seller::remove_logo(conn, now, &operator.audit())
    })
    .await?;
    Ok(Flash::SellerLogoRemoved.redirect(PATH))
}

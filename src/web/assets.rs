//! `static/`, embedded in the binary so it runs from any directory; served
//! with an ETag (the file's SHA-256) and a day of caching.

use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

use crate::error::AppError;
use crate::http::tagged::Tagged;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// Mount `/static/...` and `/favicon.ico` (Portaal's own icon; a page of an
/// organisation with an icon names that one in its `<head>`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.*}", web::get().to(asset)).route(
        "/favicon.ico",
        web::get().to(|req: HttpRequest| serve(req, "favicon.ico")),
    );
}

async fn asset(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    serve(req, &path).await
}

async fn serve(req: HttpRequest, path: &str) -> Result<HttpResponse, AppError> {
    let file = Assets::get(path).ok_or(AppError::NotFound)?;
    let hash = crate::crypto::hex(&file.metadata.sha256_hash()[..16]);
    Ok(Tagged {
        hash: &hash,
        cache_control: "public, max-age=86400",
        content_type: file.metadata.mimetype(),
        disposition: None,
    }
    .respond(&req, file.data.into_owned()))
}

//! Stored bytes served with their hash as the `ETag` (a static asset, an
//! organisation's image, an invoice's PDF): a request that already holds
//! them gets `304 Not Modified` and no body.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

/// The start of the response for the bytes tagged `tag` (a hash, without
/// quotes), with the `ETag` and `cache_control` set; `true` when the
/// request holds them already (`If-None-Match`), and the response is then
/// `304 Not Modified`, to be finished without a body.
pub fn conditional(
    req: &HttpRequest,
    tag: &str,
    cache_control: &'static str,
) -> (HttpResponseBuilder, bool) {
    let etag = format!("\"{tag}\"");
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    (res, fresh)
}

/// A stored PDF as both doors serve it (an invoice's, to the API and to
/// the operator's screens): the bytes as stored, shown in the browser
/// (`inline`) under `file_name`, tagged with their SHA-256.
pub fn inline_pdf(
    req: &HttpRequest,
    file_name: &str,
    bytes: Vec<u8>,
    sha256: &str,
) -> HttpResponse {
    let (mut res, fresh) = conditional(req, sha256, "private, no-cache");
    // A file name of ours (letters, digits, `-`, `.`); quotes kept out.
    res.insert_header((
        header::CONTENT_DISPOSITION,
        format!(
            "inline; filename=\"{}\"",
            file_name.replace(['"', '\\'], "")
        ),
    ));
    if fresh {
        res.finish()
    } else {
        res.content_type("application/pdf").body(bytes)
    }
}

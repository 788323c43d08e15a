//! A stored PDF as both doors serve it (an invoice's, to the API and to
//! the operator's screens): the bytes as they were stored, shown in the
//! browser (`inline`) under their file name, their SHA-256 as the `ETag`
//! so an unchanged document is not sent twice.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// The response for `bytes` (whose SHA-256 is `sha256`) named `file_name`:
/// `304 Not Modified` when the request already holds them.
pub fn inline(req: &HttpRequest, file_name: &str, bytes: Vec<u8>, sha256: &str) -> HttpResponse {
    let etag = format!("\"{sha256}\"");
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    // A file name of ours (letters, digits, `-`, `.`): nothing to escape.
    res.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", file_name.replace(['"', '\\'], "")),
        ));
    if fresh {
        res.finish()
    } else {
        res.content_type("application/pdf").body(bytes)
    }
}

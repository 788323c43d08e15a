//! Stored bytes served under their hash as the `ETag`: a conditional GET
//! whose `If-None-Match` names it (or `*`) gets 304 without the bytes. The
//! static files, an organisation's images and the invoices' PDFs (both
//! doors) are served this way.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// How a stored file is served.
pub struct Tagged<'a> {
    /// The hash of the bytes (unquoted): the `ETag`.
    pub hash: &'a str,
    /// `Cache-Control`.
    pub cache_control: &'static str,
    pub content_type: &'a str,
    /// `Content-Disposition` (`attachment; filename="…"`), if any.
    pub disposition: Option<String>,
}

impl<'a> Tagged<'a> {
    /// A stored PDF named `file_name`, shown (`inline`) or saved
    /// (`attachment`): private, asked again each time (cheap with the
    /// ETag).
    pub fn pdf(hash: &'a str, disposition: &str, file_name: &str) -> Self {
        Self {
            hash,
            cache_control: "private, no-cache",
            content_type: "application/pdf",
            disposition: Some(format!("{disposition}; filename=\"{file_name}\"")),
        }
    }

    /// The response to `req`: 304 when the browser holds these bytes, else
    /// 200 with them.
    pub fn respond(self, req: &HttpRequest, bytes: Vec<u8>) -> HttpResponse {
        let etag = format!("\"{}\"", self.hash);
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
            .insert_header((header::CACHE_CONTROL, self.cache_control));
        if let Some(d) = self.disposition {
            res.insert_header((header::CONTENT_DISPOSITION, d));
        }
        if fresh {
            res.finish()
        } else {
            res.content_type(self.content_type).body(bytes)
        }
    }
}

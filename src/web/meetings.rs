//! Meetings: the list with filters, the week view, and the form.

use actix_web::web;

/// Mount `/meetings`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

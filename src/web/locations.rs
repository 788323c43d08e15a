//! Locations: list, create, edit, delete.

use actix_web::web;

/// Mount `/locations`.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

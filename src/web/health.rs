//! Liveness and readiness for load balancers.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use crate::AppState;

/// Mount `/healthz` and `/readyz`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// The process answers (no database involved).
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers too.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = state
        .db(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await;
    match ping {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}

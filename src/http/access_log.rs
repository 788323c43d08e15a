//! One log line per request (`method path status milliseconds`), at `info`;
//! with the level off (`RUST_LOG=warn`) a request costs one level check.
//! Query strings are left out: they may carry search text.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// The middleware (outermost, so its time includes every other layer).
pub async fn log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !tracing::enabled!(tracing::Level::INFO) {
        return next.call(req).await;
    }
    let start = Instant::now();
    let (method, path) = (req.method().clone(), req.path().to_string());
    let res = next.call(req).await;
    // Milliseconds to two decimals.
    let ms = (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
    match &res {
        Ok(r) => tracing::info!(%method, %path, status = r.status().as_u16(), ms, "request"),
        Err(e) => tracing::warn!(%method, %path, error = %e, ms, "request failed"),
    }
    res
}

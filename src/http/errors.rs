//! The HTTP face of [`AppError`]: its status, and the empty response that
//! the app's error middleware (see `app` in the crate root) fills in as a
//! page, an htmx fragment or JSON.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use futures_util::future::LocalBoxFuture;

use crate::error::AppError;

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden { .. }
            | AppError::ModuleNotSubscribed { .. }
            | AppError::NoOrganization
            | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired => StatusCode::SEE_OTHER,
            AppError::InvalidToken => StatusCode::UNAUTHORIZED,
            AppError::UnknownRoute => StatusCode::NOT_FOUND,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        // The body is filled in by `web::errors::render_errors`, which knows
        // the request's language and whether it wants HTML, a fragment or JSON.
        HttpResponse::build(self.status_code()).finish()
    }
}

/// Whole minutes, rounded up, at least one ("try again in N minutes").
pub fn minutes(secs: i64) -> i64 {
    ((secs + 59) / 60).max(1)
}

/// What gives an error response its body: a page or fragment for the
/// backoffice, JSON for the API (chosen where the app is assembled).
/// The body may take a database trip (a signed-in user's error page keeps
/// the navigation), so it is a future.
pub type ErrorBody =
    fn(&HttpRequest, StatusCode, Option<&AppError>) -> LocalBoxFuture<'static, HttpResponse>;

/// Middleware: an error response (an `AppError`, or a 404 / 405 without a
/// body) gets its body from `body`.
pub async fn fill_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    body: ErrorBody,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let replacement = match res.response().error() {
        Some(e) => Some(body(res.request(), status, e.as_error::<AppError>())),
        None if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED => {
            (res.response().headers().get(header::CONTENT_TYPE).is_none())
                .then(|| body(res.request(), status, None))
        }
        None => None,
    };
    Ok(match replacement {
        Some(new) => {
            let new = new.await;
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, new)
        }
        None => res.map_into_boxed_body(),
    })
}

//! Requests in turn: at most [`AT_ONCE`] are worked on at the same time;
//! the others wait for a turn, in the order they came. Under overload a
//! request waits (it is answered later) instead of every request in flight
//! holding its page, its query's rows and its buffers at once: memory is
//! bounded by the turns, not by the connections.

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tokio::sync::Semaphore;

/// Requests worked on at once, per process: far more than the cores and
/// database threads can serve, so waiting only starts under overload.
pub const AT_ONCE: usize = 128;

static TURNS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(AT_ONCE));

/// The middleware: wait for a turn, hold it while the response is made.
pub async fn in_turn(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The semaphore is never closed: a turn always comes.
    let _turn = TURNS.acquire().await;
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::*;

    static NOW: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);

    async fn slow() -> HttpResponse {
        let now = NOW.fetch_add(1, Ordering::SeqCst) + 1;
        MOST.fetch_max(now, Ordering::SeqCst);
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        NOW.fetch_sub(1, Ordering::SeqCst);
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn no_more_than_the_turns_are_worked_on_at_once_and_every_request_is_answered() {
        let app = test::init_service(
            App::new()
                .route("/", web::get().to(slow))
                .wrap(from_fn(in_turn)),
        )
        .await;
        let calls = (0..AT_ONCE * 3)
            .map(|_| test::call_service(&app, test::TestRequest::get().to_request()));
        let answers = futures_util::future::join_all(calls).await;
        assert!(answers.iter().all(|r| r.status().is_success()));
        assert_eq!(
            MOST.load(Ordering::SeqCst),
            AT_ONCE,
            "all turns were used, and no more"
        );
    }
}

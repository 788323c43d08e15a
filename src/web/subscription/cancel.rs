//! Cancel (asked first), undo the cancellation, withdraw a scheduled change.

use actix_web::{HttpResponse, web};

use super::PATH;
use super::change::refused;
use super::view::Words;
use crate::AppState;
use crate::domain::scopes::Operation;
use crate::domain::subscriptions::{self, Status};
use crate::error::AppError;
use crate::i18n::fill;
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::layout::{LayoutCtx, Nav};

/// `GET /settings/subscription/cancel`: what cancelling does, and when.
pub async fn confirm_cancel(
    m: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::SubscriptionCancel)?;
    let (now, actor) = (state.clock.now(), m.actor.clone());
    let sub = state
        .db(move |conn| subscriptions::current(conn, &actor))
        .await?;
    let l = LayoutCtx::new(&m, Nav::Subscription);
    let t = l.t;
    let w = Words {
        lang: m.lang,
        tz: m.tz,
        plans: &[],
    };
    let text = if sub.in_effect(now).status == Status::Trialing {
        t.sub_cancel_trial_text.to_string()
    } else {
        fill(
            t.sub_cancel_text,
            &[&w.date(sub.current_period_end.unwrap_or(now))],
        )
    };
    crate::web::page(&ConfirmPage {
        title: t.sub_cancel,
        text,
        action: "/settings/subscription/cancel".into(),
        button: t.sub_cancel_button,
        cancel: PATH.into(),
        error: None,
        l,
    })
}

/// Run a subscription action; refused: the screen with why.
async fn act(
    m: Member,
    state: web::Data<AppState>,
    done: Flash,
    f: fn(
        &mut crate::db::DbConn,
        chrono::NaiveDateTime,
        &crate::domain::actor::Actor,
    ) -> Result<subscriptions::Subscription, AppError>,
) -> Result<HttpResponse, AppError> {
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state.db(move |conn| f(conn, now, &actor)).await {
        Ok(_) => Ok(done.redirect(PATH)),
        Err(AppError::Validation(e)) => refused(&m, &state, None, &e).await,
        Err(e) => Err(e),
    }
}

/// `POST /settings/subscription/cancel`.
pub async fn cancel(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    act(m, state, Flash::SubscriptionCanceled, subscriptions::cancel).await
}

/// `POST /settings/subscription/undo-cancel`.
pub async fn undo(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    act(
        m,
        state,
        Flash::SubscriptionResumed,
        subscriptions::undo_cancel,
    )
    .await
}

/// `POST /settings/subscription/withdraw`: the change scheduled for the
/// period end is dropped.
pub async fn withdraw(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    act(
        m,
        state,
        Flash::ScheduledChangeWithdrawn,
        subscriptions::withdraw_scheduled,
    )
    .await
}

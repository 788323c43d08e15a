//! The coupon field of Settings → Subscription: apply a code (a second
//! coupon asks first which one it replaces), and remove the applied one
//! (asked first too). The domain (`domain::coupons`) checks, writes and
//! audits.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{PATH, show};
use crate::AppState;
use crate::domain::coupons;
use crate::domain::scopes::Operation;
use crate::domain::subscriptions;
use crate::error::{AppError, ErrorCode};
use crate::i18n::fill;
use crate::web::confirm::ConfirmPage;
use crate::web::extract::Member;
use crate::web::flash::Flash;
use crate::web::layout::{LayoutCtx, Nav};
use crate::web::{render, see_other};

#[derive(Template)]
#[template(path = "subscription/coupon_replace.html")]
struct ReplacePage {
    l: LayoutCtx,
    text: String,
    /// The new code, carried to the second post.
    code: String,
}

/// `POST /settings/subscription/coupon` (`coupon`, and `replace=1` once the
/// admin has said the new one may replace the applied one).
pub async fn apply(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let code = get("coupon");
    let replace = get("replace") == "1";
    let (now, actor, typed) = (state.clock.now(), m.actor.clone(), code.clone());
    match state
        .db(move |conn| coupons::apply(conn, now, &actor, &typed, replace))
        .await
    {
        Ok(_) => Ok(Flash::CouponApplied.redirect(PATH)),
        Err(AppError::Validation(e)) => {
            if let Some(ErrorCode::CouponReplaces(old)) = e.get("coupon") {
                let l = LayoutCtx::new(&m, Nav::Subscription);
                let new = code.trim().to_uppercase();
                return render(
                    StatusCode::OK,
                    &ReplacePage {
                        text: fill(l.t.sub_coupon_replace_text, &[&new, old, &new]),
                        code: new,
                        l,
                    },
                );
            }
            let mut p = show::page(&m, &state, None, Some(&e)).await?;
            if let Some(f) = &mut p.body.coupon_field {
                f.value = code;
            }
            render(StatusCode::UNPROCESSABLE_ENTITY, &p.page()?)
        }
        Err(e) => Err(e),
    }
}

/// `GET /settings/subscription/coupon/clear`: which coupon goes, and what
/// that means.
pub async fn confirm_clear(
    m: Member,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::SubscriptionClearCoupon)?;
    let actor = m.actor.clone();
    let applied = state
        .db(move |conn| {
            let sub = subscriptions::current(conn, &actor)?;
            Ok(coupons::applied(conn, &sub.id)?)
        })
        .await?;
    let Some((coupon, _)) = applied else {
        return Ok(see_other(PATH));
    };
    let l = LayoutCtx::new(&m, Nav::Subscription);
    let t = l.t;
    crate::web::page(&ConfirmPage {
        title: t.sub_coupon_clear,
        text: fill(t.sub_coupon_clear_text, &[&coupon.code.to_uppercase()]),
        action: "/settings/subscription/coupon/clear".into(),
        button: t.sub_coupon_clear,
        cancel: PATH.into(),
        error: None,
        l,
    })
}

/// `POST /settings/subscription/coupon/clear`.
pub async fn clear(m: Member, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (now, actor) = (state.clock.now(), m.actor.clone());
    match state
        .db(move |conn| coupons::clear(conn, now, &actor))
        .await
    {
        Ok(_) => Ok(Flash::CouponCleared.redirect(PATH)),
        Err(AppError::Validation(e)) => {
            let p = show::page(&m, &state, None, Some(&e)).await?.page()?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => Err(e),
    }
}

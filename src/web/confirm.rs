//! The one confirmation page asked before anything destructive (remove a
//! member, delete a location or a meeting, remove an image).

use askama::Template;

use crate::web::layout::LayoutCtx;

/// "Are you sure?" with what will happen, a danger button and a way back.
#[derive(Template)]
#[template(path = "layout/confirm.html")]
pub struct ConfirmPage {
    pub l: LayoutCtx,
    pub title: &'static str,
    pub text: String,
    /// Where the danger button posts to.
    pub action: String,
    pub button: &'static str,
    /// Where "Annuleren" leads.
    pub cancel: String,
    pub error: Option<String>,
}

//! One-time messages after a redirect ("Locatie opgeslagen"). The cookie holds
//! only a key from a fixed list, so nobody can inject text through it.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};

use crate::i18n::Messages;

const COOKIE: &str = "portaal_flash";

/// A message to show once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    AccountSaved,
    PasswordChanged,
    LoggedOut,
    OrganizationSwitched,
    OrganizationCreated,
    Welcome,
    ApiClientSaved,
    ApiClientDisabled,
    ApiClientEnabled,
    ApiClientDeleted,
    OrganizationSaved,
    BillingSaved,
    InvitationRevoked,
    InvitationAccepted,
    RoleChanged,
    MemberRemoved,
    UserDisabled,
    UserEnabled,
    LanguageEnabled,
    LanguageDisabled,
    ImageSaved,
    ImageRemoved,
    FooterSaved,
    DemoCleared,
    LocationSaved,
    LocationDeleted,
    MeetingSaved,
    MeetingDeleted,
    CustomerSaved,
    CustomerDeleted,
    ContactDeleted,
    ContactAdded,
    MeetingRestored,
    ContactRestored,
    NothingToUndo,
    PlatformTrialExtended,
    PlatformPlanChanged,
    PlatformCanceled,
    PlanSaved,
    PlanArchived,
    PlanUnarchived,
    PlanDefault,
    SubscriptionStarted,
    SubscriptionChanged,
    SubscriptionUnchanged,
    ScheduledChangeWithdrawn,
    SubscriptionCanceled,
    SubscriptionResumed,
    CouponCreated,
    CouponArchived,
    CouponApplied,
    CouponCleared,
    SellerSaved,
    SellerLogoSaved,
    SellerLogoRemoved,
    InvoiceIssued,
    InvoiceDraftDeleted,
    InvoicePaid,
    InvoiceVoided,
    InvoiceResent,
    WebhookSaved,
    WebhookDeleted,
    WebhookEnabled,
    WebhookDisabled,
    WebhookResent,
}

impl Flash {
    const ALL: [Flash; 65] = [
        Flash::SellerSaved,
        Flash::SellerLogoSaved,
        Flash::SellerLogoRemoved,
        Flash::InvoiceIssued,
        Flash::InvoiceDraftDeleted,
        Flash::InvoicePaid,
        Flash::InvoiceVoided,
        Flash::InvoiceResent,
        Flash::CouponCreated,
        Flash::CouponArchived,
        Flash::CouponApplied,
        Flash::CouponCleared,
        Flash::PlatformTrialExtended,
        Flash::PlatformPlanChanged,
        Flash::PlatformCanceled,
        Flash::PlanSaved,
        Flash::PlanArchived,
        Flash::PlanUnarchived,
        Flash::PlanDefault,
        Flash::SubscriptionStarted,
        Flash::SubscriptionChanged,
        Flash::SubscriptionUnchanged,
        Flash::ScheduledChangeWithdrawn,
        Flash::SubscriptionCanceled,
        Flash::SubscriptionResumed,
        Flash::BillingSaved,
        Flash::ContactAdded,
        Flash::MeetingRestored,
        Flash::ContactRestored,
        Flash::NothingToUndo,
        Flash::CustomerSaved,
        Flash::CustomerDeleted,
        Flash::ContactDeleted,
        Flash::LocationSaved,
        Flash::LocationDeleted,
        Flash::MeetingSaved,
        Flash::MeetingDeleted,
        Flash::DemoCleared,
        Flash::FooterSaved,
        Flash::ImageSaved,
        Flash::ImageRemoved,
        Flash::OrganizationSaved,
        Flash::InvitationRevoked,
        Flash::InvitationAccepted,
        Flash::RoleChanged,
        Flash::MemberRemoved,
        Flash::UserDisabled,
        Flash::UserEnabled,
        Flash::AccountSaved,
        Flash::PasswordChanged,
        Flash::LoggedOut,
        Flash::OrganizationSwitched,
        Flash::OrganizationCreated,
        Flash::Welcome,
        Flash::ApiClientSaved,
        Flash::ApiClientDisabled,
        Flash::ApiClientEnabled,
        Flash::ApiClientDeleted,
        Flash::LanguageEnabled,
        Flash::LanguageDisabled,
        Flash::WebhookSaved,
        Flash::WebhookDeleted,
        Flash::WebhookEnabled,
        Flash::WebhookDisabled,
        Flash::WebhookResent,
    ];

    fn key(self) -> &'static str {
        match self {
            Flash::AccountSaved => "account_saved",
            Flash::PasswordChanged => "password_changed",
            Flash::LoggedOut => "logged_out",
            Flash::OrganizationSwitched => "organization_switched",
            Flash::OrganizationCreated => "organization_created",
            Flash::Welcome => "welcome",
            Flash::ApiClientSaved => "api_client_saved",
            Flash::ApiClientDisabled => "api_client_disabled",
            Flash::ApiClientEnabled => "api_client_enabled",
            Flash::ApiClientDeleted => "api_client_deleted",
            Flash::OrganizationSaved => "organization_saved",
            Flash::BillingSaved => "billing_saved",
            Flash::InvitationRevoked => "invitation_revoked",
            Flash::RoleChanged => "role_changed",
            Flash::MemberRemoved => "member_removed",
            Flash::InvitationAccepted => "invitation_accepted",
            Flash::UserDisabled => "user_disabled",
            Flash::UserEnabled => "user_enabled",
            Flash::ImageSaved => "image_saved",
            Flash::ImageRemoved => "image_removed",
            Flash::FooterSaved => "footer_saved",
            Flash::DemoCleared => "demo_cleared",
            Flash::LocationSaved => "location_saved",
            Flash::LocationDeleted => "location_deleted",
            Flash::MeetingSaved => "meeting_saved",
            Flash::MeetingDeleted => "meeting_deleted",
            Flash::CustomerSaved => "customer_saved",
            Flash::CustomerDeleted => "customer_deleted",
            Flash::ContactDeleted => "contact_deleted",
            Flash::ContactAdded => "contact_added",
            Flash::MeetingRestored => "meeting_restored",
            Flash::ContactRestored => "contact_restored",
            Flash::NothingToUndo => "nothing_to_undo",
            Flash::LanguageEnabled => "language_enabled",
            Flash::LanguageDisabled => "language_disabled",
            Flash::PlatformTrialExtended => "platform_trial_extended",
            Flash::PlatformPlanChanged => "platform_plan_changed",
            Flash::PlatformCanceled => "platform_canceled",
            Flash::PlanSaved => "plan_saved",
            Flash::PlanArchived => "plan_archived",
            Flash::PlanUnarchived => "plan_unarchived",
            Flash::PlanDefault => "plan_default",
            Flash::SubscriptionStarted => "subscription_started",
            Flash::SubscriptionChanged => "subscription_changed",
            Flash::SubscriptionUnchanged => "subscription_unchanged",
            Flash::ScheduledChangeWithdrawn => "scheduled_change_withdrawn",
            Flash::SubscriptionCanceled => "subscription_canceled",
            Flash::SubscriptionResumed => "subscription_resumed",
            Flash::CouponCreated => "coupon_created",
            Flash::CouponArchived => "coupon_archived",
            Flash::CouponApplied => "coupon_applied",
            Flash::CouponCleared => "coupon_cleared",
            Flash::SellerSaved => "seller_saved",
            Flash::SellerLogoSaved => "seller_logo_saved",
            Flash::SellerLogoRemoved => "seller_logo_removed",
            Flash::InvoiceIssued => "invoice_issued",
            Flash::InvoiceDraftDeleted => "invoice_draft_deleted",
            Flash::InvoicePaid => "invoice_paid",
            Flash::InvoiceVoided => "invoice_voided",
            Flash::InvoiceResent => "invoice_resent",
            Flash::WebhookSaved => "webhook_saved",
            Flash::WebhookDeleted => "webhook_deleted",
            Flash::WebhookEnabled => "webhook_enabled",
            Flash::WebhookDisabled => "webhook_disabled",
            Flash::WebhookResent => "webhook_resent",
        }
    }

    /// The text in the language of `t`.
    pub fn text(self, t: &Messages) -> &'static str {
        match self {
            Flash::AccountSaved => t.flash_account_saved,
            Flash::PasswordChanged => t.flash_password_changed,
            Flash::LoggedOut => t.flash_logged_out,
            Flash::OrganizationSwitched => t.flash_organization_switched,
            Flash::OrganizationCreated => t.flash_organization_created,
            Flash::Welcome => t.flash_welcome,
            Flash::ApiClientSaved => t.ac_flash_saved,
            Flash::ApiClientDisabled => t.ac_flash_disabled,
            Flash::ApiClientEnabled => t.ac_flash_enabled,
            Flash::ApiClientDeleted => t.ac_flash_deleted,
            Flash::OrganizationSaved => t.org_flash_saved,
            Flash::BillingSaved => t.bill_flash_saved,
            Flash::InvitationRevoked => t.users_flash_revoked,
            Flash::RoleChanged => t.users_flash_role,
            Flash::MemberRemoved => t.users_flash_removed,
            Flash::InvitationAccepted => t.invite_flash_accepted,
            Flash::UserDisabled => t.users_flash_disabled,
            Flash::UserEnabled => t.users_flash_enabled,
            Flash::ImageSaved => t.img_flash_saved,
            Flash::ImageRemoved => t.img_flash_removed,
            Flash::FooterSaved => t.footer_flash_saved,
            Flash::DemoCleared => t.clear_flash,
            Flash::LocationSaved => t.loc_flash_saved,
            Flash::LocationDeleted => t.loc_flash_deleted,
            Flash::MeetingSaved => t.meet_flash_saved,
            Flash::MeetingDeleted => t.meet_flash_deleted,
            Flash::CustomerSaved => t.cust_flash_saved,
            Flash::CustomerDeleted => t.cust_flash_deleted,
            Flash::ContactDeleted => t.contact_flash_deleted,
            Flash::ContactAdded => t.contact_flash_added,
            Flash::MeetingRestored => t.meet_flash_restored,
            Flash::ContactRestored => t.contact_flash_restored,
            Flash::NothingToUndo => t.flash_nothing_to_undo,
            Flash::LanguageEnabled => t.lang_flash_enabled,
            Flash::LanguageDisabled => t.lang_flash_disabled,
            Flash::PlatformTrialExtended => t.platform_flash_trial_extended,
            Flash::PlatformPlanChanged => t.platform_flash_plan_changed,
            Flash::PlatformCanceled => t.platform_flash_canceled,
            Flash::PlanSaved => t.platform_flash_plan_saved,
            Flash::PlanArchived => t.platform_flash_plan_archived,
            Flash::PlanUnarchived => t.platform_flash_plan_unarchived,
            Flash::PlanDefault => t.platform_flash_plan_default,
            Flash::SubscriptionStarted => t.sub_flash_started,
            Flash::SubscriptionChanged => t.sub_flash_changed,
            Flash::SubscriptionUnchanged => t.sub_flash_unchanged,
            Flash::ScheduledChangeWithdrawn => t.sub_flash_withdrawn,
            Flash::SubscriptionCanceled => t.sub_flash_canceled,
            Flash::SubscriptionResumed => t.sub_flash_resumed,
            Flash::CouponCreated => t.platform_flash_coupon_created,
            Flash::CouponArchived => t.platform_flash_coupon_archived,
            Flash::CouponApplied => t.sub_flash_coupon_applied,
            Flash::CouponCleared => t.sub_flash_coupon_cleared,
            Flash::SellerSaved => t.pinv_flash_seller_saved,
            Flash::SellerLogoSaved => t.pinv_flash_seller_logo_saved,
            Flash::SellerLogoRemoved => t.pinv_flash_seller_logo_removed,
            Flash::InvoiceIssued => t.pinv_flash_issued,
            Flash::InvoiceDraftDeleted => t.pinv_flash_draft_deleted,
            Flash::InvoicePaid => t.pinv_flash_paid,
            Flash::InvoiceVoided => t.pinv_flash_voided,
            Flash::InvoiceResent => t.pinv_flash_resent,
            Flash::WebhookSaved => t.whs_flash_saved,
            Flash::WebhookDeleted => t.whs_flash_deleted,
            Flash::WebhookEnabled => t.whs_flash_enabled,
            Flash::WebhookDisabled => t.whs_flash_disabled,
            Flash::WebhookResent => t.whs_flash_resent,
        }
    }

    /// `success`, `error` or `info`: the style of the message.
    pub fn kind(self) -> &'static str {
        match self {
            Flash::LoggedOut
            | Flash::OrganizationSwitched
            | Flash::ApiClientDisabled
            | Flash::ApiClientDeleted
            | Flash::MemberRemoved
            | Flash::InvitationRevoked
            | Flash::UserDisabled
            | Flash::LanguageDisabled
            | Flash::NothingToUndo
            | Flash::PlatformCanceled
            | Flash::PlanArchived
            | Flash::SubscriptionUnchanged
            | Flash::SubscriptionCanceled
            | Flash::CouponArchived
            | Flash::CouponCleared
            | Flash::InvoiceDraftDeleted
            | Flash::WebhookDeleted
            | Flash::WebhookDisabled => "info",
            _ => "success",
        }
    }

    /// Where the message's Undo button posts, for a deletion that can be
    /// undone (see `domain::audit::undoable`).
    pub fn undo(self) -> Option<&'static str> {
        match self {
            Flash::MeetingDeleted => Some("/meetings/undo"),
            Flash::ContactDeleted => Some("/customers/contacts/undo"),
            _ => None,
        }
    }

    /// The message waiting for this request, if any.
    pub fn from_request(req: &HttpRequest) -> Option<Self> {
        let value = req.cookie(COOKIE)?;
        Self::ALL.into_iter().find(|f| f.key() == value.value())
    }

    /// The cookie that carries this message to the next page.
    pub fn cookie(self) -> Cookie<'static> {
        Cookie::build(COOKIE, self.key())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::minutes(5))
            .finish()
    }

    /// A 303 redirect that shows this message on the next page.
    pub fn redirect(self, location: &str) -> HttpResponse {
        let mut res = super::see_other(location);
        // Adding a cookie to a response we just built cannot fail.
        let _ = res.add_cookie(&self.cookie());
        res
    }
}

/// What a flash's Undo button sends (besides its CSRF token): the page it
/// was clicked on, to return to.
#[derive(serde::Deserialize)]
pub struct UndoForm {
    #[serde(default)]
    pub next: String,
}

impl UndoForm {
    /// Back to the page, saying what came back (`restored`) or that
    /// nothing could.
    pub fn answer(&self, restored: Option<Flash>) -> HttpResponse {
        restored
            .unwrap_or(Flash::NothingToUndo)
            .redirect(&super::safe_next(Some(&self.next)))
    }
}

/// Middleware: once a page has been shown (not a redirect), drop the message.
pub async fn clear_shown(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let had = req.cookie(COOKIE).is_some();
    let mut res = next.call(req).await?;
    if had && !res.status().is_redirection() && !super::htmx::Htmx::of(res.request()).request {
        let mut gone = Cookie::build(COOKIE, "").path("/").finish();
        gone.make_removal();
        let _ = res.response_mut().add_cookie(&gone);
    }
    Ok(res)
}

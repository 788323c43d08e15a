//! One error type for the whole application, and field-level validation
//! errors. Nothing of HTTP here: its status and response live in
//! `http::errors`, and how it looks (page, htmx fragment or JSON) is chosen
//! where the app is assembled.

use crate::domain::modules::Module;
use crate::domain::scopes::{Operation, Scope};
use crate::i18n::{Messages, fill};

/// What went wrong with one field; translated when shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    TooLong(usize),
    Email,
    PasswordShort(usize),
    PasswordMismatch,
    CurrentPassword,
    EmailTaken,
    InvalidChoice,
    /// A scope the catalogue does not know (named).
    InvalidScope(String),
    InvalidDate,
    DateInPast,
    /// Already used by another record.
    Taken,
    /// The typed confirmation does not match.
    ConfirmationMismatch,
    /// Not lower-case letters, digits and dashes.
    InvalidSlug,
    SlugTaken,
    /// The organisation would be left without an admin.
    LastAdmin,
    /// Already a member of this organisation.
    AlreadyMember,
    /// The address already has an open invitation to this organisation.
    InvitationPending,
    /// The invitation's last mail is less than a minute old.
    ResendTooSoon,
    /// Not a PNG, JPEG or WebP image.
    ImageType,
    /// The icon must be square.
    IconNotSquare,
    /// More pixels than the image may have (the icon's budget when `icon`,
    /// else the logo's): a small file can declare a huge image.
    TooManyPixels {
        icon: bool,
    },
    /// The upload is over the size limit (in KiB).
    FileTooLarge(u64),
    /// A local time skipped by the daylight-saving change (spring gap).
    NonexistentLocalTime,
    /// The end is not after the start.
    EndBeforeStart,
    /// A meeting longer than this many days.
    MeetingTooLong(i64),
    /// The chosen person is not a member of the organisation.
    NotAMember,
    /// Not a date and time like `2026-12-31T14:00`.
    InvalidDateTime,
    /// An hour outside 0–23.
    HourRange,
    /// Opening and closing hour: both or neither.
    HoursBothOrNeither,
    /// Opening must be before closing.
    HoursOrder,
    /// A mobile number that breaks the phone rule (`domain::phone`).
    InvalidMobile,
    /// A phone number that breaks the phone rule (`domain::phone`).
    InvalidPhone,
    /// No permission chosen for an API client.
    NoScope,
    /// An extension name the catalogue does not know.
    UnknownExtension,
    /// A JSON field the resource does not have (named: the error's field).
    UnknownField(String),
    /// A JSON value of the wrong type.
    InvalidType,
    /// An IRI or id that names nothing known.
    InvalidReference,
    /// The contact is not one of the chosen customer's.
    ContactNotOfCustomer,
    /// Not a Dutch postal code like `1234 AB`.
    InvalidPostalCodeNl,
    /// A VAT id that does not fit its country (an example of the right form).
    InvalidVatId(String),
    /// A VAT id whose prefix is not the chosen country's (the right prefix).
    VatCountryMismatch(String),
    /// Not 8 digits.
    InvalidKvk,
    /// A KvK number for an organisation outside the Netherlands.
    KvkOnlyNl,
    /// A plan that is archived takes no new subscriptions.
    PlanArchived,
    /// Fewer than one seat.
    SeatsAtLeastOne,
    /// More seats than allowed (the most).
    SeatsAtMost(i64),
    /// Fewer seats than the organisation has members (how many).
    SeatsBelowMembers(i64),
    /// A module the plan does not offer as an add-on (named).
    ModuleNotOffered(String),
    /// A subscription cannot start without complete billing details.
    BillingDetailsMissing,
    /// A subscription is already running.
    AlreadySubscribed,
    /// Nothing that can be cancelled.
    NothingToCancel,
    /// No cancellation to withdraw.
    NothingToUndo,
    /// A number of days outside 1 to the most.
    DaysRange(i64),
    /// Only a trial (running or ended) can be extended.
    NotTrialing,
    /// Only a running subscription can change.
    NotRunning,
    /// A cancellation is pending: undo it first.
    CancelPending,
    /// One person may start at most this many organisations.
    TooManyOrganizations(i64),
    /// An API client whose creator is no longer an admin here cannot start
    /// an organisation: nobody would administer it.
    NoAdminForNewOrganization,
    /// The seller's details are incomplete: no invoice can be issued.
    SellerIncomplete,
    /// Only a draft can be finalized or deleted.
    InvoiceNotDraft,
    /// A draft has no number yet: finalize it first.
    InvoiceNotFinalized,
    /// This invoice was voided already.
    InvoiceAlreadyVoid,
    /// This invoice is paid already.
    InvoiceAlreadyPaid,
    /// A credit note cannot be voided or paid.
    InvoiceIsCreditNote,
    /// A number prefix: up to 10 letters, digits, -, / and .
    PrefixFormat,
    /// A payment cannot be dated in the future.
    PaidInFuture,
    /// The invoice's buyer has no e-mail address to send it to.
    InvoiceNoEmail,
    /// The credit-note prefix must differ from the invoice prefix.
    PrefixSame,
    /// We do not know this coupon code. Check the spelling.
    CouponUnknown,
    /// This coupon code has expired.
    CouponExpired,
    /// This coupon code has been used as often as it may be.
    CouponUsedUp,
    /// This coupon code is no longer offered.
    CouponArchived,
    /// This coupon code is not valid for your plan.
    CouponNotForPlan,
    /// A coupon code consists of letters, digits, - and _, without spaces.
    CouponCodeFormat,
    /// This coupon code is already applied.
    CouponAlreadyApplied,
    /// This code replaces the coupon {} applied now. Confirm to replace it.
    CouponReplaces(String),
    /// No coupon is applied.
    NoCoupon,
    /// Choose a percentage from 1 to 100.
    PercentRange,
    /// Enter an amount in euros greater than 0, such as 12.50.
    AmountPositive,
    /// Choose 1 to {} months.
    MonthsRange(i64),
    /// Enter a whole number of at least 1, or leave the field empty.
    AtLeastOne,
    /// Cancelling at once is the operator's action (the API asked for it).
    CancelNowOperatorOnly,
    /// Not the organisation's current subscription (an ended one).
    NotCurrentSubscription,
    /// Not an amount in euros like `12,50` (or negative).
    InvalidAmount,
    /// A module both included in a plan and offered as its add-on (named).
    IncludedAndAddon(String),
    /// The default plan cannot be archived.
    DefaultPlanArchive,
    /// Another plan already has this code.
    CodeTaken,
    /// Every seat is taken by members and open invitations (how many seats).
    NoSeatLeft(i64),
    /// Not an IBAN: unknown country, wrong length or check digits.
    IbanInvalid,
    /// Not a BIC of 8 or 11 characters (`ABNANL2A`, `DEUTDEFF500`).
    BicInvalid,
    /// An uploaded bank statement that is not XML at all.
    CamtNotXml,
    /// An ISO 20022 (or other XML) message that is not a camt.053
    /// statement (what it is instead: `pain.001`, `camt.054`, …).
    CamtWrongMessage(String),
    /// A bank statement over `domain::camt::MAX_BYTES`.
    CamtTooLarge,
    /// A camt.053 statement that breaks the standard (the cause is logged).
    CamtMalformed,
    /// A webhook URL that is not a whole `https://host/path` address (or
    /// has spaces, backslashes, a percent-encoded host, port 0).
    WebhookUrlInvalid,
    /// A webhook URL that is not `https` (or `http` where allowed).
    WebhookUrlScheme,
    /// A webhook URL with a user name or password in it.
    WebhookUrlUserinfo,
    /// A webhook URL whose host is not written in ASCII.
    WebhookUrlHost,
    /// A webhook address (the URL's, or one its name resolves to) in an
    /// internal, reserved or otherwise non-public network.
    WebhookAddressInternal,
    /// Not a signing secret: `whsec_` and at least 24 bytes in base64.
    WebhookSecretInvalid,
    /// A seller's logo that is not a PNG or JPEG picture.
    LogoType,
    /// An event type the catalogue does not know.
    WebhookEventTypeUnknown(String),
    /// The endpoint is switched off (enable it first).
    WebhookEndpointDisabled,
}

impl ErrorCode {
    /// A stable machine-readable code (for the API).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorCode::Required | ErrorCode::NoScope => "required",
            ErrorCode::TooLong(_) => "too_long",
            ErrorCode::Email => "invalid_email",
            ErrorCode::PasswordShort(_) => "password_too_short",
            ErrorCode::PasswordMismatch => "password_mismatch",
            ErrorCode::CurrentPassword => "wrong_password",
            ErrorCode::EmailTaken => "taken",
            ErrorCode::InvalidChoice => "invalid_choice",
            ErrorCode::InvalidScope(_) => "invalid_scope",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::DateInPast => "date_in_past",
            ErrorCode::Taken => "taken",
            ErrorCode::ConfirmationMismatch => "confirmation_mismatch",
            ErrorCode::InvalidSlug => "invalid_slug",
            ErrorCode::SlugTaken => "taken",
            ErrorCode::LastAdmin => "last_admin",
            ErrorCode::AlreadyMember => "already_member",
            ErrorCode::InvitationPending => "invitation_pending",
            ErrorCode::ResendTooSoon => "too_soon",
            ErrorCode::ImageType => "unsupported_image",
            ErrorCode::IconNotSquare => "not_square",
            ErrorCode::TooManyPixels { .. } => "too_many_pixels",
            ErrorCode::FileTooLarge(_) => "too_large",
            ErrorCode::NonexistentLocalTime => "nonexistent_local_time",
            ErrorCode::EndBeforeStart => "end_before_start",
            ErrorCode::MeetingTooLong(_) => "too_long",
            ErrorCode::NotAMember => "not_a_member",
            ErrorCode::InvalidDateTime => "invalid_datetime",
            ErrorCode::HourRange => "hour_range",
            ErrorCode::HoursBothOrNeither => "hours_both_or_neither",
            ErrorCode::HoursOrder => "hours_order",
            ErrorCode::InvalidMobile => "invalid_mobile",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::UnknownExtension => "unknown_extension",
            ErrorCode::UnknownField(_) => "unknown_field",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::InvalidReference => "invalid_reference",
            ErrorCode::ContactNotOfCustomer => "contact_not_of_customer",
            ErrorCode::InvalidPostalCodeNl => "invalid_postal_code",
            ErrorCode::InvalidVatId(_) => "invalid_vat_id",
            ErrorCode::VatCountryMismatch(_) => "vat_country_mismatch",
            ErrorCode::InvalidKvk => "invalid_kvk_number",
            ErrorCode::KvkOnlyNl => "kvk_only_nl",
            ErrorCode::PlanArchived => "plan_archived",
            ErrorCode::SeatsAtLeastOne => "seats_too_few",
            ErrorCode::SeatsAtMost(_) => "seats_too_many",
            ErrorCode::SeatsBelowMembers(_) => "seats_below_members",
            ErrorCode::ModuleNotOffered(_) => "module_not_offered",
            ErrorCode::BillingDetailsMissing => "billing_details_missing",
            ErrorCode::AlreadySubscribed => "already_subscribed",
            ErrorCode::NothingToCancel => "nothing_to_cancel",
            ErrorCode::NothingToUndo => "nothing_to_undo",
            ErrorCode::DaysRange(_) => "days_out_of_range",
            ErrorCode::NotTrialing => "not_trialing",
            ErrorCode::NotRunning => "not_running",
            ErrorCode::CancelPending => "cancel_pending",
            ErrorCode::TooManyOrganizations(_) => "too_many_organizations",
            ErrorCode::NoAdminForNewOrganization => "no_admin_for_new_organization",
            ErrorCode::SellerIncomplete => "seller_incomplete",
            ErrorCode::InvoiceNotDraft => "invoice_not_draft",
            ErrorCode::InvoiceNotFinalized => "invoice_not_finalized",
            ErrorCode::InvoiceAlreadyVoid => "invoice_already_void",
            ErrorCode::InvoiceAlreadyPaid => "invoice_already_paid",
            ErrorCode::InvoiceIsCreditNote => "invoice_is_credit_note",
            ErrorCode::PrefixFormat => "prefix_format",
            ErrorCode::PaidInFuture => "paid_in_future",
            ErrorCode::InvoiceNoEmail => "invoice_no_email",
            ErrorCode::PrefixSame => "prefix_same",
            ErrorCode::CouponUnknown => "coupon_unknown",
            ErrorCode::CouponExpired => "coupon_expired",
            ErrorCode::CouponUsedUp => "coupon_used_up",
            ErrorCode::CouponArchived => "coupon_archived",
            ErrorCode::CouponNotForPlan => "coupon_not_for_plan",
            ErrorCode::CouponCodeFormat => "coupon_code_format",
            ErrorCode::CouponAlreadyApplied => "coupon_already_applied",
            ErrorCode::CouponReplaces(_) => "coupon_replaces",
            ErrorCode::NoCoupon => "no_coupon",
            ErrorCode::PercentRange => "percent_range",
            ErrorCode::AmountPositive => "amount_positive",
            ErrorCode::MonthsRange(_) => "months_range",
            ErrorCode::AtLeastOne => "at_least_one",
            ErrorCode::CancelNowOperatorOnly => "cancel_now_operator_only",
            ErrorCode::NotCurrentSubscription => "not_current_subscription",
            ErrorCode::InvalidAmount => "invalid_amount",
            ErrorCode::IncludedAndAddon(_) => "included_and_addon",
            ErrorCode::DefaultPlanArchive => "default_plan_archive",
            ErrorCode::CodeTaken => "taken",
            ErrorCode::NoSeatLeft(_) => "no_seat_left",
            ErrorCode::IbanInvalid => "invalid_iban",
            ErrorCode::BicInvalid => "invalid_bic",
            ErrorCode::CamtNotXml => "camt_not_xml",
            ErrorCode::CamtWrongMessage(_) => "camt_wrong_message",
            ErrorCode::CamtTooLarge => "camt_too_large",
            ErrorCode::CamtMalformed => "camt_malformed",
            ErrorCode::WebhookUrlInvalid => "webhook_url_invalid",
            ErrorCode::WebhookUrlScheme => "webhook_url_scheme",
            ErrorCode::WebhookUrlUserinfo => "webhook_url_userinfo",
            ErrorCode::WebhookUrlHost => "webhook_url_host",
            ErrorCode::WebhookAddressInternal => "webhook_address_internal",
            ErrorCode::WebhookSecretInvalid => "webhook_secret_invalid",
            ErrorCode::LogoType => "unsupported_image",
            ErrorCode::WebhookEventTypeUnknown(_) => "webhook_event_type_unknown",
            ErrorCode::WebhookEndpointDisabled => "webhook_endpoint_disabled",
        }
    }

    /// The message in the language of `t`.
    pub fn message(&self, t: &Messages) -> String {
        match self {
            ErrorCode::Required => t.err_required.into(),
            ErrorCode::NoScope => t.err_no_scope.into(),
            ErrorCode::TooLong(n) => fill(t.err_too_long, &[n]),
            ErrorCode::Email => t.err_email.into(),
            ErrorCode::PasswordShort(n) => fill(t.err_password_short, &[n]),
            ErrorCode::PasswordMismatch => t.err_password_mismatch.into(),
            ErrorCode::CurrentPassword => t.err_current_password.into(),
            ErrorCode::EmailTaken => t.err_email_taken.into(),
            ErrorCode::InvalidChoice => t.err_invalid_choice.into(),
            ErrorCode::InvalidScope(s) => fill(t.err_invalid_scope, &[s]),
            ErrorCode::InvalidDate => t.err_invalid_date.into(),
            ErrorCode::DateInPast => t.err_date_in_past.into(),
            ErrorCode::Taken => t.err_taken.into(),
            ErrorCode::ConfirmationMismatch => t.err_confirmation.into(),
            ErrorCode::InvalidSlug => t.err_slug.into(),
            ErrorCode::SlugTaken => t.err_slug_taken.into(),
            ErrorCode::LastAdmin => t.err_last_admin.into(),
            ErrorCode::AlreadyMember => t.err_already_member.into(),
            ErrorCode::InvitationPending => t.err_invitation_pending.into(),
            ErrorCode::ResendTooSoon => t.err_resend_too_soon.into(),
            ErrorCode::ImageType => t.err_image_type.into(),
            ErrorCode::IconNotSquare => t.err_icon_square.into(),
            ErrorCode::TooManyPixels { icon: true } => t.err_icon_pixels.into(),
            ErrorCode::TooManyPixels { icon: false } => t.err_logo_pixels.into(),
            ErrorCode::FileTooLarge(kib) => fill(t.err_file_too_large, &[kib]),
            ErrorCode::NonexistentLocalTime => t.err_nonexistent_time.into(),
            ErrorCode::EndBeforeStart => t.err_end_before_start.into(),
            ErrorCode::MeetingTooLong(days) => fill(t.err_meeting_too_long, &[days]),
            ErrorCode::NotAMember => t.err_not_a_member.into(),
            ErrorCode::InvalidDateTime => t.err_invalid_datetime.into(),
            ErrorCode::HourRange => t.err_hour_range.into(),
            ErrorCode::HoursBothOrNeither => t.err_hours_both.into(),
            ErrorCode::HoursOrder => t.err_hours_order.into(),
            ErrorCode::InvalidMobile => t.err_invalid_mobile.into(),
            ErrorCode::InvalidPhone => t.err_invalid_phone.into(),
            ErrorCode::UnknownExtension => t.err_unknown_extension.into(),
            ErrorCode::UnknownField(_) => t.err_unknown_field.into(),
            ErrorCode::InvalidType => t.err_invalid_type.into(),
            ErrorCode::InvalidReference => t.err_invalid_reference.into(),
            ErrorCode::ContactNotOfCustomer => t.err_contact_not_of_customer.into(),
            ErrorCode::InvalidPostalCodeNl => t.err_postal_code_nl.into(),
            ErrorCode::InvalidVatId(example) => fill(t.err_vat_id, &[example]),
            ErrorCode::VatCountryMismatch(prefix) => fill(t.err_vat_country, &[prefix]),
            ErrorCode::InvalidKvk => t.err_kvk.into(),
            ErrorCode::KvkOnlyNl => t.err_kvk_only_nl.into(),
            ErrorCode::PlanArchived => t.err_plan_archived.into(),
            ErrorCode::SeatsAtLeastOne => t.err_seats_at_least_one.into(),
            ErrorCode::SeatsAtMost(n) => fill(t.err_seats_at_most, &[n]),
            ErrorCode::SeatsBelowMembers(n) => fill(t.err_seats_below_members, &[n]),
            ErrorCode::ModuleNotOffered(m) => fill(t.err_module_not_offered, &[m]),
            ErrorCode::BillingDetailsMissing => t.err_billing_details_missing.into(),
            ErrorCode::AlreadySubscribed => t.err_already_subscribed.into(),
            ErrorCode::NothingToCancel => t.err_nothing_to_cancel.into(),
            ErrorCode::NothingToUndo => t.err_nothing_to_undo.into(),
            ErrorCode::DaysRange(n) => fill(t.err_days_range, &[n]),
            ErrorCode::NotTrialing => t.err_not_trialing.into(),
            ErrorCode::NotRunning => t.err_not_running.into(),
            ErrorCode::CancelPending => t.err_cancel_pending.into(),
            ErrorCode::TooManyOrganizations(n) => fill(t.err_too_many_organizations, &[n]),
            ErrorCode::NoAdminForNewOrganization => t.err_no_admin_for_new_organization.to_string(),
            ErrorCode::SellerIncomplete => t.err_seller_incomplete.to_string(),
            ErrorCode::InvoiceNotDraft => t.err_invoice_not_draft.to_string(),
            ErrorCode::InvoiceNotFinalized => t.err_invoice_not_finalized.to_string(),
            ErrorCode::InvoiceAlreadyVoid => t.err_invoice_already_void.to_string(),
            ErrorCode::InvoiceAlreadyPaid => t.err_invoice_already_paid.to_string(),
            ErrorCode::InvoiceIsCreditNote => t.err_invoice_is_credit_note.to_string(),
            ErrorCode::PrefixFormat => t.err_prefix_format.to_string(),
            ErrorCode::PaidInFuture => t.err_paid_in_future.to_string(),
            ErrorCode::InvoiceNoEmail => t.pinv_err_no_email.to_string(),
            ErrorCode::PrefixSame => t.err_prefix_same.to_string(),
            ErrorCode::CouponUnknown => t.err_coupon_unknown.into(),
            ErrorCode::CouponExpired => t.err_coupon_expired.into(),
            ErrorCode::CouponUsedUp => t.err_coupon_used_up.into(),
            ErrorCode::CouponArchived => t.err_coupon_archived.into(),
            ErrorCode::CouponNotForPlan => t.err_coupon_not_for_plan.into(),
            ErrorCode::CouponCodeFormat => t.err_coupon_code_format.into(),
            ErrorCode::CouponAlreadyApplied => t.err_coupon_already_applied.into(),
            ErrorCode::CouponReplaces(code) => fill(t.err_coupon_replaces, &[code]),
            ErrorCode::NoCoupon => t.err_no_coupon.into(),
            ErrorCode::PercentRange => t.err_percent_range.into(),
            ErrorCode::AmountPositive => t.err_amount_positive.into(),
            ErrorCode::MonthsRange(n) => fill(t.err_months_range, &[n]),
            ErrorCode::AtLeastOne => t.err_at_least_one.into(),
            ErrorCode::CancelNowOperatorOnly => t.err_cancel_now_operator_only.into(),
            ErrorCode::NotCurrentSubscription => t.err_not_current_subscription.into(),
            ErrorCode::InvalidAmount => t.err_invalid_amount.into(),
            ErrorCode::IncludedAndAddon(m) => fill(t.err_included_and_addon, &[m]),
            ErrorCode::DefaultPlanArchive => t.err_default_plan_archive.into(),
            ErrorCode::CodeTaken => t.err_code_taken.into(),
            ErrorCode::NoSeatLeft(n) => fill(t.err_no_seat_left, &[n]),
            ErrorCode::IbanInvalid => t.err_iban_invalid.into(),
            ErrorCode::BicInvalid => t.err_bic_invalid.into(),
            ErrorCode::CamtNotXml => t.err_camt_not_xml.into(),
            ErrorCode::CamtWrongMessage(found) => fill(t.err_camt_wrong_message, &[found]),
            ErrorCode::CamtTooLarge => t.err_camt_too_large.into(),
            ErrorCode::CamtMalformed => t.err_camt_malformed.into(),
            ErrorCode::WebhookUrlInvalid => t.err_webhook_url_invalid.into(),
            ErrorCode::WebhookUrlScheme => t.err_webhook_url_scheme.into(),
            ErrorCode::WebhookUrlUserinfo => t.err_webhook_url_userinfo.into(),
            ErrorCode::WebhookUrlHost => t.err_webhook_url_host.into(),
            ErrorCode::WebhookAddressInternal => t.err_webhook_address_internal.into(),
            ErrorCode::WebhookSecretInvalid => t.err_webhook_secret_invalid.into(),
            ErrorCode::LogoType => t.err_logo_type.into(),
            ErrorCode::WebhookEventTypeUnknown(v) => fill(t.err_webhook_event_type_unknown, &[v]),
            ErrorCode::WebhookEndpointDisabled => t.err_webhook_endpoint_disabled.into(),
        }
    }
}

/// Validation errors by field, in the order the fields appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, ErrorCode)>);

impl FieldErrors {
    /// Add an error for `field`.
    pub fn add(&mut self, field: &'static str, code: ErrorCode) {
        self.0.push((field, code));
    }

    /// No errors?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error of `field`.
    pub fn get(&self, field: &str) -> Option<&ErrorCode> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, c)| c)
    }

    /// `Ok(())` when empty, else the errors as an [`AppError`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

/// Every failure a request can end in.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown id, or another organisation's id: the two are indistinguishable.
    #[error("not found")]
    NotFound,
    /// The actor may not do this; names the operation and scope when known.
    #[error("forbidden")]
    Forbidden {
        operation: Option<Operation>,
        missing: Option<Scope>,
    },
    /// The operation belongs to a module the organisation's subscription
    /// does not give (now).
    #[error("module not subscribed: {module}")]
    ModuleNotSubscribed {
        module: Module,
        operation: Option<Operation>,
    },
    /// The user belongs to no organisation.
    #[error("no organisation")]
    NoOrganization,
    /// Not logged in.
    #[error("login required")]
    LoginRequired,
    /// A path under `/api/v1` that no route takes.
    #[error("no such route")]
    UnknownRoute,
    /// An API request without a live bearer token.
    #[error("invalid token")]
    InvalidToken,
    /// `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    /// A body of a content type the route does not take (named).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// Missing or wrong CSRF token, or a cross-origin form post.
    #[error("csrf check failed")]
    Csrf,
    /// Input that breaks a rule, field by field.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// A stale version was saved.
    #[error("conflict")]
    Conflict,
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    Throttled { retry_after_secs: i64 },
    /// The password hasher's queue is full; try again after this many seconds.
    #[error("busy")]
    Busy { retry_after_secs: i64 },
    /// A request that cannot be understood.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A body over the size limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Anything else; the cause goes to the log, never to the user.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Forbidden for `op`, naming the scope it needs.
    pub fn forbidden(op: Operation) -> Self {
        AppError::Forbidden {
            operation: Some(op),
            missing: Some(op.required_scope()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(e.into())
    }
}

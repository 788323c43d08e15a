//! Languages and their messages.
//!
//! [`Messages`] is a typed struct: a message missing in either language is a
//! compile error. Messages with a value carry `{}` placeholders, filled with
//! [`fill`]; a test checks both languages have the same placeholders.
//!
//! Over 700 lines because [`Messages`] declares every message of the
//! product once (`nl.rs` and `en.rs` fill it in); the dates, numbers and
//! audit labels per language follow it.

mod en;
mod nl;

use chrono::{Datelike, NaiveDateTime, TimeZone, Timelike};
use serde::Serialize;

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Nederlands (the default).
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Both languages, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// ISO 639-1 code, as used in `<html lang>` and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language's own name ("Nederlands", "English").
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    /// Parse a code such as `nl`, `en`, `en-GB`.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, honouring
    /// q-values.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag)
                && q > 0.0
                && best.is_none_or(|(_, bq)| q > bq)
            {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l)
    }

    /// This language's messages.
    pub fn t(self) -> &'static Messages {
        match self {
            Lang::Nl => &nl::MESSAGES,
            Lang::En => &en::MESSAGES,
        }
    }

    /// A day as people write it: "23 nov. 2026" / "23 Nov 2026".
    pub fn date(self, day: chrono::NaiveDate) -> String {
        format!(
            "{} {} {}",
            day.day(),
            self.t().months[day.month0() as usize],
            day.year()
        )
    }

    /// A day written out: "31 maart 2027" / "31 March 2027".
    pub fn long_date(self, day: chrono::NaiveDate) -> String {
        format!(
            "{} {} {}",
            day.day(),
            self.t().months_long[day.month0() as usize],
            day.year()
        )
    }

    /// An amount of euro cents: "€ 1.234,56" / "€1,234.56" (a minus before
    /// the sign when below zero).
    pub fn money(self, cents: i64) -> String {
        let (sign, abs) = if cents < 0 {
            ("-", cents.unsigned_abs())
        } else {
            ("", cents.unsigned_abs())
        };
        let (euros, rest) = (abs / 100, abs % 100);
        let (group, decimal, space) = match self {
            Lang::Nl => ('.', ',', " "),
            Lang::En => (',', '.', ""),
        };
        let digits = euros.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        format!("{sign}€{space}{grouped}{decimal}{rest:02}")
    }

    /// A moment as people write it: "23 nov. 2026 14:05" / "23 Nov 2026 14:05",
    /// in the given time zone.
    pub fn datetime(self, utc: NaiveDateTime, tz: chrono_tz::Tz) -> String {
        let local = tz.from_utc_datetime(&utc);
        format!(
            "{} {} {} {:02}:{:02}",
            local.day(),
            self.t().months[local.month0() as usize],
            local.year(),
            local.hour(),
            local.minute()
        )
    }
}

/// Fill the `{}` placeholders of a message in order.
pub fn fill(template: &str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(pos) = rest.find("{}") {
        out.push_str(&rest[..pos]);
        if let Some(v) = values.next() {
            out.push_str(&v.to_string());
        }
        rest = &rest[pos + 2..];
    }
    out.push_str(rest);
    out
}

/// Every text of the interface, in one language.
#[derive(Debug, Serialize)]
pub struct Messages {
    pub months: [&'static str; 12],
    /// Month names written out ("maart", "March").
    pub months_long: [&'static str; 12],
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    /// The header link to /platform (operators only).
    pub nav_platform: &'static str,
    /// The platform's name in its header and titles.
    pub platform_name: &'static str,
    /// Beside an operator's name in the platform's header.
    pub platform_operator: &'static str,
    /// The platform's link back to the operator's organisation.
    pub platform_to_backoffice: &'static str,
    /// The title of /platform.
    pub platform_organizations: &'static str,
    /// Under the title of /platform.
    pub platform_organizations_intro: &'static str,
    /// The search field of /platform.
    pub platform_search: &'static str,
    /// /platform's search found nothing.
    pub platform_no_match: &'static str,
    /// A column of /platform.
    pub platform_members: &'static str,
    /// A column of /platform.
    pub platform_created: &'static str,
    pub err_invalid_amount: &'static str,
    pub err_included_and_addon: &'static str,
    pub err_default_plan_archive: &'static str,
    pub err_code_taken: &'static str,
    pub platform_navigation: &'static str,
    pub platform_plans: &'static str,
    pub platform_plan: &'static str,
    pub platform_status: &'static str,
    pub platform_seats: &'static str,
    pub platform_trial_end: &'static str,
    pub platform_mrr: &'static str,
    pub platform_mrr_long: &'static str,
    pub platform_total_mrr: &'static str,
    pub platform_status_trialing: &'static str,
    pub platform_status_active: &'static str,
    pub platform_status_awaiting: &'static str,
    pub platform_status_past_due: &'static str,
    pub platform_status_canceled: &'static str,
    pub platform_no_subscription: &'static str,
    pub platform_subscription: &'static str,
    pub platform_period: &'static str,
    pub platform_interval: &'static str,
    pub platform_interval_month: &'static str,
    pub platform_interval_year: &'static str,
    pub platform_modules: &'static str,
    pub platform_cancel_at: &'static str,
    pub platform_all_organizations: &'static str,
    pub platform_extend_trial: &'static str,
    pub platform_days: &'static str,
    pub platform_days_hint: &'static str,
    pub platform_change_plan: &'static str,
    pub platform_change_plan_hint: &'static str,
    pub platform_new_plan_choice: &'static str,
    pub platform_choose_plan: &'static str,
    pub platform_cancel_now: &'static str,
    pub platform_cancel_now_hint: &'static str,
    pub platform_confirm_extend: &'static str,
    pub platform_confirm_change: &'static str,
    pub platform_confirm_cancel: &'static str,
    pub platform_confirm: &'static str,
    pub platform_flash_trial_extended: &'static str,
    pub platform_flash_plan_changed: &'static str,
    pub platform_flash_canceled: &'static str,
    pub platform_flash_plan_saved: &'static str,
    pub platform_flash_plan_archived: &'static str,
    pub platform_flash_plan_unarchived: &'static str,
    pub platform_flash_plan_default: &'static str,
    pub platform_plans_intro: &'static str,
    pub platform_plan_new: &'static str,
    pub platform_plan_edit: &'static str,
    pub platform_code: &'static str,
    pub platform_code_hint: &'static str,
    pub platform_name_nl: &'static str,
    pub platform_name_en: &'static str,
    pub platform_names: &'static str,
    pub platform_price_month: &'static str,
    pub platform_price_year: &'static str,
    pub platform_price_hint: &'static str,
    pub platform_prices: &'static str,
    pub platform_per_month: &'static str,
    pub platform_per_year: &'static str,
    pub platform_included: &'static str,
    pub platform_addons: &'static str,
    pub platform_addons_hint: &'static str,
    pub platform_addon_offer: &'static str,
    pub platform_addon_month: &'static str,
    pub platform_addon_year: &'static str,
    /// The plan form's box that includes a module (named).
    pub platform_include_module: &'static str,
    pub platform_in_use: &'static str,
    pub platform_archived: &'static str,
    pub platform_default: &'static str,
    pub platform_none: &'static str,
    pub platform_edit: &'static str,
    pub platform_archive: &'static str,
    pub platform_unarchive: &'static str,
    pub platform_make_default: &'static str,
    pub platform_confirm_archive: &'static str,
    pub platform_confirm_unarchive: &'static str,
    pub platform_confirm_default: &'static str,
    pub platform_price_change_note: &'static str,
    pub platform_plan_actions: &'static str,
    pub main_navigation: &'static str,
    /// The button that opens the navigation on a phone.
    pub menu: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_locations: &'static str,
    pub nav_meetings: &'static str,
    pub nav_customers: &'static str,
    pub nav_settings: &'static str,
    pub nav_organization: &'static str,
    pub nav_users: &'static str,
    pub nav_api_clients: &'static str,
    pub nav_subscription: &'static str,
    pub nav_audit_log: &'static str,
    pub nav_account: &'static str,
    pub organization: &'static str,
    pub switch_organization: &'static str,
    pub switch: &'static str,
    pub language: &'static str,
    pub choose_language: &'static str,
    pub logout: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub role_access: &'static str,
    pub role_backoffice: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub login_failed: &'static str,
    pub login_throttled: &'static str,

    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub organization_name: &'static str,
    pub your_name: &'static str,
    pub password_hint: &'static str,
    pub password_confirm: &'static str,
    pub setup_button: &'static str,

    pub err_required: &'static str,
    pub err_too_long: &'static str,
    pub err_email: &'static str,
    pub err_password_short: &'static str,
    pub err_password_mismatch: &'static str,
    pub err_current_password: &'static str,
    pub err_email_taken: &'static str,
    pub err_invalid_choice: &'static str,
    pub err_invalid_scope: &'static str,
    pub err_invalid_date: &'static str,
    pub err_date_in_past: &'static str,
    pub err_taken: &'static str,
    pub err_confirmation: &'static str,
    pub err_stale: &'static str,
    pub err_no_scope: &'static str,
    /// The heading of the error summary.
    pub error_summary_title: &'static str,
    /// Before the page title when the page shows errors.
    pub error_title_prefix: &'static str,

    pub account_title: &'static str,
    pub account_profile: &'static str,
    pub name: &'static str,
    pub language_auto: &'static str,
    pub language_hint: &'static str,
    pub password_change_title: &'static str,
    pub password_change_hint: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub change_password_button: &'static str,

    pub flash_account_saved: &'static str,
    pub flash_password_changed: &'static str,
    pub flash_logged_out: &'static str,
    pub flash_organization_switched: &'static str,
    pub flash_welcome: &'static str,

    pub dashboard_title: &'static str,
    pub dashboard_welcome: &'static str,
    pub dashboard_intro: &'static str,
    pub your_role: &'static str,
    pub members: &'static str,
    pub your_organizations: &'static str,
    pub last_login: &'static str,
    pub never: &'static str,
    pub recent_activity: &'static str,
    pub no_activity: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub what: &'static str,
    pub dash_my_meetings: &'static str,
    pub dash_today: &'static str,
    pub dash_later_this_week: &'static str,
    /// Past the dashboard's first meetings: `{}` more, a link to the week.
    pub dash_more_meetings: &'static str,
    pub dash_no_meetings_today: &'static str,
    pub dash_no_meetings_week: &'static str,
    pub dash_plan_meeting: &'static str,
    pub dash_meeting_untitled: &'static str,
    pub dash_quick_actions: &'static str,
    pub dash_my_customers: &'static str,
    pub dash_no_customers: &'static str,
    pub dash_attention: &'static str,
    pub dash_all_fine: &'static str,
    pub dash_pending_invitations: &'static str,
    pub dash_failed_mail: &'static str,
    pub dash_api_clients: &'static str,
    pub dash_client_disabled: &'static str,
    pub dash_client_expired: &'static str,
    pub dash_client_expiring: &'static str,
    pub dash_client_unused: &'static str,

    pub error_title: &'static str,
    pub error_title_403: &'static str,
    pub error_title_404: &'static str,
    pub error_400: &'static str,
    pub error_403: &'static str,
    pub error_403_scope: &'static str,
    pub error_404: &'static str,
    /// A page inside the backoffice that is not there.
    pub error_404_in_app: &'static str,
    /// What a member's role does not allow, in plain words ({} the organisation).
    pub error_403_admins: &'static str,
    pub error_code: &'static str,
    pub error_409: &'static str,
    pub error_413: &'static str,
    pub error_422: &'static str,
    pub error_429: &'static str,
    pub error_503: &'static str,
    pub page_beyond: &'static str,
    pub meet_week_unreadable: &'static str,
    pub meet_subject: &'static str,
    pub meet_subject_hint: &'static str,
    pub page_last: &'static str,
    pub error_500: &'static str,
    pub error_csrf: &'static str,
    pub error_401_token: &'static str,
    pub error_403_operation: &'static str,
    pub error_404_route: &'static str,
    pub error_412: &'static str,
    pub error_415: &'static str,
    pub error_json: &'static str,
    pub err_unknown_field: &'static str,
    pub err_invalid_type: &'static str,
    pub err_invalid_reference: &'static str,
    pub error_no_organization: &'static str,
    pub back_to_start: &'static str,

    pub search: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub pagination: &'static str,
    pub showing: &'static str,
    pub ac_title: &'static str,
    pub ac_new: &'static str,
    pub ac_intro: &'static str,
    pub ac_empty: &'static str,
    pub ac_no_match: &'static str,
    pub ac_search: &'static str,
    pub ac_client_id: &'static str,
    pub ac_scopes: &'static str,
    pub ac_status: &'static str,
    pub ac_created: &'static str,
    pub ac_created_by: &'static str,
    pub ac_last_used: &'static str,
    pub ac_never_used: &'static str,
    pub ac_status_active: &'static str,
    pub ac_status_disabled: &'static str,
    pub ac_status_expired: &'static str,
    pub ac_idle_30: &'static str,
    pub ac_idle_90: &'static str,
    pub ac_description: &'static str,
    pub ac_description_hint: &'static str,
    pub ac_expires: &'static str,
    pub ac_expires_hint: &'static str,
    pub ac_expires_never: &'static str,
    /// The last day a client works ({} the day).
    pub ac_expires_through: &'static str,
    pub ac_scopes_legend: &'static str,
    pub ac_scopes_hint: &'static str,
    pub ac_level_read: &'static str,
    pub ac_level_write: &'static str,
    pub ac_level_admin: &'static str,
    pub ac_implies_read: &'static str,
    pub ac_implies_write: &'static str,
    pub ac_resource: &'static str,
    pub ac_matrix_title: &'static str,
    pub ac_matrix_live_hint: &'static str,
    pub ac_operation: &'static str,
    pub ac_allowed: &'static str,
    pub ac_not_allowed: &'static str,
    pub ac_partially: &'static str,
    pub ac_create_button: &'static str,
    pub ac_secret_title: &'static str,
    pub ac_secret_warning: &'static str,
    pub ac_secret: &'static str,
    pub ac_copy: &'static str,
    pub ac_copied: &'static str,
    pub ac_secret_gone: &'static str,
    pub ac_to_client: &'static str,
    pub ac_details: &'static str,
    pub ac_edit: &'static str,
    pub ac_edit_title: &'static str,
    pub ac_secrets: &'static str,
    pub ac_secret_valid_until: &'static str,
    pub ac_secret_no_end: &'static str,
    pub ac_rotate: &'static str,
    pub ac_rotate_hint: &'static str,
    pub ac_grace: &'static str,
    pub ac_grace_now: &'static str,
    pub ac_grace_1h: &'static str,
    pub ac_grace_24h: &'static str,
    pub ac_grace_7d: &'static str,
    pub ac_disable: &'static str,
    pub ac_enable: &'static str,
    pub ac_disable_hint: &'static str,
    /// "{} of {} operations allowed".
    pub ac_matrix_summary: &'static str,
    /// Appended when some are allowed in part: ", {} of them in part".
    pub ac_matrix_summary_partly: &'static str,
    pub ac_matrix_only_allowed: &'static str,
    pub ac_disable_title: &'static str,
    /// What blocking does ({} the client's name).
    pub ac_disable_text: &'static str,
    pub ac_delete: &'static str,
    pub ac_delete_title: &'static str,
    pub ac_delete_warning: &'static str,
    pub ac_delete_confirm_label: &'static str,
    pub ac_tester_title: &'static str,
    pub ac_tester_button: &'static str,
    pub ac_tester_allowed: &'static str,
    pub ac_tester_denied: &'static str,
    pub ac_confirm_title: &'static str,
    pub ac_confirm_intro: &'static str,
    pub ac_scopes_added: &'static str,
    pub ac_scopes_removed: &'static str,
    pub ac_ops_added: &'static str,
    pub ac_ops_removed: &'static str,
    pub ac_confirm_button: &'static str,
    pub ac_flash_saved: &'static str,
    pub ac_flash_disabled: &'static str,
    pub ac_flash_enabled: &'static str,
    pub ac_flash_deleted: &'static str,
    pub res_organization: &'static str,
    pub res_users: &'static str,
    pub res_locations: &'static str,
    pub res_meetings: &'static str,
    pub res_customers: &'static str,
    pub res_subscriptions: &'static str,
    pub res_invoices: &'static str,
    pub res_languages: &'static str,
    pub res_countries: &'static str,
    pub res_audit: &'static str,
    pub res_api_clients: &'static str,
    pub res_webhooks: &'static str,
    pub err_slug: &'static str,
    pub err_slug_taken: &'static str,
    pub org_title: &'static str,
    pub org_slug: &'static str,
    pub org_slug_hint: &'static str,
    pub org_default_language: &'static str,
    pub org_default_language_hint: &'static str,
    pub org_time_zone: &'static str,
    pub org_time_zone_hint: &'static str,
    pub org_current_values: &'static str,
    pub org_flash_saved: &'static str,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_actor: &'static str,
    pub audit_all_actors: &'static str,
    pub audit_resource: &'static str,
    pub audit_all_resources: &'static str,
    pub audit_from: &'static str,
    pub audit_until: &'static str,
    pub audit_filter: &'static str,
    pub audit_reset: &'static str,
    pub audit_time: &'static str,
    pub audit_action: &'static str,
    pub audit_record: &'static str,
    pub audit_ip: &'static str,
    pub audit_changes: &'static str,
    pub audit_before: &'static str,
    pub audit_after: &'static str,
    /// The disclosure of an event's changed fields.
    pub audit_show_changes: &'static str,
    /// The column of a changed field's name.
    pub audit_field: &'static str,
    /// A true value in the changes.
    pub audit_yes: &'static str,
    /// A false value in the changes.
    pub audit_no: &'static str,
    /// An empty value in the changes.
    pub audit_empty_value: &'static str,
    /// Beside the name of a record that was deleted since.
    pub audit_gone: &'static str,
    pub audit_empty: &'static str,
    pub audit_kind_user: &'static str,
    pub audit_kind_api_client: &'static str,
    pub audit_kind_system: &'static str,
    pub audit_kind_anonymous: &'static str,
    pub err_last_admin: &'static str,
    pub err_already_member: &'static str,
    pub err_invitation_pending: &'static str,
    pub err_resend_too_soon: &'static str,
    pub users_title: &'static str,
    pub users_intro: &'static str,
    pub users_search: &'static str,
    pub users_role: &'static str,
    pub users_change_role: &'static str,
    pub users_remove: &'static str,
    pub users_remove_title: &'static str,
    pub users_remove_text: &'static str,
    pub users_disable: &'static str,
    pub users_enable: &'static str,
    pub users_disable_title: &'static str,
    pub users_disable_text: &'static str,
    pub users_disabled: &'static str,
    pub users_you: &'static str,
    pub users_invite_title: &'static str,
    pub users_invite_button: &'static str,
    pub users_invite_hint: &'static str,
    pub users_invite_link: &'static str,
    pub users_invitations: &'static str,
    pub users_invited_by: &'static str,
    pub users_expires: &'static str,
    pub users_expired: &'static str,
    pub users_flash_sent: &'static str,
    pub users_flash_stored: &'static str,
    pub users_flash_resent: &'static str,
    pub users_flash_resent_stored: &'static str,
    pub users_flash_revoked: &'static str,
    pub users_inv_actions: &'static str,
    pub users_inv_resend: &'static str,
    pub users_inv_resend_for: &'static str,
    pub users_inv_revoke: &'static str,
    pub users_inv_revoke_for: &'static str,
    pub users_inv_revoke_title: &'static str,
    pub users_inv_revoke_text: &'static str,
    pub users_flash_role: &'static str,
    pub users_flash_removed: &'static str,
    pub users_flash_disabled: &'static str,
    pub users_flash_enabled: &'static str,
    pub invite_title: &'static str,
    pub invite_intro: &'static str,
    pub invite_have_account: &'static str,
    pub invite_login_text: &'static str,
    pub invite_login: &'static str,
    pub invite_new_title: &'static str,
    pub invite_new_text: &'static str,
    pub invite_create: &'static str,
    pub invite_signed_in: &'static str,
    pub invite_other_account: &'static str,
    pub invite_exists: &'static str,
    pub invite_accept: &'static str,
    pub invite_gone_title: &'static str,
    pub invite_gone: &'static str,
    pub invite_flash_accepted: &'static str,
    pub login_for_invitation: &'static str,
    pub login_forgot: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_button: &'static str,
    pub forgot_sent: &'static str,
    pub forgot_back: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub reset_button: &'static str,
    pub outbox_title: &'static str,
    pub outbox_intro: &'static str,
    pub outbox_to: &'static str,
    pub outbox_subject: &'static str,
    pub outbox_status: &'static str,
    pub outbox_empty: &'static str,
    pub outbox_text: &'static str,
    pub outbox_html: &'static str,
    pub outbox_status_stored: &'static str,
    pub outbox_status_sent: &'static str,
    pub outbox_status_failed: &'static str,
    pub outbox_status_canceled: &'static str,
    pub nav_outbox: &'static str,
    pub nav_languages: &'static str,
    pub lang_title: &'static str,
    pub lang_intro: &'static str,
    pub lang_enabled_title: &'static str,
    pub lang_none_enabled: &'static str,
    pub lang_all_title: &'static str,
    pub lang_all_hint: &'static str,
    pub lang_search: &'static str,
    pub lang_code: &'static str,
    pub lang_action: &'static str,
    pub lang_enable: &'static str,
    pub lang_disable: &'static str,
    pub lang_is_enabled: &'static str,
    pub lang_no_match: &'static str,
    pub lang_flash_enabled: &'static str,
    pub lang_flash_disabled: &'static str,
    pub err_image_type: &'static str,
    pub err_icon_square: &'static str,
    pub err_logo_pixels: &'static str,
    pub err_icon_pixels: &'static str,
    pub err_file_too_large: &'static str,
    pub img_logo: &'static str,
    pub img_choose_file: &'static str,
    pub img_no_file: &'static str,
    pub img_icon: &'static str,
    pub img_file: &'static str,
    pub img_logo_hint: &'static str,
    pub img_icon_hint: &'static str,
    pub img_upload: &'static str,
    pub img_remove: &'static str,
    pub img_none: &'static str,
    pub img_size: &'static str,
    pub img_flash_saved: &'static str,
    pub img_flash_removed: &'static str,
    pub nav_mail_footer: &'static str,
    pub footer_title: &'static str,
    pub footer_intro: &'static str,
    pub footer_label: &'static str,
    pub footer_hint: &'static str,
    pub footer_preview: &'static str,
    pub footer_preview_text: &'static str,
    pub footer_preview_empty: &'static str,
    pub footer_flash_saved: &'static str,
    pub clear_title: &'static str,
    pub clear_intro: &'static str,
    pub clear_warning: &'static str,
    pub clear_button: &'static str,
    pub clear_confirm_label: &'static str,
    pub clear_flash: &'static str,
    pub loc_flash_saved: &'static str,
    pub loc_flash_deleted: &'static str,
    pub meet_flash_saved: &'static str,
    pub meet_flash_deleted: &'static str,
    /// The button in the flash after a deletion that brings the record back.
    pub undo: &'static str,
    pub flash_nothing_to_undo: &'static str,
    pub meet_flash_restored: &'static str,
    pub contact_flash_restored: &'static str,
    pub err_hour_range: &'static str,
    pub err_hours_both: &'static str,
    pub err_hours_order: &'static str,
    pub loc_title: &'static str,
    pub loc_intro: &'static str,
    pub loc_new: &'static str,
    pub loc_search: &'static str,
    pub loc_empty: &'static str,
    pub loc_no_match: &'static str,
    pub loc_address: &'static str,
    pub loc_address_line1: &'static str,
    pub loc_address_line2: &'static str,
    pub loc_postal_code: &'static str,
    pub loc_city: &'static str,
    pub loc_country: &'static str,
    pub loc_no_country: &'static str,
    pub loc_hours: &'static str,
    pub loc_open_hour: &'static str,
    pub loc_close_hour: &'static str,
    pub loc_hour_hint: &'static str,
    pub loc_delete: &'static str,
    pub loc_delete_title: &'static str,
    pub loc_delete_used: &'static str,
    pub loc_delete_unused: &'static str,
    pub err_nonexistent_time: &'static str,
    pub err_end_before_start: &'static str,
    pub err_not_a_member: &'static str,
    pub err_invalid_datetime: &'static str,
    pub meet_title: &'static str,
    pub meet_intro: &'static str,
    pub meet_intro_between: &'static str,
    pub meet_intro_from: &'static str,
    pub meet_intro_until: &'static str,
    pub meet_periods: &'static str,
    pub meet_earlier: &'static str,
    pub meet_later: &'static str,
    pub meet_all_upcoming: &'static str,
    pub meet_new: &'static str,
    pub meet_edit_title: &'static str,
    pub meet_week: &'static str,
    pub meet_to_list: &'static str,
    pub meet_employee: &'static str,
    pub meet_location: &'static str,
    pub meet_no_location: &'static str,
    pub meet_choose_employee: &'static str,
    pub meet_from: &'static str,
    pub meet_to: &'static str,
    pub meet_notes: &'static str,
    pub meet_when: &'static str,
    pub meet_all_employees: &'static str,
    pub meet_all_locations: &'static str,
    pub meet_from_day: &'static str,
    pub meet_until_day: &'static str,
    pub meet_filter: &'static str,
    pub meet_reset: &'static str,
    pub meet_empty: &'static str,
    pub meet_no_match: &'static str,
    pub meet_times_in: &'static str,
    pub meet_overlap_title: &'static str,
    pub meet_overlap_text: &'static str,
    pub meet_overlap_hint: &'static str,
    pub meet_save_anyway: &'static str,
    pub meet_delete: &'static str,
    pub meet_delete_title: &'static str,
    pub meet_delete_text: &'static str,
    pub meet_prev_week: &'static str,
    pub meet_next_week: &'static str,
    pub meet_this_week: &'static str,
    pub meet_week_label: &'static str,
    pub meet_today: &'static str,
    pub meet_time: &'static str,
    pub meet_add_at: &'static str,
    /// "+{n} more" in a full hour of the week view.
    pub meet_more: &'static str,
    /// Its accessible name: how many, on which day, where they are.
    pub meet_more_label: &'static str,
    pub meet_current_values: &'static str,
    pub meet_week_navigation: &'static str,
    pub meet_mon: &'static str,
    pub meet_tue: &'static str,
    pub meet_wed: &'static str,
    pub meet_thu: &'static str,
    pub meet_fri: &'static str,
    pub meet_sat: &'static str,
    pub meet_sun: &'static str,
    /// The name of the phone agenda's row of day tabs.
    pub meet_week_days: &'static str,
    pub meet_day_empty: &'static str,
    /// Under a day of the phone agenda: a new meeting that day at 09:00.
    pub meet_add_on_day: &'static str,
    /// The week view's keyboard shortcuts: "Shortcuts: ← → week, t today,
    /// n new meeting" (the keys are not translated).
    pub meet_shortcuts: &'static str,
    pub meet_key_week: &'static str,
    pub meet_key_new: &'static str,
    pub img_remove_logo: &'static str,
    pub img_remove_icon: &'static str,
    pub img_remove_text: &'static str,
    /// A mobile number that breaks the phone rule: what to type instead.
    pub err_invalid_mobile: &'static str,
    /// A phone number that breaks the phone rule: what to type instead.
    pub err_invalid_phone: &'static str,
    /// Under a phone or mobile field, before any error: what may be typed.
    pub phone_hint: &'static str,
    pub err_unknown_extension: &'static str,
    pub cust_flash_saved: &'static str,
    pub cust_flash_deleted: &'static str,
    pub contact_flash_deleted: &'static str,
    pub cust_title: &'static str,
    pub cust_intro: &'static str,
    pub cust_new: &'static str,
    pub cust_search: &'static str,
    pub cust_empty: &'static str,
    pub cust_no_match: &'static str,
    pub cust_type: &'static str,
    pub cust_type_company: &'static str,
    pub cust_type_private: &'static str,
    pub cust_phone: &'static str,
    pub cust_country: &'static str,
    pub cust_no_country: &'static str,
    pub cust_notes: &'static str,
    pub cust_contacts: &'static str,
    pub cust_delete: &'static str,
    pub cust_delete_title: &'static str,
    pub cust_delete_text: &'static str,
    /// The customer page's button to its form.
    pub cust_edit: &'static str,
    /// The form's title: `{}` is the customer's name.
    pub cust_edit_title: &'static str,
    pub cust_details: &'static str,
    pub contact_firstname: &'static str,
    pub contact_lastname: &'static str,
    pub contact_email: &'static str,
    pub contact_mobile: &'static str,
    pub contact_two_invoice: &'static str,
    /// The edit panel's heading, before the contact's name.
    pub contact_edit_heading: &'static str,
    /// One line on what TWO_INVOICE means.
    pub contact_two_invoice_hint: &'static str,
    pub contact_flash_added: &'static str,
    pub contact_add: &'static str,
    pub contact_edit: &'static str,
    pub contact_delete: &'static str,
    pub contact_delete_title: &'static str,
    pub contact_delete_text: &'static str,
    pub contact_empty: &'static str,
    pub contact_actions: &'static str,
    pub contact_ext_on: &'static str,
    pub contact_ext_off: &'static str,
    pub err_meeting_too_long: &'static str,
    /// The link that downloads what a list shows as CSV.
    pub export_csv: &'static str,
    /// A locations export's file name (before the date; no spaces).
    pub loc_export_file: &'static str,
    /// A meetings export's file name.
    pub meet_export_file: &'static str,
    /// A customers export's file name.
    pub cust_export_file: &'static str,
    /// An audit log export's file name.
    pub audit_export_file: &'static str,
    /// The contact's e-mail column of a customers export.
    pub cust_export_contact_email: &'static str,
    /// The kind of actor column of an audit log export.
    pub audit_actor_kind: &'static str,
    /// The record's id column of an audit log export.
    pub audit_record_id: &'static str,
    /// The customer a meeting is with (a label).
    pub meet_customer: &'static str,
    /// The customer's contact a meeting is with (a label).
    pub meet_contact: &'static str,
    /// The customer select's empty choice.
    pub meet_no_customer: &'static str,
    /// The contact select's empty choice.
    pub meet_no_contact: &'static str,
    /// Under the contact select.
    pub meet_contact_hint: &'static str,
    /// The list filter's empty customer choice.
    pub meet_all_customers: &'static str,
    /// The search above a select that offers only the first choices.
    pub meet_find_location: &'static str,
    pub meet_find_customer: &'static str,
    /// Its hint; `{}`: how many are offered.
    pub meet_choices_first: &'static str,
    /// The contact select without a customer, when there are too many.
    pub meet_contact_choose_customer: &'static str,
    /// The link from a meeting to its customer's page ({0}: the name).
    pub meet_view_customer: &'static str,
    /// The card of upcoming meetings on a customer's or location's page.
    pub meet_upcoming: &'static str,
    /// That card without meetings.
    pub meet_upcoming_none: &'static str,
    /// That card's link to the meetings list.
    pub meet_upcoming_all: &'static str,
    /// A contact that is not one of the chosen customer's.
    pub err_contact_not_of_customer: &'static str,
    pub bill_title: &'static str,
    pub bill_intro: &'static str,
    pub bill_legal_name: &'static str,
    pub bill_legal_name_hint: &'static str,
    pub bill_address: &'static str,
    pub bill_address_hint: &'static str,
    pub bill_postal_code: &'static str,
    pub bill_postal_code_hint: &'static str,
    pub bill_city: &'static str,
    pub bill_country: &'static str,
    pub bill_choose_country: &'static str,
    pub bill_invoice_email: &'static str,
    pub bill_invoice_email_hint: &'static str,
    pub bill_vat_id: &'static str,
    pub bill_vat_id_hint: &'static str,
    pub bill_kvk: &'static str,
    pub bill_kvk_hint: &'static str,
    pub bill_none_yet: &'static str,
    pub bill_flash_saved: &'static str,
    pub err_postal_code_nl: &'static str,
    pub err_vat_id: &'static str,
    pub err_vat_country: &'static str,
    pub err_kvk: &'static str,
    pub err_kvk_only_nl: &'static str,
    // Bank details and bank statements (issue 18).
    pub err_iban_invalid: &'static str,
    pub err_bic_invalid: &'static str,
    pub err_camt_not_xml: &'static str,
    /// What the file is instead (`pain.001`, `camt.054`).
    pub err_camt_wrong_message: &'static str,
    /// Names `domain::camt::MAX_BYTES` in MB (a test holds them together).
    pub err_camt_too_large: &'static str,
    pub err_camt_malformed: &'static str,
    // Webhook endpoints (issue 19): domain::webhook_policy, webhook_signing.
    pub err_webhook_url_invalid: &'static str,
    pub err_webhook_url_scheme: &'static str,
    pub err_webhook_url_userinfo: &'static str,
    pub err_webhook_url_host: &'static str,
    pub err_webhook_address_internal: &'static str,
    pub err_webhook_secret_invalid: &'static str,
    pub err_webhook_event_type_unknown: &'static str,
    pub err_logo_type: &'static str,
    pub pinv_seller_logo: &'static str,
    pub pinv_flash_seller_logo_saved: &'static str,
    pub pinv_flash_seller_logo_removed: &'static str,
    pub pinv_seller_logo_current: &'static str,
    pub pinv_seller_logo_upload: &'static str,
    pub pinv_seller_logo_link: &'static str,
    pub pinv_seller_logo_hint: &'static str,
    pub pinv_seller_logo_none: &'static str,
    pub pinv_seller_logo_alt: &'static str,
    pub pinv_seller_logo_remove: &'static str,
    pub pinv_seller_logo_remove_text: &'static str,
    pub err_webhook_endpoint_disabled: &'static str,
    pub wh_mail_disabled_subject: &'static str,
    pub wh_mail_disabled_body: &'static str,
    pub wh_mail_disabled_failing: &'static str,
    pub wh_mail_disabled_gone: &'static str,
    pub wh_mail_disabled_next: &'static str,
    pub err_plan_archived: &'static str,
    pub err_seats_at_least_one: &'static str,
    pub err_seats_at_most: &'static str,
    pub err_seats_below_members: &'static str,
    pub err_module_not_offered: &'static str,
    pub err_billing_details_missing: &'static str,
    pub err_already_subscribed: &'static str,
    pub err_nothing_to_cancel: &'static str,
    pub err_nothing_to_undo: &'static str,
    pub err_days_range: &'static str,
    pub err_not_trialing: &'static str,
    pub err_not_running: &'static str,
    pub err_cancel_pending: &'static str,
    pub err_too_many_organizations: &'static str,
    pub err_no_admin_for_new_organization: &'static str,
    pub err_seller_incomplete: &'static str,
    pub err_invoice_not_draft: &'static str,
    pub err_invoice_not_finalized: &'static str,
    pub err_invoice_already_void: &'static str,
    pub err_invoice_already_paid: &'static str,
    pub err_invoice_is_credit_note: &'static str,
    pub err_prefix_format: &'static str,
    pub err_prefix_same: &'static str,
    pub inv_mail_subject: &'static str,
    pub inv_mail_body: &'static str,
    pub inv_mail_pay: &'static str,
    pub inv_mail_credit_subject: &'static str,
    pub inv_mail_credit_body: &'static str,
    pub inv_mail_reminder_subject: &'static str,
    pub inv_mail_reminder_body: &'static str,
    pub inv_file_invoice: &'static str,
    pub inv_file_credit_note: &'static str,
    pub err_paid_in_future: &'static str,
    pub vat_note_reverse_charge: &'static str,
    pub vat_note_outside_eu: &'static str,
    pub err_coupon_unknown: &'static str,
    pub err_coupon_expired: &'static str,
    pub err_coupon_used_up: &'static str,
    pub err_coupon_archived: &'static str,
    pub err_coupon_not_for_plan: &'static str,
    pub err_coupon_code_format: &'static str,
    pub err_coupon_already_applied: &'static str,
    pub err_coupon_replaces: &'static str,
    pub err_no_coupon: &'static str,
    pub err_percent_range: &'static str,
    pub err_amount_positive: &'static str,
    pub err_months_range: &'static str,
    pub err_at_least_one: &'static str,
    pub neworg_title: &'static str,
    pub neworg_intro: &'static str,
    pub neworg_name: &'static str,
    pub neworg_name_hint: &'static str,
    pub neworg_submit: &'static str,
    pub flash_organization_created: &'static str,
    pub err_cancel_now_operator_only: &'static str,
    pub err_not_current_subscription: &'static str,
    pub module_meetings: &'static str,
    pub module_customers: &'static str,
    pub module_api: &'static str,
    pub module_webhooks: &'static str,
    pub error_module_off: &'static str,
    pub error_module_off_admin: &'static str,
    pub error_module_off_staff: &'static str,
    pub error_403_module: &'static str,
    pub banner_awaiting: &'static str,
    pub banner_canceled: &'static str,
    pub banner_start: &'static str,
    pub sub_title: &'static str,
    pub sub_intro: &'static str,
    pub sub_plan: &'static str,
    pub sub_status: &'static str,
    pub sub_period: &'static str,
    pub sub_trial_until: &'static str,
    pub sub_seats: &'static str,
    pub sub_seats_used: &'static str,
    pub sub_modules: &'static str,
    pub sub_no_modules: &'static str,
    pub sub_billing: &'static str,
    pub sub_month: &'static str,
    pub sub_year: &'static str,
    pub sub_status_trialing: &'static str,
    pub sub_status_trialing_one: &'static str,
    pub sub_status_active: &'static str,
    pub sub_status_ends: &'static str,
    pub sub_status_awaiting: &'static str,
    pub sub_status_canceled: &'static str,
    pub sub_status_past_due: &'static str,
    pub sub_scheduled: &'static str,
    pub sub_scheduled_from: &'static str,
    pub sub_withdraw: &'static str,
    pub sub_next_invoice: &'static str,
    pub sub_next_invoice_on: &'static str,
    pub sub_no_next_invoice: &'static str,
    pub sub_no_next_invoice_ends: &'static str,
    pub sub_col_description: &'static str,
    pub sub_col_period: &'static str,
    pub sub_col_amount: &'static str,
    pub sub_total: &'static str,
    pub sub_line_seats: &'static str,
    pub sub_line_addon: &'static str,
    pub sub_line_seats_added: &'static str,
    pub sub_line_seat_added: &'static str,
    pub sub_line_addon_added: &'static str,
    pub sub_line_upgrade: &'static str,
    pub sub_price_per_seat: &'static str,
    pub sub_plan_includes: &'static str,
    pub sub_addon_price: &'static str,
    pub sub_addon_included: &'static str,
    pub sub_addon_not_offered: &'static str,
    pub sub_start_title: &'static str,
    pub sub_change_title: &'static str,
    pub sub_seats_label: &'static str,
    pub sub_seats_hint: &'static str,
    pub sub_addons: &'static str,
    pub sub_start_button: &'static str,
    pub sub_preview_button: &'static str,
    pub sub_billing_missing: &'static str,
    pub sub_billing_link: &'static str,
    pub sub_read_only: &'static str,
    pub sub_preview_title: &'static str,
    pub sub_preview_intro: &'static str,
    pub sub_preview_now: &'static str,
    pub sub_preview_nothing_now: &'static str,
    pub sub_preview_scheduled: &'static str,
    pub sub_preview_pending: &'static str,
    pub sub_preview_next: &'static str,
    pub sub_preview_total: &'static str,
    pub sub_confirm: &'static str,
    pub sub_back: &'static str,
    pub sub_cancel: &'static str,
    pub sub_cancel_text: &'static str,
    pub sub_cancel_trial_text: &'static str,
    pub sub_cancel_button: &'static str,
    pub sub_undo_cancel: &'static str,
    pub sub_flash_started: &'static str,
    pub sub_flash_changed: &'static str,
    pub sub_flash_unchanged: &'static str,
    pub sub_flash_withdrawn: &'static str,
    pub sub_flash_canceled: &'static str,
    pub sub_flash_resumed: &'static str,
    pub sub_add_seat: &'static str,
    pub sub_per_month: &'static str,
    pub sub_per_year: &'static str,
    pub sub_seats_full: &'static str,
    pub err_no_seat_left: &'static str,
    pub dash_subscription: &'static str,
    pub dash_sub_renews: &'static str,
    pub dash_sub_manage: &'static str,
    pub ac_module_off: &'static str,
    pub platform_coupons: &'static str,
    pub platform_coupons_intro: &'static str,
    pub platform_coupon_new: &'static str,
    pub platform_coupon_code_hint: &'static str,
    pub platform_coupon_kind: &'static str,
    pub platform_coupon_percent: &'static str,
    pub platform_coupon_amount: &'static str,
    pub platform_coupon_value: &'static str,
    pub platform_coupon_value_hint: &'static str,
    pub platform_coupon_duration: &'static str,
    pub platform_coupon_once: &'static str,
    pub platform_coupon_repeating: &'static str,
    pub platform_coupon_forever: &'static str,
    pub platform_coupon_months: &'static str,
    pub platform_coupon_months_hint: &'static str,
    pub platform_coupon_max: &'static str,
    pub platform_coupon_max_hint: &'static str,
    pub platform_coupon_redeem_by: &'static str,
    pub platform_coupon_redeem_by_hint: &'static str,
    pub platform_coupon_plans: &'static str,
    pub platform_coupon_plans_hint: &'static str,
    pub platform_coupon_all_plans: &'static str,
    pub platform_coupon_redemptions: &'static str,
    pub platform_coupon_unlimited: &'static str,
    pub platform_coupon_no_end: &'static str,
    pub platform_coupon_confirm_archive: &'static str,
    pub platform_coupon_redemptions_title: &'static str,
    pub platform_coupon_organization: &'static str,
    pub platform_coupon_applied_at: &'static str,
    pub platform_coupon_removed_at: &'static str,
    pub platform_coupon_still_applied: &'static str,
    pub platform_coupon_no_redemptions: &'static str,
    pub platform_coupon_all: &'static str,
    pub platform_flash_coupon_created: &'static str,
    pub platform_flash_coupon_archived: &'static str,
    pub coupon_percent_off: &'static str,
    pub coupon_amount_off: &'static str,
    pub coupon_once: &'static str,
    pub coupon_months_one: &'static str,
    pub coupon_months: &'static str,
    pub coupon_forever: &'static str,
    pub sub_coupon: &'static str,
    pub sub_coupon_applied: &'static str,
    pub sub_coupon_none: &'static str,
    pub sub_coupon_hint: &'static str,
    pub sub_coupon_apply: &'static str,
    pub sub_coupon_clear: &'static str,
    pub sub_coupon_clear_text: &'static str,
    pub sub_coupon_replace_title: &'static str,
    pub sub_coupon_replace_text: &'static str,
    pub sub_coupon_replace_button: &'static str,
    pub sub_line_discount: &'static str,
    pub sub_flash_coupon_applied: &'static str,
    pub sub_flash_coupon_cleared: &'static str,
    /// The invoice PDF's title.
    pub pdf_invoice: &'static str,
    /// A credit note PDF's title.
    pub pdf_credit_note: &'static str,
    /// Under a credit note's title: the number of the invoice it credits.
    pub pdf_credit_note_for: &'static str,
    pub pdf_invoice_number: &'static str,
    pub pdf_credit_note_number: &'static str,
    pub pdf_invoice_date: &'static str,
    pub pdf_credit_note_date: &'static str,
    pub pdf_due_date: &'static str,
    /// The date of supply when it is one day.
    pub pdf_supply_date: &'static str,
    /// The period of supply when it is more than one day.
    pub pdf_supply_period: &'static str,
    /// Two dates, both inclusive.
    pub pdf_date_range: &'static str,
    /// Above the buyer's block.
    pub pdf_bill_to: &'static str,
    /// Before a VAT identification number.
    pub pdf_vat_id: &'static str,
    /// Before a Chamber of Commerce (KvK) number.
    pub pdf_kvk: &'static str,
    pub pdf_iban: &'static str,
    pub pdf_bic: &'static str,
    /// The name the bank account is held in.
    pub pdf_account_holder: &'static str,
    pub pdf_payment_reference: &'static str,
    /// A column of the lines table.
    pub pdf_description: &'static str,
    /// A column of the lines table.
    pub pdf_quantity: &'static str,
    /// A column of the lines table.
    pub pdf_unit_price: &'static str,
    /// A column of the lines table.
    pub pdf_amount: &'static str,
    pub pdf_subtotal: &'static str,
    /// A VAT rate: the number ("21", "5,5").
    pub pdf_percent: &'static str,
    /// A VAT row of the totals: the rate and the amount it is over.
    pub pdf_vat_row: &'static str,
    pub pdf_total: &'static str,
    /// The heading of the payment instructions.
    pub pdf_payment: &'static str,
    /// The payment instruction: amount, due date, payment reference.
    pub pdf_pay_before: &'static str,
    /// An invoice whose total is zero or less.
    pub pdf_nothing_to_pay: &'static str,
    /// A credit note's instruction: amount, date, payment reference.
    pub pdf_credit_settle: &'static str,
    /// Beside the document's title at the top of a following page.
    pub pdf_continued: &'static str,
    /// A page number of the PDF: the page and the number of pages.
    pub pdf_page: &'static str,
    // The organisation's invoices (issue 18): Settings → Subscription → Invoices.
    /// Settings → Subscription → Invoices: the list's title.
    pub tinv_title: &'static str,
    pub tinv_intro: &'static str,
    /// The list without invoices: when they come.
    pub tinv_empty: &'static str,
    pub tinv_to_subscription: &'static str,
    pub tinv_col_number: &'static str,
    pub tinv_col_date: &'static str,
    pub tinv_col_period: &'static str,
    pub tinv_col_total: &'static str,
    pub tinv_col_status: &'static str,
    pub tinv_col_pdf: &'static str,
    /// A PDF link's accessible name: the document (`tinv_invoice_word`).
    pub tinv_pdf_label: &'static str,
    /// An invoice and its number, in running text.
    pub tinv_invoice_word: &'static str,
    /// A credit note and its number, in running text.
    pub tinv_credit_note_word: &'static str,
    /// An invoice's page: its title.
    pub tinv_invoice_title: &'static str,
    pub tinv_credit_note_title: &'static str,
    pub tinv_status_open: &'static str,
    pub tinv_status_paid: &'static str,
    /// Voided by a credit note.
    pub tinv_status_void: &'static str,
    pub tinv_status_credit_note: &'static str,
    /// Open past its due date.
    pub tinv_status_overdue: &'static str,
    pub tinv_period: &'static str,
    pub tinv_paid_on: &'static str,
    /// A voided invoice: the credit note that voided it (a link follows).
    pub tinv_credited_by: &'static str,
    /// A credit note: the invoice it credits (a link follows).
    pub tinv_credits: &'static str,
    /// An open invoice's payment instructions.
    pub tinv_pay_title: &'static str,
    pub tinv_amount: &'static str,
    /// How to pay an open invoice past its due date: the due date, the
    /// amount, the payment reference.
    pub tinv_pay_overdue: &'static str,
    /// The lines and totals of an invoice.
    pub tinv_lines: &'static str,
    pub tinv_download: &'static str,
    pub tinv_all: &'static str,
    /// Settings → Subscription: the card that leads to the invoices.
    pub tinv_card_text: &'static str,
    pub tinv_card_link: &'static str,
    /// The banner of every page (admins) while an invoice is unpaid past its due date.
    pub tinv_banner_past_due: &'static str,
    /// The dashboard's card of the oldest open invoice.
    pub tinv_dash_title: &'static str,
    /// The number, the total and the due date.
    pub tinv_dash_due: &'static str,
    /// The number, the total and the due date that passed.
    pub tinv_dash_overdue: &'static str,
    pub tinv_dash_link: &'static str,
    /// A yearly plan's change preview: what is invoiced on confirming.
    pub tinv_preview_now: &'static str,
    /// The amount invoiced on confirming (without VAT).
    pub tinv_preview_invoiced_now: &'static str,
    pub tinv_preview_total_now: &'static str,
    // Platform invoices (issue 18, items 1, 7, 8): the operator's screens.
    /// The platform navigation's link to the invoices.
    pub pinv_nav_invoices: &'static str,
    pub pinv_nav_seller: &'static str,
    pub pinv_seller_title: &'static str,
    pub pinv_seller_intro: &'static str,
    /// Above the list of what the seller still lacks.
    pub pinv_seller_missing: &'static str,
    pub pinv_seller_missing_drafts: &'static str,
    pub pinv_seller_complete_link: &'static str,
    pub pinv_seller_company: &'static str,
    pub pinv_seller_registration: &'static str,
    pub pinv_seller_bank: &'static str,
    pub pinv_seller_numbering: &'static str,
    pub pinv_seller_email: &'static str,
    pub pinv_seller_email_hint: &'static str,
    pub pinv_seller_vat_hint: &'static str,
    pub pinv_seller_kvk_hint: &'static str,
    pub pinv_seller_iban: &'static str,
    pub pinv_seller_iban_hint: &'static str,
    pub pinv_seller_bic: &'static str,
    pub pinv_seller_bic_hint: &'static str,
    pub pinv_seller_term: &'static str,
    pub pinv_seller_term_hint: &'static str,
    pub pinv_seller_invoice_prefix: &'static str,
    pub pinv_seller_invoice_prefix_hint: &'static str,
    pub pinv_seller_credit_prefix: &'static str,
    pub pinv_seller_credit_prefix_hint: &'static str,
    /// Heading of the stored values beside a stale form.
    pub pinv_seller_current: &'static str,
    pub pinv_flash_seller_saved: &'static str,
    pub pinv_title: &'static str,
    pub pinv_intro: &'static str,
    pub pinv_import: &'static str,
    pub pinv_filter_status: &'static str,
    pub pinv_all_statuses: &'static str,
    pub pinv_kind: &'static str,
    pub pinv_all_kinds: &'static str,
    pub pinv_kind_invoice: &'static str,
    pub pinv_kind_credit_note: &'static str,
    pub pinv_organization: &'static str,
    pub pinv_all_organizations: &'static str,
    /// The list's filter: issued on or after.
    pub pinv_issued_from: &'static str,
    /// The list's filter: issued on or before.
    pub pinv_issued_to: &'static str,
    pub pinv_filter: &'static str,
    pub pinv_reset: &'static str,
    pub pinv_number: &'static str,
    pub pinv_issue_date: &'static str,
    pub pinv_due_date: &'static str,
    pub pinv_period: &'static str,
    pub pinv_total: &'static str,
    pub pinv_status: &'static str,
    pub pinv_pdf: &'static str,
    /// A PDF link's accessible name ({}: the number).
    pub pinv_pdf_of: &'static str,
    /// In place of the number of a draft.
    pub pinv_draft_number: &'static str,
    pub pinv_status_draft: &'static str,
    pub pinv_status_open: &'static str,
    pub pinv_status_overdue: &'static str,
    pub pinv_status_paid: &'static str,
    pub pinv_status_void: &'static str,
    /// A credit note's status (there is nothing to pay).
    pub pinv_status_issued: &'static str,
    pub pinv_empty: &'static str,
    pub pinv_none_yet: &'static str,
    pub pinv_export_title: &'static str,
    pub pinv_export_intro: &'static str,
    pub pinv_export_from: &'static str,
    pub pinv_export_to: &'static str,
    pub pinv_export_button: &'static str,
    /// The start of the export's file name.
    pub pinv_export_file: &'static str,
    pub pinv_invoice_title: &'static str,
    pub pinv_credit_note_title: &'static str,
    pub pinv_draft_title: &'static str,
    pub pinv_all: &'static str,
    pub pinv_view_pdf: &'static str,
    pub pinv_voided_on: &'static str,
    pub pinv_credits: &'static str,
    pub pinv_details: &'static str,
    pub pinv_payment_reference: &'static str,
    pub pinv_language: &'static str,
    pub pinv_treatment: &'static str,
    pub pinv_treatment_domestic: &'static str,
    pub pinv_treatment_reverse_charge: &'static str,
    pub pinv_treatment_eu_no_vat_id: &'static str,
    pub pinv_treatment_outside_eu: &'static str,
    pub pinv_paid_on: &'static str,
    pub pinv_buyer: &'static str,
    /// A party's e-mail address on the invoice page.
    pub pinv_email: &'static str,
    pub pinv_seller: &'static str,
    pub pinv_as_issued: &'static str,
    pub pinv_buyer_draft: &'static str,
    pub pinv_seller_draft: &'static str,
    pub pinv_no_billing_details: &'static str,
    pub pinv_lines: &'static str,
    pub pinv_vat_rate: &'static str,
    pub pinv_payments: &'static str,
    pub pinv_no_payments: &'static str,
    pub pinv_amount: &'static str,
    pub pinv_bank_reference: &'static str,
    pub pinv_bank_reference_hint: &'static str,
    pub pinv_source: &'static str,
    pub pinv_source_manual: &'static str,
    pub pinv_source_camt: &'static str,
    pub pinv_recorded_by: &'static str,
    pub pinv_actions: &'static str,
    pub pinv_issue: &'static str,
    pub pinv_issue_hint: &'static str,
    pub pinv_delete_draft: &'static str,
    pub pinv_delete_draft_hint: &'static str,
    pub pinv_delete_draft_confirm: &'static str,
    pub pinv_mark_paid: &'static str,
    pub pinv_mark_paid_hint: &'static str,
    pub pinv_paid_on_hint: &'static str,
    pub pinv_void: &'static str,
    pub pinv_void_hint: &'static str,
    pub pinv_void_confirm: &'static str,
    pub pinv_resend: &'static str,
    pub pinv_resend_hint: &'static str,
    pub pinv_word_invoice: &'static str,
    pub pinv_word_credit_note: &'static str,
    pub pinv_flash_issued: &'static str,
    pub pinv_flash_draft_deleted: &'static str,
    pub pinv_flash_paid: &'static str,
    pub pinv_flash_voided: &'static str,
    pub pinv_flash_resent: &'static str,
    pub pinv_err_no_email: &'static str,
    pub pinv_import_title: &'static str,
    pub pinv_import_intro: &'static str,
    pub pinv_import_file: &'static str,
    pub pinv_import_file_hint: &'static str,
    pub pinv_import_button: &'static str,
    pub pinv_import_result_title: &'static str,
    pub pinv_import_summary: &'static str,
    pub pinv_import_paid: &'static str,
    pub pinv_import_none_paid: &'static str,
    pub pinv_import_to_decide: &'static str,
    pub pinv_import_nothing_to_decide: &'static str,
    pub pinv_import_again: &'static str,
    pub pinv_booking_date: &'static str,
    pub pinv_counterparty: &'static str,
    pub pinv_remittance: &'static str,
    pub pinv_reason: &'static str,
    pub pinv_seems_about: &'static str,
    pub pinv_mark_paid_of: &'static str,
    pub pinv_open_invoices: &'static str,
    pub pinv_reason_no_reference: &'static str,
    pub pinv_reason_unknown_reference: &'static str,
    pub pinv_reason_several: &'static str,
    pub pinv_reason_amount: &'static str,
    pub pinv_reason_not_open: &'static str,
    pub pinv_reason_currency: &'static str,
    pub pinv_csv_kind: &'static str,
    pub pinv_csv_buyer_vat: &'static str,
    pub pinv_csv_country: &'static str,
    pub pinv_csv_treatment: &'static str,
    pub pinv_csv_rate: &'static str,
    pub pinv_csv_net: &'static str,
    pub pinv_csv_vat: &'static str,
    pub pinv_csv_paid_date: &'static str,
    // Webhook screens (issue 19): web::webhooks.
    pub whs_nav: &'static str,
    pub whs_title: &'static str,
    pub whs_intro: &'static str,
    pub whs_new: &'static str,
    pub whs_empty: &'static str,
    pub whs_no_match: &'static str,
    pub whs_search: &'static str,
    pub whs_url: &'static str,
    pub whs_url_hint: &'static str,
    pub whs_description: &'static str,
    pub whs_description_hint: &'static str,
    pub whs_events: &'static str,
    pub whs_events_legend: &'static str,
    pub whs_events_hint: &'static str,
    pub whs_all_events: &'static str,
    pub whs_n_events: &'static str,
    pub whs_one_event: &'static str,
    pub whs_status: &'static str,
    pub whs_enabled: &'static str,
    pub whs_disabled_manual: &'static str,
    pub whs_disabled_failing: &'static str,
    pub whs_disabled_gone: &'static str,
    pub whs_failing_since: &'static str,
    pub whs_rate: &'static str,
    pub whs_rate_value: &'static str,
    pub whs_rate_none: &'static str,
    pub whs_created: &'static str,
    pub whs_edit_title: &'static str,
    pub whs_create_button: &'static str,
    pub whs_edit: &'static str,
    pub whs_delete: &'static str,
    pub whs_details: &'static str,
    pub whs_secret: &'static str,
    pub whs_secret_hidden: &'static str,
    pub whs_reveal: &'static str,
    pub whs_revealed_note: &'static str,
    pub whs_rotate: &'static str,
    pub whs_rotate_hint: &'static str,
    pub whs_rotate_title: &'static str,
    pub whs_rotate_text: &'static str,
    pub whs_secret_once: &'static str,
    pub whs_secret_rotated: &'static str,
    pub whs_secret_gone: &'static str,
    pub whs_to_endpoint: &'static str,
    pub whs_test: &'static str,
    pub whs_test_title: &'static str,
    pub whs_test_hint: &'static str,
    pub whs_test_answer: &'static str,
    pub whs_test_no_answer: &'static str,
    pub whs_test_busy: &'static str,
    pub whs_test_running: &'static str,
    pub whs_test_ok: &'static str,
    pub whs_test_failed: &'static str,
    pub whs_enable: &'static str,
    pub whs_disable: &'static str,
    pub whs_disable_hint: &'static str,
    pub whs_disable_title: &'static str,
    pub whs_disable_text: &'static str,
    pub whs_delete_title: &'static str,
    pub whs_delete_text: &'static str,
    pub whs_off_note: &'static str,
    pub whs_last_success: &'static str,
    pub whs_never: &'static str,
    pub whs_log: &'static str,
    pub whs_log_hint: &'static str,
    pub whs_log_empty: &'static str,
    pub whs_filter_all: &'static str,
    pub whs_filter_button: &'static str,
    pub whs_msg_delivered: &'static str,
    pub whs_msg_failed: &'static str,
    pub whs_msg_pending: &'static str,
    pub whs_col_event: &'static str,
    pub whs_col_time: &'static str,
    pub whs_col_attempts: &'static str,
    pub whs_col_code: &'static str,
    pub whs_col_duration: &'static str,
    pub whs_col_answer: &'static str,
    pub whs_col_error: &'static str,
    pub whs_attempts_of: &'static str,
    pub whs_no_attempts: &'static str,
    pub whs_next_attempt: &'static str,
    pub whs_ms: &'static str,
    pub whs_resend: &'static str,
    pub whs_resend_label: &'static str,
    pub whs_replay: &'static str,
    pub whs_replay_since: &'static str,
    pub whs_replay_hint: &'static str,
    pub whs_replayed: &'static str,
    pub whs_flash_saved: &'static str,
    pub whs_flash_deleted: &'static str,
    pub whs_flash_enabled: &'static str,
    pub whs_flash_disabled: &'static str,
    pub whs_flash_resent: &'static str,
}

/// How an audit action reads in this language (unknown actions as they are).
pub fn audit_action(lang: Lang, action: &str) -> String {
    let (nl, en) = match action {
        "setup.completed" => ("Portaal ingericht", "Portaal set up"),
        "auth.login" => ("Ingelogd", "Logged in"),
        "auth.login_failed" => ("Mislukte inlogpoging", "Failed login attempt"),
        "auth.logout" => ("Uitgelogd", "Logged out"),
        "user.created" => ("Gebruiker aangemaakt", "User created"),
        "user.profile_updated" => ("Profiel gewijzigd", "Profile changed"),
        "user.password_changed" => ("Wachtwoord gewijzigd", "Password changed"),
        "user.operator_granted" => ("Operator gemaakt", "Made an operator"),
        "user.operator_revoked" => ("Geen operator meer", "No longer an operator"),
        "membership.created" => ("Lidmaatschap toegevoegd", "Membership added"),
        "organization.created" => ("Organisatie aangemaakt", "Organisation created"),
        "organization.started" => (
            "Organisatie gestart door een gebruiker",
            "Organisation started by a user",
        ),
        "organization.updated" => (
            "Organisatie-instellingen gewijzigd",
            "Organisation settings changed",
        ),
        "language.enabled" => ("Taal ingeschakeld", "Language enabled"),
        "invitation.created" => ("Uitnodiging aangemaakt", "Invitation created"),
        "invitation.resent" => ("Uitnodiging opnieuw verstuurd", "Invitation sent again"),
        "invitation.revoked" => ("Uitnodiging ingetrokken", "Invitation revoked"),
        "organization.cleared" => ("Demogegevens gewist", "Demo data cleared"),
        "location.created" => ("Locatie aangemaakt", "Location created"),
        "location.updated" => ("Locatie gewijzigd", "Location changed"),
        "location.deleted" => ("Locatie verwijderd", "Location deleted"),
        "customer.created" => ("Klant aangemaakt", "Customer created"),
        "customer.updated" => ("Klant gewijzigd", "Customer changed"),
        "customer.deleted" => ("Klant verwijderd", "Customer deleted"),
        "contact.created" => ("Contactpersoon toegevoegd", "Contact added"),
        "contact.updated" => ("Contactpersoon gewijzigd", "Contact changed"),
        "contact.deleted" => ("Contactpersoon verwijderd", "Contact deleted"),
        "contact.extension_added" => ("Extensie toegevoegd", "Extension added"),
        "contact.extension_removed" => ("Extensie verwijderd", "Extension removed"),
        "organization.billing_updated" => ("Factuurgegevens gewijzigd", "Billing details changed"),
        "organization.mail_footer_updated" => ("Mailvoettekst gewijzigd", "Mail footer changed"),
        "organization.logo_updated" => ("Logo gewijzigd", "Logo changed"),
        "organization.logo_removed" => ("Logo verwijderd", "Logo removed"),
        "organization.icon_updated" => ("Icoon gewijzigd", "Icon changed"),
        "organization.icon_removed" => ("Icoon verwijderd", "Icon removed"),
        "invitation.accepted" => ("Uitnodiging aangenomen", "Invitation accepted"),
        "membership.removed" => ("Lid verwijderd", "Member removed"),
        "membership.disabled" => ("Lid geblokkeerd", "Member disabled"),
        "user.password_reset_requested" => {
            ("Nieuw wachtwoord aangevraagd", "New password requested")
        }
        "user.password_reset" => ("Nieuw wachtwoord gekozen", "New password chosen"),
        "membership.enabled" => ("Lid gedeblokkeerd", "Member enabled"),
        // Before disabling was per membership (kept in older audit logs).
        "user.disabled" => ("Gebruiker geblokkeerd", "User disabled"),
        "user.enabled" => ("Gebruiker gedeblokkeerd", "User enabled"),
        "language.disabled" => ("Taal uitgeschakeld", "Language disabled"),
        "membership.role_changed" => ("Rol gewijzigd", "Role changed"),
        "api_client.created" => ("API-client aangemaakt", "API client created"),
        "api_client.updated" => ("API-client gewijzigd", "API client changed"),
        "api_client.secret_rotated" => (
            "Geheim van API-client vernieuwd",
            "API client secret rotated",
        ),
        "api_client.disabled" => ("API-client geblokkeerd", "API client disabled"),
        "api_client.enabled" => ("API-client weer toegestaan", "API client re-enabled"),
        "api_client.deleted" => ("API-client verwijderd", "API client deleted"),
        "meeting.created" => ("Afspraak aangemaakt", "Meeting created"),
        "meeting.updated" => ("Afspraak gewijzigd", "Meeting changed"),
        "meeting.deleted" => ("Afspraak verwijderd", "Meeting deleted"),
        "meeting.restored" => ("Afspraak teruggezet", "Meeting restored"),
        "contact.restored" => ("Contactpersoon teruggezet", "Contact restored"),
        "location.exported" => ("Locaties geëxporteerd", "Locations exported"),
        "meeting.exported" => ("Afspraken geëxporteerd", "Meetings exported"),
        "customer.exported" => ("Klanten geëxporteerd", "Customers exported"),
        "audit.exported" => ("Auditlog geëxporteerd", "Audit log exported"),
        "subscription.created" => ("Proefperiode begonnen", "Trial started"),
        "subscription.started" => ("Abonnement gestart", "Subscription started"),
        "subscription.updated" => ("Abonnement gewijzigd", "Subscription changed"),
        "subscription.renewed" => ("Abonnement verlengd", "Subscription renewed"),
        "subscription.trial_ended" => ("Proefperiode afgelopen", "Trial ended"),
        "subscription.trial_extended" => ("Proefperiode verlengd", "Trial extended"),
        "subscription.cancel_scheduled" => (
            "Abonnement opgezegd per periode-einde",
            "Subscription cancelled at period end",
        ),
        "subscription.cancel_undone" => ("Opzegging ingetrokken", "Cancellation withdrawn"),
        "subscription.canceled" => ("Abonnement direct beëindigd", "Subscription ended at once"),
        "subscription.ended" => ("Abonnement beëindigd", "Subscription ended"),
        "subscription.coupon_applied" => ("Kortingscode toegepast", "Coupon applied"),
        "subscription.coupon_cleared" => ("Kortingscode verwijderd", "Coupon removed"),
        "coupon.created" => ("Kortingscode aangemaakt", "Coupon created"),
        "coupon.archived" => ("Kortingscode gearchiveerd", "Coupon archived"),
        "subscription.change_withdrawn" => (
            "Geplande wijziging ingetrokken",
            "Scheduled change withdrawn",
        ),
        "subscription.plan_changed" => (
            "Pakket gewijzigd door de operator",
            "Plan changed by the operator",
        ),
        "plan.created" => ("Pakket aangemaakt", "Plan created"),
        "invoice.drafted" => ("Conceptfactuur gemaakt", "Draft invoice made"),
        "invoice.finalized" => ("Factuur uitgegeven", "Invoice issued"),
        "invoice.credit_note_issued" => ("Creditnota uitgegeven", "Credit note issued"),
        "invoice.voided" => ("Factuur vervallen verklaard", "Invoice voided"),
        "invoice.draft_deleted" => ("Conceptfactuur verwijderd", "Draft invoice deleted"),
        "invoice.paid" => ("Factuur betaald", "Invoice paid"),
        "invoice.reminded" => ("Betalingsherinnering verstuurd", "Payment reminder sent"),
        "invoice.resent" => ("Factuur opnieuw verstuurd", "Invoice sent again"),
        "invoice.exported" => ("Facturen geëxporteerd", "Invoices exported"),
        "seller.updated" => ("Verkopergegevens gewijzigd", "Seller details changed"),
        "bank_statement.imported" => ("Bankafschrift ingelezen", "Bank statement imported"),
        "subscription.past_due" => ("Abonnement achterstallig", "Subscription past due"),
        "subscription.payment_settled" => (
            "Achterstand betaald, abonnement weer actief",
            "Arrears paid, subscription active again",
        ),
        "plan.updated" => ("Pakket gewijzigd", "Plan changed"),
        "plan.archived" => ("Pakket gearchiveerd", "Plan archived"),
        "plan.unarchived" => ("Pakket weer aangeboden", "Plan offered again"),
        "plan.made_default" => ("Standaardpakket ingesteld", "Default plan set"),
        "webhook.created" => ("Webhook aangemaakt", "Webhook created"),
        "webhook.updated" => ("Webhook gewijzigd", "Webhook changed"),
        "webhook.enabled" => ("Webhook aangezet", "Webhook switched on"),
        "webhook.disabled" => ("Webhook uitgezet", "Webhook switched off"),
        "webhook.deleted" => ("Webhook verwijderd", "Webhook deleted"),
        "webhook.secret_rotated" => ("Webhookgeheim vervangen", "Webhook secret rotated"),
        "webhook.secret_revealed" => ("Webhookgeheim getoond", "Webhook secret revealed"),
        "webhook.tested" => (
            "Testbericht naar webhook gestuurd",
            "Test message sent to a webhook",
        ),
        "webhook.resent" => (
            "Webhookbericht opnieuw verstuurd",
            "Webhook message sent again",
        ),
        "webhook.replayed" => (
            "Mislukte webhookberichten opnieuw verstuurd",
            "Failed webhook messages replayed",
        ),
        "seller.logo_updated" => ("Logo van de verkoper gewijzigd", "Seller's logo changed"),
        "seller.logo_removed" => ("Logo van de verkoper verwijderd", "Seller's logo removed"),
        _ => return action.to_string(),
    };
    match lang {
        Lang::Nl => nl.to_string(),
        Lang::En => en.to_string(),
    }
}

/// How a kind of audited record reads in this language (unknown kinds as
/// they are).
pub fn audit_resource(lang: Lang, resource_type: &str) -> String {
    let (nl, en) = match resource_type {
        "location" => ("Locatie", "Location"),
        "customer" => ("Klant", "Customer"),
        "contact" => ("Contactpersoon", "Contact"),
        "meeting" => ("Afspraak", "Meeting"),
        "api_client" => ("API-client", "API client"),
        "user" => ("Gebruiker", "User"),
        "membership" => ("Lidmaatschap", "Membership"),
        "invitation" => ("Uitnodiging", "Invitation"),
        "organization" => ("Organisatie", "Organisation"),
        "language" => ("Taal", "Language"),
        "subscription" => ("Abonnement", "Subscription"),
        "coupon" => ("Kortingscode", "Coupon"),
        "plan" => ("Pakket", "Plan"),
        "invoice" => ("Factuur", "Invoice"),
        "seller" => ("Verkoper", "Seller"),
        "bank_statement" => ("Bankafschrift", "Bank statement"),
        "webhook" => ("Webhook", "Webhook"),
        _ => return resource_type.to_string(),
    };
    match lang {
        Lang::Nl => nl.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The label of an audited field (a JSON key of a record's audit values)
/// where a screen already names it, in this language; `None` otherwise.
pub fn audit_field(lang: Lang, resource_type: &str, key: &str) -> Option<&'static str> {
    let t = lang.t();
    Some(match (resource_type, key) {
        ("contact", "firstname") => t.contact_firstname,
        ("contact", "lastname") => t.contact_lastname,
        ("contact", "mobile") => t.contact_mobile,
        ("location", "addressLine1") => t.loc_address_line1,
        ("location", "addressLine2") => t.loc_address_line2,
        ("location", "postalCode") => t.loc_postal_code,
        ("location", "city") => t.loc_city,
        ("location", "countryCode") => t.loc_country,
        ("location", "officeOpenHour") => t.loc_open_hour,
        ("location", "officeCloseHour") => t.loc_close_hour,
        ("customer", "customerType") => t.cust_type,
        ("customer", "phone") => t.cust_phone,
        ("customer", "countryCode") => t.cust_country,
        ("customer", "notes") => t.cust_notes,
        ("meeting", "subject") => t.meet_subject,
        ("meeting", "employeeName") => t.meet_employee,
        ("meeting", "locationName") => t.meet_location,
        ("meeting", "customerName") => t.meet_customer,
        ("meeting", "contactName") => t.meet_contact,
        ("meeting", "dateFrom") => t.meet_from,
        ("meeting", "dateTo") => t.meet_to,
        ("meeting", "notes") => t.meet_notes,
        ("api_client", "clientId") => t.ac_client_id,
        ("api_client", "description") => t.ac_description,
        ("api_client", "scopes") => t.ac_scopes,
        ("api_client", "expiresAt") => t.ac_expires,
        ("invitation", "expiresAt") => t.users_expires,
        ("organization", "slug") => t.org_slug,
        ("organization", "defaultLanguage") => t.org_default_language,
        ("organization", "timeZone") => t.org_time_zone,
        ("organization", "mailFooter") => t.footer_title,
        ("organization_address", "legalName") => t.bill_legal_name,
        ("organization_address", "addressLine") => t.bill_address,
        ("organization_address", "postalCode") => t.bill_postal_code,
        ("organization_address", "city") => t.bill_city,
        ("organization_address", "countryCode") => t.bill_country,
        ("organization_address", "invoiceEmail") => t.bill_invoice_email,
        ("organization_address", "vatId") => t.bill_vat_id,
        ("organization_address", "kvkNumber") => t.bill_kvk,
        (_, "disabled") => t.users_disabled,
        (_, "role") => t.users_role,
        (_, "language") => t.language,
        (_, "name") => t.name,
        ("contact", "email") => t.contact_email,
        (_, "email") => t.email,
        _ => return None,
    })
}

/// A group of webhook event types (the part before the dot), as the
/// endpoint form names it (unknown groups as they are).
pub fn webhook_group(lang: Lang, group: &str) -> String {
    let (nl, en) = match group {
        "organization" => ("Organisatie", "Organisation"),
        "location" => ("Locaties", "Locations"),
        "meeting" => ("Afspraken", "Meetings"),
        "customer" => ("Klanten", "Customers"),
        "contact" => ("Contactpersonen", "Contacts"),
        "member" => ("Gebruikers en uitnodigingen", "Users and invitations"),
        "api_client" => ("API-clients", "API clients"),
        "subscription" => ("Abonnement", "Subscription"),
        "invoice" => ("Facturen", "Invoices"),
        "webhook" => ("Webhooks", "Webhooks"),
        other => return other.to_string(),
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
    .to_string()
}

/// A webhook event type as the endpoint form names it (what happened;
/// unknown types as they are).
pub fn webhook_event(lang: Lang, event_type: &str) -> String {
    let what = event_type.split_once('.').map_or(event_type, |(_, w)| w);
    let (nl, en) = match (event_type, what) {
        ("organization.created", _) => ("Aangemaakt of gestart", "Created or started"),
        ("webhook.test", _) => (
            "Testbericht (de testknop)",
            "Test message (the test button)",
        ),
        ("member.created", _) => ("Toegevoegd", "Added"),
        ("member.deleted", _) => ("Verwijderd", "Removed"),
        ("invoice.issued", _) => ("Uitgegeven", "Issued"),
        ("invoice.reminded", _) => ("Herinnering of opnieuw verstuurd", "Reminded or sent again"),
        (_, "created") => ("Aangemaakt", "Created"),
        (_, "updated") => ("Gewijzigd", "Changed"),
        (_, "deleted") => ("Verwijderd", "Deleted"),
        (_, "invited") => ("Uitgenodigd", "Invited"),
        (_, "invitation_revoked") => ("Uitnodiging ingetrokken", "Invitation revoked"),
        (_, "started") => ("Gestart", "Started"),
        (_, "renewed") => ("Verlengd", "Renewed"),
        (_, "trial_ended") => ("Proefperiode afgelopen", "Trial ended"),
        (_, "cancel_scheduled") => ("Opgezegd per periode-einde", "Cancelled at period end"),
        (_, "cancel_undone") => ("Opzegging ingetrokken", "Cancellation withdrawn"),
        (_, "canceled") => ("Beëindigd", "Ended"),
        (_, "past_due") => ("Achterstallig", "Past due"),
        (_, "voided") => ("Vervallen verklaard", "Voided"),
        (_, "paid") => ("Betaald", "Paid"),
        _ => return event_type.to_string(),
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_both_languages() {
        assert_eq!(Lang::Nl.money(123_456), "€ 1.234,56");
        assert_eq!(Lang::En.money(123_456), "€1,234.56");
        assert_eq!(Lang::Nl.money(0), "€ 0,00");
        assert_eq!(Lang::En.money(5), "€0.05");
        assert_eq!(Lang::Nl.money(6250), "€ 62,50");
        assert_eq!(Lang::En.money(12_345_678_900), "€123,456,789.00");
        assert_eq!(Lang::Nl.money(-150), "-€ 1,50");
    }

    fn leaves(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    leaves(v, format!("{path}.{k}"), out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    leaves(v, format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::String(s) => out.push((path, s.clone())),
            other => out.push((path, other.to_string())),
        }
    }

    #[test]
    fn both_languages_complete_with_same_placeholders() {
        let mut nl = vec![];
        let mut en = vec![];
        leaves(
            &serde_json::to_value(Lang::Nl.t()).unwrap(),
            String::new(),
            &mut nl,
        );
        leaves(
            &serde_json::to_value(Lang::En.t()).unwrap(),
            String::new(),
            &mut en,
        );
        assert_eq!(nl.len(), en.len());
        for ((key, n), (_, e)) in nl.iter().zip(&en) {
            assert!(!n.trim().is_empty(), "nl{key} is empty");
            assert!(!e.trim().is_empty(), "en{key} is empty");
            assert_eq!(
                n.matches("{}").count(),
                e.matches("{}").count(),
                "placeholders differ in {key}"
            );
        }
    }

    #[test]
    fn accept_language_and_dates() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,nl;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE, nl;q=0.5, en;q=0.4"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(13, 5, 0)
            .unwrap();
        let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
        assert_eq!(Lang::Nl.datetime(t, tz), "23 nov. 2026 14:05");
        assert_eq!(Lang::En.datetime(t, tz), "23 Nov 2026 14:05");
        assert_eq!(
            fill("Probeer over {} minuten", &[&3]),
            "Probeer over 3 minuten"
        );
    }

    #[test]
    fn money_and_long_dates_per_language() {
        assert_eq!(Lang::Nl.money(123_456), "€ 1.234,56");
        assert_eq!(Lang::En.money(123_456), "€1,234.56");
        assert_eq!(Lang::Nl.money(900), "€ 9,00");
        assert_eq!(Lang::En.money(5), "€0.05");
        assert_eq!(Lang::Nl.money(100_000_000), "€ 1.000.000,00");
        assert_eq!(Lang::En.money(-2_500), "-€25.00");
        assert_eq!(Lang::Nl.money(0), "€ 0,00");
        let d = chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        assert_eq!(Lang::Nl.long_date(d), "31 maart 2027");
        assert_eq!(Lang::En.long_date(d), "31 March 2027");
    }
}

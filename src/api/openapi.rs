//! The OpenAPI 3 document at `/api/v1/openapi.json`, generated from the
//! catalogue: every operation with an API route is a path item with its
//! method, parameters, body, answers and the scope it needs; the sort fields
//! come from the same `SortSpec`s the handlers use.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde_json::{Map, Value, json};

use crate::api::BASE;
use crate::domain::modules::Module;
use crate::domain::paging::{MAX_NUMBER, MAX_SIZE, SortSpec};
use crate::domain::scopes::{Level, Operation, Resource, Scope};
use crate::domain::subscriptions::{self, Status};
use crate::domain::{
    contacts, customers, locations, meetings, phone, reference, webhook_deliveries, webhook_events,
    webhooks,
};

/// Routes outside the catalogue: they need a token but no scope.
pub const EXTRA: &[(&str, &str)] = &[("GET", "/me"), ("GET", "/openapi.json")];

/// `GET /api/v1/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(build())
}

/// What an operation takes and gives.
struct Shape {
    /// The schema of the body, if any.
    body: Option<&'static str>,
    /// The body's media types.
    media: &'static [&'static str],
    /// Success status and schema (`None`: no content).
    ok: (u16, Option<&'static str>),
    /// Sorting, for lists.
    sort: Option<&'static SortSpec>,
    /// Extra query parameters (name, description).
    filters: &'static [(&'static str, &'static str)],
    /// Answers besides the ones every operation of its kind has (status,
    /// description).
    extra: &'static [(u16, &'static str)],
}

const JSON: &[&str] = &["application/json"];

/// A phone number as the API shows it.
const STORED_PHONE: &str = "E.164, `+` and the digits (`+31612345678`); empty when there is none. \
    A number saved before the phone rule and never changed since is as it was typed.";
/// A phone number as the API takes it: the phone rule.
const PHONE_INPUT: &str = "A phone number as people write it: digits with spaces, hyphens, dots or \
    parentheses. Either a Dutch number of 10 digits starting with 0 (`06 12345678`, \
    `030 234 56 78`), or `+` or `00`, the country code and the number, 8 to 15 digits \
    (`+31 6 1234 5678`, `0032 2 555 12 12`); a 0 written after +31 is dropped. Saved in E.164 \
    (`+31612345678`); empty (or null) for none. Anything else: 422 with code `invalid_phone` \
    (customers) or `invalid_mobile` (contacts).";
const PATCH: &[&str] = &["application/merge-patch+json", "application/json"];
const IMAGE: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/webp",
    "multipart/form-data",
];

const CHANGED_MEANWHILE: &str =
    "The subscription changed while the request ran (another change won); read it and try again.";
const SUBSCRIPTION_START_422: &str = "Invalid input, field by field: `plan` unknown \
    (`invalid_choice`) or archived (`plan_archived`), `seats` below one, above the most or below \
    the number of members, `modules` not offered by the plan, `organizationAddress` \
    (`billing_details_missing`: complete the billing details first), `status` \
    (`already_subscribed`: a subscription is running).";
const SUBSCRIPTION_CHANGE_422: &str = "Invalid input, field by field (as when starting one), or \
    the subscription cannot change: `id` (`not_current_subscription`: an ended subscription), \
    `status` (`not_running`: not active; `cancel_pending`: withdraw the cancellation first).";
const SUBSCRIPTION_CANCEL_422: &str = "`atPeriodEnd` (`cancel_now_operator_only`: only the \
    Portaal operator ends a subscription at once; API clients cancel at the period end), `id` \
    (`not_current_subscription`), or `status` (`nothing_to_cancel`: already cancelled or ended).";
const SUBSCRIPTION_UNDO_422: &str = "`id` (`not_current_subscription`) or `status` \
    (`nothing_to_undo`: no cancellation is pending).";
const COUPON_APPLY_422: &str = "The coupon was not applied, field `coupon`: \
    `required` (no code), `coupon_code_format` (only letters, digits, `-` and `_`), `too_long` \
    (over 40 characters), `coupon_unknown`, `coupon_expired` (past its redeem-by date), \
    `coupon_used_up` (its redemptions are taken), `coupon_archived`, `coupon_not_for_plan` (not \
    valid for the subscription's plan), `coupon_already_applied` (this coupon is applied now), \
    `coupon_replaces` (another coupon is applied; its message names that code: send \
    `\"replace\": true` to replace it), `not_running` (the subscription has ended or awaits a \
    start).";
const COUPON_CLEAR_422: &str = "`coupon` (`no_coupon`: no coupon is applied).";
const DRY_RUN: &str = "`true`: answer the preview of the change (`SubscriptionPreview`: what is \
    charged now, what waits for the period end, the next invoice) and change nothing. \
    Default `false`: make the change and answer the subscription.";

const WEBHOOK_422: &str = "Invalid input, field by field: `url` (`webhook_url_invalid`: not a URL; \
    `webhook_url_scheme`: not `https`, or plain `http` outside the networks the operator allows; \
    `webhook_url_userinfo`: a user name or password in it; `webhook_url_host`: no usable host; \
    `webhook_address_internal`: it is, or its name resolves to, an internal or reserved address; \
    `too_long`), `description` (`too_long`), `eventTypes` (`webhook_event_type_unknown`), \
    `enabled` and `version` (`invalid_type`), or a field the resource does not have.";
const WEBHOOK_409: &str =
    "`version` in the body is not the current one, or the endpoint changed while the request ran.";
const WEBHOOK_STATUS: &str = "Only messages in this status: `pending`, `delivered` or `failed`.";
const WEBHOOK_RESEND_422: &str = "`endpoint` (`webhook_endpoint_disabled`): its endpoint is \
    switched off; switch it on first.";

const ORG_SORT: SortSpec = SortSpec {
    fields: &["name"],
    default: "name",
    default_desc: false,
};

fn shape(op: Operation) -> Shape {
    use Operation::*;
    let read = |schema| Shape {
        body: None,
        media: JSON,
        ok: (200, Some(schema)),
        sort: None,
        filters: &[],
        extra: &[],
    };
    let list = |schema, sort| Shape {
        body: None,
        media: JSON,
        ok: (200, Some(schema)),
        sort: Some(sort),
        filters: &[],
        extra: &[],
    };
    let write = |body, status, schema, media| Shape {
        body: Some(body),
        media,
        ok: (status, Some(schema)),
        sort: None,
        filters: &[],
        extra: &[],
    };
    let gone = || Shape {
        body: None,
        media: JSON,
        ok: (204, None),
        sort: None,
        filters: &[],
        extra: &[],
    };
    match op {
        OrganizationList => list("OrganizationList", &ORG_SORT),
        OrganizationGet => read("Organization"),
        OrganizationCreate => write("OrganizationInput", 201, "Organization", JSON),
        OrganizationMailFooterGet => read("MailFooter"),
        OrganizationMailFooterUpdate => write("MailFooterInput", 200, "MailFooter", PATCH),
        OrganizationLogoUpdate | OrganizationIconUpdate => write("Image", 201, "ImageMeta", IMAGE),
        LocationList => list("LocationList", &locations::SORT),
        LocationGet => read("Location"),
        LocationCreate => write("LocationInput", 201, "Location", JSON),
        LocationUpdate => write("LocationInput", 200, "Location", PATCH),
        MeetingList => Shape {
            filters: &[
                ("employee", "Only meetings of this member (user IRI or id)."),
                ("location", "Only meetings at this location (IRI or id)."),
                ("customer", "Only meetings with this customer (IRI or id)."),
                (
                    "dateFrom",
                    "Only meetings that end after this moment (RFC 3339).",
                ),
                (
                    "dateTo",
                    "Only meetings that start before this moment (RFC 3339).",
                ),
            ],
            ..list("MeetingList", &meetings::SORT)
        },
        MeetingGet => read("Meeting"),
        MeetingCreate => write("MeetingInput", 201, "Meeting", JSON),
        MeetingUpdate => write("MeetingInput", 200, "Meeting", PATCH),
        CustomerList => list("CustomerList", &customers::SORT),
        CustomerGet => read("Customer"),
        CustomerCreate => write("CustomerInput", 201, "Customer", JSON),
        CustomerUpdate => write("CustomerInput", 200, "Customer", PATCH),
        ContactList => list("ContactList", &contacts::SORT),
        ContactGet => read("Contact"),
        ContactCreate => write("ContactInput", 201, "Contact", JSON),
        ContactUpdate => write("ContactInput", 200, "Contact", PATCH),
        ContactExtensionAdd => Shape {
            body: None,
            ..read("Contact")
        },
        LanguageList => list("LanguageList", &reference::LANGUAGE_SORT),
        LanguageGet => read("Language"),
        LanguageEnable => write("LanguageInput", 201, "Language", JSON),
        CountryList => list("CountryList", &crate::api::reference::COUNTRY_SORT),
        CountryGet => read("Country"),
        SubscriptionList => list("SubscriptionList", &crate::api::subscriptions::SORT),
        SubscriptionGet => read("Subscription"),
        SubscriptionCreate => Shape {
            extra: &[(422, SUBSCRIPTION_START_422)],
            ..write("SubscriptionInput", 201, "Subscription", JSON)
        },
        SubscriptionUpdate => Shape {
            extra: &[(409, CHANGED_MEANWHILE), (422, SUBSCRIPTION_CHANGE_422)],
            ..write("SubscriptionChange", 200, "SubscriptionUpdateResult", PATCH)
        },
        SubscriptionCancel => Shape {
            extra: &[(409, CHANGED_MEANWHILE), (422, SUBSCRIPTION_CANCEL_422)],
            ..write("SubscriptionCancelInput", 200, "Subscription", JSON)
        },
        SubscriptionApplyCoupon => Shape {
            extra: &[(422, COUPON_APPLY_422)],
            ..write("CouponInput", 200, "Subscription", JSON)
        },
        SubscriptionClearCoupon => Shape {
            extra: &[(422, COUPON_CLEAR_422)],
            ..read("Subscription")
        },
        SubscriptionInvoices => list("InvoiceList", &crate::domain::invoices::SORT),
        InvoiceGet | InvoicePdf => read("Invoice"),
        SubscriptionUndoCancel => Shape {
            extra: &[(409, CHANGED_MEANWHILE), (422, SUBSCRIPTION_UNDO_422)],
            ..read("Subscription")
        },
        WebhookList => list("WebhookList", &webhooks::SORT),
        WebhookGet => read("Webhook"),
        WebhookCreate => Shape {
            extra: &[(422, WEBHOOK_422)],
            ..write("WebhookInput", 201, "WebhookCreated", JSON)
        },
        WebhookUpdate => Shape {
            extra: &[(409, WEBHOOK_409), (422, WEBHOOK_422)],
            ..write("WebhookChange", 200, "Webhook", PATCH)
        },
        WebhookDeliveries => Shape {
            filters: &[("status", WEBHOOK_STATUS)],
            ..list("WebhookMessageList", &webhook_deliveries::SORT)
        },
        WebhookTest => read("WebhookTestResult"),
        WebhookRotateSecret => read("WebhookCreated"),
        WebhookResend => Shape {
            ok: (202, Some("WebhookMessage")),
            extra: &[(422, WEBHOOK_RESEND_422)],
            ..read("WebhookMessage")
        },
        _ => gone(),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn error_answer(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": reference("Error") } }
    })
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            json!({
                "name": name, "in": "path", "required": true,
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]+$" }
            })
        })
        .collect()
}

fn list_params(sort: &SortSpec) -> Vec<Value> {
    vec![
        json!({ "name": "pageNumber", "in": "query", "description": "The page, from 1.",
                "schema": { "type": "integer", "minimum": 1, "maximum": MAX_NUMBER, "default": 1 } }),
        json!({ "name": "pageSize", "in": "query", "description": "Items per page.",
                "schema": { "type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 25 } }),
        json!({ "name": "sortBy", "in": "query", "description": "The field to sort by.",
                "schema": { "type": "string", "enum": sort.fields, "default": sort.default } }),
        json!({ "name": "sortDirection", "in": "query",
                "schema": { "type": "string", "enum": ["ASC", "DESC"],
                            "default": if sort.default_desc { "DESC" } else { "ASC" } } }),
        json!({ "name": "q", "in": "query", "description": "Free-text search.",
                "schema": { "type": "string", "maxLength": 100 } }),
    ]
}

fn operation(op: Operation, method: &str) -> Value {
    let (_, path) = op.api_route().unwrap_or(("GET", "/"));
    let s = shape(op);
    let scope = op.required_scope().to_string();
    let mut params = path_params(path);
    if let Some(sort) = s.sort {
        params.extend(list_params(sort));
    }
    for (name, description) in s.filters {
        params.push(
            json!({ "name": name, "in": "query", "description": description,
                            "schema": { "type": "string" } }),
        );
    }
    if op == Operation::WebhookDeliveries
        && let Some(status) = params.last_mut()
    {
        status["schema"] = json!({ "type": "string", "enum": crate::api::webhooks::STATUSES });
    }
    let mut responses = Map::new();
    let ok = match s.ok {
        (status, Some(schema)) => (
            status.to_string(),
            json!({ "description": "Success.",
                    "content": { "application/json": { "schema": reference(schema) } } }),
        ),
        (status, None) => (status.to_string(), json!({ "description": "No content." })),
    };
    responses.insert(ok.0, ok.1);
    responses.insert(
        "401".into(),
        error_answer("Missing, unknown, expired or revoked token."),
    );
    responses.insert(
        "403".into(),
        error_answer(&format!(
            "The token lacks the scope `{scope}` (`insufficient_scope`), or the organisation's \
             subscription does not give the module the API (or the operation) belongs to now \
             (`module_not_subscribed`, naming the `module`)."
        )),
    );
    if path.contains('{') {
        responses.insert(
            "404".into(),
            error_answer("No such record in the client's organisation."),
        );
    }
    if s.sort.is_some() || s.body.is_some() {
        responses.insert("422".into(), error_answer("Invalid input, field by field."));
    }
    match (s.body.is_some(), s.sort.is_some() || !s.filters.is_empty()) {
        (true, _) => {
            responses.insert(
                "400".into(),
                error_answer("Malformed body, or a query parameter given twice."),
            );
            responses.insert("413".into(), error_answer("The body is too large."));
            responses.insert("415".into(), error_answer("Unsupported content type."));
        }
        (false, true) => {
            responses.insert(
                "400".into(),
                error_answer("A query parameter given twice or unreadable."),
            );
        }
        (false, false) => {}
    }
    if method == "PATCH" {
        responses.insert(
            "412".into(),
            error_answer("`If-Match` names an old version."),
        );
        params.push(json!({ "name": "If-Match", "in": "header",
                            "description": "The version (ETag) the change is based on.",
                            "schema": { "type": "string" } }));
    }
    for (status, description) in s.extra {
        responses.insert(status.to_string(), error_answer(description));
    }
    if op == Operation::SubscriptionUpdate {
        params.push(
            json!({ "name": "dryRun", "in": "query", "description": DRY_RUN,
                            "schema": { "type": "boolean", "default": false } }),
        );
    }
    if s.media == IMAGE {
        responses.insert(
            "413".into(),
            error_answer("The image is over the upload limit."),
        );
    }
    if op == Operation::InvoicePdf {
        responses.insert(
            "200".into(),
            json!({ "description": "The PDF as it was issued (the stored bytes); `ETag` is their SHA-256.",
                    "headers": { "ETag": { "schema": { "type": "string" } } },
                    "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } }),
        );
        responses.insert(
            "304".into(),
            json!({ "description": "Not modified (`If-None-Match` named the ETag)." }),
        );
    }
    let mut item = json!({
        "operationId": op.name(),
        "summary": op.description(crate::i18n::Lang::En),
        "tags": [op.required_scope().resource.as_str()],
        "security": [{ "oauth2": [scope] }],
        "x-required-scope": scope,
        "parameters": params,
        "responses": responses,
    });
    if let Some(body) = s.body {
        let content: Map<String, Value> = s
            .media
            .iter()
            .map(|m| {
                let schema = if m.starts_with("image/") {
                    json!({ "type": "string", "format": "binary" })
                } else if *m == "multipart/form-data" {
                    json!({ "type": "object", "properties": { "file": { "type": "string", "format": "binary" } } })
                } else {
                    reference(body)
                };
                (m.to_string(), json!({ "schema": schema }))
            })
            .collect();
        // Cancelling takes no body at all as `{"atPeriodEnd": true}`.
        let required = op != Operation::SubscriptionCancel;
        item["requestBody"] = json!({ "required": required, "content": content });
    }
    item
}

/// Every scope of the catalogue, for the security scheme.
fn all_scopes() -> Map<String, Value> {
    let mut scopes = Map::new();
    for resource in Resource::ALL {
        let subs = std::iter::once(None).chain(resource.subpaths().iter().copied().map(Some));
        for subpath in subs {
            for level in Level::ALL {
                let s = Scope {
                    resource,
                    subpath,
                    level,
                };
                scopes.insert(
                    s.to_string(),
                    json!(format!("{} {}", level.as_str(), resource.as_str())),
                );
            }
        }
    }
    scopes
}

fn list_of(item: &str) -> Value {
    json!({
        "type": "object",
        "required": ["items", "pageNumber", "pageSize", "totalItems"],
        "properties": {
            "items": { "type": "array", "items": reference(item) },
            "pageNumber": { "type": "integer" },
            "pageSize": { "type": "integer" },
            "totalItems": { "type": "integer" }
        }
    })
}

fn schemas() -> Value {
    let mut all = core_schemas();
    if let (Some(all), Value::Object(more)) = (all.as_object_mut(), subscription_schemas()) {
        all.extend(more);
    }
    all
}

/// The subscription's schemas.
fn subscription_schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let text = || s("string");
    let opt_text = || json!({ "type": ["string", "null"] });
    let time = || json!({ "type": "string", "format": "date-time" });
    let iri = || json!({ "type": "string", "format": "iri-reference" });
    let opt_iri = || json!({ "type": ["string", "null"], "format": "iri-reference" });
    let opt_time = || json!({ "type": ["string", "null"], "format": "date-time" });
    let module_names: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
    let module = || json!({ "type": "string", "enum": module_names });
    let interval = || json!({ "type": "string", "enum": ["month", "year"] });
    let status_names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let order_fields = json!({
        "plan": { "type": "string", "description": "The plan's code (`basis`, `plus` …)." },
        "interval": { "type": "string", "enum": ["month", "year"], "default": "month" },
        "seats": { "type": "integer", "minimum": 1, "maximum": subscriptions::MAX_SEATS,
                   "description": "At least the number of active members." },
        "modules": { "type": "array", "items": module(),
                     "description": "Add-on modules wanted (modules the plan includes are ignored)." }
    });
    json!({
        "Subscription": { "type": "object", "properties": {
            "id": text(), "organization": iri(),
            "organizationAddress": { "oneOf": [ { "type": "null" }, reference("OrganizationAddress") ],
                "description": "The organisation's billing details; null while none are saved." },
            "type": { "type": "string", "enum": ["default"] },
            "paymentMethod": { "type": "string", "enum": ["invoice"] },
            "products": { "type": "array", "items": reference("SubscriptionProduct"),
                          "description": "The plan the subscription is on." },
            "seats": s("integer"),
            "modules": { "type": "array", "items": module(),
                         "description": "The modules the subscription gives now (none once it ended)." },
            "addons": { "type": "array", "items": module(),
                        "description": "The add-on modules ordered on top of the plan." },
            "status": { "type": "string", "enum": status_names,
                        "description": "The status as of now (a trial that ended is `awaiting` at once)." },
            "current": { "type": "boolean", "description": "Whether this is the organisation's current subscription." },
            "externalId": opt_text(), "metadata": s("object"),
            "createdAt": time(), "updatedAt": time(),
            "active": { "type": "boolean", "description": "The subscription gives access now (trialing, active, past due)." },
            "awaiting": { "type": "boolean", "description": "The trial ended and nothing was started." },
            "currentPeriodStart": opt_time(), "currentPeriodEnd": opt_time(),
            "trialEnd": opt_time(),
            "cancelAt": { "type": ["string", "null"], "format": "date-time",
                          "description": "When a cancellation takes effect (the subscription runs until then)." },
            "coupon": { "oneOf": [ { "type": "null" }, reference("SubscriptionCoupon") ],
                        "description": "The coupon applied now; null when none is." },
            "scheduledChanges": { "oneOf": [ { "type": "null" }, reference("SubscriptionScheduled") ] },
            "version": s("integer") } },
        "SubscriptionList": list_of("Subscription"),
        "SubscriptionCoupon": { "type": "object",
            "required": ["code", "percentOff", "amountOff", "duration", "durationMonths", "appliedAt"],
            "properties": {
            "code": { "type": "string", "description": "The code, in upper case." },
            "percentOff": { "type": ["integer", "null"], "minimum": 1, "maximum": 100,
                            "description": "Percent off each invoice it covers; null for an amount off." },
            "amountOff": { "type": ["integer", "null"], "minimum": 1,
                           "description": "Cents off each invoice it covers (never below zero); null for a percentage." },
            "duration": { "type": "string", "enum": ["once", "repeating", "forever"],
                          "description": "`once`: the next invoice; `repeating`: invoices within `durationMonths` of `appliedAt`; `forever`: every invoice." },
            "durationMonths": { "type": ["integer", "null"], "minimum": 1,
                                "maximum": crate::domain::coupons::MAX_MONTHS,
                                "description": "For `repeating`; else null." },
            "appliedAt": time() } },
        "CouponInput": { "type": "object", "required": ["code"], "properties": {
            "code": { "type": "string", "maxLength": crate::domain::coupons::MAX_CODE,
                      "pattern": "^[A-Za-z0-9_-]+$",
                      "description": "The coupon's code, case-insensitive (`welkom20` is `WELKOM20`)." },
            "replace": { "type": "boolean", "default": false,
                         "description": "Replace the coupon applied now, if another one is (otherwise 422 `coupon_replaces`, naming it)." } } },
        "SubscriptionDiscount": { "type": "object", "required": ["code", "amount"], "properties": {
            "code": { "type": "string", "description": "The applied coupon's code, in upper case." },
            "amount": { "type": "integer", "minimum": 0, "description": "Taken off the next invoice, in cents." } } },
        "OrganizationAddress": { "type": "object", "properties": {
            "legalName": text(), "addressLine": text(), "postalCode": text(), "city": text(),
            "country": opt_iri(), "invoiceEmail": text(), "vatId": text(), "kvkNumber": text(),
            "updatedAt": time() } },
        "SubscriptionProduct": { "type": "object", "properties": {
            "code": text(), "name": text(), "interval": interval(),
            "seatPrice": { "type": "integer", "description": "Per seat per period, in cents." },
            "currency": text() } },
        "SubscriptionScheduled": { "type": "object", "properties": {
            "plan": text(), "interval": interval(), "seats": s("integer"),
            "modules": { "type": "array", "items": module() }, "at": time() } },
        "SubscriptionInput": { "type": "object", "required": ["plan", "seats"], "properties": order_fields.clone() },
        "SubscriptionChange": { "type": "object", "properties": order_fields,
            "description": "Only what changes; a field left out stays as it will be after the period end." },
        "SubscriptionCancelInput": { "type": "object", "properties": {
            "atPeriodEnd": { "type": "boolean", "default": true,
                "description": "Cancel at the end of the current period (a trial ends at once). `false` (at once) is the operator's: 422 `cancel_now_operator_only`." } } },
        "SubscriptionLine": { "type": "object", "properties": {
            "kind": { "type": "string", "enum": ["seats", "addon", "seats_added", "addon_added", "plan_upgrade"] },
            "plan": opt_text(), "fromPlan": opt_text(),
            "module": { "type": ["string", "null"] },
            "quantity": s("integer"),
            "unitPrice": { "type": "integer", "description": "For a full period, in cents." },
            "amount": { "type": "integer", "description": "In cents (prorated by the second, half-up)." },
            "periodStart": time(), "periodEnd": time() } },
        "SubscriptionPreview": { "type": "object",
            "required": ["dryRun", "immediate", "immediateTotal", "scheduled", "next", "nextTotal", "nextDate", "discount", "nextInvoiceTotal", "invoicedNow", "invoicedNowTotal", "discountNow"],
            "properties": {
            "subscription": iri(), "dryRun": { "type": "boolean", "const": true }, "currency": text(),
            "immediate": { "type": "array", "items": reference("SubscriptionLine") },
            "immediateTotal": s("integer"),
            "scheduled": { "oneOf": [ { "type": "null" }, reference("SubscriptionScheduled") ] },
            "pending": { "type": "array", "items": reference("SubscriptionLine") },
            "next": { "type": "array", "items": reference("SubscriptionLine") },
            "nextTotal": s("integer"), "nextDate": time(),
            "discount": { "oneOf": [ { "type": "null" }, reference("SubscriptionDiscount") ],
                          "description": "What the applied coupon takes off the next invoice after the change; null without a coupon." },
            "nextInvoiceTotal": { "type": "integer",
                                  "description": "The next period, plus pending + immediate unless they are invoiced now (`invoicedNow`), less the discount, in cents." },
            "invoicedNow": { "type": "boolean",
                             "description": "The subscription is yearly: an increase is invoiced when the change is confirmed (pending + immediate, less the coupon's discount then), not on the next invoice a year later. Monthly: `false`, the next invoice carries it." },
            "invoicedNowTotal": { "type": "integer",
                                  "description": "What the invoice made on confirming totals, excluding VAT, in cents; 0 when none is made (monthly, or nothing goes up)." },
            "discountNow": { "oneOf": [ { "type": "null" }, reference("SubscriptionDiscount") ],
                             "description": "What the applied coupon takes off the invoice made on confirming; null when none is made or the coupon does not cover it. A once-only coupon used there is not taken off the next invoice too." } } },
        "SubscriptionUpdateResult": { "anyOf": [ reference("Subscription"), reference("SubscriptionPreview") ] }
    })
}

fn core_schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let module_names: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
    let text = || s("string");
    let opt_text = || json!({ "type": ["string", "null"] });
    let time = || json!({ "type": "string", "format": "date-time" });
    let iri = || json!({ "type": "string", "format": "iri-reference" });
    let opt_iri = || json!({ "type": ["string", "null"], "format": "iri-reference" });
    let hour = || json!({ "type": ["integer", "null"], "minimum": 0, "maximum": 23 });
    // The phone rule (domain::phone): what is stored and shown, and what
    // may be sent.
    let stored_phone = |kind: Value| json!({ "type": kind, "description": STORED_PHONE });
    let phone_input = |kind: Value| {
        json!({
        "type": kind, "maxLength": phone::MAX_TYPED, "pattern": phone::PATTERN,
        "description": PHONE_INPUT })
    };
    let mut schemas = json!({
        "Error": {
            "type": "object",
            "required": ["error", "message", "errors"],
            "properties": {
                "error": text(), "message": text(),
                "operation": text(), "scope": text(), "module": text(),
                "errors": { "type": "array", "items": {
                    "type": "object", "required": ["field", "code", "message"],
                    "properties": { "field": text(), "code": text(), "message": text() } } }
            }
        },
        "Organization": { "type": "object", "properties": {
            "id": text(), "type": text(), "status": text(), "name": text(), "slug": text(),
            "stripeCustomerId": opt_text(), "manualBilling": s("boolean"), "demo": s("boolean"),
            "productionLike": s("boolean"), "defaultLanguage": text(), "timeZone": text(),
            "mailFooter": iri(), "currentSubscription": opt_iri(),
            "organizationModules": { "type": "array", "items": { "type": "string", "enum": module_names },
                "description": "The modules the organisation may use now." },
            "version": s("integer"), "createdAt": time(), "updatedAt": time() } },
        "OrganizationList": list_of("Organization"),
        "MailFooter": { "type": "object", "properties": {
            "organization": iri(), "mailFooter": text(), "html": text(), "text": text(),
            "version": s("integer") } },
        "MailFooterInput": { "type": "object", "properties": {
            "mailFooter": { "type": "string", "maxLength": crate::domain::organizations::MAX_FOOTER } } },
        "ImageMeta": { "type": "object", "properties": {
            "kind": text(), "contentType": text(), "width": s("integer"), "height": s("integer"),
            "byteSize": s("integer"), "sha256": text(), "updatedAt": time() } },
        "Location": { "type": "object", "properties": {
            "id": text(), "name": text(), "addressLine1": text(), "addressLine2": text(),
            "postalCode": text(), "city": text(), "country": opt_iri(),
            "officeOpenHour": hour(), "officeCloseHour": hour(),
            "version": s("integer"), "createdAt": time(), "updatedAt": time() } },
        "LocationList": list_of("Location"),
        "LocationInput": { "type": "object", "required": ["name"], "properties": {
            "name": { "type": "string", "maxLength": locations::MAX_NAME },
            "addressLine1": text(), "addressLine2": text(), "postalCode": text(), "city": text(),
            "country": opt_iri(), "officeOpenHour": hour(), "officeCloseHour": hour() } },
        "Meeting": { "type": "object", "properties": {
            "id": text(), "subject": text(), "employee": iri(), "employeeName": text(), "location": opt_iri(),
            "locationName": opt_text(), "customer": opt_iri(), "customerName": opt_text(),
            "contact": opt_iri(), "contactName": opt_text(), "dateFrom": time(), "dateTo": time(), "notes": text(),
            "version": s("integer"), "createdAt": time(), "updatedAt": time(),
            "overlappingMeetings": { "type": "array", "items": iri() } } },
        "MeetingList": list_of("Meeting"),
        "MeetingInput": { "type": "object", "required": ["employee", "dateFrom", "dateTo"], "properties": {
            "subject": { "type": ["string", "null"], "maxLength": meetings::MAX_SUBJECT,
                         "description": "What the meeting is about (optional)." },
            "employee": iri(), "location": opt_iri(),
            "customer": { "type": ["string", "null"], "format": "iri-reference",
                          "description": "A customer of the organisation (IRI or id; optional)." },
            "contact": { "type": ["string", "null"], "format": "iri-reference",
                         "description": "One of the customer's contacts (IRI or id; optional). Alone, it brings its customer; a new customer without a contact drops the old one." },
            "dateFrom": { "type": "string", "description": "RFC 3339; without an offset: the organisation's time zone." },
            "dateTo": { "type": "string", "description": "After dateFrom, at most 7 days later." },
            "notes": { "type": ["string", "null"], "maxLength": meetings::MAX_NOTES } } },
        "Customer": { "type": "object", "properties": {
            "id": text(), "name": text(), "type": { "type": "string", "enum": customers::TYPES },
            "email": text(), "phone": stored_phone(json!("string")), "country": opt_iri(), "notes": text(), "contacts": iri(),
            "version": s("integer"), "createdAt": time(), "updatedAt": time() } },
        "CustomerList": list_of("Customer"),
        "CustomerInput": { "type": "object", "required": ["name"], "properties": {
            "name": { "type": "string", "maxLength": customers::MAX_NAME },
            "type": { "type": "string", "enum": customers::TYPES },
            "email": text(), "phone": phone_input(json!("string")), "country": opt_iri(),
            "notes": { "type": "string", "maxLength": customers::MAX_NOTES } } },
        "Contact": { "type": "object", "properties": {
            "id": text(), "customer": iri(), "firstname": text(), "lastname": text(),
            "email": opt_text(), "mobile": stored_phone(json!(["string", "null"])),
            "extensions": { "type": "array", "items": { "type": "string", "enum": contacts::EXTENSIONS } },
            "version": s("integer"), "createdAt": time(), "updatedAt": time() } },
        "ContactList": list_of("Contact"),
        "ContactInput": { "type": "object", "required": ["firstname", "lastname"], "properties": {
            "firstname": { "type": "string", "maxLength": contacts::MAX_NAME },
            "lastname": { "type": "string", "maxLength": contacts::MAX_NAME },
            "email": { "type": ["string", "null"], "format": "email" },
            "mobile": phone_input(json!(["string", "null"])) } },
        "Country": { "type": "object", "properties": { "id": text(), "nameNl": text(), "nameEn": text() } },
        "CountryList": list_of("Country"),
        "Language": { "type": "object", "properties": {
            "id": text(), "nameNl": text(), "nameEn": text(), "enabled": s("boolean") } },
        "LanguageList": list_of("Language"),
        "LanguageInput": { "type": "object", "required": ["id"], "properties": { "id": text() } },
        "Me": { "type": "object", "properties": {
            "clientId": text(), "name": text(), "organization": iri(), "organizationName": text(),
            "scopes": { "type": "array", "items": text() },
            "operations": { "type": "array", "items": { "type": "object", "properties": {
                "name": text(), "method": text(), "path": text(), "scope": text() } } } } }
    });
    // (Past the `json!` macro's recursion limit, so added on their own.)
    let t = || json!({ "type": "string" });
    let opt_t = || json!({ "type": ["string", "null"] });
    let int = || json!({ "type": "integer" });
    schemas["Invoice"] = json!({ "type": "object", "properties": {
        "id": t(), "kind": { "type": "string", "enum": ["invoice", "credit_note"] },
        "number": opt_t(), "status": { "type": "string", "enum": ["open", "paid", "void"] },
        "subscription": opt_t(), "creditsInvoice": opt_t(), "currency": t(), "language": t(),
        "periodStart": t(), "periodEnd": t(), "issuedAt": opt_t(), "dueAt": opt_t(),
        "paidAt": opt_t(), "voidedAt": opt_t(),
        "vatTreatment": { "type": "string", "enum": ["domestic", "reverse_charge", "eu_no_vat_id", "outside_eu"] },
        "subtotal": int(), "vatAmount": int(), "total": int(), "paymentReference": opt_t(),
        "pdf": t(), "version": int(),
        "lines": { "type": "array", "description": "Only on `GET /invoices/{id}`.", "items": {
            "type": "object", "properties": {
                "kind": t(), "description": t(), "periodStart": opt_t(), "periodEnd": opt_t(),
                "quantity": int(), "unitPrice": int(), "amount": int(),
                "vatRate": { "type": "integer", "description": "Basis points: 2100 = 21 %." } } } } } });
    schemas["InvoiceList"] = list_of("Invoice");
    webhook_schemas(&mut schemas);
    schemas["OrganizationInput"] = json!({ "type": "object", "required": ["name"], "additionalProperties": false,
        "description": "A new organisation starts on a trial of the default plan; the person who created this client becomes its admin.",
        "properties": { "name": { "type": "string", "minLength": 1, "maxLength": crate::domain::validate::MAX_LINE } } });
    schemas
}

/// The webhook endpoints', their messages' and attempts' schemas.
fn webhook_schemas(schemas: &mut Value) {
    let t = || json!({ "type": "string" });
    let opt_t = || json!({ "type": ["string", "null"] });
    let time = || json!({ "type": "string", "format": "date-time" });
    let opt_time = || json!({ "type": ["string", "null"], "format": "date-time" });
    let int = || json!({ "type": "integer" });
    let opt_int = || json!({ "type": ["integer", "null"] });
    let boolean = || json!({ "type": "boolean" });
    let types = || {
        json!({ "type": "array", "items": { "type": "string", "enum": webhook_events::TYPES },
                "description": "The event types it gets; empty: every type." })
    };
    schemas["Webhook"] = json!({ "type": "object",
        "required": ["id", "url", "description", "eventTypes", "enabled", "disabledReason",
                     "disabledAt", "failingSince", "lastSuccessAt", "successRate24h", "version",
                     "createdAt", "updatedAt"],
        "properties": {
        "id": t(), "url": t(), "description": t(), "eventTypes": types(), "enabled": boolean(),
        "disabledReason": { "type": ["string", "null"], "enum": ["manual", "failing", "gone", null],
            "description": "Why it is off: switched off by hand, failing for 5 days without a success, or the receiver answered 410 Gone; null while enabled." },
        "disabledAt": opt_time(),
        "failingSince": { "type": ["string", "null"], "format": "date-time",
                          "description": "The first failure since the last success." },
        "lastSuccessAt": opt_time(),
        "successRate24h": { "type": "object", "required": ["succeeded", "total"],
            "description": "Attempts of the last 24 hours.",
            "properties": { "succeeded": int(), "total": int() } },
        "version": int(), "createdAt": time(), "updatedAt": time() } });
    schemas["WebhookList"] = list_of("Webhook");
    schemas["WebhookCreated"] = json!({ "allOf": [reference("Webhook"), { "type": "object",
        "required": ["secret"], "properties": { "secret": { "type": "string", "pattern": "^whsec_",
            "description": "The signing secret (`whsec_` and base64). Only in the answer to create and rotate: keep it." } } }] });
    let url = || {
        json!({ "type": "string", "maxLength": crate::domain::webhook_policy::MAX_URL_CHARS,
                "examples": ["https://hooks.example.com/portaal"],
                "description": "`https` (plain `http` only in networks the operator allows), no user name or password; no internal or reserved address." })
    };
    let description =
        || json!({ "type": ["string", "null"], "maxLength": webhooks::MAX_DESCRIPTION });
    let types_input = || {
        json!({ "type": ["array", "null"], "items": { "type": "string", "enum": webhook_events::TYPES },
                "description": "The event types it gets; empty or null: every type." })
    };
    schemas["WebhookInput"] = json!({ "type": "object", "required": ["url"], "properties": {
        "url": url(), "description": description(), "eventTypes": types_input() } });
    schemas["WebhookChange"] = json!({ "type": "object",
        "description": "Only what changes; a field left out stays as it is.",
        "properties": {
        "url": url(), "description": description(), "eventTypes": types_input(),
        "enabled": { "type": "boolean", "description": "Switch it on (clears the failure streak) or off (its waiting messages fail)." },
        "version": { "type": ["integer", "null"], "description": "The version the change is based on: another one is 409." } } });
    schemas["WebhookAttempt"] = json!({ "type": "object",
        "required": ["id", "attemptedAt", "statusCode", "durationMs", "responseExcerpt", "error", "succeeded"],
        "properties": {
        "id": t(), "attemptedAt": time(), "statusCode": opt_int(), "durationMs": int(),
        "responseExcerpt": { "type": "string", "description": "The first 1 KB of a textual answer." },
        "error": opt_t(), "succeeded": boolean() } });
    schemas["WebhookMessage"] = json!({ "type": "object",
        "required": ["id", "webhook", "eventType", "status", "attemptCount", "nextAttemptAt",
                     "lastStatusCode", "createdAt", "deliveredAt", "payload", "attempts"],
        "properties": {
        "id": { "type": "string", "description": "The `webhook-id` header of every attempt." },
        "webhook": { "type": "string", "format": "iri-reference" }, "eventType": t(),
        "status": { "type": "string", "enum": crate::api::webhooks::STATUSES },
        "attemptCount": int(), "nextAttemptAt": opt_time(), "lastStatusCode": opt_int(),
        "createdAt": time(), "deliveredAt": opt_time(),
        "payload": { "type": ["object", "null"], "description": "The body as it is sent: `{type, timestamp, data}`." },
        "attempts": { "type": "array", "items": reference("WebhookAttempt"), "description": "Newest first." } } });
    schemas["WebhookMessageList"] = list_of("WebhookMessage");
    schemas["WebhookTestResult"] = json!({ "type": "object",
        "required": ["message", "statusCode", "durationMs", "responseExcerpt", "error", "succeeded"],
        "properties": {
        "message": { "type": "string", "description": "The test message's id (its `webhook-id`)." },
        "statusCode": opt_int(), "durationMs": int(), "responseExcerpt": t(), "error": opt_t(),
        "succeeded": { "type": "boolean", "description": "The receiver answered 2xx." } } });
}

/// The whole document.
pub fn build() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for op in Operation::ALL {
        let Some((method, path)) = op.api_route() else {
            continue;
        };
        let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        item[method.to_ascii_lowercase()] = operation(*op, method);
    }
    paths.insert(
        "/me".into(),
        json!({ "get": {
            "operationId": "me",
            "summary": "The calling client, its organisation, its scopes and the operations it may call",
            "security": [{ "oauth2": [] }],
            "responses": {
                "200": { "description": "Success.",
                         "content": { "application/json": { "schema": reference("Me") } } },
                "401": error_answer("Missing, unknown, expired or revoked token.")
            }
        } }),
    );
    paths.insert(
        "/openapi.json".into(),
        json!({ "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": { "200": { "description": "The OpenAPI document." } }
        } }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Portaal API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The scoped JSON API of Portaal. Obtain a token with the OAuth2 client-credentials grant at /oauth/token; every operation names the scope it needs (`LEVEL:RESOURCE[:/SUBPATH]`, admin ⊇ write ⊇ read)."
        },
        "servers": [{ "url": BASE }],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": { "clientCredentials": {
                        "tokenUrl": "/oauth/token",
                        "scopes": all_scopes()
                    } }
                }
            }
        }
    })
}

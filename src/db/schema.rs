// The schema shared by both backends. Keep it in step with migrations/sqlite
// and migrations/postgres (portable column types only: Text, Integer, BigInt,
// Bool, Timestamp and their Nullable forms).

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        slug -> Text,
        org_type -> Text,
        status -> Text,
        stripe_customer_id -> Nullable<Text>,
        manual_billing -> Bool,
        database_status -> Nullable<Text>,
        demo -> Bool,
        production_like -> Bool,
        default_language -> Text,
        time_zone -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_footer -> Text,
    }
}

diesel::table! {
    organization_addresses (id) {
        id -> Text,
        organization_id -> Text,
        legal_name -> Text,
        address_line -> Text,
        postal_code -> Text,
        city -> Text,
        country_code -> Text,
        invoice_email -> Text,
        vat_id -> Text,
        kvk_number -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    data_versions (organization_id) {
        organization_id -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    organization_images (organization_id, kind) {
        organization_id -> Text,
        kind -> Text,
        content_type -> Text,
        data -> Binary,
        width -> Integer,
        height -> Integer,
        sha256 -> Text,
        byte_size -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        language -> Nullable<Text>,
        last_login_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        operator -> Bool,
    }
}

diesel::table! {
    memberships (id) {
        id -> Text,
        organization_id -> Text,
        user_id -> Text,
        role -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        disabled -> Bool,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        previous_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        organization_id -> Nullable<Text>,
        actor_type -> Text,
        actor_id -> Nullable<Text>,
        actor_label -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        email -> Text,
        ip -> Text,
        succeeded -> Bool,
        created_at -> Timestamp,
        pending -> Bool,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        organization_id -> Text,
        client_id -> Text,
        name -> Text,
        description -> Text,
        scopes -> Text,
        expires_at -> Nullable<Timestamp>,
        disabled -> Bool,
        created_by_id -> Nullable<Text>,
        created_by_label -> Text,
        last_used_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_client_secrets (id) {
        id -> Text,
        api_client_id -> Text,
        secret_hash -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    access_tokens (id) {
        id -> Text,
        api_client_id -> Text,
        secret_id -> Text,
        scopes -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_failures (id) {
        id -> Text,
        client_id -> Text,
        ip -> Text,
        created_at -> Timestamp,
        pending -> Bool,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
        eu -> Bool,
    }
}

diesel::table! {
    languages (code) {
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    organization_languages (organization_id, language_code) {
        organization_id -> Text,
        language_code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by_label -> Text,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        mail_token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        organization_id -> Text,
        recipient -> Text,
        subject -> Text,
        body_html -> Text,
        body_text -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        invitation_id -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        password_reset_id -> Nullable<Text>,
        invoice_id -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        email -> Text,
        user_id -> Nullable<Text>,
        ip -> Text,
        token_hash -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (name) {
        name -> Text,
        last_run_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    once_views (id) {
        id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    locations (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        address_line1 -> Text,
        address_line2 -> Text,
        postal_code -> Text,
        city -> Text,
        country_code -> Nullable<Text>,
        office_open_hour -> Nullable<Integer>,
        office_close_hour -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        organization_id -> Text,
        employee_id -> Text,
        location_id -> Nullable<Text>,
        date_from -> Timestamp,
        date_to -> Timestamp,
        notes -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        subject -> Text,
        customer_id -> Nullable<Text>,
        contact_id -> Nullable<Text>,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        customer_type -> Text,
        email -> Text,
        phone -> Text,
        country_code -> Nullable<Text>,
        notes -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        organization_id -> Text,
        customer_id -> Text,
        firstname -> Text,
        lastname -> Text,
        email -> Nullable<Text>,
        mobile -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contact_extensions (contact_id, name) {
        contact_id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
        currency -> Text,
        seat_price_month -> BigInt,
        seat_price_year -> BigInt,
        modules -> Text,
        is_default -> Bool,
        sort_order -> Integer,
        archived_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_addons (plan_id, module) {
        plan_id -> Text,
        module -> Text,
        price_month -> BigInt,
        price_year -> BigInt,
    }
}

diesel::table! {
    coupons (id) {
        id -> Text,
        code -> Text,
        percent_off -> Nullable<Integer>,
        amount_off -> Nullable<BigInt>,
        currency -> Text,
        duration -> Text,
        duration_months -> Nullable<Integer>,
        max_redemptions -> Nullable<Integer>,
        redemptions -> Integer,
        redeem_by -> Nullable<Timestamp>,
        plan_codes -> Text,
        archived_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    coupon_redemptions (id) {
        id -> Text,
        coupon_id -> Text,
        subscription_id -> Text,
        organization_id -> Text,
        redeemed_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subscription_charges (id) {
        id -> Text,
        subscription_id -> Text,
        kind -> Text,
        detail -> Text,
        quantity -> BigInt,
        unit_price -> BigInt,
        amount -> BigInt,
        period_from -> Timestamp,
        period_to -> Timestamp,
        invoice_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        organization_id -> Text,
        plan_id -> Text,
        status -> Text,
        billing_interval -> Text,
        seats -> Integer,
        seat_price -> BigInt,
        addons -> Text,
        modules -> Text,
        trial_end -> Nullable<Timestamp>,
        period_anchor -> Nullable<Timestamp>,
        period_number -> Integer,
        current_period_start -> Nullable<Timestamp>,
        current_period_end -> Nullable<Timestamp>,
        cancel_at -> Nullable<Timestamp>,
        canceled_at -> Nullable<Timestamp>,
        scheduled_plan_id -> Nullable<Text>,
        scheduled_interval -> Nullable<Text>,
        scheduled_seats -> Nullable<Integer>,
        scheduled_addons -> Nullable<Text>,
        is_current -> Bool,
        external_id -> Nullable<Text>,
        metadata -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    seller (id) {
        id -> Text,
        legal_name -> Text,
        address_line -> Text,
        postal_code -> Text,
        city -> Text,
        country_code -> Text,
        email -> Text,
        vat_id -> Text,
        kvk_number -> Text,
        iban -> Text,
        bic -> Text,
        payment_term_days -> Integer,
        invoice_prefix -> Text,
        credit_note_prefix -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vat_rates (country_code, valid_from) {
        country_code -> Text,
        valid_from -> Timestamp,
        rate_bp -> Integer,
    }
}

diesel::table! {
    invoice_series (series) {
        series -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        organization_id -> Text,
        subscription_id -> Nullable<Text>,
        kind -> Text,
        credits_invoice_id -> Nullable<Text>,
        status -> Text,
        reason -> Text,
        series -> Text,
        sequence -> Nullable<BigInt>,
        number -> Nullable<Text>,
        language -> Text,
        currency -> Text,
        period_start -> Timestamp,
        period_end -> Timestamp,
        issued_at -> Nullable<Timestamp>,
        due_at -> Nullable<Timestamp>,
        buyer -> Text,
        seller -> Text,
        vat_treatment -> Text,
        subtotal -> BigInt,
        vat_amount -> BigInt,
        total -> BigInt,
        payment_reference -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        voided_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
        idempotency_key -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Text,
        invoice_id -> Text,
        position -> Integer,
        kind -> Text,
        description -> Text,
        period_start -> Nullable<Timestamp>,
        period_end -> Nullable<Timestamp>,
        quantity -> BigInt,
        unit_price -> BigInt,
        amount -> BigInt,
        vat_rate_bp -> Integer,
    }
}

diesel::table! {
    invoice_documents (invoice_id) {
        invoice_id -> Text,
        pdf -> Binary,
        sha256 -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        invoice_id -> Text,
        amount -> BigInt,
        paid_on -> Timestamp,
        bank_reference -> Text,
        source -> Text,
        entry_key -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        organization_id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        secret_sealed -> Text,
        previous_secret_sealed -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_messages (id) {
        id -> Text,
        organization_id -> Text,
        endpoint_id -> Text,
        event_type -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_outbox (seq) {
        seq -> BigInt,
        audit_event_id -> Text,
        endpoint_ids -> Text,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        message_id -> Text,
        endpoint_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        duration_ms -> Integer,
        response_excerpt -> Text,
        error -> Nullable<Text>,
        succeeded -> Bool,
    }
}

diesel::table! {
    seller_logo (id) {
        id -> Text,
        content_type -> Text,
        data -> Binary,
        width -> Integer,
        height -> Integer,
        sha256 -> Text,
        byte_size -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(webhook_messages -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_messages (message_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_documents -> invoices (invoice_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(data_versions -> organizations (organization_id));
diesel::joinable!(customers -> organizations (organization_id));
diesel::joinable!(customers -> countries (country_code));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(contact_extensions -> contacts (contact_id));
diesel::joinable!(locations -> organizations (organization_id));
diesel::joinable!(locations -> countries (country_code));
diesel::joinable!(meetings -> locations (location_id));
diesel::joinable!(meetings -> users (employee_id));
diesel::joinable!(meetings -> customers (customer_id));
diesel::joinable!(meetings -> contacts (contact_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(organization_images -> organizations (organization_id));
diesel::joinable!(organization_addresses -> organizations (organization_id));
diesel::joinable!(plan_addons -> plans (plan_id));
diesel::joinable!(subscriptions -> organizations (organization_id));
diesel::joinable!(subscription_charges -> subscriptions (subscription_id));
diesel::joinable!(coupon_redemptions -> coupons (coupon_id));
diesel::joinable!(coupon_redemptions -> subscriptions (subscription_id));
diesel::joinable!(organization_addresses -> countries (country_code));
diesel::joinable!(mail_outbox -> organizations (organization_id));
diesel::joinable!(api_clients -> organizations (organization_id));
diesel::joinable!(api_client_secrets -> api_clients (api_client_id));
diesel::joinable!(access_tokens -> api_clients (api_client_id));
diesel::joinable!(access_tokens -> api_client_secrets (secret_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(audit_events -> organizations (organization_id));
diesel::joinable!(organization_languages -> organizations (organization_id));
diesel::joinable!(organization_languages -> languages (language_code));

diesel::allow_tables_to_appear_in_same_query!(
    seller,
    seller_logo,
    webhook_endpoints,
    webhook_outbox,
    webhook_messages,
    webhook_attempts,
    vat_rates,
    invoice_series,
    invoices,
    invoice_lines,
    invoice_documents,
    payments,
    organizations,
    data_versions,
    users,
    memberships,
    sessions,
    audit_events,
    login_attempts,
    settings,
    api_clients,
    api_client_secrets,
    access_tokens,
    oauth_failures,
    countries,
    languages,
    organization_languages,
    invitations,
    mail_outbox,
    organization_images,
    organization_addresses,
    locations,
    meetings,
    customers,
    contacts,
    contact_extensions,
    once_views,
    job_runs,
    plans,
    plan_addons,
    subscriptions,
    subscription_charges,
    coupons,
    coupon_redemptions,
    password_resets,
);

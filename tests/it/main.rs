//! The one integration-test binary. Every test gets its own database: a
//! temporary SQLite file, or, with `PORTAAL_TEST_DATABASE_URL`, a fresh
//! PostgreSQL database on that server.

mod support;

mod accounts;
mod api;
mod api_clients;
mod api_coupons;
mod api_invoices;
mod api_subscriptions;
mod api_webhooks;
mod architecture;
mod audit_log;
mod billing_details;
mod browser;
mod coupon_screens;
mod coupons;
mod customers;
mod dashboard;
mod deep_pages;
mod error_summary;
mod export;
mod foundation;
mod images;
mod invoice_screens;
mod invoices;
mod jobs;
mod kept_logins;
mod languages;
mod locations;
mod mail_delivery;
mod mail_footer;
mod meetings;
mod module_gating;
mod new_organization;
mod password_reset;
mod platform;
mod platform_billing;
mod platform_invoices;
mod preferences;
mod reference;
mod search;
mod security;
mod settings;
mod subscription_lifecycle;
mod subscription_screen;
mod users;
mod webhook_delivery;
mod webhook_screens;

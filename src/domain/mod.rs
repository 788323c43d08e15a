//! The rules of the product, one module per resource. Every function that
//! reads a tenant's data takes the tenant; every write records an audit event
//! in the same transaction.

pub mod actor;
pub mod api_clients;
pub mod audit;
pub mod audit_changes;
pub mod auth;
pub mod billing;
pub mod cache;
pub mod camt;
pub mod contacts;
pub mod coupons;
pub mod customers;
pub mod demo;
pub mod entitlement;
pub mod export;
pub mod iban;
pub mod images;
pub mod invoice_pdf;
pub mod local_time;
pub mod locations;
pub mod mail;
pub mod markdown;
pub mod meetings;
pub mod members;
pub mod modules;
pub mod oauth;
pub mod once_views;
pub mod operators;
pub mod organizations;
pub mod paging;
pub mod password_resets;
pub mod payment_reference;
pub mod phone;
pub mod plans;
pub mod platform;
pub mod proration;
pub mod reference;
pub mod scopes;
pub mod sessions;
pub mod subscriptions;
pub mod users;
pub mod validate;

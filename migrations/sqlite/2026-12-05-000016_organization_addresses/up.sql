-- Billing details (issue 17, item 2): the organisation's invoice address,
-- the seed's `organizationAddress`. One row per organisation, edited with a
-- version check; required before a subscription can start.
CREATE TABLE organization_addresses (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
    legal_name TEXT NOT NULL,
    address_line TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country_code TEXT NOT NULL REFERENCES countries(code),
    invoice_email TEXT NOT NULL,
    vat_id TEXT NOT NULL DEFAULT '',
    kvk_number TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

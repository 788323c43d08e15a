-- Customers, their contacts and the contacts' extensions (TWO_INVOICE).
CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    customer_type TEXT NOT NULL DEFAULT 'company' CHECK (customer_type IN ('private', 'company')),
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    country_code TEXT REFERENCES countries(code),
    notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_org_name_idx ON customers (organization_id, name, id);
CREATE INDEX customers_org_email_idx ON customers (organization_id, email, id);
CREATE INDEX customers_org_created_idx ON customers (organization_id, created_at, id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    firstname TEXT NOT NULL,
    lastname TEXT NOT NULL,
    email TEXT,
    mobile TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_customer_lastname_idx ON contacts (customer_id, lastname, id);
CREATE INDEX contacts_customer_firstname_idx ON contacts (customer_id, firstname, id);
CREATE INDEX contacts_customer_email_idx ON contacts (customer_id, email, id);
CREATE INDEX contacts_customer_created_idx ON contacts (customer_id, created_at, id);

CREATE TABLE contact_extensions (
    contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contact_id, name)
);

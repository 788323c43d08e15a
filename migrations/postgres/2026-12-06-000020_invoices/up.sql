-- Invoices (issue 18): the seller, VAT rates by date, gapless number
-- series, invoices and credit notes with their lines and stored PDF, and
-- payments. Money is in integer cents. Invoices are kept 7 years: no
-- foreign key cascades onto them, and nothing deletes a numbered one.

-- The seller (Portaal's operator): one row, id 'seller'. Invoices cannot
-- be finalized until it is complete (domain::seller::missing).
CREATE TABLE seller (
    id TEXT PRIMARY KEY NOT NULL,
    legal_name TEXT NOT NULL DEFAULT '',
    address_line TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT 'NL',
    email TEXT NOT NULL DEFAULT '',
    vat_id TEXT NOT NULL DEFAULT '',
    kvk_number TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL DEFAULT '',
    bic TEXT NOT NULL DEFAULT '',
    payment_term_days INTEGER NOT NULL DEFAULT 14,
    invoice_prefix TEXT NOT NULL DEFAULT 'PF-',
    credit_note_prefix TEXT NOT NULL DEFAULT 'PC-',
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO seller (id, updated_at) VALUES ('seller', CURRENT_TIMESTAMP);

-- Member states of the European Union (for VAT: reverse charge inside,
-- outside the scope outside).
ALTER TABLE countries ADD COLUMN eu BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE countries SET eu = TRUE WHERE code IN ('AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE','GR','HU','IE','IT','LV','LT','LU','MT','NL','PL','PT','RO','SK','SI','ES','SE');

-- VAT rates by country and the day they apply from: a rate change is a
-- new row, not new code.
CREATE TABLE vat_rates (
    country_code TEXT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    -- Basis points: 2100 = 21 %.
    rate_bp INTEGER NOT NULL,
    PRIMARY KEY (country_code, valid_from)
);
INSERT INTO vat_rates (country_code, valid_from, rate_bp) VALUES ('NL', '2012-10-01 00:00:00', 2100);

-- One counter per series ('invoice', 'credit_note'): the number is taken
-- in the transaction that finalizes, so a rollback gives it back.
CREATE TABLE invoice_series (
    series TEXT PRIMARY KEY NOT NULL,
    last_number BIGINT NOT NULL DEFAULT 0
);
INSERT INTO invoice_series (series, last_number) VALUES ('invoice', 0), ('credit_note', 0);

CREATE TABLE invoices (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL,
    subscription_id TEXT,
    -- invoice | credit_note
    kind TEXT NOT NULL,
    -- The invoice a credit note credits.
    credits_invoice_id TEXT REFERENCES invoices(id),
    -- draft | open | paid | void
    status TEXT NOT NULL,
    -- start | renewal | change | credit
    reason TEXT NOT NULL,
    -- Given at finalization: the series' next sequence, with its prefix.
    series TEXT NOT NULL,
    sequence BIGINT,
    number TEXT UNIQUE,
    language TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    issued_at TIMESTAMP,
    due_at TIMESTAMP,
    -- The buyer's and the seller's details as they were (JSON), so an
    -- issued invoice never changes when either moves.
    buyer TEXT NOT NULL,
    seller TEXT NOT NULL DEFAULT '',
    -- domestic | reverse_charge | eu_no_vat_id | outside_eu
    vat_treatment TEXT NOT NULL,
    subtotal BIGINT NOT NULL,
    vat_amount BIGINT NOT NULL,
    total BIGINT NOT NULL,
    payment_reference TEXT,
    paid_at TIMESTAMP,
    voided_at TIMESTAMP,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    -- What made it, so making it twice is a no-op
    -- (subscription:reason:period start).
    idempotency_key TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX invoices_series_sequence ON invoices (series, sequence);
CREATE INDEX invoices_by_organization ON invoices (organization_id, issued_at);
CREATE INDEX invoices_by_subscription ON invoices (subscription_id, issued_at);
CREATE INDEX invoices_by_status ON invoices (status, due_at);
CREATE INDEX invoices_by_issue ON invoices (issued_at);

CREATE TABLE invoice_lines (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    -- seats | addon | seats_added | addon_added | plan_upgrade | discount
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    period_start TIMESTAMP,
    period_end TIMESTAMP,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    vat_rate_bp INTEGER NOT NULL
);
CREATE UNIQUE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id, position);

-- The PDF as issued: the bytes served later are these.
CREATE TABLE invoice_documents (
    invoice_id TEXT PRIMARY KEY NOT NULL REFERENCES invoices(id),
    pdf BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    amount BIGINT NOT NULL,
    paid_on TIMESTAMP NOT NULL,
    bank_reference TEXT NOT NULL DEFAULT '',
    -- manual | camt
    source TEXT NOT NULL,
    -- A bank statement entry's key: the same entry is never recorded twice.
    entry_key TEXT UNIQUE,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_by_invoice ON payments (invoice_id);

-- A past-due subscription renews too: the renewal's index covers it.
DROP INDEX subscriptions_period_due;
CREATE INDEX subscriptions_period_due ON subscriptions (current_period_end) WHERE status IN ('active', 'past_due');

-- The invoice mail carries the stored PDF.
ALTER TABLE mail_outbox ADD COLUMN invoice_id TEXT;

INSERT INTO job_runs (name, last_run_at) VALUES ('invoices', NULL);

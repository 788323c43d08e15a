-- Subscriptions (issue 17): plans with the modules they include and the
-- add-ons they offer, and each organisation's subscription. Money is in
-- integer cents.

CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    -- Per seat, per month and per year.
    seat_price_month BIGINT NOT NULL,
    seat_price_year BIGINT NOT NULL,
    -- Included modules, space-separated (see src/domain/modules.rs).
    modules TEXT NOT NULL,
    -- The plan a new organisation's trial runs on (at most one).
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    archived_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX plans_one_default ON plans (is_default) WHERE is_default;

-- Add-on modules a plan offers, each with a flat price per period.
CREATE TABLE plan_addons (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    module TEXT NOT NULL,
    price_month BIGINT NOT NULL,
    price_year BIGINT NOT NULL,
    PRIMARY KEY (plan_id, module)
);

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    plan_id TEXT NOT NULL REFERENCES plans(id),
    -- trialing | active | awaiting | past_due | canceled (domain::subscriptions).
    status TEXT NOT NULL,
    -- month | year
    billing_interval TEXT NOT NULL,
    seats INTEGER NOT NULL,
    -- The prices of this period (a plan's new price applies from the next).
    seat_price BIGINT NOT NULL,
    -- Add-on modules with their price for this period: "api:1500 webhooks:900".
    addons TEXT NOT NULL DEFAULT '',
    -- Every module this subscription entitles to (the plan's and the
    -- add-ons): what the login check reads.
    modules TEXT NOT NULL,
    trial_end TIMESTAMP,
    -- Periods are counted from the anchor in the organisation's time zone.
    period_anchor TIMESTAMP,
    period_number INTEGER NOT NULL DEFAULT 0,
    current_period_start TIMESTAMP,
    current_period_end TIMESTAMP,
    cancel_at TIMESTAMP,
    canceled_at TIMESTAMP,
    -- A change that waits for the period end (decreases, downgrades).
    scheduled_plan_id TEXT REFERENCES plans(id),
    scheduled_interval TEXT,
    scheduled_seats INTEGER,
    scheduled_addons TEXT,
    -- The organisation's current subscription (one per organisation).
    is_current BOOLEAN NOT NULL,
    external_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX subscriptions_one_current ON subscriptions (organization_id) WHERE is_current;
CREATE INDEX subscriptions_by_organization ON subscriptions (organization_id, is_current, created_at);
-- What the lifecycle job looks for: trials, periods and cancellations due.
CREATE INDEX subscriptions_trial_due ON subscriptions (trial_end) WHERE status = 'trialing';
CREATE INDEX subscriptions_period_due ON subscriptions (current_period_end) WHERE status = 'active';

-- Prorated charges of changes made mid-period (seats or add-ons added, a
-- plan upgraded), waiting for the next invoice (the invoices issue sets
-- `invoice_id` when it bills them).
CREATE TABLE subscription_charges (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    -- seats_added | addon_added | plan_upgrade
    kind TEXT NOT NULL,
    -- The plan's code (seats, upgrade: "from to") or the module.
    detail TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    period_from TIMESTAMP NOT NULL,
    period_to TIMESTAMP NOT NULL,
    invoice_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX subscription_charges_open ON subscription_charges (subscription_id, invoice_id, created_at);

INSERT INTO job_runs (name, last_run_at) VALUES ('subscriptions', NULL);

-- Two plans to begin with; the operator adds, changes and archives them.
INSERT INTO plans (id, code, name_nl, name_en, seat_price_month, seat_price_year, modules, is_default, sort_order, created_at, updated_at)
VALUES
  ('plan-basis', 'basis', 'Basis', 'Basic', 900, 9000, 'meetings customers', FALSE, 1, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc')),
  ('plan-plus', 'plus', 'Plus', 'Plus', 1500, 15000, 'meetings customers api webhooks', TRUE, 2, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'));
INSERT INTO plan_addons (plan_id, module, price_month, price_year) VALUES
  ('plan-basis', 'api', 2500, 25000),
  ('plan-basis', 'webhooks', 1500, 15000);

-- Every organisation that exists now starts a trial of the default plan.
INSERT INTO subscriptions (id, organization_id, plan_id, status, billing_interval, seats, seat_price, modules, trial_end, is_current, created_at, updated_at)
SELECT 'sub-' || o.id, o.id, 'plan-plus', 'trialing', 'month',
       GREATEST(1, (SELECT COUNT(*) FROM memberships m WHERE m.organization_id = o.id AND NOT m.disabled)),
       1500, 'meetings customers api webhooks', (now() AT TIME ZONE 'utc') + interval '30 days', TRUE, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc')
FROM organizations o;

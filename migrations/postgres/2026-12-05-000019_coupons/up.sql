-- Coupons (issue 17, item 5): made by the operator, applied by an
-- organisation's admin to its subscription. A coupon changes only invoices
-- not yet issued. The redemption count is taken with one conditional
-- UPDATE, so the last redemption cannot be taken twice.
CREATE TABLE coupons (
    id TEXT PRIMARY KEY NOT NULL,
    -- Stored in lower case: codes are case-insensitive.
    code TEXT NOT NULL UNIQUE,
    -- Exactly one of the two.
    percent_off INTEGER,
    amount_off BIGINT,
    currency TEXT NOT NULL DEFAULT 'EUR',
    -- once | repeating | forever
    duration TEXT NOT NULL,
    duration_months INTEGER,
    max_redemptions INTEGER,
    redemptions INTEGER NOT NULL DEFAULT 0,
    redeem_by TIMESTAMP,
    -- Plan codes it is valid for, space-separated; empty: every plan.
    plan_codes TEXT NOT NULL DEFAULT '',
    archived_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE coupon_redemptions (
    id TEXT PRIMARY KEY NOT NULL,
    coupon_id TEXT NOT NULL REFERENCES coupons(id),
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    redeemed_at TIMESTAMP NOT NULL,
    -- When it was cleared or replaced (NULL: still applied).
    removed_at TIMESTAMP
);
CREATE INDEX coupon_redemptions_by_coupon ON coupon_redemptions (coupon_id, redeemed_at);
-- One applied coupon per subscription.
CREATE UNIQUE INDEX coupon_redemptions_one_applied ON coupon_redemptions (subscription_id) WHERE removed_at IS NULL;

-- Webhooks (issue 19): an organisation's endpoints, the messages made for
-- them in the transaction of the change they tell about, and every
-- delivery attempt. Messages and attempts are kept 30 days (housekeeping).

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Event types it wants, space-separated; empty: every type.
    event_types TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Why it is disabled: 'manual', 'failing' or 'gone'.
    disabled_reason TEXT,
    disabled_at TIMESTAMP,
    -- The signing secret, sealed with the data key (domain::secret_box),
    -- never in plain; the previous one signs too until it expires.
    secret_sealed TEXT NOT NULL,
    previous_secret_sealed TEXT,
    previous_secret_until TIMESTAMP,
    -- The first failure since the last success.
    failing_since TIMESTAMP,
    last_success_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The enabled endpoints of an organisation: asked by every audited write.
CREATE INDEX webhook_endpoints_by_organization ON webhook_endpoints (organization_id, enabled);

CREATE TABLE webhook_messages (
    -- msg_…: the `webhook-id` header, the same on every attempt.
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    -- 'pending' (waiting for an attempt), 'delivered', 'failed' (its
    -- schedule ran out, or its endpoint was disabled).
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_status_code INTEGER,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_messages_due ON webhook_messages (status, next_attempt_at);
CREATE INDEX webhook_messages_by_endpoint ON webhook_messages (endpoint_id, created_at);
CREATE INDEX webhook_messages_by_created ON webhook_messages (created_at);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    -- The HTTP status, when an answer came.
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    -- The first 1 KB of the answer, when it was text.
    response_excerpt TEXT NOT NULL DEFAULT '',
    error TEXT,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX webhook_attempts_by_message ON webhook_attempts (message_id, attempted_at);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, attempted_at);
CREATE INDEX webhook_attempts_by_time ON webhook_attempts (attempted_at);

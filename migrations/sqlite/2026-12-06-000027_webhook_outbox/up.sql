-- The write side of webhooks: an audited change that an enabled endpoint
-- wants leaves one small row here, in its own transaction (one append to
-- one B-tree). The delivery runner turns these rows into messages, one per
-- endpoint, with the body made from the audit event, and deletes them in
-- the same transaction (webhook_outbox::expand).
CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY NOT NULL,
    audit_event_id TEXT NOT NULL,
    -- The endpoints that wanted the event when it was made, space-separated.
    endpoint_ids TEXT NOT NULL
);

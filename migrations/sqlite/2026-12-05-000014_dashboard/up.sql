-- The dashboard (issue 16, item 10).
-- A login keeps the one before it, so "Last login" shows that, not this one.
ALTER TABLE sessions ADD COLUMN previous_login_at TIMESTAMP;
-- "Customers I changed recently": one actor's events of one kind, newest first.
CREATE INDEX audit_org_actor_resource_idx ON audit_events (organization_id, actor_id, resource_type, created_at);
-- "Mail that failed": an organisation's mail by status.
CREATE INDEX mail_outbox_org_status_idx ON mail_outbox (organization_id, status);

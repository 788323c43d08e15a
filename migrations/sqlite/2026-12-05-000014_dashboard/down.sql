DROP INDEX mail_outbox_org_status_idx;
DROP INDEX audit_org_actor_resource_idx;
ALTER TABLE sessions DROP COLUMN previous_login_at;

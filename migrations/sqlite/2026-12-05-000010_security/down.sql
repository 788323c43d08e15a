ALTER TABLE oauth_failures DROP COLUMN pending;
ALTER TABLE login_attempts DROP COLUMN pending;
DROP INDEX oauth_failures_ip_idx;
DROP TABLE once_views;
ALTER TABLE mail_outbox DROP COLUMN invitation_id;
DROP INDEX invitations_mail_token_idx;
ALTER TABLE invitations DROP COLUMN mail_token_hash;
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT 0;
UPDATE users SET disabled = 1
    WHERE id IN (SELECT user_id FROM memberships WHERE disabled = 1);
ALTER TABLE memberships DROP COLUMN disabled;

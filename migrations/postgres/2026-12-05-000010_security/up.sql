-- Security fixes (issue 14).
--
-- Disabling is per membership: one organisation's decision never reaches
-- another's. An account that was disabled (account-wide, as before) stays
-- disabled in each of its organisations.
ALTER TABLE memberships ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE memberships SET disabled = TRUE
    WHERE user_id IN (SELECT id FROM users WHERE disabled);
ALTER TABLE users DROP COLUMN disabled;

-- The invitation mail gets its link only when it is sent, with a token of
-- its own (kept here only as a hash); the outbox keeps a copy without it.
ALTER TABLE invitations ADD COLUMN mail_token_hash TEXT;
CREATE UNIQUE INDEX invitations_mail_token_idx ON invitations (mail_token_hash);
ALTER TABLE mail_outbox ADD COLUMN invitation_id TEXT REFERENCES invitations(id) ON DELETE SET NULL;

-- Values shown once (a new secret, an invitation link): the ids of the
-- views already made, so a replayed cookie shows nothing.
CREATE TABLE once_views (
    id TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX once_views_expires_idx ON once_views (expires_at);

-- Failed client authentications are counted per address too.
CREATE INDEX oauth_failures_ip_idx ON oauth_failures (ip, created_at);

-- A password or secret check is reserved (counted) before it is hashed;
-- `pending` marks a reservation whose check is still running, so a limit
-- reached only by those says "try again in a second", not "in 15 minutes".
ALTER TABLE login_attempts ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE oauth_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;

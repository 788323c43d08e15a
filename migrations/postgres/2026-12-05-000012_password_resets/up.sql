-- "Forgotten password": every request is kept (for the throttle, also for
-- an e-mail without an account, so the answer never tells); the link's token
-- is made when its mail is sent and kept only as a hash; single use, an hour.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    ip TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_email_idx ON password_resets (email, created_at);
CREATE INDEX password_resets_ip_idx ON password_resets (ip, created_at);
CREATE INDEX password_resets_created_idx ON password_resets (created_at);
ALTER TABLE mail_outbox ADD COLUMN password_reset_id TEXT REFERENCES password_resets(id) ON DELETE SET NULL;

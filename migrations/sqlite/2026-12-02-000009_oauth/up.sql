-- OAuth2 access tokens of API clients, only as SHA-256 hashes. A token
-- belongs to the secret that obtained it: it dies with the secret's grace
-- period, the client's disabling or deletion, or its own revocation.
CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    api_client_id TEXT NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
    secret_id TEXT NOT NULL REFERENCES api_client_secrets(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX access_tokens_client_idx ON access_tokens (api_client_id, expires_at);
CREATE INDEX access_tokens_secret_idx ON access_tokens (secret_id);
CREATE INDEX access_tokens_expiry_idx ON access_tokens (expires_at);

-- Failed client authentications at the token endpoint, for throttling.
CREATE TABLE oauth_failures (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX oauth_failures_client_idx ON oauth_failures (client_id, created_at);
CREATE INDEX oauth_failures_created_idx ON oauth_failures (created_at);

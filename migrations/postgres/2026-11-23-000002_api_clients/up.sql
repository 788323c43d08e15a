-- API clients: machines that call /api/v1 with scopes, in one organisation.
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL,
    expires_at TIMESTAMP,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_by_id TEXT,
    created_by_label TEXT NOT NULL,
    last_used_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);
CREATE INDEX api_clients_org_created_idx ON api_clients (organization_id, created_at);
CREATE INDEX api_clients_org_used_idx ON api_clients (organization_id, last_used_at);

-- Secrets of a client, only as argon2 hashes. A rotated secret keeps working
-- until expires_at (the grace period); a new one has no expiry.
CREATE TABLE api_client_secrets (
    id TEXT PRIMARY KEY NOT NULL,
    api_client_id TEXT NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_client_secrets_client_idx ON api_client_secrets (api_client_id, created_at);

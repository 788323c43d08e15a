-- A counter of changes per organisation, raised by every audited write in
-- the same transaction. Caches of what a list holds (its total count) are
-- valid while it is unchanged, on every instance.
CREATE TABLE data_versions (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_versions (organization_id, version) SELECT id, 0 FROM organizations;

-- Locations (with office hours) and meetings (stored in UTC).
CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country_code TEXT REFERENCES countries(code),
    office_open_hour INTEGER,
    office_close_hour INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX locations_org_name_idx ON locations (organization_id, name, id);
CREATE INDEX locations_org_city_idx ON locations (organization_id, city, id);
CREATE INDEX locations_org_created_idx ON locations (organization_id, created_at, id);

CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    employee_id TEXT NOT NULL REFERENCES users(id),
    location_id TEXT REFERENCES locations(id) ON DELETE SET NULL,
    date_from TIMESTAMP NOT NULL,
    date_to TIMESTAMP NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_org_from_idx ON meetings (organization_id, date_from);
CREATE INDEX meetings_org_employee_idx ON meetings (organization_id, employee_id, date_from);
CREATE INDEX meetings_org_location_idx ON meetings (organization_id, location_id, date_from);

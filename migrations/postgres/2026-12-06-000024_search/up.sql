-- Search through an index (issue 20): trigram GIN indexes on the lower-cased
-- searched columns; `lower(column) LIKE '%term%'` (src/db/search.rs) uses
-- them for terms of three characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX locations_search ON locations USING gin (lower(name) gin_trgm_ops, lower(city) gin_trgm_ops);
CREATE INDEX customers_search ON customers USING gin (lower(name) gin_trgm_ops, lower(email) gin_trgm_ops);
CREATE INDEX users_search ON users USING gin (lower(name) gin_trgm_ops, lower(email) gin_trgm_ops);
CREATE INDEX api_clients_search ON api_clients USING gin (lower(name) gin_trgm_ops, lower(client_id) gin_trgm_ops);
CREATE INDEX organizations_search ON organizations USING gin (lower(name) gin_trgm_ops);
CREATE INDEX webhook_endpoints_search ON webhook_endpoints USING gin (lower(url) gin_trgm_ops, lower(description) gin_trgm_ops);

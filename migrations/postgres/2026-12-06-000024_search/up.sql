-- Search through an index (issue 20): a trigram GIN index on each
-- lower-cased searched column; `lower(column) LIKE '%term%'`
-- (src/db/search.rs) uses them for terms of three characters or more.
-- One index per column, not one over both: the planner's estimate for a
-- multicolumn GIN index is so high that it scans the table instead.
-- `fastupdate = off`: a row goes into the index as it is written, not into
-- a pending list that only a vacuum clears (with a pending list of a few
-- thousand rows the planner's estimate again prefers a scan of the table,
-- 60 times slower).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX locations_search_name ON locations USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX locations_search_city ON locations USING gin (lower(city) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX customers_search_name ON customers USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX customers_search_email ON customers USING gin (lower(email) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX users_search_name ON users USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX users_search_email ON users USING gin (lower(email) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX api_clients_search_name ON api_clients USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX api_clients_search_client_id ON api_clients USING gin (lower(client_id) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX organizations_search_name ON organizations USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX webhook_endpoints_search_url ON webhook_endpoints USING gin (lower(url) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX webhook_endpoints_search_description ON webhook_endpoints USING gin (lower(description) gin_trgm_ops) WITH (fastupdate = off);

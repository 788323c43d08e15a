-- Search through an index (issue 20): for every searched table an FTS5
-- table `{table}_search` with the trigram tokenizer (case folded for every
-- letter, diacritics kept), its rows the table's own (external content,
-- by rowid), kept in step by triggers. src/db/search.rs asks it.
--
-- The rowid links the two: these tables have no INTEGER PRIMARY KEY, so
-- a VACUUM could renumber their rows; after one (Portaal never runs it),
-- rebuild each index: INSERT INTO locations_search(locations_search)
-- VALUES ('rebuild').

CREATE VIRTUAL TABLE locations_search USING fts5(
    name, city, content='locations', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO locations_search (locations_search) VALUES ('rebuild');
CREATE TRIGGER locations_search_insert AFTER INSERT ON locations BEGIN
    INSERT INTO locations_search (rowid, name, city) VALUES (new.rowid, new.name, new.city);
END;
CREATE TRIGGER locations_search_delete AFTER DELETE ON locations BEGIN
    INSERT INTO locations_search (locations_search, rowid, name, city) VALUES ('delete', old.rowid, old.name, old.city);
END;
CREATE TRIGGER locations_search_update AFTER UPDATE OF name, city ON locations BEGIN
    INSERT INTO locations_search (locations_search, rowid, name, city) VALUES ('delete', old.rowid, old.name, old.city);
    INSERT INTO locations_search (rowid, name, city) VALUES (new.rowid, new.name, new.city);
END;

CREATE VIRTUAL TABLE customers_search USING fts5(
    name, email, content='customers', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO customers_search (customers_search) VALUES ('rebuild');
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO customers_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;

CREATE VIRTUAL TABLE users_search USING fts5(
    name, email, content='users', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF name, email ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;

CREATE VIRTUAL TABLE api_clients_search USING fts5(
    name, client_id, content='api_clients', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO api_clients_search (api_clients_search) VALUES ('rebuild');
CREATE TRIGGER api_clients_search_insert AFTER INSERT ON api_clients BEGIN
    INSERT INTO api_clients_search (rowid, name, client_id) VALUES (new.rowid, new.name, new.client_id);
END;
CREATE TRIGGER api_clients_search_delete AFTER DELETE ON api_clients BEGIN
    INSERT INTO api_clients_search (api_clients_search, rowid, name, client_id) VALUES ('delete', old.rowid, old.name, old.client_id);
END;
CREATE TRIGGER api_clients_search_update AFTER UPDATE OF name, client_id ON api_clients BEGIN
    INSERT INTO api_clients_search (api_clients_search, rowid, name, client_id) VALUES ('delete', old.rowid, old.name, old.client_id);
    INSERT INTO api_clients_search (rowid, name, client_id) VALUES (new.rowid, new.name, new.client_id);
END;

CREATE VIRTUAL TABLE organizations_search USING fts5(
    name, content='organizations', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO organizations_search (organizations_search) VALUES ('rebuild');
CREATE TRIGGER organizations_search_insert AFTER INSERT ON organizations BEGIN
    INSERT INTO organizations_search (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER organizations_search_delete AFTER DELETE ON organizations BEGIN
    INSERT INTO organizations_search (organizations_search, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER organizations_search_update AFTER UPDATE OF name ON organizations BEGIN
    INSERT INTO organizations_search (organizations_search, rowid, name) VALUES ('delete', old.rowid, old.name);
    INSERT INTO organizations_search (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE VIRTUAL TABLE webhook_endpoints_search USING fts5(
    url, description, content='webhook_endpoints', content_rowid='rowid', tokenize='trigram case_sensitive 0'
);
INSERT INTO webhook_endpoints_search (webhook_endpoints_search) VALUES ('rebuild');
CREATE TRIGGER webhook_endpoints_search_insert AFTER INSERT ON webhook_endpoints BEGIN
    INSERT INTO webhook_endpoints_search (rowid, url, description) VALUES (new.rowid, new.url, new.description);
END;
CREATE TRIGGER webhook_endpoints_search_delete AFTER DELETE ON webhook_endpoints BEGIN
    INSERT INTO webhook_endpoints_search (webhook_endpoints_search, rowid, url, description) VALUES ('delete', old.rowid, old.url, old.description);
END;
CREATE TRIGGER webhook_endpoints_search_update AFTER UPDATE OF url, description ON webhook_endpoints BEGIN
    INSERT INTO webhook_endpoints_search (webhook_endpoints_search, rowid, url, description) VALUES ('delete', old.rowid, old.url, old.description);
    INSERT INTO webhook_endpoints_search (rowid, url, description) VALUES (new.rowid, new.url, new.description);
END;

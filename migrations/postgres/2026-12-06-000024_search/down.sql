DROP INDEX locations_search;
DROP INDEX customers_search;
DROP INDEX users_search;
DROP INDEX api_clients_search;
DROP INDEX organizations_search;
DROP INDEX webhook_endpoints_search;

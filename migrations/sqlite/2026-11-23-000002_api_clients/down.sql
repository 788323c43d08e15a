DROP TABLE api_client_secrets;
DROP TABLE api_clients;

DROP TABLE organization_addresses;

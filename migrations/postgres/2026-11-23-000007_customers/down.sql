DROP TABLE contact_extensions;
DROP TABLE contacts;
DROP TABLE customers;

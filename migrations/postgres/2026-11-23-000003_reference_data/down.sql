DROP TABLE organization_languages;
DROP TABLE languages;
DROP TABLE countries;

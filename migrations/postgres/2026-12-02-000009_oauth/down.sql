DROP TABLE oauth_failures;
DROP TABLE access_tokens;

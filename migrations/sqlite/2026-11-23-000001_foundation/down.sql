DROP TABLE settings;
DROP TABLE login_attempts;
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organizations;

ALTER TABLE mail_outbox DROP COLUMN password_reset_id;
DROP TABLE password_resets;

DROP TABLE mail_outbox;
DROP TABLE invitations;
ALTER TABLE organizations DROP COLUMN mail_footer;

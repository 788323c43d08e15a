DROP TABLE job_runs;
ALTER TABLE mail_outbox DROP COLUMN lease_until;
ALTER TABLE mail_outbox DROP COLUMN lease_owner;

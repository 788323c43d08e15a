-- Background work claimed with a lease, so that several instances on one
-- database run each job once per attempt (see src/jobs/). A row of a job
-- table (the outbox now; invoices and webhook deliveries later) is due when
-- its status says so and `next_attempt_at` has come; it is claimed by
-- setting `lease_owner` and `lease_until`, and whoever holds an unexpired
-- lease is the only one to run it.
ALTER TABLE mail_outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE mail_outbox ADD COLUMN lease_until TIMESTAMP;

-- Periodic jobs (housekeeping): when each last ran, claimed by moving it.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY NOT NULL,
    last_run_at TIMESTAMP
);
INSERT INTO job_runs (name, last_run_at) VALUES ('housekeeping', NULL);

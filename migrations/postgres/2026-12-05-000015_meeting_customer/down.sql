DROP INDEX meetings_org_customer_idx;
ALTER TABLE meetings DROP COLUMN contact_id;
ALTER TABLE meetings DROP COLUMN customer_id;

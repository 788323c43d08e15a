-- Who a meeting is with (issue 16): optionally a customer and one of its
-- contacts. Deleting either leaves the meeting without it (the domain clears
-- them in the same transaction; the foreign keys say the same).
ALTER TABLE meetings ADD COLUMN customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL;
ALTER TABLE meetings ADD COLUMN contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL;
-- "Upcoming meetings" of a customer (its page, the list's customer filter).
-- Those of a location use meetings_org_location_idx.
CREATE INDEX meetings_org_customer_idx ON meetings (organization_id, customer_id, date_from);

ALTER TABLE meetings DROP COLUMN subject;

-- What a meeting is about, shown first in the week view (issue 16). Empty:
-- the first line of its notes stands in.
ALTER TABLE meetings ADD COLUMN subject TEXT NOT NULL DEFAULT '';

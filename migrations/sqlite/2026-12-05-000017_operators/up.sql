-- Operators: people who run Portaal itself (issue 17, item 6). Set only from
-- the command line (`portaal operator grant`), never from a tenant's screen.
ALTER TABLE users ADD COLUMN operator BOOLEAN NOT NULL DEFAULT FALSE;

-- PostgreSQL only (see its migration of the same name): the triggers that
-- tell other instances when a login's facts change. One SQLite file is
-- served by one process, which reads a login in-process in microseconds.
SELECT 1;

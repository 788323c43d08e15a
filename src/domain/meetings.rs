//! Meetings: an employee (a member), from and to (stored in UTC, shown in the
//! organisation's time zone), an optional location and notes.

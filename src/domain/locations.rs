//! Locations: name, address, country and office hours.

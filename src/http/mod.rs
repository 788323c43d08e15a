//! What the two doors (`web`, the backoffice; `api`, the JSON API and OAuth)
//! share: the facts of a request (client address, language, the shared
//! state), reading uploads, the access log, the security headers, stored
//! files served with their ETag, and the HTTP face of `AppError`. It knows
//! neither door.

pub mod access_log;
pub mod errors;
pub mod in_turn;
pub mod request;
pub mod security;
pub mod tagged;
pub mod upload;

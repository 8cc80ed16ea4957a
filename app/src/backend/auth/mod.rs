//! Authentication: password hashing, sessions, failed-login throttling and one-time
//! link tokens.

pub mod guard;
pub mod password;
pub mod session;
pub mod throttle;
pub mod token;

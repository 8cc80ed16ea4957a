//! Authentication: password hashing, sessions and failed-login throttling.

pub mod password;
pub mod session;
pub mod throttle;

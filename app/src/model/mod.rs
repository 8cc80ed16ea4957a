//! Types and validation shared by server and browser: one definition, one set of rules.

pub mod audit;
pub mod contacts;
pub mod identity;
pub mod paging;
pub mod permission;
pub mod validation;

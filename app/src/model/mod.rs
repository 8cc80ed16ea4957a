//! Types and validation shared by server and browser: one definition, one set of rules.

pub mod audit;
pub mod contact;
pub mod identity;
pub mod validation;

//! Reusable UI pieces.

pub mod form;
pub mod language;

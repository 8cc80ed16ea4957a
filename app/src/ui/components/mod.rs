//! Reusable UI pieces.

pub mod async_view;
pub mod form;
pub mod language;

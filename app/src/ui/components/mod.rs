//! Reusable UI pieces.

pub mod async_view;
pub mod bulk_bar;
pub mod fields;
pub mod form;
pub mod language;
pub mod live_search;
pub mod palette;
pub mod pickers;
pub mod saved_views;

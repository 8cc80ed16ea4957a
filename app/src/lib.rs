//! Tessera: what the application is.
//!
//! - [`model`]: shared types and validation, compiled for server and browser.
//! - [`i18n`]: German and English UI texts.
//! - [`api`]: the server-function API the UI calls (one adapter onto the backend).
//! - [`ui`]: pages and components.
//! - [`backend`] (server only): tenancy, authentication, persistence and services.
#![recursion_limit = "256"]

pub mod api;
pub mod error;
pub mod i18n;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use error::{AppError, AppResult};

//! The backend, compiled only into the server. One set of services serves every
//! adapter (server functions today, the REST API later).
//!
//! - [`tenancy`]: the per-request transaction that sets the tenant for row-level security.
//! - [`scope`]: one service call's transaction, principal and backend.
//! - [`paging`]: keyset cursors shared by every list.
//! - [`auth`]: passwords, sessions, login throttling.
//! - [`crypto`]: field encryption, key hierarchy, blind indexes.
//! - [`services`]: one module per area; all business rules live here.

pub mod audit;
pub mod auth;
pub mod crypto;
pub mod paging;
pub mod scope;
pub mod services;
pub mod state;
pub mod subjects;
pub mod tenancy;

pub use scope::Scope;
pub use state::{AppState, Backend};

//! The backend, compiled only into the server. One set of services serves every
//! adapter (server functions today, the REST API later).
//!
//! - [`tenancy`]: the per-request transaction that sets the tenant for row-level security.
//! - [`scope`]: one service call's transaction, principal and backend.
//! - [`paging`]: keyset cursors shared by every list.
//! - [`search`]: keyed search tokens and fingerprints shared by every searchable area.
//! - [`auth`]: passwords, sessions, login throttling.
//! - [`crypto`]: field encryption, key hierarchy, blind indexes.
//! - [`services`]: one module per area; all business rules live here.

pub mod account_mail;
pub mod audit;
pub mod auth;
pub mod crypto;
pub mod jobs;
pub mod listing;
pub mod paging;
pub mod rate_limit;
pub mod scope;
pub mod search;
pub mod services;
pub mod state;
pub mod subjects;
pub mod tenancy;
pub mod upgrade;

pub use scope::Scope;
pub use state::{AppState, Backend, ClientIp};

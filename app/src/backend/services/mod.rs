//! Business rules, one module per area. Adapters (server functions, REST) only
//! translate; permission checks and validation happen here.

pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod contacts;
pub mod duplicates;
pub mod erasure;
pub mod exports;
pub mod field_masks;
pub mod identity;
pub mod imports;
pub mod keys;
pub mod mail;
pub mod organisations;
pub mod palette;
pub mod passkeys;
pub mod second_factor;
pub mod sso;
pub mod tasks;
pub mod team;
pub mod teams;
pub mod timeline;
pub mod views;
pub mod webhooks;

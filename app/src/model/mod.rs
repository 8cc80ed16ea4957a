//! Types and validation shared by server and browser: one definition, one set of rules.

/// Declares an area's audit events. Each is stored as `<area>.<snake_case name>` (see
/// [`audit::AuditAction`]); the enum lists them, so nothing is counted by hand.
macro_rules! audit_events {
    ($(#[$meta:meta])* pub enum $name:ident { $($event:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
        )]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($event),+ }
    };
}

pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod capture;
pub mod contacts;
pub mod duplicates;
pub mod field_masks;
pub mod identity;
pub mod imports;
pub mod mail;
pub mod organisations;
pub mod paging;
pub mod palette;
pub mod passkeys;
pub mod permission;
pub mod records;
pub mod second_factor;
pub mod sso;
pub mod tasks;
pub mod teams;
pub mod timeline;
pub mod validation;
pub mod views;
pub mod webhooks;

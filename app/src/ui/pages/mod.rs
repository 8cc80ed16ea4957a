//! One module per screen, one folder per area with several screens.

mod audit;
mod auth;
mod contacts;
mod invite;
mod misc;
mod team;

pub use audit::AuditPage;
pub use auth::{LoginPage, SignupPage};
pub use contacts::{ContactDetailPage, ContactListPage, EditContactPage, NewContactPage};
pub use invite::AcceptInvitePage;
pub use misc::{HomePage, NotFoundPage};
pub use team::TeamPage;

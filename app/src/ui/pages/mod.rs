//! One module per screen.

mod audit;
mod auth;
mod contact_detail;
mod contact_form;
mod contact_list;
mod invite;
mod misc;
mod team;

pub use audit::AuditPage;
pub use auth::{LoginPage, SignupPage};
pub use contact_detail::ContactDetailPage;
pub use contact_form::{EditContactPage, NewContactPage};
pub use contact_list::ContactListPage;
pub use invite::AcceptInvitePage;
pub use misc::{HomePage, NotFoundPage};
pub use team::TeamPage;

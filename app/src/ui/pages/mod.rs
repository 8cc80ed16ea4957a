//! One module per screen, one folder per area with several screens.

mod audit;
mod auth;
pub(crate) mod contacts;
mod invite;
mod misc;
mod organisations;
mod team;
pub(crate) mod timeline;

pub use audit::AuditPage;
pub use auth::{LoginPage, SignupPage};
pub use contacts::{ContactDetailPage, ContactListPage, EditContactPage, NewContactPage};
pub use invite::AcceptInvitePage;
pub use misc::{HomePage, NotFoundPage};
pub use organisations::{
    EditOrganisationPage, NewOrganisationPage, OrganisationDetailPage, OrganisationListPage,
};
pub use team::TeamPage;

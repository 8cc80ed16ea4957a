//! One module per screen, one folder per area with several screens.

mod api_tokens;
mod audit;
mod auth;
pub(crate) mod calendar;
pub(crate) mod contacts;
mod email_change;
mod field_masks;
pub(crate) mod imports;
mod invite;
mod issued_tokens;
mod mail;
mod misc;
mod organisations;
mod passkeys;
mod password;
mod security;
mod sso;
pub(crate) mod tasks;
mod team;
mod teams;
pub(crate) mod timeline;
mod webhooks;

pub use audit::AuditPage;
pub use auth::{LoginPage, SignupPage};
pub use calendar::{CalendarPage, EditAppointmentPage, NewAppointmentPage};
pub use contacts::{
    ContactDetailPage, ContactListPage, DuplicatesPage, EditContactPage, MergePage, NewContactPage,
};
pub use email_change::ConfirmEmailPage;
pub use imports::{ImportPage, ImportUploadPage};
pub use invite::AcceptInvitePage;
pub use mail::{ComposeMailPage, SettingsPage};
pub use misc::{HomePage, NotFoundPage};
pub use organisations::{
    EditOrganisationPage, NewOrganisationPage, OrganisationDetailPage, OrganisationListPage,
};
pub use password::{ForgotPasswordPage, ResetPasswordPage};
pub use security::AccountSecurityPage;
pub use tasks::{EditTaskPage, NewTaskPage, TaskListPage};
pub use team::TeamPage;

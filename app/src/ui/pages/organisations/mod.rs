//! The organisations area's screens: list, detail, new and edit.

mod detail;
mod form;
mod list;

pub use detail::OrganisationDetailPage;
pub use form::{EditOrganisationPage, NewOrganisationPage};
pub use list::OrganisationListPage;

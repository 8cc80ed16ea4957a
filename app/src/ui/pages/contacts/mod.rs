//! The contacts area's screens: list, detail, new and edit.

mod detail;
mod form;
mod list;

pub use detail::{id_param, ContactDetailPage};
pub use form::{DuplicateWarning, EditContactPage, NewContactPage};
pub use list::ContactListPage;

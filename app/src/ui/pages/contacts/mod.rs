//! The contacts area's screens: list, detail, new and edit.

mod detail;
mod duplicates;
mod form;
mod list;

pub use detail::{id_param, ContactDetailPage};
pub use duplicates::{DuplicatesPage, MergePage};
pub use form::{DuplicateWarning, EditContactPage, NewContactPage};
pub use list::ContactListPage;

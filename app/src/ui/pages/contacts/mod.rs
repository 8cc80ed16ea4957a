//! The contacts area's screens: list, detail, new and edit.

mod detail;
mod form;
mod list;

pub use detail::ContactDetailPage;
pub use form::{EditContactPage, NewContactPage};
pub use list::ContactListPage;

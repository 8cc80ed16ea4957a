//! The mail area's screens: writing an e-mail to a contact, and the settings page
//! (signature; outgoing server and templates for administrators; what is captured
//! from mailboxes, and one's own mailbox).

mod capture;
mod compose;
mod settings;

pub use compose::ComposeMailPage;
pub use settings::SettingsPage;

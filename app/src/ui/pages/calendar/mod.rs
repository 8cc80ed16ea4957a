//! The calendar's screens: week and day views, the appointment form, the feed, and a
//! record's next appointments.

mod feed;
mod form;
mod view;

pub use form::{EditAppointmentPage, NewAppointmentPage};
pub use view::{record_appointments, CalendarPage, RecordAppointments, RecordAppointmentsData};

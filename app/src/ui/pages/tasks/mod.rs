//! The tasks area's screens: "my tasks", new and edit; the open tasks of a record;
//! the reminders in the header.

mod form;
mod list;
mod reminders;

pub use form::{EditTaskPage, NewTaskPage};
pub use list::{record_tasks, RecordTasks, RecordTasksData, TaskListPage};
pub use reminders::Reminders;

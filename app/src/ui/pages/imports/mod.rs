//! Importing contacts: upload, mapping, progress and the report; the export form.

mod export;
mod import;

pub use export::ExportForm;
pub use import::{ImportPage, ImportUploadPage};

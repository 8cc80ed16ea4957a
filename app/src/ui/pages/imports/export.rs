//! The export form of a list: purpose (logged) and format; the download is a link.

use crate::i18n::use_i18n;
use crate::model::audit::AuditPurpose;
use leptos::prelude::*;

/// A file to offer (`contacts.csv`) and its button's label.
pub type ExportFile = (&'static str, crate::i18n::TextFn);

/// `params` is the list's filter as URL parameters.
#[component]
pub fn ExportForm(params: Signal<String>, files: Vec<ExportFile>) -> impl IntoView {
    let i18n = use_i18n();
    let purpose = RwSignal::new(AuditPurpose::CustomerMailing);
    view! {
        <details class="export">
            <summary class="button">{move || i18n.texts().imports.export}</summary>
            <div class="card inset">
                <p class="muted">{move || i18n.texts().imports.export_intro}</p>
                <label for="export-purpose">{move || i18n.texts().imports.purpose}</label>
                <select id="export-purpose" on:change=move |ev| {
                    if let Some(p) = AuditPurpose::parse(&event_target_value(&ev)) { purpose.set(p); }
                }>
                    {AuditPurpose::for_records().map(|p| view! { <option value=p.code()>{move || i18n.texts().audit_purpose_name(p)}</option> }).collect_view()}
                </select>
                <div class="actions">
                    {files.into_iter().map(|(file, label)| view! {
                        <a class="button" download="" href=move || {
                            let params = params.get();
                            let sep = if params.is_empty() { "" } else { "&" };
                            format!("/exports/{file}?{params}{sep}purpose={}", purpose.get().code())
                        }>{move || label(i18n.texts())}</a>
                    }).collect_view()}
                </div>
            </div>
        </details>
    }
}

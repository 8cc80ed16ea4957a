//! Upload (a plain multipart form, works before hydration), the mapping of columns,
//! then progress while the background job runs and its report.

use crate::api::imports::{
    load_import, load_import_progress, CancelImport, StartImport, UndoImport,
};
use crate::i18n::use_i18n;
use crate::model::imports::{ImportDraft, ImportField, ImportState, MatchBy, OnMatch};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::ErrorBanner;
use crate::ui::pages::contacts::id_param;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ImportUploadPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.texts().imports.title}</h1>
        <p class="muted">{move || i18n.texts().imports.upload_intro}</p>
        <form method="post" action="/imports" enctype="multipart/form-data" class="card">
            <div class="field">
                <label for="import-file">{move || i18n.texts().imports.file}</label>
                <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" required />
            </div>
            <div class="actions">
                <button type="submit" class="button primary">{move || i18n.texts().imports.upload}</button>
                <A href="/contacts" attr:class="button link">{move || i18n.texts().common.cancel}</A>
            </div>
        </form>
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let start = ServerAction::<StartImport>::new();
    let draft = Resource::new(
        move || (id.get(), start.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_import(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // Created here, not inside the async view: see docs/architecture.md, "Async views".
    let progress = progress_data(id);
    view! {
        <h1>{move || i18n.texts().imports.title}</h1>
        <ErrorBanner error=Signal::derive(move || start.value().get().and_then(Result::err)) />
        <AsyncView resource=draft back="/contacts" render=move |draft| {
            if draft.state == ImportState::Draft {
                view! { <Mapping draft start /> }.into_any()
            } else {
                view! { <Progress draft data=progress /> }.into_any()
            }
        } />
    }
}

/// A running or finished import's progress, polled, and the actions on it.
#[derive(Clone, Copy)]
struct ProgressData {
    tick: RwSignal<u32>,
    cancel: ServerAction<CancelImport>,
    undo: ServerAction<UndoImport>,
    progress: Resource<Result<crate::model::imports::ImportProgress, AppError>>,
}

fn progress_data(id: Memo<Option<uuid::Uuid>>) -> ProgressData {
    let tick = RwSignal::new(0u32);
    let cancel = ServerAction::<CancelImport>::new();
    let undo = ServerAction::<UndoImport>::new();
    let progress = Resource::new(
        move || {
            (
                id.get(),
                tick.get(),
                cancel.version().get(),
                undo.version().get(),
            )
        },
        |(id, _, _, _)| async move { load_import_progress(id.ok_or(AppError::NotFound)?).await },
    );
    ProgressData {
        tick,
        cancel,
        undo,
        progress,
    }
}

#[component]
fn Mapping(draft: ImportDraft, start: ServerAction<StartImport>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = RwSignal::new(draft.settings.clone());
    let id = draft.id;
    let facts = {
        let (encoding, delimiter, rows) = (
            draft.encoding.clone(),
            draft.delimiter.clone(),
            draft.row_count as i64,
        );
        move || {
            i18n.texts()
                .imports
                .file_facts
                .with(rows, &[("encoding", &encoding), ("delimiter", &delimiter)])
        }
    };
    view! {
        <h2>{move || i18n.texts().imports.mapping_title}</h2>
        <p class="muted">{move || i18n.texts().imports.mapping_intro} " " {facts}</p>
        <table class="data-table mapping">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.texts().imports.column}</th>
                    <th scope="col">{move || i18n.texts().imports.becomes}</th>
                    {(0..draft.preview.len()).map(|i| view! { <th scope="col" class="muted">{i + 2}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {draft.columns.iter().enumerate().map(|(column, name)| {
                    let current = draft.settings.fields.get(column).copied().unwrap_or_default();
                    let samples: Vec<String> = draft.preview.iter().map(|row| row.get(column).cloned().unwrap_or_default()).collect();
                    view! {
                        <tr>
                            <th scope="row">{name.clone()}</th>
                            <td>
                                <select aria-label=name.clone() on:change=move |ev| {
                                    let field = ImportField::parse(&event_target_value(&ev)).unwrap_or_default();
                                    settings.update(|s| if let Some(f) = s.fields.get_mut(column) { *f = field; });
                                }>
                                    {ImportField::all().map(|f| view! {
                                        <option value=f.code() selected=f == current>{move || (i18n.texts().imports.fields)(f)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            {samples.into_iter().map(|s| view! { <td class="sample">{s}</td> }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <div class="field-row card">
            <div class="field">
                <label for="import-on-match">{move || i18n.texts().imports.on_match}</label>
                <select id="import-on-match" on:change=move |ev| {
                    let m = OnMatch::parse(&event_target_value(&ev)).unwrap_or_default();
                    settings.update(|s| s.on_match = m);
                }>
                    {OnMatch::all().map(|m| view! { <option value=m.code()>{move || (i18n.texts().imports.on_match_names)(m)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="import-match-by">{move || i18n.texts().imports.match_by}</label>
                <select id="import-match-by" on:change=move |ev| {
                    let m = MatchBy::parse(&event_target_value(&ev)).unwrap_or_default();
                    settings.update(|s| s.match_by = m);
                }>
                    {MatchBy::all().map(|m| view! { <option value=m.code()>{move || (i18n.texts().imports.match_by_names)(m)}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <div class="actions">
            <button type="button" class="button primary" disabled=move || start.pending().get()
                on:click=move |_| { start.dispatch(StartImport { id, settings: settings.get_untracked() }); }>
                {move || i18n.texts().imports.start}
            </button>
            <A href="/contacts" attr:class="button link">{move || i18n.texts().common.cancel}</A>
        </div>
    }
}

#[component]
fn Progress(draft: ImportDraft, data: ProgressData) -> impl IntoView {
    let i18n = use_i18n();
    let id = draft.id;
    let ProgressData {
        tick,
        cancel,
        undo,
        progress,
    } = data;
    // Poll while it runs; the page may be left and reopened at any time.
    let poll = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_millis(500),
    )
    .ok();
    on_cleanup(move || {
        if let Some(handle) = poll {
            handle.clear();
        }
    });
    let columns = StoredValue::new(draft.columns.clone());
    view! {
        <ErrorBanner error=Signal::derive(move || undo.value().get().and_then(Result::err)) />
        <AsyncView resource=progress render=move |p| {
            let percent = if p.total > 0 { p.done * 100 / p.total } else { 0 };
            let (done, total) = (p.done, p.total);
            let state = p.state;
            view! {
                <section class="card import-progress" aria-live="polite">
                    <label for="import-bar">{move || i18n.texts().imports.progress} " " {done} " / " {total}</label>
                    <progress id="import-bar" max=total.max(1).to_string() value=done.to_string()>{percent} " %"</progress>
                    {match state {
                        ImportState::Running | ImportState::Draft => view! {
                            <p>{move || i18n.texts().imports.running}</p>
                            <button type="button" class="button danger" on:click=move |_| { cancel.dispatch(CancelImport { id }); }>
                                {move || i18n.texts().imports.cancel}
                            </button>
                        }.into_any(),
                        ImportState::Failed => view! { <p class="banner error">{move || i18n.texts().imports.failed}</p> }.into_any(),
                        ImportState::Cancelled => view! { <p class="banner info">{move || i18n.texts().imports.cancelled}</p> }.into_any(),
                        ImportState::Undone => view! { <p class="banner info">{move || i18n.texts().imports.undone}</p> }.into_any(),
                        ImportState::Done => view! { <p class="banner success" role="status">{move || i18n.texts().imports.done}</p> }.into_any(),
                    }}
                </section>
                {p.report.map(|report| view! {
                    <section class="card import-summary">
                        <ul class="plain-list">
                            <li><strong>{report.created}</strong> " " {move || i18n.texts().imports.created}</li>
                            <li><strong>{report.updated}</strong> " " {move || i18n.texts().imports.updated}</li>
                            <li><strong>{report.skipped}</strong> " " {move || i18n.texts().imports.skipped}</li>
                            <li><strong>{report.failed}</strong> " " {move || i18n.texts().imports.bad_rows}</li>
                            <li><strong>{report.organisations_created}</strong> " " {move || i18n.texts().imports.organisations_created}</li>
                        </ul>
                        {(!report.problems.is_empty()).then(|| view! {
                            <table class="data-table report">
                                <thead><tr>
                                    <th scope="col">{move || i18n.texts().imports.line}</th>
                                    <th scope="col">{move || i18n.texts().imports.column}</th>
                                    <th scope="col">{move || i18n.texts().imports.problem}</th>
                                </tr></thead>
                                <tbody>
                                    {report.problems.iter().map(|problem| {
                                        let column = problem.column.and_then(|c| columns.get_value().get(c).cloned()).unwrap_or_default();
                                        let what = problem.problem;
                                        view! { <tr><td>{problem.line}</td><td>{column}</td><td>{move || i18n.texts().problem(what)}</td></tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        <div class="actions">
                            <A href="/contacts" attr:class="button primary">{move || i18n.texts().imports.to_contacts}</A>
                            {(state == ImportState::Done).then(|| view! {
                                <button type="button" class="button danger" on:click=move |_| {
                                    if window().confirm_with_message(i18n.texts().imports.confirm_undo).unwrap_or(false) {
                                        undo.dispatch(UndoImport { id });
                                    }
                                }>{move || i18n.texts().imports.undo}</button>
                            })}
                        </div>
                    </section>
                })}
                {p.error.map(|code| view! { <p class="muted"><code>{code}</code></p> })}
            }
        } />
    }
}

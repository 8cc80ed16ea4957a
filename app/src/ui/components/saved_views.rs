//! Saved views of a list: links to the user's own and the team's shared filters, and
//! saving the current one. The page creates the resource (see "Async views").

use crate::api::views::{list_views, DeleteView, SaveView};
use crate::i18n::use_i18n;
use crate::model::validation::FieldErrors;
use crate::model::views::{SavedView, ViewArea};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;

/// The views of `area`, reloaded when `changed` moves.
pub fn saved_views(
    area: ViewArea,
    changed: RwSignal<usize>,
) -> Resource<Result<Vec<SavedView>, AppError>> {
    Resource::new(move || changed.get(), move |_| list_views(area))
}

#[component]
pub fn SavedViews(
    area: ViewArea,
    views: Resource<Result<Vec<SavedView>, AppError>>,
    changed: RwSignal<usize>,
    /// The list's current query string (without `?`).
    current: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) || matches!(delete.value().get(), Some(Ok(())))
        {
            changed.update(|n| *n += 1);
        }
    });
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(save, client);
    let errors = Memo::new(move |_| errors.get().prefixed("view"));
    view! {
        <details class="saved-views">
            <summary class="button">{move || i18n.texts().views.views}</summary>
            <div class="saved-views-panel">
                <AsyncView resource=views render=move |views| {
                    if views.is_empty() {
                        view! { <p class="muted">{move || i18n.texts().views.no_views}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="view-list">
                                {views.into_iter().map(|v| {
                                    let id = v.id;
                                    view! {
                                        <li>
                                            <A href=v.href()>{v.name.clone()}</A>
                                            {v.shared.then(|| view! { " " <span class="badge">{move || i18n.texts().views.shared}</span> })}
                                            {v.mine.then(|| view! {
                                                <button type="button" class="button link danger" aria-label=move || i18n.texts().views.delete_view
                                                    on:click=move |_| { delete.dispatch(DeleteView { id }); }>"×"</button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                } />
                <ValidatedForm action=save validate=|s: &SaveView| s.input.normalized().validate() client_errors=client>
                    <ErrorBanner error=action_error(save) />
                    <input type="hidden" name="input[area]" value=area.code() />
                    <input type="hidden" name="input[query]" prop:value=move || current.get() />
                    <TextField name="input[name]" field="view.name" label=|t| t.views.view_name errors required=true />
                    <label class="checkbox">
                        <input type="checkbox" name="input[shared]" value="on" />
                        {move || i18n.texts().views.share_view}
                    </label>
                    <div class="actions"><SubmitButton action=save label=|t| t.views.save_view /></div>
                </ValidatedForm>
            </div>
        </details>
    }
}

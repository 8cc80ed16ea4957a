//! The organisation list: search, filters, sort, keyset pages.

use crate::api::organisations::list_organisations;
use crate::i18n::{use_i18n, TextFn, Texts};
use crate::model::identity::Colleague;
use crate::model::organisations::{OrganisationListQuery, OrganisationPage, OrganisationSort};
use crate::model::paging::total_is_exact;
use crate::model::permission::{Action, Area};
use crate::model::records::Classification;
use crate::model::views::ViewArea;
use crate::ui::components::async_view::{AsyncView, EmptyState};
use crate::ui::components::bulk_bar::{BulkBar, SelectPageCell, SelectRowCell};
use crate::ui::components::fields::PeriodFilter;
use crate::ui::components::pickers::{colleague_name, directory};
use crate::ui::components::saved_views::{saved_views, SavedViews};
use crate::ui::layout::use_current_user;
use crate::ui::pages::imports::ExportForm;
use crate::ui::url_query::{filter_from_params, filter_params, use_url_query, UrlQuery};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use uuid::Uuid;

fn sort_label(t: &Texts, sort: OrganisationSort) -> &'static str {
    match sort {
        OrganisationSort::NameAsc => t.organisations.sort_name,
        OrganisationSort::NewestFirst => t.organisations.sort_newest,
        OrganisationSort::RecentlyChanged => t.organisations.sort_changed,
    }
}

impl UrlQuery for OrganisationListQuery {
    const PATH: &'static str = "/organisations";

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![];
        if !self.q.is_empty() {
            params.push(("q", self.q.clone()));
        }
        params.extend(filter_params(&self.filter));
        if self.sort != OrganisationSort::default() {
            params.push(("sort", self.sort.as_param().to_owned()));
        }
        params.extend(self.after.clone().map(|c| ("after", c)));
        params.extend(self.before.clone().map(|c| ("before", c)));
        params
    }

    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        OrganisationListQuery {
            q: get("q").unwrap_or_default(),
            filter: filter_from_params(get),
            sort: OrganisationSort::from_param(&get("sort").unwrap_or_default()),
            after: get("after"),
            before: get("before"),
        }
    }
}

#[component]
pub fn OrganisationListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_url_query::<OrganisationListQuery>();
    // Moves after a bulk action, so the page reloads.
    let reload = RwSignal::new(0usize);
    let page = Resource::new(
        move || (query.get(), reload.get()),
        |(q, _)| list_organisations(q),
    );
    let colleagues = directory();
    let views_changed = RwSignal::new(0usize);
    let views = saved_views(ViewArea::Organisations, views_changed);
    let selected = RwSignal::new(Vec::<Uuid>::new());
    let current = Signal::derive(move || {
        let q = OrganisationListQuery {
            after: None,
            before: None,
            ..query.get()
        };
        q.href()
            .split_once('?')
            .map(|(_, p)| p.to_owned())
            .unwrap_or_default()
    });
    let user = use_current_user();
    let may = move |action| {
        user.get()
            .is_some_and(|u| u.role.may(Area::Organisations, action))
    };
    let can_write = move || may(Action::Create);
    let can_export = move || may(Action::Export);
    let can_bulk = move || may(Action::Bulk);
    let initial = query.get_untracked();
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().organisations.title}</h1>
            <Show when=can_write>
                <div class="header-actions">
                    <SavedViews area=ViewArea::Organisations views changed=views_changed current />
                    <Show when=can_export>
                        <ExportForm params=current files=vec![("organisations.csv", |t| t.imports.csv)] />
                    </Show>
                    <A href="/organisations/new" attr:class="button primary">{move || i18n.texts().organisations.new_organisation}</A>
                </div>
            </Show>
        </div>
        <Form method="GET" action="/organisations" attr:class="toolbar" attr:role="search">
            <label for="organisation-filter" class="visually-hidden">{move || i18n.texts().organisations.search_label}</label>
            <input id="organisation-filter" name="q" type="search" value=initial.q.clone()
                placeholder=move || i18n.texts().organisations.search_placeholder />
            <label for="organisation-sort">{move || i18n.texts().contacts.sort_label}</label>
            <select id="organisation-sort" name="sort">
                {OrganisationSort::all().map(|sort| view! {
                    <option value=sort.as_param() selected=sort == initial.sort>{move || sort_label(i18n.texts(), sort)}</option>
                }).collect_view()}
            </select>
            <label for="filter-class">{move || i18n.texts().records.classification}</label>
            <select id="filter-class" name="class">
                <option value="" selected=initial.filter.classification.is_none()>{move || i18n.texts().records.any}</option>
                {Classification::all().map(|c| view! {
                    <option value=c.code() selected=initial.filter.classification == Some(c)>{c.letter()}</option>
                }).collect_view()}
            </select>
            <label for="filter-tag">{move || i18n.texts().records.tags}</label>
            <input id="filter-tag" name="tag" type="text" size="12" value=initial.filter.tag.clone() />
            <PeriodFilter filter=initial.filter.clone() />
            <button type="submit" class="button">{move || i18n.texts().contacts.search_submit}</button>
        </Form>
        // Outside the page's view, so a reload after a bulk action keeps its outcome.
        <Show when=can_bulk>
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <BulkBar area=ViewArea::Organisations selected colleagues done=reload />
            } />
        </Show>
        <AsyncView resource=page render=move |page| view! {
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <OrganisationTable page=page.clone() query=query.get_untracked() can_write=can_write() can_select=can_bulk() colleagues selected />
            } />
        } />
    }
}

#[component]
fn OrganisationTable(
    page: OrganisationPage,
    query: OrganisationListQuery,
    can_write: bool,
    /// Whether rows can be selected for a bulk action.
    can_select: bool,
    colleagues: Vec<Colleague>,
    selected: RwSignal<Vec<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if page.items.is_empty() {
        return if query.q.is_empty() && query.filter.is_empty() && page.total == 0 {
            let new: TextFn = |t| t.organisations.new_organisation;
            let hint: TextFn = |t| t.organisations.empty_hint;
            view! { <EmptyState title=|t| t.organisations.empty hint=Some(hint) action=can_write.then_some(("/organisations/new", new)) /> }.into_any()
        } else {
            view! { <EmptyState title=|t| t.organisations.no_matches /> }.into_any()
        };
    }
    let href = |after: Option<&str>, before: Option<&str>| {
        OrganisationListQuery {
            after: after.map(str::to_owned),
            before: before.map(str::to_owned),
            ..query.clone()
        }
        .href()
    };
    let prev = page.prev.as_deref().map(|c| href(None, Some(c)));
    let next = page.next.as_deref().map(|c| href(Some(c), None));
    let total = page.total;
    let page_ids: Vec<Uuid> = page.items.iter().map(|o| o.id).collect();
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    {can_select.then(|| view! { <SelectPageCell selected ids=page_ids.clone() /> })}
                    <th scope="col">{move || i18n.texts().organisations.name}</th>
                    <th scope="col">{move || i18n.texts().organisations.industry}</th>
                    <th scope="col">{move || i18n.texts().organisations.city}</th>
                    <th scope="col">{move || i18n.texts().records.owner}</th>
                    <th scope="col">{move || i18n.texts().common.email}</th>
                    <th scope="col">{move || i18n.texts().organisations.phone}</th>
                </tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|o| {
                    let owner = colleague_name(&colleagues, o.owner_id);
                    let id = o.id;
                    view! {
                        <tr class:selected=move || selected.with(|s| s.contains(&id))>
                            {can_select.then(|| view! { <SelectRowCell selected id /> })}
                            <td>
                                <A href=format!("/organisations/{}", o.id)>{o.name}</A>
                                {o.classification.map(|k| view! { " " <span class="badge">{k.letter()}</span> })}
                            </td>
                            <td>{o.industry}</td>
                            <td>{o.city}</td>
                            <td>{owner}</td>
                            <td>{o.email}</td>
                            <td>{o.phone}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pagination">
            <span class="total" aria-live="polite">{move || {
                let texts = i18n.texts().organisations;
                if total_is_exact(total) { texts.total.of(total) } else { texts.total_more.to_owned() }
            }}</span>
            {prev.map(|href| view! { <A href=href attr:class="button" attr:rel="prev">{move || i18n.texts().common.prev_page}</A> })}
            {next.map(|href| view! { <A href=href attr:class="button" attr:rel="next">{move || i18n.texts().common.next_page}</A> })}
        </nav>
    }
    .into_any()
}

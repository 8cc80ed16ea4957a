//! The contact list: text search, metadata filters, sort, keyset pages, keyboard
//! shortcuts, saved views, and bulk actions on selected rows.

use crate::api::contacts::list_contacts;
use crate::i18n::{use_i18n, TextFn, Texts};
use crate::model::contacts::{ContactListQuery, ContactPage, ContactSort, LifecycleStage};
use crate::model::identity::Colleague;
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
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

fn sort_label(t: &Texts, sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::NameAsc => t.contacts.sort_name_asc,
        ContactSort::NameDesc => t.contacts.sort_name_desc,
        ContactSort::NewestFirst => t.contacts.sort_newest,
        ContactSort::OldestFirst => t.contacts.sort_oldest,
        ContactSort::RecentlyChanged => t.organisations.sort_changed,
    }
}

impl UrlQuery for ContactListQuery {
    const PATH: &'static str = "/contacts";

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![];
        if !self.q.is_empty() {
            params.push(("q", self.q.clone()));
        }
        params.extend(filter_params(&self.filter));
        if self.sort != ContactSort::default() {
            params.push(("sort", self.sort.as_param().to_owned()));
        }
        params.extend(self.after.clone().map(|c| ("after", c)));
        params.extend(self.before.clone().map(|c| ("before", c)));
        params
    }

    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        ContactListQuery {
            q: get("q").unwrap_or_default(),
            filter: filter_from_params(get),
            sort: ContactSort::from_param(&get("sort").unwrap_or_default()),
            after: get("after"),
            before: get("before"),
        }
    }
}

/// The list URL for a query, with the page cursor given.
fn list_href(query: &ContactListQuery, after: Option<&str>, before: Option<&str>) -> String {
    ContactListQuery {
        after: after.map(str::to_owned),
        before: before.map(str::to_owned),
        ..query.clone()
    }
    .href()
}

#[component]
pub fn ContactListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_url_query::<ContactListQuery>();
    // Moves after a bulk action, so the page reloads.
    let reload = RwSignal::new(0usize);
    let page = Resource::new(
        move || (query.get(), reload.get()),
        |(q, _)| list_contacts(q),
    );
    let colleagues = directory();
    let views_changed = RwSignal::new(0usize);
    let views = saved_views(ViewArea::Contacts, views_changed);
    let selected = RwSignal::new(Vec::<Uuid>::new());
    let current = Signal::derive(move || {
        let q = ContactListQuery {
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
            .is_some_and(|u| u.role.may(Area::Contacts, action))
    };
    let can_write = move || may(Action::Create);
    let can_export = move || may(Action::Export);
    let can_bulk = move || may(Action::Bulk);

    // "/" focuses the filter, "n" opens a new contact (unless typing somewhere).
    let search = NodeRef::<leptos::html::Input>::new();
    let navigate = use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
            })
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "/" => {
                ev.prevent_default();
                if let Some(input) = search.get() {
                    let _ = input.focus();
                }
            }
            "n" if can_write() => navigate("/contacts/new", Default::default()),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let initial = query.get_untracked();
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().contacts.title}</h1>
            <Show when=can_write>
                <div class="header-actions">
                    <SavedViews area=ViewArea::Contacts views changed=views_changed current />
                    <Show when=can_export>
                        <ExportForm params=current files=vec![("contacts.csv", |t| t.imports.csv), ("contacts.vcf", |t| t.imports.vcard)] />
                    </Show>
                    <A href="/imports/new" attr:class="button">{move || i18n.texts().imports.import}</A>
                    <A href="/contacts/duplicates" attr:class="button">{move || i18n.texts().duplicates.find}</A>
                    <A href="/contacts/new" attr:class="button primary" attr:aria-keyshortcuts="n">
                        {move || i18n.texts().contacts.new_contact}
                    </A>
                </div>
            </Show>
        </div>
        <Form method="GET" action="/contacts" attr:class="toolbar" attr:role="search">
            <label for="contact-filter" class="visually-hidden">{move || i18n.texts().contacts.search_label}</label>
            <input
                id="contact-filter"
                name="q"
                type="search"
                node_ref=search
                value=initial.q.clone()
                placeholder=move || i18n.texts().contacts.search_placeholder
                aria-keyshortcuts="/"
            />
            <label for="contact-sort">{move || i18n.texts().contacts.sort_label}</label>
            <select id="contact-sort" name="sort">
                {ContactSort::all()
                    .map(|sort| view! {
                        <option value=sort.as_param() selected=sort == initial.sort>
                            {move || sort_label(i18n.texts(), sort)}
                        </option>
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button">{move || i18n.texts().contacts.search_submit}</button>
            <AsyncView resource=colleagues render=move |colleagues| view! { <FilterControls query=query.get_untracked() colleagues /> } />
        </Form>
        // Outside the page's view, so a reload after a bulk action keeps its outcome.
        <Show when=can_bulk>
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <BulkBar area=ViewArea::Contacts selected colleagues done=reload />
            } />
        </Show>
        <AsyncView resource=page render=move |page| view! {
            <AsyncView resource=colleagues render=move |colleagues| view! {
                <ContactTable page=page.clone() query=query.get_untracked() can_write=can_write() can_select=can_bulk() colleagues selected />
            } />
        } />
    }
}

/// Stage, class, account manager, tag and organisation filters of the list form.
#[component]
fn FilterControls(query: ContactListQuery, colleagues: Vec<Colleague>) -> impl IntoView {
    let i18n = use_i18n();
    let f = query.filter;
    view! {
        <label for="filter-stage">{move || i18n.texts().records.stage}</label>
        <select id="filter-stage" name="stage">
            <option value="" selected=f.stage.is_none()>{move || i18n.texts().records.any}</option>
            {LifecycleStage::all().map(|s| view! {
                <option value=s.code() selected=f.stage == Some(s)>{move || (i18n.texts().records.stages)(s)}</option>
            }).collect_view()}
        </select>
        <label for="filter-class">{move || i18n.texts().records.classification}</label>
        <select id="filter-class" name="class">
            <option value="" selected=f.classification.is_none()>{move || i18n.texts().records.any}</option>
            {Classification::all().map(|c| view! {
                <option value=c.code() selected=f.classification == Some(c)>{c.letter()}</option>
            }).collect_view()}
        </select>
        <label for="filter-owner">{move || i18n.texts().records.owner}</label>
        <select id="filter-owner" name="owner">
            <option value="" selected=f.owner.is_none()>{move || i18n.texts().records.any}</option>
            {colleagues.into_iter().map(|c| view! {
                <option value=c.user_id.to_string() selected=f.owner == Some(c.user_id)>{c.display_name}</option>
            }).collect_view()}
        </select>
        <label for="filter-tag">{move || i18n.texts().records.tags}</label>
        <input id="filter-tag" name="tag" type="text" size="12" value=f.tag.clone() />
        <PeriodFilter filter=f.clone() />
        {f.organisation.map(|org| view! { <input type="hidden" name="organisation" value=org.to_string() /> })}
        {(!f.is_empty()).then(|| view! { <A href="/contacts" attr:class="button link">{move || i18n.texts().records.reset_filters}</A> })}
    }
}

#[component]
fn ContactTable(
    page: ContactPage,
    query: ContactListQuery,
    can_write: bool,
    /// Whether rows can be selected for a bulk action.
    can_select: bool,
    colleagues: Vec<Colleague>,
    selected: RwSignal<Vec<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if page.items.is_empty() {
        return if query.q.is_empty() && query.filter.is_empty() && page.total == 0 {
            let new_contact: TextFn = |t| t.contacts.new_contact;
            let hint: TextFn = |t| t.contacts.empty_contacts_hint;
            view! {
                <EmptyState
                    title=|t| t.contacts.empty_contacts
                    hint=can_write.then_some(hint)
                    action=can_write.then_some(("/contacts/new", new_contact))
                />
            }
            .into_any()
        } else {
            view! { <EmptyState title=|t| t.contacts.no_matches /> }.into_any()
        };
    }
    let fallback = page.sort != query.sort && !page.ranked;
    let ranked = page.ranked;
    let prev = page
        .prev
        .as_deref()
        .map(|c| list_href(&query, None, Some(c)));
    let next = page
        .next
        .as_deref()
        .map(|c| list_href(&query, Some(c), None));
    let total = page.total;
    let page_ids: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
    view! {
        {fallback.then(|| view! { <p class="banner info" role="status">{move || i18n.texts().contacts.name_sort_unavailable}</p> })}
        {ranked.then(|| view! { <p class="muted">{move || i18n.texts().contacts.ranked_hint}</p> })}
        <table class="data-table">
            <thead>
                <tr>
                    {can_select.then(|| view! { <SelectPageCell selected ids=page_ids.clone() /> })}
                    <th scope="col">{move || i18n.texts().contacts.col_name}</th>
                    <th scope="col">{move || i18n.texts().contacts.organisation}</th>
                    <th scope="col">{move || i18n.texts().contacts.col_stage}</th>
                    <th scope="col">{move || i18n.texts().contacts.col_owner}</th>
                    <th scope="col">{move || i18n.texts().common.email}</th>
                    <th scope="col">{move || i18n.texts().contacts.phone}</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|c| {
                        let stage = c.stage;
                        let owner = colleague_name(&colleagues, c.owner_id);
                        let id = c.id;
                        view! {
                            <tr class:selected=move || selected.with(|s| s.contains(&id))>
                                {can_select.then(|| view! { <SelectRowCell selected id /> })}
                                <td>
                                    <A href=format!("/contacts/{}", c.id)>{format!("{}, {}", c.last_name, c.first_name)}</A>
                                    {c.classification.map(|k| view! { " " <span class="badge">{k.letter()}</span> })}
                                </td>
                                <td>{c.organisation.map(|o| view! { <A href=format!("/organisations/{}", o.id)>{o.name}</A> })}</td>
                                <td><span class=format!("stage stage-{}", stage.code())>{move || (i18n.texts().records.stages)(stage)}</span></td>
                                <td>{owner}</td>
                                <td>{c.email}</td>
                                <td>{c.phone}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pagination">
            <span class="total" aria-live="polite">{move || {
                let texts = i18n.texts().contacts;
                if total_is_exact(total) { texts.total.of(total) } else { texts.total_more.to_owned() }
            }}</span>
            {prev.map(|href| view! { <A href=href attr:class="button" attr:rel="prev">{move || i18n.texts().common.prev_page}</A> })}
            {next.map(|href| view! { <A href=href attr:class="button" attr:rel="next">{move || i18n.texts().common.next_page}</A> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_encode_the_filter_and_keep_defaults_short() {
        let query = ContactListQuery::default();
        assert_eq!(list_href(&query, None, None), "/contacts");
        let query = ContactListQuery {
            q: "Müller & Söhne".into(),
            sort: ContactSort::NewestFirst,
            ..Default::default()
        };
        assert_eq!(
            list_href(&query, Some("abc"), None),
            "/contacts?q=M%C3%BCller+%26+S%C3%B6hne&sort=-created&after=abc"
        );
    }
}

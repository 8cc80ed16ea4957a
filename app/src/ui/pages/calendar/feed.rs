//! The personal calendar feed: create (shown once), renew, revoke.

use crate::api::calendar::{load_feed, CreateFeed, RevokeFeed};
use crate::i18n::use_i18n;
use crate::ui::components::async_view::AsyncView;
use crate::ui::format;
use crate::ui::layout::use_current_user;
use leptos::prelude::*;

#[component]
pub fn FeedSettings() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let create = ServerAction::<CreateFeed>::new();
    let revoke = ServerAction::<RevokeFeed>::new();
    let state = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| load_feed(),
    );
    let new_url = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .and_then(|f| f.url)
    };
    let slug = move || user.get().map(|u| u.tenant_slug).unwrap_or_default();
    view! {
        <section class="card feed" aria-labelledby="feed-heading">
            <h2 id="feed-heading">{move || i18n.texts().calendar.feed_title}</h2>
            <p class="muted">{move || i18n.texts().calendar.feed_intro}</p>
            {move || new_url().map(|url| view! {
                <p class="banner success">{move || i18n.texts().calendar.feed_copy_once}</p>
                <input class="feed-url invite-link" type="text" readonly value=url.clone() aria-label=move || i18n.texts().calendar.feed_title />
            })}
            <AsyncView resource=state render=move |feed| {
                let active = feed.active_since;
                view! {
                    <p>{match active {
                        Some(since) => view! { {move || i18n.texts().calendar.feed_active} " " {format::timestamp(since)} }.into_any(),
                        None => view! { {move || i18n.texts().calendar.feed_inactive} }.into_any(),
                    }}</p>
                    <div class="actions">
                        <button type="button" class="button" on:click=move |_| { create.dispatch(CreateFeed { slug: slug() }); }>
                            {move || if active.is_some() { i18n.texts().calendar.feed_renew } else { i18n.texts().calendar.feed_create }}
                        </button>
                        {active.map(|_| view! {
                            <button type="button" class="button danger" on:click=move |_| { revoke.dispatch(RevokeFeed {}); }>
                                {move || i18n.texts().calendar.feed_revoke}
                            </button>
                        })}
                    </div>
                }
            } />
        </section>
    }
}

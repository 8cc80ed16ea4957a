//! The team page's grid of contact fields hidden from roles.

use crate::api::team::SetFieldMasks;
use crate::i18n::{use_i18n, Texts};
use crate::model::field_masks::{FieldMasks, MaskedField};
use crate::model::identity::Role;
use crate::ui::components::form::ErrorBanner;
use leptos::prelude::*;

fn field_name(t: &Texts, field: MaskedField) -> &'static str {
    match field {
        MaskedField::Birthday => t.team.field_birthday,
        MaskedField::PrivateEmails => t.team.field_private_emails,
        MaskedField::PrivatePhones => t.team.field_private_phones,
        MaskedField::Address => t.team.field_address,
        MaskedField::Notes => t.team.field_notes,
    }
}

/// Owners see everything; every other role can have fields hidden.
fn maskable_roles() -> impl Iterator<Item = Role> {
    Role::all().filter(|r| *r != Role::Owner)
}

#[component]
pub fn FieldMaskGrid(masks: FieldMasks, save: ServerAction<SetFieldMasks>) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(masks.0);
    let saved = move || save.value().get().and_then(Result::ok);
    let on_save = move |_| {
        let masks = chosen
            .get_untracked()
            .iter()
            .map(|(role, field)| format!("{}:{}", role.as_str(), field.code()))
            .collect();
        save.dispatch(SetFieldMasks { masks });
    };
    view! {
        <section class="card">
            <h2>{move || i18n.texts().team.masks_heading}</h2>
            <p>{move || i18n.texts().team.masks_intro}</p>
            <ErrorBanner error=Signal::derive(move || save.value().get().and_then(Result::err)) />
            {move || saved().map(|_| view! { <div class="banner success" role="status">{move || i18n.texts().team.masks_saved}</div> })}
            <div class="table-scroll">
                <table class="data-table field-masks">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.texts().team.masks_field}</th>
                            {maskable_roles().map(|role| view! { <th scope="col">{move || i18n.texts().role(role)}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {MaskedField::all().map(|field| view! {
                            <tr>
                                <th scope="row">{move || field_name(i18n.texts(), field)}</th>
                                {maskable_roles().map(|role| {
                                    let label = move || format!("{} – {}", field_name(i18n.texts(), field), i18n.texts().role(role));
                                    view! {
                                        <td>
                                            <input type="checkbox" aria-label=label
                                                prop:checked=move || chosen.get().contains(&(role, field))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    chosen.update(|masks| {
                                                        masks.retain(|m| *m != (role, field));
                                                        if on { masks.push((role, field)); }
                                                    });
                                                } />
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <button type="button" class="button" disabled=move || save.pending().get() on:click=on_save>
                {move || i18n.texts().team.masks_save}
            </button>
        </section>
    }
}

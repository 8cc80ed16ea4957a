//! The language switcher.

use crate::i18n::{switch_locale, use_i18n};
use leptos::prelude::*;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="button link"
            lang=move || i18n.locale().other().code()
            on:click=move |_| switch_locale(i18n, i18n.locale().other())
        >
            {move || i18n.texts().common.switch_language}
        </button>
    }
}

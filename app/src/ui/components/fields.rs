//! Form fields beyond plain text: choices, checkboxes, addresses. Each is labelled,
//! shows its validation problem and works in a plain HTML form before hydration.

use crate::i18n::{use_i18n, Texts};
use crate::model::records::PostalAddress;
use crate::model::validation::FieldErrors;
use crate::ui::components::form::TextField;
use leptos::prelude::*;

/// One `<option>`: its value and how it is labelled in the current language.
#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: ChoiceLabel,
}

#[derive(Clone)]
pub enum ChoiceLabel {
    Text(fn(&Texts) -> &'static str),
    Fixed(String),
}

impl Choice {
    pub fn text(value: impl Into<String>, label: fn(&Texts) -> &'static str) -> Self {
        Self {
            value: value.into(),
            label: ChoiceLabel::Text(label),
        }
    }

    pub fn fixed(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: ChoiceLabel::Fixed(label.into()),
        }
    }
}

/// Every variant of a choice enum, labelled through `label`.
pub fn choices<T: Copy + Send + Sync + 'static>(
    all: impl Iterator<Item = T>,
    code: fn(T) -> &'static str,
    label: fn(&Texts, T) -> &'static str,
) -> Vec<(String, Signal<String>)> {
    let i18n = use_i18n();
    all.map(|v| {
        let text = Signal::derive(move || label(i18n.texts(), v).to_owned());
        (code(v).to_owned(), text)
    })
    .collect()
}

/// A labelled `<select>`; `options` are `(value, label)`.
#[component]
pub fn SelectField(
    #[prop(into)] name: String,
    #[prop(into)] field: String,
    label: fn(&Texts) -> &'static str,
    errors: Memo<FieldErrors>,
    options: Vec<(String, Signal<String>)>,
    #[prop(optional, into)] value: String,
    /// An extra first option for "none" (value "").
    #[prop(optional)]
    none: Option<fn(&Texts) -> &'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("field-{}", field.replace('.', "-"));
    let error_id = format!("{id}-error");
    let problem = Memo::new(move |_| errors.get().get(&field));
    let message = move || problem.get().map(|p| i18n.texts().problem(p));
    let invalid = move || problem.get().is_some();
    let selected = value.clone();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{move || label(i18n.texts())}</label>
            <select id=id name=name aria-invalid=move || invalid().to_string() aria-describedby=error_id.clone()>
                {none.map(|none| view! { <option value="" selected=value.is_empty()>{move || none(i18n.texts())}</option> })}
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        let is = v == selected;
                        view! { <option value=v selected=is>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id role="alert">{message}</p>
        </div>
    }
}

/// A labelled checkbox that sends `true` when ticked.
#[component]
pub fn CheckboxField(
    name: &'static str,
    field: &'static str,
    label: Signal<String>,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    let id = format!("field-{}", field.replace('.', "-"));
    view! {
        <label class="checkbox" for=id.clone()>
            <input type="checkbox" id=id.clone() name=name value="true" checked=checked />
            {label}
        </label>
    }
}

/// The four parts of a postal address under `<prefix>[street]` etc.
#[component]
pub fn AddressFields(
    /// The form name prefix, e.g. `input[address]`.
    prefix: &'static str,
    /// The validation prefix, e.g. `address`.
    field: &'static str,
    legend: fn(&Texts) -> &'static str,
    errors: Memo<FieldErrors>,
    value: PostalAddress,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = |part: &str| format!("{prefix}[{part}]");
    let key = |part: &str| format!("{field}.{part}");
    view! {
        <fieldset class="address">
            <legend>{move || legend(i18n.texts())}</legend>
            <TextField name=name("street") field=key("street") label=|t| t.records.street errors value=value.street autocomplete="off" />
            <div class="field-row">
                <TextField name=name("postal_code") field=key("postal_code") label=|t| t.records.postal_code errors value=value.postal_code autocomplete="off" />
                <TextField name=name("city") field=key("city") label=|t| t.records.city errors value=value.city autocomplete="off" />
                <TextField name=name("country") field=key("country") label=|t| t.records.country errors value=value.country autocomplete="off" />
            </div>
        </fieldset>
    }
}

/// The created/changed period of a list filter (URL `period`, `from`, `to`).
#[component]
pub fn PeriodFilter(filter: crate::model::contacts::RecordFilter) -> impl IntoView {
    let i18n = use_i18n();
    let updated = filter.period_field == "updated";
    view! {
        <label for="filter-period">{move || i18n.texts().records.period}</label>
        <select id="filter-period" name="period">
            <option value="created" selected=!updated>{move || i18n.texts().records.period_created}</option>
            <option value="updated" selected=updated>{move || i18n.texts().records.period_updated}</option>
        </select>
        <label for="filter-from" class="visually-hidden">{move || i18n.texts().records.from}</label>
        <input id="filter-from" name="from" type="date" value=filter.from.clone() />
        <label for="filter-to" class="visually-hidden">{move || i18n.texts().records.to}</label>
        <input id="filter-to" name="to" type="date" value=filter.to.clone() />
    }
}

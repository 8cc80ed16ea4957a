//! The settings page's webhooks: subscriptions with their state, a new one whose
//! signing secret is shown this once (and again after a rotation), and each
//! subscription's delivery log with sending again.

use crate::api::webhooks::{
    load_webhook_deliveries, CreateWebhook, DeleteWebhook, RedeliverWebhook, RotateWebhookSecret,
    UpdateWebhook,
};
use crate::i18n::use_i18n;
use crate::model::validation::FieldErrors;
use crate::model::webhooks::{
    DeliveryState, DeliverySummary, WebhookEvent, WebhookInput, WebhookSecret, WebhookSummary,
};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::format::timestamp;
use crate::AppError;
use leptos::prelude::*;

/// The actions a change of the list goes through; the page reloads the list
/// whenever one of them has run.
#[derive(Clone, Copy)]
pub struct WebhookActions {
    pub create: ServerAction<CreateWebhook>,
    pub update: ServerAction<UpdateWebhook>,
    pub rotate: ServerAction<RotateWebhookSecret>,
    pub delete: ServerAction<DeleteWebhook>,
}

impl WebhookActions {
    pub fn new() -> Self {
        Self {
            create: ServerAction::new(),
            update: ServerAction::new(),
            rotate: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    /// Changes whenever any of them ran.
    pub fn version(&self) -> usize {
        self.create.version().get()
            + self.update.version().get()
            + self.rotate.version().get()
            + self.delete.version().get()
    }
}

impl Default for WebhookActions {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn WebhookSection(
    webhooks: Resource<Result<Vec<WebhookSummary>, AppError>>,
    actions: WebhookActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(actions.create, client);
    // The secret of the latest creation or rotation, shown until the next.
    let shown = RwSignal::new(None::<WebhookSecret>);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if let Some(Ok(secret)) = actions.create.value().get() {
            shown.set(Some(secret));
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    Effect::new(move || {
        if let Some(Ok(secret)) = actions.rotate.value().get() {
            shown.set(Some(secret));
        }
    });
    view! {
        <section class="card webhooks">
            <h2>{move || i18n.texts().webhooks.heading}</h2>
            <p>{move || i18n.texts().webhooks.intro}</p>
            {move || shown.get().map(|secret| view! { <ShownSecret secret /> })}
            <ErrorBanner error=action_error(actions.update) />
            <ErrorBanner error=action_error(actions.rotate) />
            <ErrorBanner error=action_error(actions.delete) />
            <AsyncView resource=webhooks render=move |list| view! { <WebhookList list actions /> } />
            <ErrorBanner error=action_error(actions.create) />
            <ValidatedForm action=actions.create validate=|c: &CreateWebhook| c.input.validate()
                client_errors=client class="webhook-add" form_ref=form>
                <TextField name="input[url]" field="url" label=|t| t.webhooks.url kind="url"
                    hint=|t| t.webhooks.url_hint errors required=true />
                <EventChoices errors />
                <label class="checkbox" for="field-with-personal-data">
                    <input type="checkbox" id="field-with-personal-data" name="input[with_personal_data]" value="true" />
                    {move || i18n.texts().webhooks.with_personal_data}
                </label>
                <p class="hint">{move || i18n.texts().webhooks.personal_data_warning}</p>
                <SubmitButton action=actions.create label=|t| t.webhooks.create />
            </ValidatedForm>
        </section>
    }
}

/// One checkbox per event.
#[component]
fn EventChoices(errors: Memo<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = Memo::new(move |_| errors.get().get("events"));
    view! {
        <fieldset class="field scope-choices" class:invalid=move || problem.get().is_some()
            aria-describedby="field-events-error">
            <legend>{move || i18n.texts().webhooks.events}</legend>
            {WebhookEvent::all().enumerate().map(|(i, event)| {
                let id = format!("field-event-{}", event.code());
                view! {
                    <label class="checkbox" for=id.clone()>
                        <input type="checkbox" id=id.clone() name=format!("input[events][{i}]") value=event.name() />
                        {move || (i18n.texts().webhooks.event_label)(event)} " " <code>{event.name()}</code>
                    </label>
                }
            }).collect_view()}
            <p class="field-error" id="field-events-error" role="alert">
                {move || problem.get().map(|p| i18n.texts().problem(p))}
            </p>
        </fieldset>
    }
}

#[component]
fn ShownSecret(secret: WebhookSecret) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="banner success created-token" role="status">
            <h3>{move || i18n.texts().webhooks.secret_heading}</h3>
            <p>{move || i18n.texts().webhooks.secret_intro}</p>
            <label for="webhook-secret">{move || i18n.texts().webhooks.secret}</label>
            <input id="webhook-secret" type="text" readonly=true value=secret.secret class="token-secret" />
        </div>
    }
}

fn input_of(hook: &WebhookSummary) -> WebhookInput {
    WebhookInput {
        url: hook.url.clone(),
        events: hook.events.iter().map(|e| e.name()).collect(),
        with_personal_data: hook.with_personal_data,
    }
}

#[component]
fn WebhookList(list: Vec<WebhookSummary>, actions: WebhookActions) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.texts().webhooks.none}</p> }.into_any();
    }
    view! {
        <ul class="webhook-list">
            {list.into_iter().map(|hook| view! { <WebhookItem hook actions /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn WebhookItem(hook: WebhookSummary, actions: WebhookActions) -> impl IntoView {
    let i18n = use_i18n();
    let webhook_id = hook.webhook_id;
    let open = RwSignal::new(false);
    let events = hook
        .events
        .iter()
        .map(|e| e.name())
        .collect::<Vec<_>>()
        .join(", ");
    let (enabled, input) = (hook.enabled, input_of(&hook));
    let overlap = hook.previous_until.map(timestamp);
    view! {
        <li class="webhook" class:ended=!enabled>
            <p><code class="webhook-url">{hook.url.clone()}</code> " "
                <span class="badge">{move || if enabled { i18n.texts().webhooks.active } else { i18n.texts().webhooks.switched_off }}</span>
                {hook.with_personal_data.then(|| view! { " " <span class="badge warning">{move || i18n.texts().webhooks.personal_data_badge}</span> })}
            </p>
            <p class="muted"><code>{events}</code>
                {(hook.failures_in_a_row > 0).then(|| view! { " · " {hook.failures_in_a_row} " " {move || i18n.texts().webhooks.failures} })}
                {overlap.map(|until| view! { " · " {move || i18n.texts().webhooks.overlap} " " {until.clone()} })}
            </p>
            <div class="actions">
                <button type="button" class="button secondary" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { i18n.texts().webhooks.hide_log } else { i18n.texts().webhooks.show_log }}
                </button>
                <button type="button" class="button secondary" on:click=move |_| {
                    actions.update.dispatch(UpdateWebhook { webhook_id, input: input.clone(), enabled: !enabled });
                }>{move || if enabled { i18n.texts().webhooks.switch_off } else { i18n.texts().webhooks.switch_on }}</button>
                <button type="button" class="button secondary" on:click=move |_| {
                    if window().confirm_with_message(i18n.texts().webhooks.rotate_confirm).unwrap_or(false) {
                        actions.rotate.dispatch(RotateWebhookSecret { webhook_id });
                    }
                }>{move || i18n.texts().webhooks.rotate}</button>
                <button type="button" class="button link danger" on:click=move |_| {
                    if window().confirm_with_message(i18n.texts().webhooks.delete_confirm).unwrap_or(false) {
                        actions.delete.dispatch(DeleteWebhook { webhook_id });
                    }
                }>{move || i18n.texts().webhooks.delete}</button>
            </div>
            {move || open.get().then(|| view! { <DeliveryLog webhook_id /> })}
        </li>
    }
}

#[component]
fn DeliveryLog(webhook_id: uuid::Uuid) -> impl IntoView {
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let log = Resource::new(
        move || redeliver.version().get(),
        move |_| load_webhook_deliveries(webhook_id),
    );
    let i18n = use_i18n();
    view! {
        <ErrorBanner error=action_error(redeliver) />
        {move || matches!(redeliver.value().get(), Some(Ok(()))).then(|| view! {
            <p class="banner success" role="status">{move || i18n.texts().webhooks.redelivered}</p>
        })}
        <AsyncView resource=log render=move |rows| view! { <DeliveryTable rows redeliver /> } />
    }
}

#[component]
fn DeliveryTable(
    rows: Vec<DeliverySummary>,
    redeliver: ServerAction<RedeliverWebhook>,
) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted">{move || i18n.texts().webhooks.log_empty}</p> }.into_any();
    }
    let t = move || i18n.texts().webhooks;
    view! {
        <table class="delivery-log">
            <thead><tr>
                <th scope="col">{move || t().when}</th>
                <th scope="col">{move || t().event}</th>
                <th scope="col">{move || t().record}</th>
                <th scope="col">{move || t().state}</th>
                <th scope="col">{move || t().attempts}</th>
                <th scope="col">{move || t().answer}</th>
                <th scope="col"><span class="visually-hidden">{move || t().redeliver}</span></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let delivery_id = row.delivery_id;
                    let answer = match (row.last_status, row.last_error.clone()) {
                        (Some(status), _) => status.to_string(),
                        (None, Some(error)) => error,
                        (None, None) => "–".to_owned(),
                    };
                    let state = row.state;
                    view! {
                        <tr class:failed=state == DeliveryState::Failed>
                            <td>{timestamp(row.created_at)}</td>
                            <td>{move || (t().event_label)(row.event)}</td>
                            <td><code>{row.record_id.to_string()[..8].to_owned()}</code></td>
                            <td><span class="badge">{move || (t().state_label)(state)}</span></td>
                            <td>{row.attempts}</td>
                            <td>{answer}</td>
                            <td><button type="button" class="button link" on:click=move |_| {
                                redeliver.dispatch(RedeliverWebhook { delivery_id });
                            }>{move || t().redeliver}</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

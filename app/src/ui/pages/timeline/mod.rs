//! The timeline of a contact or organisation: filters, logging an activity, the
//! entries newest first, and keyset paging to older ones.

mod entry;

use crate::api::timeline::{list_timeline, LogInteraction};
use crate::i18n::use_i18n;
use crate::model::identity::Colleague;
use crate::model::timeline::{
    CallOutcome, Direction, InteractionKind, MessageChannel, TimelinePage, TimelineQuery,
    TimelineShow,
};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::{choices, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::AppError;
use entry::TimelineEntry;
use leptos::prelude::*;
use uuid::Uuid;

/// Where new entries go: the contact and/or organisation the page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineOwner {
    pub record: Uuid,
    pub contact: Option<Uuid>,
    pub organisation: Option<Uuid>,
}

/// A record's timeline: filters, the log action and the current page. The page creates
/// it at its top, never inside an async view (see docs/architecture.md, "Async views");
/// [`Timeline`] shows it.
#[derive(Clone, Copy)]
pub struct TimelineData {
    query: RwSignal<TimelineQuery>,
    changed: RwSignal<usize>,
    log: ServerAction<LogInteraction>,
    page: Resource<Result<TimelinePage, AppError>>,
}

pub fn timeline(record: Signal<Option<Uuid>>) -> TimelineData {
    let query = RwSignal::new(TimelineQuery::default());
    let changed = RwSignal::new(0usize);
    let log = ServerAction::<LogInteraction>::new();
    let page = Resource::new(
        move || {
            (
                record.get(),
                query.get(),
                changed.get(),
                log.version().get(),
            )
        },
        |(record, query, _, _)| async move {
            let record = record.ok_or(AppError::NotFound)?;
            list_timeline(TimelineQuery { record, ..query }).await
        },
    );
    TimelineData {
        query,
        changed,
        log,
        page,
    }
}

#[component]
pub fn Timeline(
    data: TimelineData,
    owner: TimelineOwner,
    colleagues: Vec<Colleague>,
    can_write: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let TimelineData {
        query,
        changed,
        log,
        page,
    } = data;
    let colleagues = StoredValue::new(colleagues);
    let set_show = move |show: TimelineShow| {
        query.update(|q| {
            q.show = show;
            q.after = None;
            q.before = None;
        })
    };
    let tab = move |show: TimelineShow, label: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <button type="button" class="button" class:active=move || query.get().show == show
                aria-pressed=move || (query.get().show == show).to_string()
                on:click=move |_| set_show(show)>
                {move || label(i18n.texts())}
            </button>
        }
    };
    view! {
        <section class="card timeline" aria-labelledby="timeline-heading">
            <div class="section-header">
                <h2 id="timeline-heading">{move || i18n.texts().timeline.title}</h2>
                <div class="tabs" role="group">
                    {tab(TimelineShow::Everything, |t| t.timeline.show_everything)}
                    {tab(TimelineShow::Activity, |t| t.timeline.show_activity)}
                    {tab(TimelineShow::History, |t| t.timeline.show_history)}
                </div>
            </div>
            <TimelineFilters query />
            <Show when=move || can_write>
                <LogForm owner log />
            </Show>
            <AsyncView resource=page render=move |page| {
                if page.items.is_empty() {
                    let filtered = query.with_untracked(|q| !q.q.is_empty() || q.kind.is_some() || !q.from.is_empty() || !q.to.is_empty() || q.show != TimelineShow::Everything);
                    return view! {
                        <p class="empty-state">{move || if filtered { i18n.texts().timeline.no_matches } else { i18n.texts().timeline.empty }}</p>
                    }.into_any();
                }
                let (next, prev) = (page.next.clone(), page.prev.clone());
                view! {
                    <ol class="timeline-list">
                        {page.items.into_iter().map(|item| view! {
                            <TimelineEntry item colleagues=colleagues.get_value() can_write changed />
                        }).collect_view()}
                    </ol>
                    <nav class="pager" aria-label="Timeline pages">
                        {prev.map(|c| view! {
                            <button type="button" class="button" on:click=move |_| query.update(|q| { q.before = Some(c.clone()); q.after = None; })>
                                {move || i18n.texts().timeline.newer}
                            </button>
                        })}
                        {next.map(|c| view! {
                            <button type="button" class="button" on:click=move |_| query.update(|q| { q.after = Some(c.clone()); q.before = None; })>
                                {move || i18n.texts().timeline.older}
                            </button>
                        })}
                    </nav>
                }.into_any()
            } />
        </section>
    }
}

/// Kind, period and words.
#[component]
fn TimelineFilters(query: RwSignal<TimelineQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let reset = move |q: &mut TimelineQuery| {
        q.after = None;
        q.before = None;
    };
    view! {
        <div class="toolbar timeline-filters">
            <label for="timeline-kind" class="visually-hidden">{move || i18n.texts().timeline.kind}</label>
            <select id="timeline-kind" on:change=move |ev| {
                let kind = InteractionKind::parse(&event_target_value(&ev));
                query.update(|q| { q.kind = kind; reset(q); });
            }>
                <option value="">{move || i18n.texts().records.any}</option>
                {InteractionKind::all().map(|k| view! { <option value=k.code()>{move || (i18n.texts().timeline.kinds)(k)}</option> }).collect_view()}
            </select>
            <label for="timeline-from">{move || i18n.texts().records.from}</label>
            <input id="timeline-from" type="date" on:change=move |ev| { let v = event_target_value(&ev); query.update(|q| { q.from = v; reset(q); }); } />
            <label for="timeline-to">{move || i18n.texts().records.to}</label>
            <input id="timeline-to" type="date" on:change=move |ev| { let v = event_target_value(&ev); query.update(|q| { q.to = v; reset(q); }); } />
            <label for="timeline-q" class="visually-hidden">{move || i18n.texts().timeline.search_placeholder}</label>
            <input id="timeline-q" type="search" placeholder=move || i18n.texts().timeline.search_placeholder
                on:change=move |ev| { let v = event_target_value(&ev); query.update(|q| { q.q = v; reset(q); }); } />
        </div>
    }
}

/// Logging a note, call, meeting or message; the fields follow the kind.
#[component]
fn LogForm(owner: TimelineOwner, log: ServerAction<LogInteraction>) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(log, client);
    let kind = RwSignal::new(InteractionKind::Note);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = log.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
            kind.set(InteractionKind::Note);
        }
    });
    let kinds = InteractionKind::loggable()
        .map(|k| {
            (
                k.code().to_owned(),
                Signal::derive(move || (i18n.texts().timeline.kinds)(k).to_owned()),
            )
        })
        .collect::<Vec<_>>();
    let directions = choices(Direction::all(), Direction::code, |t, d| {
        (t.timeline.directions)(d)
    });
    let outcomes = choices(CallOutcome::all(), CallOutcome::code, |t, o| {
        (t.timeline.outcomes)(o)
    });
    let channels = choices(MessageChannel::all(), MessageChannel::code, |t, c| {
        (t.timeline.channels)(c)
    });
    let is = move |wanted: &'static [InteractionKind]| move || wanted.contains(&kind.get());
    view! {
        <details class="log-form">
            <summary class="button primary">{move || i18n.texts().timeline.log_activity}</summary>
            <ValidatedForm action=log validate=|l: &LogInteraction| l.input.normalized().validate() client_errors=client class="card inset" form_ref=form>
                <ErrorBanner error=action_error(log) />
                {owner.contact.map(|c| view! { <input type="hidden" name="input[contact_ids][0]" value=c.to_string() /> })}
                {owner.organisation.map(|o| view! { <input type="hidden" name="input[organisation_id]" value=o.to_string() /> })}
                <div class="field-row" on:change=move |ev| {
                    if let Some(k) = InteractionKind::parse(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }>
                    <SelectField name="input[kind]" field="kind" label=|t| t.timeline.kind errors options=kinds value="note" />
                    <TextField name="input[occurred_at]" field="occurred_at" label=|t| t.timeline.occurred_at hint=|t| t.timeline.occurred_hint errors kind="datetime-local" />
                </div>
                <div class="field-row">
                    <Show when=is(&[InteractionKind::Call, InteractionKind::Message])>
                        <SelectField name="input[direction]" field="direction" label=|t| t.timeline.direction errors options=directions.clone() value="outbound" />
                    </Show>
                    <Show when=is(&[InteractionKind::Call, InteractionKind::Meeting])>
                        <TextField name="input[duration_minutes]" field="duration_minutes" label=|t| t.timeline.duration errors kind="number" />
                    </Show>
                    <Show when=is(&[InteractionKind::Call])>
                        <SelectField name="input[outcome]" field="outcome" label=|t| t.timeline.outcome errors options=outcomes.clone() value="reached" />
                    </Show>
                    <Show when=is(&[InteractionKind::Message])>
                        <SelectField name="input[channel]" field="channel" label=|t| t.timeline.channel errors options=channels.clone() value="whatsapp" />
                    </Show>
                </div>
                <TextField name="input[subject]" field="subject" label=|t| t.timeline.subject errors autocomplete="off" />
                <TextField name="input[body]" field="body" label=|t| t.timeline.body errors multiline=true />
                <div class="actions">
                    <SubmitButton action=log label=|t| t.timeline.log />
                </div>
            </ValidatedForm>
        </details>
    }
}

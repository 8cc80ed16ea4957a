//! One timeline entry as the list shows it.

use crate::api::mail::ResendMail;
use crate::api::timeline::{DeleteInteraction, ShareInteraction};
use crate::i18n::{fill, use_i18n, Texts};
use crate::model::identity::Colleague;
use crate::model::mail::{Delivery, MailStatus};
use crate::model::timeline::{HistoryEvent, Interaction, InteractionKind};
use crate::ui::components::pickers::colleague_name;
use crate::ui::format;
use leptos::prelude::*;
use leptos_router::components::A;

/// The sentence a history entry reads as.
fn history_text(t: &Texts, event: &HistoryEvent, colleagues: &[Colleague]) -> String {
    let tl = t.timeline;
    match event {
        HistoryEvent::StageChanged { from, to } => fill(
            tl.history_stage,
            &[
                ("from", (t.records.stages)(*from)),
                ("to", (t.records.stages)(*to)),
            ],
        ),
        HistoryEvent::OwnerChanged { from, to } => fill(
            tl.history_owner,
            &[
                ("from", &colleague_name(colleagues, *from)),
                ("to", &colleague_name(colleagues, *to)),
            ],
        ),
        HistoryEvent::Merged { .. } => tl.history_merged.to_owned(),
        HistoryEvent::MergeUndone { .. } => tl.history_merge_undone.to_owned(),
        HistoryEvent::Imported { .. } => tl.history_imported.to_owned(),
    }
}

/// `Call · outbound · reached · 15 min`.
fn facts(t: &Texts, item: &Interaction) -> String {
    let mut parts = vec![(t.timeline.kinds)(item.kind).to_owned()];
    parts.extend(item.channel.map(|c| (t.timeline.channels)(c).to_owned()));
    parts.extend(
        item.direction
            .map(|d| (t.timeline.directions)(d).to_owned()),
    );
    parts.extend(item.outcome.map(|o| (t.timeline.outcomes)(o).to_owned()));
    parts.extend(
        item.duration_minutes
            .filter(|m| *m > 0)
            .map(|m| format!("{m} {}", t.timeline.minutes)),
    );
    parts.join(" · ")
}

/// Where a sent mail's delivery stands, and "send again" while it is not sent.
#[component]
fn DeliveryStatus(
    id: uuid::Uuid,
    delivery: Delivery,
    can_write: bool,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendMail>::new();
    Effect::new(move |_| {
        if matches!(resend.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let status = delivery.status;
    let error = delivery.error.clone();
    view! {
        <span class=format!("badge delivery-{}", status.code())>{move || (i18n.texts().mail.statuses)(status)}</span>
        {error.map(|code| view! { <span class="muted delivery-error">{move || (i18n.texts().mail.delivery_errors)(&code)}</span> })}
        {(can_write && status != MailStatus::Sent).then(|| view! {
            <button type="button" class="button link" disabled=move || resend.pending().get() on:click=move |_| { resend.dispatch(ResendMail { id }); }>
                {move || i18n.texts().mail.send_again}
            </button>
        })}
    }
}

#[component]
pub fn TimelineEntry(
    item: Interaction,
    colleagues: Vec<Colleague>,
    can_write: bool,
    /// Bumped after a change, so the list reloads.
    changed: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteInteraction>::new();
    let share = ServerAction::<ShareInteraction>::new();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(())))
            || matches!(share.value().get(), Some(Ok(())))
        {
            changed.update(|n| *n += 1);
        }
    });
    let id = item.id;
    let kind = item.kind;
    let editable = can_write && !matches!(kind, InteractionKind::History | InteractionKind::Email);
    let who = item
        .created_by
        .map(|u| colleague_name(&colleagues, Some(u)));
    let history = item.history.clone();
    let private = item.private;
    let facts_item = item.clone();
    let follow_up = format!(
        "/tasks/new?interaction={id}{}",
        item.contacts
            .first()
            .map(|c| format!("&contact={}", c.id))
            .unwrap_or_default()
    );
    view! {
        <li class=format!("timeline-entry kind-{}", kind.code())>
            <div class="entry-meta">
                <span class="entry-kind">{move || facts(i18n.texts(), &facts_item)}</span>
                <time datetime=item.occurred_at.to_string()>{format::timestamp(item.occurred_at)}</time>
                {who.map(|w| view! { <span class="muted">{w}</span> })}
            </div>
            {match history {
                Some(event) => view! {
                    <p class="history">{move || history_text(i18n.texts(), &event, &colleagues)}</p>
                }.into_any(),
                None => view! {
                    {(!item.subject.is_empty()).then(|| view! { <p class="entry-subject">{item.subject.clone()}</p> })}
                    {(!item.body.is_empty()).then(|| view! { <p class="entry-body">{item.body.clone()}</p> })}
                }.into_any(),
            }}
            {(!item.contacts.is_empty()).then(|| view! {
                <p class="entry-people muted">
                    {move || i18n.texts().timeline.with} " "
                    {item.contacts.clone().into_iter().map(|c| view! { <A href=format!("/contacts/{}", c.id)>{c.name}</A> " " }).collect_view()}
                </p>
            })}
            <div class="entry-actions">
                {item.delivery.clone().map(|delivery| view! { <DeliveryStatus id delivery can_write changed /> })}
                {private.then(|| view! {
                    <span class="badge">{move || i18n.texts().timeline.private}</span>
                    <button type="button" class="button link" on:click=move |_| { share.dispatch(ShareInteraction { id }); }>
                        {move || i18n.texts().timeline.share}
                    </button>
                })}
                {(can_write && kind != InteractionKind::History).then(|| view! {
                    <A href=follow_up.clone() attr:class="button link">{move || i18n.texts().timeline.follow_up}</A>
                })}
                {editable.then(|| view! {
                    <button type="button" class="button link danger" on:click=move |_| {
                        if window().confirm_with_message(i18n.texts().timeline.confirm_delete).unwrap_or(false) {
                            delete.dispatch(DeleteInteraction { id });
                        }
                    }>{move || i18n.texts().common.delete}</button>
                })}
            </div>
        </li>
    }
}

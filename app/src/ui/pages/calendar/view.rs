//! Week and day views (`?date=`, `?span=day`, `?mine=true` in the URL).

use super::feed::FeedSettings;
use crate::api::calendar::load_calendar;
use crate::i18n::use_i18n;
use crate::model::calendar::{Appointment, CalendarQuery, CalendarSpan, CalendarView};
use crate::model::validation::iso_date;
use crate::ui::components::async_view::AsyncView;
use crate::ui::url_query::{use_url_query, UrlQuery};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use time::{Date, Duration};
use uuid::Uuid;

impl UrlQuery for CalendarQuery {
    const PATH: &'static str = "/calendar";

    fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.date.is_empty() {
            params.push(("date", self.date.clone()));
        }
        if self.span == CalendarSpan::Day {
            params.push(("span", "day".to_owned()));
        }
        if self.mine {
            params.push(("mine", "true".to_owned()));
        }
        params
    }

    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self {
        CalendarQuery {
            date: get("date").unwrap_or_default(),
            span: if get("span").as_deref() == Some("day") {
                CalendarSpan::Day
            } else {
                CalendarSpan::Week
            },
            mine: get("mine").as_deref() == Some("true"),
            record: None,
        }
    }
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// `10:00–11:00` (nothing for all-day).
fn time_range(a: &Appointment) -> String {
    if a.input.all_day {
        return String::new();
    }
    format!("{}–{}", a.input.start_time, a.input.end_time)
}

fn day_label(date: Date, weekdays: &[&str; 7]) -> String {
    let format = time::macros::format_description!("[day].[month].");
    format!(
        "{} {}",
        weekdays[date.weekday().number_days_from_monday() as usize],
        date.format(&format).unwrap_or_default()
    )
}

#[component]
fn AppointmentCard(appointment: Appointment) -> impl IntoView {
    let i18n = use_i18n();
    let id = appointment.id;
    view! {
        <li class="appointment" class:all-day=appointment.input.all_day>
            <span class="appointment-time">{time_range(&appointment)}</span>
            <A href=format!("/calendar/{id}/edit") attr:class="appointment-title">{appointment.input.title.clone()}</A>
            {(!appointment.input.location.is_empty()).then(|| view! { <span class="muted">{appointment.input.location.clone()}</span> })}
            <span class="appointment-people">
                {appointment.contacts.into_iter().map(|c| view! { <A href=format!("/contacts/{}", c.id)>{c.name}</A> " " }).collect_view()}
            </span>
            <a href=format!("/appointments/{id}.ics") class="button link" download="">{move || i18n.texts().calendar.download}</a>
        </li>
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_url_query::<CalendarQuery>();
    let view = Resource::new(move || query.get(), load_calendar);
    let shifted = move |days: i64| {
        let q = query.get();
        let (first, _) = q.period(today());
        CalendarQuery {
            date: iso_date(first + Duration::days(days)),
            ..q
        }
        .href()
    };
    let step = move || {
        if query.get().span == CalendarSpan::Day {
            1
        } else {
            7
        }
    };
    let with = move |f: fn(&mut CalendarQuery)| {
        let mut q = query.get();
        f(&mut q);
        q.href()
    };
    view! {
        <div class="page-header">
            <h1>{move || i18n.texts().calendar.title}</h1>
            <A href=move || format!("/calendar/new?date={}", query.get().date) attr:class="button primary">
                {move || i18n.texts().calendar.new_appointment}
            </A>
        </div>
        <nav class="toolbar calendar-nav" aria-label="Calendar">
            <A href=move || shifted(-step()) attr:class="button">{move || i18n.texts().calendar.previous}</A>
            <A href=move || with(|q| q.date = iso_date(today())) attr:class="button">{move || i18n.texts().calendar.today}</A>
            <A href=move || shifted(step()) attr:class="button">{move || i18n.texts().calendar.next}</A>
            <A href=move || with(|q| q.span = CalendarSpan::Week) attr:class="button">{move || i18n.texts().calendar.week}</A>
            <A href=move || with(|q| q.span = CalendarSpan::Day) attr:class="button">{move || i18n.texts().calendar.day}</A>
            <A href=move || with(|q| q.mine = !q.mine) attr:class="button" attr:aria-pressed=move || query.get().mine.to_string()>
                {move || i18n.texts().calendar.only_mine}
            </A>
        </nav>
        <AsyncView resource=view render=move |cal| {
            let days: Vec<Date> = (0..cal.days).map(|d| cal.first_day + Duration::days(d)).collect();
            let single = cal.days == 1;
            view! {
                <div class="calendar-grid" class:single-day=single>
                    {days.into_iter().map(|day| {
                        let of_day: Vec<Appointment> = cal.appointments.iter()
                            .filter(|a| a.starts_at.date() <= day && (a.ends_at.date() > day || a.starts_at.date() == day))
                            .cloned()
                            .collect();
                        let is_today = day == today();
                        view! {
                            <section class="calendar-day" class:today=is_today aria-label=move || day_label(day, &i18n.texts().calendar.weekdays)>
                                <h2><A href=format!("/calendar?date={}&span=day", iso_date(day))>{move || day_label(day, &i18n.texts().calendar.weekdays)}</A></h2>
                                {if of_day.is_empty() {
                                    view! { <p class="muted">{move || i18n.texts().calendar.nothing_planned}</p> }.into_any()
                                } else {
                                    view! { <ul class="appointments">{of_day.into_iter().map(|appointment| view! { <AppointmentCard appointment /> }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                        }
                    }).collect_view()}
                </div>
            }
        } />
        <FeedSettings />
    }
}

/// A record's appointments in the next 30 days; the page creates it at its top (see
/// docs/architecture.md, "Async views").
pub type RecordAppointmentsData = Resource<Result<CalendarView, AppError>>;

pub fn record_appointments(record: Signal<Option<Uuid>>) -> RecordAppointmentsData {
    Resource::new(
        move || record.get(),
        |record| async move {
            load_calendar(CalendarQuery {
                span: CalendarSpan::Upcoming,
                record: Some(record.ok_or(AppError::NotFound)?),
                ..Default::default()
            })
            .await
        },
    )
}

/// A record's appointments in the next 30 days.
#[component]
pub fn RecordAppointments(upcoming: RecordAppointmentsData, link: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="record-appointments">
            <div class="section-header">
                <h2 id="record-appointments">{move || i18n.texts().calendar.upcoming}</h2>
                <A href=format!("/calendar/new?{link}") attr:class="button">{move || i18n.texts().calendar.new_appointment}</A>
            </div>
            <AsyncView resource=upcoming render=move |cal| if cal.appointments.is_empty() {
                view! { <p class="muted">{move || i18n.texts().calendar.none_upcoming}</p> }.into_any()
            } else {
                view! {
                    <ul class="appointments">
                        {cal.appointments.into_iter().map(|a| {
                            let when = format!("{} {}", crate::ui::format::date(&a.input.start_date).unwrap_or_default(), time_range(&a));
                            view! { <li><span class="appointment-time">{when}</span> " " <A href=format!("/calendar/{}/edit", a.id)>{a.input.title}</A></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            } />
        </section>
    }
}

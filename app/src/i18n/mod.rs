//! German and English UI texts.
//!
//! Each language is one value of [`Texts`]; a text missing in one language is a
//! compile error. The language comes from a cookie the user sets with the switcher,
//! else from the browser's `Accept-Language`; the server writes it into `<html lang>`
//! so hydration picks the same one.

mod api_tokens;
mod audit;
mod auth;
mod calendar;
mod capture;
mod common;
mod contacts;
mod duplicates;
mod errors;
mod imports;
mod mail;
mod organisations;
mod palette;
mod passkeys;
mod records;
mod security;
mod tasks;
mod team;
mod timeline;
mod views;
mod webhooks;

pub use api_tokens::ApiTokenTexts;
pub use audit::AuditTexts;
pub use auth::AuthTexts;
pub use calendar::CalendarTexts;
pub use capture::CaptureTexts;
pub use common::CommonTexts;
pub use contacts::ContactTexts;
pub use duplicates::DuplicateTexts;
pub use errors::ErrorTexts;
pub use imports::ImportTexts;
pub use mail::MailTexts;
pub use organisations::OrganisationTexts;
pub use palette::PaletteTexts;
pub use passkeys::PasskeyTexts;
pub use records::RecordTexts;
pub use security::SecurityTexts;
pub use tasks::TaskTexts;
pub use team::TeamTexts;
pub use timeline::TimelineTexts;
pub use views::ViewTexts;
pub use webhooks::WebhookTexts;

use crate::error::AppError;
use crate::model::identity::Role;
use crate::model::validation::Problem;
use leptos::prelude::*;

pub const LOCALE_COOKIE: &str = "tessera_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    De,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("de") => Some(Locale::De),
            Some("en") => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header, in the order given.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        header
            .split(',')
            .filter_map(|part| Locale::from_code(part.trim()))
            .next()
    }

    /// The cookie's value wins over the browser's preference.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
        let from_cookie = cookie_header.and_then(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LOCALE_COOKIE)
                    .then(|| Locale::from_code(value))
                    .flatten()
            })
        });
        from_cookie
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::De => Locale::En,
            Locale::En => Locale::De,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::De => &DE,
            Locale::En => &EN,
        }
    }
}

/// Every text the UI shows, one struct per area (see the area's file for both
/// languages). Placeholders are named (`{n}`, `{name}`) and filled by [`fill`].
pub struct Texts {
    pub common: &'static CommonTexts,
    pub auth: &'static AuthTexts,
    pub contacts: &'static ContactTexts,
    pub organisations: &'static OrganisationTexts,
    pub records: &'static RecordTexts,
    pub timeline: &'static TimelineTexts,
    pub tasks: &'static TaskTexts,
    pub calendar: &'static CalendarTexts,
    pub palette: &'static PaletteTexts,
    pub duplicates: &'static DuplicateTexts,
    pub imports: &'static ImportTexts,
    pub mail: &'static MailTexts,
    pub capture: &'static CaptureTexts,
    pub views: &'static ViewTexts,
    pub team: &'static TeamTexts,
    pub security: &'static SecurityTexts,
    pub passkeys: &'static PasskeyTexts,
    pub api_tokens: &'static ApiTokenTexts,
    pub webhooks: &'static WebhookTexts,
    pub audit: &'static AuditTexts,
    pub errors: &'static ErrorTexts,
}

static DE: Texts = Texts {
    common: &common::DE,
    auth: &auth::DE,
    contacts: &contacts::DE,
    organisations: &organisations::DE,
    records: &records::DE,
    timeline: &timeline::DE,
    tasks: &tasks::DE,
    calendar: &calendar::DE,
    palette: &palette::DE,
    duplicates: &duplicates::DE,
    imports: &imports::DE,
    mail: &mail::DE,
    capture: &capture::DE,
    views: &views::DE,
    team: &team::DE,
    security: &security::DE,
    passkeys: &passkeys::DE,
    api_tokens: &api_tokens::DE,
    webhooks: &webhooks::DE,
    audit: &audit::DE,
    errors: &errors::DE,
};

static EN: Texts = Texts {
    common: &common::EN,
    auth: &auth::EN,
    contacts: &contacts::EN,
    organisations: &organisations::EN,
    records: &records::EN,
    timeline: &timeline::EN,
    tasks: &tasks::EN,
    calendar: &calendar::EN,
    palette: &palette::EN,
    duplicates: &duplicates::EN,
    imports: &imports::EN,
    mail: &mail::EN,
    capture: &capture::EN,
    views: &views::EN,
    team: &team::EN,
    security: &security::EN,
    passkeys: &passkeys::EN,
    api_tokens: &api_tokens::EN,
    webhooks: &webhooks::EN,
    audit: &audit::EN,
    errors: &errors::EN,
};

/// Picks one text out of the current language's texts, e.g. `|t| t.common.save`.
pub type TextFn = fn(&Texts) -> &'static str;

/// Fills named placeholders: `fill("Hallo {name}", &[("name", "Jörg")])`.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// A text that depends on a count. German and English have the same two plural
/// categories (one, other); `{n}` is the count.
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

impl Plural {
    pub fn of(&self, n: i64) -> String {
        self.with(n, &[])
    }

    /// With further named placeholders besides `{n}`.
    pub fn with(&self, n: i64, args: &[(&str, &str)]) -> String {
        let template = if n == 1 { self.one } else { self.other };
        let count = n.to_string();
        let mut all = vec![("n", count.as_str())];
        all.extend_from_slice(args);
        fill(template, &all)
    }
}

impl Texts {
    pub fn problem(&self, problem: Problem) -> String {
        let e = self.errors;
        match problem {
            Problem::Required => e.problem_required.to_owned(),
            Problem::TooLong { max } => e.problem_too_long.of(max as i64),
            Problem::TooShort { min } => e.problem_too_short.of(min as i64),
            Problem::InvalidEmail => e.problem_invalid_email.to_owned(),
            Problem::InvalidPhone => e.problem_invalid_phone.to_owned(),
            Problem::InvalidSlug => e.problem_invalid_slug.to_owned(),
            Problem::ReservedSlug => e.problem_reserved_slug.to_owned(),
            Problem::SlugTaken => e.problem_slug_taken.to_owned(),
            Problem::EmailTaken => e.problem_email_taken.to_owned(),
            Problem::InvalidRole => e.problem_invalid_role.to_owned(),
            Problem::TooMany { max } => e.problem_too_many.of(max as i64),
            Problem::InvalidPostalCode => e.problem_invalid_postal_code.to_owned(),
            Problem::InvalidUrl => e.problem_invalid_url.to_owned(),
            Problem::InvalidDate => e.problem_invalid_date.to_owned(),
            Problem::InvalidTime => e.problem_invalid_time.to_owned(),
            Problem::DateInFuture => e.problem_date_in_future.to_owned(),
            Problem::EndBeforeStart => e.problem_end_before_start.to_owned(),
            Problem::InvalidVatId => e.problem_invalid_vat_id.to_owned(),
            Problem::InvalidNumber => e.problem_invalid_number.to_owned(),
            Problem::InvalidChoice => e.problem_invalid_choice.to_owned(),
            Problem::UnknownReference => e.problem_unknown_reference.to_owned(),
            Problem::PossibleDuplicate { .. } => e.problem_possible_duplicate.to_owned(),
            Problem::NotConfigured => e.problem_not_configured.to_owned(),
            Problem::NotEnabled => e.problem_not_enabled.to_owned(),
            Problem::Unreachable => e.problem_unreachable.to_owned(),
            Problem::LoginRefused => e.problem_login_refused.to_owned(),
            Problem::FolderMissing => e.problem_folder_missing.to_owned(),
            Problem::WrongCode => e.problem_wrong_code.to_owned(),
            Problem::NameTaken => e.problem_name_taken.to_owned(),
            Problem::OutsideYourTeams => e.problem_outside_your_teams.to_owned(),
            Problem::PasswordSignInOff => e.problem_password_sign_in_off.to_owned(),
            Problem::WrongPassword => e.problem_wrong_password.to_owned(),
            Problem::SameAsCurrent => e.problem_same_as_current.to_owned(),
            Problem::PasskeyRefused => e.problem_passkey_refused.to_owned(),
            Problem::BeyondYourRole => e.problem_beyond_your_role.to_owned(),
            Problem::ControlCharacters => e.problem_control_characters.to_owned(),
            Problem::ReviewerRoleTooNew { days_left } => {
                e.problem_reviewer_role_too_new.of(days_left as i64)
            }
            Problem::RequestExpired => e.problem_request_expired.to_owned(),
        }
    }

    pub fn error(&self, error: &AppError) -> String {
        let e = self.errors;
        match error {
            AppError::Validation(_) => e.error_fix_fields.to_owned(),
            AppError::Unauthenticated => e.error_unauthenticated.to_owned(),
            AppError::InvalidCredentials => e.error_invalid_credentials.to_owned(),
            AppError::Forbidden => e.error_forbidden.to_owned(),
            AppError::SecondFactorRequired => e.error_second_factor_required.to_owned(),
            AppError::NotFound => e.error_not_found.to_owned(),
            AppError::Conflict => e.error_conflict.to_owned(),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                e.error_rate_limited.of(minutes as i64)
            }
            AppError::Busy { .. } => e.error_busy.to_owned(),
            AppError::Unavailable { .. } => e.error_unavailable.to_owned(),
            AppError::BadRequest => e.error_bad_request.to_owned(),
            AppError::Network => e.error_network.to_owned(),
            AppError::Internal => e.error_internal.to_owned(),
        }
    }

    pub fn role(&self, role: Role) -> &'static str {
        let t = self.team;
        match role {
            Role::Owner => t.role_owner,
            Role::Admin => t.role_admin,
            Role::Sales => t.role_sales,
            Role::Service => t.role_service,
            Role::Marketing => t.role_marketing,
            Role::Member => t.role_member,
            Role::DataProtectionOfficer => t.role_dpo,
            Role::WorksCouncil => t.role_works_council,
        }
    }

    pub fn audit_action(&self, action: crate::model::audit::AuditAction) -> &'static str {
        (self.audit.action_names)(action)
    }

    pub fn audit_purpose_name(&self, purpose: crate::model::audit::AuditPurpose) -> &'static str {
        (self.audit.purpose_names)(purpose)
    }
}

/// The UI's current language; switchable at run time.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

impl I18n {
    pub fn locale(&self) -> Locale {
        self.0.get()
    }

    pub fn texts(&self) -> &'static Texts {
        self.0.get().texts()
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The language of the current request (server) or page (browser).
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name: http::header::HeaderName| {
                    parts.headers.get(name).and_then(|v| v.to_str().ok())
                };
                Locale::negotiate(
                    header(http::header::COOKIE),
                    header(http::header::ACCEPT_LANGUAGE),
                )
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|lang| Locale::from_code(&lang))
            .unwrap_or_default()
    }
}

/// Switches the language and remembers it in a cookie for the server's next render.
pub fn switch_locale(i18n: I18n, locale: Locale) {
    i18n.0.set(locale);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                locale.code()
            ));
        }
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", locale.code());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_accept_language() {
        assert_eq!(
            Locale::negotiate(Some("a=b; tessera_lang=en"), Some("de-DE,de;q=0.9")),
            Locale::En
        );
        assert_eq!(
            Locale::negotiate(None, Some("fr-FR, en-US;q=0.8, de;q=0.5")),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, Some("fr")), Locale::De);
        assert_eq!(Locale::negotiate(Some("tessera_lang=xx"), None), Locale::De);
    }

    #[test]
    fn placeholders_are_filled() {
        let t = Locale::En.texts();
        assert_eq!(
            t.problem(Problem::TooLong { max: 100 }),
            "At most 100 characters."
        );
        assert!(t
            .error(&AppError::RateLimited {
                retry_after_secs: 61
            })
            .contains('2'));
        assert_eq!(Locale::De.texts().contacts.total.of(3), "3 Kontakte");
        assert_eq!(Locale::De.texts().contacts.total.of(1), "1 Kontakt");
        assert_eq!(
            t.problem(Problem::TooShort { min: 1 }),
            "At least 1 character."
        );
        assert_eq!(
            t.team.rotate_key_done.with(1, &[("v", "2")]),
            "Key version 2 is active; 1 key was re-wrapped."
        );
        assert_eq!(fill("{a} und {b}", &[("a", "A"), ("b", "B")]), "A und B");
    }
}

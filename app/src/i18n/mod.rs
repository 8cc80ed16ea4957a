//! German and English UI texts.
//!
//! Each language is one value of [`Texts`]; a text missing in one language is a
//! compile error. The language comes from a cookie the user sets with the switcher,
//! else from the browser's `Accept-Language`; the server writes it into `<html lang>`
//! so hydration picks the same one.

mod de;
mod en;

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
            Locale::De => &de::TEXTS,
            Locale::En => &en::TEXTS,
        }
    }
}

/// Every text the UI shows. Placeholders in braces are filled in by the helpers below.
pub struct Texts {
    pub language_name: &'static str,
    pub switch_language: &'static str,
    pub tagline: &'static str,
    pub nav_contacts: &'static str,
    pub nav_team: &'static str,
    pub logout: &'static str,
    pub skip_to_content: &'static str,
    pub loading: &'static str,
    pub saving: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub back: &'static str,
    pub not_found_page: &'static str,

    pub signup_title: &'static str,
    pub signup_intro: &'static str,
    pub company_name: &'static str,
    pub slug: &'static str,
    pub slug_hint: &'static str,
    pub owner_name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub signup_submit: &'static str,
    pub have_account: &'static str,
    pub login_title: &'static str,
    pub workspace: &'static str,
    pub login_submit: &'static str,
    pub no_account: &'static str,

    pub contacts_title: &'static str,
    pub new_contact: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_submit: &'static str,
    pub sort_label: &'static str,
    pub sort_name_asc: &'static str,
    pub sort_name_desc: &'static str,
    pub sort_newest: &'static str,
    pub sort_oldest: &'static str,
    pub col_name: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub phone: &'static str,
    pub organisation: &'static str,
    pub notes: &'static str,
    pub empty_contacts: &'static str,
    pub empty_contacts_hint: &'static str,
    pub no_matches: &'static str,
    pub next_page: &'static str,
    pub prev_page: &'static str,
    pub total_contacts: &'static str,
    pub total_contacts_one: &'static str,
    pub new_contact_title: &'static str,
    pub edit_contact_title: &'static str,
    pub confirm_delete: &'static str,
    pub created_at: &'static str,
    pub updated_at: &'static str,
    pub read_only_hint: &'static str,
    pub name_sort_unavailable: &'static str,
    pub ranked_hint: &'static str,
    pub encryption_title: &'static str,
    pub encryption_intro: &'static str,
    pub rotate_key_submit: &'static str,
    pub rotating: &'static str,
    pub rotate_key_done: &'static str,

    pub nav_audit: &'static str,
    pub audit_title: &'static str,
    pub audit_scope_full: &'static str,
    pub audit_scope_pseudonymised: &'static str,
    pub audit_scope_administrative: &'static str,
    pub audit_scope_own: &'static str,
    pub audit_tab_log: &'static str,
    pub audit_tab_mine: &'static str,
    pub audit_when: &'static str,
    pub audit_who: &'static str,
    pub audit_what: &'static str,
    pub audit_whose: &'static str,
    pub audit_fields: &'static str,
    pub audit_all: &'static str,
    pub audit_from: &'static str,
    pub audit_to: &'static str,
    pub audit_filter_subject: &'static str,
    pub audit_clear_subject: &'static str,
    pub audit_empty: &'static str,
    pub audit_older: &'static str,
    pub audit_newest: &'static str,
    pub audit_people: &'static str,
    pub audit_person_one: &'static str,
    pub audit_settings_title: &'static str,
    pub audit_retention: &'static str,
    pub audit_retention_hint: &'static str,
    pub audit_admins_see_all: &'static str,
    pub audit_settings_saved: &'static str,
    pub audit_unknown_actor: &'static str,
    pub audit_verify: &'static str,
    pub audit_intact: &'static str,
    pub audit_broken: &'static str,
    pub audit_export_title: &'static str,
    pub audit_purpose: &'static str,
    pub audit_purpose_names: fn(crate::model::audit::AuditPurpose) -> &'static str,
    pub audit_action_names: fn(crate::model::audit::AuditAction) -> &'static str,
    pub access_history: &'static str,
    pub reid_title: &'static str,
    pub reid_intro: &'static str,
    pub reid_pseudonym: &'static str,
    pub reid_reason: &'static str,
    pub reid_submit: &'static str,
    pub reid_waiting: &'static str,
    pub reid_approve: &'static str,
    pub reid_revealed: &'static str,
    pub reid_none: &'static str,
    pub team_title: &'static str,
    pub members: &'static str,
    pub role: &'static str,
    pub invite_title: &'static str,
    pub invite_submit: &'static str,
    pub invite_link_hint: &'static str,
    pub open_invitations: &'static str,
    pub expires: &'static str,
    pub role_saved: &'static str,
    pub accept_title: &'static str,
    pub accept_intro: &'static str,
    pub display_name: &'static str,
    pub accept_submit: &'static str,

    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_member: &'static str,
    pub role_dpo: &'static str,
    pub role_works_council: &'static str,

    pub problem_required: &'static str,
    pub problem_too_long: &'static str,
    pub problem_too_short: &'static str,
    pub problem_invalid_email: &'static str,
    pub problem_invalid_phone: &'static str,
    pub problem_invalid_slug: &'static str,
    pub problem_reserved_slug: &'static str,
    pub problem_slug_taken: &'static str,
    pub problem_email_taken: &'static str,
    pub problem_invalid_role: &'static str,

    pub error_fix_fields: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_invalid_credentials: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_conflict: &'static str,
    pub error_rate_limited: &'static str,
    pub error_bad_request: &'static str,
    pub error_network: &'static str,
    pub error_internal: &'static str,
}

impl Texts {
    pub fn problem(&self, problem: Problem) -> String {
        match problem {
            Problem::Required => self.problem_required.to_owned(),
            Problem::TooLong { max } => self.problem_too_long.replace("{n}", &max.to_string()),
            Problem::TooShort { min } => self.problem_too_short.replace("{n}", &min.to_string()),
            Problem::InvalidEmail => self.problem_invalid_email.to_owned(),
            Problem::InvalidPhone => self.problem_invalid_phone.to_owned(),
            Problem::InvalidSlug => self.problem_invalid_slug.to_owned(),
            Problem::ReservedSlug => self.problem_reserved_slug.to_owned(),
            Problem::SlugTaken => self.problem_slug_taken.to_owned(),
            Problem::EmailTaken => self.problem_email_taken.to_owned(),
            Problem::InvalidRole => self.problem_invalid_role.to_owned(),
        }
    }

    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::Validation(_) => self.error_fix_fields.to_owned(),
            AppError::Unauthenticated => self.error_unauthenticated.to_owned(),
            AppError::InvalidCredentials => self.error_invalid_credentials.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::NotFound => self.error_not_found.to_owned(),
            AppError::Conflict => self.error_conflict.to_owned(),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                self.error_rate_limited.replace("{n}", &minutes.to_string())
            }
            AppError::BadRequest => self.error_bad_request.to_owned(),
            AppError::Network => self.error_network.to_owned(),
            AppError::Internal => self.error_internal.to_owned(),
        }
    }

    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Owner => self.role_owner,
            Role::Admin => self.role_admin,
            Role::Member => self.role_member,
            Role::DataProtectionOfficer => self.role_dpo,
            Role::WorksCouncil => self.role_works_council,
        }
    }

    pub fn audit_action(&self, action: crate::model::audit::AuditAction) -> &'static str {
        (self.audit_action_names)(action)
    }

    pub fn audit_purpose_name(&self, purpose: crate::model::audit::AuditPurpose) -> &'static str {
        (self.audit_purpose_names)(purpose)
    }

    pub fn total_contacts(&self, total: i64) -> String {
        if total == 1 {
            self.total_contacts_one.to_owned()
        } else {
            self.total_contacts.replace("{n}", &total.to_string())
        }
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
        assert!(Locale::De.texts().total_contacts(3).contains('3'));
    }
}

//! Field problems and errors, by their published codes.
//!
//! Both languages side by side: a text missing in one fails to compile.

use super::Plural;

pub struct ErrorTexts {
    pub problem_required: &'static str,
    pub problem_too_long: Plural,
    pub problem_too_short: Plural,
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
    pub error_rate_limited: Plural,
    pub error_bad_request: &'static str,
    pub error_network: &'static str,
    pub error_internal: &'static str,
}

pub static DE: ErrorTexts = ErrorTexts {
    problem_required: "Bitte füllen Sie dieses Feld aus.",
    problem_too_long: Plural {
        one: "Höchstens 1 Zeichen.",
        other: "Höchstens {n} Zeichen.",
    },
    problem_too_short: Plural {
        one: "Mindestens 1 Zeichen.",
        other: "Mindestens {n} Zeichen.",
    },
    problem_invalid_email: "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.",
    problem_invalid_phone: "Bitte geben Sie eine Telefonnummer mit 5 bis 15 Ziffern ein, z. B. +49 30 1234567.",
    problem_invalid_slug: "Nur Kleinbuchstaben, Ziffern und einzelne Bindestriche; am Anfang ein Buchstabe.",
    problem_reserved_slug: "Diese Adresse ist reserviert. Bitte wählen Sie eine andere.",
    problem_slug_taken: "Diese Adresse ist bereits vergeben.",
    problem_email_taken: "Diese E-Mail-Adresse wird hier bereits verwendet.",
    problem_invalid_role: "Bitte wählen Sie eine Rolle.",
    error_fix_fields: "Bitte korrigieren Sie die markierten Felder.",
    error_unauthenticated: "Bitte melden Sie sich an.",
    error_invalid_credentials: "Arbeitsbereich, E-Mail oder Passwort ist falsch.",
    error_forbidden: "Ihre Rolle erlaubt das nicht.",
    error_not_found: "Nicht gefunden. Vielleicht wurde es gelöscht.",
    error_conflict: "Jemand anderes hat das inzwischen geändert. Bitte neu laden und erneut versuchen.",
    error_rate_limited: Plural {
        one: "Zu viele Fehlversuche. Bitte versuchen Sie es in 1 Minute erneut.",
        other: "Zu viele Fehlversuche. Bitte versuchen Sie es in {n} Minuten erneut.",
    },
    error_bad_request: "Die Anfrage war fehlerhaft. Bitte laden Sie die Seite neu.",
    error_network: "Der Server ist nicht erreichbar. Bitte prüfen Sie die Verbindung und versuchen Sie es erneut.",
    error_internal: "Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut.",
};

pub static EN: ErrorTexts = ErrorTexts {
    problem_required: "Please fill in this field.",
    problem_too_long: Plural {
        one: "At most 1 character.",
        other: "At most {n} characters.",
    },
    problem_too_short: Plural {
        one: "At least 1 character.",
        other: "At least {n} characters.",
    },
    problem_invalid_email: "Please enter a valid e-mail address, e.g. name@example.com.",
    problem_invalid_phone: "Please enter a phone number with 5 to 15 digits, e.g. +49 30 1234567.",
    problem_invalid_slug: "Use lower-case letters, digits and single hyphens; start with a letter.",
    problem_reserved_slug: "This address is reserved. Please choose another.",
    problem_slug_taken: "This address is already taken.",
    problem_email_taken: "This e-mail address is already in use here.",
    problem_invalid_role: "Please choose a role.",
    error_fix_fields: "Please correct the marked fields.",
    error_unauthenticated: "Please sign in.",
    error_invalid_credentials: "Workspace, e-mail or password is wrong.",
    error_forbidden: "Your role does not allow this.",
    error_not_found: "Not found. It may have been deleted.",
    error_conflict: "Someone else changed this in the meantime. Reload and try again.",
    error_rate_limited: Plural {
        one: "Too many failed attempts. Please try again in 1 minute.",
        other: "Too many failed attempts. Please try again in {n} minutes.",
    },
    error_bad_request: "The request was malformed. Please reload the page.",
    error_network: "The server could not be reached. Check your connection and try again.",
    error_internal: "Something went wrong on our side. Please try again.",
};

//! The audit log, its settings and four-eyes re-identification.
//!
//! Both languages side by side: a text missing in one fails to compile.

use super::Plural;
use crate::model::audit::{AuditAction, AuditPurpose, ReviewAudit};
use crate::model::identity::{AuthAudit, KeysAudit, TeamAudit};

pub struct AuditTexts {
    pub title: &'static str,
    pub scope_full: &'static str,
    pub scope_pseudonymised: &'static str,
    pub scope_administrative: &'static str,
    pub scope_own: &'static str,
    pub tab_log: &'static str,
    pub tab_mine: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub what: &'static str,
    pub whose: &'static str,
    pub fields: &'static str,
    pub all: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub filter_subject: &'static str,
    pub clear_subject: &'static str,
    pub empty: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub settings_title: &'static str,
    pub retention: &'static str,
    pub retention_hint: &'static str,
    pub admins_see_all: &'static str,
    pub settings_saved: &'static str,
    pub unknown_actor: &'static str,
    pub verify: &'static str,
    pub intact: Plural,
    pub broken: &'static str,
    pub export_title: &'static str,
    pub purpose: &'static str,
    pub purpose_names: fn(crate::model::audit::AuditPurpose) -> &'static str,
    pub action_names: fn(crate::model::audit::AuditAction) -> &'static str,
    pub reid_title: &'static str,
    pub reid_intro: &'static str,
    pub reid_pseudonym: &'static str,
    pub reid_reason: &'static str,
    pub reid_submit: &'static str,
    pub reid_waiting: &'static str,
    pub reid_approve: &'static str,
    pub reid_revealed: &'static str,
    pub reid_none: &'static str,
    pub people: Plural,
}

pub static DE: AuditTexts = AuditTexts {
    title: "Zugriffsprotokoll",
    scope_full: "Alle Zugriffe auf personenbezogene Daten, mit Namen der Beschäftigten (Datenschutzbeauftragte).",
    scope_pseudonymised: "Alle Zugriffe auf personenbezogene Daten, Beschäftigte pseudonymisiert (Betriebsrat).",
    scope_administrative: "Sicherheitsereignisse der Verwaltung: Anmeldungen, Rollen, Einladungen, Schlüssel.",
    scope_own: "Was das Protokoll über Ihre eigenen Handlungen enthält.",
    tab_log: "Protokoll",
    tab_mine: "Meine Aktivität",
    when: "Wann",
    who: "Beschäftigte Person",
    what: "Aktion",
    whose: "Wessen Daten",
    fields: "Felder",
    all: "Alle",
    from: "Von",
    to: "Bis",
    filter_subject: "Nur Einträge zu dieser Person",
    clear_subject: "Alle Personen zeigen",
    empty: "Keine passenden Einträge.",
    older: "Ältere Einträge",
    newest: "Neueste Einträge",
    settings_title: "Protokoll-Einstellungen",
    retention: "Einträge aufbewahren (Tage)",
    retention_hint: "30 bis 3650 Tage; ältere Einträge werden gelöscht, ein signierter Prüfpunkt hält den Rest überprüfbar.",
    admins_see_all: "Inhaber und Administration dürfen das ganze Protokoll sehen (sonst nur Sicherheitsereignisse der Verwaltung)",
    settings_saved: "Einstellungen gespeichert. Die Änderung steht im Protokoll.",
    unknown_actor: "unbekannt",
    verify: "Integrität prüfen",
    intact: Plural {
        one: "1 Eintrag, unverändert.",
        other: "{n} Einträge, unverändert.",
    },
    broken: "Die Kette ist bei Eintrag {n} unterbrochen.",
    export_title: "Export",
    purpose: "Zweck",
    purpose_names: de_purpose_names,
    action_names: de_action_names,
    reid_title: "Re-Identifizierung (Vier-Augen-Prinzip)",
    reid_intro: "Ein Pseudonym wird nur aufgedeckt, wenn Datenschutzbeauftragte und Betriebsrat zustimmen: eine Seite beantragt, eine Person der anderen Rolle genehmigt. Die Genehmigung gilt 24 Stunden; jeder Schritt wird protokolliert.",
    reid_pseudonym: "Pseudonym",
    reid_reason: "Begründung",
    reid_submit: "Re-Identifizierung beantragen",
    reid_waiting: "Wartet auf Genehmigung",
    reid_approve: "Genehmigen",
    reid_revealed: "Aufgedeckt: {name}",
    reid_none: "Keine offenen Anträge.",
    people: Plural {
        one: "1 Person",
        other: "{n} Personen",
    },
};

pub static EN: AuditTexts = AuditTexts {
    title: "Audit log",
    scope_full: "All accesses to personal data, with employees' names (data protection officer).",
    scope_pseudonymised: "All accesses to personal data, employees shown as pseudonyms (works council).",
    scope_administrative: "Security events of administration: sign-ins, roles, invitations, keys.",
    scope_own: "What the log holds about your own actions.",
    tab_log: "Log",
    tab_mine: "My activity",
    when: "When",
    who: "Employee",
    what: "Action",
    whose: "Whose data",
    fields: "Fields",
    all: "All",
    from: "From",
    to: "To",
    filter_subject: "Only entries about this person",
    clear_subject: "Show all people",
    empty: "No entries match.",
    older: "Older entries",
    newest: "Newest entries",
    settings_title: "Log settings",
    retention: "Keep entries for (days)",
    retention_hint: "30 to 3650 days; older entries are deleted, a signed checkpoint keeps the rest verifiable.",
    admins_see_all: "Owners and administrators may see the whole log (otherwise only administrative security events)",
    settings_saved: "Settings saved. The change is in the log.",
    unknown_actor: "unknown",
    verify: "Verify integrity",
    intact: Plural {
        one: "1 entry, intact.",
        other: "{n} entries, intact.",
    },
    broken: "The chain is broken at entry {n}.",
    export_title: "Export",
    purpose: "Purpose",
    purpose_names: en_purpose_names,
    action_names: en_action_names,
    reid_title: "Re-identification (four-eyes)",
    reid_intro: "A pseudonym is revealed only when the data protection officer and the works council agree: one asks, a person of the other role approves. The approval lasts 24 hours, and every step is logged.",
    reid_pseudonym: "Pseudonym",
    reid_reason: "Reason",
    reid_submit: "Request re-identification",
    reid_waiting: "Waiting for approval",
    reid_approve: "Approve",
    reid_revealed: "Revealed: {name}",
    reid_none: "No open requests.",
    people: Plural {
        one: "1 person",
        other: "{n} people",
    },
};

/// Every audit action's label: a new action without one fails to compile.
fn de_action_names(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Contact(event) => (super::contacts::DE.audit_events)(event),
        AuditAction::Organisation(event) => (super::organisations::DE.audit_events)(event),
        AuditAction::Interaction(event) => (super::timeline::DE.audit_events)(event),
        AuditAction::Task(event) => (super::tasks::DE.audit_events)(event),
        AuditAction::Appointment(event) => (super::calendar::DE.audit_events)(event),
        AuditAction::Team(TeamAudit::Read) => "Team angesehen",
        AuditAction::Team(TeamAudit::RoleChanged) => "Rolle geändert",
        AuditAction::Team(TeamAudit::InvitationCreated) => "Eingeladen",
        AuditAction::Team(TeamAudit::InvitationAccepted) => "Einladung angenommen",
        AuditAction::Auth(AuthAudit::SignIn) => "Angemeldet",
        AuditAction::Auth(AuthAudit::SignInFailed) => "Anmeldung fehlgeschlagen",
        AuditAction::Auth(AuthAudit::SignOut) => "Abgemeldet",
        AuditAction::Keys(KeysAudit::Rotated) => "Schlüssel erneuert",
        AuditAction::Audit(ReviewAudit::Viewed) => "Protokoll angesehen",
        AuditAction::Audit(ReviewAudit::Exported) => "Protokoll exportiert",
        AuditAction::Audit(ReviewAudit::Verified) => "Protokoll geprüft",
        AuditAction::Audit(ReviewAudit::SettingsChanged) => "Protokoll-Einstellungen geändert",
        AuditAction::Audit(ReviewAudit::ReidentificationRequested) => {
            "Re-Identifizierung beantragt"
        }
        AuditAction::Audit(ReviewAudit::ReidentificationApproved) => "Re-Identifizierung genehmigt",
        AuditAction::Audit(ReviewAudit::ReidentificationRevealed) => "Pseudonym aufgedeckt",
    }
}

fn de_purpose_names(purpose: AuditPurpose) -> &'static str {
    match purpose {
        AuditPurpose::DataSubjectRequest => "Auskunftsersuchen (Art. 15)",
        AuditPurpose::DataProtectionReview => "Datenschutzprüfung",
        AuditPurpose::WorksCouncilReview => "Prüfung durch den Betriebsrat",
        AuditPurpose::LegalObligation => "Rechtliche Verpflichtung",
    }
}

/// Every audit action's label: a new action without one fails to compile.
fn en_action_names(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Contact(event) => (super::contacts::EN.audit_events)(event),
        AuditAction::Organisation(event) => (super::organisations::EN.audit_events)(event),
        AuditAction::Interaction(event) => (super::timeline::EN.audit_events)(event),
        AuditAction::Task(event) => (super::tasks::EN.audit_events)(event),
        AuditAction::Appointment(event) => (super::calendar::EN.audit_events)(event),
        AuditAction::Team(TeamAudit::Read) => "Viewed team",
        AuditAction::Team(TeamAudit::RoleChanged) => "Changed role",
        AuditAction::Team(TeamAudit::InvitationCreated) => "Invited",
        AuditAction::Team(TeamAudit::InvitationAccepted) => "Accepted invitation",
        AuditAction::Auth(AuthAudit::SignIn) => "Signed in",
        AuditAction::Auth(AuthAudit::SignInFailed) => "Failed sign-in",
        AuditAction::Auth(AuthAudit::SignOut) => "Signed out",
        AuditAction::Keys(KeysAudit::Rotated) => "Rotated key",
        AuditAction::Audit(ReviewAudit::Viewed) => "Viewed audit log",
        AuditAction::Audit(ReviewAudit::Exported) => "Exported audit log",
        AuditAction::Audit(ReviewAudit::Verified) => "Verified audit log",
        AuditAction::Audit(ReviewAudit::SettingsChanged) => "Changed log settings",
        AuditAction::Audit(ReviewAudit::ReidentificationRequested) => "Requested re-identification",
        AuditAction::Audit(ReviewAudit::ReidentificationApproved) => "Approved re-identification",
        AuditAction::Audit(ReviewAudit::ReidentificationRevealed) => "Re-identified pseudonym",
    }
}

fn en_purpose_names(purpose: AuditPurpose) -> &'static str {
    match purpose {
        AuditPurpose::DataSubjectRequest => "Data subject request (Art. 15)",
        AuditPurpose::DataProtectionReview => "Data protection review",
        AuditPurpose::WorksCouncilReview => "Works council review",
        AuditPurpose::LegalObligation => "Legal obligation",
    }
}

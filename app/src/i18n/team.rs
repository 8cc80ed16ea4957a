//! Team members, roles, invitations and encryption keys.
//!
//! Both languages side by side: a text missing in one fails to compile.

use super::Plural;

pub struct TeamTexts {
    pub encryption_title: &'static str,
    pub encryption_intro: &'static str,
    pub rotate_key_submit: &'static str,
    pub rotating: &'static str,
    pub rotate_key_done: Plural,
    pub title: &'static str,
    pub members: &'static str,
    pub role: &'static str,
    pub invite_title: &'static str,
    pub invite_submit: &'static str,
    pub invite_link_hint: &'static str,
    pub open_invitations: &'static str,
    pub expires: &'static str,
    pub role_saved: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_member: &'static str,
    pub role_dpo: &'static str,
    pub role_works_council: &'static str,
}

pub static DE: TeamTexts = TeamTexts {
    encryption_title: "Verschlüsselung",
    encryption_intro: "Personenbezogene Daten in diesem Arbeitsbereich sind mit einem eigenen Schlüssel je Person verschlüsselt, der mit dem Schlüssel des Arbeitsbereichs geschützt ist. Beim Erneuern wird jeder Personenschlüssel unter einer neuen Version geschützt; Daten werden nicht umgeschrieben und alle können weiterarbeiten.",
    rotate_key_submit: "Schlüssel erneuern",
    rotating: "Wird erneuert …",
    rotate_key_done: Plural {
        one: "Schlüsselversion {v} ist aktiv; 1 Schlüssel wurde neu geschützt.",
        other: "Schlüsselversion {v} ist aktiv; {n} Schlüssel wurden neu geschützt.",
    },
    title: "Team",
    members: "Mitglieder",
    role: "Rolle",
    invite_title: "Kollegin oder Kollegen einladen",
    invite_submit: "Einladung erstellen",
    invite_link_hint: "Senden Sie diesen Link an die eingeladene Person. Er gilt 7 Tage und nur einmal:",
    open_invitations: "Offene Einladungen",
    expires: "Läuft ab",
    role_saved: "Rolle geändert.",
    role_owner: "Inhaber",
    role_admin: "Administration",
    role_member: "Mitarbeit",
    role_dpo: "Datenschutzbeauftragte",
    role_works_council: "Betriebsrat",
};

pub static EN: TeamTexts = TeamTexts {
    encryption_title: "Encryption",
    encryption_intro: "Personal data in this workspace is encrypted with a key for each person, wrapped by the workspace key. Rotating the workspace key re-wraps every person's key under a new version; no data is rewritten and everyone can keep working.",
    rotate_key_submit: "Rotate workspace key",
    rotating: "Rotating…",
    rotate_key_done: Plural {
        one: "Key version {v} is active; 1 key was re-wrapped.",
        other: "Key version {v} is active; {n} keys were re-wrapped.",
    },
    title: "Team",
    members: "Members",
    role: "Role",
    invite_title: "Invite a colleague",
    invite_submit: "Create invitation",
    invite_link_hint: "Send this link to your colleague. It is valid for 7 days and works once:",
    open_invitations: "Open invitations",
    expires: "Expires",
    role_saved: "Role changed.",
    role_owner: "Owner",
    role_admin: "Administrator",
    role_member: "Member",
    role_dpo: "Data protection officer",
    role_works_council: "Works council",
};

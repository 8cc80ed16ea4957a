//! The command palette.
//!
//! Both languages side by side: a text missing in one fails to compile.

pub struct PaletteTexts {
    pub open: &'static str,
    pub title: &'static str,
    pub placeholder: &'static str,
    pub commands: &'static str,
    pub contacts: &'static str,
    pub organisations: &'static str,
    pub nothing: &'static str,
    pub hint: &'static str,
}

pub static DE: PaletteTexts = PaletteTexts {
    open: "Suchen",
    title: "Suchen und Befehle",
    placeholder: "Name, E-Mail, Telefon oder Befehl …",
    commands: "Befehle",
    contacts: "Kontakte",
    organisations: "Organisationen",
    nothing: "Nichts gefunden.",
    hint: "↑ ↓ wählen · Enter öffnen · Esc schließen",
};

pub static EN: PaletteTexts = PaletteTexts {
    open: "Search",
    title: "Search and commands",
    placeholder: "Name, e-mail, phone or command…",
    commands: "Commands",
    contacts: "Contacts",
    organisations: "Organisations",
    nothing: "Nothing found.",
    hint: "↑ ↓ choose · Enter open · Esc close",
};

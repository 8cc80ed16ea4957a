//! Saved views and bulk actions on lists.

use super::Plural;

pub struct ViewTexts {
    pub views: &'static str,
    pub no_views: &'static str,
    pub save_view: &'static str,
    pub view_name: &'static str,
    pub share_view: &'static str,
    pub shared: &'static str,
    pub delete_view: &'static str,
    pub select_row: &'static str,
    pub select_page: &'static str,
    pub selected: Plural,
    pub bulk_action: &'static str,
    pub add_tag: &'static str,
    pub change_owner: &'static str,
    pub change_stage: &'static str,
    pub delete: &'static str,
    pub tag: &'static str,
    pub no_owner: &'static str,
    pub apply: Plural,
    pub confirm_change: Plural,
    pub confirm_delete: Plural,
    pub confirm_delete_organisations: Plural,
    pub done: Plural,
    pub clear: &'static str,
}

pub static DE: ViewTexts = ViewTexts {
    views: "Ansichten",
    no_views: "Noch keine gespeicherten Ansichten.",
    save_view: "Ansicht speichern",
    view_name: "Name der Ansicht",
    share_view: "Mit dem Team teilen",
    shared: "geteilt",
    delete_view: "Ansicht löschen",
    select_row: "Auswählen",
    select_page: "Alle auf dieser Seite auswählen",
    selected: Plural {
        one: "1 ausgewählt",
        other: "{n} ausgewählt",
    },
    bulk_action: "Aktion",
    add_tag: "Schlagwort hinzufügen",
    change_owner: "Betreuer ändern",
    change_stage: "Phase ändern",
    delete: "Löschen",
    tag: "Schlagwort",
    no_owner: "Niemand",
    apply: Plural {
        one: "Auf 1 Eintrag anwenden",
        other: "Auf {n} Einträge anwenden",
    },
    confirm_change: Plural {
        one: "1 Eintrag wirklich ändern?",
        other: "{n} Einträge wirklich ändern?",
    },
    confirm_delete: Plural {
        one: "1 Kontakt mit allen Einträgen, Aufgaben und Terminen endgültig löschen?",
        other: "{n} Kontakte mit allen Einträgen, Aufgaben und Terminen endgültig löschen?",
    },
    confirm_delete_organisations: Plural {
        one: "1 Organisation endgültig löschen? Ihre Kontakte bleiben erhalten, ohne Organisation.",
        other: "{n} Organisationen endgültig löschen? Ihre Kontakte bleiben erhalten, ohne Organisation.",
    },
    done: Plural {
        one: "1 Eintrag geändert.",
        other: "{n} Einträge geändert.",
    },
    clear: "Auswahl aufheben",
};

pub static EN: ViewTexts = ViewTexts {
    views: "Views",
    no_views: "No saved views yet.",
    save_view: "Save view",
    view_name: "View name",
    share_view: "Share with the team",
    shared: "shared",
    delete_view: "Delete view",
    select_row: "Select",
    select_page: "Select all on this page",
    selected: Plural {
        one: "1 selected",
        other: "{n} selected",
    },
    bulk_action: "Action",
    add_tag: "Add tag",
    change_owner: "Change owner",
    change_stage: "Change stage",
    delete: "Delete",
    tag: "Tag",
    no_owner: "Nobody",
    apply: Plural {
        one: "Apply to 1 entry",
        other: "Apply to {n} entries",
    },
    confirm_change: Plural {
        one: "Really change 1 entry?",
        other: "Really change {n} entries?",
    },
    confirm_delete: Plural {
        one: "Delete 1 contact with all its entries, tasks and appointments for good?",
        other: "Delete {n} contacts with all their entries, tasks and appointments for good?",
    },
    confirm_delete_organisations: Plural {
        one: "Delete 1 organisation for good? Its contacts stay, without an organisation.",
        other: "Delete {n} organisations for good? Their contacts stay, without an organisation.",
    },
    done: Plural {
        one: "1 entry changed.",
        other: "{n} entries changed.",
    },
    clear: "Clear selection",
};

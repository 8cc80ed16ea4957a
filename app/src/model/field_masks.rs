//! Field masks: a workspace hides some personal fields of contacts from some roles
//! (say birthday and private phone numbers from marketing). A hidden field is not
//! sent to the browser, not exported, and kept as it is when such a user saves.

use super::contacts::{ContactInput, EmailEntry, EmailKind, PhoneEntry, PhoneKind};
use super::identity::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
pub enum MaskedField {
    Birthday,
    PrivateEmails,
    PrivatePhones,
    Address,
    Notes,
}

impl MaskedField {
    pub fn all() -> impl Iterator<Item = MaskedField> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            MaskedField::Birthday => "birthday",
            MaskedField::PrivateEmails => "private_emails",
            MaskedField::PrivatePhones => "private_phones",
            MaskedField::Address => "address",
            MaskedField::Notes => "notes",
        }
    }

    pub fn parse(code: &str) -> Option<MaskedField> {
        Self::all().find(|f| f.code() == code)
    }
}

/// Every `(role, field)` the workspace hides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMasks(pub Vec<(Role, MaskedField)>);

impl FieldMasks {
    pub fn hides(&self, role: Role, field: MaskedField) -> bool {
        self.0.contains(&(role, field))
    }

    /// What one role does not see.
    pub fn for_role(&self, role: Role) -> RoleMask {
        RoleMask(
            self.0
                .iter()
                .filter(|(r, _)| *r == role)
                .map(|(_, f)| *f)
                .collect(),
        )
    }
}

/// The fields hidden from one role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMask(pub Vec<MaskedField>);

impl RoleMask {
    pub fn hides(&self, field: MaskedField) -> bool {
        self.0.contains(&field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Drops the e-mail addresses and phone numbers this role may not see.
    pub fn keep_visible(&self, emails: &mut Vec<EmailEntry>, phones: &mut Vec<PhoneEntry>) {
        if self.hides(MaskedField::PrivateEmails) {
            emails.retain(|e| e.kind != EmailKind::Private);
        }
        if self.hides(MaskedField::PrivatePhones) {
            phones.retain(|p| p.kind != PhoneKind::Private);
        }
    }

    /// Removes what this role may not see.
    pub fn apply(&self, input: &mut ContactInput) {
        if self.hides(MaskedField::Birthday) {
            input.birthday.clear();
        }
        self.keep_visible(&mut input.emails, &mut input.phones);
        if self.hides(MaskedField::Address) {
            input.address = Default::default();
        }
        if self.hides(MaskedField::Notes) {
            input.notes.clear();
        }
    }

    /// Puts the stored values of hidden fields back into what such a user saves, so
    /// that saving a form without them loses nothing.
    pub fn restore(&self, input: &mut ContactInput, stored: &ContactInput) {
        if self.hides(MaskedField::Birthday) {
            input.birthday = stored.birthday.clone();
        }
        if self.hides(MaskedField::PrivateEmails) {
            input.emails.retain(|e| e.kind != EmailKind::Private);
            let private = stored
                .emails
                .iter()
                .filter(|e| e.kind == EmailKind::Private);
            input.emails.extend(private.cloned());
        }
        if self.hides(MaskedField::PrivatePhones) {
            input.phones.retain(|p| p.kind != PhoneKind::Private);
            let private = stored
                .phones
                .iter()
                .filter(|p| p.kind == PhoneKind::Private);
            input.phones.extend(private.cloned());
        }
        if self.hides(MaskedField::Address) {
            input.address = stored.address.clone();
        }
        if self.hides(MaskedField::Notes) {
            input.notes = stored.notes.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(kind: PhoneKind, number: &str) -> PhoneEntry {
        PhoneEntry {
            kind,
            number: number.into(),
        }
    }

    #[test]
    fn a_mask_hides_and_a_save_keeps_what_it_hides() {
        let stored = ContactInput {
            birthday: "1980-02-03".into(),
            phones: vec![
                phone(PhoneKind::Work, "0301"),
                phone(PhoneKind::Private, "0172"),
            ],
            notes: "mag Kaffee".into(),
            ..Default::default()
        };
        let masks = FieldMasks(vec![
            (Role::Marketing, MaskedField::Birthday),
            (Role::Marketing, MaskedField::PrivatePhones),
        ]);
        let mask = masks.for_role(Role::Marketing);
        assert!(masks.for_role(Role::Sales).is_empty());
        let mut shown = stored.clone();
        mask.apply(&mut shown);
        assert_eq!(shown.birthday, "");
        assert_eq!(shown.phones, vec![phone(PhoneKind::Work, "0301")]);
        assert_eq!(shown.notes, "mag Kaffee", "notes are not masked here");

        // Marketing edits the work number and saves what it saw.
        shown.phones[0].number = "0302".into();
        mask.restore(&mut shown, &stored);
        assert_eq!(shown.birthday, "1980-02-03");
        assert_eq!(
            shown.phones,
            vec![
                phone(PhoneKind::Work, "0302"),
                phone(PhoneKind::Private, "0172")
            ]
        );
    }
}

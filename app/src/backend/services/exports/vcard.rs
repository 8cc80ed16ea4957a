//! Contacts as vCard 4.0 (RFC 6350), one card each.

use crate::model::contacts::{Contact, EmailKind, PhoneKind};

/// Escapes a text value (`\`, `,`, `;` and line breaks).
fn esc(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\r', "")
        .replace('\n', "\\n")
}

/// Folds content lines longer than 75 octets, as the RFC asks.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

pub fn card(contact: &Contact) -> String {
    let i = &contact.input;
    let mut lines = vec![
        "BEGIN:VCARD".to_owned(),
        "VERSION:4.0".to_owned(),
        format!("UID:urn:uuid:{}", contact.id),
        format!("FN:{}", esc(&contact.full_name())),
        format!(
            "N:{};{};;{};",
            esc(&i.last_name),
            esc(&i.first_name),
            esc(&i.title)
        ),
    ];
    for e in &i.emails {
        let kind = match e.kind {
            EmailKind::Work => "work",
            EmailKind::Private => "home",
            EmailKind::Other => "other",
        };
        lines.push(format!("EMAIL;TYPE={kind}:{}", esc(&e.address)));
    }
    for p in &i.phones {
        let kind = match p.kind {
            PhoneKind::Work => "work,voice",
            PhoneKind::Mobile => "cell",
            PhoneKind::Private => "home,voice",
        };
        lines.push(format!("TEL;TYPE=\"{kind}\":{}", esc(&p.number)));
    }
    let a = &i.address;
    if !a.is_empty() {
        lines.push(format!(
            "ADR:;;{};{};;{};{}",
            esc(&a.street),
            esc(&a.city),
            esc(&a.postal_code),
            esc(&a.country)
        ));
    }
    if let Some(org) = &contact.organisation {
        lines.push(format!("ORG:{}", esc(&org.name)));
    }
    if !i.position.is_empty() {
        lines.push(format!("TITLE:{}", esc(&i.position)));
    }
    if !i.birthday.is_empty() {
        lines.push(format!("BDAY:{}", i.birthday.replace('-', "")));
    }
    if !i.preferred_language.is_empty() {
        lines.push(format!("LANG:{}", i.preferred_language));
    }
    if !i.notes.is_empty() {
        lines.push(format!("NOTE:{}", esc(&i.notes)));
    }
    lines.push("END:VCARD".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::contacts::ContactInput;

    #[test]
    fn a_card_escapes_and_folds() {
        let contact = Contact {
            id: uuid::Uuid::nil(),
            input: ContactInput {
                first_name: "Jörg".into(),
                last_name: "Müller; Sohn".into(),
                notes: format!("Zeile eins\nZeile zwei {}", "x".repeat(80)),
                birthday: "1980-12-31".into(),
                ..Default::default()
            },
            organisation: None,
            stage_history: Vec::new(),
            version: 1,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let text = card(&contact);
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
        assert!(text.contains("N:Müller\\; Sohn;Jörg;;;"));
        assert!(text.contains("BDAY:19801231"));
        assert!(text.contains("NOTE:Zeile eins\\nZeile zwei"));
        assert!(text.lines().all(|l| l.len() <= 76), "folded");
    }
}

use super::*;
use crate::model::validation::Problem;

fn named(first: &str, last: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        ..Default::default()
    }
}

#[test]
fn bad_email_and_missing_names_are_reported_per_field() {
    let input = ContactInput {
        emails: vec![EmailEntry {
            kind: EmailKind::Work,
            address: "not-an-email".into(),
        }],
        ..Default::default()
    };
    let errors = input.validate();
    assert_eq!(errors.get("first_name"), Some(Problem::Required));
    assert_eq!(errors.get("last_name"), Some(Problem::Required));
    assert_eq!(errors.get("emails.0.address"), Some(Problem::InvalidEmail));
    assert_eq!(errors.get("phones.0.number"), None);
}

#[test]
fn normalization_trims_lowercases_and_drops_empty_slots() {
    let input = ContactInput {
        first_name: "  Jörg ".into(),
        last_name: "Weiß".into(),
        emails: vec![
            EmailEntry {
                kind: EmailKind::Work,
                address: " Joerg.Weiss@Example.DE ".into(),
            },
            EmailEntry::default(),
        ],
        phones: vec![PhoneEntry::default()],
        birthday: "01.02.1980".into(),
        tags: "vip, Messe,VIP".into(),
        ..Default::default()
    }
    .normalized();
    assert_eq!(input.first_name, "Jörg");
    assert_eq!(input.primary_email(), Some("joerg.weiss@example.de"));
    assert_eq!(input.emails.len(), 1);
    assert!(input.phones.is_empty());
    assert_eq!(input.birthday, "1980-02-01");
    assert_eq!(input.tags, "vip, Messe");
    assert!(input.validate().is_empty());
}

#[test]
fn birthdays_lie_in_the_past() {
    let mut input = named("Anna", "Alt");
    input.birthday = "2999-01-01".into();
    assert_eq!(
        input.validate().get("birthday"),
        Some(Problem::DateInFuture)
    );
    input.birthday = "30.02.1980".into();
    assert_eq!(input.validate().get("birthday"), Some(Problem::InvalidDate));
    input.birthday = "1850-01-01".into();
    assert_eq!(input.validate().get("birthday"), Some(Problem::InvalidDate));
}

#[test]
fn too_many_emails_and_unknown_languages_are_refused() {
    let mut input = named("Anna", "Alt");
    input.emails = (0..4)
        .map(|i| EmailEntry {
            kind: EmailKind::Other,
            address: format!("a{i}@example.de"),
        })
        .collect();
    input.preferred_language = "xx".into();
    let errors = input.validate();
    assert_eq!(errors.get("emails"), Some(Problem::TooMany { max: 3 }));
    assert_eq!(
        errors.get("preferred_language"),
        Some(Problem::InvalidChoice)
    );
}

#[test]
fn changed_fields_name_only_what_differs() {
    let before = ContactInput {
        first_name: "Jörg".into(),
        notes: "alt".into(),
        ..Default::default()
    };
    let after = ContactInput {
        notes: "neu".into(),
        stage: LifecycleStage::Customer,
        ..before.clone()
    };
    assert_eq!(after.changed_fields(&before), vec!["stage", "notes"]);
    assert_eq!(
        before.changed_fields(&ContactInput::default()),
        vec!["first_name", "notes"]
    );
}

#[test]
fn completeness_weighs_what_reaches_a_person() {
    let mut input = named("Anna", "Alt");
    let empty = Completeness::of(&input);
    assert_eq!(empty.percent, 0);
    assert_eq!(empty.missing.first(), Some(&ContactField::Emails));
    input.emails = vec![EmailEntry {
        kind: EmailKind::Work,
        address: "anna@example.de".into(),
    }];
    input.consent_email = true;
    let some = Completeness::of(&input);
    assert_eq!(some.percent, 25);
    assert!(!some.missing.contains(&ContactField::Emails));
    assert!(!some.missing.contains(&ContactField::Channels));
}

#[test]
fn channels_and_patches() {
    let mut input = named("Anna", "Alt");
    input.set_channels(&[ContactChannel::Post, ContactChannel::Email]);
    assert_eq!(
        input.channels(),
        vec![ContactChannel::Email, ContactChannel::Post]
    );
    ContactPatch::Stage(LifecycleStage::AtRisk).apply(&mut input);
    assert_eq!(input.stage, LifecycleStage::AtRisk);
    assert_eq!(full_name("Dr.", "Jörg", "Müller"), "Dr. Jörg Müller");
}

#[test]
fn codes_round_trip() {
    for sort in ContactSort::all() {
        assert_eq!(ContactSort::from_param(sort.as_param()), sort);
    }
    assert_eq!(ContactSort::from_param("bogus"), ContactSort::NameAsc);
    for stage in LifecycleStage::all() {
        assert_eq!(LifecycleStage::parse(stage.code()), Some(stage));
    }
    assert_eq!(LifecycleStage::AtRisk.code(), "at_risk");
    assert_eq!(Salutation::default(), Salutation::Unspecified);
}

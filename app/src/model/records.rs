//! What every customer record shares: postal addresses, tags, ABC classes, and the
//! form conventions of their inputs (empty choice = none).

use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::Display;
use std::str::FromStr;

pub const TAG_MAX: usize = 40;
pub const TAGS_MAX: usize = 20;

/// A postal address; every part optional, sealed with the record that has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PostalAddress {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

impl PostalAddress {
    pub fn normalized(&self) -> Self {
        Self {
            street: self.street.trim().to_owned(),
            postal_code: self.postal_code.trim().to_owned(),
            city: self.city.trim().to_owned(),
            country: self.country.trim().to_owned(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.street.is_empty()
            && self.postal_code.is_empty()
            && self.city.is_empty()
            && self.country.is_empty()
    }

    /// Problems under `<prefix>.street` etc.
    pub fn validate_into(&self, prefix: &str, errors: &mut FieldErrors) {
        let field = |name: &str| format!("{prefix}.{name}");
        errors.check(&field("street"), validation::max_len(&self.street, 200));
        errors.check(
            &field("postal_code"),
            validation::max_len(&self.postal_code, 16),
        );
        errors.check(&field("city"), validation::max_len(&self.city, 100));
        errors.check(&field("country"), validation::max_len(&self.country, 100));
        let postal_ok = self
            .postal_code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if !postal_ok {
            errors.add(&field("postal_code"), Problem::InvalidPostalCode);
        }
    }

    /// `Hauptstr. 1, 10115 Berlin, Deutschland`, leaving out what is missing.
    pub fn one_line(&self) -> String {
        let town = [self.postal_code.as_str(), self.city.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        [self.street.as_str(), town.as_str(), self.country.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// ABC analysis: A customers matter most.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Classification {
    A,
    B,
    C,
}

impl Classification {
    pub fn all() -> impl Iterator<Item = Classification> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn letter(self) -> &'static str {
        match self {
            Classification::A => "A",
            Classification::B => "B",
            Classification::C => "C",
        }
    }
}

/// Tags as a user types them: comma-separated, trimmed, without repeats (ignoring case).
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let tag: String = tag.split_whitespace().collect::<Vec<_>>().join(" ");
        if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag);
        }
    }
    tags
}

/// The form text of a tag list.
pub fn tags_text(tags: &[String]) -> String {
    tags.join(", ")
}

pub fn validate_tags(text: &str, errors: &mut FieldErrors) {
    let tags = parse_tags(text);
    if tags.len() > TAGS_MAX {
        errors.add("tags", Problem::TooMany { max: TAGS_MAX });
    } else if tags.iter().any(|t| t.chars().count() > TAG_MAX) {
        errors.add("tags", Problem::TooLong { max: TAG_MAX });
    } else if tags.iter().any(|t| t.chars().any(char::is_control)) {
        errors.add("tags", Problem::ControlCharacters);
    }
}

/// Forms send an empty string for "none chosen"; inputs read it as `None`, and the
/// typed client (which leaves `None` out) round-trips through the same code.
pub mod optional {
    use super::*;

    pub fn serialize<T: Display, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(&v.to_string()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        D: Deserializer<'de>,
    {
        let text: Option<String> = Option::deserialize(deserializer)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom("not a valid choice")),
        }
    }
}

/// Checkboxes send `true` when ticked and nothing when not.
pub mod checkbox {
    use super::*;

    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *value { "true" } else { "false" })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(matches!(text.as_str(), "true" | "on" | "1"))
    }
}

/// Lists of record ids from repeated form fields (`ids[0]`, `ids[1]`, …) where unused
/// slots are empty: those are dropped, anything else must be an id.
pub mod ids {
    use super::*;
    use uuid::Uuid;

    pub fn serialize<S: Serializer>(value: &[Uuid], serializer: S) -> Result<S::Ok, S::Error> {
        let text: Vec<String> = value.iter().map(Uuid::to_string).collect();
        text.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Uuid>, D::Error> {
        let text: Vec<String> = Vec::deserialize(deserializer)?;
        text.iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| Uuid::parse_str(t).map_err(|_| serde::de::Error::custom("not an id")))
            .collect()
    }
}

/// A website as typed (`muster.de`), with the scheme made explicit.
pub fn normalize_website(value: &str) -> String {
    let value = value.trim();
    if value.is_empty() || value.contains("://") {
        value.to_owned()
    } else {
        format!("https://{value}")
    }
}

pub fn optional_website(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Ok(());
    }
    validation::max_len(value, 200)?;
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return Err(Problem::InvalidUrl);
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':');
    if host_ok && !rest.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(Problem::InvalidUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_unique_ignoring_case() {
        assert_eq!(
            parse_tags(" VIP, Messe 2026 ,vip,, "),
            ["VIP", "Messe 2026"]
        );
        assert_eq!(tags_text(&parse_tags("a,b")), "a, b");
        let mut errors = FieldErrors::new();
        validate_tags(&"x,".repeat(21), &mut errors);
        assert_eq!(errors.get("tags"), None, "21 times the same tag is one tag");
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        validate_tags(&many.join(","), &mut errors);
        assert_eq!(errors.get("tags"), Some(Problem::TooMany { max: 20 }));
    }

    #[test]
    fn addresses_read_as_one_line() {
        let address = PostalAddress {
            street: "Hauptstraße 1".into(),
            postal_code: "10115".into(),
            city: "Berlin".into(),
            country: String::new(),
        };
        assert_eq!(address.one_line(), "Hauptstraße 1, 10115 Berlin");
        let mut errors = FieldErrors::new();
        PostalAddress {
            postal_code: "10115!".into(),
            ..address
        }
        .validate_into("address", &mut errors);
        assert_eq!(
            errors.get("address.postal_code"),
            Some(Problem::InvalidPostalCode)
        );
    }

    #[test]
    fn websites() {
        assert_eq!(normalize_website("muster.de"), "https://muster.de");
        assert!(optional_website(&normalize_website("www.muster-gmbh.de/kontakt")).is_ok());
        assert_eq!(optional_website("https://muster"), Err(Problem::InvalidUrl));
        assert_eq!(
            optional_website("javascript:alert(1)"),
            Err(Problem::InvalidUrl)
        );
    }
}

//! Keyed blind indexes: searchable fingerprints of personal data.
//!
//! HMAC-SHA256 under the tenant's index key, after normalising, so equal values
//! (in one tenant) give equal fingerprints and nothing else can be read from them.
//! What they reveal (equality, frequency) is written down in docs/security.md.

use super::DataKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;

/// Shortest name prefix that becomes a search token.
pub const MIN_PREFIX: usize = 2;
/// Longer prefixes add nothing for type-ahead; names are cut here.
pub const MAX_PREFIX: usize = 16;
/// Exact fingerprints (e-mail, phone) keep 128 bits: collisions would merge people.
const EXACT_LEN: usize = 16;
/// A search looks at the first characters and words of a query only: more narrow
/// nothing a person types, and each costs a keyed hash and a join.
pub const QUERY_MAX_CHARS: usize = 200;
pub const QUERY_MAX_WORDS: usize = 8;

pub struct IndexKey(DataKey);

impl IndexKey {
    /// The tenant's index key, derived from its first data key with its own label.
    pub fn derive_from(tenant_root: &DataKey) -> Self {
        Self(tenant_root.derive("tessera.blind-index.v1"))
    }

    fn mac(&self, domain: &str, value: &str) -> [u8; 32] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose()).expect("any key length");
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Fingerprint of an e-mail address (case-insensitive).
    pub fn email(&self, email: &str) -> Vec<u8> {
        self.mac("email", &email.trim().to_lowercase())[..EXACT_LEN].to_vec()
    }

    /// Fingerprint of a phone number, or `None` if it has too few digits.
    pub fn phone(&self, phone: &str) -> Option<Vec<u8>> {
        normalize_phone(phone).map(|digits| self.mac("phone", &digits)[..EXACT_LEN].to_vec())
    }

    /// Fingerprint of a person's folded name within `scope` (their organisation), so
    /// "Jörg Müller" and "Joerg Mueller" at one company match and "Muller" does not.
    pub fn person_name(&self, first: &str, last: &str, scope: Option<uuid::Uuid>) -> Vec<u8> {
        let name = words(&format!("{first} {last}")).join(" ");
        let scope = scope.map(|s| s.to_string()).unwrap_or_default();
        self.mac("person-name", &format!("{name}\u{0}{scope}"))[..EXACT_LEN].to_vec()
    }

    /// Fingerprint of an organisation's folded full name (legal form included, so
    /// "Muster GmbH" and "Muster Inc." differ).
    pub fn organisation_name(&self, display_name: &str) -> Vec<u8> {
        self.mac("organisation-name", &words(display_name).join(" "))[..EXACT_LEN].to_vec()
    }

    /// Keyed hash of a recovery code (case, spaces and hyphens ignored), so a copy of
    /// the database alone cannot test guesses against it.
    pub fn recovery_code(&self, code: &str) -> Vec<u8> {
        let folded: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        self.mac("recovery-code", &folded).to_vec()
    }

    /// Fingerprint of a customer number from another system (case and spaces ignored).
    pub fn external_id(&self, id: &str) -> Vec<u8> {
        let compact: String = id.chars().filter(|c| !c.is_whitespace()).collect();
        self.mac("external-id", &compact.to_lowercase())[..EXACT_LEN].to_vec()
    }

    /// Keyed fingerprint of a mail's Message-ID, for de-duplication and threading.
    pub fn message_id(&self, message_id: &str) -> Vec<u8> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        self.mac("message-id", id)[..EXACT_LEN].to_vec()
    }

    /// Whole-word tokens of free text (notes, mail): no prefixes, which would multiply
    /// the index of long texts.
    pub fn word_tokens(&self, texts: &[&str]) -> Vec<SearchToken> {
        let mut tokens: Vec<SearchToken> = texts
            .iter()
            .flat_map(|t| words(t))
            .filter(|w| w.chars().count() >= MIN_PREFIX)
            .map(|word| {
                let chars: Vec<char> = word.chars().collect();
                let whole: String = chars[..chars.len().min(MAX_PREFIX)].iter().collect();
                SearchToken {
                    token: self.token("prefix", &whole),
                }
            })
            .collect();
        tokens.sort_by_key(|t| t.token);
        tokens.dedup_by_key(|t| t.token);
        tokens
    }

    fn token(&self, kind: &str, value: &str) -> i64 {
        let mac = self.mac(kind, value);
        i64::from_be_bytes(mac[..8].try_into().expect("8 bytes"))
    }

    /// Tokens stored for a contact: every prefix of every name word (for type-ahead)
    /// and every whole word of names and organisation (for ranking exact words first).
    pub fn tokens_for(&self, names: &[&str], other_words: &[&str]) -> Vec<SearchToken> {
        let mut tokens = Vec::new();
        for word in names.iter().flat_map(|n| words(n)) {
            let chars: Vec<char> = word.chars().collect();
            for len in MIN_PREFIX..=chars.len().min(MAX_PREFIX) {
                let prefix: String = chars[..len].iter().collect();
                tokens.push(SearchToken {
                    token: self.token("prefix", &prefix),
                });
            }
            tokens.push(SearchToken {
                token: self.token("word", &word),
            });
        }
        // Other words (the organisation) match as whole words only: their prefixes
        // would more than double the index for little gain.
        for word in other_words.iter().flat_map(|n| words(n)) {
            let chars: Vec<char> = word.chars().collect();
            let whole: String = chars[..chars.len().min(MAX_PREFIX)].iter().collect();
            tokens.push(SearchToken {
                token: self.token("prefix", &whole),
            });
            tokens.push(SearchToken {
                token: self.token("word", &word),
            });
        }
        tokens.sort_by_key(|t| t.token);
        tokens.dedup_by_key(|t| t.token);
        tokens
    }

    /// What a search for `query` looks up: per word, its prefix token (all must match)
    /// and its whole-word token (ranks exact words first).
    pub fn query(&self, query: &str) -> SearchQuery {
        let mut prefixes = Vec::new();
        let mut exact = Vec::new();
        let query: String = query.chars().take(QUERY_MAX_CHARS).collect();
        for word in words(&query).into_iter().take(QUERY_MAX_WORDS) {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() < MIN_PREFIX {
                continue;
            }
            let prefix: String = chars[..chars.len().min(MAX_PREFIX)].iter().collect();
            prefixes.push(self.token("prefix", &prefix));
            exact.push(self.token("word", &word));
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        SearchQuery { prefixes, exact }
    }
}

/// One stored token. Whether it is a prefix or a whole word is not stored: the two
/// are keyed under different domains, so the query knows which of its tokens is which
/// and a reader of the table cannot tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchToken {
    pub token: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub prefixes: Vec<i64>,
    pub exact: Vec<i64>,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
}

/// German-aware folding: case, ä/ae, ö/oe, ü/ue, ß/ss, accents dropped.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            c => {
                out.extend(c.to_string().nfd().filter(|c| {
                    c.is_alphanumeric() || c.is_whitespace() || *c == '-' || *c == '\''
                }))
            }
        }
    }
    out
}

/// Folded words of at least one character; hyphens and punctuation separate words.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// E.164-like digits: `+49 30 123`, `0049 30 123` and `030 123` (German default) all
/// give `4930123`. `None` for fewer than five digits.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let normalized = if trimmed.starts_with('+') {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("49{rest}")
    } else {
        digits
    };
    (normalized.len() >= 5).then_some(normalized)
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn a_query_is_capped_in_characters_and_words() {
        let index = IndexKey::derive_from(&DataKey::generate());
        let many = (0..50)
            .map(|i| format!("word{i:02}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(index.query(&many).exact.len(), QUERY_MAX_WORDS);
        let long = "x".repeat(10_000);
        assert_eq!(
            index.query(&long).exact,
            index.query(&"x".repeat(QUERY_MAX_CHARS)).exact
        );
    }

    #[test]
    fn german_folding() {
        assert_eq!(fold("Müller"), "mueller");
        assert_eq!(fold("MÜLLER"), "mueller");
        assert_eq!(fold("Weiß"), "weiss");
        assert_eq!(fold("Renée Søren"), "renee soren");
        assert_eq!(words("Schulz-Öztürk, Anna"), ["schulz", "oeztuerk", "anna"]);
    }

    #[test]
    fn phones_normalise_to_one_form() {
        let want = Some("49301234567".to_owned());
        assert_eq!(normalize_phone("+49 30 1234567"), want);
        assert_eq!(normalize_phone("0049 (30) 123-4567"), want);
        assert_eq!(normalize_phone("030 1234567"), want);
        assert_eq!(normalize_phone("12"), None);
    }

    #[test]
    fn umlaut_variants_find_the_same_tokens() {
        let key = IndexKey::derive_from(&DataKey::generate());
        let stored = key.tokens_for(&["Erika", "Müller"], &[]);
        for query in ["Müller", "Mueller", "MÜLLER", "mül", "Mue", "eri mül"] {
            let q = key.query(query);
            assert!(!q.is_empty());
            assert!(
                q.prefixes
                    .iter()
                    .all(|p| stored.iter().any(|s| s.token == *p)),
                "{query}"
            );
        }
        assert!(!key
            .query("Müllerin")
            .prefixes
            .iter()
            .all(|p| stored.iter().any(|s| s.token == *p)));
        assert!(
            key.query("m").is_empty(),
            "one letter is too short to search"
        );
    }

    #[test]
    fn name_fingerprints_fold_umlauts_but_keep_distinct_names_apart() {
        let key = IndexKey::derive_from(&DataKey::generate());
        let org = Some(uuid::Uuid::from_u128(7));
        assert_eq!(
            key.person_name("Jörg", "Müller", org),
            key.person_name("Joerg", "Mueller", org)
        );
        assert_ne!(
            key.person_name("Jörg", "Müller", org),
            key.person_name("Jörg", "Muller", org)
        );
        assert_ne!(
            key.person_name("Jörg", "Müller", org),
            key.person_name("Jörg", "Müller", None)
        );
        assert_ne!(
            key.organisation_name("Muster GmbH"),
            key.organisation_name("Muster Inc.")
        );
        assert_eq!(
            key.organisation_name("Muster  GmbH"),
            key.organisation_name("muster gmbh")
        );
        assert_eq!(key.message_id("<a@b>"), key.message_id("a@b"));
    }

    #[test]
    fn fingerprints_are_keyed_per_tenant_and_normalised() {
        let a = IndexKey::derive_from(&DataKey::generate());
        let b = IndexKey::derive_from(&DataKey::generate());
        assert_eq!(a.email("Anna@Example.de"), a.email(" anna@example.DE"));
        assert_ne!(a.email("anna@example.de"), b.email("anna@example.de"));
        assert_eq!(a.phone("+49 30 1234567"), a.phone("030/1234567"));
        assert_eq!(a.email("x@y.de").len(), 16);
    }
}

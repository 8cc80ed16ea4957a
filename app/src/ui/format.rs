//! Formatting helpers shared by every page.

use time::OffsetDateTime;

/// `31.12.2026 14:05 UTC`: day first, as both German and English users here read it.
pub fn timestamp(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day].[month].[year] [hour]:[minute] UTC");
    at.format(&format).unwrap_or_default()
}

/// `31.12.1980` from an ISO date; `None` for no date.
pub fn date(iso: &str) -> Option<String> {
    let date = crate::model::validation::parse_date(iso)?;
    let format = time::macros::format_description!("[day].[month].[year]");
    date.format(&format).ok()
}

/// `—` for a value that is not there.
pub fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_day_first() {
        let at = time::macros::datetime!(2026-12-31 14:05:59 UTC);
        assert_eq!(timestamp(at), "31.12.2026 14:05 UTC");
        assert_eq!(or_dash(None), "—");
        assert_eq!(date("1980-02-01").as_deref(), Some("01.02.1980"));
        assert_eq!(date(""), None);
    }
}

//! CSV the way spreadsheets read it: UTF-8 with a BOM (so Excel shows umlauts), `;`
//! between cells (German Excel), and no cell a spreadsheet would run as a formula.

/// A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) is
/// prefixed with `'`, which spreadsheets show as text. Applies to every CSV Tessera
/// writes.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A CSV document of `header` and `rows`, for spreadsheets.
pub fn write(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    write_into(&mut out, b';', csv::Terminator::CRLF, header, rows);
    out
}

/// A plain CSV document (comma, LF, no BOM) for tools, e.g. the audit export;
/// cells are neutralised all the same, as it may still be opened in a spreadsheet.
pub fn write_plain(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = Vec::new();
    write_into(&mut out, b',', csv::Terminator::Any(b'\n'), header, rows);
    out
}

fn write_into(
    out: &mut Vec<u8>,
    delimiter: u8,
    terminator: csv::Terminator,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) {
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .from_writer(out);
        writer
            .write_record(header.iter().map(|h| neutralise(h)))
            .expect("writing to memory");
        for row in rows {
            writer
                .write_record(row.iter().map(|c| neutralise(c)))
                .expect("writing to memory");
        }
        writer.flush().expect("writing to memory");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_umlauts_survive_excel() {
        let csv = write(
            &["Name", "Notiz"],
            vec![
                vec!["Müller".into(), "=HYPERLINK(\"http://evil\")".into()],
                vec!["+49 30 123".into(), "@SUM(A1)".into()],
                vec!["-5".into(), "a;b".into()],
            ],
        );
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert!(
            text.contains("Müller;\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{text}"
        );
        assert!(text.contains("'+49 30 123;'@SUM(A1)"), "{text}");
        assert!(text.contains("'-5;\"a;b\""), "{text}");
        assert_eq!(neutralise("\tx"), "'\tx");
        let plain = write_plain(
            &["seq", "actor"],
            vec![vec!["1".into(), "=cmd|' /C calc'!A0".into()]],
        );
        assert_eq!(plain, b"seq,actor\n1,'=cmd|' /C calc'!A0\n");
        assert_eq!(neutralise("Anna"), "Anna");
    }
}

//! Reading the CSV files spreadsheets write: UTF-8 with or without BOM or
//! Windows-1252 (German Excel), `;` or `,` between cells, quoted cells with line
//! breaks. Each record keeps its line number for the report.

use crate::{AppError, AppResult};

/// A file decoded and split into records.
pub struct Table {
    pub encoding: &'static str,
    pub delimiter: u8,
    pub header: Vec<String>,
    /// `(line, cells)`; line 1 is the header.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Text of the file: UTF-8 (a BOM is dropped) if it is valid UTF-8, else
/// Windows-1252, which is what German Excel writes as "CSV".
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "utf-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// `;` when the header line has more semicolons than commas (German Excel), else `,`.
pub fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.chars().filter(|x| *x == c).count();
    if count(';') > count(',') || (count(';') > 0 && count(',') == 0) {
        b';'
    } else if count('\t') > count(',') {
        b'\t'
    } else {
        b','
    }
}

pub fn read(bytes: &[u8]) -> AppResult<Table> {
    let (text, encoding) = decode(bytes);
    let delimiter = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !reader
        .read_record(&mut record)
        .map_err(|_| AppError::BadRequest)?
    {
        return Err(AppError::BadRequest);
    }
    let header: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
    if header.iter().all(String::is_empty) {
        return Err(AppError::BadRequest);
    }
    let mut rows = Vec::new();
    let bytes = text.as_bytes();
    let (mut counted, mut line) = (0usize, 1usize);
    loop {
        // Where the next record starts (the reader may not have taken the previous
        // line break yet), counted as an editor counts lines.
        let mut start = (reader.position().byte() as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = start;
        if !reader
            .read_record(&mut record)
            .map_err(|_| AppError::BadRequest)?
        {
            break;
        }
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows.push((line, cells));
    }
    Ok(Table {
        encoding,
        delimiter,
        header,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_excel_files_are_read() {
        // "Müller;Straße" in Windows-1252, with a quoted cell holding a semicolon.
        let mut bytes = b"Nachname;Stra\xdfe;Notiz\r\n".to_vec();
        bytes.extend_from_slice(b"M\xfcller;Hauptstra\xdfe 1;\"a;b\"\r\n\r\n");
        bytes.extend_from_slice(b"Wei\xdf;Am Markt 2;\r\n");
        let table = read(&bytes).unwrap();
        assert_eq!(table.encoding, "windows-1252");
        assert_eq!(table.delimiter, b';');
        assert_eq!(table.header, ["Nachname", "Straße", "Notiz"]);
        assert_eq!(table.rows[0].1, ["Müller", "Hauptstraße 1", "a;b"]);
        assert_eq!(table.rows[0].0, 2);
        assert_eq!(
            table.rows[1].0, 4,
            "the empty line is skipped, lines still count"
        );
    }

    #[test]
    fn utf8_with_a_bom_and_commas() {
        let table = read("\u{feff}First name,Last name\nJörg,Weiß\n".as_bytes()).unwrap();
        assert_eq!(table.encoding, "utf-8");
        assert_eq!(table.delimiter, b',');
        assert_eq!(table.header[0], "First name", "no BOM in the first header");
        assert_eq!(table.rows[0].1, ["Jörg", "Weiß"]);
        assert!(read(b"").is_err());
    }
}

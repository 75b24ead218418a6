//! CSV that is safe to open in a spreadsheet. Exported logs hold text that visitors and
//! signed-in users chose (user names, user agents, referers, paths); a cell starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return would run as a formula in Excel or WPS, so such
//! a cell gets a leading apostrophe, which spreadsheets show as text. A UTF-8 byte-order mark
//! at the start of a file makes Excel read the Chinese text correctly.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The byte-order mark that starts an exported CSV file.
pub const BOM: &str = "\u{feff}";

/// Rewrites CSV text so that no cell can start a formula; other cells are unchanged.
pub fn neutralize(csv_bytes: &[u8]) -> Result<Vec<u8>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_bytes);
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::with_capacity(csv_bytes.len() + 16));
    for record in reader.records() {
        let record = record?;
        let cells: Vec<String> = record.iter().map(neutral_cell).collect();
        writer.write_record(&cells)?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// Returns CSV text as a download named `filename`: cells neutralized, a byte-order mark
/// first, typed `text/csv` and marked as an attachment.
pub fn download(csv_bytes: &[u8], filename: &str) -> Result<Response, csv::Error> {
    let safe = neutralize(csv_bytes)?;
    let body = [BOM.as_bytes(), &safe].concat();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn neutral_cell(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn formulas_become_text_and_other_cells_stay() {
        let input =
            "seq,actor,detail\n1,=HYPERLINK(\"http://x\"),\"a, b\"\n2,@SUM(A1),-1+2\n3,张三,ok\n";
        let output = String::from_utf8(neutralize(input.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            output,
            "seq,actor,detail\n1,\"'=HYPERLINK(\"\"http://x\"\")\",\"a, b\"\n2,'@SUM(A1),'-1+2\n3,张三,ok\n"
        );
    }
}

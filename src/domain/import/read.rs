//! Reading an uploaded file: UTF-8 with or without a byte-order mark, comma- or
//! semicolon-separated (RFC 4180 quoting, line breaks inside quotes), each record with the line
//! of the file it starts on, so every message can name it.

/// The largest file an import takes (25 MB: some 200,000 customers).
pub const MAX_BYTES: u64 = 25 * 1024 * 1024;

/// A file read into its header and records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub delimiter: char,
    pub headers: Vec<String>,
    pub records: Vec<Record>,
}

/// One record of the file: the line it starts on (the header is line 1) and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The file's text: UTF-8, its byte-order mark dropped; a message saying what is wrong otherwise.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    const SAVE: &str =
        "Save it from the old system or the spreadsheet as “CSV UTF-8” and upload it again.";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(format!("The file is in UTF-16, not UTF-8. {SAVE}"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return Err(format!(
                "Line {line} has characters that are not UTF-8 (the file may be in Windows-1252 or \
                 Latin-1). {SAVE}"
            ));
        }
    };
    if text.contains('\0') {
        return Err("This is not a CSV text file (it holds binary data).".into());
    }
    if text.trim().is_empty() {
        return Err("The file is empty.".into());
    }
    Ok(text.to_string())
}

/// The separator the header line uses: a semicolon when it has more of them than commas.
pub fn sniff(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas { ';' } else { ',' }
}

/// The records of `text` with `delimiter`; blank lines are skipped. Refused when a quoted cell
/// is never closed or the header names a column twice.
pub fn parse(text: &str, delimiter: char) -> Result<Sheet, String> {
    let mut records: Vec<Record> = Vec::new();
    let (mut cells, mut cell) = (Vec::<String>::new(), String::new());
    let (mut line, mut start) = (1usize, 1usize);
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    let mut finish = |cells: &mut Vec<String>, start: usize| {
        if cells.iter().any(|c| !c.trim().is_empty()) {
            records.push(Record {
                line: start,
                cells: std::mem::take(cells),
            });
        } else {
            cells.clear();
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() && !was_quoted => {
                cell.clear();
                quoted = true;
                was_quoted = true;
            }
            c if c == delimiter => {
                cells.push(std::mem::take(&mut cell));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                cells.push(std::mem::take(&mut cell));
                was_quoted = false;
                finish(&mut cells, start);
                line += 1;
                start = line;
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "Line {start}: a quoted cell is never closed (a \" is missing)."
        ));
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        finish(&mut cells, start);
    }
    if records.is_empty() {
        return Err("The file is empty.".into());
    }
    let head = records.remove(0);
    let headers: Vec<String> = head
        .cells
        .iter()
        .enumerate()
        .map(|(i, h)| match h.trim() {
            "" => format!("(column {})", i + 1),
            h => h.to_string(),
        })
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = headers[..i].iter().position(|o| o.eq_ignore_ascii_case(h)) {
            return Err(format!(
                "Two columns are both called “{h}” (columns {} and {}); rename one and upload \
                 the file again.",
                j + 1,
                i + 1
            ));
        }
    }
    Ok(Sheet {
        delimiter,
        headers,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_is_dropped_and_other_encodings_are_named() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFname\nAmina\n").unwrap(),
            "name\nAmina\n"
        );
        assert_eq!(decode(b"name\nAmina\n").unwrap(), "name\nAmina\n");
        let latin1 = decode(b"name\nAmina\nJos\xE9\n").unwrap_err();
        assert!(
            latin1.starts_with("Line 3 has characters that are not UTF-8"),
            "{latin1}"
        );
        assert!(decode(b"\xFF\xFEn\0a\0").unwrap_err().contains("UTF-16"));
        assert_eq!(decode(b"  \n").unwrap_err(), "The file is empty.");
    }

    #[test]
    fn commas_or_semicolons_with_quotes_and_line_breaks() {
        let text = "name;phone;notes\r\n\"Otieno; J.\";0722 000 111;\"two\nlines\"\r\n\r\nWanjiru;0733;\"said \"\"hi\"\"\"\r\n";
        assert_eq!(sniff(text), ';');
        let sheet = parse(text, ';').unwrap();
        assert_eq!(sheet.headers, ["name", "phone", "notes"]);
        assert_eq!(sheet.records.len(), 2);
        assert_eq!(sheet.records[0].line, 2);
        assert_eq!(
            sheet.records[0].cells,
            ["Otieno; J.", "0722 000 111", "two\nlines"]
        );
        // the record after a quoted line break starts two lines on, past the blank line
        assert_eq!(sheet.records[1].line, 5);
        assert_eq!(sheet.records[1].cells[2], "said \"hi\"");
        assert_eq!(sniff("a,b;c,d"), ',');
    }

    #[test]
    fn a_last_line_without_a_break_and_short_rows_are_read() {
        let sheet = parse("sku,name\nA-1,Pads\nA-2", ',').unwrap();
        assert_eq!(sheet.records[1].cells, ["A-2"]);
        assert_eq!(sheet.records[1].line, 3);
    }

    #[test]
    fn unclosed_quotes_and_twice_named_columns_are_refused() {
        assert_eq!(
            parse("name,notes\nA,\"open\nB,c\n", ',').unwrap_err(),
            "Line 2: a quoted cell is never closed (a \" is missing)."
        );
        assert!(
            parse("Name,phone,name\n", ',')
                .unwrap_err()
                .contains("columns 1 and 3")
        );
        assert_eq!(parse(",x\n1,2\n", ',').unwrap().headers[0], "(column 1)");
    }
}

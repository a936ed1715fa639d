//! CSV for exports: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
//! (leading `=`, `+`, `-`, `@`, tab or carriage return) are prefixed with `'` so they stay text.
//! Numbers written by the application itself (`number`) are left as they are.

/// One text cell, made safe.
pub fn text(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    quote(&guarded)
}

/// A number the application formatted (never user text), quoted only if it must be.
pub fn number(value: &str) -> String {
    quote(value)
}

fn quote(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// A row of already-made cells, with the line ending.
pub fn row(cells: &[String]) -> String {
    let mut line = cells.join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(text("Otieno, J."), "\"Otieno, J.\"");
        assert_eq!(text("the \"big\" one"), "\"the \"\"big\"\" one\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("plain"), "plain");
    }

    #[test]
    fn formula_leading_cells_stay_text() {
        assert_eq!(
            text("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(text("+254700"), "'+254700");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("\tx"), "'\tx");
        assert_eq!(
            number("-12.50"),
            "-12.50",
            "the application's own numbers stay numbers"
        );
        assert_eq!(row(&[text("a"), number("1")]), "a,1\r\n");
    }
}

//! The mapping of the file's columns to Workbay's fields, and every record checked against it:
//! each value the way it will be kept, or a problem naming the line and the column. Duplicates
//! inside the file are found here; those against what is already saved, in `repo::imports`.

use std::collections::{BTreeMap, HashMap};

use super::kinds::{ImportField, ImportKind, folded};
use super::read::Sheet;
use crate::domain::records::{Field, FieldKind};
use crate::domain::validation::FieldErrors;

/// Workbay's field → the file's header.
pub type Mapping = BTreeMap<String, String>;

/// A record that passed: its line and its values, field by field (`None`: none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub line: usize,
    pub values: Vec<Option<String>>,
}

impl Checked {
    /// The value of field `i`, empty when none.
    pub fn get(&self, i: usize) -> &str {
        self.values.get(i).and_then(|v| v.as_deref()).unwrap_or("")
    }
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// The column, as the screen and the file call it; empty for the whole line.
    pub column: String,
    pub message: String,
}

/// A first guess: the mapping used last time for this kind where the file has those headers,
/// then each field's own name, label or usual names; a header fills one field at most.
pub fn guess(kind: &ImportKind, headers: &[String], remembered: &Mapping) -> Mapping {
    let mut mapping = Mapping::new();
    let mut used: Vec<&str> = Vec::new();
    for field in kind.fields {
        if let Some(h) = remembered.get(field.key)
            && let Some(h) = headers.iter().find(|x| *x == h)
        {
            mapping.insert(field.key.to_string(), h.clone());
            used.push(h);
        }
    }
    for field in kind.fields {
        if mapping.contains_key(field.key) {
            continue;
        }
        let names: Vec<String> = [folded(field.key), folded(field.label)]
            .into_iter()
            .chain(field.aliases.iter().map(|a| a.to_string()))
            .collect();
        let found = headers
            .iter()
            .find(|h| !used.contains(&h.as_str()) && names.contains(&folded(h)));
        if let Some(h) = found {
            mapping.insert(field.key.to_string(), h.clone());
            used.push(h);
        }
    }
    mapping
}

/// Each field's column in the file (`None`: not in this file), or why the mapping cannot be used.
pub fn columns(
    kind: &ImportKind,
    headers: &[String],
    mapping: &Mapping,
) -> Result<Vec<Option<usize>>, Vec<String>> {
    let mut missing = Vec::new();
    let cols: Vec<Option<usize>> = kind
        .fields
        .iter()
        .map(|f| {
            let col = mapping
                .get(f.key)
                .and_then(|h| headers.iter().position(|x| x == h));
            if col.is_none() && f.required {
                missing.push(format!(
                    "Choose the file's column for “{}”: every {} needs one.",
                    f.label, kind.one
                ));
            }
            col
        })
        .collect();
    if missing.is_empty() {
        Ok(cols)
    } else {
        Err(missing)
    }
}

/// Every record checked: those that pass, and every problem of those that do not, by line.
/// Phone numbers are put in E.164 as read in `country`; amounts take a decimal comma in a
/// semicolon file (`1.200,50`).
pub fn check(
    kind: &ImportKind,
    sheet: &Sheet,
    cols: &[Option<usize>],
    country: &str,
) -> (Vec<Checked>, Vec<Problem>) {
    let mut passed = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<(usize, String), usize> = HashMap::new();
    let column = |i: usize| -> String {
        let label = kind.fields[i].label;
        match cols[i] {
            Some(c) => format!("{label} (“{}”)", sheet.headers[c]),
            None => label.to_string(),
        }
    };
    for record in &sheet.records {
        let line = record.line;
        if record.cells.len() > sheet.headers.len() {
            problems.push(Problem {
                line,
                column: String::new(),
                message: format!(
                    "The line has {} cells but the header has {}: a cell with a “{}” in it needs quotes.",
                    record.cells.len(),
                    sheet.headers.len(),
                    sheet.delimiter
                ),
            });
            continue;
        }
        let before = problems.len();
        let mut values = Vec::with_capacity(kind.fields.len());
        for (i, field) in kind.fields.iter().enumerate() {
            let typed = cols[i]
                .and_then(|c| record.cells.get(c))
                .map_or("", |s| unguarded(s.trim()));
            let typed = match (typed, field.default) {
                ("", Some(d)) => d,
                (t, _) => t,
            };
            match value(field, typed, sheet.delimiter, country) {
                Ok(v) => values.push(v),
                Err(message) => {
                    problems.push(Problem {
                        line,
                        column: column(i),
                        message,
                    });
                    values.push(None);
                }
            }
        }
        let row = Checked { line, values };
        if let Some((i, message)) = rule(kind, &row) {
            problems.push(Problem {
                line,
                column: column(i),
                message,
            });
        }
        for (i, key) in keys(kind, &row) {
            match seen.get(&(i, key.clone())) {
                Some(first) => problems.push(Problem {
                    line,
                    column: column(i),
                    message: format!("“{}” is also on line {first}.", row.get(i)),
                }),
                None => {
                    seen.insert((i, key), line);
                }
            }
        }
        if problems.len() == before {
            passed.push(row);
        }
    }
    (passed, problems)
}

/// A cell without the `'` an export puts before text a spreadsheet would run as a formula
/// (`'+254722444555`, `domain::csv::text`), so an exported file imports as it was.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// One cell checked the way the edit form checks the field.
fn value(
    field: &ImportField,
    typed: &str,
    delimiter: char,
    country: &str,
) -> Result<Option<String>, String> {
    let as_form = Field {
        col: field.key,
        label: field.label,
        kind: field.kind,
        stamp: None,
    };
    let typed: String = match field.kind {
        FieldKind::Choice(options) => options
            .iter()
            .find(|(v, words)| v.eq_ignore_ascii_case(typed) || words.eq_ignore_ascii_case(typed))
            .map_or(typed.to_string(), |(v, _)| v.to_string()),
        FieldKind::Flag => match typed.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "x" | "on" => "true".into(),
            "no" | "n" | "false" | "0" | "off" | "" => "false".into(),
            _ => return Err(format!("“{typed}” is not yes or no.")),
        },
        FieldKind::Money | FieldKind::Hours => amount(typed, delimiter),
        _ => typed.to_string(),
    };
    let mut errors = FieldErrors::new();
    let read = as_form.read(&typed, &mut errors);
    if let Some((_, message)) = errors.iter().next() {
        let shown = if typed.is_empty() {
            String::new()
        } else {
            format!("“{typed}”: ")
        };
        return Err(format!("{shown}{message}"));
    }
    Ok(match (field.kind, read) {
        (FieldKind::Phone, Some(p)) if !p.is_empty() => {
            Some(crate::domain::phone::normalise(&p, country).unwrap_or(p))
        }
        (_, v) => v,
    })
}

/// An amount with its decimal separator made a point: the last of `.` and `,` when both are
/// there (`1.200,50`, `1,200.50`), a lone comma in a semicolon file (`12,50`).
fn amount(typed: &str, delimiter: char) -> String {
    let t: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .collect();
    match (t.rfind('.'), t.rfind(',')) {
        (Some(p), Some(c)) if c > p => t.replace('.', "").replace(',', "."),
        (None, Some(_)) if delimiter == ';' => t.replace(',', "."),
        _ => t.replace(',', ""),
    }
}

/// A rule across a record's fields, broken: the field to name and the message.
fn rule(kind: &ImportKind, row: &Checked) -> Option<(usize, String)> {
    if kind.kind != "customers" {
        return None;
    }
    let at = |k| kind.at(k);
    if row.get(at("phone")).is_empty() && row.get(at("email")).is_empty() {
        return Some((
            at("phone"),
            "Give a phone number or an email address.".into(),
        ));
    }
    let vehicle = ["make", "vehicle_model", "year", "mileage"]
        .iter()
        .any(|k| !row.get(at(k)).is_empty());
    if vehicle && row.get(at("plate")).is_empty() && row.get(at("vin")).is_empty() {
        return Some((at("plate"), "A vehicle needs its plate or its VIN.".into()));
    }
    None
}

/// The values no two records of a file may share: the field to name and the value compared.
fn keys(kind: &ImportKind, row: &Checked) -> Vec<(usize, String)> {
    let mut keys = Vec::new();
    let at = |k| kind.at(k);
    let mut add = |i: usize, key: String| {
        if !key.is_empty() {
            keys.push((i, key));
        }
    };
    let lower = |i: usize| row.get(i).to_lowercase();
    match kind.kind {
        "customers" => {
            add(at("external_ref"), row.get(at("external_ref")).to_string());
            add(
                at("phone"),
                row.get(at("phone"))
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect(),
            );
            add(at("email"), lower(at("email")));
        }
        // an item's rows, one per branch, share its reference
        "stock_items" => {
            let branch = lower(at("branch"));
            let reference = row.get(at("external_ref"));
            if !reference.is_empty() {
                add(at("external_ref"), format!("{reference}\n{branch}"));
            }
            add(
                at("sku"),
                format!("{}\n{branch}", row.get(at("sku")).to_uppercase()),
            );
        }
        "product_models" => {
            add(at("external_ref"), row.get(at("external_ref")).to_string());
            add(
                at("model"),
                format!("{}\n{}", lower(at("brand")), lower(at("model"))),
            );
        }
        _ => {
            add(at("external_ref"), row.get(at("external_ref")).to_string());
            add(at("name"), lower(at("name")));
        }
    }
    keys
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;

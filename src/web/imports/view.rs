//! What the import's page shows: the mapping's rows, the preview of a plan, a file's size.

use crate::domain::import::check::{Mapping, Problem};
use crate::domain::import::kinds::ImportKind;
use crate::domain::records::FieldKind;
use crate::repo::imports::Plan;

/// Records shown as they will be saved.
const SHOWN_ROWS: usize = 10;
/// Problems listed on the page (the rest are counted).
const SHOWN_PROBLEMS: usize = 1_000;

/// One of Workbay's fields and the column chosen for it.
pub struct MapRow {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub chosen: String,
    /// The first record's cell in that column.
    pub sample: String,
}

/// The preview of the chosen mapping.
pub struct Preview {
    /// The mapped fields' labels, then each shown record: its line, what happens, its values.
    pub head: Vec<&'static str>,
    pub rows: Vec<(usize, &'static str, Vec<String>)>,
    pub problems: Vec<Problem>,
    /// Bad lines in all, and problems not listed.
    pub bad_lines: usize,
    pub unlisted: usize,
    pub new: usize,
    pub skipped: usize,
    pub openings: usize,
}

/// The page's view of a plan.
pub fn preview(k: &ImportKind, headers: &[String], mapping: &Mapping, plan: Plan) -> Preview {
    let mapped: Vec<usize> = (0..k.fields.len())
        .filter(|i| {
            mapping
                .get(k.fields[*i].key)
                .is_some_and(|h| headers.contains(h))
        })
        .collect();
    let rows = plan
        .rows
        .iter()
        .take(SHOWN_ROWS)
        .map(|p| {
            let action = match (p.fresh, p.opening) {
                (true, _) => "New",
                (false, true) => "Opening stock only",
                (false, false) if p.existing.is_none() && k.kind == "stock_items" => {
                    "Same item, nothing to open"
                }
                (false, false) => "Imported before: skipped",
            };
            let values = mapped
                .iter()
                .map(|i| match (k.fields[*i].kind, p.row.get(*i)) {
                    (FieldKind::Flag, "true") => "yes".to_string(),
                    (FieldKind::Flag, _) => "no".to_string(),
                    (FieldKind::Choice(options), v) => options
                        .iter()
                        .find(|(o, _)| *o == v)
                        .map_or(v.to_string(), |(_, words)| words.to_string()),
                    (_, v) => v.to_string(),
                })
                .collect();
            (p.row.line, action, values)
        })
        .collect();
    let bad_lines = plan
        .problems
        .iter()
        .map(|p| p.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let unlisted = plan.problems.len().saturating_sub(SHOWN_PROBLEMS);
    let mut problems = plan.problems;
    problems.truncate(SHOWN_PROBLEMS);
    Preview {
        head: mapped.iter().map(|i| k.fields[*i].label).collect(),
        rows,
        problems,
        bad_lines,
        unlisted,
        new: plan.new,
        skipped: plan.skipped,
        openings: plan.openings,
    }
}

/// A file's size in words: bytes, KB or MB.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

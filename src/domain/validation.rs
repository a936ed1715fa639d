//! Field-by-field validation messages, shown beside each field of a re-rendered form.

use std::collections::BTreeMap;

/// Messages keyed by form field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` (the first message for a field wins).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All messages, field by field.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(())` when empty, otherwise the errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The same messages with `from` at the start of a field's name made `to` (a repository's
    /// `device_kind` is the walk-in form's `walkin_device_kind`).
    pub fn renamed(self, from: &str, to: &str) -> Self {
        let mut out = FieldErrors::new();
        for (field, message) in self.iter() {
            match field.strip_prefix(from) {
                Some(rest) => out.add(&format!("{to}{rest}"), message),
                None => out.add(field, message),
            }
        }
        out
    }

    /// Adds `other`'s messages (a field's first message still wins).
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(&field, message);
        }
    }

    /// A single-field error.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

//! Reading and correcting a master record of any kind `domain::records` knows: its values as
//! the form shows them with its version; a save that checks the version under a row lock (a form
//! opened before someone else's save is refused, naming what they changed), writes the record
//! and an audit row with what changed, in one transaction.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

use super::{By, RepoError, unique_violation};
use crate::domain::records::{Field, FieldKind, Owner, Spec, Values};
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;

/// A record as the form shows it.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: i64,
    pub version: i32,
    pub values: Values,
    /// The customer a vehicle, device or contact belongs to.
    pub customer_id: Option<i64>,
    /// The branch a bay or location belongs to.
    pub branch_id: Option<i64>,
}

impl Record {
    /// What the record is called in sentences: its name, plate, SKU or model.
    pub fn name(&self) -> String {
        let get = |c: &str| {
            self.values
                .iter()
                .find(|(col, _)| *col == c)
                .and_then(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        ["name", "plate", "sku", "model", "serial"]
            .iter()
            .map(|c| get(c))
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| format!("#{}", self.id))
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    parent: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    values: serde_json::Value,
}

/// The column a record's owner is checked by, and the extra condition on the row itself.
fn owner_sql(spec: &Spec) -> (&'static str, &'static str) {
    match spec.owner {
        Owner::Catalogue => ("NULL::int8", ""),
        Owner::Branch => ("branch_id", " AND branch_id = $2"),
        Owner::Customer => ("NULL::int8", " AND erased_at IS NULL"),
        Owner::OfCustomer => (
            "customer_id",
            " AND EXISTS (SELECT 1 FROM customers c WHERE c.id = customer_id AND c.erased_at IS NULL)",
        ),
    }
}

/// Reads the record `id` of `spec`'s kind as the form shows it (locked when `lock`), if it is
/// there for `branch_id` (bays and locations only from their branch; an erased customer's data
/// is not there at all).
fn read(
    conn: &mut PgConnection,
    spec: &Spec,
    id: i64,
    branch_id: i64,
    lock: bool,
) -> Result<Record, RepoError> {
    let pairs: Vec<String> = spec
        .fields
        .iter()
        .map(|f| format!("'{}', {}", f.col, f.read_sql()))
        .collect();
    let (parent, condition) = owner_sql(spec);
    let sql = format!(
        "SELECT version, {parent} AS parent, jsonb_build_object({}) AS values FROM {} \
         WHERE id = $1 AND $2 = $2{condition}{}",
        pairs.join(", "),
        spec.table,
        if lock { " FOR UPDATE" } else { "" }
    );
    let row: Row = diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .bind::<BigInt, _>(branch_id)
        .get_result(conn)?;
    let values = spec
        .fields
        .iter()
        .map(|f| (f.col, row.values[f.col].as_str().map(str::to_string)))
        .collect();
    Ok(Record {
        id,
        version: row.version,
        values,
        customer_id: (spec.owner == Owner::OfCustomer)
            .then_some(row.parent)
            .flatten(),
        branch_id: (spec.owner == Owner::Branch)
            .then_some(row.parent)
            .flatten(),
    })
}

/// The record, for the form (404 when it is not there for this branch).
pub fn get(
    conn: &mut PgConnection,
    spec: &Spec,
    id: i64,
    branch_id: i64,
) -> Result<Record, RepoError> {
    read(conn, spec, id, branch_id, false)
}

/// Someone saved the record after the form was opened: what they changed, and the record as it
/// is now (the form shows it and takes the next save as deliberate).
#[derive(Debug, Clone)]
pub struct Stale {
    pub message: String,
    pub now: Record,
}

/// What a save did.
#[derive(Debug, Clone)]
pub enum Saved {
    /// Written; the fields that changed (none: nothing to write).
    Done(Vec<&'static str>),
    /// Refused: the form was opened on an older version.
    Stale(Box<Stale>),
}

/// Saves `values` over the record if it is still at `version` (the form's), with the time
/// stamps of fields that keep one (consent's date) and an audit row naming what changed (with
/// the values, unless they are personal data). `opened` are the values the form was opened
/// with, to say what someone else changed in the meantime. Phone numbers are kept in E.164 as
/// read in `country`.
#[allow(clippy::too_many_arguments)]
pub fn save(
    conn: &mut PgConnection,
    spec: &Spec,
    id: i64,
    branch_id: i64,
    version: i32,
    opened: &Values,
    values: &Values,
    country: &str,
    by: &By,
) -> Result<Saved, RepoError> {
    let values: Values = values
        .iter()
        .map(|(col, v)| {
            let phone = spec
                .fields
                .iter()
                .any(|f| f.col == *col && f.kind == FieldKind::Phone);
            match (phone, v) {
                (true, Some(p)) if !p.is_empty() => (
                    *col,
                    Some(crate::domain::phone::normalise(p, country).unwrap_or_else(|| p.clone())),
                ),
                _ => (*col, v.clone()),
            }
        })
        .collect();
    super::tx(conn, |conn| {
        let now = read(conn, spec, id, branch_id, true)?;
        if now.version != version {
            let theirs = spec.changes(opened, &now.values);
            let said: Vec<String> = theirs
                .iter()
                .map(|f| {
                    format!(
                        "{} is now “{}”",
                        f.label,
                        f.shown(value_of(&now.values, f.col))
                    )
                })
                .collect();
            let message = format!(
                "Someone else saved this {} after you opened it{}. Nothing was saved: the form \
                 shows your changes over theirs; check them and save again.",
                spec.title,
                match said.is_empty() {
                    true => String::new(),
                    false => format!(": {}", said.join("; ")),
                }
            );
            return Ok(Saved::Stale(Box::new(Stale { message, now })));
        }
        let changed: Vec<&'static Field> = spec.changes(&now.values, &values);
        if changed.is_empty() {
            return Ok(Saved::Done(Vec::new()));
        }
        write(conn, spec, id, &changed, &values)?;
        let entry = NewAuditEntry::new(
            &format!("{}.edit", spec.entity),
            spec.entity,
            Some(id.to_string()),
        )
        .by(by.user_id, by.client_addr.as_deref());
        let names: Vec<&str> = changed.iter().map(|f| f.col).collect();
        let entry = if spec.personal {
            entry.change(None, Some(serde_json::json!({ "changed": names })))
        } else {
            let side = |v: &Values| {
                serde_json::Value::Object(
                    changed
                        .iter()
                        .map(|f| (f.col.to_string(), serde_json::json!(value_of(v, f.col))))
                        .collect(),
                )
            };
            entry.change(Some(side(&now.values)), Some(side(&values)))
        };
        let entry = match now.branch_id {
            Some(b) => NewAuditEntry {
                branch_id: Some(b),
                ..entry
            },
            None => entry,
        };
        super::audit::record(conn, entry)?;
        Ok(Saved::Done(names))
    })
}

fn value_of<'a>(v: &'a Values, col: &str) -> Option<&'a str> {
    v.iter()
        .find(|(c, _)| *c == col)
        .and_then(|(_, v)| v.as_deref())
}

/// Writes the changed fields and raises the version (the row is locked by the caller).
fn write(
    conn: &mut PgConnection,
    spec: &Spec,
    id: i64,
    changed: &[&'static Field],
    values: &Values,
) -> Result<(), RepoError> {
    let mut sets: Vec<String> = Vec::new();
    for (n, f) in changed.iter().enumerate() {
        sets.push(format!("{} = {}", f.col, f.write_sql(n + 2)));
        if let Some(stamp) = f.stamp {
            sets.push(format!("{stamp} = now()"));
        }
    }
    let sql = format!(
        "UPDATE {} SET {}, version = version + 1 WHERE id = $1",
        spec.table,
        sets.join(", ")
    );
    let mut q = diesel::sql_query(sql)
        .into_boxed::<diesel::pg::Pg>()
        .bind::<BigInt, _>(id);
    for f in changed {
        q = q.bind::<Nullable<Text>, _>(value_of(values, f.col).map(str::to_string));
    }
    q.execute(conn).map_err(|e| match unique_violation(&e) {
        Some(key) => {
            let f = changed
                .iter()
                .find(|f| key.contains(f.col))
                .or(changed.first())
                .map_or("name", |f| f.col);
            RepoError::from(FieldErrors::single(
                f,
                format!("Another {} already has this.", spec.title),
            ))
        }
        None => match &e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => RepoError::from(FieldErrors::single(
                changed
                    .iter()
                    .find(|f| matches!(f.kind, FieldKind::Vendor | FieldKind::LeadSource))
                    .map_or("name", |f| f.col),
                "Choose one from the list.",
            )),
            _ => e.into(),
        },
    })?;
    Ok(())
}

/// The choices of a select field: vendors or lead sources (id, name). Every lead source, not
/// only the active ones the new-customer form offers, so a customer's retired source stays
/// chosen instead of being cleared by an unrelated edit.
pub fn choices(conn: &mut PgConnection, kind: FieldKind) -> Result<Vec<(i64, String)>, RepoError> {
    use crate::schema::lead_sources;
    match kind {
        FieldKind::Vendor => super::stock::vendor_choices(conn),
        FieldKind::LeadSource => Ok(lead_sources::table
            .select((lead_sources::id, lead_sources::name))
            .order(lead_sources::id)
            .load(conn)?),
        _ => Ok(Vec::new()),
    }
}

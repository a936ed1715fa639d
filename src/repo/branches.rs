//! Branches: listing, creating and editing, each change audited in the same transaction.

use diesel::prelude::*;

use super::audit::escape_like;
use super::{By, RepoError, unique_violation};
use crate::domain::branch::{BranchInput, OpeningHours};
use crate::domain::validation::FieldErrors;
use crate::models::audit::NewAuditEntry;
use crate::models::branch::{Branch, BranchChanges};
use crate::schema::branches;

/// One branch.
pub fn get(conn: &mut PgConnection, id: i64) -> Result<Branch, RepoError> {
    Ok(branches::table
        .find(id)
        .select(Branch::as_select())
        .first(conn)?)
}

/// The branch using this invoice prefix, if any.
pub fn find_by_prefix(conn: &mut PgConnection, prefix: &str) -> Result<Option<Branch>, RepoError> {
    Ok(branches::table
        .filter(branches::invoice_prefix.eq(prefix))
        .select(Branch::as_select())
        .first(conn)
        .optional()?)
}

/// Branches matching `q` (name or prefix), by name, one page at a time.
pub fn search(
    conn: &mut PgConnection,
    q: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Branch>, i64), RepoError> {
    let filtered = || {
        let mut query = branches::table.into_boxed();
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", escape_like(q));
            query = query.filter(
                branches::name
                    .ilike(pattern.clone())
                    .or(branches::invoice_prefix.ilike(pattern)),
            );
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(branches::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
    let rows = filtered()
        .select(Branch::as_select())
        .order((branches::name.asc(), branches::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Active branches by name (for pickers and the branch switcher).
pub fn active(conn: &mut PgConnection) -> Result<Vec<Branch>, RepoError> {
    Ok(branches::table
        .filter(branches::active.eq(true))
        .select(Branch::as_select())
        .order(branches::name.asc())
        .load(conn)?)
}

/// Creates a branch.
pub fn create(conn: &mut PgConnection, input: &BranchInput, by: &By) -> Result<Branch, RepoError> {
    super::tx(conn, |conn| {
        let branch: Branch = diesel::insert_into(branches::table)
            .values(BranchChanges::from(input))
            .returning(Branch::as_returning())
            .get_result(conn)
            .map_err(map_unique)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("branch.create", "branch", Some(branch.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, serde_json::to_value(&branch).ok()),
        )?;
        Ok(branch)
    })
}

/// Updates a branch (row locked while it changes).
pub fn update(
    conn: &mut PgConnection,
    id: i64,
    input: &BranchInput,
    seen: Option<&str>,
    by: &By,
) -> Result<Branch, RepoError> {
    super::tx(conn, |conn| {
        let before: Branch = branches::table
            .find(id)
            .select(Branch::as_select())
            .for_update()
            .first(conn)?;
        if let Some(seen) = seen
            && seen != version_of(&before)
        {
            return Err(stale(&before, input).into());
        }
        let after: Branch = diesel::update(branches::table.find(id))
            .set((
                BranchChanges::from(input),
                branches::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Branch::as_returning())
            .get_result(conn)
            .map_err(map_unique)?;
        super::audit::record(
            conn,
            NewAuditEntry::new("branch.update", "branch", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(
                    serde_json::to_value(&before).ok(),
                    serde_json::to_value(&after).ok(),
                ),
        )?;
        Ok(after)
    })
}

/// A branch's version as its form carries it: the time of its last save, in microseconds.
pub fn version_of(b: &Branch) -> String {
    b.updated_at.timestamp_micros().to_string()
}

/// The refusal of a save over someone else's: which settings their save holds differently from
/// this form, with their values (under `stale`, and each field's own message).
fn stale(theirs: &Branch, mine: &BranchInput) -> crate::domain::validation::FieldErrors {
    let mut errors = crate::domain::validation::FieldErrors::new();
    let num = |a: &bigdecimal::BigDecimal, b: &bigdecimal::BigDecimal| a == b;
    let fields: [(&str, &str, bool, String); 13] = [
        (
            "name",
            "Name",
            theirs.name == mine.name,
            theirs.name.clone(),
        ),
        (
            "timezone",
            "Timezone",
            theirs.timezone == mine.timezone,
            theirs.timezone.clone(),
        ),
        (
            "invoice_prefix",
            "Invoice prefix",
            theirs.invoice_prefix == mine.invoice_prefix,
            theirs.invoice_prefix.clone(),
        ),
        (
            "tax_rate",
            "Tax rate",
            num(&theirs.tax_rate, &mine.tax_rate),
            format!("{}%", theirs.tax_rate),
        ),
        (
            "tax_rounding",
            "Tax rounding",
            theirs.tax_rounding == mine.tax_rounding,
            theirs.tax_rounding.replace('_', " "),
        ),
        (
            "labour_rate",
            "Labour rate",
            num(&theirs.labour_rate, &mine.labour_rate),
            format!("{} {}", theirs.currency, theirs.labour_rate),
        ),
        (
            "labour_cost_rate",
            "Labour cost",
            num(&theirs.labour_cost_rate, &mine.labour_cost_rate),
            format!("{} {}", theirs.currency, theirs.labour_cost_rate),
        ),
        (
            "address",
            "Address",
            theirs.address == mine.address,
            theirs.address.clone(),
        ),
        (
            "phone",
            "Phone",
            theirs.phone == mine.phone,
            theirs.phone.clone(),
        ),
        (
            "currency",
            "Currency",
            theirs.currency == mine.currency,
            theirs.currency.clone(),
        ),
        (
            "tax_registration",
            "Tax registration",
            theirs.tax_registration == mine.tax_registration,
            theirs.tax_registration.clone(),
        ),
        (
            "country",
            "Country",
            theirs.country == mine.country,
            theirs.country.clone(),
        ),
        (
            "active",
            "Active",
            theirs.active == mine.active,
            if theirs.active {
                "yes".into()
            } else {
                "no".into()
            },
        ),
    ];
    let mut differ: Vec<&str> = Vec::new();
    for (field, label, same, value) in &fields {
        if !same {
            differ.push(label);
            errors.add(
                field,
                format!(
                    "Their save holds: {}",
                    if value.is_empty() { "(empty)" } else { value }
                ),
            );
        }
    }
    if theirs.hours() != mine.opening_hours {
        differ.push("Opening hours");
    }
    let what = match differ.is_empty() {
        true => "the same settings as this form".to_string(),
        false => format!("different {}", differ.join(", ")),
    };
    errors.add(
        "form",
        format!(
            "Someone else saved this branch while you were editing: their save holds {what}. \
             Nothing of yours was saved; check the fields marked and save again to keep yours."
        ),
    );
    errors.add("stale", "yes");
    errors
}

/// The first branch, creating a "Main branch" when there is none (for `create-admin` on an
/// empty installation).
pub fn first_or_create_default(conn: &mut PgConnection) -> Result<Branch, RepoError> {
    if let Some(b) = branches::table
        .select(Branch::as_select())
        .order(branches::id.asc())
        .first(conn)
        .optional()?
    {
        return Ok(b);
    }
    let input = BranchInput {
        name: "Main branch".into(),
        timezone: "UTC".into(),
        invoice_prefix: "INV-".into(),
        tax_rate: bigdecimal::BigDecimal::from(0),
        tax_rounding: "per_line".into(),
        labour_rate: bigdecimal::BigDecimal::from(0),
        labour_cost_rate: bigdecimal::BigDecimal::from(20),
        address: String::new(),
        phone: String::new(),
        opening_hours: OpeningHours::standard(),
        active: true,
        currency: "KES".into(),
        tax_registration: String::new(),
        country: "KE".into(),
    };
    create(conn, &input, &By::default())
}

fn map_unique(e: diesel::result::Error) -> RepoError {
    match unique_violation(&e) {
        Some("branches_name_key") => {
            FieldErrors::single("name", "Another branch already has this name.").into()
        }
        Some("branches_invoice_prefix_key") => {
            FieldErrors::single("invoice_prefix", "Another branch already uses this prefix.").into()
        }
        _ => e.into(),
    }
}

/// The branch's logo for its customers' pages: the image and its type.
pub fn logo(conn: &mut PgConnection, id: i64) -> Result<Option<(Vec<u8>, String)>, RepoError> {
    let found: Option<(Option<Vec<u8>>, Option<String>)> = branches::table
        .find(id)
        .select((branches::logo, branches::logo_type))
        .first(conn)
        .optional()?;
    Ok(found.and_then(|(image, kind)| image.zip(kind)))
}

/// Whether the branch has a logo.
pub fn has_logo(conn: &mut PgConnection, id: i64) -> Result<bool, RepoError> {
    Ok(diesel::select(diesel::dsl::exists(
        branches::table
            .find(id)
            .filter(branches::logo.is_not_null()),
    ))
    .get_result(conn)?)
}

/// Sets (or with `None` takes off) the branch's logo, audited.
pub fn set_logo(
    conn: &mut PgConnection,
    id: i64,
    logo: Option<(Vec<u8>, &str)>,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let (image, kind) = match &logo {
            Some((image, kind)) => (Some(image.as_slice()), Some(*kind)),
            None => (None, None),
        };
        let n = diesel::update(branches::table.find(id))
            .set((branches::logo.eq(image), branches::logo_type.eq(kind)))
            .execute(conn)?;
        if n == 0 {
            return Err(RepoError::NotFound);
        }
        let after = match &logo {
            Some((image, kind)) => serde_json::json!({ "logo": kind, "bytes": image.len() }),
            None => serde_json::json!({ "logo": null }),
        };
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("branch.logo", "branch", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .change(None, Some(after)),
        )
    })
}

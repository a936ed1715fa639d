//! Issuing: the branch's next number, lines frozen, units sold, stock out of the ledger and
//! warranties started, in one transaction.

use bigdecimal::ToPrimitive;
use diesel::prelude::*;

use super::{ClaimedInvoice, current_status, lock, not_negative, totals_of, warranty_event};
use crate::domain::asset::{AssetStatus, Cause};
use crate::domain::invoice::{InvoiceStatus, LineKind, WarrantyTier};
use crate::domain::warranty::WarrantyStatus;
use crate::models::invoice::{Invoice, InvoiceLine};
use crate::repo::stock::{self, Posting};
use crate::repo::submissions::{self, Claimed, Once};
use crate::repo::{By, RepoError, assets, unique_violation};
use crate::schema::{
    assets as assets_t, invoice_lines, product_models, stock_items, warranties, warranty_terms,
};

/// Warranty length in days for a line: the model's own standard length (units) or the
/// category's; premium from the category's terms.
fn warranty_days(
    conn: &mut PgConnection,
    line: &InvoiceLine,
    tier: WarrantyTier,
) -> Result<i32, RepoError> {
    let (category, model_days): (String, Option<i32>) = match (line.asset_id, line.stock_item_id) {
        (Some(asset), _) => product_models::table
            .inner_join(assets_t::table)
            .filter(assets_t::id.eq(asset))
            .select((
                product_models::category,
                product_models::warranty_days.nullable(),
            ))
            .first(conn)?,
        (_, Some(item)) => (
            stock_items::table
                .find(item)
                .select(stock_items::category)
                .first(conn)?,
            None,
        ),
        _ => return Ok(0),
    };
    let terms: Option<(i32, i32)> = warranty_terms::table
        .find(&category)
        .select((warranty_terms::standard_days, warranty_terms::premium_days))
        .first(conn)
        .optional()?;
    let (standard, premium) = terms.unwrap_or((30, 90));
    Ok(match tier {
        WarrantyTier::Standard => model_days.filter(|d| *d > 0).unwrap_or(standard),
        WarrantyTier::Premium => premium.max(model_days.unwrap_or(0)),
    })
}

/// What issuing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The number given.
    pub number: String,
}

fn line_ref(position: usize, line: &InvoiceLine) -> String {
    format!("Line {} ({})", position + 1, line.description)
}

/// Issues a draft: every unit sold, every stock line out of the ledger, warranties created, the
/// branch's next number taken — all in this transaction, or nothing, with a message naming the
/// line that blocked it.
pub fn issue(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    by: &By,
) -> Result<Issued, RepoError> {
    crate::repo::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        issue_locked(conn, inv, by)
    })
}

/// [`issue`] once per submission id (see `submissions`): the statement that locks the invoice
/// also claims the id, storing `shown_at` as where its result is shown.
pub fn issue_once(
    conn: &mut PgConnection,
    submission: uuid::Uuid,
    user_id: Option<i64>,
    shown_at: &str,
    (branch_id, invoice_id): (i64, i64),
    by: &By,
) -> Result<Once<Issued>, RepoError> {
    use diesel::sql_types::{BigInt, Nullable, Text, Uuid};
    submissions::once_claiming(conn, submission, |conn| {
        let query = crate::repo::prepared::prepared(concat!(
            "WITH ",
            crate::claim_showing_cte!(),
            " SELECT (SELECT result FROM claim) AS claimed, NULL::bigint AS claimed_id, i.* FROM invoices i \
             WHERE i.id = $4 AND i.branch_id = $5 FOR UPDATE OF i"
        ))
        .bind::<Uuid, _>(submission) // $1
        .bind::<Nullable<BigInt>, _>(user_id) // $2
        .bind::<Text, _>(shown_at) // $3
        .bind::<BigInt, _>(invoice_id) // $4
        .bind::<BigInt, _>(branch_id); // $5
        let Some(ClaimedInvoice {
            claimed: Some(shown_at),
            invoice,
            ..
        }) = ClaimedInvoice::lock(conn, query)?
        else {
            return Ok(Claimed::Taken);
        };
        let issued = issue_locked(conn, invoice.scaled(), by)?;
        Ok(Claimed::Done(issued, shown_at))
    })
}

/// Issues the invoice `inv`, whose row this transaction has locked.
fn issue_locked(conn: &mut PgConnection, inv: Invoice, by: &By) -> Result<Issued, RepoError> {
    let (branch_id, invoice_id) = (inv.branch_id, inv.id);
    if inv.state() != InvoiceStatus::Draft {
        return Err(RepoError::Conflict(format!(
            "{} is {} already.",
            inv.label(),
            inv.state().words()
        )));
    }
    // The branch's next number is taken in the statement that reads the lines, so that every
    // reference below can name it; the counter row stays locked until this transaction
    // ends, so numbers are consecutive and, as a failed issue (no lines, say) rolls the
    // increment back, gapless.
    #[derive(QueryableByName)]
    struct Numbered {
        #[diesel(embed)]
        line: InvoiceLine,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        next_seq: i32,
        #[diesel(sql_type = diesel::sql_types::Text)]
        next_prefix: String,
    }
    let numbered: Vec<Numbered> = crate::repo::prepared::prepared(
        "WITH n AS ( \
           INSERT INTO invoice_counters AS c (branch_id, last_number) VALUES ($1, 1) \
           ON CONFLICT (branch_id) DO UPDATE SET last_number = c.last_number + 1 \
           RETURNING c.last_number AS next_seq, \
                     (SELECT invoice_prefix FROM branches WHERE id = $1) AS next_prefix) \
         SELECT l.*, n.next_seq, n.next_prefix FROM n, invoice_lines l \
         WHERE l.invoice_id = $2 ORDER BY l.id",
    )
    .bind::<diesel::sql_types::BigInt, _>(branch_id) // $1
    .bind::<diesel::sql_types::BigInt, _>(invoice_id) // $2
    .load(conn)?;
    let Some((seq, prefix)) = numbered
        .first()
        .map(|n| (n.next_seq, n.next_prefix.clone()))
    else {
        return Err(RepoError::Conflict(
            "Add at least one line before issuing.".into(),
        ));
    };
    let lines: Vec<InvoiceLine> = numbered.into_iter().map(|n| n.line).collect();
    // The totals as the lines stand, from the lines just read; stored with the status below.
    let amounts: Vec<_> = lines
        .iter()
        .map(|l| (l.net.clone(), l.tax.clone()))
        .collect();
    let (subtotal, tax_total, total) = not_negative(totals_of(&inv, &amounts))?;
    let number = format!("{prefix}{seq:06}");
    let reference = format!("invoice {number}");
    let today = by.today;
    for (i, line) in lines.iter().enumerate() {
        match line.line_kind() {
            LineKind::Asset => {
                let asset_id = line.asset_id.unwrap_or_default();
                let before = assets::get(conn, branch_id, asset_id).map_err(|e| match e {
                    RepoError::NotFound => RepoError::Conflict(format!(
                        "{}: the unit is no longer at this branch.",
                        line_ref(i, line)
                    )),
                    other => other,
                })?;
                assets::transition(conn, branch_id, asset_id, AssetStatus::Sold, Cause::Invoice, &reference, by)
                    .map_err(|e| match e {
                        RepoError::Conflict(_) => RepoError::Conflict(format!(
                            "{}: unit {} is {}; only units ready for sale or reserved can be sold. Nothing was issued.",
                            line_ref(i, line),
                            before.asset_tag,
                            current_status(conn, asset_id).unwrap_or_else(|| before.status().words())
                        )),
                        other => other,
                    })?;
                diesel::update(invoice_lines::table.find(line.id))
                    .set(invoice_lines::asset_status_before.eq(&before.status))
                    .execute(conn)?;
            }
            LineKind::Stock => {
                let quantity = line.quantity.to_i32().unwrap_or(0);
                let p = Posting {
                    stock_item_id: line.stock_item_id.unwrap_or_default(),
                    branch_id,
                    kind: "sale",
                    quantity: -quantity,
                    unit_cost: line.unit_cost.clone(),
                    reason: "",
                    reference: &reference,
                };
                stock::post(conn, &p, by).map_err(|e| match e {
                    RepoError::Validation(errors) => RepoError::Conflict(format!(
                        "{}: {} Nothing was issued.",
                        line_ref(i, line),
                        errors
                            .iter()
                            .map(|(_, m)| m.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                    other => other,
                })?;
            }
            _ => {}
        }
    }
    // The invoice is issued: from here its lines are frozen but for their bookkeeping. Its
    // new status and totals, its lines going live and the `issued` event are one statement.
    {
        use diesel::sql_types::{BigInt, Integer, Nullable, Numeric, Text};
        crate::repo::prepared::prepared(
            "WITH i AS ( \
               UPDATE invoices SET status = $2, number = $3, seq = $4, issued_by = $5, issued_at = now(), \
                      subtotal = $6, tax_total = $7, total = $8, issued_cents = ($6 * 100)::bigint, \
                      updated_at = now() \
               WHERE id = $1), \
             l AS (UPDATE invoice_lines SET live = true WHERE invoice_id = $1) \
             INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
             VALUES ($1, $9, $2, $3, $5)",
        )
        .bind::<BigInt, _>(invoice_id) // $1
        .bind::<Text, _>(InvoiceStatus::Issued.as_str()) // $2
        .bind::<Text, _>(&number) // $3
        .bind::<Integer, _>(seq) // $4
        .bind::<Nullable<BigInt>, _>(by.user_id) // $5
        .bind::<Numeric, _>(&subtotal) // $6
        .bind::<Numeric, _>(&tax_total) // $7
        .bind::<Numeric, _>(&total) // $8
        .bind::<Text, _>(InvoiceStatus::Draft.as_str()) // $9
        .execute(conn)
        .map_err(|e| match unique_violation(&e) {
            Some("invoice_lines_live_asset_key") => RepoError::Conflict(
                "A unit on this invoice was sold on another invoice a moment ago. Nothing was issued.".into(),
            ),
            _ => e.into(),
        })?;
    }
    for line in &lines {
        let Some(tier) = line
            .warranty_tier
            .as_deref()
            .and_then(|t| t.parse::<WarrantyTier>().ok())
        else {
            continue;
        };
        let days = warranty_days(conn, line, tier)?;
        if days <= 0 {
            continue;
        }
        let warranty: i64 = diesel::insert_into(warranties::table)
            .values((
                warranties::invoice_line_id.eq(line.id),
                warranties::invoice_id.eq(invoice_id),
                warranties::branch_id.eq(branch_id),
                warranties::customer_id.eq(inv.customer_id),
                warranties::asset_id.eq(line.asset_id),
                warranties::stock_item_id.eq(line.stock_item_id),
                warranties::tier.eq(tier.as_str()),
                warranties::starts_on.eq(today),
                warranties::ends_on.eq(today + chrono::Duration::days(i64::from(days))),
            ))
            .returning(warranties::id)
            .get_result(conn)?;
        warranty_event(
            conn,
            warranty,
            None,
            WarrantyStatus::Active.as_str(),
            &reference,
            by,
        )?;
    }
    // A repair's deposits, held against its ticket, are paid onto its invoice now.
    if let Some(ticket) = inv.ticket_id {
        crate::repo::tickets::intake::apply_deposits(
            conn,
            branch_id,
            (ticket, invoice_id),
            &total,
            by,
        )?;
    }
    Ok(Issued { number })
}

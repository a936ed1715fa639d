//! Payments: split tender until paid, never above the total, once per submission.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{ClaimedInvoice, lock};
use crate::domain::invoice::{self as rules, InvoiceStatus, PaymentMethod};
use crate::domain::validation::FieldErrors;
use crate::models::invoice::Invoice;
use crate::repo::submissions::{self, Claimed, Once};
use crate::repo::{By, RepoError};

/// What a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    /// The payment row.
    pub payment_id: i64,
    /// Applied to the invoice.
    pub amount: BigDecimal,
    /// Change handed back.
    pub change: BigDecimal,
    /// The invoice's status after it.
    pub status: InvoiceStatus,
}

/// The sequence payments take their ids from (a receipt's address names its payment, so
/// [`pay_once`] takes the id with the submission's claim).
pub const PAYMENT_IDS: &str = "payments_id_seq";

/// How a payment is offered at the counter.
#[derive(Debug, Clone, Copy)]
pub struct Tender<'a> {
    /// How the customer pays.
    pub method: PaymentMethod,
    /// The amount handed over.
    pub offered: &'a BigDecimal,
    /// The reference typed (a transaction code), or empty.
    pub reference: &'a str,
}

/// Takes a payment. Under the invoice's row lock: the invoice must take payments, the amount is
/// above zero and never takes the paid total above the total (cash above the balance pays the
/// balance and records the change).
pub fn pay(
    conn: &mut PgConnection,
    branch_id: i64,
    invoice_id: i64,
    method: PaymentMethod,
    offered: &BigDecimal,
    reference: &str,
    by: &By,
) -> Result<Paid, RepoError> {
    let tender = Tender {
        method,
        offered,
        reference,
    };
    crate::repo::tx(conn, |conn| {
        let inv = lock(conn, branch_id, invoice_id)?;
        pay_locked(conn, None, inv, tender, by)
    })
}

/// [`pay`] once per submission id (see `submissions`): the statement that locks the invoice also
/// claims the id and takes the payment's id, so the receipt's address, `receipt` followed by the
/// payment id, is stored with the claim.
pub fn pay_once(
    conn: &mut PgConnection,
    submission: uuid::Uuid,
    user_id: Option<i64>,
    receipt: &str,
    (branch_id, invoice_id): (i64, i64),
    tender: Tender<'_>,
    by: &By,
) -> Result<Once<Paid>, RepoError> {
    use diesel::sql_types::{BigInt, Nullable, Text, Uuid};
    submissions::once_claiming(conn, submission, |conn| {
        let query = crate::repo::prepared::prepared(concat!(
            "WITH ",
            crate::claim_numbered_cte!(),
            " SELECT (SELECT result FROM claim) AS claimed, \
                     (SELECT numbered.id FROM numbered, claim) AS claimed_id, i.* FROM invoices i \
             WHERE i.id = $5 AND i.branch_id = $6 FOR UPDATE OF i"
        ))
        .bind::<Uuid, _>(submission) // $1
        .bind::<Nullable<BigInt>, _>(user_id) // $2
        .bind::<Text, _>(receipt) // $3
        .bind::<Text, _>(PAYMENT_IDS) // $4
        .bind::<BigInt, _>(invoice_id) // $5
        .bind::<BigInt, _>(branch_id); // $6
        let Some(ClaimedInvoice {
            claimed: Some(shown_at),
            claimed_id: Some(payment_id),
            invoice,
        }) = ClaimedInvoice::lock(conn, query)?
        else {
            return Ok(Claimed::Taken);
        };
        let inv = invoice.scaled();
        let paid = pay_locked(conn, Some(payment_id), inv, tender, by)?;
        Ok(Claimed::Done(paid, shown_at))
    })
}

/// Takes the payment on the invoice `inv`, whose row this transaction has locked.
fn pay_locked(
    conn: &mut PgConnection,
    payment_id: Option<i64>,
    inv: Invoice,
    tender: Tender<'_>,
    by: &By,
) -> Result<Paid, RepoError> {
    let Tender {
        method,
        offered,
        reference,
    } = tender;
    let (branch_id, invoice_id) = (inv.branch_id, inv.id);
    let state = inv.state();
    if !state.takes_payments() {
        return Err(RepoError::Conflict(match state {
            InvoiceStatus::Draft => "A draft takes no payments; issue it first.".to_string(),
            InvoiceStatus::Paid => format!("{} is paid in full.", inv.label()),
            other => format!(
                "{} is {}; it takes no payments.",
                inv.label(),
                other.words()
            ),
        }));
    }
    let applied = rules::apply_payment(method, offered, &inv.balance())
        .map_err(|m| FieldErrors::single("amount", m))?;
    let paid = &inv.paid_total + &applied.amount;
    let status = rules::after_payment(&inv.total, &paid);
    // The payment, the invoice's paid total and status, and the event when the status
    // changes: one statement under the lock taken above.
    use diesel::sql_types::{BigInt, Bool, Nullable, Numeric, Text};
    let payment_id = crate::repo::prepared::prepared(
        "WITH p AS ( \
           INSERT INTO payments (id, invoice_id, branch_id, method, amount, tendered, change_given, reference, received_by) \
           VALUES (COALESCE($14, nextval($15::regclass)), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id), \
         u AS (UPDATE invoices SET paid_total = $9, status = $10, updated_at = now() WHERE id = $1), \
         e AS ( \
           INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
           SELECT $1, $11, $10, $12, $8 WHERE $13) \
         SELECT id FROM p",
    )
    .bind::<BigInt, _>(invoice_id) // $1
    .bind::<BigInt, _>(branch_id) // $2
    .bind::<Text, _>(method.as_str()) // $3
    .bind::<Numeric, _>(&applied.amount) // $4
    .bind::<Nullable<Numeric>, _>(&applied.tendered) // $5
    .bind::<Numeric, _>(&applied.change) // $6
    .bind::<Text, _>(reference.trim()) // $7
    .bind::<Nullable<BigInt>, _>(by.user_id) // $8
    .bind::<Numeric, _>(&paid) // $9
    .bind::<Text, _>(status.as_str()) // $10
    .bind::<Text, _>(state.as_str()) // $11
    .bind::<Text, _>(format!("{} {}", method.label(), applied.amount)) // $12
    .bind::<Bool, _>(status != state) // $13
    .bind::<Nullable<BigInt>, _>(payment_id) // $14
    .bind::<Text, _>(PAYMENT_IDS) // $15
    .get_result::<crate::repo::prepared::Id>(conn)?
    .id;
    Ok(Paid {
        payment_id,
        amount: applied.amount,
        change: applied.change,
        status,
    })
}

//! Reading invoices: the invoice page, the list, the day's takings, warranty terms.
//!
//! Over 300 lines: the invoice page is read in one unit of work with its lines, payments, credit
//! notes and history, and the list and the takings share its filters.

use crate::repo::events::{self, Trail};
use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::invoice::{InvoiceStatus, PaymentMethod};
pub use crate::models::invoice::{CreditNoteRow, InvoiceView, TicketInvoice};
use crate::models::invoice::{Invoice, InvoiceLine, Payment};
use crate::repo::RepoError;
use crate::schema::{
    credit_notes, customers, invoice_lines, invoices, payments, refund_payments, staff_users,
    warranties,
};

/// One invoice of the branch with its lines, payments, credit notes, warranties and history.
/// The branch of invoice `id` once it is issued (a customer's receipt link never shows a
/// draft).
pub fn issued_branch_of(conn: &mut PgConnection, id: i64) -> Result<i64, RepoError> {
    Ok(invoices::table
        .find(id)
        .filter(invoices::status.ne("draft"))
        .select(invoices::branch_id)
        .first(conn)?)
}

pub fn view(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<InvoiceView, RepoError> {
    let invoice: Invoice = invoices::table
        .find(id)
        .filter(invoices::branch_id.eq(branch_id))
        .select(Invoice::as_select())
        .first::<Invoice>(conn)?
        .scaled();
    let (customer, customer_phone) = match invoice.customer_id {
        Some(c) => customers::table
            .find(c)
            .select((customers::name, customers::phone))
            .first(conn)?,
        None => (
            if invoice.walk_in_name.is_empty() {
                "Walk-in customer".to_string()
            } else {
                invoice.walk_in_name.clone()
            },
            String::new(),
        ),
    };
    let sales_person = match invoice.sales_person_id {
        Some(s) => staff_users::table
            .find(s)
            .select(staff_users::full_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .select(InvoiceLine::as_select())
        .order(invoice_lines::id)
        .load::<InvoiceLine>(conn)?
        .into_iter()
        .map(InvoiceLine::scaled)
        .collect();
    let payments = payments::table
        .filter(payments::invoice_id.eq(id))
        .select(Payment::as_select())
        .order(payments::id)
        .load::<Payment>(conn)?
        .into_iter()
        .map(Payment::scaled)
        .collect();
    let credit_notes = credit_notes::table
        .left_join(refund_payments::table)
        .filter(credit_notes::invoice_id.eq(id))
        .select((
            credit_notes::id,
            credit_notes::at,
            credit_notes::reason,
            credit_notes::total,
            refund_payments::method.nullable(),
        ))
        .order(credit_notes::id)
        .load(conn)?;
    let warranties = warranties::table
        .filter(warranties::invoice_id.eq(id))
        .select((
            warranties::invoice_line_id,
            warranties::tier,
            warranties::ends_on,
            warranties::status,
        ))
        .load(conn)?;
    let events = events::read(conn, Trail::Invoice(id))?;
    Ok(InvoiceView {
        invoice,
        customer,
        customer_phone,
        sales_person,
        lines,
        payments,
        credit_notes,
        warranties,
        events,
    })
}

/// An invoice in a list: header and customer name.
pub type ListRow = (Invoice, Option<String>);

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Number, customer name or walk-in name contains this.
    pub q: String,
    /// One status.
    pub status: Option<InvoiceStatus>,
    /// Created on or after (branch-local date bounds, as UTC instants).
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
}

/// The branch's invoices, newest first; one page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    f: &ListFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListRow>, i64), RepoError> {
    let q = f.q.trim();
    let pattern = format!("%{}%", crate::repo::audit::escape_like(q));
    // Customers whose name matches, fetched first (at most 500) so the invoice filter is an
    // `= ANY` that an index answers, beside the trigram indexes on number and walk-in name.
    let named: Vec<i64> = if q.is_empty() {
        Vec::new()
    } else {
        customers::table
            .filter(customers::name.ilike(&pattern))
            .select(customers::id)
            .limit(500)
            .load(conn)?
    };
    let filtered = || {
        let mut query = invoices::table
            .filter(invoices::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = f.status {
            query = query.filter(invoices::status.eq(s.as_str()));
        }
        if let Some(from) = f.from {
            query = query.filter(invoices::created_at.ge(from));
        }
        if let Some(to) = f.to {
            query = query.filter(invoices::created_at.lt(to));
        }
        if !q.is_empty() {
            query = query.filter(
                invoices::number
                    .ilike(pattern.clone())
                    .or(invoices::customer_id.eq_any(named.clone()))
                    .or(invoices::walk_in_name.ilike(pattern.clone())),
            );
        }
        query
    };
    // One walk of the matches in list order gives the bounded count and the page's ids; then
    // only the page's rows are read, with their customers.
    let all: Vec<i64> = filtered()
        .select(invoices::id)
        .order(invoices::id.desc())
        .limit(crate::repo::COUNT_CAP)
        .load(conn)?;
    let ids = crate::repo::page_of(&all, offset, limit);
    let total = crate::repo::bounded_total(all);
    let rows = invoices::table
        .left_join(customers::table)
        .filter(invoices::id.eq_any(&ids))
        .select((Invoice::as_select(), customers::name.nullable()))
        .order(invoices::id.desc())
        .load::<ListRow>(conn)?
        .into_iter()
        .map(|(i, c)| (i.scaled(), c))
        .collect();
    Ok((rows, total))
}

/// The cash-up sheet: per method, money taken and money refunded in `[from, to)` at the branch.
pub fn takings(
    conn: &mut PgConnection,
    branch_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, BigDecimal, BigDecimal, i64)>, RepoError> {
    let taken: Vec<(String, Option<BigDecimal>, i64)> = payments::table
        .filter(payments::branch_id.eq(branch_id))
        .filter(payments::at.ge(from))
        .filter(payments::at.lt(to))
        .group_by(payments::method)
        .select((
            payments::method,
            diesel::dsl::sum(payments::amount),
            diesel::dsl::count(payments::id),
        ))
        .load(conn)?;
    let refunded: Vec<(String, Option<BigDecimal>)> = refund_payments::table
        .filter(refund_payments::branch_id.eq(branch_id))
        .filter(refund_payments::at.ge(from))
        .filter(refund_payments::at.lt(to))
        .group_by(refund_payments::method)
        .select((
            refund_payments::method,
            diesel::dsl::sum(refund_payments::amount),
        ))
        .load(conn)?;
    // Deposits count when they are taken (on a preorder or a ticket), not again when applied to
    // the final invoice.
    use crate::schema::{preorder_deposits as pd, ticket_deposits as td};
    let mut deposits: Vec<(String, Option<BigDecimal>, i64)> = pd::table
        .filter(pd::branch_id.eq(branch_id))
        .filter(pd::at.ge(from))
        .filter(pd::at.lt(to))
        .group_by(pd::method)
        .select((
            pd::method,
            diesel::dsl::sum(pd::amount),
            diesel::dsl::count(pd::id),
        ))
        .load(conn)?;
    deposits.extend(
        td::table
            .filter(td::branch_id.eq(branch_id))
            .filter(td::at.ge(from))
            .filter(td::at.lt(to))
            .group_by(td::method)
            .select((
                td::method,
                diesel::dsl::sum(td::amount),
                diesel::dsl::count(td::id),
            ))
            .load::<(String, Option<BigDecimal>, i64)>(conn)?,
    );
    let mut taken = taken;
    for (method, amount, n) in deposits {
        match taken.iter_mut().find(|t| t.0 == method) {
            Some(t) => {
                t.1 = Some(t.1.clone().unwrap_or_default() + amount.unwrap_or_default());
                t.2 += n;
            }
            None => taken.push((method, amount, n)),
        }
    }
    let mut rows = Vec::new();
    for m in PaymentMethod::ALL
        .iter()
        .filter(|m| **m != PaymentMethod::Deposit)
    {
        let t = taken.iter().find(|r| r.0 == m.as_str());
        let r = refunded.iter().find(|r| r.0 == m.as_str());
        if t.is_none() && r.is_none() {
            continue;
        }
        rows.push((
            m.as_str().to_string(),
            t.and_then(|t| t.1.clone())
                .unwrap_or_default()
                .with_scale(2),
            r.and_then(|r| r.1.clone())
                .unwrap_or_default()
                .with_scale(2),
            t.map(|t| t.2).unwrap_or(0),
        ));
    }
    Ok(rows)
}

/// The warranty terms printed with an invoice: (category, terms) of its warrantied lines.
pub fn warranty_terms_of(
    conn: &mut PgConnection,
    invoice_id: i64,
) -> Result<Vec<(String, String)>, RepoError> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        category: String,
        #[diesel(sql_type = Text)]
        terms: String,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT DISTINCT t.category, t.terms FROM warranties w \
         LEFT JOIN assets a ON a.id = w.asset_id \
         LEFT JOIN product_models m ON m.id = a.product_model_id \
         LEFT JOIN stock_items s ON s.id = w.stock_item_id \
         JOIN warranty_terms t ON t.category = COALESCE(m.category, s.category) \
         WHERE w.invoice_id = $1 AND w.status <> 'void' ORDER BY t.category",
    )
    .bind::<BigInt, _>(invoice_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.category, r.terms)).collect())
}

/// The ticket's invoice, if it has one that is not void: (id, number or none for a draft,
/// status). A ticket has at most one (`invoices_one_live_per_ticket`).
pub fn of_ticket(
    conn: &mut PgConnection,
    ticket_id: i64,
) -> Result<Option<TicketInvoice>, RepoError> {
    let row: Option<(i64, Option<String>, String)> = invoices::table
        .filter(invoices::ticket_id.eq(ticket_id))
        .filter(invoices::status.ne(InvoiceStatus::Void.as_str()))
        .select((invoices::id, invoices::number, invoices::status))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, number, status)| TicketInvoice {
        id,
        number,
        status: status.parse().unwrap_or(InvoiceStatus::Draft),
    }))
}

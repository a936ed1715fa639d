//! Drafts: a new one at the counter, or the ticket's, with its lines copied.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::lines::{NewLine, add_line};
use crate::domain::invoice::InvoiceStatus;
use crate::domain::money::cents;
use crate::domain::validation::FieldErrors;
use crate::repo::{By, RepoError};
use crate::schema::{branches, invoices, ticket_lines, tickets, time_entries};

/// A new draft's header.
#[derive(Debug, Clone, Default)]
pub struct NewInvoice {
    /// The customer, or none for a walk-in.
    pub customer_id: Option<i64>,
    /// A walk-in's name (optional).
    pub walk_in_name: String,
    /// Where the sale came from.
    pub lead_source: String,
    /// Who made the sale.
    pub sales_person_id: Option<i64>,
    /// Free text printed on the invoice.
    pub note: String,
}

/// Starts a draft at the branch (with the branch's tax settings); returns its id.
pub fn create_draft(
    conn: &mut PgConnection,
    branch_id: i64,
    input: &NewInvoice,
    by: &By,
) -> Result<i64, RepoError> {
    // a sales person is one of the branch's own active staff, or whoever makes the sale
    // (issue 36, hole 9)
    if let Some(person) = input.sales_person_id.filter(|p| Some(*p) != by.user_id) {
        use crate::schema::staff_users as s;
        let theirs: i64 = s::table
            .filter(s::id.eq(person))
            .filter(s::home_branch_id.eq(branch_id))
            .filter(s::active.eq(true))
            .count()
            .get_result(conn)?;
        if theirs == 0 {
            return Err(FieldErrors::single(
                "sales_person_id",
                "Choose a sales person of this branch from the list.",
            )
            .into());
        }
    }
    // The branch's tax settings are copied, the customer is checked and the `draft` event
    // written in the same statement; no row back means the customer is gone.
    use diesel::sql_types::{BigInt, Nullable, Text};
    let started: Option<crate::repo::prepared::Id> = crate::repo::prepared::prepared(
        "WITH i AS ( \
           INSERT INTO invoices (branch_id, customer_id, walk_in_name, lead_source, sales_person_id, note, \
                                 tax_rate, tax_rounding, created_by) \
           SELECT $1, $2, $3, $4, $5, $6, b.tax_rate, b.tax_rounding, $7 FROM branches b \
           WHERE b.id = $1 AND ($2 IS NULL OR EXISTS ( \
             SELECT 1 FROM customers c WHERE c.id = $2 AND c.archived_at IS NULL)) \
           RETURNING id), \
         e AS ( \
           INSERT INTO invoice_events (invoice_id, from_status, to_status, note, actor_user_id) \
           SELECT id, NULL, $8, '', $7 FROM i) \
         SELECT id FROM i",
    )
    .bind::<BigInt, _>(branch_id) // $1
    .bind::<Nullable<BigInt>, _>(input.customer_id) // $2
    .bind::<Text, _>(input.walk_in_name.trim()) // $3
    .bind::<Text, _>(input.lead_source.trim()) // $4
    .bind::<Nullable<BigInt>, _>(input.sales_person_id.or(by.user_id)) // $5
    .bind::<Text, _>(input.note.trim()) // $6
    .bind::<Nullable<BigInt>, _>(by.user_id) // $7
    .bind::<Text, _>(InvoiceStatus::Draft.as_str()) // $8
    .get_result(conn)
    .optional()?;
    match started {
        Some(s) => Ok(s.id),
        None => Err(FieldErrors::single("customer_id", "Choose the customer again.").into()),
    }
}

/// The ticket's invoice: the one it has (draft, issued or paid; only a void one is left behind),
/// or a new draft for the ticket's customer with the ticket's lines copied (labour at its hours
/// and rate, parts and fees as fees).
pub fn draft_from_ticket(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    by: &By,
) -> Result<i64, RepoError> {
    crate::repo::tx(conn, |conn| {
        let (customer, number): (i64, i32) = tickets::table
            .find(ticket_id)
            .filter(tickets::branch_id.eq(branch_id))
            .select((tickets::customer_id, tickets::number))
            .for_update()
            .first(conn)?;
        // A ticket has one invoice that is not void (a unique index holds it too); invoicing
        // it again opens that one, whatever its status. The ticket's row lock above makes two
        // clerks invoicing at once take turns.
        let existing: Option<i64> = invoices::table
            .filter(invoices::ticket_id.eq(ticket_id))
            .filter(invoices::status.ne(InvoiceStatus::Void.as_str()))
            .select(invoices::id)
            .first(conn)
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let id = create_draft(
            conn,
            branch_id,
            &NewInvoice {
                customer_id: Some(customer),
                note: format!("Ticket #{number}"),
                ..Default::default()
            },
            by,
        )?;
        diesel::update(invoices::table.find(id))
            .set(invoices::ticket_id.eq(ticket_id))
            .execute(conn)?;
        type Copied = (
            String,
            Option<i64>,
            String,
            BigDecimal,
            BigDecimal,
            Option<BigDecimal>,
        );
        let lines: Vec<Copied> = ticket_lines::table
            .filter(ticket_lines::ticket_id.eq(ticket_id))
            .select((
                ticket_lines::kind,
                ticket_lines::service_id,
                ticket_lines::description,
                ticket_lines::quantity,
                ticket_lines::unit_price,
                ticket_lines::unit_cost,
            ))
            .order(ticket_lines::id)
            .load(conn)?;
        for (kind, service, description, quantity, unit_price, unit_cost) in lines {
            let description = if quantity == 1 || kind == "labour" {
                description
            } else {
                format!("{description} × {}", quantity.normalized())
            };
            let line = match (kind.as_str(), service) {
                ("labour", Some(service_id)) if quantity == 1 => NewLine::Service {
                    service_id,
                    price: Some(unit_price),
                },
                ("labour", _) => NewLine::Labour {
                    description,
                    hours: quantity,
                    rate: unit_price,
                },
                ("part", for_service_id) => NewLine::Part {
                    description,
                    amount: cents(&(&quantity * &unit_price)),
                    cost: unit_cost.map(|c| &quantity * c),
                    for_service_id,
                },
                _ => NewLine::Fee {
                    description,
                    amount: cents(&(&quantity * &unit_price)),
                },
            };
            add_line(conn, branch_id, id, &line)?;
        }
        // Approved, billable clocked time not billed yet, at the branch's labour rate.
        let entries: Vec<(i64, Option<BigDecimal>)> = time_entries::table
            .filter(time_entries::ticket_id.eq(ticket_id))
            .filter(time_entries::approved_at.is_not_null())
            .filter(time_entries::billable.eq(true))
            .filter(time_entries::invoice_id.is_null())
            .select((time_entries::id, time_entries::hours))
            .for_update()
            .load(conn)?;
        let hours: BigDecimal = entries.iter().filter_map(|e| e.1.clone()).sum();
        if hours > BigDecimal::zero() {
            let rate: BigDecimal = branches::table
                .find(branch_id)
                .select(branches::labour_rate)
                .first(conn)?;
            add_line(
                conn,
                branch_id,
                id,
                &NewLine::Labour {
                    description: "time clocked on the job".into(),
                    hours: hours.with_scale_round(2, bigdecimal::RoundingMode::HalfUp),
                    rate,
                },
            )?;
            let ids: Vec<i64> = entries.iter().map(|e| e.0).collect();
            diesel::update(time_entries::table.filter(time_entries::id.eq_any(ids)))
                .set(time_entries::invoice_id.eq(id))
                .execute(conn)?;
        }
        Ok(id)
    })
}

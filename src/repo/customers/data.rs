//! A customer's own data, for their access request (GDPR article 15): everything kept about them
//! and their vehicles, devices and contacts, and every booking, ticket, invoice (with its lines,
//! payments and credit notes), warranty, preorder and message of theirs, as one JSON document.
//! Handing it out is audited (that it was, not what it held).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};

#[derive(QueryableByName)]
struct Bundle {
    #[diesel(sql_type = Text)]
    json: String,
}

/// The bundle of customer `id` (pretty JSON), and an audit row saying who took it.
pub fn bundle(conn: &mut PgConnection, id: i64, by: &By) -> Result<String, RepoError> {
    let rows: Vec<Bundle> = diesel::sql_query(
        "SELECT jsonb_pretty(jsonb_build_object( \
           'exported_at', now(), \
           'customer', to_jsonb(c) - 'search_text' - 'phone_digits', \
           'contacts', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM customer_contacts x WHERE x.customer_id = c.id), '[]'), \
           'vehicles', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM vehicles x WHERE x.customer_id = c.id), '[]'), \
           'devices', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM devices x WHERE x.customer_id = c.id), '[]'), \
           'bookings', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM bookings x WHERE x.customer_id = c.id), '[]'), \
           'tickets', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM tickets x WHERE x.customer_id = c.id), '[]'), \
           'invoices', coalesce((SELECT jsonb_agg(to_jsonb(i) || jsonb_build_object( \
               'lines', coalesce((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM invoice_lines l WHERE l.invoice_id = i.id), '[]'), \
               'payments', coalesce((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id) FROM payments p WHERE p.invoice_id = i.id), '[]'), \
               'credit_notes', coalesce((SELECT jsonb_agg(to_jsonb(n) ORDER BY n.id) FROM credit_notes n WHERE n.invoice_id = i.id), '[]')) \
             ORDER BY i.id) FROM invoices i WHERE i.customer_id = c.id), '[]'), \
           'warranties', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM warranties x WHERE x.customer_id = c.id), '[]'), \
           'preorders', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM preorders x WHERE x.customer_id = c.id), '[]'), \
           'messages', coalesce((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id) FROM message_outbox x WHERE x.customer_id = c.id), '[]') \
         )) AS json FROM customers c WHERE c.id = $1 AND c.erased_at IS NULL",
    )
    .bind::<BigInt, _>(id)
    .load(conn)?;
    let bundle = rows.into_iter().next().ok_or(RepoError::NotFound)?;
    crate::repo::audit::record(
        conn,
        NewAuditEntry::new("customer.data_export", "customer", Some(id.to_string()))
            .by(by.user_id, by.client_addr.as_deref()),
    )?;
    Ok(bundle.json)
}

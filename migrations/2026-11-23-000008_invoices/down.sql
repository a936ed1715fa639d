DROP TABLE form_submissions, warranty_events, warranties, warranty_terms, refund_payments,
    credit_note_lines, credit_notes, payments, invoice_events, invoice_lines, invoices, invoice_counters;
DROP FUNCTION invoice_lines_frozen();

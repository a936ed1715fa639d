DROP FUNCTION refresh_dashboards();
DROP TABLE dashboard_refreshes;
DROP MATERIALIZED VIEW dashboard_sales_daily;
DROP INDEX invoices_issued_idx, credit_notes_branch_at_idx, tickets_closed_idx, tickets_vehicle_idx,
    tickets_device_idx, time_entries_ended_idx, time_entries_invoice_idx;
ALTER TABLE branches DROP COLUMN labour_cost_rate;

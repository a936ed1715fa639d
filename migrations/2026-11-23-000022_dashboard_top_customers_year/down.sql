CREATE OR REPLACE FUNCTION refresh_dashboards() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7261133) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_sales_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_services_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_technicians_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_payments_daily;
    UPDATE dashboard_refreshes SET refreshed_at = clock_timestamp();
    RETURN true;
END
$$;
DELETE FROM dashboard_refreshes WHERE view_name = 'dashboard_top_customers';
DROP MATERIALIZED VIEW dashboard_top_customers;

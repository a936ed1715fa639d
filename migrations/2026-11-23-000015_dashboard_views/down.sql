CREATE OR REPLACE FUNCTION refresh_dashboards() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7261133) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_sales_daily;
    UPDATE dashboard_refreshes SET refreshed_at = clock_timestamp() WHERE view_name = 'dashboard_sales_daily';
    RETURN true;
END
$$;
DELETE FROM dashboard_refreshes WHERE view_name IN ('dashboard_services_daily', 'dashboard_technicians_daily');
DROP MATERIALIZED VIEW dashboard_technicians_daily, dashboard_services_daily;
-- dashboard_sales_daily keeps its goods_cost column; migration 12's down drops it.

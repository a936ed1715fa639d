DROP INDEX invoices_customer_issued_idx;
DO $$
BEGIN
    ALTER ROLE workbay_app RESET work_mem;
    ALTER ROLE workbay_app RESET random_page_cost;
    ALTER ROLE workbay_app RESET statement_timeout;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'workbay_app''s settings were not changed by this migration''s user';
END
$$;

DO $$
BEGIN
    ALTER ROLE workbay_app RESET jit;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'workbay_app''s jit setting was not changed by this migration''s user';
END
$$;

-- The application role must exist before any grant can name it. Creating roles needs CREATEROLE,
-- which the migrating connection may lack on a managed server; then an operator creates it first
-- (README: "Using your own PostgreSQL server") and this migration only checks it is there.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'workbay_app') THEN
        RAISE EXCEPTION 'role workbay_app is missing: run `workbay migrate` with a DATABASE_URL whose user may CREATE ROLE, or create it: CREATE ROLE workbay_app LOGIN NOBYPASSRLS';
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO workbay_app;

-- Measured against `demo --scale 8`: a year of top customers spent 0.5 s of its 2.7 s compiling
-- itself with JIT, which PostgreSQL turns on for any query it costs high. The application's
-- queries are short or read the dashboards' views; none runs long enough to win that back.
-- Changing a role needs CREATEROLE; where the migrating user lacks it, this is skipped with a
-- notice.
DO $$
BEGIN
    ALTER ROLE workbay_app SET jit = off;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'workbay_app keeps the server''s jit setting';
END
$$;

-- The session store reads a session and its account with one plain prepared statement
-- (repo::sessions::load_and_touch) instead of this PL/pgSQL function: the function ran three
-- statements of its own and returned through a tuple store, 0.18 ms a call against 0.13 ms.
DROP FUNCTION session_load(text, timestamptz, timestamptz, timestamptz, text);

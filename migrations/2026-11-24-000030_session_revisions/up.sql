-- Revisions that let the server keep a session in memory between requests and still prove, in
-- the first statement of every unit of work, that what it kept is what it would read now
-- (web::session_store, db::proof). Logging out, an administrator ending sessions, or another
-- server of the same shop changing one all show at once.

-- A session's revision moves when its state is replaced, not when its idle expiry is pushed on.
ALTER TABLE sessions ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;

-- An account's revision moves when anything a signed-in session carries of it changes.
ALTER TABLE staff_users ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION staff_users_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.username, NEW.full_name, NEW.role, NEW.home_branch_id, NEW.password_hash,
        NEW.must_change_password, NEW.active)
       IS DISTINCT FROM
       (OLD.id, OLD.username, OLD.full_name, OLD.role, OLD.home_branch_id, OLD.password_hash,
        OLD.must_change_password, OLD.active) THEN
        NEW.rev := OLD.rev + 1;
    ELSE
        NEW.rev := OLD.rev;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER staff_users_rev BEFORE UPDATE ON staff_users
    FOR EACH ROW EXECUTE FUNCTION staff_users_rev();

-- Every session carries the list of branches (names, timezones); one counter for all of them,
-- moved by any change to the table.
CREATE TABLE branches_rev (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    rev BIGINT NOT NULL
);
INSERT INTO branches_rev (one, rev) VALUES (TRUE, 0);
GRANT SELECT ON branches_rev TO workbay_app;

CREATE FUNCTION branches_rev_bump() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE branches_rev SET rev = rev + 1;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION branches_rev_bump() FROM PUBLIC;
CREATE TRIGGER branches_rev AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON branches
    FOR EACH STATEMENT EXECUTE FUNCTION branches_rev_bump();

-- The proof: raises (SQLSTATE WB001) unless the session is live at its revision, its account
-- (when it names one) at its revision, and the branches at theirs. PL/pgSQL, so its plans are
-- kept per connection; it runs in the batch that opens the transaction.
CREATE FUNCTION session_unchanged(p_key TEXT, p_rev BIGINT, p_user BIGINT, p_user_rev BIGINT,
                                  p_branches_rev BIGINT) RETURNS void
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sessions s
                   WHERE s.key_hash = p_key AND s.rev = p_rev
                     AND s.expires_at > now() AND s.absolute_expires_at > now())
       OR (p_user IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff_users u
                                              WHERE u.id = p_user AND u.rev = p_user_rev))
       OR NOT EXISTS (SELECT 1 FROM branches_rev b WHERE b.rev = p_branches_rev) THEN
        RAISE EXCEPTION 'workbay: the session changed' USING ERRCODE = 'WB001';
    END IF;
END $$;
GRANT EXECUTE ON FUNCTION session_unchanged(TEXT, BIGINT, BIGINT, BIGINT, BIGINT) TO workbay_app;

-- Server-side sessions. The cookie carries a random key; only its SHA-256 is stored, so a copy of
-- this table does not hand out live sessions.
CREATE TABLE sessions (
    key_hash TEXT PRIMARY KEY,
    user_id BIGINT REFERENCES staff_users (id) ON DELETE CASCADE,
    state JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- idle expiry, pushed forward by every request
    expires_at TIMESTAMPTZ NOT NULL,
    -- absolute expiry, fixed when the session is created (a login renews the session)
    absolute_expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO workbay_app;

-- Every login attempt, for throttling by account and by client address.
CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, at DESC);
CREATE INDEX login_attempts_client_idx ON login_attempts (client_addr, at DESC);
GRANT SELECT, INSERT, DELETE, UPDATE ON login_attempts TO workbay_app;
GRANT USAGE ON SEQUENCE login_attempts_id_seq TO workbay_app;

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES staff_users (id),
    branch_id BIGINT REFERENCES branches (id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before JSONB,
    after JSONB,
    client_addr TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at DESC);

-- Append-only, twice over: the application role is granted only SELECT and INSERT, and a trigger
-- refuses UPDATE, DELETE and TRUNCATE for everyone but a superuser who disables it on purpose.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
GRANT SELECT, INSERT ON audit_log TO workbay_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO workbay_app;

-- Small key/value facts about this installation (the cookie key, whether the demo was loaded).
CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON app_settings TO workbay_app;

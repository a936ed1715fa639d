CREATE TABLE branches (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    timezone TEXT NOT NULL DEFAULT 'UTC',
    invoice_prefix TEXT NOT NULL CHECK (invoice_prefix ~ '^[A-Z0-9-]{1,10}$'),
    -- percent, e.g. 16.00; applied per line or per invoice as tax_rounding says
    tax_rate NUMERIC(5,2) NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate <= 100),
    tax_rounding TEXT NOT NULL DEFAULT 'per_line' CHECK (tax_rounding IN ('per_line', 'per_invoice')),
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    -- {"mon": ["08:00", "18:00"], ..., "sun": null}: local times in the branch's timezone
    opening_hours JSONB NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX branches_name_key ON branches (lower(name));
CREATE UNIQUE INDEX branches_invoice_prefix_key ON branches (invoice_prefix);

CREATE TABLE staff_users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL CHECK (username ~ '^[a-z0-9._-]{2,40}$'),
    full_name TEXT NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 120),
    role TEXT NOT NULL CHECK (role IN ('receptionist', 'technician', 'warehouse', 'finance', 'manager', 'admin')),
    home_branch_id BIGINT NOT NULL REFERENCES branches (id),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_username_key ON staff_users (username);
CREATE INDEX staff_users_home_branch_idx ON staff_users (home_branch_id);

GRANT SELECT, INSERT, UPDATE ON branches, staff_users TO workbay_app;
GRANT USAGE ON SEQUENCE branches_id_seq, staff_users_id_seq TO workbay_app;

-- Customers, vehicles and devices, the service catalogue, bays, bookings, tickets and the
-- message outbox. pg_trgm and btree_gist are trusted extensions: the database owner may add them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE lead_sources (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO lead_sources (name) VALUES
    ('Instagram'), ('Walk-in'), ('Referral'), ('Campus Ambassador'), ('Online Search'),
    ('Facebook'), ('WhatsApp'), ('Other');

-- Customers are shared by every branch (a customer may visit any shop); what they do at a
-- branch (bookings, tickets, invoices) belongs to that branch.
CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'business')),
    segment TEXT NOT NULL DEFAULT 'retail' CHECK (segment IN ('retail', 'wholesale')),
    name TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 160),
    phone TEXT NOT NULL DEFAULT '',
    -- digits only, for matching however the number was typed
    phone_digits TEXT GENERATED ALWAYS AS (regexp_replace(phone, '[^0-9]', '', 'g')) STORED,
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lead_source_id BIGINT REFERENCES lead_sources (id),
    marketing_consent BOOLEAN NOT NULL DEFAULT FALSE,
    marketing_consent_at TIMESTAMPTZ,
    notes TEXT NOT NULL DEFAULT '',
    created_branch_id BIGINT NOT NULL REFERENCES branches (id),
    archived_at TIMESTAMPTZ,
    erased_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);
CREATE INDEX customers_phone_trgm ON customers USING gin (phone_digits gin_trgm_ops);
CREATE INDEX customers_email_trgm ON customers USING gin (email gin_trgm_ops);
CREATE INDEX customers_phone_idx ON customers (phone_digits) WHERE phone_digits <> '';
CREATE INDEX customers_email_idx ON customers (lower(email)) WHERE email <> '';

CREATE TABLE customer_contacts (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    name TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    position TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_contacts_customer_idx ON customer_contacts (customer_id);

CREATE TABLE vehicles (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    vin TEXT CHECK (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
    plate TEXT NOT NULL DEFAULT '',
    make TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    year INTEGER CHECK (year BETWEEN 1900 AND 2100),
    mileage INTEGER CHECK (mileage >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX vehicles_vin_key ON vehicles (vin) WHERE vin IS NOT NULL;
CREATE INDEX vehicles_customer_idx ON vehicles (customer_id);
CREATE INDEX vehicles_plate_trgm ON vehicles USING gin (plate gin_trgm_ops);
CREATE INDEX vehicles_vin_trgm ON vehicles USING gin (vin gin_trgm_ops);

CREATE TABLE devices (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL DEFAULT '',
    brand TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX devices_customer_idx ON devices (customer_id);
CREATE INDEX devices_serial_trgm ON devices USING gin (serial gin_trgm_ops);

CREATE TABLE services (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    category TEXT NOT NULL CHECK (length(btrim(category)) > 0),
    labour_hours NUMERIC(6,2) NOT NULL CHECK (labour_hours > 0),
    price NUMERIC(12,2) NOT NULL CHECK (price >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX services_name_key ON services (lower(name));

-- A lift, a bench, a paint booth: what a booking holds.
CREATE TABLE bays (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    name TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    categories TEXT[] NOT NULL DEFAULT '{}',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (branch_id, name)
);

CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    vehicle_id BIGINT REFERENCES vehicles (id),
    device_id BIGINT REFERENCES devices (id),
    bay_id BIGINT NOT NULL REFERENCES bays (id),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested'
        CHECK (status IN ('requested', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show')),
    notes TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT,
    -- bumped by every change; a form carrying an older version is stale
    version INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (vehicle_id IS NULL OR device_id IS NULL),
    CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
    -- Invariant 5: no two live bookings overlap on one bay.
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        bay_id WITH =, tstzrange(starts_at, ends_at) WITH &&
    ) WHERE (status IN ('requested', 'confirmed', 'checked_in'))
);
CREATE INDEX bookings_branch_start_idx ON bookings (branch_id, starts_at);
CREATE INDEX bookings_customer_idx ON bookings (customer_id);

CREATE TABLE booking_services (
    booking_id BIGINT NOT NULL REFERENCES bookings (id),
    service_id BIGINT NOT NULL REFERENCES services (id),
    PRIMARY KEY (booking_id, service_id)
);

CREATE TABLE booking_events (
    id BIGSERIAL PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES bookings (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES staff_users (id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, at);

-- Ticket numbers are per branch and gapless: a counter row locked while one is taken.
CREATE TABLE ticket_counters (
    branch_id BIGINT PRIMARY KEY REFERENCES branches (id),
    last_number INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tickets (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    number INTEGER NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    vehicle_id BIGINT REFERENCES vehicles (id),
    device_id BIGINT REFERENCES devices (id),
    -- one ticket per booking, however often check-in is submitted
    booking_id BIGINT UNIQUE REFERENCES bookings (id),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'diagnosing', 'awaiting_approval', 'in_repair', 'waiting_for_parts',
                          'quality_check', 'ready', 'closed', 'cancelled')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    problem TEXT NOT NULL DEFAULT '',
    damage_notes TEXT NOT NULL DEFAULT '',
    mileage INTEGER CHECK (mileage >= 0),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, number),
    CHECK (vehicle_id IS NULL OR device_id IS NULL)
);
CREATE INDEX tickets_branch_status_idx ON tickets (branch_id, status, created_at DESC);
CREATE INDEX tickets_customer_idx ON tickets (customer_id);

CREATE TABLE ticket_lines (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    kind TEXT NOT NULL CHECK (kind IN ('labour', 'part', 'fee')),
    service_id BIGINT REFERENCES services (id),
    description TEXT NOT NULL,
    quantity NUMERIC(10,2) NOT NULL CHECK (quantity > 0),
    unit_price NUMERIC(12,2) NOT NULL CHECK (unit_price >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ticket_lines_ticket_idx ON ticket_lines (ticket_id);

CREATE TABLE ticket_events (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES staff_users (id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, at);

-- Messages to customers, written when something happens and delivered later by a sender.
CREATE TABLE message_outbox (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    template TEXT NOT NULL,
    customer_id BIGINT REFERENCES customers (id),
    recipient TEXT NOT NULL,
    booking_id BIGINT REFERENCES bookings (id),
    ticket_id BIGINT REFERENCES tickets (id),
    due_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    payload JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX message_outbox_due_idx ON message_outbox (status, due_at);
-- one reminder per booking and template while it is pending
CREATE UNIQUE INDEX message_outbox_booking_template_key ON message_outbox (booking_id, template)
    WHERE booking_id IS NOT NULL AND status = 'pending';

GRANT SELECT ON lead_sources TO workbay_app;
GRANT SELECT, INSERT, UPDATE ON customers, customer_contacts, vehicles, devices, services, bays,
    bookings, tickets, ticket_counters, message_outbox TO workbay_app;
GRANT SELECT, INSERT, DELETE ON booking_services TO workbay_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ticket_lines TO workbay_app;
GRANT SELECT, INSERT ON booking_events, ticket_events TO workbay_app;
GRANT USAGE ON SEQUENCE customers_id_seq, customer_contacts_id_seq, vehicles_id_seq, devices_id_seq,
    services_id_seq, bays_id_seq, bookings_id_seq, booking_events_id_seq, tickets_id_seq,
    ticket_lines_id_seq, ticket_events_id_seq, message_outbox_id_seq TO workbay_app;

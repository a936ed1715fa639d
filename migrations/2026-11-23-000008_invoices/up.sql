-- Invoicing: drafts, gapless numbers per branch, frozen lines, split-tender payments, credit
-- notes with their refund payments, warranties, and one-time submission ids for money forms.
-- Invariants 1–3 are held here as well as in the repository: a unit is on at most one live line
-- (partial unique index), payments never pass the total (CHECK on the running paid total, which
-- is only changed under the invoice's row lock), numbers are unique per branch, and the lines of
-- an issued invoice cannot be changed (trigger).

CREATE TABLE invoice_counters (
    branch_id BIGINT PRIMARY KEY REFERENCES branches (id),
    last_number INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE invoices (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    -- set when issued: the branch's prefix and its zero-padded counter value
    number TEXT,
    seq INTEGER,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void', 'refunded')),
    customer_id BIGINT REFERENCES customers (id),
    walk_in_name TEXT NOT NULL DEFAULT '',
    ticket_id BIGINT REFERENCES tickets (id),
    lead_source TEXT NOT NULL DEFAULT '',
    sales_person_id BIGINT REFERENCES staff_users (id),
    -- the branch's tax settings, taken when the draft is started
    tax_rate NUMERIC(5,2) NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate <= 100),
    tax_rounding TEXT NOT NULL DEFAULT 'per_line' CHECK (tax_rounding IN ('per_line', 'per_invoice')),
    subtotal NUMERIC(12,2) NOT NULL DEFAULT 0,
    tax_total NUMERIC(12,2) NOT NULL DEFAULT 0,
    total NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
    paid_total NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (paid_total >= 0),
    refunded_total NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (refunded_total >= 0),
    note TEXT NOT NULL DEFAULT '',
    void_reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    issued_by BIGINT REFERENCES staff_users (id),
    issued_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, number),
    UNIQUE (branch_id, seq),
    CONSTRAINT invoices_paid_within_total CHECK (paid_total <= total),
    CONSTRAINT invoices_refund_within_paid CHECK (refunded_total <= paid_total),
    CHECK ((status = 'draft') = (number IS NULL)),
    CHECK ((number IS NULL) = (seq IS NULL))
);
CREATE INDEX invoices_branch_idx ON invoices (branch_id, created_at DESC);
CREATE INDEX invoices_branch_status_idx ON invoices (branch_id, status, created_at DESC);
CREATE INDEX invoices_customer_idx ON invoices (customer_id);

CREATE TABLE invoice_lines (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    kind TEXT NOT NULL CHECK (kind IN ('asset', 'stock', 'service', 'labour', 'fee', 'discount')),
    asset_id BIGINT REFERENCES assets (id),
    stock_item_id BIGINT REFERENCES stock_items (id),
    service_id BIGINT REFERENCES services (id),
    description TEXT NOT NULL CHECK (length(btrim(description)) > 0),
    quantity NUMERIC(10,2) NOT NULL CHECK (quantity > 0),
    unit_price NUMERIC(12,2) NOT NULL CHECK (unit_price >= 0),
    -- what the goods cost us, for margins (shown only to roles that see costs)
    unit_cost NUMERIC(12,2) CHECK (unit_cost >= 0),
    -- quantity × unit price (negative for a discount) and its tax, rounded half-up to cents
    net NUMERIC(12,2) NOT NULL,
    tax NUMERIC(12,2) NOT NULL,
    warranty_tier TEXT CHECK (warranty_tier IN ('standard', 'premium')),
    -- issued and neither voided nor refunded: the line holds its unit
    live BOOLEAN NOT NULL DEFAULT FALSE,
    refunded_quantity NUMERIC(10,2) NOT NULL DEFAULT 0
        CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
    -- the unit's status when it was sold, restored if the invoice is voided
    asset_status_before TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(asset_id, stock_item_id, service_id) <= 1),
    CHECK ((kind = 'asset') = (asset_id IS NOT NULL)),
    CHECK ((kind = 'stock') = (stock_item_id IS NOT NULL)),
    CHECK ((kind = 'service') = (service_id IS NOT NULL)),
    CHECK (kind <> 'asset' OR quantity = 1),
    CHECK (kind <> 'stock' OR quantity = trunc(quantity)),
    CHECK ((kind = 'discount') = (net < 0) OR net = 0)
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, id);
-- Invariant 1: a unit is on at most one live line.
CREATE UNIQUE INDEX invoice_lines_live_asset_key ON invoice_lines (asset_id) WHERE live AND asset_id IS NOT NULL;
CREATE INDEX invoice_lines_asset_idx ON invoice_lines (asset_id) WHERE asset_id IS NOT NULL;

-- Invariant 2: once issued, lines change only in their bookkeeping columns (live, refunded
-- quantity), and none is added or removed.
CREATE FUNCTION invoice_lines_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st TEXT;
BEGIN
    SELECT status INTO st FROM invoices WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
    IF st <> 'draft' THEN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'live' - 'refunded_quantity' - 'asset_status_before')
                              = (to_jsonb(OLD) - 'live' - 'refunded_quantity' - 'asset_status_before') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the lines of an issued invoice cannot be changed' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_frozen();

CREATE TABLE invoice_events (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX invoice_events_invoice_idx ON invoice_events (invoice_id, id);

CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'card', 'mobile_money', 'bank_transfer', 'store_credit', 'deposit', 'other')),
    amount NUMERIC(12,2) NOT NULL CHECK (amount > 0),
    -- cash handed over; above the balance, the difference is the change given
    tendered NUMERIC(12,2),
    change_given NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (change_given >= 0),
    reference TEXT NOT NULL DEFAULT '',
    received_by BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (tendered IS NULL OR tendered = amount + change_given)
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE INDEX payments_branch_at_idx ON payments (branch_id, at);

CREATE TABLE credit_notes (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    reason TEXT NOT NULL CHECK (length(btrim(reason)) > 0),
    subtotal NUMERIC(12,2) NOT NULL,
    tax_total NUMERIC(12,2) NOT NULL,
    total NUMERIC(12,2) NOT NULL CHECK (total > 0),
    created_by BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

CREATE TABLE credit_note_lines (
    id BIGSERIAL PRIMARY KEY,
    credit_note_id BIGINT NOT NULL REFERENCES credit_notes (id),
    invoice_line_id BIGINT NOT NULL REFERENCES invoice_lines (id),
    quantity NUMERIC(10,2) NOT NULL CHECK (quantity > 0),
    net NUMERIC(12,2) NOT NULL,
    tax NUMERIC(12,2) NOT NULL
);
CREATE INDEX credit_note_lines_note_idx ON credit_note_lines (credit_note_id);

CREATE TABLE refund_payments (
    id BIGSERIAL PRIMARY KEY,
    credit_note_id BIGINT NOT NULL REFERENCES credit_notes (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'card', 'mobile_money', 'bank_transfer', 'store_credit', 'other')),
    amount NUMERIC(12,2) NOT NULL CHECK (amount > 0),
    reference TEXT NOT NULL DEFAULT '',
    paid_by BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX refund_payments_branch_at_idx ON refund_payments (branch_id, at);

-- Warranty lengths by category: standard and premium tiers.
CREATE TABLE warranty_terms (
    category TEXT PRIMARY KEY,
    standard_days INTEGER NOT NULL CHECK (standard_days > 0),
    premium_days INTEGER NOT NULL CHECK (premium_days > 0),
    terms TEXT NOT NULL
);
INSERT INTO warranty_terms (category, standard_days, premium_days, terms) VALUES
    ('Laptop', 90, 365, 'Covers hardware faults arising in normal use. Excludes physical and liquid damage, batteries below 80% after 6 months, and software.'),
    ('Phone', 90, 365, 'Covers hardware faults arising in normal use. Excludes cracked screens, liquid damage and software.'),
    ('Tablet', 90, 365, 'Covers hardware faults arising in normal use. Excludes cracked screens, liquid damage and software.'),
    ('Part', 30, 180, 'Covers the part against manufacturing defects when fitted by us.'),
    ('Accessory', 30, 90, 'Covers manufacturing defects. Excludes wear, cables damaged in use and loss.');

CREATE TABLE warranties (
    id BIGSERIAL PRIMARY KEY,
    invoice_line_id BIGINT NOT NULL UNIQUE REFERENCES invoice_lines (id),
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    customer_id BIGINT REFERENCES customers (id),
    asset_id BIGINT REFERENCES assets (id),
    stock_item_id BIGINT REFERENCES stock_items (id),
    tier TEXT NOT NULL CHECK (tier IN ('standard', 'premium')),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'claimed', 'expired', 'void')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_on > starts_on)
);
CREATE INDEX warranties_customer_idx ON warranties (customer_id);
CREATE INDEX warranties_asset_idx ON warranties (asset_id);

CREATE TABLE warranty_events (
    id BIGSERIAL PRIMARY KEY,
    warranty_id BIGINT NOT NULL REFERENCES warranties (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX warranty_events_warranty_idx ON warranty_events (warranty_id, id);

-- One-time submission ids of money forms: claimed in the same transaction as what the form does,
-- so a repeated POST finds its id taken and is shown the first result.
CREATE TABLE form_submissions (
    id UUID PRIMARY KEY,
    user_id BIGINT REFERENCES staff_users (id),
    result TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE ON invoice_counters, invoices, warranties, form_submissions TO workbay_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON invoice_lines TO workbay_app;
GRANT SELECT, INSERT ON invoice_events, payments, credit_notes, credit_note_lines, refund_payments, warranty_events TO workbay_app;
GRANT SELECT ON warranty_terms TO workbay_app;
GRANT USAGE ON SEQUENCE invoices_id_seq, invoice_lines_id_seq, invoice_events_id_seq, payments_id_seq,
    credit_notes_id_seq, credit_note_lines_id_seq, refund_payments_id_seq, warranties_id_seq,
    warranty_events_id_seq TO workbay_app;

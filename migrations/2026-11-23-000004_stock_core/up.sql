-- Stock: vendors, locations, product models and serialized assets with their movements,
-- diagnostics and wipe certificates, and the bulk stock ledger. Purchase orders, intake batches
-- and transfers come in a later migration.

CREATE TABLE vendors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 160),
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX vendors_name_key ON vendors (lower(name));

CREATE TABLE locations (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    name TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (branch_id, name)
);

-- Every branch gets the standard locations, now and whenever one is created.
CREATE FUNCTION branches_default_locations() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
BEGIN
    INSERT INTO locations (branch_id, name)
    SELECT NEW.id, n FROM unnest(ARRAY['Shop Floor', 'Backroom', 'Repair Bench', 'Warehouse']) AS n
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;
CREATE TRIGGER branches_default_locations AFTER INSERT ON branches
    FOR EACH ROW EXECUTE FUNCTION branches_default_locations();
INSERT INTO locations (branch_id, name)
SELECT b.id, n FROM branches b, unnest(ARRAY['Shop Floor', 'Backroom', 'Repair Bench', 'Warehouse']) AS n;

CREATE TABLE product_models (
    id BIGSERIAL PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('Laptop', 'Phone', 'Tablet', 'Part', 'Accessory')),
    brand TEXT NOT NULL CHECK (length(btrim(brand)) > 0),
    model TEXT NOT NULL CHECK (length(btrim(model)) > 0),
    specs TEXT NOT NULL DEFAULT '',
    price_grade_a NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (price_grade_a >= 0),
    price_grade_b NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (price_grade_b >= 0),
    price_grade_c NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (price_grade_c >= 0),
    warranty_days INTEGER NOT NULL DEFAULT 90 CHECK (warranty_days >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX product_models_key ON product_models (lower(brand), lower(model));

-- The diagnostics checklist of each category (configurable).
CREATE TABLE diagnostic_checklists (
    category TEXT PRIMARY KEY CHECK (category IN ('Laptop', 'Phone', 'Tablet', 'Part', 'Accessory')),
    checks TEXT[] NOT NULL
);
INSERT INTO diagnostic_checklists (category, checks) VALUES
    ('Laptop', ARRAY['power', 'display', 'keyboard', 'trackpad', 'ports', 'wifi', 'battery', 'storage']),
    ('Phone', ARRAY['power', 'display', 'touch', 'cameras', 'speaker', 'microphone', 'wifi', 'cellular', 'battery']),
    ('Tablet', ARRAY['power', 'display', 'touch', 'cameras', 'speaker', 'wifi', 'battery']),
    ('Part', ARRAY['visual', 'function']),
    ('Accessory', ARRAY['visual', 'function']);

CREATE SEQUENCE asset_tag_seq;

CREATE TABLE assets (
    id BIGSERIAL PRIMARY KEY,
    asset_tag TEXT NOT NULL UNIQUE DEFAULT ('WB' || lpad(nextval('asset_tag_seq')::text, 8, '0')),
    serial TEXT NOT NULL CHECK (length(btrim(serial)) > 0),
    product_model_id BIGINT NOT NULL REFERENCES product_models (id),
    vendor_id BIGINT REFERENCES vendors (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    location_id BIGINT REFERENCES locations (id),
    purchase_cost NUMERIC(12,2) NOT NULL CHECK (purchase_cost >= 0),
    landed_cost NUMERIC(12,2) NOT NULL CHECK (landed_cost >= 0),
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    grade TEXT CHECK (grade IN ('A', 'B', 'C')),
    battery_health INTEGER CHECK (battery_health BETWEEN 0 AND 100),
    battery_cycles INTEGER CHECK (battery_cycles >= 0),
    cosmetic_notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'received' CHECK (status IN (
        'received', 'diagnostics_pending', 'wipe_pending', 'qc_pending', 'ready_for_sale', 'reserved',
        'sold', 'returned', 'repair_hold', 'not_sellable', 'scrapped', 'in_transit')),
    -- the latest diagnostics verdict (the checklists themselves are in asset_diagnostics)
    diagnostics_result TEXT CHECK (diagnostics_result IN ('pass', 'pass_with_notes', 'fail')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- A serial/IMEI names one unit, however it was typed.
CREATE UNIQUE INDEX assets_serial_key ON assets (upper(btrim(serial)));
CREATE INDEX assets_branch_status_idx ON assets (branch_id, status);
CREATE INDEX assets_received_idx ON assets (branch_id, received_at);
-- searching by a fragment of a serial or tag (ILIKE '%…%')
CREATE INDEX assets_serial_trgm ON assets USING gin (serial gin_trgm_ops);
CREATE INDEX assets_tag_trgm ON assets USING gin (asset_tag gin_trgm_ops);

-- Every status or location change of an asset, written in the same transaction as the change.
CREATE TABLE asset_movements (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_user_id BIGINT REFERENCES staff_users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    from_branch_id BIGINT REFERENCES branches (id),
    to_branch_id BIGINT NOT NULL REFERENCES branches (id),
    from_location_id BIGINT REFERENCES locations (id),
    to_location_id BIGINT REFERENCES locations (id),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_movements_asset_idx ON asset_movements (asset_id, id);

CREATE TABLE asset_diagnostics (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    -- {"power": {"result": "pass", "note": ""}, ...}
    results JSONB NOT NULL,
    overall TEXT NOT NULL CHECK (overall IN ('pass', 'pass_with_notes', 'fail')),
    technician_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX asset_diagnostics_asset_idx ON asset_diagnostics (asset_id, id);

CREATE TABLE wipe_certificates (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    method TEXT NOT NULL CHECK (method IN ('nist_800_88_clear', 'nist_800_88_purge', 'dod_3_pass', 'vendor_tool')),
    reference TEXT NOT NULL CHECK (length(btrim(reference)) > 0),
    technician_id BIGINT REFERENCES staff_users (id),
    wiped_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX wipe_certificates_asset_idx ON wipe_certificates (asset_id);

CREATE TABLE stock_items (
    id BIGSERIAL PRIMARY KEY,
    sku TEXT NOT NULL CHECK (length(btrim(sku)) > 0),
    name TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    category TEXT NOT NULL DEFAULT '',
    unit_cost NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    unit_price NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
    reorder_threshold INTEGER NOT NULL DEFAULT 0 CHECK (reorder_threshold >= 0),
    preferred_vendor_id BIGINT REFERENCES vendors (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX stock_items_sku_key ON stock_items (upper(sku));

-- Invariant 4: on-hand never goes below zero and always equals the sum of its ledger rows.
-- The ledger is append-only for the application; stock_levels is written only by the trigger
-- below (the application role may read it, not write it).
CREATE TABLE stock_ledger (
    id BIGSERIAL PRIMARY KEY,
    stock_item_id BIGINT NOT NULL REFERENCES stock_items (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'sale', 'repair_use', 'adjustment', 'transfer_out', 'transfer_in', 'return')),
    quantity INTEGER NOT NULL CHECK (quantity <> 0),
    unit_cost NUMERIC(12,2) CHECK (unit_cost >= 0),
    reason TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (kind <> 'adjustment' OR length(btrim(reason)) > 0),
    CHECK (CASE WHEN kind IN ('intake', 'transfer_in', 'return') THEN quantity > 0
                WHEN kind IN ('sale', 'repair_use', 'transfer_out') THEN quantity < 0
                ELSE TRUE END)
);
CREATE INDEX stock_ledger_item_idx ON stock_ledger (stock_item_id, branch_id, id);

CREATE TABLE stock_levels (
    stock_item_id BIGINT NOT NULL REFERENCES stock_items (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    on_hand INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT stock_levels_on_hand_not_negative CHECK (on_hand >= 0),
    PRIMARY KEY (stock_item_id, branch_id)
);

CREATE FUNCTION stock_ledger_apply() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
BEGIN
    -- UPDATE first: an INSERT … ON CONFLICT would check the proposed row (a negative quantity)
    -- against the CHECK before noticing the conflict. The row lock taken here also queues
    -- concurrent postings of the same item and branch.
    UPDATE stock_levels SET on_hand = on_hand + NEW.quantity
    WHERE stock_item_id = NEW.stock_item_id AND branch_id = NEW.branch_id;
    IF NOT FOUND THEN
        INSERT INTO stock_levels AS l (stock_item_id, branch_id, on_hand)
        VALUES (NEW.stock_item_id, NEW.branch_id, NEW.quantity)
        ON CONFLICT (stock_item_id, branch_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER stock_ledger_apply AFTER INSERT ON stock_ledger
    FOR EACH ROW EXECUTE FUNCTION stock_ledger_apply();

CREATE FUNCTION stock_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock_ledger is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER stock_ledger_no_update_delete BEFORE UPDATE OR DELETE ON stock_ledger
    FOR EACH ROW EXECUTE FUNCTION stock_ledger_refuse_change();

GRANT SELECT, INSERT, UPDATE ON vendors, locations, product_models, assets, stock_items TO workbay_app;
GRANT SELECT ON diagnostic_checklists, stock_levels TO workbay_app;
GRANT SELECT, INSERT ON asset_movements, asset_diagnostics, wipe_certificates, stock_ledger TO workbay_app;
GRANT USAGE ON SEQUENCE vendors_id_seq, locations_id_seq, product_models_id_seq, assets_id_seq,
    asset_tag_seq, asset_movements_id_seq, asset_diagnostics_id_seq, wipe_certificates_id_seq,
    stock_items_id_seq, stock_ledger_id_seq TO workbay_app;

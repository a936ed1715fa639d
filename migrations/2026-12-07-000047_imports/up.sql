-- Imports from the shop's old system (issue 34, build 4). A file is kept here, decoded, from its
-- upload until it is committed (then its text is dropped: it holds personal data) or, uncommitted,
-- for a week. Records it brings carry the old system's reference, so the same file imported again
-- adds nothing.
CREATE TABLE imports (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    user_id BIGINT NOT NULL REFERENCES staff_users (id),
    kind TEXT NOT NULL CHECK (kind IN ('customers', 'stock_items', 'product_models', 'services', 'vendors')),
    file_name TEXT NOT NULL,
    file_bytes BIGINT NOT NULL,
    body TEXT NOT NULL,
    delimiter TEXT NOT NULL CHECK (delimiter IN (',', ';')),
    headers TEXT[] NOT NULL,
    row_count INTEGER NOT NULL,
    -- Workbay's field → the file's header.
    mapping JSONB NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'uploaded'
        CHECK (status IN ('uploaded', 'committing', 'committed', 'failed')),
    rows_done INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    skipped_count INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    progress_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    committed_at TIMESTAMPTZ
);
CREATE INDEX imports_branch_idx ON imports (branch_id, id);

-- The mapping last used for a kind of file, offered for the next one.
CREATE TABLE import_mappings (
    kind TEXT PRIMARY KEY,
    mapping JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE customers ADD COLUMN external_ref TEXT;
ALTER TABLE stock_items ADD COLUMN external_ref TEXT;
ALTER TABLE product_models ADD COLUMN external_ref TEXT;
ALTER TABLE services ADD COLUMN external_ref TEXT;
ALTER TABLE vendors ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX customers_external_ref_key ON customers (external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX stock_items_external_ref_key ON stock_items (external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX product_models_external_ref_key ON product_models (external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX services_external_ref_key ON services (external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX vendors_external_ref_key ON vendors (external_ref) WHERE external_ref IS NOT NULL;

-- Opening stock, booked by an import: a branch's first count of an item.
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_kind_check;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_kind_check
    CHECK (kind IN ('intake', 'sale', 'repair_use', 'adjustment', 'transfer_out', 'transfer_in', 'return', 'opening'));
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_opening_positive CHECK (kind <> 'opening' OR quantity > 0);

GRANT SELECT, INSERT, DELETE ON imports TO workbay_app;
GRANT UPDATE (mapping, status, rows_done, created_count, skipped_count, message, progress_at, body,
              committed_at) ON imports TO workbay_app;
GRANT USAGE ON SEQUENCE imports_id_seq TO workbay_app;
GRANT SELECT, INSERT ON import_mappings TO workbay_app;
GRANT UPDATE (mapping, updated_at) ON import_mappings TO workbay_app;

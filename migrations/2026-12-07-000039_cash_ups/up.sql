-- Closing the till: a branch's day is counted once. The float the till opened with, and per
-- payment method what the day's takings say should be there (expected, fixed when counted) and
-- what was counted; over or short is the difference. Signed off by who counted.
CREATE TABLE cash_ups (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    day DATE NOT NULL,
    opening_float NUMERIC(12,2) NOT NULL CHECK (opening_float >= 0),
    notes TEXT NOT NULL DEFAULT '',
    closed_by BIGINT NOT NULL REFERENCES staff_users (id),
    closed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, day)
);

CREATE TABLE cash_up_lines (
    cash_up_id BIGINT NOT NULL REFERENCES cash_ups (id),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'card', 'mobile_money', 'bank_transfer', 'store_credit', 'other')),
    expected NUMERIC(12,2) NOT NULL,
    counted NUMERIC(12,2) NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (cash_up_id, method)
);

GRANT SELECT, INSERT ON cash_ups, cash_up_lines TO workbay_app;
GRANT USAGE ON SEQUENCE cash_ups_id_seq TO workbay_app;

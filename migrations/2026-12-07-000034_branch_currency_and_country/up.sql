-- What a branch's money is counted in, the tax registration number its receipts and invoices
-- print, and the country its phone numbers are dialled in (local numbers are stored in the
-- international E.164 form read with it). Existing branches are the Kenyan shops the product
-- started with; an admin sets these per branch.
ALTER TABLE branches
    ADD COLUMN currency TEXT NOT NULL DEFAULT 'KES' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN tax_registration TEXT NOT NULL DEFAULT '' CHECK (length(tax_registration) <= 40),
    ADD COLUMN country TEXT NOT NULL DEFAULT 'KE' CHECK (country ~ '^[A-Z]{2}$');

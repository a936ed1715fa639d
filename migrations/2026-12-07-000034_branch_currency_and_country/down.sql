ALTER TABLE branches DROP COLUMN currency, DROP COLUMN tax_registration, DROP COLUMN country;

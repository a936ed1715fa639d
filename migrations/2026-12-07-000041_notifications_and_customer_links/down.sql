DROP TABLE status_links;
ALTER TABLE branches DROP CONSTRAINT branches_logo_size, DROP CONSTRAINT branches_logo_with_type,
    DROP COLUMN logo_type, DROP COLUMN logo;
ALTER TABLE tickets DROP COLUMN findings;
DROP TABLE notifications;

DROP FUNCTION session_unchanged(TEXT, BIGINT, BIGINT, BIGINT, BIGINT);
DROP TRIGGER branches_rev ON branches;
DROP FUNCTION branches_rev_bump();
DROP TABLE branches_rev;
DROP TRIGGER staff_users_rev ON staff_users;
DROP FUNCTION staff_users_rev();
ALTER TABLE staff_users DROP COLUMN rev;
ALTER TABLE sessions DROP COLUMN rev;

DROP TABLE staff_users;
DROP TABLE branches;

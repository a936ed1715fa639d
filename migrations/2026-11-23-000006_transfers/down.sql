DROP TABLE transfer_lines;
DROP TABLE transfers;

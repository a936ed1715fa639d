DROP TABLE ticket_part_waits;

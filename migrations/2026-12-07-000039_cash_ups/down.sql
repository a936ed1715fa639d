DROP TABLE cash_up_lines;
DROP TABLE cash_ups;

DROP TABLE preorder_deposits, preorder_events, preorders;

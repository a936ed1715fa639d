CREATE OR REPLACE FUNCTION stock_ledger_apply() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
BEGIN
    UPDATE stock_levels SET on_hand = on_hand + NEW.quantity
    WHERE stock_item_id = NEW.stock_item_id AND branch_id = NEW.branch_id;
    IF NOT FOUND THEN
        INSERT INTO stock_levels AS l (stock_item_id, branch_id, on_hand)
        VALUES (NEW.stock_item_id, NEW.branch_id, NEW.quantity)
        ON CONFLICT (stock_item_id, branch_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand;
    END IF;
    RETURN NEW;
END
$$;

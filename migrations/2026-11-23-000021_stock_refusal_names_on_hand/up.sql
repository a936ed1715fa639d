-- A take-out that would leave on-hand below zero is refused by the trigger itself, naming what
-- is left: DETAIL holds the on-hand it found (after waiting for any other posting of the same
-- item and branch) and HINT the item's SKU, under the same constraint name as the CHECK. The
-- application checks on-hand in the statement that posts (see `stock::post`), so this refusal
-- is only met by two tills taking the last units at the same moment; the CHECK on
-- stock_levels stays as the last word.
CREATE OR REPLACE FUNCTION stock_ledger_apply() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
DECLARE
    have INTEGER;
BEGIN
    -- UPDATE first: an INSERT … ON CONFLICT would check the proposed row (a negative quantity)
    -- against the CHECK before noticing the conflict. The row lock taken here also queues
    -- concurrent postings of the same item and branch, and the condition is checked again on
    -- the row as the posting before left it.
    UPDATE stock_levels SET on_hand = on_hand + NEW.quantity
    WHERE stock_item_id = NEW.stock_item_id AND branch_id = NEW.branch_id
      AND on_hand + NEW.quantity >= 0;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    IF NEW.quantity < 0 THEN
        SELECT on_hand INTO have FROM stock_levels
        WHERE stock_item_id = NEW.stock_item_id AND branch_id = NEW.branch_id;
        RAISE EXCEPTION 'not enough stock for this take-out'
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'stock_levels_on_hand_not_negative',
                  DETAIL = COALESCE(have, 0)::text,
                  HINT = (SELECT sku FROM stock_items WHERE id = NEW.stock_item_id);
    END IF;
    INSERT INTO stock_levels AS l (stock_item_id, branch_id, on_hand)
    VALUES (NEW.stock_item_id, NEW.branch_id, NEW.quantity)
    ON CONFLICT (stock_item_id, branch_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand;
    RETURN NEW;
END
$$;

-- A ticket has at most one invoice that is not void: invoicing a ticket again opens the one it
-- has. Earlier code could start a second draft once the first was issued; any such second
-- invoice (a draft, or one issued since) keeps its lines and money but is detached from the
-- ticket, and its note says which ticket it came from.
UPDATE invoices i
SET ticket_id = NULL,
    note = btrim(i.note || ' (a second invoice of ticket #' || t.number || ')')
FROM tickets t
WHERE t.id = i.ticket_id
  AND i.status <> 'void'
  AND EXISTS (
      SELECT 1 FROM invoices o
      WHERE o.ticket_id = i.ticket_id AND o.status <> 'void' AND o.id < i.id);

CREATE UNIQUE INDEX invoices_one_live_per_ticket ON invoices (ticket_id)
    WHERE ticket_id IS NOT NULL AND status <> 'void';

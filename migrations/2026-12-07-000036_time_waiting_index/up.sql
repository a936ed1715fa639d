-- Finished time entries nobody has approved yet: the Today page's "time to approve" and the
-- approval list read only these, a small part of all the entries ever clocked.
CREATE INDEX time_entries_waiting_idx ON time_entries (ticket_id)
    WHERE ended_at IS NOT NULL AND approved_at IS NULL;

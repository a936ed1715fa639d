DROP INDEX time_entries_waiting_idx;

-- The numbers as typed are not kept; nothing to undo.
SELECT 1;

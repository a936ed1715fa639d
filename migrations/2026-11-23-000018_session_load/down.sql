DROP FUNCTION session_load(text, timestamptz, timestamptz, timestamptz, text);

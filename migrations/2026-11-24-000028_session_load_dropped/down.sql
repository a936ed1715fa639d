-- Brings back the function of migration 000018.
CREATE FUNCTION session_load(p_key text, p_now timestamptz, p_expires timestamptz,
                             p_touch_before timestamptz, p_user_key text)
RETURNS TABLE (state jsonb, account text)
LANGUAGE plpgsql AS $$
DECLARE
    s_state jsonb;
    s_expires timestamptz;
    uid bigint;
BEGIN
    SELECT x.state, x.expires_at INTO s_state, s_expires FROM sessions x
    WHERE x.key_hash = p_key AND x.expires_at > p_now AND x.absolute_expires_at > p_now;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF s_expires < p_touch_before THEN
        UPDATE sessions SET expires_at = p_expires WHERE key_hash = p_key;
    END IF;
    IF s_state->>p_user_key ~ '^[0-9]{1,18}$' THEN
        uid := (s_state->>p_user_key)::bigint;
    END IF;
    RETURN QUERY
    SELECT s_state, (
        SELECT json_build_object(
                   'id', u.id, 'username', u.username, 'full_name', u.full_name, 'role', u.role,
                   'home_branch_id', u.home_branch_id, 'active', u.active,
                   'must_change_password', u.must_change_password,
                   'branches', (SELECT COALESCE(json_agg(json_build_array(b.id, b.name) ORDER BY b.name, b.id), '[]')
                                FROM branches b WHERE b.active OR b.id = u.home_branch_id))::text
        FROM staff_users u WHERE u.id = uid);
END
$$;

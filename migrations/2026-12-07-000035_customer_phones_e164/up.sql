-- Customers' numbers are kept in E.164 (`+254722444555`), read in the country of the branch
-- that took them (`domain::phone::normalise` for new ones), so `phone_digits`, which search and
-- the duplicate check match, is the same for every spelling. This brings the numbers already
-- stored to that form the same way: a local number (trunk 0) gets its country's calling code,
-- `00…` and a calling code without `+` become `+…`; what reads as no number stays as typed.
WITH countries (country, code, trunk) AS (VALUES
    ('KE', '254', '0'), ('UG', '256', '0'), ('TZ', '255', '0'), ('RW', '250', '0'),
    ('ET', '251', '0'), ('NG', '234', '0'), ('GH', '233', '0'), ('ZA', '27', '0'),
    ('GB', '44', '0'), ('IN', '91', '0'), ('AE', '971', '0'), ('DE', '49', '0'),
    ('US', '1', ''), ('CA', '1', '')),
typed AS (
    SELECT c.id, btrim(c.phone) AS raw, regexp_replace(c.phone, '[^0-9]', '', 'g') AS digits,
           k.code, k.trunk
    FROM customers c
    JOIN branches b ON b.id = c.created_branch_id
    JOIN countries k ON k.country = b.country
    WHERE c.phone ~ '^[[:space:]]*\+?[0-9 ().\-/]+$'),
international AS (
    SELECT id,
           CASE
               WHEN raw LIKE '+%' THEN digits
               WHEN digits LIKE '00%' THEN substr(digits, 3)
               WHEN trunk <> '' AND digits LIKE trunk || '%' THEN code || substr(digits, length(trunk) + 1)
               WHEN digits LIKE code || '%' AND length(digits) >= length(code) + 8 THEN digits
               ELSE code || digits
           END AS number
    FROM typed)
UPDATE customers c
SET phone = '+' || i.number
FROM international i
WHERE i.id = c.id AND length(i.number) BETWEEN 8 AND 15;

//! Phone numbers as the shop reads them and as they are stored: customers give them in any
//! spelling (`0722 444 555`, `+254 722 444 555`, `254722444555`, `00254-722-444555`); each is
//! stored once in the international E.164 form (`+254722444555`), read in the country of the
//! branch that took it, so search and the duplicate check match every spelling.

/// The countries a branch can be in: (ISO 3166 code, name, calling code, trunk prefix dialled
/// before a local number).
pub const COUNTRIES: &[(&str, &str, &str, &str)] = &[
    ("KE", "Kenya", "254", "0"),
    ("UG", "Uganda", "256", "0"),
    ("TZ", "Tanzania", "255", "0"),
    ("RW", "Rwanda", "250", "0"),
    ("ET", "Ethiopia", "251", "0"),
    ("NG", "Nigeria", "234", "0"),
    ("GH", "Ghana", "233", "0"),
    ("ZA", "South Africa", "27", "0"),
    ("GB", "United Kingdom", "44", "0"),
    ("IN", "India", "91", "0"),
    ("AE", "United Arab Emirates", "971", "0"),
    ("DE", "Germany", "49", "0"),
    ("US", "United States", "1", ""),
    ("CA", "Canada", "1", ""),
];

/// A stored number as people read it: E.164 with its calling code apart and the rest in threes
/// (`+254 722 444 555`); anything else as it was typed.
pub fn show(stored: &str) -> String {
    let Some(digits) = stored.strip_prefix('+') else {
        return stored.to_string();
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return stored.to_string();
    }
    let code = COUNTRIES
        .iter()
        .map(|c| c.2)
        .filter(|code| digits.starts_with(code))
        .max_by_key(|code| code.len())
        .unwrap_or(&digits[..digits.len().min(3)]);
    let rest = &digits[code.len()..];
    // Threes from the left; a single digit left over joins the last group (`212 555 0100`).
    let mut groups: Vec<&str> = rest
        .as_bytes()
        .chunks(3)
        .map(|g| std::str::from_utf8(g).unwrap_or(""))
        .collect();
    if groups.len() > 1 && groups.last().is_some_and(|g| g.len() == 1) {
        let tail = groups.len() - 2;
        let start = 3 * tail;
        groups.truncate(tail);
        groups.push(&rest[start..]);
    }
    format!("+{code} {}", groups.join(" "))
}

/// The calling code of a country (`KE` → `254`).
pub fn calling_code(country: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|c| c.0 == country).map(|c| c.2)
}

/// `raw` in E.164 (`+254722444555`), reading a local number in `country`; `None` when it is not
/// a phone number (letters, or too few or too many digits).
pub fn normalise(raw: &str, country: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut digits = String::new();
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let (_, _, code, trunk) = COUNTRIES.iter().find(|c| c.0 == country)?;
    let international = if trimmed.starts_with('+') {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if !trunk.is_empty() && digits.starts_with(trunk) {
        format!("{code}{}", &digits[trunk.len()..])
    } else if digits.starts_with(code) && digits.len() >= code.len() + 8 {
        digits
    } else {
        format!("{code}{digits}")
    };
    (8..=15)
        .contains(&international.len())
        .then(|| format!("+{international}"))
}

/// The digits a search for `raw` should look for in stored numbers: the whole E.164 number when
/// `raw` reads as one, else the digits typed (a part of a number), without a leading trunk `0`.
pub fn search_digits(raw: &str, country: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 3 || raw.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    if let Some(full) = normalise(raw, country).filter(|_| digits.len() >= 9) {
        return Some(full[1..].to_string());
    }
    Some(digits.trim_start_matches('0').to_string())
}

/// Whether two stored numbers (digits) look like one number written down twice: equal, the same
/// last seven digits, one digit different, or two neighbouring digits swapped.
pub fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b || (a.len() >= 7 && b.len() >= 7 && a[a.len() - 7..] == b[b.len() - 7..]) {
        return true;
    }
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = a
        .bytes()
        .zip(b.bytes())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    match differ.as_slice() {
        [_] => true,
        [i, j] => {
            *j == i + 1
                && a.as_bytes()[*i] == b.as_bytes()[*j]
                && a.as_bytes()[*j] == b.as_bytes()[*i]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_spelling_of_a_kenyan_number_is_one_number() {
        for raw in [
            "0722 444 555",
            "0722444555",
            "+254 722 444 555",
            "+254722444555",
            "254722444555",
            "00254-722-444555",
            "(0722) 444-555",
        ] {
            assert_eq!(
                normalise(raw, "KE").as_deref(),
                Some("+254722444555"),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_stored_number_reads_in_groups() {
        assert_eq!(show("+254722444555"), "+254 722 444 555");
        assert_eq!(show("+12125550100"), "+1 212 555 0100");
        assert_eq!(show("0722 444 555"), "0722 444 555");
        assert_eq!(show(""), "");
    }

    #[test]
    fn a_foreign_number_keeps_its_own_country_and_nonsense_is_no_number() {
        assert_eq!(
            normalise("+44 20 7946 0958", "KE").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            normalise("0772 123 456", "UG").as_deref(),
            Some("+256772123456")
        );
        assert_eq!(
            normalise("(212) 555-0100", "US").as_deref(),
            Some("+12125550100")
        );
        assert_eq!(normalise("call me", "KE"), None);
        assert_eq!(normalise("0722", "KE"), None);
        assert_eq!(normalise("", "KE"), None);
        assert_eq!(normalise("0722 444 555", "XX"), None);
    }

    #[test]
    fn a_number_mistyped_by_a_digit_or_a_swap_is_similar_and_another_is_not() {
        assert!(similar("254722444555", "254722444555"));
        assert!(similar("254722444555", "254722444556"));
        assert!(similar("254722444555", "254722445455"));
        assert!(similar("254722444555", "722444555"));
        assert!(!similar("254722444555", "254733111222"));
        assert!(!similar("254722444555", "254722444666"));
        assert!(!similar("", "254722444555"));
    }

    #[test]
    fn a_search_looks_for_the_whole_number_or_the_digits_typed() {
        assert_eq!(
            search_digits("+254 722 444 555", "KE").as_deref(),
            Some("254722444555")
        );
        assert_eq!(
            search_digits("0722 444 555", "KE").as_deref(),
            Some("254722444555")
        );
        assert_eq!(search_digits("444 555", "KE").as_deref(), Some("444555"));
        assert_eq!(search_digits("Kevin", "KE"), None);
        assert_eq!(search_digits("12", "KE"), None);
        assert_eq!(search_digits("555", "KE").as_deref(), Some("555"));
    }
}

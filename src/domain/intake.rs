//! Stock intake: where a delivery's batch stands.

use super::asset::named_enum;

named_enum!(
    /// Where an intake batch stands.
    BatchStatus {
        Open => "open",
        Committed => "committed",
        Discarded => "discarded",
    }
);

/// The most serials one pasted list (ranges expanded) may hold.
pub const MOST_LISTED: usize = 10_000;

/// A serial of a pasted list, with the line it came from (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub line: usize,
    pub serial: String,
}

/// A line of a pasted list that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// Reads a pasted list of serials: one per line (commas, semicolons, tabs and spaces also
/// separate, as a spreadsheet column or a vendor's packing list gives them), each trimmed and
/// upper-cased the way a scan is. With `ranges`, `SN1000-SN1999` (or `SN1000-1999`) stands for
/// every serial from the first to the last, keeping the digits' width. A scanner's burst is read
/// with `ranges` off: a scanned serial is never a range. Lines that cannot be read are named.
pub fn serial_list(text: &str, ranges: bool) -> (Vec<Listed>, Vec<BadLine>) {
    let (mut listed, mut bad) = (Vec::new(), Vec::new());
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let joined = if ranges {
            close_dashes(raw)
        } else {
            raw.to_string()
        };
        for word in joined
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
        {
            let serial = word.to_uppercase();
            match if ranges { range(&serial) } else { None } {
                Some(Ok(all)) => {
                    listed.extend(all.into_iter().map(|serial| Listed { line, serial }))
                }
                Some(Err(reason)) => bad.push(BadLine {
                    line,
                    text: word.to_string(),
                    reason,
                }),
                None => listed.push(Listed { line, serial }),
            }
            if listed.len() > MOST_LISTED {
                bad.push(BadLine {
                    line,
                    text: word.to_string(),
                    reason: format!(
                        "A list holds at most {MOST_LISTED} serials; paste the rest separately."
                    ),
                });
                listed.truncate(MOST_LISTED);
                return (listed, bad);
            }
        }
    }
    (listed, bad)
}

/// `SN1000 - SN1999` written as one word, so a range typed with spaces reads as one.
fn close_dashes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for part in line.split('-') {
        if !out.is_empty() {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push('-');
            out.push_str(part.trim_start());
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The serials a word stands for when it is a range: `None` when it is one serial (`AB-12`
/// with no common prefix and digits on both sides is a serial with a dash in it).
fn range(word: &str) -> Option<Result<Vec<String>, String>> {
    for (at, _) in word.match_indices('-') {
        let (first, last) = (&word[..at], &word[at + 1..]);
        let (prefix, from) = split_digits(first);
        let (last_prefix, to) = split_digits(last);
        if from.is_empty() || to.is_empty() || from.len() != to.len() {
            continue;
        }
        if !(last_prefix.is_empty() || last_prefix == prefix) {
            continue;
        }
        let (Ok(a), Ok(b)) = (from.parse::<u64>(), to.parse::<u64>()) else {
            continue;
        };
        if b < a {
            return Some(Err(format!("The range {word} ends before it starts.")));
        }
        let count = b - a + 1;
        if count > MOST_LISTED as u64 {
            return Some(Err(format!(
                "The range {word} holds {count} serials; at most {MOST_LISTED} go in one list."
            )));
        }
        let width = from.len();
        return Some(Ok((a..=b)
            .map(|n| format!("{prefix}{n:0width$}"))
            .collect()));
    }
    None
}

/// A word's leading part and its trailing digits.
fn split_digits(word: &str) -> (&str, &str) {
    let digits = word.len() - word.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    word.split_at(word.len() - digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serials(text: &str, ranges: bool) -> Vec<String> {
        serial_list(text, ranges)
            .0
            .into_iter()
            .map(|l| l.serial)
            .collect()
    }

    #[test]
    fn one_per_line_trimmed_and_upper_cased_like_a_scan() {
        assert_eq!(
            serials(" sn1 \r\n\nSN2\tsn3, sn4;SN5 ", true),
            ["SN1", "SN2", "SN3", "SN4", "SN5"]
        );
        let (listed, _) = serial_list("a\n\nb", true);
        assert_eq!(
            listed[1],
            Listed {
                line: 3,
                serial: "B".into()
            }
        );
    }

    #[test]
    fn a_range_stands_for_every_serial_keeping_the_width() {
        let all = serials("SN0998-SN1002", true);
        assert_eq!(all, ["SN0998", "SN0999", "SN1000", "SN1001", "SN1002"]);
        assert_eq!(
            serials("sn1000 - 1002", true),
            ["SN1000", "SN1001", "SN1002"]
        );
        assert_eq!(serials("SN1000-SN1999", true).len(), 1000);
        // a scanner's burst is never expanded
        assert_eq!(serials("SN1000-SN1002", false), ["SN1000-SN1002"]);
    }

    #[test]
    fn a_dash_that_is_not_a_range_is_part_of_the_serial() {
        assert_eq!(serials("AB-12", true), ["AB-12"]);
        assert_eq!(serials("X1-Y2", true), ["X1-Y2"]);
        assert_eq!(serials("A01-B", true), ["A01-B"]);
    }

    #[test]
    fn bad_ranges_are_named_with_their_line() {
        let (listed, bad) = serial_list("OK1\nSN20-SN10\nSN00001-SN99999", true);
        assert_eq!(listed.len(), 1);
        assert_eq!(bad.len(), 2);
        assert_eq!((bad[0].line, bad[0].text.as_str()), (2, "SN20-SN10"));
        assert!(
            bad[0].reason.contains("ends before it starts"),
            "{}",
            bad[0].reason
        );
        assert_eq!(bad[1].line, 3);
        assert!(bad[1].reason.contains("99999 serials"), "{}", bad[1].reason);
    }

    #[test]
    fn a_list_too_long_stops_at_the_limit_and_says_so() {
        let (listed, bad) = serial_list("A00001-A09999\nB00001-B00005", true);
        assert_eq!(listed.len(), MOST_LISTED);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 2);
    }
}

//! Where a form may send the browser next (`next` after sign-in, `back` after switching branch,
//! a notification's link): only an absolute path of this site, however it is spelled. A path is
//! refused when a browser could read it as another site: `//host`, `/\host`, a backslash
//! anywhere, a tab, a line break or any other control character or space (browsers drop tabs and
//! line breaks, so `/\t/evil.example` is `//evil.example`), an encoded slash, backslash or
//! control character, or one longer than any page's address.

/// The longest path followed.
const MAX_PATH: usize = 2000;

/// `path` when it is surely a path of this site; `None` otherwise.
pub fn local_path(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    let ok = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && path.len() <= MAX_PATH
        && path.chars().all(|c| c.is_ascii_graphic() && c != '\\')
        && !encodes_trouble(path);
    ok.then_some(path)
}

/// `path` when local, else `fallback`.
pub fn local_or<'a>(path: &'a str, fallback: &'a str) -> &'a str {
    local_path(path).unwrap_or(fallback)
}

/// Whether `path` percent-encodes a slash, a backslash, a control character or a space.
fn encodes_trouble(path: &str) -> bool {
    path.as_bytes().windows(3).any(|w| {
        w[0] == b'%' && {
            let hex = [w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()];
            matches!(&hex, b"2f" | b"5c" | b"7f") || hex[0] == b'0' || hex[0] == b'1'
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_of_this_site_is_followed() {
        for ok in [
            "/",
            "/admin/users?page=2",
            "/tickets/7#timeline",
            "/customers?q=kamau%20j",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn nothing_that_could_be_another_site_is_followed() {
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "https://evil.example",
            "evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/ /evil.example",
            "/a\\b",
            "/\u{0}",
            "/é",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(3000))), None);
        assert_eq!(local_or("//x", "/"), "/");
    }
}

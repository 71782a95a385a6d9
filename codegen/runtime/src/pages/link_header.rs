//! The `Link` header (RFC 8288): the target of its `rel="next"` link, which a list paged by
//! `x-pagination`'s `link-header` follows.

use reqwest::header::{HeaderMap, LINK};

/// The target of the first link whose relation types include `next`, as written (a URI
/// reference, which may be relative); `None` when no `Link` header has one. Every `Link` header
/// is read, as each may hold several links separated by commas.
#[must_use]
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            links(value)
                .find(|link| link.is_next())
                .map(|link| link.target)
        })
}

/// One link of a header value: its target and its parameters' text.
struct Link<'h> {
    target: String,
    parameters: &'h str,
}

impl Link<'_> {
    /// Whether its first `rel` parameter (later ones are ignored, as RFC 8288 says) lists `next`
    /// among its space-separated relation types.
    fn is_next(&self) -> bool {
        parameters(self.parameters)
            .find(|(name, _)| name.eq_ignore_ascii_case("rel"))
            .is_some_and(|(_, types)| {
                types
                    .split_ascii_whitespace()
                    .any(|kind| kind.eq_ignore_ascii_case("next"))
            })
    }
}

/// The links of one header value, `<target>; name=value; name="value", <target>…`, until the
/// text stops making sense.
fn links(value: &str) -> impl Iterator<Item = Link<'_>> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let inner = rest
            .trim_start_matches([' ', '\t', ','])
            .strip_prefix('<')?;
        let (target, after) = inner.split_once('>')?;
        let end = unquoted_comma(after).unwrap_or(after.len());
        rest = &after[end..];
        Some(Link {
            target: target.trim().to_owned(),
            parameters: &after[..end],
        })
    })
}

/// Where the first comma outside a quoted string is: the end of a link's parameters.
fn unquoted_comma(text: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return Some(at),
            _ => {}
        }
    }
    None
}

/// The `; name=value` parameters of a link, values unquoted.
fn parameters(text: &str) -> impl Iterator<Item = (&str, String)> {
    text.split(';').filter_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        let value = value.trim();
        let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
            None => value.to_owned(),
        };
        Some((name.trim(), value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_next_link_is_found_among_others_in_any_order_and_case() {
        let github = headers(&[
            r#"<https://api.example.com/repos?page=1>; rel="prev", <https://api.example.com/repos?page=3>; rel="next", <https://api.example.com/repos?page=9>; rel="last""#,
        ]);
        assert_eq!(
            next_link(&github).as_deref(),
            Some("https://api.example.com/repos?page=3")
        );
        let loose = headers(&["</repos?page=2> ; REL = NEXT"]);
        assert_eq!(next_link(&loose).as_deref(), Some("/repos?page=2"));
        let several_types = headers(&[r#"<?page=2>; rel="last next""#]);
        assert_eq!(next_link(&several_types).as_deref(), Some("?page=2"));
    }

    #[test]
    fn every_link_header_is_read() {
        let split = headers(&[r#"<a?page=1>; rel="first""#, r#"<a?page=2>; rel="next""#]);
        assert_eq!(next_link(&split).as_deref(), Some("a?page=2"));
    }

    #[test]
    fn quoted_commas_and_later_rels_do_not_mislead() {
        let quoted =
            headers(&[r#"<x?page=1>; title="a, rel=next"; rel="prev", <x?page=2>; rel="next""#]);
        assert_eq!(next_link(&quoted).as_deref(), Some("x?page=2"));
        let second_rel = headers(&[r#"<x?page=1>; rel="prev"; rel="next""#]);
        assert_eq!(next_link(&second_rel), None);
    }

    #[test]
    fn no_next_link_is_the_end() {
        assert_eq!(next_link(&HeaderMap::new()), None);
        assert_eq!(next_link(&headers(&[r#"<x?page=1>; rel="prev""#])), None);
        assert_eq!(next_link(&headers(&["not a link"])), None);
        assert_eq!(next_link(&headers(&["<unclosed; rel=next"])), None);
    }
}

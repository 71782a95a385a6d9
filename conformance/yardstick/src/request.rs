//! What a handler reads from a request, read once and by hand (path segments, query pairs,
//! headers, the body), so that no framework extractor answers in a shape the spec does not
//! document.

use axum::body::{to_bytes, Bytes};
use axum::http::{HeaderMap, Method};

/// The largest body read; a larger one is refused as a bad request.
const MAX_BODY: usize = 1024 * 1024;

/// A request, read.
pub(crate) struct Incoming {
    pub method: Method,
    /// The path's segments after the leading `/`, each percent-decoded.
    pub segments: Vec<String>,
    /// The query's pairs in order, percent-decoded (`+` is a space).
    query: Vec<(String, String)>,
    headers: HeaderMap,
    /// The body; `None` when it was larger than [`MAX_BODY`] or broke off.
    pub body: Option<Bytes>,
}

/// A query parameter given more than once where the spec allows one value.
pub(crate) struct Repeated;

impl Incoming {
    pub(crate) async fn read(request: axum::extract::Request) -> Self {
        let (parts, body) = request.into_parts();
        let segments = parts
            .uri
            .path()
            .trim_start_matches('/')
            .split('/')
            .map(percent_decode)
            .collect();
        let query = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(name), form_decode(value))
            })
            .collect();
        Self {
            method: parts.method,
            segments,
            query,
            headers: parts.headers,
            body: to_bytes(body, MAX_BODY).await.ok(),
        }
    }

    /// The path's segments as `&str`s, to match on.
    pub(crate) fn path(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }

    /// A header's value, when it is present and text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The one value of query parameter `name`, if given.
    pub(crate) fn single(&self, name: &str) -> Result<Option<&str>, Repeated> {
        let mut values = self
            .query
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        let first = values.next();
        match values.next() {
            Some(_) => Err(Repeated),
            None => Ok(first),
        }
    }

    /// The body's media type without parameters, lower case (`application/json`).
    pub(crate) fn media_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let essence = value.split(';').next().unwrap_or(value).trim();
        Some(essence.to_ascii_lowercase())
    }

    /// The body as JSON; the error says why it is not.
    pub(crate) fn json(&self) -> Result<serde_json::Value, String> {
        let body = self.body.as_ref().ok_or("the body is too large")?;
        serde_json::from_slice(body).map_err(|err| format!("the body is not JSON: {err}"))
    }
}

/// An integer written as one: an optional `-` and decimal digits, nothing else.
pub(crate) fn integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// `%XX` sequences decoded; a malformed sequence is kept as it is, and bytes that are not UTF-8
/// become U+FFFD (so they match no pattern).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_read_as_a_server_reads_it() {
        assert_eq!(percent_decode("note%5F1%2Fx%zz"), "note_1/x%zz");
        assert_eq!(form_decode("a+b%2B"), "a b+");
        assert_eq!(integer("-12"), Some(-12));
        assert_eq!(integer("+1"), None);
        assert_eq!(integer("1e3"), None);
        assert_eq!(integer(""), None);
        assert_eq!(integer("99999999999999999999"), None);
    }
}

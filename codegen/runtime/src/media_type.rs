//! How a `Content-Type` is compared with the media types a spec documents: by essence (no
//! parameters, any case), and, for a documented range such as `image/*`, by its type alone.

use reqwest::header::{HeaderMap, CONTENT_TYPE};

/// `Application/JSON; charset=utf-8` → `application/json`.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether `given` (a `Content-Type`) is the `documented` media type or falls in its range.
pub(crate) fn matches(documented: &str, given: &str) -> bool {
    let (documented, given) = (essence(documented), essence(given));
    if given.is_empty() {
        return false;
    }
    documented == "*/*"
        || documented == given
        || documented
            .strip_suffix("/*")
            .is_some_and(|kind| given.split('/').next() == Some(kind))
}

/// The `Content-Type` of `headers`, as text, when there is one.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_match_by_essence_and_range() {
        assert!(matches(
            "text/event-stream",
            "Text/Event-Stream; charset=utf-8"
        ));
        assert!(matches("image/*", "image/png"));
        assert!(matches("*/*", "application/pdf"));
        assert!(!matches("image/*", "imagex/png"));
        assert!(!matches("application/x-ndjson", "application/json"));
        assert!(!matches("application/octet-stream", ""));
    }
}

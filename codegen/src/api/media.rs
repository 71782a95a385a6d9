//! Media types: one classification of what a body's bytes are (JSON, a form, multipart, text,
//! JSON lines, an event stream, bytes), and one rule for whether a `Content-Type` is a documented
//! media type.

use serde_json::Value;

use super::parameter::Style;
use crate::load::JsonPointer;

/// What a body of a media type is, as far as encoding and decoding it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MediaKind {
    /// One JSON document: `application/json`, `…+json`, `…/json` (`text/json`), and `*/*`.
    Json,
    /// One JSON document per line: `application/x-ndjson`, `application/jsonl`,
    /// `application/json-seq` and their spellings.
    JsonLines,
    /// `text/event-stream`.
    EventStream,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/…`.
    Multipart,
    /// Any other `text/…`.
    Text,
    /// Anything else: bytes.
    Binary,
}

/// Media types whose body is a sequence of JSON documents, one per line.
const JSON_LINES: [&str; 7] = [
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
    "application/json-seq",
];

impl MediaKind {
    /// The kind of `media_type` (any case, parameters such as `charset` ignored).
    #[must_use]
    pub fn of(media_type: &str) -> MediaKind {
        let essence = essence(media_type);
        if JSON_LINES.contains(&essence.as_str()) {
            MediaKind::JsonLines
        } else if essence == "text/event-stream" {
            MediaKind::EventStream
        } else if essence == "application/json"
            || essence.ends_with("+json")
            || essence.ends_with("/json")
            || essence == "*/*"
        {
            MediaKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::Form
        } else if essence.starts_with("multipart/") {
            MediaKind::Multipart
        } else if essence.starts_with("text/") {
            MediaKind::Text
        } else {
            MediaKind::Binary
        }
    }
}

/// `Application/JSON; charset=utf-8` → `application/json`.
#[must_use]
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether `given` (a `Content-Type` header) is the `documented` media type: by essence
/// (parameters such as `charset` ignored), with `*` ranges (`*/*`, `image/*`).
#[must_use]
pub fn media_matches(documented: &str, given: &str) -> bool {
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

/// `image/png, image/jpeg` → `image/png`; `None` for text that is not a concrete
/// `type/subtype` (`image/*`), which no request can carry as its `Content-Type`.
#[must_use]
pub fn concrete_media_type(listed: &str) -> Option<String> {
    let essence = listed.split([',', ';']).next()?.trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    let (kind, subtype) = essence.split_once('/')?;
    (token(kind) && token(subtype)).then(|| essence.to_owned())
}

/// One entry of a body's `content`: a Media Type Object.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaType {
    /// The key, as the spec writes it.
    pub name: String,
    pub kind: MediaKind,
    /// JSON pointer of the Media Type Object.
    pub pointer: JsonPointer,
    /// JSON pointer of its `schema`, when it has one.
    pub schema: Option<JsonPointer>,
    /// How the properties of a form or multipart body are encoded, where the spec says.
    pub encoding: Vec<Encoding>,
}

/// One entry of a Media Type Object's `encoding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoding {
    pub property: String,
    /// `contentType` as written (a multipart part's type; it may list several).
    pub content_type: Option<String>,
    /// `style` and `explode` for a form body's property: `form` and exploded unless the spec
    /// says otherwise.
    pub style: Style,
    pub explode: bool,
}

impl MediaType {
    /// Reads the Media Type Object `value` at `pointer`, under key `name`.
    pub(super) fn read(name: &str, pointer: JsonPointer, value: &Value) -> Self {
        let encoding = value
            .get("encoding")
            .and_then(Value::as_object)
            .map(|entries| {
                entries
                    .iter()
                    .map(|(property, entry)| {
                        let style = entry
                            .get("style")
                            .and_then(Value::as_str)
                            .and_then(Style::parse)
                            .filter(|style| style.allowed_in_query())
                            .unwrap_or(Style::Form);
                        Encoding {
                            property: property.clone(),
                            content_type: entry
                                .get("contentType")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            style,
                            explode: entry
                                .get("explode")
                                .and_then(Value::as_bool)
                                .unwrap_or(style == Style::Form),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            name: name.to_owned(),
            kind: MediaKind::of(name),
            schema: value.get("schema").map(|_| pointer.join("schema")),
            pointer,
            encoding,
        }
    }

    /// The encoding entry of `property`, when the spec gives one.
    #[must_use]
    pub fn encoding_of(&self, property: &str) -> Option<&Encoding> {
        self.encoding.iter().find(|e| e.property == property)
    }
}

/// Reads a `content` map (of a body, a response or a parameter) at `at`.
pub(super) fn read_content(at: &JsonPointer, holder: &Value) -> Vec<MediaType> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(name, value)| {
                    MediaType::read(name, at.join("content").join(name.as_str()), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_classified_once() {
        let cases = [
            ("application/json", MediaKind::Json),
            ("Application/JSON; charset=utf-8", MediaKind::Json),
            ("application/problem+json", MediaKind::Json),
            ("text/json", MediaKind::Json),
            ("*/*", MediaKind::Json),
            ("application/x-ndjson", MediaKind::JsonLines),
            ("application/jsonl", MediaKind::JsonLines),
            ("application/json-seq", MediaKind::JsonLines),
            ("text/event-stream", MediaKind::EventStream),
            ("application/x-www-form-urlencoded", MediaKind::Form),
            ("multipart/form-data", MediaKind::Multipart),
            ("text/plain", MediaKind::Text),
            ("text/csv", MediaKind::Text),
            ("application/octet-stream", MediaKind::Binary),
            ("image/*", MediaKind::Binary),
        ];
        for (media_type, kind) in cases {
            assert_eq!(MediaKind::of(media_type), kind, "{media_type}");
        }
    }

    #[test]
    fn media_types_match_by_essence_and_range() {
        assert!(media_matches(
            "application/json",
            "application/json; charset=utf-8"
        ));
        assert!(media_matches("application/*", "application/json"));
        assert!(media_matches("*/*", "text/plain"));
        assert!(!media_matches("application/json", "text/plain"));
        assert!(!media_matches("application/json", ""));
    }

    #[test]
    fn only_concrete_types_can_be_sent() {
        assert_eq!(
            concrete_media_type("image/png, image/jpeg").as_deref(),
            Some("image/png")
        );
        assert_eq!(concrete_media_type("image/*"), None);
        assert_eq!(concrete_media_type("not a type"), None);
    }
}

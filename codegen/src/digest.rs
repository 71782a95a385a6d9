//! The digest of a spec document: what a generated crate records of the spec it came from
//! (`SPEC_DIGEST`), so that whoever holds a document can tell whether a client was generated
//! from it.
//!
//! The digest is SHA-256 of the loaded document (after the loader's repairs) written as
//! canonical JSON: object keys in byte order, no whitespace, strings and numbers as `serde_json`
//! writes them. The same document therefore has the same digest whether it was written as YAML
//! or JSON, with its keys in any order; any change to its content, a description included,
//! gives another.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The digest of `spec` (a loaded document, as JSON), as 64 lowercase hexadecimal digits.
#[must_use]
pub fn spec_digest(spec: &Value) -> String {
    let mut hasher = Sha256::new();
    canonical(spec, &mut |bytes| hasher.update(bytes));
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Writes `value` as canonical JSON, piece by piece, to `out`.
fn canonical(value: &Value, out: &mut dyn FnMut(&[u8])) {
    match value {
        Value::Array(items) => {
            out(b"[");
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out(b",");
                }
                canonical(item, out);
            }
            out(b"]");
        }
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort_unstable();
            out(b"{");
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out(b",");
                }
                out(Value::String(key.clone()).to_string().as_bytes());
                out(b":");
                canonical(&object[key.as_str()], out);
            }
            out(b"}");
        }
        // Null, booleans, numbers and strings: serde_json's own text, the same everywhere.
        scalar => out(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_digest_is_sha256_of_canonical_json() {
        // sha256("{}") and sha256("{\"a\":[1,true,null],\"b\":\"é\\n\"}")
        assert_eq!(
            spec_digest(&json!({})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        let mut text = Vec::new();
        canonical(&json!({"b": "é\n", "a": [1, true, null]}), &mut |b| {
            text.extend_from_slice(b)
        });
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "{\"a\":[1,true,null],\"b\":\"é\\n\"}"
        );
    }

    #[test]
    fn key_order_and_notation_do_not_matter_and_content_does() {
        let yaml = crate::load(
            "a.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let json = crate::load(
            "a.json",
            r#"{"paths": {}, "info": {"version": "1", "title": "t"}, "openapi": "3.0.3"}"#,
        )
        .unwrap();
        assert_eq!(spec_digest(&yaml.raw), spec_digest(&json.raw));
        let mut described = json.raw.clone();
        described["info"]["description"] = json!("another word");
        assert_ne!(spec_digest(&described), spec_digest(&json.raw));
        assert_eq!(spec_digest(&json.raw).len(), 64);
    }
}

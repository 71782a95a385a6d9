use std::fmt;

use serde_json::Value;

/// A JSON pointer (RFC 6901) built token by token; displays as `/a/b~1c`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonPointer {
    tokens: Vec<String>,
}

impl JsonPointer {
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// The pointer made of `tokens` (unescaped), in order.
    #[must_use]
    pub fn from_tokens(tokens: &[String]) -> Self {
        Self {
            tokens: tokens.to_vec(),
        }
    }

    /// This pointer with one more reference token (unescaped; escaping happens on display).
    #[must_use]
    pub fn join(&self, token: impl Into<String>) -> Self {
        let mut tokens = Vec::with_capacity(self.tokens.len() + 1);
        tokens.extend(self.tokens.iter().cloned());
        tokens.push(token.into());
        Self { tokens }
    }

    /// This pointer followed by every token of `relative`.
    #[must_use]
    pub fn append(&self, relative: &JsonPointer) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.extend(relative.tokens.iter().cloned());
        Self { tokens }
    }

    /// Parses `/a/b~1c` (the empty string is the root).
    pub fn parse(pointer: &str) -> Option<Self> {
        if pointer.is_empty() {
            return Some(Self::root());
        }
        let rest = pointer.strip_prefix('/')?;
        let tokens = rest
            .split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect();
        Some(Self { tokens })
    }

    #[must_use]
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The value this pointer names in `document`, token by token (the same as
    /// `document.pointer(&self.to_string())`, without writing the pointer out and parsing it
    /// back).
    #[must_use]
    pub fn resolve<'v>(&self, document: &'v Value) -> Option<&'v Value> {
        self.tokens
            .iter()
            .try_fold(document, |value, token| match value {
                Value::Object(map) => map.get(token),
                Value::Array(items) => {
                    // RFC 6901: an index is `0` or digits without a leading zero.
                    let valid = token == "0" || (!token.starts_with('0') && !token.is_empty());
                    let index = token.parse::<usize>().ok().filter(|_| valid)?;
                    items.get(index)
                }
                _ => None,
            })
    }

    pub(crate) fn from_serde_path(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        let tokens = path
            .iter()
            .filter_map(|segment| match segment {
                Segment::Seq { index } => Some(index.to_string()),
                Segment::Map { key } => Some(key.clone()),
                Segment::Enum { variant } => Some(variant.clone()),
                Segment::Unknown => None,
            })
            .collect();
        Self { tokens }
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            f.write_str("/")?;
            if token.contains(['~', '/']) {
                f.write_str(&escape_token(token))?;
            } else {
                f.write_str(token)?;
            }
        }
        Ok(())
    }
}

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
#[must_use]
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::JsonPointer;

    #[test]
    fn resolving_token_by_token_agrees_with_serde_json() {
        let document = json!({
            "paths": {"/a/{b}": {"get": {"x~y": [10, 11, {"": "empty key"}]}}},
            "list": [0, 1]
        });
        let pointers = [
            "",
            "/paths/~1a~1{b}",
            "/paths/~1a~1{b}/get/x~0y/1",
            "/paths/~1a~1{b}/get/x~0y/2/",
            "/list/01",
            "/list/-",
            "/list/2",
            "/missing/x",
            "/list/0/deeper",
        ];
        for text in pointers {
            let pointer = JsonPointer::parse(text).expect("a pointer");
            assert_eq!(pointer.resolve(&document), document.pointer(text), "{text}");
            assert_eq!(pointer.to_string(), text, "{text}");
        }
    }
}

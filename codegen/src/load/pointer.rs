use std::fmt;

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

    /// This pointer with one more reference token (unescaped; escaping happens on display).
    #[must_use]
    pub fn join(&self, token: impl Into<String>) -> Self {
        let mut tokens = self.tokens.clone();
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
            write!(f, "/{}", escape_token(token))?;
        }
        Ok(())
    }
}

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
#[must_use]
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

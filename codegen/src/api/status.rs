//! Response keys (`200`, `4XX`, `default`) and the one rule for which documented response a
//! status falls under.

use std::fmt;

/// The key of a Responses Object entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusKey {
    Code(u16),
    /// `4XX`: the hundreds digit (1 to 5).
    Range(u16),
    Default,
}

impl StatusKey {
    /// `200`, `4XX` (or `4xx`), `default`; `None` for anything else (a code outside 100–599
    /// included).
    #[must_use]
    pub fn parse(key: &str) -> Option<StatusKey> {
        if key == "default" {
            return Some(StatusKey::Default);
        }
        let bytes = key.as_bytes();
        if bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && key[1..].eq_ignore_ascii_case("xx")
        {
            return Some(StatusKey::Range(u16::from(bytes[0] - b'0')));
        }
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        key.parse::<u16>()
            .ok()
            .filter(|code| (100..=599).contains(code))
            .map(StatusKey::Code)
    }

    /// Whether a response with `status` falls under this key, before precedence.
    #[must_use]
    pub fn covers(self, status: u16) -> bool {
        match self {
            StatusKey::Code(code) => code == status,
            StatusKey::Range(hundreds) => status / 100 == hundreds,
            StatusKey::Default => true,
        }
    }

    /// The order in which keys are tried: exact codes, then ranges, then `default` (OpenAPI:
    /// "the most specific key wins").
    #[must_use]
    pub fn precedence(self) -> u8 {
        match self {
            StatusKey::Code(_) => 0,
            StatusKey::Range(_) => 1,
            StatusKey::Default => 2,
        }
    }

    /// Whether the key stands for 2xx statuses only.
    #[must_use]
    pub fn is_2xx(self) -> bool {
        matches!(self, StatusKey::Code(200..=299) | StatusKey::Range(2))
    }
}

impl fmt::Display for StatusKey {
    /// `404`, `4XX`, `default`: as the spec writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusKey::Code(code) => write!(f, "{code}"),
            StatusKey::Range(hundreds) => write!(f, "{hundreds}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// The index of the key among `keys` that `status` falls under: its exact code, else its range,
/// else `default`.
pub fn select(keys: impl IntoIterator<Item = StatusKey>, status: u16) -> Option<usize> {
    keys.into_iter()
        .enumerate()
        .filter(|(_, key)| key.covers(status))
        .min_by_key(|(index, key)| (key.precedence(), *index))
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_as_the_spec_writes_them() {
        assert_eq!(StatusKey::parse("200"), Some(StatusKey::Code(200)));
        assert_eq!(StatusKey::parse("4XX"), Some(StatusKey::Range(4)));
        assert_eq!(StatusKey::parse("5xx"), Some(StatusKey::Range(5)));
        assert_eq!(StatusKey::parse("default"), Some(StatusKey::Default));
        for bad in [
            "2XXX", "600", "099", "+20", "20", "6XX", "0XX", "Default", "ok",
        ] {
            assert_eq!(StatusKey::parse(bad), None, "{bad}");
        }
        assert_eq!(StatusKey::Range(4).to_string(), "4XX");
    }

    #[test]
    fn the_most_specific_key_wins_whatever_the_order() {
        let keys = [
            StatusKey::Default,
            StatusKey::Range(4),
            StatusKey::Code(404),
            StatusKey::Code(200),
        ];
        assert_eq!(select(keys, 404), Some(2));
        assert_eq!(select(keys, 400), Some(1));
        assert_eq!(select(keys, 200), Some(3));
        assert_eq!(select(keys, 503), Some(0));
        assert_eq!(select([StatusKey::Code(200)], 201), None);
    }
}

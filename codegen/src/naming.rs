//! Identifiers: from any string in a spec to a valid, readable Rust name, and unique within its
//! scope. The [`Namer`] owns every name of one scope, so collisions are settled in one place and in
//! document order (the same spec always gets the same names).

use std::collections::BTreeSet;

/// Words Rust reserves; a field or method with one of these names gets a trailing `_`.
const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Splits `text` into words at non-alphanumeric characters, lower→upper case changes, and
/// acronym ends (`HTTPServer` → `HTTP`, `Server`). Signs and symbols that carry meaning at the
/// start of a value (`+1`, `-1`) become words of their own.
pub fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = transliterated(text).chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1).copied();
            let boundary = match previous {
                Some(p)
                    if (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase() =>
                {
                    true
                }
                Some(p) if p.is_ascii_digit() && c.is_ascii_alphabetic() => false,
                Some(p)
                    if p.is_ascii_uppercase()
                        && c.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()) =>
                {
                    true
                }
                _ => false,
            };
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        } else {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            if let Some(word) = symbol_word(c, index == 0 || words.is_empty()) {
                words.push(word);
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Letters beyond ASCII in their closest ASCII spelling (`Ä` → `A`, `ß` → `ss`, `東` → `Dong`),
/// so `ÄÖ` names a variant `Ao` rather than `U00c4U00d6`. A character without one stays, and
/// `symbol_word` spells its code point.
fn transliterated(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match deunicode::deunicode_char(c) {
            Some(ascii) if !c.is_ascii() && ascii.chars().any(|a| a.is_ascii_alphanumeric()) => {
                out.push_str(ascii);
            }
            _ => out.push(c),
        }
    }
    out
}

fn symbol_word(c: char, leading: bool) -> Option<String> {
    let word = match c {
        '+' => "plus",
        '-' if leading => "minus",
        '*' => "star",
        '@' if leading => "at",
        '$' if leading => "dollar",
        '#' if leading => "hash",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' if leading => "not",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' if leading => "tilde",
        c if c.is_alphanumeric() => return Some(format!("u{:04x}", u32::from(c))),
        _ => return None,
    };
    Some(word.to_owned())
}

/// `PascalCase`, prefixed with `X` when it would start with a digit; `fallback` when `text` has
/// no usable character.
pub fn pascal_case(text: &str, fallback: &str) -> String {
    let mut name: String = words(text)
        .iter()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'X');
    }
    // The one keyword that is PascalCase.
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

/// `snake_case`, prefixed with `x` when it would start with a digit, suffixed with `_` when it is
/// a keyword; `fallback` when `text` has no usable character.
pub fn snake_case(text: &str, fallback: &str) -> String {
    let mut name = words(text)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'x');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `SCREAMING_SNAKE_CASE`, as for constants.
pub fn screaming_snake_case(text: &str, fallback: &str) -> String {
    snake_case(text, fallback)
        .trim_end_matches('_')
        .to_ascii_uppercase()
}

/// The names of one scope (the types of a crate, the fields of a struct, the variants of an
/// enum, the methods of the client). Names are handed out first come, first served; a name that
/// is taken gets the smallest free numeric suffix (`Pet`, `Pet2`).
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `reserved` are already taken (names the generated code itself uses).
    #[must_use]
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_owned).collect(),
        }
    }

    /// `wanted` if it is free, else `wanted` with the smallest free suffix from 2 on. A name
    /// ending in `_` (an escaped keyword) or a digit takes the suffix after another `_`.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let separator = if wanted.ends_with(|c: char| c.is_ascii_digit() || c == '_') {
            "_"
        } else {
            ""
        };
        let base = wanted.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_owned())
    }

    #[must_use]
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_case_acronyms_and_symbols() {
        assert_eq!(words("HTTPServer"), ["HTTP", "Server"]);
        assert_eq!(words("camelCase"), ["camel", "Case"]);
        assert_eq!(words("foo-bar_baz.qux"), ["foo", "bar", "baz", "qux"]);
        assert_eq!(words("+1"), ["plus", "1"]);
        assert_eq!(words("-1"), ["minus", "1"]);
        assert_eq!(words("v2Beta"), ["v2", "Beta"]);
        assert_eq!(words("ÄÖ"), ["AO"]);
        assert_eq!(words("größe"), ["grosse"]);
        assert_eq!(pascal_case("Ärger über", "X"), "ArgerUber");
        assert_eq!(words("a-b"), ["a", "b"]);
    }

    #[test]
    fn cases() {
        assert_eq!(pascal_case("foo-bar", "X"), "FooBar");
        assert_eq!(pascal_case("HTTPServer", "X"), "HttpServer");
        assert_eq!(pascal_case("1abc", "X"), "X1abc");
        assert_eq!(pascal_case("", "Empty"), "Empty");
        assert_eq!(pascal_case("self", "X"), "SelfValue");
        assert_eq!(snake_case("camelCase", "x"), "camel_case");
        assert_eq!(snake_case("type", "x"), "type_");
        assert_eq!(snake_case("Self", "x"), "self_");
        assert_eq!(snake_case("x-foo", "x"), "x_foo");
        assert_eq!(snake_case("1abc", "x"), "x1abc");
        assert_eq!(snake_case("@id", "x"), "at_id");
        assert_eq!(snake_case("List Things", "x"), "list_things");
        assert_eq!(screaming_snake_case("type", "X"), "TYPE");
    }

    #[test]
    fn namer_settles_collisions_in_order() {
        let mut namer = Namer::with_reserved(["Client"]);
        assert_eq!(namer.claim("Pet"), "Pet");
        assert_eq!(namer.claim("Pet"), "Pet2");
        assert_eq!(namer.claim("Pet"), "Pet3");
        assert_eq!(namer.claim("Client"), "Client2");
        assert_eq!(namer.claim("v1"), "v1");
        assert_eq!(namer.claim("v1"), "v1_2");
        assert_eq!(namer.claim("type_"), "type_");
        assert_eq!(namer.claim("type_"), "type_2");
    }
}

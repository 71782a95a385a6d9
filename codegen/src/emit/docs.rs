//! Doc comments from spec text, and of the generator's own prose. Any text is safe inside
//! `#[doc = "…"]`; this only shapes it so it reads well as `///` lines and trips no lint (tabs,
//! carriage returns, trailing spaces).

use proc_macro2::TokenStream;

use crate::model::Doc;

pub(crate) fn doc_attrs(doc: &Doc) -> TokenStream {
    crate::render::doc_comment(doc_lines(doc))
}

/// The empty `///` line that separates `docs` from a paragraph the generator adds after them, or
/// nothing when there are no docs to separate from.
pub(crate) fn paragraph_break(docs: &TokenStream) -> Option<TokenStream> {
    (!docs.is_empty()).then(|| quote::quote! { #[doc = ""] })
}

pub(crate) fn doc_lines(doc: &Doc) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(title) = &doc.title {
        paragraphs.push(title.clone());
    }
    if let Some(description) = &doc.description {
        if doc.title.as_deref() != Some(description.as_str()) {
            paragraphs.push(description.clone());
        }
    }
    if doc.deprecated {
        paragraphs.push("**Deprecated.**".to_owned());
    }
    paragraphs.extend(doc.notes.iter().cloned());
    text_lines(&paragraphs.join("\n\n"))
}

/// Lines of a `///` comment: each begins with a space, as rustfmt writes them.
pub(crate) fn text_lines(text: &str) -> Vec<String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    // Collapse runs of blank lines: one is a paragraph break, more is noise.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines
}

/// The words of `line`, a code span and a number with its unit (`2 s`) each kept as one.
fn unbreakable_words(line: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in line.split(' ').filter(|word| !word.is_empty()) {
        let glued = words.last().is_some_and(|last| {
            last.matches('`').count() % 2 == 1
                || (matches!(word.trim_end_matches(['.', ',', ';', ')']), "s" | "ms")
                    && last.chars().all(|c| c.is_ascii_digit() || c == '.'))
        });
        match words.last_mut() {
            Some(last) if glued => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
    }
    words
}

/// How long a line of the generator's own prose may be (after `///`).
const WIDTH: usize = 92;

/// Doc lines of the generator's own prose, wrapped at [`WIDTH`] (a list item's continuation
/// lines indented under its text).
pub(crate) fn prose_doc(text: &str) -> TokenStream {
    let mut lines = Vec::new();
    for line in text_lines(text) {
        let continuation = if line.starts_with(" - ") { "   " } else { " " };
        let mut current = String::new();
        for word in unbreakable_words(&line) {
            if current.is_empty() {
                current = format!(" {word}");
            } else if current.len() + 1 + word.len() > WIDTH {
                lines.push(std::mem::replace(
                    &mut current,
                    format!("{continuation}{word}"),
                ));
            } else {
                current.push(' ');
                current.push_str(&word);
            }
        }
        lines.push(current);
    }
    crate::render::doc_comment(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_shaped_into_lines() {
        assert_eq!(
            text_lines("a\r\n\tb  \n\n\n\nc\n\n"),
            [" a", "     b", "", " c"]
        );
    }

    #[test]
    fn title_description_and_notes_are_paragraphs() {
        let doc = Doc {
            title: Some("Title".into()),
            description: Some("Body */ text".into()),
            deprecated: true,
            notes: vec!["Note.".into()],
        };
        assert_eq!(
            doc_lines(&doc),
            [
                " Title",
                "",
                " Body */ text",
                "",
                " **Deprecated.**",
                "",
                " Note."
            ]
        );
    }
}

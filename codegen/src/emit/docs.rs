//! Doc comments from spec text. Any text is safe inside `#[doc = "…"]`; this only shapes it so
//! it reads well as `///` lines and trips no lint (tabs, carriage returns, trailing spaces).

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

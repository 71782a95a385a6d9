//! Docs for the types whose schema documents nothing: what the type is, said from where its
//! schema stands ("The `polarity` property of [`KeyMoment`]."), rather than a raw JSON pointer.

use std::collections::HashMap;

use serde_json::Value;

use super::TypeDef;
use crate::load::JsonPointer;

/// Gives each undocumented type a one-line description of what it is, when its place in the
/// document says (component schemas name themselves and get none).
pub(crate) fn describe_undocumented(defs: &mut [TypeDef], spec: &Value) {
    let names: HashMap<String, String> = defs
        .iter()
        .rev()
        .map(|def| (def.origin.clone(), def.name.clone()))
        .collect();
    for def in defs.iter_mut() {
        if def.doc.title.is_some() || def.doc.description.is_some() {
            continue;
        }
        let Some(pointer) = JsonPointer::parse(&def.origin) else {
            continue;
        };
        let describer = Describer {
            names: &names,
            spec,
            own: &def.origin,
        };
        if let Some(phrase) = describer.phrase(pointer.tokens()) {
            def.doc.description = Some(format!("{}.", capitalized(&phrase)));
        }
    }
}

struct Describer<'a> {
    names: &'a HashMap<String, String>,
    spec: &'a Value,
    /// The pointer of the type being described, which must not describe itself by name.
    own: &'a str,
}

impl Describer<'_> {
    fn phrase(&self, tokens: &[String]) -> Option<String> {
        let pointer = pointer_of(tokens);
        if pointer != self.own {
            if let Some(name) = self.names.get(&pointer) {
                return Some(format!("[`{name}`]"));
            }
        }
        let strs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        // The tokens before the last `k`.
        let up = |k: usize| &tokens[..tokens.len() - k];
        match strs.as_slice() {
            [.., "properties", property] => Some(format!(
                "the `{property}` property of {}",
                self.phrase(up(2))?
            )),
            [.., "items"] => Some(format!("an item of {}", self.phrase(up(1))?)),
            [.., "additionalProperties"] => Some(format!("a value of {}", self.phrase(up(1))?)),
            // `allOf` members are merged into the type of their parent.
            [.., "allOf", _] => self.phrase(up(2)),
            [.., "oneOf" | "anyOf", _] => Some(format!("a variant of {}", self.phrase(up(2))?)),
            ["paths", path, method, "requestBody", "content", _, "schema"] => Some(format!(
                "the request body of `{} {path}`",
                method.to_uppercase()
            )),
            ["paths", path, method, "responses", status, "content", _, "schema"] => Some(format!(
                "the `{status}` response body of `{} {path}`",
                method.to_uppercase()
            )),
            ["paths", path, method, "responses", status, "headers", header, "schema"] => {
                Some(format!(
                    "the `{header}` header of the `{status}` response of `{} {path}`",
                    method.to_uppercase()
                ))
            }
            ["paths", path, method, "parameters", _, "schema" | "content", ..] => {
                let name = self.parameter_name(&tokens[..5])?;
                Some(format!(
                    "the `{name}` parameter of `{} {path}`",
                    method.to_uppercase()
                ))
            }
            ["paths", path, "parameters", _, "schema" | "content", ..] => {
                let name = self.parameter_name(&tokens[..4])?;
                Some(format!("the `{name}` parameter of `{path}`"))
            }
            ["components", "parameters", _, "schema" | "content", ..] => {
                let name = self.parameter_name(&tokens[..3])?;
                Some(format!("the `{name}` parameter"))
            }
            ["components", "requestBodies", body, "content", _, "schema"] => {
                Some(format!("the `{body}` request body"))
            }
            ["components", "responses", response, "content", _, "schema"] => {
                Some(format!("the body of the `{response}` response"))
            }
            ["components", "headers", header, "schema"] => Some(format!("the `{header}` header")),
            _ => None,
        }
    }

    fn parameter_name(&self, tokens: &[String]) -> Option<String> {
        let parameter = self.spec.pointer(&pointer_of(tokens))?;
        parameter
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

fn pointer_of(tokens: &[String]) -> String {
    JsonPointer::from_tokens(tokens).to_string()
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

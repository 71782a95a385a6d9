//! The document as the typed `openapiv3` view can hold it.
//!
//! OpenAPI 3.0.3 allows a Reference Object wherever it allows a Callback Object and, inside a
//! callback, a `$ref` in a Path Item Object; `openapiv3` holds an operation's callbacks as plain
//! maps of path items, so `callbacks: {onX: {$ref: …}}` would not deserialize, and a path item
//! `{$ref: …}` inside a callback would read as an empty one. Before the typed view is built,
//! such references are replaced by (a copy of) what they point to, nested callbacks included.
//! Everything else reads the raw document, which is left as written, and follows its references
//! itself (`codegen::api` warns, at their pointers, about those that do not resolve).
//!
//! A reference that does not resolve, or that would be inlined inside itself, becomes an empty
//! object in the view: the reading says what it leaves out, and the view never grows without
//! bound (at most [`BUDGET`] references are inlined).

use std::borrow::Cow;

use serde_json::Value;

use super::pointer::JsonPointer;
use super::refs::follow;

/// How many references one document may have inlined into its typed view; past it, a reference
/// becomes an empty object (a document nesting callbacks that reference each other could
/// otherwise grow the view exponentially).
const BUDGET: usize = 4096;

/// `raw` itself when the typed view can hold it as it is, else a copy with the references it
/// cannot hold inlined.
pub(crate) fn view_input(raw: &Value) -> Cow<'_, Value> {
    if !needs_inlining(raw) {
        return Cow::Borrowed(raw);
    }
    let mut view = raw.clone();
    let mut inliner = Inliner {
        document: raw,
        stack: Vec::new(),
        budget: BUDGET,
    };
    if let Some(Value::Object(paths)) = view.get_mut("paths") {
        for item in paths.values_mut() {
            inliner.path_item(item);
        }
    }
    if let Some(Value::Object(callbacks)) = view.pointer_mut("/components/callbacks") {
        for callback in callbacks.values_mut() {
            // `components/callbacks` holds `ReferenceOr<Callback>`: a reference there is fine.
            if callback.get("$ref").is_none() {
                inliner.callback_items(callback);
            }
        }
    }
    Cow::Owned(view)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether any operation's callback, or any path item of a callback, is a reference.
fn needs_inlining(raw: &Value) -> bool {
    fn operation_callbacks(item: &Value) -> impl Iterator<Item = &Value> {
        METHODS
            .iter()
            .filter_map(|method| item.get(method)?.get("callbacks")?.as_object())
            .flat_map(|callbacks| callbacks.values())
    }
    fn callback_needs(callback: &Value, depth: usize) -> bool {
        if callback.get("$ref").is_some() {
            return true;
        }
        // Nested callbacks are rare; a document nesting them this deep is inlined anyway.
        if depth > 32 {
            return true;
        }
        let Some(items) = callback.as_object() else {
            return false;
        };
        items.values().any(|item| {
            item.get("$ref").is_some()
                || operation_callbacks(item).any(|nested| callback_needs(nested, depth + 1))
        })
    }
    let in_paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .is_some_and(|paths| {
            paths
                .values()
                .flat_map(operation_callbacks)
                .any(|callback| callback_needs(callback, 0))
        });
    let in_components = raw
        .pointer("/components/callbacks")
        .and_then(Value::as_object)
        .is_some_and(|callbacks| {
            callbacks
                .values()
                .filter(|callback| callback.get("$ref").is_none())
                .any(|callback| callback_needs(callback, 0))
        });
    in_paths || in_components
}

struct Inliner<'a> {
    document: &'a Value,
    /// The references being inlined, outermost first: one met again is a cycle.
    stack: Vec<String>,
    budget: usize,
}

impl Inliner<'_> {
    /// The operations of a path item (not itself a reference: `paths` holds
    /// `ReferenceOr<PathItem>`) and their callbacks.
    fn path_item(&mut self, item: &mut Value) {
        for method in METHODS {
            let Some(Value::Object(callbacks)) = item
                .get_mut(method)
                .and_then(|operation| operation.get_mut("callbacks"))
            else {
                continue;
            };
            for callback in callbacks.values_mut() {
                let inlined = self.inline(callback);
                self.callback_items(callback);
                if inlined {
                    self.stack.pop();
                }
            }
        }
    }

    /// The path items of a callback, each inlined when it is a reference.
    fn callback_items(&mut self, callback: &mut Value) {
        let Value::Object(items) = callback else {
            return;
        };
        for item in items.values_mut() {
            let inlined = self.inline(item);
            self.path_item(item);
            if inlined {
                self.stack.pop();
            }
        }
    }

    /// Replaces `value`, when it is a reference, by a copy of its target, or by `{}` when it
    /// cannot be inlined. True when the reference was inlined: it then stays on the stack while
    /// the caller walks the copy (whose own references are inlined in turn), and the caller
    /// pops it.
    fn inline(&mut self, value: &mut Value) -> bool {
        let Some(reference) = value.get("$ref") else {
            return false;
        };
        let target = reference
            .as_str()
            .filter(|reference| !self.stack.iter().any(|seen| seen == reference))
            .filter(|_| self.budget > 0)
            .and_then(|reference| {
                let at = JsonPointer::parse(&super::refs::local_ref_target(reference).ok()?)?;
                let (_, target) = follow(self.document, &at).ok()?;
                Some((reference.to_owned(), target.clone()))
            });
        match target {
            Some((reference, target)) => {
                self.budget -= 1;
                *value = target;
                self.stack.push(reference);
                true
            }
            None => {
                *value = Value::Object(serde_json::Map::new());
                false
            }
        }
    }
}

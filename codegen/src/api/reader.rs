//! The state of one reading: the document, and the warnings met so far.

use serde_json::Value;

use crate::load::{follow, JsonPointer, Warning};

pub(super) struct Reader<'a> {
    pub spec: &'a Value,
    pub warnings: Vec<Warning>,
}

impl<'a> Reader<'a> {
    pub fn new(spec: &'a Value) -> Self {
        Self {
            spec,
            warnings: Vec::new(),
        }
    }

    /// The object at `at` after its `$ref`s, and where it really stands.
    pub fn follow(&self, at: &JsonPointer) -> Option<(JsonPointer, &'a Value)> {
        follow(self.spec, at).ok()
    }

    /// [`follow`](Self::follow), or `None` with a warning at `at` that names `what` holds the
    /// `$ref`, why it does not resolve (nothing there, a cycle, outside the document) and what
    /// is `left_out` for it.
    pub fn follow_or_warn(
        &mut self,
        at: &JsonPointer,
        what: &str,
        left_out: &str,
    ) -> Option<(JsonPointer, &'a Value)> {
        match follow(self.spec, at) {
            Ok(found) => Some(found),
            Err(error) => {
                self.warn(
                    at,
                    format!("{what} `$ref` does not resolve ({error}); {left_out}"),
                );
                None
            }
        }
    }

    pub fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }
}

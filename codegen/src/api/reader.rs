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

    pub fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }
}

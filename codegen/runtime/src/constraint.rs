use std::fmt;

/// A value that breaks a constraint of its schema (pattern, length, range), found when a
/// constrained type is built or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    type_name: &'static str,
    message: String,
}

impl ConstraintError {
    #[must_use]
    pub fn new(type_name: &'static str, message: impl Into<String>) -> Self {
        Self {
            type_name,
            message: message.into(),
        }
    }

    /// The generated type whose constraint failed.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.type_name, self.message)
    }
}

impl std::error::Error for ConstraintError {}

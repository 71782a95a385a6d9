use std::fmt;

/// Why a document could not be loaded. Every variant names the source, and where it is known,
/// the line (syntax) or the JSON pointer (shape) of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The text is not YAML or JSON.
    #[error("{source_name}{}: {message}", line_column(*.line, *.column))]
    Syntax {
        source_name: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The text parsed, but is not an OpenAPI 3.0 document of the expected shape.
    #[error("{source_name}#{pointer}: {message}")]
    Shape {
        source_name: String,
        pointer: String,
        message: String,
    },
}

fn line_column(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// Something the loader tolerated, with the JSON pointer it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

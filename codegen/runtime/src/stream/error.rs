//! [`StreamError`]: why a streamed response yielded an error instead of an item.

use std::fmt;

/// Why a streamed response ([`EventStream`](crate::EventStream),
/// [`ItemStream`](crate::ItemStream), [`ByteStream`](crate::ByteStream)) yielded an error
/// instead of an item.
///
/// An item that does not decode ([`Data`](Self::Data), [`Item`](Self::Item)) spoils only
/// itself: the stream goes on with the next. A body that cannot be read further
/// ([`Transport`](Self::Transport)) or parsed further ([`Malformed`](Self::Malformed)) ends
/// the stream; [`ends_stream`](Self::ends_stream) tells which is which.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The body could not be read further: the connection failed, or the `reqwest::Client`'s
    /// own timeout passed. The stream ends.
    Transport(reqwest::Error),
    /// The body is not what its media type says (an event stream's field that is not UTF-8).
    /// The stream ends.
    Malformed(String),
    /// An event whose `data` does not decode as the spec's schema says (a closing sentinel
    /// such as `[DONE]`, which some APIs send and no schema describes, is one). The stream goes
    /// on.
    Data {
        /// The event's type (`message` when the server names none).
        event: String,
        /// The event's id, when it carries one.
        id: Option<String>,
        /// The data, as received.
        data: String,
        error: serde_json::Error,
    },
    /// A line of JSON lines (a text of a JSON text sequence) that does not decode as the
    /// spec's schema says. The stream goes on.
    Item {
        /// Its line's number (JSON lines) or its place among the texts (a JSON text sequence),
        /// from 1.
        number: usize,
        /// The line or text, as received (invalid UTF-8 replaced).
        text: String,
        error: serde_json::Error,
    },
}

impl StreamError {
    /// Whether the stream ends after this error (it goes on after one item that does not
    /// decode).
    #[must_use]
    pub fn ends_stream(&self) -> bool {
        matches!(self, Self::Transport(_) | Self::Malformed(_))
    }

    /// Whether the body timed out (the `reqwest::Client`'s `timeout` or `read_timeout`).
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(error) if error.is_timeout())
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => write!(f, "the stream broke off: {error}"),
            Self::Malformed(message) => write!(f, "the stream is malformed: {message}"),
            Self::Data {
                event,
                id: Some(id),
                error,
                ..
            } => write!(
                f,
                "event `{event}` (id `{id}`): the data did not decode: {error}"
            ),
            Self::Data {
                event,
                id: None,
                error,
                ..
            } => write!(f, "event `{event}`: the data did not decode: {error}"),
            Self::Item { number, error, .. } => {
                write!(f, "item {number} did not decode: {error}")
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            Self::Data { error, .. } | Self::Item { error, .. } => Some(error),
            Self::Malformed(_) => None,
        }
    }
}

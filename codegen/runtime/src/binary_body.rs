//! [`BinaryBody`]: the body of a binary request (`application/octet-stream`, `image/png`, …),
//! in memory or read as it is sent.

use std::fmt;

use bytes::Bytes;
use futures_core::TryStream;

/// The body of a binary request: bytes in memory, or read as it is sent from a stream or a
/// file, so that a large upload needs no buffer of its size.
///
/// Build one with `From` (`Vec<u8>`, [`Bytes`], `&'static [u8]`, `String`, `&'static str`, a
/// `tokio::fs::File`, or a `reqwest::Body`) or [`from_stream`](Self::from_stream); a method
/// that takes `impl Into<BinaryBody>` takes any of them as they are.
///
/// **A body read as it is sent is sent once.** Its bytes are gone once read, so a request
/// carrying one is never retried, whatever the [`RetryPolicy`](crate::RetryPolicy) says (a
/// `429` or a lost connection is returned as it is). A body in memory is retried as any other.
/// A streamed body goes out in chunks (`Transfer-Encoding: chunked` over HTTP/1.1), without a
/// `Content-Length`.
pub struct BinaryBody(reqwest::Body);

impl BinaryBody {
    /// A body read from `stream` as it is sent: chunks of anything that converts into
    /// [`Bytes`] (`Vec<u8>`, `Bytes`, `String`…). An error from the stream aborts the request,
    /// which then fails as [`Error::Communication`](crate::Error::Communication).
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        Self(reqwest::Body::wrap_stream(stream))
    }

    /// Whether the body is read as it is sent (from a stream or a file), and so sent once.
    #[must_use]
    pub fn is_streamed(&self) -> bool {
        self.0.as_bytes().is_none()
    }
}

impl fmt::Debug for BinaryBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_bytes() {
            Some(bytes) => write!(f, "BinaryBody({} bytes)", bytes.len()),
            None => f.write_str("BinaryBody(streamed)"),
        }
    }
}

impl From<BinaryBody> for reqwest::Body {
    fn from(body: BinaryBody) -> Self {
        body.0
    }
}

impl From<reqwest::Body> for BinaryBody {
    fn from(body: reqwest::Body) -> Self {
        Self(body)
    }
}

/// A file read as it is sent, from where its cursor stands.
impl From<tokio::fs::File> for BinaryBody {
    fn from(file: tokio::fs::File) -> Self {
        Self(file.into())
    }
}

impl From<Bytes> for BinaryBody {
    fn from(bytes: Bytes) -> Self {
        Self(bytes.into())
    }
}

impl From<Vec<u8>> for BinaryBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

impl From<&'static [u8]> for BinaryBody {
    fn from(bytes: &'static [u8]) -> Self {
        Self(bytes.into())
    }
}

impl From<String> for BinaryBody {
    fn from(text: String) -> Self {
        Self(text.into())
    }
}

impl From<&'static str> for BinaryBody {
    fn from(text: &'static str) -> Self {
        Self(text.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_in_memory_are_not_streamed_and_streams_are() {
        assert!(!BinaryBody::from(vec![1u8, 2, 3]).is_streamed());
        assert!(!BinaryBody::from("text").is_streamed());
        assert_eq!(
            format!("{:?}", BinaryBody::from(Bytes::from_static(b"abcd"))),
            "BinaryBody(4 bytes)"
        );
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from("a"))]);
        let streamed = BinaryBody::from_stream(chunks);
        assert!(streamed.is_streamed());
        assert_eq!(format!("{streamed:?}"), "BinaryBody(streamed)");
    }
}

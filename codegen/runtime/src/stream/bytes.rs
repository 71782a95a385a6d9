//! [`ByteStream`]: a binary response body, chunk by chunk as it arrives.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::{FusedStream, Stream};

use super::{Chunks, StreamError};

/// A binary response body as it arrives, chunk by chunk (of whatever sizes the connection
/// delivers), so that a large download needs no buffer of its size. It ends with the body;
/// a connection that fails midway yields one [`StreamError::Transport`] and ends it.
///
/// Read it with [`next`](Self::next), or with any `Stream` combinator: it is a
/// `futures_core::Stream` of `Result<Bytes, StreamError>`.
pub struct ByteStream {
    /// `None` once the body has ended or failed.
    chunks: Option<Chunks>,
}

impl ByteStream {
    pub(crate) fn new(chunks: Chunks) -> Self {
        Self {
            chunks: Some(chunks),
        }
    }

    /// The next chunk; `None` once the body has ended.
    pub async fn next(&mut self) -> Option<Result<Bytes, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(chunks) = this.chunks.as_mut() else {
            return Poll::Ready(None);
        };
        match chunks.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
            Poll::Ready(Some(Err(error))) => {
                this.chunks = None;
                Poll::Ready(Some(Err(StreamError::Transport(error))))
            }
            Poll::Ready(None) => {
                this.chunks = None;
                Poll::Ready(None)
            }
        }
    }
}

impl FusedStream for ByteStream {
    fn is_terminated(&self) -> bool {
        self.chunks.is_none()
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("ended", &self.chunks.is_none())
            .finish()
    }
}

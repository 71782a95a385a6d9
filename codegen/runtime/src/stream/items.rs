//! [`ItemStream`]: JSON lines (`application/x-ndjson`, `application/jsonl`, …) and JSON text
//! sequences (`application/json-seq`, RFC 7464), decoded item by item as the body arrives.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::{FusedStream, Stream};
use serde::de::DeserializeOwned;

use super::{Chunks, StreamError};

/// The record separator that opens each text of a JSON text sequence.
const RECORD_SEPARATOR: u8 = 0x1e;

/// How the body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// One JSON document per line.
    Lines,
    /// Each document after a record separator, and free to span lines (RFC 7464).
    Sequence,
}

impl Framing {
    /// The framing of a body whose `Content-Type` is `media_type`.
    pub(crate) fn of(media_type: &str) -> Self {
        if crate::media_type::essence(media_type) == "application/json-seq" {
            Self::Sequence
        } else {
            Self::Lines
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            Self::Lines => b'\n',
            Self::Sequence => RECORD_SEPARATOR,
        }
    }
}

/// A body of JSON lines or a JSON text sequence, each item decoded as a `T` as soon as it has
/// arrived whole (an item split across chunks waits for its end; the body is never buffered
/// whole). Blank lines are skipped, line ends may be CRLF, and a line may open with the record
/// separator of `application/json-seq`.
///
/// An item that does not decode is a [`StreamError::Item`] (with its number and text), and
/// the stream goes on with the next; a connection that fails midway yields one
/// [`StreamError::Transport`] and ends it. Otherwise it ends with the body, after the last
/// item (which needs no line end after it).
pub struct ItemStream<T> {
    /// `None` once the body has ended or failed.
    chunks: Option<Chunks>,
    framing: Framing,
    /// Received and not yet cut into items.
    pending: BytesMut,
    /// How much of `pending` is known to hold no delimiter.
    searched: usize,
    /// The number of the last line (JSON lines) or text (a JSON text sequence) read.
    number: usize,
    items: PhantomData<fn() -> T>,
}

impl<T> ItemStream<T> {
    pub(crate) fn new(chunks: Chunks, framing: Framing) -> Self {
        Self {
            chunks: Some(chunks),
            framing,
            pending: BytesMut::new(),
            searched: 0,
            number: 0,
            items: PhantomData,
        }
    }

    /// The next whole item received; `None` when none is.
    fn cut(&mut self) -> Option<Bytes> {
        let delimiter = self.framing.delimiter();
        let at = self.pending[self.searched..]
            .iter()
            .position(|&byte| byte == delimiter)
            .map(|offset| self.searched + offset);
        let item = match at {
            Some(at) => {
                let item = self.pending.split_to(at + 1).freeze();
                item.slice(..at)
            }
            // The last item needs no delimiter after it.
            None if self.chunks.is_none() && !self.pending.is_empty() => {
                self.pending.split().freeze()
            }
            None => {
                self.searched = self.pending.len();
                return None;
            }
        };
        self.searched = 0;
        Some(item)
    }
}

impl<T: DeserializeOwned> ItemStream<T> {
    /// The next item; `None` once the body has ended.
    pub async fn next(&mut self) -> Option<Result<T, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

/// An item's JSON text: without the surrounding whitespace (a CR before the line end
/// included), nor the record separator a line of `application/json-seq` opens with.
fn json_text(item: &[u8]) -> &[u8] {
    let item = item.trim_ascii();
    item.strip_prefix(&[RECORD_SEPARATOR])
        .map_or(item, <[u8]>::trim_ascii)
}

impl<T: DeserializeOwned> Stream for ItemStream<T> {
    type Item = Result<T, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.cut() {
                let text = json_text(&item);
                // Lines are numbered as an editor numbers them; a sequence's texts as texts.
                if this.framing == Framing::Lines || !text.is_empty() {
                    this.number += 1;
                }
                if text.is_empty() {
                    continue;
                }
                return Poll::Ready(Some(serde_json::from_slice(text).map_err(|error| {
                    StreamError::Item {
                        number: this.number,
                        text: String::from_utf8_lossy(text).into_owned(),
                        error,
                    }
                })));
            }
            let Some(chunks) = this.chunks.as_mut() else {
                return Poll::Ready(None);
            };
            match chunks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.pending.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(error))) => {
                    this.chunks = None;
                    this.pending.clear();
                    return Poll::Ready(Some(Err(StreamError::Transport(error))));
                }
                Poll::Ready(None) => this.chunks = None,
            }
        }
    }
}

impl<T: DeserializeOwned> FusedStream for ItemStream<T> {
    fn is_terminated(&self) -> bool {
        self.chunks.is_none() && self.pending.is_empty()
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("item", &std::any::type_name::<T>())
            .field("framing", &self.framing)
            .field("items_read", &self.number)
            .field("ended", &self.chunks.is_none())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;

    fn chunks(parts: &[&'static [u8]]) -> Chunks {
        let parts: Vec<Result<Bytes, reqwest::Error>> = parts
            .iter()
            .map(|part| Ok(Bytes::from_static(part)))
            .collect();
        Box::pin(futures_util::stream::iter(parts))
    }

    async fn read(framing: Framing, parts: &[&'static [u8]]) -> Vec<Result<u32, String>> {
        ItemStream::<u32>::new(chunks(parts), framing)
            .map(|item| {
                item.map_err(|error| match error {
                    StreamError::Item { number, text, .. } => format!("{number}: {text}"),
                    other => other.to_string(),
                })
            })
            .collect()
            .await
    }

    #[tokio::test]
    async fn lines_split_across_chunks_decode_and_blank_lines_and_crlf_pass() {
        let items = read(
            Framing::Lines,
            &[b"1\r\n\r\n2", b"3\n", b"\n  \n4", b"5\r", b"\nnope\n6"],
        )
        .await;
        assert_eq!(
            items,
            [Ok(1), Ok(23), Ok(45), Err("7: nope".to_owned()), Ok(6)]
        );
    }

    #[tokio::test]
    async fn a_sequence_s_texts_may_span_lines() {
        let items = read(
            Framing::Sequence,
            &[b"\x1e1\n\x1e  2", b"\n3\n\x1e\n", b"\x1e{\"a\"\n}\n\x1e4\n"],
        )
        .await;
        assert_eq!(
            items,
            [
                Ok(1),
                Err("2: 2\n3".to_owned()),
                Err("3: {\"a\"\n}".to_owned()),
                Ok(4)
            ]
        );
        let lines_with_separators = read(Framing::Lines, &[b"\x1e7\n\x1e8\n"]).await;
        assert_eq!(lines_with_separators, [Ok(7), Ok(8)]);
    }

    #[test]
    fn the_media_type_chooses_the_framing() {
        assert_eq!(Framing::of("application/json-seq"), Framing::Sequence);
        assert_eq!(
            Framing::of("Application/JSON-seq; charset=utf-8"),
            Framing::Sequence
        );
        assert_eq!(Framing::of("application/x-ndjson"), Framing::Lines);
        assert_eq!(Framing::of("application/jsonl"), Framing::Lines);
    }
}

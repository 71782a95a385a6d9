//! [`Collect`]: at most so many items of a walk, gathered: what a generated `…_all` method
//! returns.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::Pages;
use crate::Error;

/// The first `limit` items of a [`Pages`] at most, in order: a future of `Result<Vec<T>,
/// Error<E, EH>>` that requests no page once `limit` items are in hand (none at all for `limit`
/// 0), and ends with the walk's first error instead when one comes first.
///
/// A named future rather than an `async fn`, so that a generated crate with many paginated lists
/// has no async body of its own to check, as with [`Call`](crate::Call).
#[must_use = "nothing is requested until the future is awaited"]
pub struct Collect<'a, T, E, EH = ()> {
    pages: Pages<'a, T, E, EH>,
    limit: usize,
    items: Vec<T>,
}

// Nothing is pinned in place: `Pages` pins its requests in their own boxes.
impl<T, E, EH> Unpin for Collect<'_, T, E, EH> {}

impl<'a, T, E, EH> Collect<'a, T, E, EH> {
    pub(super) fn new(pages: Pages<'a, T, E, EH>, limit: usize) -> Self {
        Self {
            pages,
            limit,
            items: Vec::new(),
        }
    }
}

impl<T, E, EH> Future for Collect<'_, T, E, EH>
where
    T: DeserializeOwned,
{
    type Output = Result<Vec<T>, Error<E, EH>>;

    // The error is what every operation returns; boxing it here would not make that smaller.
    #[allow(clippy::result_large_err)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        while this.items.len() < this.limit {
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(item))) => this.items.push(item),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Err(error)),
                Poll::Ready(None) => break,
            }
        }
        Poll::Ready(Ok(std::mem::take(&mut this.items)))
    }
}

impl<T, E, EH> std::fmt::Debug for Collect<'_, T, E, EH> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collect")
            .field("pages", &self.pages)
            .field("limit", &self.limit)
            .field("collected", &self.items.len())
            .finish()
    }
}

//! [`Call`]: the future every generated operation method returns.
//!
//! A method builds its request when called and hands it to [`Transport::call`]; the `Call`
//! sends it when awaited and decodes the response with the operation's function. A streaming
//! method's `Call` (from [`Transport::events`] and its siblings) instead ends when the stream
//! begins, and gives the stream. Being one
//! named type (not an `async fn`'s anonymous future), it can be stored in a struct, and a
//! generated crate with hundreds of operations has no async body of its own to check.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::transport::{Operation, Transport};
use crate::{Error, RawResponse};

type Sending<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, reqwest::Error>> + Send + 'a>>;

/// Sending a streaming method's request until its stream begins, or its error is read.
pub(crate) type Opening<'a, T, E, EH> =
    Pin<Box<dyn Future<Output = Result<T, Error<E, EH>>> + Send + 'a>>;

/// A request to one operation, sent when awaited: its output is the operation's success value
/// `T`, or an [`Error`] with the documented error body `E` and headers `EH`.
///
/// It borrows the client it came from, not the method's arguments. It is `Send` when `E` and
/// `EH` are, so it can be spawned.
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<'a, T, E, EH = ()> {
    operation: &'a Operation,
    stage: Stage<'a, T, E, EH>,
}

enum Stage<'a, T, E, EH> {
    /// The request could not be built (its body did not encode): the error, once.
    NotBuilt(Error<E, EH>),
    Sending {
        response: Sending<'a>,
        decode: fn(RawResponse) -> Result<T, Error<E, EH>>,
    },
    Opening(Opening<'a, T, E, EH>),
    Done,
}

// No field is ever pinned in place: the request's future is pinned in its own box.
impl<T, E, EH> Unpin for Call<'_, T, E, EH> {}

impl Transport {
    /// The [`Call`] of `request` to `operation`, whose response `decode` reads (the function
    /// of the generated `responses` module), or of the error that kept the request from being
    /// built.
    pub fn call<'a, T, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<reqwest::RequestBuilder, Error<E, EH>>,
        decode: fn(RawResponse) -> Result<T, Error<E, EH>>,
    ) -> Call<'a, T, E, EH> {
        let stage = match request {
            Ok(request) => Stage::Sending {
                response: Box::pin(self.send(operation, request)),
                decode,
            },
            Err(error) => Stage::NotBuilt(error),
        };
        Call { operation, stage }
    }
}

impl<'a, T, E, EH> Call<'a, T, E, EH> {
    /// The call of a streaming method: `opening` sends the request and gives its stream.
    pub(crate) fn opening(operation: &'a Operation, opening: Opening<'a, T, E, EH>) -> Self {
        Call {
            operation,
            stage: Stage::Opening(opening),
        }
    }

    /// The call of a request that could not be built: `error`, once.
    pub(crate) fn not_built(operation: &'a Operation, error: Error<E, EH>) -> Self {
        Call {
            operation,
            stage: Stage::NotBuilt(error),
        }
    }
}

impl<T, E, EH> Future for Call<'_, T, E, EH> {
    type Output = Result<T, Error<E, EH>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.stage, Stage::Done) {
            Stage::Sending {
                mut response,
                decode,
            } => match response.as_mut().poll(cx) {
                Poll::Pending => {
                    this.stage = Stage::Sending { response, decode };
                    Poll::Pending
                }
                Poll::Ready(Ok(raw)) => Poll::Ready(decode(raw)),
                Poll::Ready(Err(error)) => Poll::Ready(Err(Error::Communication(error))),
            },
            Stage::Opening(mut opening) => match opening.as_mut().poll(cx) {
                Poll::Pending => {
                    this.stage = Stage::Opening(opening);
                    Poll::Pending
                }
                Poll::Ready(result) => Poll::Ready(result),
            },
            Stage::NotBuilt(error) => Poll::Ready(Err(error)),
            Stage::Done => panic!(
                "the call to `{}` was polled after it completed",
                this.operation.id()
            ),
        }
    }
}

impl<T, E, EH> fmt::Debug for Call<'_, T, E, EH> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::NotBuilt(_) => "not built",
            Stage::Sending { .. } | Stage::Opening(_) => "sending",
            Stage::Done => "done",
        };
        f.debug_struct("Call")
            .field("operation", &self.operation.id())
            .field("state", &stage)
            .finish()
    }
}

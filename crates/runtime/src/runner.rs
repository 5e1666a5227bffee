//! What runs the blocking client's calls: a single-threaded runtime of its own.

use std::future::Future;
use std::sync::Arc;

use crate::Error;

/// A current-thread runtime that blocks on one call at a time. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Runner {
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Runner {
    /// Starts the runtime; [`Error::Config`] when it cannot start.
    pub(crate) fn new() -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("cannot start the blocking client's runtime: {e}")))?;
        Ok(Runner { runtime: Arc::new(runtime) })
    }

    /// Runs `call` to its end; called inside an async runtime, which it would stall, it
    /// returns [`Error::Config`] instead.
    pub(crate) fn block_on<T>(&self, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::config(
                "the blocking client was called inside an async runtime, which it would stall; use the async Client there",
            ));
        }
        self.runtime.block_on(call)
    }

    #[cfg(any(feature = "byte-stream", feature = "pagination"))]
    /// Runs `call`, which starts a stream, and returns the stream as an iterator read on this
    /// runner.
    pub(crate) fn stream<S>(&self, call: impl Future<Output = Result<S, Error>>) -> Result<StreamIter<S>, Error> {
        Ok(StreamIter::new(self.block_on(call)?, self.clone()))
    }
}

#[cfg(any(feature = "byte-stream", feature = "pagination"))]
/// A stream of the blocking client (bytes, events or a list's items): an [`Iterator`] whose `next` blocks until
/// the next item arrives. Called inside an async runtime, which it would stall, it yields one
/// [`Error::Config`] and ends.
pub struct StreamIter<S> {
    stream: S,
    runner: Runner,
    done: bool,
}

#[cfg(any(feature = "byte-stream", feature = "pagination"))]
impl<S: std::fmt::Debug> std::fmt::Debug for StreamIter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamIter").field("stream", &self.stream).finish_non_exhaustive()
    }
}

#[cfg(any(feature = "byte-stream", feature = "pagination"))]
impl<S> StreamIter<S> {
    /// The items of `stream`, each read on `runner`.
    pub(crate) fn new(stream: S, runner: Runner) -> Self {
        StreamIter { stream, runner, done: false }
    }

    /// The stream read, for its status and headers.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream read, to go on reading it asynchronously.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

#[cfg(any(feature = "byte-stream", feature = "pagination"))]
impl<T, S: futures_core::Stream<Item = Result<T, Error>> + Unpin> Iterator for StreamIter<S> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let stream = &mut self.stream;
        let next = self
            .runner
            .block_on(async { Ok(std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await) });
        match next {
            Ok(item) => {
                self.done = !matches!(item, Some(Ok(_)));
                item
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Runner;

    #[test]
    fn runs_outside_a_runtime_and_refuses_inside_one() {
        let runner = Runner::new().unwrap();
        assert_eq!(runner.block_on(async { Ok(1) }).unwrap(), 1);
        let inner = runner.clone();
        let refused = runner.block_on(async move { Ok(inner.block_on(async { Ok(2) })) });
        assert!(refused.unwrap().is_err());
    }
}

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

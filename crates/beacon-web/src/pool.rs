//! A few store connections shared by requests, and fresh ones for long jobs.
//!
//! The store is synchronous; handlers borrow a connection inside `spawn_blocking` and
//! give it back when done, so a slow request holds one connection, not the server.

use beacon_store::{Store, StoreResult};
use std::sync::{Condvar, Mutex};

/// Opens a new connection to the same database.
pub type Opener = Box<dyn Fn() -> StoreResult<Box<dyn Store>> + Send + Sync>;

/// Idle connections, and how to open more.
pub struct StorePool {
    idle: Mutex<Vec<Box<dyn Store>>>,
    returned: Condvar,
    opener: Option<Opener>,
}

impl StorePool {
    /// A pool of the given connections; with no opener, long jobs borrow one of them.
    pub fn new(connections: Vec<Box<dyn Store>>, opener: Option<Opener>) -> StorePool {
        StorePool {
            idle: Mutex::new(connections),
            returned: Condvar::new(),
            opener,
        }
    }

    /// Runs `work` with a connection, waiting for one to be free.
    pub fn with<T>(&self, work: impl FnOnce(&mut dyn Store) -> T) -> T {
        let mut store = {
            let mut idle = self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            loop {
                if let Some(store) = idle.pop() {
                    break store;
                }
                idle = self
                    .returned
                    .wait(idle)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let result = work(store.as_mut());
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(store);
        self.returned.notify_one();
        result
    }

    /// Runs a long job (an upload's ingest) on its own connection when the pool can open
    /// one, so requests are not kept waiting behind it.
    pub fn with_dedicated<T>(&self, work: impl FnOnce(&mut dyn Store) -> T) -> StoreResult<T> {
        match &self.opener {
            Some(open) => {
                let mut store = open()?;
                Ok(work(store.as_mut()))
            }
            None => Ok(self.with(work)),
        }
    }
}

impl Drop for StorePool {
    /// Closes the connections on a thread of their own: a PostgreSQL client closes
    /// through a runtime of its own, which must not start inside the server's runtime
    /// (where the last handle to the pool is usually dropped).
    fn drop(&mut self) {
        let idle = std::mem::take(
            self.idle
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let closing = std::thread::spawn(move || drop(idle));
        if closing.join().is_err() {
            tracing::warn!("closing the store connections failed");
        }
    }
}

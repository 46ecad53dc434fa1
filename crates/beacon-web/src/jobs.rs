//! Uploads being loaded: each runs on its own thread and connection, and its page polls
//! this registry for progress, so a big file never blocks the server.
//!
//! The registry lives in the process that took the upload; the run itself (counts,
//! quarantined rows) is in the store like any CLI ingest.

use std::collections::HashMap;
use std::sync::Mutex;

/// How an upload is getting on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Loading: bytes of the file read so far and rows read.
    Loading {
        /// Bytes read.
        bytes: u64,
        /// Rows read.
        rows: u64,
    },
    /// Finished as ingest run `run_id`.
    Finished {
        /// The run.
        run_id: i64,
    },
    /// The file was refused or loading failed, and why.
    Failed(String),
}

/// One upload.
#[derive(Debug, Clone)]
pub struct Job {
    /// Who uploaded it (only they may follow it).
    pub owner: i64,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its size.
    pub total_bytes: u64,
    /// Where it is.
    pub state: JobState,
}

/// Every upload this process has taken since it started.
#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers an upload under `id`.
    pub fn start(&self, id: &str, job: Job) {
        self.lock().insert(id.to_owned(), job);
    }

    /// Moves an upload on.
    pub fn update(&self, id: &str, state: JobState) {
        if let Some(job) = self.lock().get_mut(id) {
            job.state = state;
        }
    }

    /// An upload, if this process has it.
    pub fn get(&self, id: &str) -> Option<Job> {
        self.lock().get(id).cloned()
    }
}

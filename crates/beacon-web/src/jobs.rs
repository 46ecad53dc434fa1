//! Uploads being loaded: each runs on its own thread and connection, and its page polls
//! this registry for progress, so a big file never blocks the server.
//!
//! The registry lives in the process that took the upload; the run itself (counts,
//! quarantined rows) is in the store like any CLI ingest.
//!
//! **Invariant:** every upload ends `Finished` or `Failed`: a loading thread that panics
//! marks its upload failed (the pipeline has already recorded its run as failed), so no
//! progress page says "Loading" for ever.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

    /// Runs an upload's loading work on its own thread. Should the work panic, the
    /// upload is marked failed with a plain message and the panic goes no further; the
    /// handle lets a caller wait for the work to end.
    pub fn spawn_loader(
        self: &Arc<Self>,
        id: &str,
        work: impl FnOnce() + Send + 'static,
    ) -> std::thread::JoinHandle<()> {
        let jobs = Arc::clone(self);
        let id = id.to_owned();
        std::thread::spawn(move || {
            // Only the registry is used after a panic, and its lock recovers from poison.
            if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".to_owned());
                tracing::error!(job = %id, fault = %text, "an upload's loading thread panicked");
                jobs.update(
                    &id,
                    JobState::Failed(format!(
                        "Loading stopped on an internal fault. Anything stored before it is \
                         kept, and the runs page shows what was loaded. Please report this \
                         fault: {text}"
                    )),
                );
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loading(jobs: &Jobs, id: &str) {
        jobs.start(
            id,
            Job {
                owner: 1,
                file_name: "reports.csv".into(),
                total_bytes: 10,
                state: JobState::Loading { bytes: 0, rows: 0 },
            },
        );
    }

    #[test]
    fn a_loading_thread_that_panics_marks_its_upload_failed() {
        let jobs = Arc::new(Jobs::default());
        loading(&jobs, "a");
        loading(&jobs, "b");
        jobs.spawn_loader("a", || panic!("byte index 6 is not a char boundary"))
            .join()
            .expect("the panic is caught in the thread");
        let Some(Job {
            state: JobState::Failed(message),
            ..
        }) = jobs.get("a")
        else {
            panic!("the upload should have failed: {:?}", jobs.get("a"));
        };
        assert!(
            message.starts_with("Loading stopped on an internal fault.")
                && message.ends_with("byte index 6 is not a char boundary"),
            "{message}"
        );
        assert_eq!(
            jobs.get("b").map(|job| job.state),
            Some(JobState::Loading { bytes: 0, rows: 0 }),
            "other uploads are untouched"
        );
    }

    #[test]
    fn a_loading_thread_that_ends_keeps_the_state_it_set() {
        let jobs = Arc::new(Jobs::default());
        loading(&jobs, "a");
        let worker = Arc::clone(&jobs);
        jobs.spawn_loader("a", move || {
            worker.update("a", JobState::Finished { run_id: 7 });
        })
        .join()
        .expect("the work ends");
        assert_eq!(
            jobs.get("a").map(|job| job.state),
            Some(JobState::Finished { run_id: 7 })
        );
    }
}

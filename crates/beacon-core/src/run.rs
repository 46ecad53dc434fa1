//! Ingest runs: what was read from where, and what became of every row.
//!
//! **Invariant:** `read = stored + duplicates + skipped + rejected` for every run, at every
//! commit.

use serde::{Deserialize, Serialize};

/// A row that could not be stored, kept in quarantine with what is needed to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// Line where the row starts in its file (the header is line 1).
    pub line: u64,
    /// What is wrong, in plain words.
    pub reason: String,
    /// The row as it appeared in the file (cut at 16 KiB).
    pub raw: String,
}

/// Counts of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Rows read.
    pub read: u64,
    /// Rows stored as new records.
    pub stored: u64,
    /// Rows whose key was already stored (earlier in the file or before).
    pub duplicates: u64,
    /// Rows quarantined.
    pub rejected: u64,
    /// Well-formed records that name nothing Beacon keeps (e.g. a STIX indicator for a
    /// file hash): counted with their reason in the run's message, not stored.
    #[serde(default)]
    pub skipped: u64,
}

impl RunCounts {
    /// True when every row read is accounted for.
    pub fn adds_up(&self) -> bool {
        self.read == self.stored + self.duplicates + self.skipped + self.rejected
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Still reading (or the process stopped without finishing).
    Running,
    /// Every row of the file was read and accounted for.
    Completed,
    /// The file was refused as a whole (no header, binary, unreadable), or loading
    /// stopped on a fault; the run's message says which. Batches committed before a
    /// fault stay, and loading the file again completes it.
    Failed,
    /// A later run found this one had stopped without finishing.
    Interrupted,
}

impl RunStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    /// Reads the stored spelling.
    pub fn from_stored(value: &str) -> RunStatus {
        match value {
            "completed" => RunStatus::Completed,
            "failed" => RunStatus::Failed,
            "interrupted" => RunStatus::Interrupted,
            _ => RunStatus::Running,
        }
    }
}

/// One recorded ingest run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestRun {
    /// Run number.
    pub id: i64,
    /// What was ingested, e.g. `reports`.
    pub kind: String,
    /// File name (or `-` for standard input).
    pub source: String,
    /// SHA-256 of the file's bytes, once fully read.
    pub sha256: Option<String>,
    /// Where the run stands.
    pub status: RunStatus,
    /// Start, RFC 3339 UTC.
    pub started_at: String,
    /// Last progress, RFC 3339 UTC.
    pub updated_at: String,
    /// End, RFC 3339 UTC.
    pub finished_at: Option<String>,
    /// Row counts.
    pub counts: RunCounts,
    /// Why the file was refused, or notes such as ignored columns and unknown codes.
    pub message: Option<String>,
}

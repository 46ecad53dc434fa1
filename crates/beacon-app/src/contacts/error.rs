//! Why a contacts use case refused or failed, in words for the person who asked.

use beacon_ingest::contacts::ContactFileError;
use beacon_store::StoreError;

/// Why a contacts use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The contacts file was refused whole (its header): nothing was imported.
    #[error(transparent)]
    File(#[from] ContactFileError),
    /// What was given is not right.
    #[error("{0}")]
    Invalid(String),
    /// The contact asked about does not exist.
    #[error("there is no contact {0}")]
    NotFound(i64),
}

/// A result of a contacts use case.
pub type ContactResult<T> = Result<T, ContactError>;

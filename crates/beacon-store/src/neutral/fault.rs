//! Test-only fault injection for the crash tests.

/// When `BEACON_FAULT_ABORT_AFTER_ROWS=N` is set, the process aborts (as a `kill -9` would
/// end it) inside the transaction that writes row N+1 of this process. Used by the crash
/// tests; unset in normal use.
pub(crate) fn fault_abort_after_rows() -> Option<u64> {
    std::env::var("BEACON_FAULT_ABORT_AFTER_ROWS")
        .ok()
        .and_then(|value| value.parse().ok())
}

/// Dies mid-transaction, as kill -9 would, once `written` rows have reached the limit.
pub(crate) fn abort_if_past(limit: Option<u64>, written: u64) {
    if let Some(limit) = limit
        && written >= limit
    {
        std::process::abort();
    }
}

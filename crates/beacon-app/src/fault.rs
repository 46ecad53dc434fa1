//! What happens when a loading stage panics, and the test hook that makes one panic.
//!
//! A bug in a parser or in the store must not leave a run `running` for ever, nor the
//! caller with a bare "the parsing stage stopped". Each stage's panic is caught where
//! the stage runs, the run is recorded as failed with a plain message (what stopped,
//! after how many rows, and the panic's own text), and the caller gets an error carrying
//! that message.
//!
//! **Invariant:** what the run counted before the panic is what its committed batches
//! hold, so `read = stored + duplicates + skipped + rejected` still holds for it.

use beacon_store::Store;
use std::any::Any;

/// The stage of a load that stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading, parsing and validating rows (its own thread).
    Parsing,
    /// Enriching rows and writing batches to the store.
    Storing,
}

impl Stage {
    /// The stage's name in messages and in `BEACON_FAULT_PANIC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parsing => "parsing",
            Stage::Storing => "storing",
        }
    }
}

/// The text a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "no message".to_owned()
    }
}

/// The message recorded on a run that a panic ended, in plain words: what stopped, how
/// far it got, that what was counted is kept, and the panic's text for a bug report.
pub(crate) fn stopped_message(stage: Stage, rows_counted: u64, panic: &str) -> String {
    let rows = match rows_counted {
        1 => "1 row".to_owned(),
        other => format!("{other} rows"),
    };
    format!(
        "loading stopped on an internal fault in the {} stage, after {rows} had been stored or \
         quarantined (they are kept; loading the file again completes it); please report \
         this fault: {panic}",
        stage.as_str()
    )
}

/// Records a run that a panic ended as failed, returning the message and whether the
/// store took it (the store may itself be what failed).
pub(crate) fn record_fault(
    store: &mut dyn Store,
    run_id: i64,
    stage: Stage,
    rows_counted: u64,
    panic: &str,
) -> (String, bool) {
    let message = stopped_message(stage, rows_counted, panic);
    tracing::error!(run_id, rows_counted, %message, "loading stopped on a fault");
    let recorded = match store.fail_run(run_id, &message) {
        Ok(_) => true,
        Err(error) => {
            tracing::error!(run_id, %error, "the failed run could not be recorded");
            false
        }
    };
    (message, recorded)
}

/// Records a run the store failed under as failed, if the store still answers, so it
/// does not wait for a later run to find it interrupted. (A refused file's run has
/// already ended, and is left as it is.)
pub(crate) fn store_failed(store: &mut dyn Store, run_id: i64, error: &dyn std::fmt::Display) {
    let message = format!(
        "loading stopped because the store failed ({error}); the rows counted before it are \
         kept, and loading the file again completes it"
    );
    if let Err(again) = store.fail_run(run_id, &message) {
        tracing::error!(run_id, %again, "the failed run could not be recorded");
    }
}

/// How a failure's message ends, saying whether its run was recorded as failed.
pub(crate) fn recorded_words(recorded: &bool) -> &'static str {
    if *recorded {
        "recorded as failed"
    } else {
        "could not be recorded as failed"
    }
}

/// Test-only fault injection: with `BEACON_FAULT_PANIC=<stage>:<rows>` set (`parsing:N`
/// or `storing:N`), that stage panics once it has handled N rows (the parsing stage
/// before reading row N + 1, the storing stage before writing a batch once N rows are
/// written). Used by the tests of what a panic leaves behind; unset in normal use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FaultHook {
    stage: Stage,
    after_rows: u64,
}

impl FaultHook {
    /// The hook `BEACON_FAULT_PANIC` asks for, if any.
    pub(crate) fn from_env() -> Option<FaultHook> {
        let value = std::env::var("BEACON_FAULT_PANIC").ok()?;
        let (stage, rows) = value.split_once(':')?;
        let stage = match stage {
            "parsing" => Stage::Parsing,
            "storing" => Stage::Storing,
            _ => return None,
        };
        Some(FaultHook {
            stage,
            after_rows: rows.trim().parse().ok()?,
        })
    }

    /// Panics when this is the stage asked for and it has handled enough rows.
    pub(crate) fn check(hook: Option<FaultHook>, stage: Stage, rows: u64) {
        if let Some(hook) = hook
            && hook.stage == stage
            && rows >= hook.after_rows
        {
            panic!(
                "fault injected by BEACON_FAULT_PANIC in the {} stage after {rows} rows",
                stage.as_str()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_text_reads_both_kinds_of_payload() {
        let literal = std::panic::catch_unwind(|| panic!("plain")).expect_err("it panics");
        assert_eq!(panic_text(literal.as_ref()), "plain");
        let formatted = std::panic::catch_unwind(|| panic!("at {}", 6)).expect_err("it panics");
        assert_eq!(panic_text(formatted.as_ref()), "at 6");
        let other =
            std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).expect_err("it panics");
        assert_eq!(panic_text(other.as_ref()), "no message");
    }

    #[test]
    fn the_message_says_what_stopped_and_what_is_kept() {
        let message = stopped_message(Stage::Parsing, 1, "byte index 6 is not a char boundary");
        assert!(
            message.starts_with(
                "loading stopped on an internal fault in the parsing stage, after 1 row had"
            ),
            "{message}"
        );
        assert!(
            message.ends_with("byte index 6 is not a char boundary"),
            "{message}"
        );
    }
}

//! Shared output helpers: JSON, CSV, progress bars, dates.

use anyhow::Context;
use serde::Serialize;
use std::io::IsTerminal;
use time::Date;

/// Writes text to standard output. When the reader has gone (`beacon … | head`), Beacon
/// stops quietly instead of failing.
pub fn emit_text(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("Error: could not write to standard output: {error}");
        std::process::exit(1);
    }
}

/// Prints one JSON object.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    emit_text(&format!("{}\n", serde_json::to_string_pretty(value)?));
    Ok(())
}

/// Reads a `--from`/`--to` date in any accepted report date form.
pub fn parse_cli_date(text: &str) -> Result<Date, String> {
    beacon_core::report::parse_date("date", text)
}

/// A progress bar on standard error when it is a terminal, hidden otherwise.
pub fn progress_bar(length: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(length);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Today's date in UTC.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// A count for people to read, with thousands separators: `4726` → `4,726`.
///
/// Why: every human line the CLI prints groups thousands the same way (JSON and CSV
/// output keep plain numbers for programs).
pub fn count(value: u64) -> String {
    beacon_core::money::group_thousands(value)
}

/// A figure to one decimal place with thousands separators: `1234.56` → `1,234.6`.
pub fn one_decimal(value: f64) -> String {
    let text = format!("{:.1}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let sign = if value < 0.0 && text != "0.0" {
        "-"
    } else {
        ""
    };
    match whole.parse::<u64>() {
        Ok(whole) => format!("{sign}{}.{fraction}", count(whole)),
        Err(_) => format!("{value:.1}"),
    }
}

/// Formats pence as pounds for terminal tables.
pub fn pounds(pence: i64) -> String {
    beacon_core::Pence(pence).to_string()
}

/// Writes rows as CSV to standard output.
pub fn print_csv(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().context("while writing CSV")?;
    emit_text(&String::from_utf8_lossy(&bytes));
    Ok(())
}

//! The social channel: posts for the partnership's accounts, exported for its social media
//! tool to schedule, since Beacon holds no one's social media passwords.
//!
//! Each post is a row appended to the CSV file of its publishing day,
//! `{directory}/social-YYYY-MM-DD.csv` (UTC), with the columns
//! `scheduled_at,account,text,link,campaign_ref,message_id`; `scheduled_at` is RFC 3339.
//! The export is idempotent by Message-ID: a post the outbox sends again (after a crash
//! between writing and recording it) is not written twice. The files are read back to
//! know which posts they hold, so deleting a row lets it be exported again.

use crate::transport::{Channel, OutgoingMessage, SendError, Transport};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Where social posts are exported (the `[notify.social]` table of `beacon.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialSettings {
    /// The directory the day files are written in; made if missing.
    pub directory: PathBuf,
}

/// The header row of every day file.
pub const SOCIAL_COLUMNS: [&str; 6] = [
    "scheduled_at",
    "account",
    "text",
    "link",
    "campaign_ref",
    "message_id",
];

/// Writes social posts to day files for the partnership's social media tool.
pub struct SocialExportTransport {
    directory: PathBuf,
    /// Message-IDs already in the day files, read at start and kept up to date.
    written: Mutex<HashSet<String>>,
    clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
}

impl std::fmt::Debug for SocialExportTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialExportTransport")
            .field("directory", &self.directory)
            .finish_non_exhaustive()
    }
}

impl SocialExportTransport {
    /// An exporter into `settings.directory`, which it makes if missing, reading back the
    /// posts the day files there already hold. `clock` schedules posts that carry no
    /// time of their own (the application passes the system clock).
    pub fn new(
        settings: &SocialSettings,
        clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
    ) -> Result<SocialExportTransport, SendError> {
        let directory = settings.directory.clone();
        std::fs::create_dir_all(&directory).map_err(|error| {
            SendError::Permanent(format!(
                "could not make the social export directory {}: {error}",
                directory.display()
            ))
        })?;
        let mut written = HashSet::new();
        let entries = std::fs::read_dir(&directory).map_err(|error| {
            SendError::Permanent(format!("could not read {}: {error}", directory.display()))
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            if name.starts_with("social-") && name.ends_with(".csv") {
                written.extend(message_ids_in(&path).map_err(SendError::Permanent)?);
            }
        }
        Ok(SocialExportTransport {
            directory,
            written: Mutex::new(written),
            clock,
        })
    }

    /// The day file a post scheduled at `at` goes in.
    pub fn day_file(&self, at: OffsetDateTime) -> PathBuf {
        let day = at.to_offset(time::UtcOffset::UTC).date();
        self.directory.join(format!("social-{day}.csv"))
    }

    /// Appends one row (and the header to a new file), cutting off a partial last line a
    /// crash mid-write may have left, and flushes it to disk.
    fn append(&self, path: &Path, row: [&str; 6]) -> Result<(), String> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|error| format!("could not open {}: {error}", path.display()))?;
        let length = file
            .metadata()
            .map_err(|error| format!("could not read {}: {error}", path.display()))?
            .len();
        if length > 0 {
            let mut contents = Vec::new();
            file.seek(SeekFrom::Start(0))
                .and_then(|_| file.read_to_end(&mut contents))
                .map_err(|error| format!("could not read {}: {error}", path.display()))?;
            if contents.last() != Some(&b'\n') {
                let whole = contents
                    .iter()
                    .rposition(|byte| *byte == b'\n')
                    .map_or(0, |at| at + 1);
                file.set_len(whole as u64)
                    .map_err(|error| format!("could not repair {}: {error}", path.display()))?;
            }
        }
        let new_file = file
            .metadata()
            .map_err(|error| format!("could not read {}: {error}", path.display()))?
            .len()
            == 0;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        if new_file {
            writer.write_record(SOCIAL_COLUMNS)
        } else {
            Ok(())
        }
        .and_then(|()| writer.write_record(row))
        .map_err(|error| format!("could not write the row: {error}"))?;
        let bytes = writer
            .into_inner()
            .map_err(|error| format!("could not write the row: {error}"))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_data())
            .map_err(|error| format!("could not write to {}: {error}", path.display()))
    }
}

/// The Message-IDs of the rows of one day file.
fn message_ids_in(path: &Path) -> Result<Vec<String>, String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(format!("could not read {}: {error}", path.display())),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let mut ids = Vec::new();
    for record in reader.records() {
        // A partial last row (a crash mid-write) holds no complete Message-ID.
        let Ok(record) = record else { continue };
        if record.len() == SOCIAL_COLUMNS.len()
            && let Some(id) = record.get(5)
        {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

impl Transport for SocialExportTransport {
    fn channel(&self) -> Channel {
        Channel::Social
    }

    fn send(&self, message: &OutgoingMessage) -> Result<(), SendError> {
        let account = crate::escape::header(&message.to);
        if account.is_empty() {
            return Err(SendError::Permanent(
                "a social post needs an account".to_owned(),
            ));
        }
        if message.text.trim().is_empty() {
            return Err(SendError::Permanent(
                "a social post needs its text".to_owned(),
            ));
        }
        let id = message.message_id.trim();
        if id.is_empty() {
            return Err(SendError::Permanent(
                "a social post needs a Message-ID".to_owned(),
            ));
        }
        let (scheduled_at, link, campaign_ref) = match &message.social {
            Some(post) => (
                post.scheduled_at,
                post.link.clone().unwrap_or_default(),
                post.campaign_ref.clone(),
            ),
            None => ((self.clock)(), String::new(), message.subject.clone()),
        };
        let scheduled_at = scheduled_at.to_offset(time::UtcOffset::UTC);
        let when = scheduled_at
            .format(&Rfc3339)
            .map_err(|error| SendError::Permanent(format!("could not write the time: {error}")))?;
        let mut written = self
            .written
            .lock()
            .map_err(|_| SendError::Transient("the social export is poisoned".to_owned()))?;
        if written.contains(id) {
            return Ok(());
        }
        let path = self.day_file(scheduled_at);
        // Another process may have written it since this one started.
        if message_ids_in(&path)
            .map_err(SendError::Transient)?
            .iter()
            .any(|written_id| written_id == id)
        {
            written.insert(id.to_owned());
            return Ok(());
        }
        self.append(
            &path,
            [
                &when,
                &account,
                message.text.trim(),
                link.trim(),
                campaign_ref.trim(),
                id,
            ],
        )
        .map_err(SendError::Transient)?;
        written.insert(id.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::SocialPost;
    use beacon_core::Tlp;
    use time::macros::datetime;

    fn directory(label: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        std::env::temp_dir().join(format!(
            "beacon-social-{label}-{}-{nanos}",
            std::process::id()
        ))
    }

    fn exporter(directory: &Path) -> SocialExportTransport {
        SocialExportTransport::new(
            &SocialSettings {
                directory: directory.to_owned(),
            },
            Box::new(|| datetime!(2026-12-05 09:30 UTC)),
        )
        .expect("an exporter")
    }

    fn post(id: u32, at: OffsetDateTime) -> OutgoingMessage {
        OutgoingMessage {
            to: "@LeicsCyberAware".to_owned(),
            subject: "Courier fraud, December".to_owned(),
            text: format!("Your bank will never send a courier for your card, \"never\". #{id}"),
            html: String::new(),
            message_id: format!("campaign-3-{id}@beacon.local"),
            tlp: Tlp::Clear,
            marks: Vec::new(),
            unsubscribe: None,
            sms_template: None,
            social: Some(SocialPost {
                scheduled_at: at,
                link: Some("https://beacon.example/advice/courier-fraud".to_owned()),
                campaign_ref: "campaign-3".to_owned(),
            }),
        }
    }

    fn rows(path: &Path) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .expect("a day file");
        reader
            .records()
            .map(|record| record.expect("a row").iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn posts_are_rows_in_the_file_of_their_day_and_a_resend_adds_none() {
        let dir = directory("days");
        let export = exporter(&dir);
        let monday = datetime!(2026-12-07 08:00 UTC);
        export.send(&post(1, monday)).expect("written");
        export
            .send(&post(2, datetime!(2026-12-07 17:45 +01:00)))
            .expect("written");
        export
            .send(&post(3, datetime!(2026-12-08 08:00 UTC)))
            .expect("written");
        export.send(&post(1, monday)).expect("a resend is fine");
        let monday_rows = rows(&dir.join("social-2026-12-07.csv"));
        assert_eq!(
            monday_rows.len(),
            3,
            "header and two posts: {monday_rows:?}"
        );
        assert_eq!(monday_rows[0], SOCIAL_COLUMNS);
        assert_eq!(
            monday_rows[1],
            [
                "2026-12-07T08:00:00Z",
                "@LeicsCyberAware",
                "Your bank will never send a courier for your card, \"never\". #1",
                "https://beacon.example/advice/courier-fraud",
                "campaign-3",
                "campaign-3-1@beacon.local",
            ]
        );
        assert_eq!(monday_rows[2][0], "2026-12-07T16:45:00Z", "kept in UTC");
        assert_eq!(rows(&dir.join("social-2026-12-08.csv")).len(), 2);

        // A new exporter (the next run) reads the files back: still no duplicate.
        let next_run = exporter(&dir);
        next_run.send(&post(2, monday)).expect("a resend is fine");
        assert_eq!(rows(&dir.join("social-2026-12-07.csv")).len(), 3);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn a_post_without_a_time_is_scheduled_when_exported() {
        let dir = directory("now");
        let export = exporter(&dir);
        let mut plain = post(9, datetime!(2026-12-07 08:00 UTC));
        plain.social = None;
        export.send(&plain).expect("written");
        let rows = rows(&dir.join("social-2026-12-05.csv"));
        assert_eq!(rows[1][0], "2026-12-05T09:30:00Z");
        assert_eq!(rows[1][3], "");
        assert_eq!(rows[1][4], "Courier fraud, December");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn a_partial_row_left_by_a_crash_is_cut_off_before_the_next() {
        let dir = directory("crash");
        let export = exporter(&dir);
        let day = datetime!(2026-12-07 08:00 UTC);
        export.send(&post(1, day)).expect("written");
        let path = dir.join("social-2026-12-07.csv");
        let mut file = OpenOptions::new().append(true).open(&path).expect("open");
        file.write_all(b"2026-12-07T09:00:00Z,@LeicsCyberAware,\"half a po")
            .expect("write");
        drop(file);
        let after_crash = exporter(&dir);
        after_crash.send(&post(2, day)).expect("written");
        let rows = rows(&path);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[2][5], "campaign-3-2@beacon.local");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn posts_missing_what_they_need_are_given_up() {
        let dir = directory("bad");
        let export = exporter(&dir);
        let day = datetime!(2026-12-07 08:00 UTC);
        let mut no_account = post(1, day);
        no_account.to = " \r\n".to_owned();
        let mut no_text = post(2, day);
        no_text.text = "  ".to_owned();
        for bad in [no_account, no_text] {
            assert!(matches!(export.send(&bad), Err(SendError::Permanent(_))));
        }
        assert!(!dir.join("social-2026-12-07.csv").exists());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}

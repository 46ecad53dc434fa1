//! Settings: command-line flags and environment variables first, then the config file,
//! then defaults.

use anyhow::Context;
use beacon_app::notify::NotifySettings;
use beacon_core::LocalIssueRules;
use beacon_ingest::reference::parse_rules;
use beacon_notify::SmtpSettings;
use beacon_store::Store;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The config file's keys (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Database location.
    database: Option<String>,
    /// Local-issue rules file.
    rules: Option<PathBuf>,
    /// Victim triage weights file.
    care_weights: Option<PathBuf>,
    /// Days after closing a victim-care case its notes are kept.
    care_redact_after_days: Option<u32>,
    /// Reports the front door stores per client address per window.
    front_door_reports_per_address: Option<usize>,
    /// The front door's rate-limit window, in minutes.
    front_door_window_minutes: Option<u64>,
    /// Seconds after starting before a front-door report may be sent.
    front_door_min_seconds: Option<u64>,
    /// Owner digests.
    #[serde(default)]
    notify: NotifySettings,
    /// The mail server digests go through.
    smtp: Option<SmtpSettings>,
}

/// Resolved settings for a command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database location.
    pub database: String,
    /// Whether the database was chosen explicitly (flag, environment or config file).
    pub database_given: bool,
    /// Rules file, if not the shipped default.
    pub rules: Option<PathBuf>,
    /// Victim triage weights file, if not the shipped default.
    pub care_weights: Option<PathBuf>,
    /// Days after closing a victim-care case its notes are kept (365 by default).
    pub care_redact_after_days: u32,
    /// Reports the front door stores per client address per window (the web's default,
    /// 5, when not set).
    pub front_door_reports_per_address: Option<usize>,
    /// The front door's rate-limit window in minutes (10 when not set).
    pub front_door_window_minutes: Option<u64>,
    /// Seconds after starting before a front-door report may be sent (5 when not set).
    pub front_door_min_seconds: Option<u64>,
    /// Owner digest and channel settings (`[notify]`); the SMS API key may come from
    /// `BEACON_SMS_API_KEY`.
    pub notify: NotifySettings,
    /// Mail server (`[smtp]`); the password may come from `BEACON_SMTP_PASSWORD`.
    pub smtp: Option<SmtpSettings>,
}

impl Settings {
    /// Merges flags/environment with the config file.
    pub fn resolve(database: Option<String>, config: Option<&Path>) -> anyhow::Result<Settings> {
        let file = match config {
            Some(path) => Some(read_config(path)?),
            None if Path::new("beacon.toml").exists() => {
                Some(read_config(Path::new("beacon.toml"))?)
            }
            None => None,
        }
        .unwrap_or_default();
        let database_given = database.is_some() || file.database.is_some();
        Ok(Settings {
            database: database
                .or(file.database)
                .unwrap_or_else(|| "beacon.db".to_owned()),
            database_given,
            rules: file.rules,
            care_weights: file.care_weights,
            care_redact_after_days: file
                .care_redact_after_days
                .unwrap_or(beacon_app::care::REDACT_CLOSED_AFTER_DAYS),
            front_door_reports_per_address: file.front_door_reports_per_address,
            front_door_window_minutes: file.front_door_window_minutes,
            front_door_min_seconds: file.front_door_min_seconds,
            notify: {
                let mut notify = file.notify;
                if let (Some(sms), Ok(key)) = (&mut notify.sms, std::env::var("BEACON_SMS_API_KEY"))
                {
                    sms.api_key = key;
                }
                notify
            },
            smtp: file.smtp.map(|mut smtp| {
                if let Ok(password) = std::env::var("BEACON_SMTP_PASSWORD") {
                    smtp.password = Some(password);
                }
                smtp
            }),
        })
    }

    /// Opens the store, loading the shipped reference data into a new database.
    pub fn open_store(&self) -> anyhow::Result<Box<dyn Store>> {
        open_store(&self.database)
    }

    /// The local-issue rules: `override_path`, the config file's, or the shipped default.
    pub fn rules(&self, override_path: Option<&Path>) -> anyhow::Result<LocalIssueRules> {
        match override_path.or(self.rules.as_deref()) {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("while reading the rules file {}", path.display()))?;
                Ok(parse_rules(&text)
                    .with_context(|| format!("in the rules file {}", path.display()))?)
            }
            None => Ok(beacon_app::defaults::shipped_rules()?),
        }
    }
}

impl Settings {
    /// The victim triage weights: `override_path`, the config file's `care_weights`, or
    /// the shipped `data/care/triage.toml`.
    pub fn care_weights(
        &self,
        override_path: Option<&Path>,
    ) -> anyhow::Result<beacon_app::care::Weights> {
        let (text, from) = match override_path.or(self.care_weights.as_deref()) {
            Some(path) => (
                std::fs::read_to_string(path).with_context(|| {
                    format!("while reading the triage weights file {}", path.display())
                })?,
                path.display().to_string(),
            ),
            None => (
                beacon_ingest::reference::SHIPPED_TRIAGE_WEIGHTS.to_owned(),
                "the shipped data/care/triage.toml".to_owned(),
            ),
        };
        let weights = beacon_ingest::reference::parse_triage_weights(&text)
            .with_context(|| format!("in {from}"))?;
        Ok(beacon_app::care::Weights::new(weights, &text))
    }
}

/// Opens a store at a location, with reference data loaded.
pub fn open_store(location: &str) -> anyhow::Result<Box<dyn Store>> {
    let mut store = beacon_store::open(location)
        .with_context(|| format!("while opening the database {}", redact(location)))?;
    beacon_app::reference::ensure_reference_data(store.as_mut())
        .context("while loading the shipped reference data")?;
    Ok(store)
}

fn read_config(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("while reading the config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("in the config file {}", path.display()))
}

/// A database location safe to print: any password in a URL is hidden.
pub fn redact(location: &str) -> String {
    match (location.find("://"), location.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &location[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!(
                    "{}{user}:***{}",
                    &location[..scheme_end + 3],
                    &location[at..]
                ),
                None => location.to_owned(),
            }
        }
        _ => location.to_owned(),
    }
}

/// Who is acting, for the audit log: the operating-system user.
pub fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|user| format!("cli:{user}"))
        .unwrap_or_else(|_| "cli".to_owned())
}

#[cfg(test)]
mod tests {
    use super::{ConfigFile, redact};
    use beacon_app::notify::Transports;
    use beacon_notify::{Channel, Throttle};

    #[test]
    fn channels_and_throttles_are_read_from_the_notify_table() {
        let directory = tempfile::tempdir().expect("a directory");
        let text = format!(
            r#"
            [notify]
            claim_batch = 50
            [notify.sms]
            base_url = "https://api.notifications.service.gov.uk"
            api_key = "beacon-live-3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
            default_template_id = "f33517ff-2a88-4f6e-b855-c550268ce08a"
            [notify.social]
            directory = "{}"
            [notify.throttle.sms]
            per_second = 10
            per_run = 5000
            [notify.throttle.email]
            per_second = 50
            "#,
            directory.path().join("social").display()
        );
        let file: ConfigFile = toml::from_str(&text).expect("valid settings");
        let notify = file.notify;
        assert_eq!(notify.claim_batch, 50);
        assert_eq!(
            notify.throttle.get(&Channel::Sms),
            Some(&Throttle {
                per_second: Some(10),
                per_run: Some(5000)
            })
        );
        assert_eq!(notify.delivery_options().throttles.len(), 2);
        let transports = Transports::configured(None, &notify).expect("transports");
        let channels: Vec<Channel> = transports.list().iter().map(|t| t.channel()).collect();
        assert_eq!(channels, [Channel::Sms, Channel::Social]);
        assert!(directory.path().join("social").is_dir());

        let mut bad = notify.clone();
        if let Some(sms) = &mut bad.sms {
            sms.api_key = "not-a-key".to_owned();
        }
        assert!(Transports::configured(None, &bad).is_err());
        assert!(
            toml::from_str::<ConfigFile>("[notify.throttle.sms]\nper_minute = 3\n").is_err(),
            "unknown throttle keys are refused"
        );
    }

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            redact("postgres://beacon:secret@db:5432/beacon"),
            "postgres://beacon:***@db:5432/beacon"
        );
        assert_eq!(redact("beacon.db"), "beacon.db");
    }
}

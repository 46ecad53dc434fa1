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
    /// Owner digest settings (`[notify]`).
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
            notify: file.notify,
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
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            redact("postgres://beacon:secret@db:5432/beacon"),
            "postgres://beacon:***@db:5432/beacon"
        );
        assert_eq!(redact("beacon.db"), "beacon.db");
    }
}

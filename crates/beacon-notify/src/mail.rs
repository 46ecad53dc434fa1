//! The email channel: sending one email over SMTP with `lettre`, and sorting failures into "try again later"
//! and "give up".
//!
//! Each message carries the Message-ID the caller gives it, so a message sent again after a
//! crash is recognisably the same message, and an `X-Beacon-TLP` header with its label.
//! A message people may opt out of carries RFC 8058 one-click unsubscribe headers.
//!
//! One [`SmtpMailer`] keeps a small pool of SMTP connections open and reuses them from
//! message to message, so a run of the outbox loop over a campaign does not pay a TCP
//! (and TLS, and login) handshake per message.

use crate::transport::{Channel, OutgoingMessage, SendError, Transport, Unsubscribe};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text. Only for a relay on the same machine or a test server.
    None,
    /// Connect in plain text, then require STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

/// Where and how to send mail, read from Beacon's settings.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// The SMTP server's host name (also the name its certificate must carry).
    pub host: String,
    /// The SMTP server's port (default 587, the submission port).
    #[serde(default = "default_port")]
    pub port: u16,
    /// How the connection is protected (default STARTTLS).
    #[serde(default = "default_tls")]
    pub tls: TlsMode,
    /// The user name to log in with, if the server needs one.
    #[serde(default)]
    pub username: Option<String>,
    /// The password to log in with; never logged.
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, e.g. `Beacon <beacon@partnership.example>`.
    pub from: String,
    /// How long to wait for the server before giving up on this attempt (default 30 s).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    587
}

fn default_tls() -> TlsMode {
    TlsMode::StartTls
}

fn default_timeout() -> u64 {
    30
}

impl std::fmt::Debug for SmtpSettings {
    /// Shows everything but the password, so settings can be logged safely.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// The sender Beacon uses in production: SMTP through `lettre`, over a pool of connections
/// kept open between messages (at most [`POOL_SIZE`], closed after a minute idle).
#[derive(Debug, Clone)]
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

/// The header carrying a message's TLP label, for mail filters and audits.
const TLP_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Beacon-TLP");
/// Where to unsubscribe (RFC 2369): `<https://…>` and, when there is one, `<mailto:…>`.
const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
/// Says the https link unsubscribes with one POST, no page to read (RFC 8058).
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
/// The only value RFC 8058 allows for `List-Unsubscribe-Post`.
const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// SMTP connections one mailer keeps open. The outbox loop sends one message at a time,
/// so one connection does the work; the spare covers a connection the server dropped.
pub const POOL_SIZE: u32 = 2;

/// Marks the mail as automatic (RFC 3834), so out-of-office replies are not sent back.
const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");

impl SmtpMailer {
    /// A mailer for these settings. Fails, permanently, if the sender address or TLS setup
    /// is not valid; it does not connect until the first send.
    pub fn new(settings: SmtpSettings) -> Result<Self, SendError> {
        let from: Mailbox = settings.from.parse().map_err(|error| {
            SendError::Permanent(format!(
                "the sender address {:?} is not valid: {error}",
                settings.from
            ))
        })?;
        let tls_parameters = || {
            TlsParameters::new(settings.host.clone()).map_err(|error| {
                SendError::Permanent(format!(
                    "could not set up TLS for {}: {error}",
                    settings.host
                ))
            })
        };
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(tls_parameters()?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = SmtpTransport::builder_dangerous(settings.host.as_str())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))))
            .pool_config(
                PoolConfig::new()
                    .min_idle(0)
                    .max_size(POOL_SIZE)
                    .idle_timeout(Duration::from_secs(60)),
            );
        if let Some(username) = settings.username {
            builder = builder.credentials(Credentials::new(
                username,
                settings.password.unwrap_or_default(),
            ));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }

    fn message(&self, mail: &OutgoingMessage) -> Result<lettre::Message, SendError> {
        let mut builder = lettre::Message::builder();
        for (name, value) in &mail.marks {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str(name),
                crate::escape::header(value),
            ));
        }
        let to: Mailbox = mail.to.parse().map_err(|error| {
            SendError::Permanent(format!(
                "the recipient address {:?} is not valid: {error}",
                mail.to
            ))
        })?;
        let message_id = clean_message_id(&mail.message_id)?;
        if let Some(unsubscribe) = &mail.unsubscribe {
            let (list, one_click) = unsubscribe_headers(unsubscribe)?;
            builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, list));
            if one_click {
                builder = builder.raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    ONE_CLICK.to_owned(),
                ));
            }
        }
        builder
            .from(self.from.clone())
            .to(to)
            .subject(crate::escape::header(&mail.subject))
            .message_id(Some(format!("<{message_id}>")))
            .raw_header(HeaderValue::new(TLP_HEADER, mail.tlp.as_str().to_owned()))
            .raw_header(HeaderValue::new(
                AUTO_SUBMITTED,
                "auto-generated".to_owned(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|error| SendError::Permanent(format!("could not build the message: {error}")))
    }
}

impl Transport for SmtpMailer {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    fn send(&self, mail: &OutgoingMessage) -> Result<(), SendError> {
        let message = self.message(mail)?;
        lettre::Transport::send(&self.transport, &message)
            .map(|_| ())
            .map_err(classify)
    }
}

/// The `List-Unsubscribe` value, and whether one-click (`List-Unsubscribe-Post`) may be
/// offered: only for an `https://` link (RFC 8058 section 3.1). A link or address that
/// could break out of its angle brackets is a permanent error (a bug upstream).
fn unsubscribe_headers(unsubscribe: &Unsubscribe) -> Result<(String, bool), SendError> {
    let url = unsubscribe.url.trim();
    let lower = url.to_ascii_lowercase();
    let https = lower.starts_with("https://");
    if !(https || lower.starts_with("http://")) || !bracket_safe(url) {
        return Err(SendError::Permanent(format!(
            "the unsubscribe link {url:?} is not an http(s) URL fit for a mail header"
        )));
    }
    let mut list = format!("<{url}>");
    if let Some(mailto) = &unsubscribe.mailto {
        let address = mailto.trim();
        let address = address.strip_prefix("mailto:").unwrap_or(address);
        if !address.contains('@') || !bracket_safe(address) {
            return Err(SendError::Permanent(format!(
                "the unsubscribe address {mailto:?} is not fit for a mail header"
            )));
        }
        list.push_str(&format!(", <mailto:{address}>"));
    }
    Ok((list, https))
}

/// Printable ASCII with no angle brackets, commas or spaces: safe inside `<…>` in a header.
fn bracket_safe(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|character| character.is_ascii_graphic() && !matches!(character, '<' | '>' | ','))
}

/// A Message-ID body without brackets, spaces or control characters, or a permanent error:
/// a bad id is a bug upstream, and retrying would not fix it.
fn clean_message_id(raw: &str) -> Result<String, SendError> {
    let id = raw.trim().trim_start_matches('<').trim_end_matches('>');
    let valid = id.contains('@')
        && id
            .chars()
            .all(|character| character.is_ascii_graphic() && !matches!(character, '<' | '>'));
    if valid {
        Ok(id.to_owned())
    } else {
        Err(SendError::Permanent(format!(
            "{raw:?} is not a valid Message-ID"
        )))
    }
}

/// 5xx replies are permanent; everything else (4xx, refused or dropped connections,
/// timeouts, TLS trouble) may clear up, so is transient.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    if error.is_permanent() {
        SendError::Permanent(error.to_string())
    } else {
        SendError::Transient(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::Tlp;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port: 2525,
            tls: TlsMode::None,
            username: Some("beacon".to_owned()),
            password: Some("hunter2".to_owned()),
            from: "Beacon <beacon@partnership.example>".to_owned(),
            timeout_secs: 5,
        }
    }

    fn mail() -> OutgoingMessage {
        OutgoingMessage {
            to: "it@council.example".to_owned(),
            subject: "Beacon: 1 new address\r\nBcc: victim@example".to_owned(),
            text: "TLP:GREEN\nhello".to_owned(),
            html: "<p>hello</p>".to_owned(),
            message_id: "digest-42@beacon.local".to_owned(),
            tlp: Tlp::Green,
            marks: Vec::new(),
            unsubscribe: None,
            sms_template: None,
            social: None,
        }
    }

    #[test]
    fn builds_multipart_alternative_with_stable_id_and_tlp_header() {
        let mailer = SmtpMailer::new(settings()).expect("mailer");
        let raw = String::from_utf8(mailer.message(&mail()).expect("message").formatted())
            .expect("utf-8");
        assert!(
            raw.contains("Message-ID: <digest-42@beacon.local>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("X-Beacon-TLP: TLP:GREEN\r\n"));
        assert!(raw.contains("Auto-Submitted: auto-generated\r\n"));
        assert!(raw.contains("Content-Type: multipart/alternative"));
        assert!(raw.contains("Content-Type: text/plain"));
        assert!(raw.contains("Content-Type: text/html"));
        assert!(!raw.contains("\r\nBcc:"));
    }

    #[test]
    fn bad_addresses_and_ids_are_permanent() {
        let mailer = SmtpMailer::new(settings()).expect("mailer");
        let mut bad_to = mail();
        bad_to.to = "not an address".to_owned();
        assert!(matches!(mailer.send(&bad_to), Err(SendError::Permanent(_))));
        let mut bad_id = mail();
        bad_id.message_id = "no-at-sign".to_owned();
        assert!(matches!(mailer.send(&bad_id), Err(SendError::Permanent(_))));
        let mut bad_from = settings();
        bad_from.from = "nobody".to_owned();
        assert!(matches!(
            SmtpMailer::new(bad_from),
            Err(SendError::Permanent(_))
        ));
    }

    /// The message as sent, with folded header lines unfolded (RFC 5322 section 2.2.3).
    fn formatted(mailer: &SmtpMailer, mail: &OutgoingMessage) -> String {
        String::from_utf8(mailer.message(mail).expect("message").formatted())
            .expect("utf-8")
            .replace("\r\n ", " ")
    }

    #[test]
    fn one_click_unsubscribe_headers_follow_rfc_8058() {
        let mailer = SmtpMailer::new(settings()).expect("mailer");
        let mut campaign = mail();
        campaign.unsubscribe = Some(Unsubscribe {
            url: "https://beacon.example/u/tok123".to_owned(),
            mailto: Some("unsubscribe+tok123@beacon.example".to_owned()),
        });
        let raw = formatted(&mailer, &campaign);
        assert!(
            raw.contains(
                "List-Unsubscribe: <https://beacon.example/u/tok123>, \
                 <mailto:unsubscribe+tok123@beacon.example>\r\n"
            ),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));

        // Without a mailto, just the link; `mailto:` given twice is not doubled.
        campaign.unsubscribe = Some(Unsubscribe {
            url: "https://beacon.example/u/tok123".to_owned(),
            mailto: None,
        });
        let raw = formatted(&mailer, &campaign);
        assert!(raw.contains("List-Unsubscribe: <https://beacon.example/u/tok123>\r\n"));
        campaign.unsubscribe = Some(Unsubscribe {
            url: "https://beacon.example/u/t".to_owned(),
            mailto: Some("mailto:u@beacon.example".to_owned()),
        });
        assert!(formatted(&mailer, &campaign).contains(", <mailto:u@beacon.example>\r\n"));

        // Plain http: listed, but no one-click (RFC 8058 requires https).
        campaign.unsubscribe = Some(Unsubscribe {
            url: "http://beacon.example/u/tok123".to_owned(),
            mailto: None,
        });
        let raw = formatted(&mailer, &campaign);
        assert!(raw.contains("List-Unsubscribe: <http://beacon.example/u/tok123>\r\n"));
        assert!(!raw.contains("List-Unsubscribe-Post"));

        // A digest (no unsubscribe) carries neither header.
        let raw = formatted(&mailer, &mail());
        assert!(!raw.contains("List-Unsubscribe"));
    }

    #[test]
    fn unsubscribe_links_that_could_break_the_header_are_permanent_errors() {
        let mailer = SmtpMailer::new(settings()).expect("mailer");
        for (url, mailto) in [
            ("https://beacon.example/u/a>\r\nBcc: x@y", None),
            ("javascript:alert(1)", None),
            ("https://beacon.example/u/a b", None),
            ("https://beacon.example/u/a", Some("no-at-sign")),
            (
                "https://beacon.example/u/a",
                Some("a@b>, <https://evil.example"),
            ),
        ] {
            let mut campaign = mail();
            campaign.unsubscribe = Some(Unsubscribe {
                url: url.to_owned(),
                mailto: mailto.map(str::to_owned),
            });
            assert!(
                matches!(mailer.send(&campaign), Err(SendError::Permanent(_))),
                "{url} {mailto:?}"
            );
        }
    }

    #[test]
    fn message_ids_may_come_with_or_without_brackets() {
        assert_eq!(clean_message_id("<a@b>").expect("valid"), "a@b");
        assert!(clean_message_id("a b@c").is_err());
        assert!(clean_message_id("a@b\r\nX: y").is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", settings());
        assert!(!shown.contains("hunter2") && shown.contains("(hidden)"));
    }
}

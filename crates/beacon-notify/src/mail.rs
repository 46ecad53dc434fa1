//! The email channel: sending one email over SMTP with `lettre`, and sorting failures into "try again later"
//! and "give up".
//!
//! Each message carries the Message-ID the caller gives it, so a message sent again after a
//! crash is recognisably the same message, and an `X-Beacon-TLP` header with its label.
//! A message people may opt out of carries RFC 8058 one-click unsubscribe headers.
//!
//! One [`SmtpMailer`] keeps its SMTP connection open and reuses it from message to
//! message, so a run of the outbox loop over a campaign does not pay a TCP (and TLS, and
//! login) handshake per message. Over TLS (STARTTLS or implicit) `lettre` sends, over a
//! small pool; to a plain-text local relay (`tls = "none"`) Beacon speaks SMTP itself over
//! one persistent connection, which is more than twice as fast (see `DirectSmtp` for why).

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

/// The sender Beacon uses in production. With TLS, SMTP through `lettre` over a pool of
/// connections kept open between messages (at most [`POOL_SIZE`], closed after a minute
/// idle); in plain text, Beacon's own SMTP client over one persistent connection.
#[derive(Debug, Clone)]
pub struct SmtpMailer {
    sender: Sender,
    from: Mailbox,
}

/// Who speaks SMTP for a mailer.
#[derive(Debug, Clone)]
enum Sender {
    /// `lettre`'s transport, for STARTTLS and implicit TLS.
    Lettre(SmtpTransport),
    /// Beacon's own client, for plain-text relays.
    Direct(DirectSmtp),
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
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let tls = match settings.tls {
            TlsMode::None => {
                return Ok(SmtpMailer {
                    sender: Sender::Direct(DirectSmtp::new(
                        settings.host,
                        settings.port,
                        timeout,
                        settings
                            .username
                            .map(|username| (username, settings.password.unwrap_or_default())),
                    )),
                    from,
                });
            }
            TlsMode::StartTls => Tls::Required(tls_parameters()?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = SmtpTransport::builder_dangerous(settings.host.as_str())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(timeout))
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
            sender: Sender::Lettre(builder.build()),
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
        match &self.sender {
            Sender::Lettre(transport) => lettre::Transport::send(transport, &message)
                .map(|_| ())
                .map_err(classify),
            Sender::Direct(direct) => direct.send(&message),
        }
    }
}

/// Beacon's own SMTP client for a plain-text relay (`tls = "none"`, a relay on the same
/// machine or network), over one persistent connection.
///
/// Why hand-written, when `lettre` builds the messages: measured on a campaign of 100,000
/// emails to a local sink, `lettre` 0.11's transport reached 0.41x the messages a second of
/// a plain `smtplib` script, for two reasons it offers no way around. It writes the DATA
/// terminator (`CRLF.CRLF`) as a small segment of its own, which Nagle's algorithm holds
/// back until the server ACKs the body, and a server with delayed ACKs waits ~40 ms to do
/// so: a stall on every message (it cannot set `TCP_NODELAY`). And before reusing a pooled
/// connection it sends NOOP and waits for the answer: a round trip per message. This
/// client sets `TCP_NODELAY`, writes the body and its terminator in one write, and checks a
/// kept connection without a round trip (a non-blocking peek shows whether the server has
/// closed it or said something unasked, such as a 421 before hanging up).
///
/// Per message: MAIL FROM, RCPT TO for each recipient, DATA, then the body (CRLF line ends,
/// dot-stuffed) with its terminator; each reply is read before the next command. A 4xx
/// reply is a transient failure, 5xx permanent; after either the transaction is reset
/// (RSET) and the connection kept. A connection that fails (refused, dropped, timed out, a
/// reply that makes no sense, 421) is a transient failure and is closed; the next message
/// opens a new one. A kept connection found closed by the server when the next message
/// starts (before any of it is sent) is replaced, and that message goes on the new one.
/// QUIT is sent when the mailer is dropped.
#[derive(Debug)]
struct DirectSmtp {
    host: String,
    port: u16,
    timeout: Duration,
    /// User name and password for AUTH PLAIN (or LOGIN), if the relay wants them.
    credentials: Option<(String, String)>,
    /// The open connection, if any; one message at a time uses it.
    connection: std::sync::Mutex<Option<Connection>>,
}

impl Clone for DirectSmtp {
    /// The same settings; the clone opens its own connection when it first sends.
    fn clone(&self) -> Self {
        DirectSmtp::new(
            self.host.clone(),
            self.port,
            self.timeout,
            self.credentials.clone(),
        )
    }
}

/// A kept connection is closed and a new one opened after this long unused, before the
/// server's own idle limit (RFC 5321 asks servers to wait at least 5 minutes) is near.
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// The longest reply Beacon reads before deciding the server is not speaking SMTP.
const MAX_REPLY: usize = 64 * 1024;

/// One SMTP connection after a successful greeting and EHLO (and AUTH).
#[derive(Debug)]
struct Connection {
    stream: std::io::BufReader<std::net::TcpStream>,
    /// The EHLO reply's extension keywords, upper case (`8BITMIME`, `SMTPUTF8`, `AUTH …`).
    extensions: Vec<String>,
    last_used: std::time::Instant,
}

/// A server's reply: its code and its text lines joined.
#[derive(Debug)]
struct Reply {
    code: u16,
    text: String,
}

/// How a message's SMTP transaction failed.
#[derive(Debug)]
struct Failure {
    error: SendError,
    /// The server answered in order (4xx or 5xx), so the connection can be reset and kept.
    in_sync: bool,
    /// The connection broke before any of this message was accepted (at MAIL FROM), so it
    /// is safe to send it again at once on a new connection.
    broke_at_start: bool,
}

impl Failure {
    /// The connection is unusable: a transient failure, and the connection is closed.
    fn broken(what: String, at_start: bool) -> Self {
        Failure {
            error: SendError::Transient(what),
            in_sync: false,
            broke_at_start: at_start,
        }
    }
}

impl DirectSmtp {
    fn new(
        host: String,
        port: u16,
        timeout: Duration,
        credentials: Option<(String, String)>,
    ) -> Self {
        DirectSmtp {
            host,
            port,
            timeout,
            credentials,
            connection: std::sync::Mutex::new(None),
        }
    }

    /// Sends one message over the kept connection (opened, or replaced, as needed).
    fn send(&self, message: &lettre::Message) -> Result<(), SendError> {
        let envelope = message.envelope();
        let from = envelope.from().map(ToString::to_string).unwrap_or_default();
        let recipients: Vec<String> = envelope.to().iter().map(ToString::to_string).collect();
        let body = data_bytes(&message.formatted());
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = slot.take().filter(Connection::usable);
        let reused = kept.is_some();
        let mut connection = match kept {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let mut result = connection.transaction(&from, &recipients, &body);
        if let Err(failure) = &result
            && reused
            && failure.broke_at_start
        {
            // The server closed the kept connection (idle, restarting) before this message
            // began: nothing of it was accepted, so it goes on a fresh connection now.
            drop(connection);
            connection = self.connect()?;
            result = connection.transaction(&from, &recipients, &body);
        }
        match result {
            Ok(()) => {
                *slot = Some(connection);
                Ok(())
            }
            Err(failure) => {
                if failure.in_sync && connection.reset() {
                    *slot = Some(connection);
                } else {
                    connection.abandon();
                }
                Err(failure.error)
            }
        }
    }

    /// Opens a connection: TCP (with `TCP_NODELAY`), the greeting, EHLO (HELO for an old
    /// server) and AUTH when credentials are set. Every failure is transient except a
    /// refused login or a server that offers no way to log in.
    fn connect(&self) -> Result<Connection, SendError> {
        use std::net::ToSocketAddrs as _;
        let target = format!("{}:{}", self.host, self.port);
        let addresses = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|error| {
                SendError::Transient(format!(
                    "could not resolve the SMTP server {target}: {error}"
                ))
            })?;
        let mut last_error = None;
        let mut stream = None;
        for address in addresses {
            match std::net::TcpStream::connect_timeout(&address, self.timeout) {
                Ok(connected) => {
                    stream = Some(connected);
                    break;
                }
                Err(error) => last_error = Some(error),
            }
        }
        let stream = stream.ok_or_else(|| {
            SendError::Transient(format!(
                "could not connect to the SMTP server {target}: {}",
                last_error.map_or_else(|| "no address".to_owned(), |error| error.to_string())
            ))
        })?;
        let setup = |stream: &std::net::TcpStream| {
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(self.timeout))?;
            stream.set_write_timeout(Some(self.timeout))
        };
        setup(&stream).map_err(|error| {
            SendError::Transient(format!(
                "could not set up the connection to {target}: {error}"
            ))
        })?;
        let client = match stream.local_addr() {
            Ok(std::net::SocketAddr::V4(local)) => format!("[{}]", local.ip()),
            Ok(std::net::SocketAddr::V6(local)) => format!("[IPv6:{}]", local.ip()),
            Err(_) => "[127.0.0.1]".to_owned(),
        };
        let mut connection = Connection {
            stream: std::io::BufReader::new(stream),
            extensions: Vec::new(),
            last_used: std::time::Instant::now(),
        };
        let opened = connection
            .open(&client, self.credentials.as_ref())
            .map_err(|failure| failure.error);
        match opened {
            Ok(()) => Ok(connection),
            Err(error) => {
                connection.abandon();
                Err(error)
            }
        }
    }
}

impl Connection {
    /// The greeting, EHLO (or HELO) and AUTH.
    fn open(
        &mut self,
        client: &str,
        credentials: Option<&(String, String)>,
    ) -> Result<(), Failure> {
        self.expect("the greeting", 220)?;
        self.write(format!("EHLO {client}\r\n").as_bytes(), false)?;
        let ehlo = self.reply("EHLO", false)?;
        if ehlo.code == 250 {
            self.extensions = ehlo
                .text
                .lines()
                .skip(1)
                .map(|line| line.trim().to_ascii_uppercase())
                .collect();
        } else if (500..600).contains(&ehlo.code) {
            self.command("HELO", &format!("HELO {client}"), 250)?;
        } else {
            return Err(refused("EHLO", &ehlo));
        }
        if let Some((username, password)) = credentials {
            self.login(username, password)?;
        }
        Ok(())
    }

    /// AUTH PLAIN, or AUTH LOGIN if that is all the server offers.
    fn login(&mut self, username: &str, password: &str) -> Result<(), Failure> {
        use base64::Engine as _;
        let encode = |text: &[u8]| base64::engine::general_purpose::STANDARD.encode(text);
        let mechanisms: Vec<&str> = self
            .extensions
            .iter()
            .filter_map(|line| line.strip_prefix("AUTH"))
            .flat_map(|rest| rest.split([' ', '=']))
            .collect();
        if mechanisms.contains(&"PLAIN") {
            let token = encode(format!("\0{username}\0{password}").as_bytes());
            self.command("AUTH PLAIN", &format!("AUTH PLAIN {token}"), 235)
        } else if mechanisms.contains(&"LOGIN") {
            self.command("AUTH LOGIN", "AUTH LOGIN", 334)?;
            self.command("AUTH LOGIN", &encode(username.as_bytes()), 334)?;
            self.command("AUTH LOGIN", &encode(password.as_bytes()), 235)
        } else {
            Err(Failure {
                error: SendError::Permanent(
                    "the SMTP server offers no AUTH PLAIN or LOGIN, but a user name is set"
                        .to_owned(),
                ),
                in_sync: false,
                broke_at_start: false,
            })
        }
    }

    /// Whether the connection can carry another message: not idle too long, not closed by
    /// the server and with nothing unasked waiting from it. No round trip.
    fn usable(&self) -> bool {
        if self.last_used.elapsed() > IDLE_LIMIT || !self.stream.buffer().is_empty() {
            return false;
        }
        let stream = self.stream.get_ref();
        if stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut byte = [0_u8; 1];
        let quiet = matches!(
            stream.peek(&mut byte),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock
        );
        stream.set_nonblocking(false).is_ok() && quiet
    }

    /// One message's transaction. `body` is already CRLF-normalised, dot-stuffed and ends
    /// with the terminator.
    fn transaction(&mut self, from: &str, to: &[String], body: &[u8]) -> Result<(), Failure> {
        let mut options = String::new();
        if !body.is_ascii() && self.supports("8BITMIME") {
            options.push_str(" BODY=8BITMIME");
        }
        if (!from.is_ascii() || to.iter().any(|address| !address.is_ascii()))
            && self.supports("SMTPUTF8")
        {
            options.push_str(" SMTPUTF8");
        }
        self.write(format!("MAIL FROM:<{from}>{options}\r\n").as_bytes(), true)?;
        let reply = self.reply("MAIL FROM", true)?;
        if reply.code != 250 {
            return Err(refused("MAIL FROM", &reply));
        }
        for address in to {
            self.command("RCPT TO", &format!("RCPT TO:<{address}>"), 250)?;
        }
        self.command("DATA", "DATA", 354)?;
        self.write(body, false)?;
        let accepted = self.expect("the message", 250);
        self.last_used = std::time::Instant::now();
        accepted
    }

    /// RSET after a refused message; false if the connection is no longer fit to keep.
    fn reset(&mut self) -> bool {
        self.command("RSET", "RSET", 250).is_ok()
    }

    /// Says QUIT (not waiting for the answer) and closes.
    fn abandon(mut self) {
        let _ = std::io::Write::write_all(self.stream.get_mut(), b"QUIT\r\n");
        let _ = self.stream.get_ref().shutdown(std::net::Shutdown::Both);
    }

    fn supports(&self, keyword: &str) -> bool {
        self.extensions
            .iter()
            .any(|line| line.split(' ').next() == Some(keyword))
    }

    /// Writes a command (with its CRLF) and expects `code` back.
    fn command(&mut self, name: &str, line: &str, code: u16) -> Result<(), Failure> {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.write(&bytes, false)?;
        self.expect(name, code)
    }

    fn expect(&mut self, name: &str, code: u16) -> Result<(), Failure> {
        let reply = self.reply(name, false)?;
        if reply.code == code {
            Ok(())
        } else {
            Err(refused(name, &reply))
        }
    }

    fn write(&mut self, bytes: &[u8], at_start: bool) -> Result<(), Failure> {
        std::io::Write::write_all(self.stream.get_mut(), bytes).map_err(|error| {
            Failure::broken(
                format!("the SMTP connection failed while sending: {error}"),
                at_start,
            )
        })
    }

    /// Reads one reply, all its lines (`250-…` then `250 …`).
    fn reply(&mut self, name: &str, at_start: bool) -> Result<Reply, Failure> {
        use std::io::{BufRead as _, Read as _};
        let mut text = String::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = (&mut self.stream)
                .take((MAX_REPLY - text.len().min(MAX_REPLY)) as u64 + 1)
                .read_until(b'\n', &mut line)
                .map_err(|error| {
                    Failure::broken(
                        format!(
                            "the SMTP connection failed waiting for the reply to {name}: {error}"
                        ),
                        at_start,
                    )
                })?;
            if read == 0 {
                return Err(Failure::broken(
                    format!("the SMTP server closed the connection before replying to {name}"),
                    at_start,
                ));
            }
            let content = String::from_utf8_lossy(&line);
            let content = content.trim_end_matches(['\r', '\n']);
            let code = content
                .get(..3)
                .filter(|digits| digits.bytes().all(|byte| byte.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u16>().ok());
            let separator = content.as_bytes().get(3).copied();
            let (Some(code), true) = (
                code,
                matches!(separator, None | Some(b' ') | Some(b'-')) && line.ends_with(b"\n"),
            ) else {
                return Err(Failure::broken(
                    format!("the SMTP server's reply to {name} is not SMTP: {content:?}"),
                    at_start,
                ));
            };
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(content.get(4..).unwrap_or(""));
            if separator != Some(b'-') {
                return Ok(Reply { code, text });
            }
        }
    }
}

/// A reply other than the one wanted: 5xx is permanent; 4xx transient (421 means the
/// server is closing the connection, so it is not kept); anything else is out of step.
fn refused(name: &str, reply: &Reply) -> Failure {
    let what = format!(
        "the SMTP server answered {name} with {} {}",
        reply.code,
        reply.text.replace('\n', " ")
    );
    match reply.code {
        500..=599 => Failure {
            error: SendError::Permanent(what),
            in_sync: true,
            broke_at_start: false,
        },
        421 => Failure::broken(what, name == "MAIL FROM"),
        400..=499 => Failure {
            error: SendError::Transient(what),
            in_sync: true,
            broke_at_start: false,
        },
        _ => Failure::broken(what, false),
    }
}

/// A message's bytes as DATA carries them (RFC 5321 section 4.5.2): every line ending a
/// CRLF (a bare LF or bare CR becomes one), a dot doubled at the start of a line, a CRLF
/// at the end if missing, then the terminator `.` CRLF.
fn data_bytes(message: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut line_start = true;
    let mut bytes = message.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\r' => {
                if bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                data.extend_from_slice(b"\r\n");
                line_start = true;
            }
            b'\n' => {
                data.extend_from_slice(b"\r\n");
                line_start = true;
            }
            _ => {
                if line_start && byte == b'.' {
                    data.push(b'.');
                }
                data.push(byte);
                line_start = false;
            }
        }
    }
    if !line_start {
        data.extend_from_slice(b"\r\n");
    }
    data.extend_from_slice(b".\r\n");
    data
}

impl Drop for DirectSmtp {
    /// Says QUIT on the kept connection, if there is one.
    fn drop(&mut self) {
        let slot = self
            .connection
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(connection) = slot.take() {
            connection.abandon();
        }
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

    /// What the loopback sink answers for one message, counted by MAIL commands over all
    /// connections.
    #[derive(Clone, Copy)]
    struct Plan {
        mail: &'static str,
        rcpt: &'static str,
        end: &'static str,
        /// Close the connection after answering the end of DATA.
        close_after: bool,
    }

    const ACCEPT: Plan = Plan {
        mail: "250 ok",
        rcpt: "250 ok",
        end: "250 2.0.0 queued",
        close_after: false,
    };

    /// What the sink saw: every command line, every DATA payload as it came over the wire
    /// (terminator included) and how many connections were opened.
    #[derive(Default)]
    struct SinkLog {
        commands: Vec<String>,
        data: Vec<Vec<u8>>,
        connections: usize,
        /// MAIL commands so far, which picks each message's plan.
        mails: usize,
    }

    /// An SMTP server on a loopback port that answers by `plans` (then accepts) and
    /// records what it is sent, each connection on a thread of its own.
    fn sink(plans: Vec<Plan>) -> (u16, std::sync::Arc<std::sync::Mutex<SinkLog>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let log = std::sync::Arc::new(std::sync::Mutex::new(SinkLog::default()));
        let shared = log.clone();
        let plans = std::sync::Arc::new(plans);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let shared = shared.clone();
                let plans = plans.clone();
                std::thread::spawn(move || serve(stream, &shared, &plans));
            }
        });
        (port, log)
    }

    /// One connection of the loopback sink.
    fn serve(stream: std::net::TcpStream, shared: &std::sync::Mutex<SinkLog>, plans: &[Plan]) {
        use std::io::{BufRead, BufReader, Write};
        shared.lock().expect("log").connections += 1;
        let mut writer = stream.try_clone().expect("clone");
        let mut reader = BufReader::new(stream);
        let mut answer = |text: &str| writer.write_all(format!("{text}\r\n").as_bytes());
        answer("220 sink ESMTP").expect("greet");
        let mut plan = ACCEPT;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            let command = line.trim_end().to_owned();
            shared.lock().expect("log").commands.push(command.clone());
            let verb = command.get(..4).unwrap_or("").to_ascii_uppercase();
            let reply = match verb.as_str() {
                "EHLO" => "250-sink\r\n250-8BITMIME\r\n250 AUTH LOGIN PLAIN",
                "AUTH" => "235 2.7.0 welcome",
                "MAIL" => {
                    let mut log = shared.lock().expect("log");
                    plan = plans.get(log.mails).copied().unwrap_or(ACCEPT);
                    log.mails += 1;
                    plan.mail
                }
                "RCPT" => plan.rcpt,
                "DATA" => {
                    answer("354 go ahead").expect("354");
                    let mut data = Vec::new();
                    loop {
                        let start = data.len();
                        if reader.read_until(b'\n', &mut data).unwrap_or(0) == 0 {
                            return;
                        }
                        if &data[start..] == b".\r\n" {
                            break;
                        }
                    }
                    shared.lock().expect("log").data.push(data);
                    plan.end
                }
                "QUIT" => "221 bye",
                _ => "250 ok",
            };
            if answer(reply).is_err() || verb == "QUIT" || reply.starts_with("421") {
                break;
            }
            if verb == "DATA" && plan.close_after {
                break;
            }
        }
    }

    fn direct_mailer(port: u16) -> SmtpMailer {
        SmtpMailer::new(SmtpSettings { port, ..settings() }).expect("mailer")
    }

    #[test]
    fn data_is_crlf_normalised_dot_stuffed_and_terminated() {
        assert_eq!(
            data_bytes(b"a\n.b\r\n..c\rd\r\n.\r\nend"),
            b"a\r\n..b\r\n...c\r\nd\r\n..\r\nend\r\n.\r\n"
        );
        assert_eq!(data_bytes(b".first\r\n"), b"..first\r\n.\r\n");
        assert_eq!(data_bytes(b"x\r\n"), b"x\r\n.\r\n");
        assert_eq!(data_bytes(b""), b".\r\n");
        assert_eq!(data_bytes(b"mid.dot\n"), b"mid.dot\r\n.\r\n");
    }

    #[test]
    fn plain_text_relays_get_one_connection_dot_stuffed_data_and_quit() {
        let (port, log) = sink(Vec::new());
        let mailer = direct_mailer(port);
        let mut first = mail();
        first.text = "TLP:GREEN\n.a line starting with a dot\nbare LF\n..two dots".to_owned();
        mailer.send(&first).expect("first sent");
        mailer.send(&mail()).expect("second sent");
        let clone = mailer.clone();
        clone.send(&mail()).expect("sent by a clone");
        drop(clone);
        {
            let log = log.lock().expect("log");
            assert_eq!(
                log.connections, 2,
                "one connection each for mailer and clone"
            );
            assert_eq!(log.data.len(), 3);
            let data = String::from_utf8(log.data[0].clone()).expect("utf-8");
            assert!(
                data.contains("\r\n..a line starting with a dot\r\nbare LF\r\n...two dots\r\n"),
                "{data}"
            );
            assert!(data.ends_with("\r\n.\r\n"), "{data}");
            assert_eq!(data.matches("\r\n.\r\n").count(), 1, "{data}");
            assert!(
                !data.replace("\r\n", "").contains(['\r', '\n']),
                "no bare CR or LF: {data:?}"
            );
            assert!(data.contains("Message-ID: <digest-42@beacon.local>\r\n"));
            assert!(
                log.commands.contains(&format!(
                    "AUTH PLAIN {}",
                    base64::Engine::encode(
                        &base64::engine::general_purpose::STANDARD,
                        b"\0beacon\0hunter2"
                    )
                )),
                "{:?}",
                log.commands
            );
            assert!(
                log.commands
                    .contains(&"MAIL FROM:<beacon@partnership.example>".to_owned())
            );
            assert!(
                log.commands
                    .contains(&"RCPT TO:<it@council.example>".to_owned())
            );
            assert!(
                !log.commands
                    .iter()
                    .any(|command| command.starts_with("NOOP"))
            );
        }
        drop(mailer);
        let mut quits = 0;
        for _ in 0..200 {
            quits = log
                .lock()
                .expect("log")
                .commands
                .iter()
                .filter(|command| *command == "QUIT")
                .count();
            if quits == 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(quits, 2, "QUIT from the clone and the mailer when dropped");
    }

    #[test]
    fn refusals_are_classified_and_the_connection_is_reset_and_kept() {
        let (port, log) = sink(vec![
            Plan {
                rcpt: "451 4.3.0 try later",
                ..ACCEPT
            },
            Plan {
                end: "550 5.7.1 refused",
                ..ACCEPT
            },
            ACCEPT,
        ]);
        let mailer = direct_mailer(port);
        let busy = mailer.send(&mail());
        assert!(
            matches!(busy, Err(SendError::Transient(ref error)) if error.contains("451")),
            "{busy:?}"
        );
        let refused = mailer.send(&mail());
        assert!(
            matches!(refused, Err(SendError::Permanent(ref error)) if error.contains("550")),
            "{refused:?}"
        );
        mailer.send(&mail()).expect("third sent");
        let log = log.lock().expect("log");
        assert_eq!(log.connections, 1);
        assert_eq!(log.data.len(), 2, "the 451 message sent no DATA");
        assert_eq!(
            log.commands
                .iter()
                .filter(|command| *command == "RSET")
                .count(),
            2
        );
    }

    #[test]
    fn a_server_that_closes_between_messages_is_reconnected_to() {
        let (port, log) = sink(vec![
            Plan {
                close_after: true,
                ..ACCEPT
            },
            ACCEPT,
            Plan {
                mail: "421 4.4.2 closing, idle",
                ..ACCEPT
            },
            ACCEPT,
        ]);
        let mailer = direct_mailer(port);
        mailer.send(&mail()).expect("first sent");
        mailer
            .send(&mail())
            .expect("second sent on a new connection");
        mailer.send(&mail()).expect("third sent again after a 421");
        let log = log.lock().expect("log");
        assert_eq!(log.connections, 3);
        assert_eq!(log.data.len(), 3);
    }

    #[test]
    fn a_refused_connection_is_transient() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("address")
            .port();
        let result = direct_mailer(port).send(&mail());
        assert!(matches!(result, Err(SendError::Transient(_))), "{result:?}");
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", settings());
        assert!(!shown.contains("hunter2") && shown.contains("(hidden)"));
    }
}

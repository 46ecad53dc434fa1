//! The SMS channel: text messages through a gateway with GOV.UK Notify's API, and the
//! gateway's callbacks (delivery receipts and replies such as STOP) read into Beacon's
//! terms.
//!
//! A Notify SMS is a template kept in the gateway plus this recipient's fields, so Beacon
//! sends `POST {base}/v2/notifications/sms` with
//! `{phone_number, template_id, personalisation, reference}`; the reference is the outbox
//! message's Message-ID, which comes back in the delivery receipt. Each request is signed
//! with a short-lived JWT (HS256, `iss` the service id, `iat` now) made from the API key.
//!
//! An API key in Notify's format is `{key name}-{service id}-{secret key}`, where both ids
//! are UUIDs (`8-4-4-4-12` hex digits); the name may itself contain hyphens, so the key is
//! read from its end. The secret never leaves Beacon: only the signature does.
//!
//! Failures are sorted as the outbox needs: 4xx answers (a bad number, a bad template, a
//! revoked key) are permanent, except 429 (too many requests); 429, 5xx, timeouts and
//! network trouble are transient.

use crate::transport::{Channel, OutgoingMessage, SendError, Transport};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::time::Duration;
use time::OffsetDateTime;

/// Where and how to send SMS (the `[notify.sms]` table of `beacon.toml`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySmsSettings {
    /// The gateway's address, e.g. `https://api.notifications.service.gov.uk`.
    pub base_url: String,
    /// The API key, `{name}-{service id}-{secret key}`; never logged nor written out
    /// (Beacon's CLI also takes it from `BEACON_SMS_API_KEY`).
    #[serde(default, skip_serializing)]
    pub api_key: String,
    /// The template used for a message without its own: it must have one placeholder,
    /// `((body))`, which receives the message's text. `None`: such messages are given up.
    #[serde(default)]
    pub default_template_id: Option<String>,
    /// The bearer token the gateway sends with its callbacks (set in the gateway's
    /// callback settings), checked with [`callback_authorised`]; never logged nor written
    /// out.
    #[serde(default, skip_serializing)]
    pub callback_token: Option<String>,
    /// How long to wait for the gateway before this attempt counts as failed (default
    /// 30 s).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    30
}

impl std::fmt::Debug for NotifySmsSettings {
    /// Shows everything but the secrets, so settings can be logged safely.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySmsSettings")
            .field("base_url", &self.base_url)
            .field("api_key", &"(hidden)")
            .field("default_template_id", &self.default_template_id)
            .field(
                "callback_token",
                &self.callback_token.as_ref().map(|_| "(hidden)"),
            )
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// A Notify API key, split into the parts a request is signed with.
#[derive(Clone, PartialEq, Eq)]
pub struct NotifyApiKey {
    /// The key's name, as shown in the gateway's settings.
    pub name: String,
    /// The service id (a UUID): the JWT's `iss`.
    pub service_id: String,
    secret: String,
}

impl std::fmt::Debug for NotifyApiKey {
    /// Never shows the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyApiKey")
            .field("name", &self.name)
            .field("service_id", &self.service_id)
            .field("secret", &"(hidden)")
            .finish()
    }
}

/// Why an API key was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the SMS gateway API key is not in Notify's format {{key name}}-{{service id}}-{{secret key}} \
     (both ids UUIDs): {0}"
)]
pub struct ApiKeyError(&'static str);

/// The length of a UUID in its hyphenated form.
const UUID_LEN: usize = 36;

impl NotifyApiKey {
    /// Reads a key `{name}-{service id}-{secret key}`, from its end (names may contain
    /// hyphens).
    pub fn parse(key: &str) -> Result<NotifyApiKey, ApiKeyError> {
        let key = key.trim();
        if !key.is_ascii() {
            return Err(ApiKeyError("it has characters other than ASCII"));
        }
        // name, '-', service id, '-', secret
        if key.len() < 2 * UUID_LEN + 3 {
            return Err(ApiKeyError("it is too short"));
        }
        let secret = &key[key.len() - UUID_LEN..];
        let service_id = &key[key.len() - 2 * UUID_LEN - 1..key.len() - UUID_LEN - 1];
        let name = &key[..key.len() - 2 * UUID_LEN - 2];
        let separators = [
            key.as_bytes()[key.len() - UUID_LEN - 1],
            key.as_bytes()[key.len() - 2 * UUID_LEN - 2],
        ];
        if separators != [b'-', b'-'] || name.is_empty() {
            return Err(ApiKeyError(
                "the name and the two ids are not separated by '-'",
            ));
        }
        if !is_uuid(service_id) {
            return Err(ApiKeyError("the service id is not a UUID"));
        }
        if !is_uuid(secret) {
            return Err(ApiKeyError("the secret key is not a UUID"));
        }
        Ok(NotifyApiKey {
            name: name.to_owned(),
            service_id: service_id.to_ascii_lowercase(),
            secret: secret.to_owned(),
        })
    }

    /// The bearer token for a request made at `now`: a JWT signed with HS256 over
    /// `{"iss": service id, "iat": now}` (Notify refuses tokens more than 30 s old).
    pub fn token(&self, now: OffsetDateTime) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = serde_json::json!({ "iss": self.service_id, "iat": now.unix_timestamp() });
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    text.len() == UUID_LEN
        && text.char_indices().all(|(index, character)| match index {
            8 | 13 | 18 | 23 => character == '-',
            _ => character.is_ascii_hexdigit(),
        })
}

/// The personalisation field a default template receives the message's text in.
pub const DEFAULT_TEMPLATE_FIELD: &str = "body";

/// Sends SMS through a gateway with GOV.UK Notify's API.
pub struct NotifySmsTransport {
    agent: ureq::Agent,
    endpoint: String,
    key: NotifyApiKey,
    default_template_id: Option<String>,
    clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
}

impl std::fmt::Debug for NotifySmsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySmsTransport")
            .field("endpoint", &self.endpoint)
            .field("key", &self.key)
            .field("default_template_id", &self.default_template_id)
            .finish_non_exhaustive()
    }
}

/// The body Notify expects for one SMS.
#[derive(Serialize)]
struct SmsRequest<'a> {
    phone_number: &'a str,
    template_id: &'a str,
    personalisation: &'a BTreeMap<String, String>,
    reference: &'a str,
}

impl NotifySmsTransport {
    /// A transport for these settings. `clock` gives the time each request's token is
    /// issued at (the application passes the system clock; this crate reads none). Fails
    /// if the API key or address is not valid; it does not connect until the first send.
    pub fn new(
        settings: &NotifySmsSettings,
        clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
    ) -> Result<NotifySmsTransport, SendError> {
        let key = NotifyApiKey::parse(&settings.api_key)
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        let base = settings.base_url.trim().trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(SendError::Permanent(format!(
                "the SMS gateway address {base:?} is not an http(s) URL"
            )));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(settings.timeout_secs.max(1))))
            .user_agent(concat!("beacon/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(NotifySmsTransport {
            agent: config.into(),
            endpoint: format!("{base}/v2/notifications/sms"),
            key,
            default_template_id: settings.default_template_id.clone(),
            clock,
        })
    }

    /// The JSON body for one message, or a permanent error when it cannot be sent as an
    /// SMS (no template, a number that is not one).
    fn body(&self, message: &OutgoingMessage) -> Result<String, SendError> {
        let phone_number = crate::outbox::bare_address(&message.to);
        if !is_phone_number(phone_number) {
            return Err(SendError::Permanent(format!(
                "{phone_number:?} is not a phone number"
            )));
        }
        let fallback;
        let (template_id, personalisation) = match &message.sms_template {
            Some(template) => (template.template_id.as_str(), &template.personalisation),
            None => {
                let Some(template_id) = &self.default_template_id else {
                    return Err(SendError::Permanent(
                        "the message has no SMS template and no default_template_id is set"
                            .to_owned(),
                    ));
                };
                fallback =
                    BTreeMap::from([(DEFAULT_TEMPLATE_FIELD.to_owned(), message.text.clone())]);
                (template_id.as_str(), &fallback)
            }
        };
        let request = SmsRequest {
            phone_number,
            template_id,
            personalisation,
            reference: &message.message_id,
        };
        serde_json::to_string(&request)
            .map_err(|error| SendError::Permanent(format!("could not write the request: {error}")))
    }
}

/// Digits with an optional leading `+` and the spaces, hyphens and brackets people write
/// numbers with; 7 to 15 digits (E.164 allows at most 15).
fn is_phone_number(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let rest = text.strip_prefix('+').unwrap_or(text);
    (7..=15).contains(&digits)
        && rest.chars().all(|character| {
            character.is_ascii_digit() || matches!(character, ' ' | '-' | '(' | ')')
        })
}

impl Transport for NotifySmsTransport {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    fn send(&self, message: &OutgoingMessage) -> Result<(), SendError> {
        let body = self.body(message)?;
        let token = self.key.token((self.clock)());
        let response = self
            .agent
            .post(&self.endpoint)
            .header("Authorization", &format!("Bearer {token}"))
            .content_type("application/json")
            .send(body.as_str());
        let mut response = match response {
            Ok(response) => response,
            Err(error) => return Err(classify_error(error)),
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let said = gateway_message(&text);
        let error = format!("the SMS gateway answered {status}{said}");
        Err(classify_status(status, error))
    }
}

/// 429 and 5xx may clear up; every other answer that is not 2xx will not.
fn classify_status(status: u16, error: String) -> SendError {
    if status == 429 || status >= 500 {
        SendError::Transient(error)
    } else {
        SendError::Permanent(error)
    }
}

/// A request that could not be made: a malformed address is permanent, everything else
/// (refused connections, timeouts, TLS trouble) transient.
fn classify_error(error: ureq::Error) -> SendError {
    match error {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            SendError::Permanent(format!("could not make the SMS request: {error}"))
        }
        other => SendError::Transient(format!("could not reach the SMS gateway: {other}")),
    }
}

/// `: <message>; <message>` from Notify's error body
/// (`{"errors": [{"error": …, "message": …}], "status_code": …}`), or nothing.
fn gateway_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<ErrorEntry>,
    }
    #[derive(Deserialize)]
    struct ErrorEntry {
        #[serde(default)]
        error: String,
        #[serde(default)]
        message: String,
    }
    let Ok(parsed) = serde_json::from_str::<Errors>(body) else {
        return String::new();
    };
    let said: Vec<String> = parsed
        .errors
        .iter()
        .map(|entry| {
            let text = format!("{} {}", entry.error, entry.message);
            crate::escape::header(&text).chars().take(200).collect()
        })
        .collect();
    if said.is_empty() {
        String::new()
    } else {
        format!(": {}", said.join("; "))
    }
}

/// Whether a callback's `Authorization` header carries the bearer token Beacon gave the
/// gateway, compared in constant time.
pub fn callback_authorised(authorization: Option<&str>, token: &str) -> bool {
    let Some(given) = authorization.and_then(|value| value.trim().strip_prefix("Bearer ")) else {
        return false;
    };
    let (given, token) = (given.trim().as_bytes(), token.as_bytes());
    !token.is_empty()
        && given.len() == token.len()
        && given
            .iter()
            .zip(token)
            .fold(0_u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// Why a callback's body was not understood.
#[derive(Debug, thiserror::Error)]
#[error("the SMS gateway's callback is not one Beacon understands: {0}")]
pub struct CallbackError(#[from] serde_json::Error);

/// Where a message stands by the gateway's last word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReceiptStatus {
    /// The phone network delivered it.
    Delivered,
    /// The number does not exist or cannot take messages: suppress it.
    PermanentFailure,
    /// The phone was off or out of range until the network gave up.
    TemporaryFailure,
    /// The gateway itself failed.
    TechnicalFailure,
}

impl ReceiptStatus {
    /// Whether the number should not be tried again (a hard bounce).
    pub fn is_bounce(self) -> bool {
        self == ReceiptStatus::PermanentFailure
    }
}

/// A delivery receipt, as the gateway posts it to Beacon's callback address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryReceipt {
    /// The gateway's id of the notification.
    pub id: String,
    /// The reference Beacon sent: the outbox message's Message-ID.
    #[serde(default)]
    pub reference: Option<String>,
    /// The number it was sent to.
    pub to: String,
    /// Where it stands.
    pub status: ReceiptStatus,
    /// When the gateway took it.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it reached its final status.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// When it was handed to the phone network.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// `sms` (the gateway's callbacks also cover email and letters).
    pub notification_type: String,
}

/// Reads a delivery-receipt callback's JSON body.
pub fn parse_delivery_receipt(body: &[u8]) -> Result<DeliveryReceipt, CallbackError> {
    Ok(serde_json::from_slice(body)?)
}

/// A text message someone sent to the service's number (a reply, or STOP).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReceivedText {
    /// The gateway's id of the received text.
    pub id: String,
    /// The sender's number.
    pub source_number: String,
    /// The service's number it was sent to.
    pub destination_number: String,
    /// What it says.
    pub message: String,
    /// When it arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub date_received: OffsetDateTime,
}

/// The words that mean "send me no more" (the mobile industry's opt-out keywords).
const STOP_WORDS: [&str; 6] = ["STOP", "STOPALL", "UNSUBSCRIBE", "END", "CANCEL", "QUIT"];

impl ReceivedText {
    /// Whether the text asks for no more messages: STOP, STOP ALL, UNSUBSCRIBE, END,
    /// CANCEL or QUIT, whatever the case and spacing, with or without a closing `.` or `!`.
    pub fn is_stop(&self) -> bool {
        let word: String = self
            .message
            .chars()
            .filter(|character| !character.is_whitespace())
            .collect::<String>()
            .trim_end_matches(['.', '!'])
            .to_uppercase();
        STOP_WORDS.contains(&word.as_str())
    }
}

/// Reads a received-text callback's JSON body.
pub fn parse_received_text(body: &[u8]) -> Result<ReceivedText, CallbackError> {
    Ok(serde_json::from_slice(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const KEY: &str =
        "beacon-live-3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";

    #[test]
    fn api_keys_are_read_from_their_end_so_names_may_have_hyphens() {
        let key = NotifyApiKey::parse(KEY).expect("a key");
        assert_eq!(key.name, "beacon-live");
        assert_eq!(key.service_id, "3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f");
        assert_eq!(key.secret, "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");
        assert!(!format!("{key:?}").contains("9f8e7d6c"));
        for bad in [
            "",
            "3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
            "name-3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1",
            "name-3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f_9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
            "name-zd5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
            "name-3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1g",
        ] {
            assert!(NotifyApiKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_hs256_jwts_over_iss_and_iat() {
        let key = NotifyApiKey::parse(KEY).expect("a key");
        let token = key.token(datetime!(2026-12-03 12:00 UTC));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
        assert_eq!(header, serde_json::json!({"alg": "HS256", "typ": "JWT"}));
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!(
            claims,
            serde_json::json!({"iss": "3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f", "iat": 1_796_299_200})
        );
        let mut mac =
            Hmac::<Sha256>::new_from_slice(b"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a").expect("key");
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).expect("b64"))
            .expect("signed with the secret key");
    }

    fn settings() -> NotifySmsSettings {
        NotifySmsSettings {
            base_url: "https://gateway.example/".to_owned(),
            api_key: KEY.to_owned(),
            default_template_id: None,
            callback_token: Some("cb-token".to_owned()),
            timeout_secs: 5,
        }
    }

    fn sms(to: &str) -> OutgoingMessage {
        OutgoingMessage {
            to: to.to_owned(),
            subject: String::new(),
            text: "Never share a code a bank texts you.".to_owned(),
            html: String::new(),
            message_id: "campaign-7-3@beacon.local".to_owned(),
            tlp: beacon_core::Tlp::Clear,
            marks: Vec::new(),
            unsubscribe: None,
            sms_template: None,
            social: None,
        }
    }

    #[test]
    fn bodies_carry_the_template_or_the_text_in_the_default_one() {
        let transport =
            NotifySmsTransport::new(&settings(), Box::new(OffsetDateTime::now_utc)).expect("ok");
        assert_eq!(
            transport.endpoint,
            "https://gateway.example/v2/notifications/sms"
        );
        assert!(matches!(
            transport.body(&sms("07700 900123")),
            Err(SendError::Permanent(_))
        ));
        let mut with_template = sms("07700 900123");
        with_template.sms_template = Some(crate::SmsTemplate {
            template_id: "f33517ff-2a88-4f6e-b855-c550268ce08a".to_owned(),
            personalisation: BTreeMap::from([("area".to_owned(), "Charnwood".to_owned())]),
        });
        let body: serde_json::Value =
            serde_json::from_str(&transport.body(&with_template).expect("a body")).expect("json");
        assert_eq!(
            body,
            serde_json::json!({
                "phone_number": "07700 900123",
                "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
                "personalisation": {"area": "Charnwood"},
                "reference": "campaign-7-3@beacon.local",
            })
        );
        let mut with_default = settings();
        with_default.default_template_id = Some("default-template".to_owned());
        let transport =
            NotifySmsTransport::new(&with_default, Box::new(OffsetDateTime::now_utc)).expect("ok");
        let body: serde_json::Value =
            serde_json::from_str(&transport.body(&sms("+447700900123")).expect("a body"))
                .expect("json");
        assert_eq!(body["template_id"], "default-template");
        assert_eq!(
            body["personalisation"]["body"],
            "Never share a code a bank texts you."
        );
        for bad in [
            "not a number",
            "12345",
            "+44 7700 900123 ext",
            "a@b.example",
        ] {
            assert!(
                matches!(transport.body(&sms(bad)), Err(SendError::Permanent(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn bad_settings_are_refused_and_secrets_not_shown() {
        let mut bad = settings();
        bad.api_key = "nope".to_owned();
        assert!(NotifySmsTransport::new(&bad, Box::new(OffsetDateTime::now_utc)).is_err());
        let mut bad = settings();
        bad.base_url = "gateway.example".to_owned();
        assert!(NotifySmsTransport::new(&bad, Box::new(OffsetDateTime::now_utc)).is_err());
        let shown = format!("{:?}", settings());
        assert!(
            !shown.contains("9f8e7d6c") && !shown.contains("cb-token"),
            "{shown}"
        );
    }

    #[test]
    fn statuses_sort_into_retry_or_give_up() {
        for (status, transient) in [
            (400, false),
            (403, false),
            (404, false),
            (429, true),
            (500, true),
            (503, true),
            (302, false),
        ] {
            let sorted = classify_status(status, String::new());
            assert_eq!(
                matches!(sorted, SendError::Transient(_)),
                transient,
                "{status}"
            );
        }
        assert_eq!(
            gateway_message(
                r#"{"errors":[{"error":"BadRequestError","message":"phone_number Not a UK mobile number"}],"status_code":400}"#
            ),
            ": BadRequestError phone_number Not a UK mobile number"
        );
        assert_eq!(gateway_message("<html>oops</html>"), "");
    }

    #[test]
    fn delivery_receipts_are_read_with_their_outcome() {
        let receipt = parse_delivery_receipt(
            br#"{"id":"740e5834-3a29-46b4-9a6f-16142fde533a","reference":"campaign-7-3@beacon.local",
                "to":"07700900123","status":"permanent-failure",
                "created_at":"2026-12-03T12:00:00.000000Z","completed_at":"2026-12-03T12:00:09.5Z",
                "sent_at":null,"notification_type":"sms"}"#,
        )
        .expect("a receipt");
        assert_eq!(
            receipt.reference.as_deref(),
            Some("campaign-7-3@beacon.local")
        );
        assert_eq!(receipt.status, ReceiptStatus::PermanentFailure);
        assert!(receipt.status.is_bounce());
        assert_eq!(receipt.created_at, datetime!(2026-12-03 12:00 UTC));
        assert_eq!(
            receipt.completed_at,
            Some(datetime!(2026-12-03 12:00:09.5 UTC))
        );
        assert_eq!(receipt.sent_at, None);
        for (status, expected) in [
            ("delivered", ReceiptStatus::Delivered),
            ("temporary-failure", ReceiptStatus::TemporaryFailure),
            ("technical-failure", ReceiptStatus::TechnicalFailure),
        ] {
            let body = format!(
                r#"{{"id":"x","reference":null,"to":"07700900123","status":"{status}",
                    "created_at":"2026-12-03T12:00:00Z","completed_at":"2026-12-03T12:01:00Z",
                    "sent_at":"2026-12-03T12:00:01Z","notification_type":"sms"}}"#
            );
            let receipt = parse_delivery_receipt(body.as_bytes()).expect("a receipt");
            assert_eq!(receipt.status, expected);
            assert!(!receipt.status.is_bounce());
        }
        assert!(parse_delivery_receipt(br#"{"id":"x","status":"lost"}"#).is_err());
    }

    fn received(message: &str) -> ReceivedText {
        parse_received_text(
            serde_json::json!({
                "id": "2d1f3b8e-0000-4000-8000-000000000001",
                "source_number": "447700900123",
                "destination_number": "07797000000",
                "message": message,
                "date_received": "2026-12-03T12:05:00.000000Z",
            })
            .to_string()
            .as_bytes(),
        )
        .expect("a received text")
    }

    #[test]
    fn stop_words_are_recognised_whatever_the_case_and_spacing() {
        for stop in [
            "STOP",
            "stop",
            " Stop ",
            "STOP ALL",
            "stop  all",
            "StopAll",
            "unsubscribe",
            "End",
            "cancel",
            "QUIT",
            "stop.",
            "STOP!",
        ] {
            assert!(received(stop).is_stop(), "{stop:?}");
        }
        for not_stop in [
            "please stop sending",
            "STOP IT",
            "thanks",
            "",
            "unstoppable",
            "don't stop",
        ] {
            assert!(!received(not_stop).is_stop(), "{not_stop:?}");
        }
        let text = received("STOP");
        assert_eq!(text.source_number, "447700900123");
        assert_eq!(text.date_received, datetime!(2026-12-03 12:05 UTC));
    }

    #[test]
    fn callbacks_must_carry_the_configured_bearer_token() {
        assert!(callback_authorised(Some("Bearer cb-token"), "cb-token"));
        assert!(!callback_authorised(Some("Bearer cb-tokeN"), "cb-token"));
        assert!(!callback_authorised(Some("cb-token"), "cb-token"));
        assert!(!callback_authorised(None, "cb-token"));
        assert!(!callback_authorised(Some("Bearer "), ""));
    }
}

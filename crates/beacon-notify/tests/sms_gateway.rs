//! Sends SMS through a test gateway on loopback that behaves like GOV.UK Notify: it checks
//! each request's JWT and JSON and answers as Notify does, or fails as Notify can.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beacon_core::Tlp;
use beacon_notify::{
    NotifySmsSettings, NotifySmsTransport, OutgoingMessage, SendError, SmsTemplate, Transport,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

const SERVICE_ID: &str = "3d5e8c4a-1f2b-4c6d-8e9f-0a1b2c3d4e5f";
const SECRET: &str = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
const TEMPLATE: &str = "f33517ff-2a88-4f6e-b855-c550268ce08a";
const NOW: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

/// What the gateway does with a request.
#[derive(Clone, Copy)]
enum Answer {
    /// Checks the request and answers 201 as Notify does.
    Accept,
    /// Answers this status with Notify's error body.
    Status(u16),
    /// Reads the request and says nothing for this long.
    Hang(Duration),
}

/// A request as the gateway saw it.
#[derive(Debug)]
struct Seen {
    request_line: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: serde_json::Value,
}

/// Starts a gateway on 127.0.0.1:0 answering one request per answer, in order; returns
/// its base URL and what it saw.
fn gateway(answers: Vec<Answer>) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (tell, seen) = mpsc::channel();
    std::thread::spawn(move || {
        for answer in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let request = read_request(&stream);
            let verdict = check(&request);
            let _ = tell.send(request);
            respond(stream, answer, verdict);
        }
    });
    (base, seen)
}

fn read_request(stream: &TcpStream) -> Seen {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    reader.read_line(&mut request_line).expect("request line");
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("name: value");
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .map_or(0, |length| length.parse().expect("a length"));
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    Seen {
        request_line: request_line.trim_end().to_owned(),
        authorization: headers.get("authorization").cloned(),
        content_type: headers.get("content-type").cloned(),
        body: serde_json::from_slice(&body).expect("a JSON body"),
    }
}

/// What Notify would say about the request's token and body: `Ok` or why it refuses it.
fn check(request: &Seen) -> Result<(), String> {
    if request.request_line != "POST /v2/notifications/sms HTTP/1.1" {
        return Err(format!("unexpected request {:?}", request.request_line));
    }
    let token = request
        .authorization
        .as_deref()
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or("no bearer token")?;
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a JWT".to_owned());
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{header}.{claims}").as_bytes());
    mac.verify_slice(
        &URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|e| e.to_string())?,
    )
    .map_err(|_| "Invalid token: signature".to_owned())?;
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    if header["alg"] != "HS256" {
        return Err("Invalid token: algorithm".to_owned());
    }
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    if claims["iss"] != SERVICE_ID {
        return Err("Invalid token: service id".to_owned());
    }
    if claims["iat"].as_i64() != Some(NOW.unix_timestamp()) {
        return Err(format!("Invalid token: iat {}", claims["iat"]));
    }
    if request.content_type.as_deref() != Some("application/json") {
        return Err("not JSON".to_owned());
    }
    let body = &request.body;
    for field in ["phone_number", "template_id", "reference"] {
        if !body[field].is_string() {
            return Err(format!("{field} is missing"));
        }
    }
    if !body["personalisation"].is_object() {
        return Err("personalisation is missing".to_owned());
    }
    Ok(())
}

fn respond(mut stream: TcpStream, answer: Answer, verdict: Result<(), String>) {
    let (status, body) = match (answer, verdict) {
        (Answer::Hang(how_long), _) => {
            std::thread::sleep(how_long);
            return;
        }
        (_, Err(why)) => (403, error_body(403, "AuthError", &why)),
        (Answer::Accept, Ok(())) => (
            201,
            serde_json::json!({
                "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
                "reference": "campaign-7-3@beacon.local",
                "content": {"body": "Never share a code a bank texts you.", "from_number": "BEACON"},
                "uri": "https://gateway.example/v2/notifications/740e5834-3a29-46b4-9a6f-16142fde533a",
                "template": {"id": TEMPLATE, "version": 1, "uri": "https://gateway.example/v2/template/x"},
            })
            .to_string(),
        ),
        (Answer::Status(status), Ok(())) => {
            let (error, message) = match status {
                400 => ("BadRequestError", "phone_number Not a UK mobile number"),
                403 => ("AuthError", "Invalid token: API key not found"),
                429 => ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
                _ => ("Exception", "Internal server error"),
            };
            (status, error_body(status, error, message))
        }
    };
    let reply = format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}

fn error_body(status: u16, error: &str, message: &str) -> String {
    serde_json::json!({"errors": [{"error": error, "message": message}], "status_code": status})
        .to_string()
}

fn transport(base: &str, timeout_secs: u64) -> NotifySmsTransport {
    let settings = NotifySmsSettings {
        base_url: base.to_owned(),
        api_key: format!("beacon-test-{SERVICE_ID}-{SECRET}"),
        default_template_id: None,
        callback_token: None,
        timeout_secs,
    };
    NotifySmsTransport::new(&settings, Box::new(|| NOW)).expect("a transport")
}

fn sms() -> OutgoingMessage {
    OutgoingMessage {
        to: "07700 900123".to_owned(),
        subject: String::new(),
        text: "Never share a code a bank texts you.".to_owned(),
        html: String::new(),
        message_id: "campaign-7-3@beacon.local".to_owned(),
        tlp: Tlp::Clear,
        marks: Vec::new(),
        unsubscribe: None,
        sms_template: Some(SmsTemplate {
            template_id: TEMPLATE.to_owned(),
            personalisation: BTreeMap::from([
                ("area".to_owned(), "Charnwood".to_owned()),
                ("link".to_owned(), "https://beacon.example/l/tok".to_owned()),
            ]),
        }),
        social: None,
    }
}

#[test]
fn an_sms_is_posted_with_a_signed_token_and_notify_accepts_it() {
    let (base, seen) = gateway(vec![Answer::Accept]);
    transport(&base, 5).send(&sms()).expect("accepted");
    let request = seen.recv().expect("the gateway saw the request");
    assert_eq!(check(&request), Ok(()));
    assert_eq!(
        request.body,
        serde_json::json!({
            "phone_number": "07700 900123",
            "template_id": TEMPLATE,
            "personalisation": {"area": "Charnwood", "link": "https://beacon.example/l/tok"},
            "reference": "campaign-7-3@beacon.local",
        })
    );
}

#[test]
fn a_token_signed_with_the_wrong_secret_is_refused_for_good() {
    let (base, _seen) = gateway(vec![Answer::Accept]);
    let settings = NotifySmsSettings {
        base_url: base,
        api_key: format!("beacon-test-{SERVICE_ID}-00000000-0000-4000-8000-000000000000"),
        default_template_id: None,
        callback_token: None,
        timeout_secs: 5,
    };
    let transport = NotifySmsTransport::new(&settings, Box::new(|| NOW)).expect("a transport");
    match transport.send(&sms()) {
        Err(SendError::Permanent(error)) => {
            assert!(
                error.contains("403") && error.contains("signature"),
                "{error}"
            );
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }
}

#[test]
fn client_errors_are_permanent_and_say_what_the_gateway_said() {
    for status in [400, 403] {
        let (base, _seen) = gateway(vec![Answer::Status(status)]);
        match transport(&base, 5).send(&sms()) {
            Err(SendError::Permanent(error)) => {
                assert!(error.contains(&status.to_string()), "{error}");
                assert!(error.contains("Error "), "the gateway's words: {error}");
            }
            other => panic!("{status}: expected a permanent failure, got {other:?}"),
        }
    }
}

#[test]
fn rate_limits_and_server_errors_are_transient() {
    for status in [429, 500, 503] {
        let (base, _seen) = gateway(vec![Answer::Status(status)]);
        match transport(&base, 5).send(&sms()) {
            Err(SendError::Transient(error)) => {
                assert!(error.contains(&status.to_string()), "{error}");
            }
            other => panic!("{status}: expected a transient failure, got {other:?}"),
        }
    }
}

#[test]
fn a_gateway_that_does_not_answer_in_time_is_transient() {
    let (base, _seen) = gateway(vec![Answer::Hang(Duration::from_secs(4))]);
    let started = std::time::Instant::now();
    let outcome = transport(&base, 1).send(&sms());
    assert!(
        matches!(outcome, Err(SendError::Transient(_))),
        "{outcome:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout held"
    );
}

#[test]
fn a_gateway_that_is_down_is_transient() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let outcome = transport(&base, 2).send(&sms());
    assert!(
        matches!(outcome, Err(SendError::Transient(_))),
        "{outcome:?}"
    );
}

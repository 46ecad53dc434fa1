//! Simulated phishing emails that staff reported: the messages that reached the
//! partnership's report-phishing mailbox, read as email (RFC 5322, MIME, with the
//! reported message inline or attached), and the simulation tokens found in them.
//!
//! A report is recognised by the learner's own link in the forwarded message, so a
//! report counts for the person it was sent to, whoever forwarded it.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// The path every simulated link has, before its token.
pub const SIMULATION_PATH: &str = "/learn/s/";

/// Every simulation token in one reported email (its own text and every message attached
/// to it), each once, in the order found.
pub fn tokens_in_report(raw: &[u8]) -> Vec<String> {
    let mut tokens = Vec::new();
    let Some(message) = MessageParser::default().parse(raw) else {
        collect_tokens(&String::from_utf8_lossy(raw), &mut tokens);
        return tokens;
    };
    collect_message(&message, &mut tokens, 0);
    tokens
}

fn collect_message(message: &mail_parser::Message<'_>, tokens: &mut Vec<String>, depth: u8) {
    for part in &message.parts {
        match &part.body {
            PartType::Text(text) | PartType::Html(text) => collect_tokens(text, tokens),
            PartType::Message(inner) if depth < 4 => collect_message(inner, tokens, depth + 1),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes)
                if part
                    .content_type()
                    .is_some_and(|kind| kind.c_type.eq_ignore_ascii_case("message")) =>
            {
                if let Some(inner) = MessageParser::default().parse(bytes.as_ref())
                    && depth < 4
                {
                    collect_message(&inner, tokens, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Finds `/learn/s/<64 hex digits>` in text.
fn collect_tokens(text: &str, tokens: &mut Vec<String>) {
    let mut rest = text;
    while let Some(at) = rest.find(SIMULATION_PATH) {
        let after = &rest[at + SIMULATION_PATH.len()..];
        let token: String = after
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_ascii_lowercase();
        if token.len() == 64 && !tokens.contains(&token) {
            tokens.push(token);
        }
        rest = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn finds_the_token_in_a_forwarded_message_inline_and_attached() {
        let inline = format!(
            "From: a@council.example\r\nTo: report@beacon.example\r\nSubject: Fwd: parcel\r\n\r\n\
             Looks fake.\r\n> Rebook at https://beacon.example{SIMULATION_PATH}{TOKEN} today\r\n"
        );
        assert_eq!(tokens_in_report(inline.as_bytes()), vec![TOKEN.to_owned()]);

        let attached = format!(
            "From: a@council.example\r\nTo: report@beacon.example\r\nSubject: Suspicious\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
             --b\r\nContent-Type: message/rfc822\r\n\r\n\
             From: parcels@desk.example\r\nSubject: Your parcel\r\n\
             Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
             Rebook at https://beacon.example{SIMULATION_PATH}{}=\r\n{} today\r\n--b--\r\n",
            &TOKEN[..40],
            &TOKEN[40..]
        );
        assert_eq!(
            tokens_in_report(attached.as_bytes()),
            vec![TOKEN.to_owned()]
        );
    }

    #[test]
    fn a_message_without_a_link_has_no_token() {
        assert!(tokens_in_report(b"Subject: hi\r\n\r\nnothing here /learn/s/123\r\n").is_empty());
    }
}

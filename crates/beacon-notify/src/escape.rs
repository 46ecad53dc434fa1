//! Making attacker-controlled feed text safe for HTML, plain text and mail headers.
//!
//! **Invariant:** every piece of feed data in a digest passes through one of these
//! functions. Observables are also "defanged" (`hxxp://bad[.]example`) so a phishing link
//! in a digest can never be clicked by mistake or turned into a link by a mail client.

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for character in one_line(text).chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Replaces control characters (CR, LF, tab, NUL, bidirectional overrides…) with spaces,
/// so feed text cannot start a new line in the text part or a header, or reorder what
/// the reader sees.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|character| if is_unsafe(character) { ' ' } else { character })
        .collect()
}

/// Text safe for a mail header such as Subject: one line, no control characters.
pub(crate) fn header(text: &str) -> String {
    one_line(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_unsafe(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
        || ('\u{202a}'..='\u{202e}').contains(&character)
        || ('\u{2066}'..='\u{2069}').contains(&character)
}

/// Makes a domain or URL unclickable (`hxxps://bad[.]example/x`); IP addresses and
/// networks are left as they are, since mail clients do not turn them into links and
/// people copy them into firewalls.
pub fn defang(observable: &str) -> String {
    let observable = one_line(observable.trim());
    let address = observable.split('/').next().unwrap_or_default();
    if address.parse::<std::net::IpAddr>().is_ok() {
        return observable;
    }
    let (scheme, rest) = match observable.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, observable.as_str()),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let mut out = String::with_capacity(observable.len() + 8);
    if let Some(scheme) = scheme {
        let lower = scheme.to_ascii_lowercase();
        match lower.strip_prefix("http") {
            Some(suffix) => {
                out.push_str("hxxp");
                out.push_str(suffix);
            }
            None => out.push_str(scheme),
        }
        out.push_str("[://]");
    }
    out.push_str(&host.replace('.', "[.]"));
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#""><img src=x onerror='a()'>&"#),
            "&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;"
        );
        assert_eq!(html("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn headers_lose_line_breaks_and_controls() {
        assert_eq!(
            header("a\r\nBcc: victim@example\u{0}x"),
            "a Bcc: victim@example x"
        );
        assert_eq!(header("evil\u{202e}txt"), "evil txt");
    }

    #[test]
    fn defangs_domains_and_urls_but_not_ip_addresses() {
        assert_eq!(
            defang("http://bad.example/x.php?a=1"),
            "hxxp[://]bad[.]example/x.php?a=1"
        );
        assert_eq!(defang("HTTPS://bad.example"), "hxxps[://]bad[.]example");
        assert_eq!(defang("bad.example"), "bad[.]example");
        assert_eq!(defang("192.0.2.0/24"), "192.0.2.0/24");
        assert_eq!(defang("2001:db8::1"), "2001:db8::1");
        assert_eq!(defang("cafe.be"), "cafe[.]be");
    }
}

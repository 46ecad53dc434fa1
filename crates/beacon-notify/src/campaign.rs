//! Protect campaign messages: one advice item, written for one recipient with their own
//! links, on each channel a campaign can use.
//!
//! * Email: the item's title as the subject, its long form (already rendered from
//!   Markdown to safe HTML and to plain text by the caller), where to report, a
//!   one-question survey link, an unsubscribe link and an open-tracking image. The
//!   recipient's name is never used: Beacon does not hold it.
//! * SMS: the short form, the tracked link and "Reply STOP", within what a text carries.
//! * Social post: the short form and the public advice page (no personal link: a post is
//!   read by everyone).
//!
//! Every piece of item text is escaped here; only the long form's HTML, which the
//! Markdown renderer made safe, is put in as it is.

use crate::escape::{header, html as esc};
use std::fmt::Write;

/// Where an item says to report, as a campaign message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// What to report there ("Report fraud to Action Fraud").
    pub label: String,
    /// The phone number, if any ("0300 123 2040").
    pub number: Option<String>,
    /// The web address, if any.
    pub url: Option<String>,
}

/// The advice a campaign sends, as the message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignAdvice {
    /// The item's title, used as the email subject.
    pub title: String,
    /// One or two sentences under the title.
    pub summary: String,
    /// The long form as safe HTML (from the Markdown renderer).
    pub body_html: String,
    /// The long form as plain text.
    pub body_text: String,
    /// The short form (SMS, post, social), at most 160 characters.
    pub short_form: String,
    /// Where to report.
    pub report_to: Vec<ReportLine>,
}

/// One recipient's own links, absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientLinks {
    /// The tracked link to the advice page.
    pub click: String,
    /// The one-question survey.
    pub survey: String,
    /// The unsubscribe page (also the RFC 8058 one-click address).
    pub unsubscribe: String,
    /// The open-tracking image.
    pub open: String,
}

/// An email ready for the outbox's email transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignEmail {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (a whole document).
    pub html: String,
}

/// The line under every campaign email, saying who sent it and why.
pub const EMAIL_FOOTER: &str = "You are getting this because you are on the contact list of \
the Leicester, Leicestershire and Rutland cyber crime and fraud partnership.";

/// Composes the email for one recipient.
pub fn compose_email(advice: &CampaignAdvice, links: &RecipientLinks) -> CampaignEmail {
    let subject = header(&advice.title);
    let mut text = String::new();
    let _ = writeln!(text, "{}\n", advice.title.trim());
    if !advice.summary.trim().is_empty() {
        let _ = writeln!(text, "{}\n", advice.summary.trim());
    }
    let _ = writeln!(text, "{}\n", advice.body_text.trim());
    if !advice.report_to.is_empty() {
        text.push_str("Where to report\n");
        for line in &advice.report_to {
            let _ = writeln!(text, "- {}", report_text(line));
        }
        text.push('\n');
    }
    let _ = writeln!(text, "Read this advice online: {}\n", links.click);
    let _ = writeln!(
        text,
        "Have you done what this advice suggests? Tell us in one click: {}\n",
        links.survey
    );
    let _ = writeln!(text, "{EMAIL_FOOTER}");
    let _ = writeln!(text, "Stop getting these messages: {}", links.unsubscribe);

    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n</head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; \
         color: #0b0c0c; max-width: 640px;\">\n<h1 style=\"font-size: 24px;\">{title}</h1>\n",
        title = esc(&subject)
    );
    if !advice.summary.trim().is_empty() {
        let _ = writeln!(
            html,
            "<p><strong>{}</strong></p>",
            esc(advice.summary.trim())
        );
    }
    html.push_str(advice.body_html.trim());
    html.push('\n');
    if !advice.report_to.is_empty() {
        html.push_str("<h2 style=\"font-size: 19px;\">Where to report</h2>\n<ul>\n");
        for line in &advice.report_to {
            let _ = writeln!(html, "<li>{}</li>", report_html(line));
        }
        html.push_str("</ul>\n");
    }
    let _ = writeln!(
        html,
        "<p><a href=\"{}\">Read this advice online</a></p>",
        esc(&links.click)
    );
    let _ = writeln!(
        html,
        "<p>Have you done what this advice suggests? \
         <a href=\"{}\">Tell us in one click</a>.</p>",
        esc(&links.survey)
    );
    let _ = writeln!(
        html,
        "<p style=\"font-size: 14px; color: #505a5f;\">{} \
         <a href=\"{}\">Stop getting these messages</a>.</p>",
        esc(EMAIL_FOOTER),
        esc(&links.unsubscribe)
    );
    let _ = writeln!(
        html,
        "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\">",
        esc(&links.open)
    );
    html.push_str("</body>\n</html>\n");
    CampaignEmail {
        subject,
        text,
        html,
    }
}

/// The opt-out line every campaign text ends with.
pub const SMS_STOP: &str = "Reply STOP to opt out";

/// Composes the text message for one recipient: the short form, the tracked link and how
/// to opt out.
pub fn compose_sms(advice: &CampaignAdvice, links: &RecipientLinks) -> String {
    format!(
        "{} More: {} {SMS_STOP}",
        one_line(&advice.short_form),
        links.click
    )
}

/// Composes a social media post: the short form and the public advice page.
pub fn compose_social(advice: &CampaignAdvice, public_url: &str) -> String {
    format!("{} {public_url}", one_line(&advice.short_form))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn report_text(line: &ReportLine) -> String {
    let mut text = line.label.trim().to_owned();
    if let Some(number) = &line.number {
        let _ = write!(text, ": call {number}");
    }
    if let Some(url) = &line.url {
        let _ = write!(text, " ({url})");
    }
    text
}

fn report_html(line: &ReportLine) -> String {
    let mut html = esc(line.label.trim());
    if let Some(number) = &line.number {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let _ = write!(
            html,
            ": call <a href=\"tel:{}\">{}</a>",
            esc(&digits),
            esc(number)
        );
    }
    if let Some(url) = &line.url
        && (url.starts_with("https://") || url.starts_with("http://"))
    {
        let _ = write!(html, " (<a href=\"{}\">{}</a>)", esc(url), esc(url));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice() -> CampaignAdvice {
        CampaignAdvice {
            title: "Your bank will never send a courier".to_owned(),
            summary: "Fraudsters <pretend> to be the police.".to_owned(),
            body_html: "<p>Hang up and call <strong>159</strong>.</p>".to_owned(),
            body_text: "Hang up and call 159.".to_owned(),
            short_form: "Police and banks never send a courier\nfor your card. Hang up, call 159."
                .to_owned(),
            report_to: vec![ReportLine {
                label: "Report fraud to Action Fraud".to_owned(),
                number: Some("0300 123 2040".to_owned()),
                url: Some("https://www.actionfraud.police.uk".to_owned()),
            }],
        }
    }

    fn links() -> RecipientLinks {
        RecipientLinks {
            click: "https://beacon.example/p/tok".to_owned(),
            survey: "https://beacon.example/p/tok/survey".to_owned(),
            unsubscribe: "https://beacon.example/p/tok/unsubscribe".to_owned(),
            open: "https://beacon.example/p/tok/o.gif".to_owned(),
        }
    }

    #[test]
    fn an_email_carries_the_advice_the_links_and_where_to_report() {
        let email = compose_email(&advice(), &links());
        assert_eq!(email.subject, "Your bank will never send a courier");
        for part in [&email.text, &email.html] {
            assert!(part.contains("https://beacon.example/p/tok/survey"));
            assert!(part.contains("https://beacon.example/p/tok/unsubscribe"));
            assert!(part.contains("0300 123 2040"));
        }
        assert!(email.text.contains("Hang up and call 159."));
        assert!(email.html.contains("<strong>159</strong>"));
        assert!(email.html.contains("&lt;pretend&gt;"));
        assert!(!email.html.contains("<pretend>"));
        assert!(email.html.contains("href=\"tel:03001232040\""));
        assert!(email.html.contains("/p/tok/o.gif"));
        assert!(!email.text.contains("o.gif"), "no tracking image in text");
    }

    #[test]
    fn a_text_is_the_short_form_with_the_link_and_stop() {
        let text = compose_sms(&advice(), &links());
        assert_eq!(
            text,
            "Police and banks never send a courier for your card. Hang up, call 159. \
             More: https://beacon.example/p/tok Reply STOP to opt out"
        );
    }

    #[test]
    fn a_post_links_the_public_page_not_a_personal_link() {
        let post = compose_social(&advice(), "https://beacon.example/advice/courier");
        assert!(post.ends_with("https://beacon.example/advice/courier"));
        assert!(!post.contains("/p/"));
    }
}

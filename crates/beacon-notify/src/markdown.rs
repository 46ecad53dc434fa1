//! Markdown (the advice library's long forms) into safe HTML for pages and email, and into
//! plain text for email text parts and anywhere HTML cannot go.
//!
//! # Invariants
//!
//! * Raw HTML in the source is never passed through: it is shown as the text it is, so a
//!   `<script>` in an item renders as the characters `<script>`.
//! * A link keeps its target only when that is `http:`, `https:`, `mailto:` or `tel:`, or a
//!   path on this site (`/advice/…`, `#part`); any other (`javascript:`, `data:`, …) is
//!   dropped and its text kept. Images become their description: advice pages load nothing
//!   from elsewhere.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// The Markdown features advice may use beyond the basics.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a link target may be kept.
pub fn is_allowed_link(target: &str) -> bool {
    let lower = target.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

/// The parser's events made safe: raw HTML as text, unsafe links and every image reduced to
/// their text.
fn safe_events(markdown: &str) -> Vec<Event<'_>> {
    let mut events = Vec::new();
    // For each open link, whether it was kept (so its end is kept or dropped to match).
    let mut links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kept = is_allowed_link(&dest_url);
                links.push(kept);
                if kept {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            other => events.push(other),
        }
    }
    events
}

/// Markdown as safe HTML (see the module's invariants), with plain tags: for email bodies
/// and anything that styles HTML itself.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, safe_events(markdown).into_iter());
    out
}

/// Markdown as safe HTML with the GOV.UK Design System's classes on headings, paragraphs,
/// lists, links and tables, for Beacon's pages. Headings start at level 2: the page's
/// title is its only level 1.
pub fn to_govuk_html(markdown: &str) -> String {
    let events = safe_events(markdown).into_iter().map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demoted(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demoted(level))),
        other => other,
    });
    let mut plain = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut plain, events);
    // Every `<` in text has been escaped, so these tags can only be the writer's own.
    [
        ("<h2>", "<h2 class=\"govuk-heading-l\">"),
        ("<h3>", "<h3 class=\"govuk-heading-m\">"),
        ("<h4>", "<h4 class=\"govuk-heading-s\">"),
        ("<h5>", "<h5 class=\"govuk-heading-s\">"),
        ("<h6>", "<h6 class=\"govuk-heading-s\">"),
        ("<p>", "<p class=\"govuk-body\">"),
        ("<ul>", "<ul class=\"govuk-list govuk-list--bullet\">"),
        ("<ol>", "<ol class=\"govuk-list govuk-list--number\">"),
        ("<a href=", "<a class=\"govuk-link\" href="),
        ("<table>", "<table class=\"govuk-table\">"),
        ("<blockquote>", "<blockquote class=\"govuk-inset-text\">"),
    ]
    .iter()
    .fold(plain, |html, (tag, styled)| html.replace(tag, styled))
}

fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Markdown as plain text: headings and paragraphs separated by blank lines, list items
/// with `-` or their number, a kept link's address after its text in brackets, raw HTML
/// as the text it is.
pub fn to_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    // Each open list: the next number, or None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Each open kept link: its address, and where its text began.
    let mut links: Vec<(CowStr<'_>, usize)> = Vec::new();
    let block_break = |text: &mut String| {
        let trimmed = text.trim_end_matches([' ', '\n']).len();
        text.truncate(trimmed);
        if !text.is_empty() {
            text.push_str("\n\n");
        }
    };
    for event in safe_events(markdown) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_))
                if !text.ends_with("- ") && !text.ends_with(". ") =>
            {
                block_break(&mut text);
            }
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::Table(_)) => block_break(&mut text),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                text.push('\n')
            }
            Event::Start(Tag::List(first)) => {
                if lists.is_empty() {
                    block_break(&mut text);
                } else if !text.ends_with('\n') {
                    text.push('\n');
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                let depth = lists.len().saturating_sub(1);
                text.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(number)) => {
                        text.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => text.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) if !text.ends_with('\n') => text.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => links.push((dest_url, text.len())),
            Event::End(TagEnd::Link) => {
                if let Some((target, start)) = links.pop() {
                    let shown = text[start..].to_string();
                    let bare = target
                        .trim_start_matches("mailto:")
                        .trim_start_matches("tel:");
                    if shown.trim() != bare && shown.trim() != &*target {
                        text.push_str(&format!(" ({bare})"));
                    }
                }
            }
            Event::End(TagEnd::TableCell) => text.push_str("  "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => text.push('\n'),
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::Rule => {
                block_break(&mut text);
                text.push_str("----\n");
            }
            _ => {}
        }
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_in_the_source_is_shown_never_run() {
        let source = "Hello <script>alert('x')</script> there.\n\n<script>steal()</script>\n\n<img src=x onerror=alert(1)>\n";
        let html = to_html(source);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let govuk = to_govuk_html(source);
        assert!(!govuk.contains("<script"), "{govuk}");
        let text = to_text(source);
        assert!(text.contains("<script>alert('x')</script>"), "{text}");
    }

    #[test]
    fn only_safe_link_targets_are_kept() {
        let html = to_html(
            "[a](https://www.actionfraud.police.uk) [b](javascript:alert(1)) [c](mailto:report@phishing.gov.uk) [d](tel:159) [e](data:text/html,x) [f](/advice/backups) [g](//evil.example)",
        );
        assert!(html.contains("<a href=\"https://www.actionfraud.police.uk\">a</a>"));
        assert!(html.contains("<a href=\"mailto:report@phishing.gov.uk\">c</a>"));
        assert!(html.contains("<a href=\"tel:159\">d</a>"));
        assert!(html.contains("<a href=\"/advice/backups\">f</a>"));
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(!html.contains("evil"), "{html}");
        // The dropped links keep their words.
        assert!(html.contains(" b ") && html.contains(" e ") && html.contains(" g"));
    }

    #[test]
    fn images_become_their_description() {
        let html = to_html("![A courier at the door](https://example.org/tracker.png)");
        assert!(!html.contains("<img"));
        assert!(!html.contains("tracker"));
        assert!(html.contains("A courier at the door"));
    }

    #[test]
    fn govuk_html_carries_the_design_system_classes() {
        let html = to_govuk_html(
            "# What to do\n\nHang up.\n\n- Call [159](tel:159)\n- Tell someone\n\n1. One\n",
        );
        assert!(
            html.contains("<h2 class=\"govuk-heading-l\">What to do</h2>"),
            "{html}"
        );
        assert!(html.contains("<p class=\"govuk-body\">Hang up.</p>"));
        assert!(html.contains("<ul class=\"govuk-list govuk-list--bullet\">"));
        assert!(html.contains("<ol class=\"govuk-list govuk-list--number\">"));
        assert!(html.contains("<a class=\"govuk-link\" href=\"tel:159\">159</a>"));
    }

    #[test]
    fn plain_text_keeps_the_shape_and_the_addresses() {
        let text = to_text(
            "# Courier fraud\n\nThe police **never** collect cards.\nHang up.\n\n- Call [159](tel:159)\n- Report to [Action Fraud](https://www.actionfraud.police.uk)\n\n1. Stop\n2. Check\n",
        );
        assert_eq!(
            text,
            "Courier fraud\n\nThe police never collect cards. Hang up.\n\n- Call 159\n- Report to Action Fraud (https://www.actionfraud.police.uk)\n\n1. Stop\n2. Check\n"
        );
    }
}

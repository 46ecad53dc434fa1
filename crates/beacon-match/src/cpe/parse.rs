//! Reading the two CPE bindings into a well-formed name. What is valid is what the
//! CSAF CPE pattern accepts: in a 2.3 formatted string every value is `*`, `-` or
//! literal characters (letters, digits, `-`, `.`, `_`, or a backslash-quoted
//! punctuation character) with at most a run of `?` or a single `*` at either end; the
//! language is a language tag; a 2.2 URI has at most six components of URI-safe
//! characters.

use super::{Attribute, Cpe, Piece, plain};

/// Punctuation a backslash may quote in a formatted string.
fn quotable(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '-' | '.' | '_')
}

/// Splits on the colons that are not quoted.
fn split_components(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ':' {
            parts.push(&text[start..index]);
            start = index + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

fn wildcards(chars: &[char], index: &mut usize, out: &mut Vec<Piece>) {
    if chars.get(*index) == Some(&'*') {
        out.push(Piece::AnyRun);
        *index += 1;
    } else {
        while chars.get(*index) == Some(&'?') {
            out.push(Piece::AnyOne);
            *index += 1;
        }
    }
}

fn formatted_value(text: &str, name: &str) -> Result<Attribute, String> {
    match text {
        "*" => return Ok(Attribute::Any),
        "-" => return Ok(Attribute::Na),
        "" => return Err(format!("the {name} is empty (use * for any)")),
        _ => {}
    }
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::with_capacity(chars.len());
    let mut index = 0;
    wildcards(&chars, &mut index, &mut pieces);
    let body_start = pieces.len();
    while let Some(&c) = chars.get(index) {
        if plain(c) {
            pieces.push(Piece::Literal(c.to_ascii_lowercase()));
            index += 1;
        } else if c == '\\' && chars.get(index + 1).is_some_and(|q| quotable(*q)) {
            pieces.push(Piece::Literal(chars[index + 1]));
            index += 2;
        } else {
            break;
        }
    }
    if pieces.len() == body_start {
        return Err(format!(
            "the {name} '{text}' has no characters besides wildcards"
        ));
    }
    wildcards(&chars, &mut index, &mut pieces);
    if index != chars.len() {
        return Err(format!(
            "the {name} '{text}' has '{}' where only letters, digits, '-', '.', '_', quoted punctuation or wildcards at either end may be",
            chars[index]
        ));
    }
    Ok(Attribute::Value(pieces))
}

fn language(text: &str) -> Result<Attribute, String> {
    match text {
        "*" => return Ok(Attribute::Any),
        "-" => return Ok(Attribute::Na),
        _ => {}
    }
    let (primary, region) = match text.split_once('-') {
        Some((primary, region)) => (primary, Some(region)),
        None => (text, None),
    };
    let letters = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let valid = (2..=3).contains(&primary.len())
        && letters(primary)
        && region.is_none_or(|r| {
            (r.len() == 2 && letters(r)) || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        });
    if !valid {
        return Err(format!("the language '{text}' is not a language tag"));
    }
    Ok(Attribute::Value(
        text.chars()
            .map(|c| Piece::Literal(c.to_ascii_lowercase()))
            .collect(),
    ))
}

fn formatted(rest: &str) -> Result<Cpe, String> {
    let parts = split_components(rest);
    if parts.len() != 11 {
        return Err(format!(
            "a CPE 2.3 name has 11 attributes after 'cpe:2.3:', this has {}",
            parts.len()
        ));
    }
    if !matches!(parts[0], "a" | "o" | "h" | "*" | "-") {
        return Err(format!("the part '{}' is not a, o, h, * or -", parts[0]));
    }
    let mut attributes: [Attribute; 11] = std::array::from_fn(|_| Attribute::Any);
    for (index, text) in parts.iter().enumerate() {
        attributes[index] = if index == 6 {
            language(text)?
        } else {
            formatted_value(text, super::ATTRIBUTE_NAMES[index])?
        };
    }
    Ok(Cpe { attributes })
}

fn uri_value(text: &str) -> Result<Attribute, String> {
    match text {
        "" => return Ok(Attribute::Any),
        "-" => return Ok(Attribute::Na),
        _ => {}
    }
    let bytes = text.as_bytes();
    let mut pieces = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let b = bytes[index];
        if b == b'%' {
            let hex = text
                .get(index + 1..index + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("'{text}' has a '%' not followed by two hex digits"))?;
            pieces.push(match hex {
                0x01 => Piece::AnyOne,
                0x02 => Piece::AnyRun,
                c if c.is_ascii_graphic() => Piece::Literal(char::from(c).to_ascii_lowercase()),
                _ => return Err(format!("'{text}' encodes a character CPE does not allow")),
            });
            index += 3;
        } else {
            pieces.push(Piece::Literal(char::from(b).to_ascii_lowercase()));
            index += 1;
        }
    }
    Ok(Attribute::Value(pieces))
}

fn uri(rest: &str) -> Result<Cpe, String> {
    let (part, rest) = match rest.chars().next() {
        Some(c) if "AHOaho".contains(c) => (c.to_ascii_lowercase(), &rest[1..]),
        _ => ('*', rest),
    };
    let mut attributes: [Attribute; 11] = std::array::from_fn(|_| Attribute::Any);
    if part != '*' {
        attributes[0] = Attribute::Value(vec![Piece::Literal(part)]);
    }
    if rest.is_empty() {
        return Ok(Cpe { attributes });
    }
    let Some(rest) = rest.strip_prefix(':') else {
        return Err("a CPE 2.2 URI's part is one letter, a, h or o".into());
    };
    let components: Vec<&str> = rest.split(':').collect();
    if components.len() > 6 {
        return Err(format!(
            "a CPE 2.2 URI has at most 6 components after the part, this has {}",
            components.len()
        ));
    }
    for component in &components {
        if let Some(c) = component
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-~%".contains(*c)))
        {
            return Err(format!("'{c}' may not appear in a CPE 2.2 URI"));
        }
    }
    for (index, component) in components.iter().enumerate() {
        if index == 4 && component.starts_with('~') {
            // A packed edition: ~edition~sw_edition~target_sw~target_hw~other.
            let packed: Vec<&str> = component.split('~').collect();
            if packed.len() == 6 {
                for (offset, value) in packed[1..].iter().enumerate() {
                    let slot = if offset == 0 { 5 } else { 6 + offset };
                    attributes[slot] = uri_value(value)?;
                }
                continue;
            }
        }
        attributes[index + 1] = uri_value(component)?;
    }
    Ok(Cpe { attributes })
}

/// Parses either binding, saying what is wrong when neither fits.
pub(super) fn parse(text: &str) -> Result<Cpe, String> {
    if let Some(rest) = text.strip_prefix("cpe:2.3:") {
        return formatted(rest);
    }
    let bytes = text.as_bytes();
    if bytes.len() >= 5
        && bytes[0] == b'c'
        && bytes[1].eq_ignore_ascii_case(&b'p')
        && bytes[2].eq_ignore_ascii_case(&b'e')
        && &bytes[3..5] == b":/"
    {
        return uri(&text[5..]);
    }
    Err("it starts with neither 'cpe:2.3:' nor 'cpe:/'".into())
}

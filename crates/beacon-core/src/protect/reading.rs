//! How hard a piece of advice is to read: the Flesch reading ease score and the
//! Flesch–Kincaid grade level, from counts of sentences, words and syllables.
//!
//! Written here rather than taken from a crate: no well-kept Rust crate does this (the few
//! that exist are unmaintained or pull in dictionaries), and the formulas are short. The
//! syllable counter is the usual rule of thumb (groups of vowels, less a silent final `e`,
//! `-es` or `-ed`), which is right for the plain words advice should use and close enough
//! for the rest: the scores are a check that text is plain, not a measurement to quote.
//!
//! Tokens with no letters (numbers such as `0300 123 2040`) and addresses (`@`, `://`, or a
//! dot inside the word, as in `actionfraud.police.uk`) are not counted as words: readers
//! copy them rather than read them.

/// The Flesch–Kincaid grade public advice must not go above (GOV.UK aims for a reading age
/// of about 9; grade 9 is the usual ceiling for plain English).
pub const PUBLIC_GRADE_TARGET: f64 = 9.0;

/// The grade advice for partner staff only must not go above: they read work documents,
/// but advice should still be plain.
pub const STAFF_GRADE_TARGET: f64 = 12.0;

/// The counts behind a reading-level score and the two scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadingLevel {
    /// Sentences counted.
    pub sentences: usize,
    /// Words counted.
    pub words: usize,
    /// Syllables counted over those words.
    pub syllables: usize,
    /// Flesch reading ease: higher is easier; 60 to 70 is plain English.
    pub reading_ease: f64,
    /// Flesch–Kincaid grade level: the US school grade that can read the text.
    pub grade: f64,
}

impl ReadingLevel {
    /// Scores plain text. Text with no words scores as the easiest text (ease 206.835,
    /// grade 0), since there is nothing hard in it.
    pub fn of_text(text: &str) -> ReadingLevel {
        let mut sentences = 0usize;
        let mut words = 0usize;
        let mut syllables = 0usize;
        for line in text.lines() {
            let mut words_in_sentence = 0usize;
            for token in line.split_whitespace() {
                let ends_sentence = ends_sentence(token);
                if let Some(word) = word_of(token) {
                    words += 1;
                    words_in_sentence += 1;
                    syllables += count_syllables(&word);
                }
                if ends_sentence && words_in_sentence > 0 {
                    sentences += 1;
                    words_in_sentence = 0;
                }
            }
            // A line that stops without a full stop (a heading, a list item) is a sentence.
            if words_in_sentence > 0 {
                sentences += 1;
            }
        }
        ReadingLevel::from_counts(sentences, words, syllables)
    }

    /// Scores Markdown: its markup (headings, list markers, emphasis, link targets, code
    /// fences) is dropped first, so only what a reader reads is counted.
    pub fn of_markdown(markdown: &str) -> ReadingLevel {
        ReadingLevel::of_text(&markdown_prose(markdown))
    }

    /// The scores from counts (the two Flesch formulas).
    pub fn from_counts(sentences: usize, words: usize, syllables: usize) -> ReadingLevel {
        if words == 0 || sentences == 0 {
            return ReadingLevel {
                sentences,
                words,
                syllables,
                reading_ease: 206.835,
                grade: 0.0,
            };
        }
        let words_per_sentence = words as f64 / sentences as f64;
        let syllables_per_word = syllables as f64 / words as f64;
        ReadingLevel {
            sentences,
            words,
            syllables,
            reading_ease: 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word,
            grade: 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59,
        }
    }
}

/// Whether a token ends its sentence (`.`, `!` or `?` at its end, before any closing
/// quotes or brackets).
fn ends_sentence(token: &str) -> bool {
    let trimmed = token.trim_end_matches(['"', '\'', ')', ']', '’', '”']);
    trimmed.ends_with(['.', '!', '?'])
}

/// The word in a token, lower case and letters only; `None` for numbers and addresses.
fn word_of(token: &str) -> Option<String> {
    let core = token.trim_matches(|c: char| !c.is_alphanumeric());
    if core.contains('@') || core.contains("://") || core.contains('.') {
        return None;
    }
    let word: String = core
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    (!word.is_empty()).then_some(word)
}

/// Syllables in one word (lower case letters), by the vowel-group rule of thumb; at least 1.
pub fn count_syllables(word: &str) -> usize {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() {
        return 0;
    }
    let is_vowel = |index: usize| -> bool {
        match letters[index] {
            'a' | 'e' | 'i' | 'o' | 'u' => true,
            // A y that opens the word is a consonant (yes, you); elsewhere a vowel (my, money).
            'y' => index > 0,
            _ => false,
        }
    };
    let mut groups = 0usize;
    let mut in_group = false;
    for index in 0..letters.len() {
        let vowel = is_vowel(index);
        if vowel && !in_group {
            groups += 1;
        }
        in_group = vowel;
    }
    let length = letters.len();
    let consonant_at = |index: usize| !is_vowel(index);
    if groups > 1 {
        let ends = |suffix: &str| word_ends(&letters, suffix);
        if ends("e") && !ends("ee") && length >= 2 && consonant_at(length - 2) {
            // A silent final e (give, before), but not in a consonant + le ending (table).
            let consonant_le = ends("le") && length >= 3 && consonant_at(length - 3);
            if !consonant_le {
                groups -= 1;
            }
        } else if ends("es") && length >= 3 && consonant_at(length - 3) {
            // -es after a consonant is silent (makes) unless the consonant hisses (uses,
            // messages, watches).
            let hissing = matches!(letters[length - 3], 's' | 'x' | 'z' | 'c' | 'g')
                || ends("ches")
                || ends("shes");
            if !hissing {
                groups -= 1;
            }
        } else if ends("ed") && length >= 3 && consonant_at(length - 3) {
            // -ed after a consonant is silent (asked) except after t or d (wanted).
            if !matches!(letters[length - 3], 't' | 'd') {
                groups -= 1;
            }
        }
    }
    groups.max(1)
}

fn word_ends(letters: &[char], suffix: &str) -> bool {
    let suffix: Vec<char> = suffix.chars().collect();
    letters.len() >= suffix.len() && letters[letters.len() - suffix.len()..] == suffix[..]
}

/// The prose of Markdown: code fences dropped, line markers (headings, quotes, list
/// bullets and numbers, table pipes) and emphasis removed, links reduced to their text.
pub fn markdown_prose(markdown: &str) -> String {
    let mut prose = String::with_capacity(markdown.len());
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut rest = trimmed.trim_start_matches(['#', '>']).trim_start();
        if let Some(after) = rest
            .strip_prefix("- ")
            .or_else(|| rest.strip_prefix("* "))
            .or_else(|| rest.strip_prefix("+ "))
        {
            rest = after;
        } else if let Some(position) = rest.find(". ")
            && position > 0
            && rest[..position].chars().all(|c| c.is_ascii_digit())
        {
            rest = &rest[position + 2..];
        }
        prose.push_str(&link_text(rest).replace(['*', '_', '`', '|'], " "));
        prose.push('\n');
    }
    prose
}

/// `[text](target)` becomes `text`; anything else is kept.
fn link_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|at| open + at) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|at| close + at) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 0.01,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn syllables_follow_the_rules_of_thumb() {
        let known = [
            ("cat", 1),
            ("the", 1),
            ("give", 1),
            ("before", 2),
            ("table", 2),
            ("free", 1),
            ("makes", 1),
            ("uses", 2),
            ("messages", 3),
            ("procedures", 3),
            ("asked", 1),
            ("wanted", 2),
            ("agreed", 2),
            ("you", 1),
            ("money", 2),
            ("person", 2),
            ("organisations", 5),
            ("comprehensive", 4),
            ("authentication", 5),
            ("immediately", 5),
        ];
        for (word, syllables) in known {
            assert_eq!(count_syllables(word), syllables, "{word}");
        }
    }

    #[test]
    fn a_one_sentence_text_scores_by_hand() {
        // 6 words, 6 syllables, 1 sentence:
        // ease = 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145; grade = 0.39 * 6 + 11.8 - 15.59 = -1.45.
        let level = ReadingLevel::of_text("The cat sat on the mat.");
        assert_eq!((level.sentences, level.words, level.syllables), (1, 6, 6));
        close(level.reading_ease, 116.145);
        close(level.grade, -1.45);
    }

    #[test]
    fn plain_advice_scores_by_hand() {
        // Stop(1) and(1) think(1). Check(1) the(1) person(2) is(1) real(1) before(2)
        // you(1) pay(1) them(1) money(2): 13 words, 16 syllables, 2 sentences.
        // ease = 206.835 - 1.015 * 6.5 - 84.6 * 16/13 = 96.114;
        // grade = 0.39 * 6.5 + 11.8 * 16/13 - 15.59 = 1.468.
        let level = ReadingLevel::of_text(
            "Stop and think. Check the person is real before you pay them money.",
        );
        assert_eq!((level.sentences, level.words, level.syllables), (2, 13, 16));
        close(level.reading_ease, 96.114);
        close(level.grade, 1.468);
        assert!(level.grade <= PUBLIC_GRADE_TARGET);
    }

    #[test]
    fn jargon_scores_far_above_the_public_target() {
        // 7 words, 5+1+3+4+5+3+5 = 26 syllables, 1 sentence:
        // grade = 0.39 * 7 + 11.8 * 26/7 - 15.59 = 30.969; ease = 206.835 - 7.105 - 314.229 = -114.499.
        let level = ReadingLevel::of_text(
            "Organisations should implement comprehensive authentication procedures immediately.",
        );
        assert_eq!((level.sentences, level.words, level.syllables), (1, 7, 26));
        close(level.grade, 30.969);
        close(level.reading_ease, -114.499);
        assert!(level.grade > PUBLIC_GRADE_TARGET);
    }

    #[test]
    fn numbers_and_addresses_are_not_words() {
        let level = ReadingLevel::of_text(
            "Call 0300 123 2040 or go to actionfraud.police.uk or email report@phishing.gov.uk.",
        );
        // Call, or, go, to, or, email.
        assert_eq!(level.words, 6);
        assert_eq!(level.sentences, 1);
    }

    #[test]
    fn markdown_markup_is_not_read() {
        let prose = markdown_prose(
            "# Stay safe\n\n- Check the [sender](https://example.org/a-very-long-address).\n1. Call **159**.\n```\ncode here\n```\n",
        );
        assert!(prose.contains("Stay safe"));
        assert!(prose.contains("Check the sender."));
        assert!(!prose.contains("https"));
        assert!(!prose.contains("code here"));
        assert!(!prose.contains('*'));
        let level = ReadingLevel::of_markdown("# Stay safe\n\nCheck the sender.\n");
        // The heading is a sentence of its own.
        assert_eq!((level.sentences, level.words), (2, 5));
    }

    #[test]
    fn empty_text_is_easy() {
        let level = ReadingLevel::of_text("  \n 0300 \n");
        assert_eq!(level.words, 0);
        close(level.grade, 0.0);
    }
}

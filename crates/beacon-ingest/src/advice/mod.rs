//! The protect advice library's files: Markdown with front matter (`markdown`), read one
//! file at a time or a directory at a time, and the library Beacon ships, embedded from
//! `data/protect/advice/` so the binary works anywhere.
//!
//! **Invariant:** an item returned here passes `AdviceItem::validate`; a file with any
//! problem yields no item, and every problem carries its file and line.

pub mod markdown;

pub use markdown::{read_advice_file, write_advice_file};

use beacon_core::protect::AdviceItem;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// One problem in an advice file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The line in the file.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl LineProblem {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> LineProblem {
        LineProblem {
            line,
            message: message.into(),
        }
    }
}

/// Why an advice file was refused: every problem found, each with its line. Displays one
/// `file:line: problem` per line, as compilers do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AdviceFileError {
    /// The file as named to the reader.
    pub file: String,
    /// Every problem, by line.
    pub problems: Vec<LineProblem>,
}

impl fmt::Display for AdviceFileError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(formatter)?;
            }
            write!(
                formatter,
                "{}:{}: {}",
                self.file, problem.line, problem.message
            )?;
        }
        Ok(())
    }
}

/// What reading several advice files gave: the items of the good files and the errors of
/// the others.
#[derive(Debug, Default)]
pub struct AdviceLibraryRead {
    /// Items read, by slug order.
    pub items: Vec<AdviceItem>,
    /// Files refused.
    pub errors: Vec<AdviceFileError>,
}

/// Reads several advice files given as (name, text); a slug given by two files refuses
/// the second.
pub fn read_advice_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> AdviceLibraryRead {
    let mut by_slug: BTreeMap<String, (String, AdviceItem)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        match read_advice_file(name, text) {
            Ok(item) => {
                if let Some((first, _)) = by_slug.get(&item.slug) {
                    errors.push(AdviceFileError {
                        file: name.to_owned(),
                        problems: vec![LineProblem::at(
                            2,
                            format!("the slug {} is already used by {first}", item.slug),
                        )],
                    });
                } else {
                    by_slug.insert(item.slug.clone(), (name.to_owned(), item));
                }
            }
            Err(error) => errors.push(error),
        }
    }
    AdviceLibraryRead {
        items: by_slug.into_values().map(|(_, item)| item).collect(),
        errors,
    }
}

/// Reads an advice file, or every `*.md` file of a directory (not its subdirectories),
/// in name order. A file that cannot be read at all is an error at line 1.
pub fn read_advice_path(path: &Path) -> AdviceLibraryRead {
    let mut names = Vec::new();
    if path.is_dir() {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let file = entry.path();
                    if file.extension().is_some_and(|extension| extension == "md") && file.is_file()
                    {
                        names.push(file);
                    }
                }
            }
            Err(error) => {
                return AdviceLibraryRead {
                    items: Vec::new(),
                    errors: vec![AdviceFileError {
                        file: path.display().to_string(),
                        problems: vec![LineProblem::at(
                            1,
                            format!("cannot list the directory: {error}"),
                        )],
                    }],
                };
            }
        }
        names.sort();
    } else {
        names.push(path.to_path_buf());
    }
    let mut texts = Vec::new();
    let mut unreadable = Vec::new();
    for name in names {
        let shown = name.display().to_string();
        match std::fs::read(&name).map(String::from_utf8) {
            Ok(Ok(text)) => texts.push((shown, text)),
            Ok(Err(_)) => unreadable.push(AdviceFileError {
                file: shown,
                problems: vec![LineProblem::at(1, "an advice file must be UTF-8 text")],
            }),
            Err(error) => unreadable.push(AdviceFileError {
                file: shown,
                problems: vec![LineProblem::at(1, format!("cannot read the file: {error}"))],
            }),
        }
    }
    let mut read = read_advice_files(
        texts
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    );
    read.errors.extend(unreadable);
    read
}

/// The library Beacon ships, as (file name, text), embedded at build time.
pub const SHIPPED_ADVICE_FILES: &[(&str, &str)] = &include!("shipped.in");

/// The library Beacon ships, read. The shipped files are checked by the tests; a broken
/// one is a bug in Beacon, so this panics on it rather than hand callers an error they
/// cannot fix.
pub fn shipped_advice() -> Vec<AdviceItem> {
    let read = read_advice_files(SHIPPED_ADVICE_FILES.iter().copied());
    if let Some(error) = read.errors.first() {
        panic!("the shipped advice library is broken: {error}");
    }
    read.items
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::protect::{Audience, Threat};

    #[test]
    fn the_shipped_library_reads_whole_and_covers_every_threat_and_audience() {
        let read = read_advice_files(SHIPPED_ADVICE_FILES.iter().copied());
        let errors: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert!(read.items.len() >= 32, "{} items", read.items.len());
        for threat in Threat::ALL {
            assert!(
                read.items.iter().any(|item| item.threats.contains(&threat)),
                "{threat:?}"
            );
        }
        for audience in Audience::ALL {
            assert!(
                read.items
                    .iter()
                    .any(|item| item.audiences.contains(&audience)),
                "{audience:?}"
            );
        }
        let sectors: std::collections::BTreeSet<&str> = read
            .items
            .iter()
            .flat_map(|item| item.sectors.iter().map(String::as_str))
            .collect();
        for sector in [
            "retail",
            "hospitality",
            "construction",
            "professional-services",
            "charities",
        ] {
            assert!(sectors.contains(sector), "{sector}");
        }
        let attributed = read
            .items
            .iter()
            .filter(|item| item.source.is_some())
            .count();
        assert!(
            (2..=4).contains(&attributed),
            "{attributed} attributed items"
        );
    }

    #[test]
    fn every_shipped_file_is_embedded() {
        let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/protect/advice");
        let mut on_disk: Vec<String> = std::fs::read_dir(&directory)
            .expect("the shipped directory")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".md"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = SHIPPED_ADVICE_FILES
            .iter()
            .map(|(name, _)| (*name).to_owned())
            .collect();
        assert_eq!(
            embedded, on_disk,
            "list every file in src/advice/shipped.in"
        );
        assert_eq!(read_advice_path(&directory).items, shipped_advice());
    }

    #[test]
    fn a_slug_in_two_files_refuses_the_second() {
        let (name, text) = SHIPPED_ADVICE_FILES[0];
        let copy = format!("copy/{name}");
        let read = read_advice_files([(name, text), (copy.as_str(), text)]);
        assert_eq!(read.items.len(), 1);
        assert_eq!(read.errors.len(), 1);
        assert!(read.errors[0].problems[0].message.contains("already used"));
    }
}

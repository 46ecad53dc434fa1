//! The report CSV format (documented in `docs/report-schema.md`): header matching with
//! aliases, and one validated [`Report`] or one [`RowError`] per row.
//!
//! Header names match case-insensitively, ignoring spaces, `_` and `-`. Unknown columns
//! are listed, not fatal. A missing required column refuses the file before any row.

use crate::text_input::{Encoding, FileRefused, RawText, SharedHash, open_text};
use beacon_core::report::{
    Gender, OrgSize, VictimType, parse_age, parse_date, parse_flag, parse_reference, parse_tags,
};
use beacon_core::taxonomy::Resolved;
use beacon_core::text::fold;
use beacon_core::{DistrictCode, Districts, Pence, Postcode, Report, Taxonomy};
use std::io::Read;
use time::Date;

/// The columns Beacon reads, in schema order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Action Fraud reference (required).
    Reference,
    /// Date reported (required).
    ReportedDate,
    /// NFIB code or fraud-type name (required).
    FraudType,
    /// Individual or organisation (required).
    VictimType,
    /// Date of the offence.
    OffenceDate,
    /// Age or age band.
    VictimAge,
    /// Gender.
    VictimGender,
    /// How the victim was contacted.
    ContactMethod,
    /// Sector of an organisation victim.
    OrgSector,
    /// Size of an organisation victim.
    OrgSize,
    /// Postcode or sector.
    Postcode,
    /// ONS district code.
    DistrictCode,
    /// Loss in pounds.
    LossGbp,
    /// Enabled by a digital device.
    CyberEnabled,
    /// Victim judged vulnerable.
    Vulnerable,
    /// Victim reports being a victim before.
    RepeatVictim,
    /// Pseudonymous victim identifier.
    VictimKey,
    /// `;`-separated labels.
    Tags,
    /// Free text.
    Summary,
}

impl Column {
    /// Every column, in schema order.
    pub const ALL: [Column; 19] = [
        Column::Reference,
        Column::ReportedDate,
        Column::FraudType,
        Column::VictimType,
        Column::OffenceDate,
        Column::VictimAge,
        Column::VictimGender,
        Column::ContactMethod,
        Column::OrgSector,
        Column::OrgSize,
        Column::Postcode,
        Column::DistrictCode,
        Column::LossGbp,
        Column::CyberEnabled,
        Column::Vulnerable,
        Column::RepeatVictim,
        Column::VictimKey,
        Column::Tags,
        Column::Summary,
    ];

    /// The canonical header name.
    pub fn name(self) -> &'static str {
        self.aliases()[0]
    }

    /// True for the four columns every file must have.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Reference | Column::ReportedDate | Column::FraudType | Column::VictimType
        )
    }

    /// Header names accepted for this column (the first is canonical).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Reference => &[
                "reference",
                "crime reference number",
                "crime reference",
                "reference number",
                "action fraud reference",
                "af reference",
                "nfrc reference",
                "ref",
                "crn",
            ],
            Column::ReportedDate => &[
                "reported_date",
                "date reported",
                "report date",
                "reported on",
                "date of report",
                "received date",
            ],
            Column::FraudType => &[
                "fraud_type",
                "nfib code",
                "nfib fraud type",
                "fraud type code",
                "crime type",
                "offence code",
                "type",
            ],
            Column::VictimType => &[
                "victim_type",
                "victim category",
                "reporter type",
                "individual or organisation",
            ],
            Column::OffenceDate => &[
                "offence_date",
                "offense date",
                "date of offence",
                "offence on",
                "incident date",
                "date committed",
            ],
            Column::VictimAge => &["victim_age", "age", "age band", "victim age band"],
            Column::VictimGender => &["victim_gender", "gender", "sex", "victim sex"],
            Column::ContactMethod => {
                &["contact_method", "method of contact", "contact", "approach"]
            }
            Column::OrgSector => &[
                "org_sector",
                "organisation sector",
                "organization sector",
                "business sector",
                "sector",
            ],
            Column::OrgSize => &[
                "org_size",
                "organisation size",
                "organization size",
                "business size",
                "size",
            ],
            Column::Postcode => &[
                "postcode",
                "victim postcode",
                "postal code",
                "postcode sector",
                "post code",
            ],
            Column::DistrictCode => &[
                "district_code",
                "lad code",
                "lad",
                "local authority code",
                "district",
                "ladcd",
            ],
            Column::LossGbp => &[
                "loss_gbp",
                "loss",
                "amount lost",
                "loss amount",
                "financial loss",
                "total loss",
                "loss value",
            ],
            Column::CyberEnabled => &[
                "cyber_enabled",
                "cyber",
                "digital device",
                "enabled by digital device",
                "cyber flag",
            ],
            Column::Vulnerable => &["vulnerable", "vulnerable victim", "vulnerability"],
            Column::RepeatVictim => &["repeat_victim", "repeat", "previous victim"],
            Column::VictimKey => &[
                "victim_key",
                "victim id",
                "victim pseudonym",
                "pseudonymous id",
            ],
            Column::Tags => &["tags", "labels"],
            Column::Summary => &[
                "summary",
                "description",
                "modus operandi",
                "mo",
                "narrative",
                "details",
            ],
        }
    }

    /// The column a header name means, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        let folded = fold(header);
        Column::ALL
            .into_iter()
            .find(|column| column.aliases().iter().any(|alias| fold(alias) == folded))
    }
}

/// Longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 10_000;
/// Longest value of any other text field, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// Longest raw row text kept in quarantine, in bytes.
pub const MAX_RAW_BYTES: usize = 16 * 1024;

/// Why a file's header was refused.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// The file could not be read as text.
    #[error(transparent)]
    Refused(#[from] FileRefused),
    /// Nothing at all in the file.
    #[error("the file is empty: a report file starts with a header row naming its columns")]
    Empty,
    /// Required columns missing.
    #[error("the header has no column for {0}; see docs/report-schema.md for the names accepted")]
    MissingColumns(String),
    /// Two columns mean the same thing.
    #[error("the header names {column} twice (as '{first}' and '{second}'); keep one")]
    Repeated {
        /// The column meant.
        column: &'static str,
        /// First header text.
        first: String,
        /// Second header text.
        second: String,
    },
    /// The header row itself could not be read.
    #[error("the header row could not be read: {0}")]
    Unreadable(String),
}

/// One row that could not be stored (line, reason, raw text), for quarantine.
pub type RowError = beacon_core::RejectedRow;

/// What one row became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// A valid report, with its line.
    Report(Box<Report>, u64),
    /// A rejected row.
    Rejected(RowError),
}

/// What the parser needs to know to validate rows.
pub struct ReportRules<'a> {
    /// Fraud types.
    pub taxonomy: &'a Taxonomy,
    /// The area's districts.
    pub districts: &'a Districts,
    /// Today's date: no report can be made in the future.
    pub today: Date,
}

/// Reads a report CSV row by row.
pub struct ReportReader {
    csv: csv::Reader<Box<dyn Read>>,
    positions: Vec<Option<usize>>,
    header_len: usize,
    ignored_columns: Vec<String>,
    encoding: Encoding,
    hash: SharedHash,
    raw: RawText,
    bytes_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    record: csv::ByteRecord,
    /// The line at `line_offset` of the decoded text, counted here rather than by the CSV
    /// layer, which counts only line feeds (so a file ending its lines with bare carriage
    /// returns would number every row alike).
    line: u64,
    /// Where the text counted so far ends (the end of the last record read).
    line_offset: u64,
    /// Whether that text ended with `\r`.
    after_cr: bool,
}

impl ReportReader {
    /// Opens a file and checks its header.
    pub fn open(input: Box<dyn Read + Send>) -> Result<ReportReader, HeaderError> {
        let text = open_text(input)?;
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(text.reader);
        let mut header = csv::ByteRecord::new();
        match csv.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(HeaderError::Empty),
            Err(error) => return Err(HeaderError::Unreadable(error.to_string())),
        }
        let header_end = csv.position().byte();
        let mut after_cr = false;
        let line = 1 + text.raw.line_breaks(0, header_end, &mut after_cr);
        text.raw.forget_before(header_end);
        let mut positions: Vec<Option<usize>> = vec![None; Column::ALL.len()];
        let mut names: Vec<String> = vec![String::new(); Column::ALL.len()];
        let mut ignored_columns = Vec::new();
        for (index, field) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(field).trim().to_owned();
            if name.is_empty() {
                continue;
            }
            match Column::from_header(&name) {
                Some(column) => {
                    let slot = column as usize;
                    if positions[slot].is_some() {
                        return Err(HeaderError::Repeated {
                            column: column.name(),
                            first: names[slot].clone(),
                            second: name,
                        });
                    }
                    positions[slot] = Some(index);
                    names[slot] = name;
                }
                None => ignored_columns.push(name),
            }
        }
        let missing: Vec<&str> = Column::ALL
            .into_iter()
            .filter(|column| column.required() && positions[*column as usize].is_none())
            .map(Column::name)
            .collect();
        if !missing.is_empty() {
            return Err(HeaderError::MissingColumns(missing.join(", ")));
        }
        Ok(ReportReader {
            csv,
            positions,
            header_len: header.len(),
            ignored_columns,
            encoding: text.encoding,
            hash: text.hash,
            raw: text.raw,
            bytes_read: text.bytes_read,
            record: csv::ByteRecord::new(),
            line,
            line_offset: header_end,
            after_cr,
        })
    }

    /// What each field of a row holds, in file order: the column's canonical name, or
    /// nothing for a column Beacon does not read; comma-separated (`reference,,postcode`).
    /// Kept with the run so that quarantined raw rows can be read field by field later,
    /// to hide victims' details from those who may not see them.
    pub fn column_layout(&self) -> String {
        let mut layout = vec![""; self.header_len];
        for column in Column::ALL {
            if let Some(slot) = self.positions[column as usize].and_then(|i| layout.get_mut(i)) {
                *slot = column.name();
            }
        }
        layout.join(",")
    }

    /// Header names that Beacon does not read (kept out of the store).
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored_columns
    }

    /// The encoding the file is read with.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// SHA-256 of the file's bytes; complete once every row has been read.
    pub fn sha256(&self) -> String {
        self.hash.hex()
    }

    /// Bytes of the file read so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Reads the next row, or `None` at the end of the file.
    pub fn next_row(&mut self, rules: &ReportRules<'_>) -> Option<RowOutcome> {
        loop {
            let start = self.csv.position().clone();
            let result = self.csv.read_byte_record(&mut self.record);
            let end = self.csv.position().byte();
            let (_, blank_bytes) = self
                .raw
                .blank_lines_at(self.record.position().map_or(start.byte(), |p| p.byte()));
            let record_start =
                self.record.position().map_or(start.byte(), |p| p.byte()) + blank_bytes;
            // The record's line is the line where its text starts; then the count moves on
            // past the record (before its text is forgotten).
            let line = self.line
                + self
                    .raw
                    .line_breaks(self.line_offset, record_start, &mut self.after_cr);
            self.line = line
                + self
                    .raw
                    .line_breaks(record_start.max(self.line_offset), end, &mut self.after_cr);
            self.line_offset = end.max(self.line_offset);
            match result {
                Ok(false) => return None,
                Err(error) => {
                    let raw = self.raw.take(start.byte(), end.max(start.byte()));
                    return Some(RowOutcome::Rejected(RowError {
                        line,
                        reason: format!("the row could not be read as CSV: {error}"),
                        raw: cut(raw),
                    }));
                }
                Ok(true) => {
                    if self
                        .record
                        .iter()
                        .all(|field| field.iter().all(u8::is_ascii_whitespace))
                    {
                        // Blank lines between rows are layout, not records.
                        self.raw.forget_before(end);
                        continue;
                    }
                    let outcome = match self.parse_record(rules) {
                        Ok(report) => {
                            self.raw.forget_before(end);
                            RowOutcome::Report(Box::new(report), line)
                        }
                        Err(reasons) => RowOutcome::Rejected(RowError {
                            line,
                            reason: reasons,
                            raw: cut(self.raw.take(record_start, end)),
                        }),
                    };
                    return Some(outcome);
                }
            }
        }
    }

    fn parse_record(&self, rules: &ReportRules<'_>) -> Result<Report, String> {
        let record = &self.record;
        if record.len() < self.header_len
            || (record.len() > self.header_len
                && record
                    .iter()
                    .skip(self.header_len)
                    .any(|field| !field.iter().all(u8::is_ascii_whitespace)))
        {
            return Err(format!(
                "the row has {} fields but the header has {}",
                record.len(),
                self.header_len
            ));
        }
        let mut fields: [&str; Column::ALL.len()] = [""; Column::ALL.len()];
        for column in Column::ALL {
            if let Some(index) = self.positions[column as usize] {
                let bytes = record.get(index).unwrap_or_default();
                fields[column as usize] = std::str::from_utf8(bytes).map_err(|_| {
                    format!(
                        "the {} field is not valid UTF-8 text; if the file came from Excel, save it as \"CSV UTF-8\"",
                        column.name()
                    )
                })?;
            }
        }
        parse_fields(&fields, rules)
    }
}

/// Keeps quarantined raw text to a sensible size and without its line ending.
pub(crate) fn cut(mut raw: String) -> String {
    while raw.ends_with(['\n', '\r']) {
        raw.pop();
    }
    if raw.len() > MAX_RAW_BYTES {
        let mut end = MAX_RAW_BYTES;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        raw.truncate(end);
        raw.push_str(" …[cut at 16 KiB]");
    }
    raw
}

/// Collects every problem of a row, so the user can fix them all at once.
struct Problems(Vec<String>);

impl Problems {
    fn take<T>(&mut self, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reason) => {
                self.0.push(reason);
                None
            }
        }
    }
}

fn text_field(name: &str, value: &str, limit: usize) -> Result<Option<String>, String> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars > limit {
        return Err(format!(
            "{name} is {chars} characters long; at most {limit} are allowed"
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// Validates the fields of one row (indexed by [`Column`]) into a report.
pub fn parse_fields(fields: &[&str], rules: &ReportRules<'_>) -> Result<Report, String> {
    let field = |column: Column| fields[column as usize];
    let mut problems = Problems(Vec::new());
    let reference = problems.take(parse_reference(field(Column::Reference)));
    let reported_on = problems.take(
        parse_date("reported_date", field(Column::ReportedDate)).and_then(|date| {
            if date > rules.today {
                Err(format!("reported_date {date} is in the future"))
            } else {
                Ok(date)
            }
        }),
    );
    let offence_on = match field(Column::OffenceDate).trim() {
        "" => Some(None),
        raw => problems.take(parse_date("offence_date", raw).map(Some)),
    };
    if let (Some(Some(offence)), Some(reported)) = (offence_on, reported_on)
        && offence > reported
    {
        problems.0.push(format!(
            "offence_date {offence} is after reported_date {reported}"
        ));
    }
    let fraud_type = problems.take(if field(Column::FraudType).trim().is_empty() {
        Err("fraud_type is empty; give an NFIB code or a fraud-type name".to_owned())
    } else {
        rules
            .taxonomy
            .resolve(field(Column::FraudType))
            .map_err(|error| error.to_string())
    });
    let victim_type = problems.take(VictimType::parse(field(Column::VictimType)));
    let age = problems.take(parse_age(field(Column::VictimAge)));
    let victim_gender = problems.take(Gender::parse(field(Column::VictimGender)));
    let contact_method = problems.take(
        text_field(
            "contact_method",
            field(Column::ContactMethod),
            MAX_FIELD_CHARS,
        )
        .map(|value| value.map(|text| text.to_lowercase())),
    );
    let org_sector = problems.take(
        text_field("org_sector", field(Column::OrgSector), MAX_FIELD_CHARS)
            .map(|value| value.map(|text| text.to_lowercase())),
    );
    let org_size = problems.take(OrgSize::parse(field(Column::OrgSize)));
    let postcode = match field(Column::Postcode).trim() {
        "" => Some(None),
        raw => problems.take(Postcode::parse(raw).map(Some).map_err(|e| e.to_string())),
    };
    let district = match field(Column::DistrictCode).trim() {
        "" => Some(None),
        raw => problems.take(
            raw.parse::<DistrictCode>()
                .map(|code| rules.districts.contains(&code).then_some(code))
                .map_err(|error| format!("district_code: {error}")),
        ),
    };
    let loss = problems.take(
        Pence::parse_pounds(field(Column::LossGbp)).map_err(|error| format!("loss_gbp: {error}")),
    );
    let cyber_enabled = problems.take(parse_flag("cyber_enabled", field(Column::CyberEnabled)));
    let vulnerable = problems.take(parse_flag("vulnerable", field(Column::Vulnerable)));
    let repeat_victim = problems.take(parse_flag("repeat_victim", field(Column::RepeatVictim)));
    let victim_key = problems.take(text_field("victim_key", field(Column::VictimKey), 128));
    let tags_text = problems.take(text_field("tags", field(Column::Tags), 1_000));
    let summary = problems.take(text_field(
        "summary",
        field(Column::Summary),
        MAX_SUMMARY_CHARS,
    ));

    if !problems.0.is_empty() {
        return Err(problems.0.join("; "));
    }
    let missing = || "a field was not checked".to_owned();
    let (fraud_type, category) = match fraud_type.ok_or_else(missing)? {
        Resolved::Known(known) => (known.key.clone(), known.category()),
        Resolved::UnknownCode { code, category } => (code, category),
    };
    let (victim_age, age_band) = age.ok_or_else(missing)?;
    Ok(Report {
        reference: reference.ok_or_else(missing)?,
        reported_on: reported_on.ok_or_else(missing)?,
        offence_on: offence_on.ok_or_else(missing)?,
        fraud_type,
        category,
        victim_type: victim_type.ok_or_else(missing)?,
        victim_age,
        age_band,
        victim_gender: victim_gender.ok_or_else(missing)?,
        contact_method: contact_method.ok_or_else(missing)?,
        org_sector: org_sector.ok_or_else(missing)?,
        org_size: org_size.ok_or_else(missing)?,
        postcode: postcode.ok_or_else(missing)?,
        district: district.ok_or_else(missing)?,
        loss: loss.ok_or_else(missing)?,
        cyber_enabled: cyber_enabled.ok_or_else(missing)?,
        vulnerable: vulnerable.ok_or_else(missing)?,
        repeat_victim: repeat_victim.ok_or_else(missing)?,
        victim_key: victim_key.ok_or_else(missing)?,
        tags: tags_text
            .ok_or_else(missing)?
            .map(|text| parse_tags(&text))
            .unwrap_or_default(),
        local_issues: Vec::new(),
        summary: summary.ok_or_else(missing)?,
    })
}

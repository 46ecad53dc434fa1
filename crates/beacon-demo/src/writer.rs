//! Writing rows as CSV, with the deliberately bad and duplicate rows mixed in, and the
//! expected totals counted from exactly what was written.
//!
//! Bad and duplicate rows are placed evenly through the file using their own random
//! stream, so adding them never changes a good row. A duplicate is an exact copy of an
//! earlier good row of the same month; a bad row copies a good row of the month under a
//! new `NFRCBAD…` reference (or none) and breaks one field.

use crate::profiles::{Issue, PROFILES};
use crate::row::Row;
use crate::sampling::{STREAM_NOISE, stream};
use crate::world::World;
use crate::{Expected, HEADER, Totals, YearTotals};
use beacon_core::{Category, Pence};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::io;
use std::io::Write;

/// Column positions in [`HEADER`].
mod col {
    pub const REFERENCE: usize = 0;
    pub const REPORTED: usize = 1;
    pub const VICTIM_TYPE: usize = 4;
    pub const LOSS: usize = 12;
}

/// The ways a bad row is broken, in turn.
const BAD_KINDS: usize = 5;

/// The CSV being written and the running counts.
pub(crate) struct Output<W: Write> {
    csv: csv::Writer<W>,
    world: &'static World,
    fields: Vec<String>,
    noise: ChaCha8Rng,
    good_total: u64,
    bad_total: u64,
    dup_total: u64,
    good_written: u64,
    bad_written: u64,
    dup_written: u64,
    first_year: i32,
    expected: Expected,
}

/// Good row index before which bad row `k` (or after which duplicate `k`) goes.
fn position(k: u64, count: u64, good: u64) -> u64 {
    let value = (2 * u128::from(k) + 1) * u128::from(good) / (2 * u128::from(count));
    u64::try_from(value).unwrap_or(u64::MAX)
}

impl<W: Write> Output<W> {
    /// Starts the file: writes the header.
    pub(crate) fn start(
        out: W,
        world: &'static World,
        seed: u64,
        years: (i32, i32),
        good: u64,
        bad: u64,
        duplicates: u64,
    ) -> io::Result<Output<W>> {
        let mut csv = csv::WriterBuilder::new().from_writer(out);
        csv.write_record(HEADER)?;
        let by_year = (years.0..=years.1)
            .map(|year| (year, YearTotals::default()))
            .collect();
        Ok(Output {
            csv,
            world,
            fields: vec![String::new(); HEADER.len()],
            noise: stream(seed, STREAM_NOISE),
            good_total: good,
            bad_total: bad,
            dup_total: duplicates,
            good_written: 0,
            bad_written: 0,
            dup_written: 0,
            first_year: years.0,
            expected: Expected {
                by_year,
                ..Expected::default()
            },
        })
    }

    /// Writes one month's rows with any bad and duplicate rows that fall among them.
    pub(crate) fn month(&mut self, rows: &[Row]) -> io::Result<()> {
        for (index, row) in rows.iter().enumerate() {
            while self.bad_written < self.bad_total
                && position(self.bad_written, self.bad_total, self.good_total) <= self.good_written
            {
                let source = &rows[self.noise.random_range(0..rows.len())];
                self.bad(Some(source))?;
            }
            self.good(row)?;
            while self.dup_written < self.dup_total
                && position(self.dup_written, self.dup_total, self.good_total) < self.good_written
            {
                let source = &rows[self.noise.random_range(0..=index)];
                render(self.world, source, &mut self.fields);
                self.csv.write_record(&self.fields)?;
                self.dup_written += 1;
            }
        }
        Ok(())
    }

    /// Writes any bad rows still due, flushes, and returns the counts.
    pub(crate) fn finish(mut self) -> io::Result<Expected> {
        while self.bad_written < self.bad_total {
            self.bad(None)?;
        }
        self.csv.flush()?;
        let mut expected = self.expected;
        expected.good_rows = self.good_written;
        expected.bad_rows = self.bad_written;
        expected.duplicate_rows = self.dup_written;
        expected.rows_written = self.good_written + self.bad_written + self.dup_written;
        Ok(expected)
    }

    fn good(&mut self, row: &Row) -> io::Result<()> {
        render(self.world, row, &mut self.fields);
        self.csv.write_record(&self.fields)?;
        self.good_written += 1;
        let year = self
            .expected
            .by_year
            .entry(row.reported.year())
            .or_default();
        let totals = match self.world.category(row.profile) {
            Category::Fraud => &mut year.fraud,
            Category::Cyber => &mut year.cyber,
        };
        count(totals, row);
        Ok(())
    }

    fn bad(&mut self, source: Option<&Row>) -> io::Result<()> {
        let k = self.bad_written;
        match source {
            Some(row) => render(self.world, row, &mut self.fields),
            None => fallback(self.first_year, &mut self.fields),
        }
        let fields = &mut self.fields;
        fields[col::REFERENCE] = format!("NFRCBAD{:06}", k + 1);
        match usize::try_from(k).unwrap_or(0) % BAD_KINDS {
            0 => fields[col::REPORTED] = "31/02/2017".to_owned(),
            1 => fields[col::LOSS] = "-50.00".to_owned(),
            2 => fields[col::VICTIM_TYPE] = "unknown-kind".to_owned(),
            3 => fields[col::LOSS] = "lots".to_owned(),
            _ => fields[col::REFERENCE].clear(),
        }
        self.csv.write_record(&self.fields)?;
        self.bad_written += 1;
        Ok(())
    }
}

fn count(totals: &mut Totals, row: &Row) {
    totals.reports += 1;
    totals.loss_pence += row.loss.unwrap_or(0);
    totals.cyber_enabled += u64::from(row.cyber_enabled);
}

fn yes_no(value: bool) -> &'static str {
    if value { "Y" } else { "N" }
}

fn date(out: &mut String, date: time::Date) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
}

/// Renders a row into the CSV fields, in [`HEADER`] order.
pub(crate) fn render(world: &World, row: &Row, fields: &mut [String]) {
    for field in fields.iter_mut() {
        field.clear();
    }
    let profile = &PROFILES[usize::from(row.profile)];
    let reported = row.reported;
    let _ = write!(
        fields[0],
        "NFRC{:02}{:02}{:07}",
        reported.year().rem_euclid(100),
        u8::from(reported.month()),
        row.seq
    );
    date(&mut fields[1], reported);
    if let Some(offence) = row.offence {
        date(&mut fields[2], offence);
    }
    fields[3].push_str(world.type_label(row.profile));
    match row.victim {
        crate::people::Victim::Individual { age, sex } => {
            fields[4].push_str("individual");
            let _ = write!(fields[5], "{age}");
            if let Some(sex) = sex {
                fields[6].push_str(sex.as_str());
            }
        }
        crate::people::Victim::Organisation { sector, size } => {
            fields[4].push_str("organisation");
            fields[8].push_str(sector);
            fields[9].push_str(size.as_str());
        }
    }
    if let Some(contact) = row.contact {
        fields[7].push_str(contact.as_str());
    }
    if let Some(district) = row.place.district {
        let district = &world.reference.districts[usize::from(district)];
        if let Some(postcode) = row.place.postcode {
            fields[10].push_str(&district.postcodes[usize::from(postcode)]);
        }
        fields[11].push_str(&district.code);
    }
    if let Some(loss) = row.loss {
        let _ = write!(fields[12], "{}.{:02}", loss / 100, loss % 100);
    }
    fields[13].push_str(yes_no(row.cyber_enabled));
    fields[14].push_str(yes_no(row.vulnerable));
    fields[15].push_str(yes_no(row.repeat_victim));
    crate::people::write_key(&mut fields[16], row.victim_key);
    let fraud = world.category(row.profile) == Category::Fraud;
    tags(&mut fields[17], row, profile.issue, fraud);
    let sentences = profile.sentences(row.victim.is_organisation());
    let sentence = sentences[usize::from(row.text) % sentences.len()];
    let summary = &mut fields[18];
    summary.push_str("SYNTHETIC: ");
    summary.push_str(sentence);
    match row.loss {
        None => summary.push_str(" Loss not yet known."),
        Some(0) => summary.push_str(" No money was lost."),
        Some(loss) => {
            let _ = write!(summary, " Reported loss {}.", Pence(loss));
        }
    }
}

/// Writes the tags: the issue's tag, `elderly` for victims 80+, `sme` for micro and
/// small businesses hit by ransomware, `phishing` for cyber-enabled frauds by email or
/// text.
fn tags(out: &mut String, row: &Row, issue: Option<Issue>, fraud: bool) {
    let mut push = |tag: &str| {
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(tag);
    };
    if let Some(issue) = issue {
        push(issue.tag());
    }
    match row.victim {
        crate::people::Victim::Individual { age, .. } if age >= 80 => push("elderly"),
        crate::people::Victim::Organisation { size, .. }
            if issue == Some(Issue::Ransomware)
                && matches!(
                    size,
                    crate::people::Size::Micro | crate::people::Size::Small
                ) =>
        {
            push("sme");
        }
        _ => {}
    }
    if issue.is_none()
        && fraud
        && row.cyber_enabled
        && matches!(
            row.contact,
            Some(crate::profiles::Contact::Email | crate::profiles::Contact::Text)
        )
    {
        push("phishing");
    }
}

/// A plausible row for bad rows when the file has no good rows to copy.
fn fallback(year: i32, fields: &mut [String]) {
    let values = [
        String::new(),
        format!("{year:04}-01-15"),
        format!("{year:04}-01-12"),
        "Online shopping and auctions".to_owned(),
        "individual".to_owned(),
        "34".to_owned(),
        "female".to_owned(),
        "online".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        "E06000016".to_owned(),
        "120.00".to_owned(),
        "Y".to_owned(),
        "N".to_owned(),
        "N".to_owned(),
        "V0000000000".to_owned(),
        String::new(),
        "SYNTHETIC: A mobile phone bought through an online marketplace never arrived.".to_owned(),
    ];
    for (field, value) in fields.iter_mut().zip(values) {
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn positions_spread_evenly_and_stay_in_range() {
        let spots: Vec<u64> = (0..5).map(|k| position(k, 5, 100)).collect();
        assert_eq!(spots, vec![10, 30, 50, 70, 90]);
        assert_eq!(position(0, 1, 1), 0);
        assert!((0..1000).all(|k| position(k, 1000, 7) < 7));
    }
}

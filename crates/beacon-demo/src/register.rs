//! The demo's threat-address register: synthetic partner organisations of Leicester,
//! Leicestershire and Rutland (councils, NHS trusts, fire and rescue, universities and a
//! few businesses, every name marked "(synthetic)"), and Shadowserver-format feed files
//! of events on their networks, calibrated to the board paper's third figure: exactly
//! [`PAPER_ADDRESSES`] distinct addresses seen from 1 April to 30 September 2017.
//!
//! Nothing here is real. Networks come from the ranges set aside for documentation and
//! benchmarking (RFC 5737 `198.51.100.0/24`, RFC 2544 `198.18.0.0/15`, RFC 3849
//! `2001:db8::/32`), ASNs from the documentation range (RFC 5398), domains and contacts
//! end in `.example` (RFC 2606), and every feed row says `synthetic` in its source.
//!
//! **Invariants:** the same seed gives byte-identical files; [`RegisterExpected`] is
//! counted from the rows as written (not from the plan), so a correct ingest must find
//! exactly its figures; no event outside the paper's period falls inside it, and the
//! period's addresses are distinct by construction, so the period always holds exactly
//! [`PAPER_ADDRESSES`] whatever the seed.

use crate::sampling::{Weighted, apportion, stream};
use beacon_core::{Cidr, DistrictCode, Organisation};
use rand::Rng;
use rand::seq::index::sample;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};

/// The board paper's third figure: distinct addresses in the area in its period.
pub const PAPER_ADDRESSES: u64 = 960;
/// The first day of the paper's period (1 April 2017).
pub const PAPER_FROM: Date = date!(2017 - 04 - 01);
/// The last day of the paper's period (30 September 2017).
pub const PAPER_TO: Date = date!(2017 - 09 - 30);
/// The paper's words for the figure.
pub const PAPER_SOURCE: &str = "Board update, 15 June 2018 (figures for April–September 2017): \
    \"there were 960 individual addresses believed to be involved in the spread or delivery of \
    tools to assist with the delivery of cyber crime within Leicester, Leicestershire and Rutland\"";
/// When the demo's digests are queued and its feeds observed: just after the last event
/// (the demo's data ends with 2019), so the digests cover December 2019.
pub const DIGESTS_AT: OffsetDateTime = datetime!(2020 - 01 - 01 00:00 UTC);
/// The demo partner IT manager's organisation.
pub const PARTNER_ORGANISATION: &str = "Leicester City Council (synthetic)";
/// The demo business user's organisation.
pub const BUSINESS_ORGANISATION: &str = "Soar Valley Logistics Ltd (synthetic)";

/// The random stream of the register (apart from the report streams).
const STREAM_REGISTER: u64 = 7;
/// The first day of feed events.
const FEEDS_FROM: Date = date!(2016 - 10 - 01);
/// The day after the last feed event.
const FEEDS_END: Date = date!(2020 - 01 - 01);
/// Sinkholes the infected systems call (destination only; owned by nobody).
const SINKHOLE_NETWORK: [u8; 3] = [192, 0, 2];

/// One synthetic organisation: name, sector, district, weight (its share of addresses).
struct Partner {
    name: &'static str,
    sector: &'static str,
    district: &'static str,
    weight: f64,
}

const fn partner(
    name: &'static str,
    sector: &'static str,
    district: &'static str,
    weight: f64,
) -> Partner {
    Partner {
        name,
        sector,
        district,
        weight,
    }
}

/// The public-sector partners (each a /22 of `198.18.0.0/15`), then the businesses (each
/// a /27 of `198.51.100.0/24`).
#[rustfmt::skip]
const PARTNERS: [Partner; 23] = [
    partner("Leicester City Council (synthetic)", "local-government", "E06000016", 9.0),
    partner("Leicestershire County Council (synthetic)", "local-government", "E07000129", 8.0),
    partner("Rutland County Council (synthetic)", "local-government", "E06000017", 2.0),
    partner("Blaby District Council (synthetic)", "local-government", "E07000129", 2.0),
    partner("Charnwood Borough Council (synthetic)", "local-government", "E07000130", 3.0),
    partner("Harborough District Council (synthetic)", "local-government", "E07000131", 2.0),
    partner("Hinckley and Bosworth Borough Council (synthetic)", "local-government", "E07000132", 2.5),
    partner("Melton Borough Council (synthetic)", "local-government", "E07000133", 1.5),
    partner("North West Leicestershire District Council (synthetic)", "local-government", "E07000134", 2.5),
    partner("Oadby and Wigston Borough Council (synthetic)", "local-government", "E07000135", 1.5),
    partner("University Hospitals of Leicester NHS Trust (synthetic)", "health", "E06000016", 9.0),
    partner("Leicestershire Partnership NHS Trust (synthetic)", "health", "E07000129", 4.0),
    partner("Leicestershire Fire and Rescue Service (synthetic)", "fire-and-rescue", "E07000130", 1.5),
    partner("University of Leicester (synthetic)", "education", "E06000016", 16.0),
    partner("De Montfort University (synthetic)", "education", "E06000016", 13.0),
    partner("Loughborough University (synthetic)", "education", "E07000130", 12.0),
    partner("Soar Valley Logistics Ltd (synthetic)", "business", "E07000130", 1.0),
    partner("Wreake Valley Engineering Ltd (synthetic)", "business", "E07000133", 0.7),
    partner("Lutterworth Precision Components Ltd (synthetic)", "business", "E07000131", 0.8),
    partner("Coalville Print and Packaging Ltd (synthetic)", "business", "E07000134", 0.8),
    partner("Oakham Rural Supplies Ltd (synthetic)", "business", "E06000017", 0.4),
    partner("Hinckley Knitwear Company Ltd (synthetic)", "business", "E07000132", 0.5),
    partner("Wigston Bakery Ltd (synthetic)", "business", "E07000135", 0.3),
];

/// How many of [`PARTNERS`] are public sector (the rest are businesses).
const PUBLIC_SECTOR: usize = 16;

impl Partner {
    /// The partner's IPv4 network: first address and size.
    fn network(index: usize) -> (u32, u32) {
        if index < PUBLIC_SECTOR {
            let base = u32::from(Ipv4Addr::new(198, 18, 0, 0));
            (base + (index as u32) * 1024, 1024)
        } else {
            let base = u32::from(Ipv4Addr::new(198, 51, 100, 0));
            (base + ((index - PUBLIC_SECTOR) as u32) * 32, 32)
        }
    }

    /// The name without the "(synthetic)" mark, as a domain label:
    /// `leicester-city-council`.
    fn slug(&self) -> String {
        let plain = self.name.trim_end_matches(" (synthetic)");
        let mut slug = String::new();
        for word in plain.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(&word.to_ascii_lowercase());
        }
        slug
    }

    /// The partner's domain, under `.example`.
    fn domain(&self) -> String {
        format!("{}.example", self.slug())
    }
}

/// The demo's organisations, as `beacon org import` would register them.
///
/// Why: the register attributes feed events to owners by these networks, so the demo's
/// addresses land in districts and the partner and business accounts have an
/// organisation to be linked to.
pub fn organisations() -> Vec<Organisation> {
    PARTNERS
        .iter()
        .enumerate()
        .map(|(index, partner)| {
            let (first, size) = Partner::network(index);
            let prefix = 32 - size.trailing_zeros() as u8;
            let mut networks: Vec<Cidr> = Cidr::new(IpAddr::V4(Ipv4Addr::from(first)), prefix)
                .into_iter()
                .collect();
            let mut asns = Vec::new();
            if index < PUBLIC_SECTOR {
                // IPv6 for the public sector (RFC 3849) and a documentation ASN
                // (RFC 5398) for the large networks.
                let v6 = format!("2001:db8:{:x}::/48", 0x100 + index);
                networks.extend(v6.parse::<Cidr>().ok());
                if partner.weight >= 8.0 {
                    asns.push(64_496 + index as u32);
                }
            }
            let domain = partner.domain();
            let mut contacts = vec![format!("cyber-security@{domain}")];
            if index < PUBLIC_SECTOR {
                contacts.push(format!("it-service-desk@{domain}"));
            }
            Organisation {
                name: partner.name.to_owned(),
                sector: partner.sector.to_owned(),
                district: partner.district.parse::<DistrictCode>().ok(),
                contacts,
                networks,
                asns,
                domains: vec![domain],
            }
        })
        .collect()
}

/// A Shadowserver report type the demo writes, with its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Report {
    /// `event4_sinkhole`: infected systems calling a sinkhole (infected-system).
    Sinkhole,
    /// `blocklist`: hosts on a blocklist (blacklist).
    Blocklist,
    /// `malware_url`: URLs serving malware (malware-distribution).
    MalwareUrl,
    /// `phish_url`: phishing pages (phishing).
    PhishUrl,
}

impl Report {
    const ALL: [Report; 4] = [
        Report::Sinkhole,
        Report::Blocklist,
        Report::MalwareUrl,
        Report::PhishUrl,
    ];

    fn name(self) -> &'static str {
        match self {
            Report::Sinkhole => "event4_sinkhole",
            Report::Blocklist => "blocklist",
            Report::MalwareUrl => "malware_url",
            Report::PhishUrl => "phish_url",
        }
    }

    /// The IntelMQ classification type Shadowserver's mapping gives the report.
    fn classification_type(self) -> &'static str {
        match self {
            Report::Sinkhole => "infected-system",
            Report::Blocklist => "blacklist",
            Report::MalwareUrl => "malware-distribution",
            Report::PhishUrl => "phishing",
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Report::Sinkhole => &[
                "timestamp",
                "protocol",
                "src_ip",
                "src_port",
                "src_asn",
                "src_geo",
                "src_region",
                "src_city",
                "src_hostname",
                "src_naics",
                "src_sector",
                "device_vendor",
                "device_type",
                "device_model",
                "dst_ip",
                "dst_port",
                "dst_asn",
                "dst_geo",
                "dst_region",
                "dst_city",
                "dst_hostname",
                "dst_naics",
                "dst_sector",
                "public_source",
                "infection",
                "family",
                "tag",
                "application",
                "version",
                "event_id",
            ],
            Report::Blocklist => &[
                "timestamp",
                "ip",
                "hostname",
                "source",
                "reason",
                "asn",
                "geo",
                "region",
                "city",
                "naics",
                "sic",
                "sector",
                "tag",
            ],
            Report::MalwareUrl => &[
                "timestamp",
                "url",
                "host",
                "ip",
                "asn",
                "geo",
                "region",
                "city",
                "naics",
                "sector",
                "tag",
                "source",
                "sha256",
                "application",
            ],
            Report::PhishUrl => &[
                "timestamp",
                "url",
                "host",
                "ip",
                "asn",
                "geo",
                "region",
                "city",
                "naics",
                "sector",
                "source",
            ],
        }
    }
}

/// Malware families of the time (2016–2019), for sinkhole rows.
const FAMILIES: [&str; 8] = [
    "necurs",
    "andromeda",
    "conficker",
    "ramnit",
    "mirai",
    "nymaim",
    "emotet",
    "trickbot",
];

/// One feed file, ready to ingest.
#[derive(Debug, Clone)]
pub struct FeedFile {
    /// The file's name, which tells the Shadowserver reader its report type.
    pub file_name: String,
    /// The report type, e.g. `event4_sinkhole`.
    pub report_type: &'static str,
    /// The CSV, header first.
    pub contents: Vec<u8>,
    /// Data rows (events) in the file.
    pub rows: u64,
}

/// Distinct addresses and events, counted from the rows written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterExpected {
    /// The paper's period, first day (`YYYY-MM-DD`).
    pub period_from: String,
    /// The paper's period, last day.
    pub period_to: String,
    /// Events written (every one distinct: a correct ingest stores them all).
    pub events: u64,
    /// Events per report type (file).
    pub events_by_report: BTreeMap<String, u64>,
    /// Distinct addresses over every file.
    pub distinct_addresses: u64,
    /// Distinct addresses seen in the paper's period: [`PAPER_ADDRESSES`].
    pub distinct_in_period: u64,
    /// Distinct addresses in the period by the owner's district (ONS code).
    pub in_period_by_district: BTreeMap<String, u64>,
    /// Distinct addresses in the period by classification type.
    pub in_period_by_type: BTreeMap<String, u64>,
    /// Distinct addresses in the period by owning organisation.
    pub in_period_by_organisation: BTreeMap<String, u64>,
    /// Organisations with addresses seen in the 30 days before [`DIGESTS_AT`]: those a
    /// digest is queued for.
    pub recent_organisations: BTreeSet<String>,
}

/// The demo register: organisations, feed files and what they hold.
#[derive(Debug, Clone)]
pub struct RegisterDemo {
    /// The organisations to register before the feeds are read.
    pub organisations: Vec<Organisation>,
    /// Shadowserver-format files, one per report type.
    pub files: Vec<FeedFile>,
    /// What a correct ingest must find.
    pub expected: RegisterExpected,
}

/// One sighting to write.
struct Sighting {
    report: Report,
    partner: usize,
    address: u32,
    at: PrimitiveDateTime,
}

/// A window of days and how many addresses are active in it.
struct Window {
    from: Date,
    /// The day after the window.
    end: Date,
    addresses: u64,
}

/// The windows outside the paper's period, each with its volume of addresses (addresses
/// may recur between windows, as reinfected machines do).
fn other_windows() -> [Window; 7] {
    let window = |from: Date, end: Date, addresses: u64| Window {
        from,
        end,
        addresses,
    };
    [
        window(FEEDS_FROM, PAPER_FROM, 820),
        window(date!(2017 - 10 - 01), date!(2018 - 04 - 01), 900),
        window(date!(2018 - 04 - 01), date!(2018 - 10 - 01), 870),
        window(date!(2018 - 10 - 01), date!(2019 - 04 - 01), 830),
        window(date!(2019 - 04 - 01), date!(2019 - 10 - 01), 780),
        window(date!(2019 - 10 - 01), date!(2019 - 12 - 02), 420),
        window(date!(2019 - 12 - 02), FEEDS_END, 0),
    ]
}

/// A random moment in `[from, end)`.
fn moment<R: Rng>(rng: &mut R, from: Date, end: Date) -> PrimitiveDateTime {
    let days = (end - from).whole_days().max(1);
    let day = from + Duration::days(rng.random_range(0..days));
    let seconds = rng.random_range(0..86_400_i64);
    day.midnight() + Duration::seconds(seconds)
}

/// Sightings of one address within `[from, end)`: a first sighting, then up to four
/// more over the following weeks (never past `end`), at distinct moments.
fn sightings_of<R: Rng>(
    rng: &mut R,
    report: Report,
    partner: usize,
    address: u32,
    from: Date,
    end: Date,
    out: &mut Vec<Sighting>,
) {
    let first = moment(rng, from, end);
    let mut seen = HashSet::new();
    seen.insert(first);
    out.push(Sighting {
        report,
        partner,
        address,
        at: first,
    });
    let more = rng.random_range(0..5_u32);
    for _ in 0..more {
        let later = first + Duration::seconds(rng.random_range(3_600..40 * 86_400_i64));
        if later.date() < end && seen.insert(later) {
            out.push(Sighting {
                report,
                partner,
                address,
                at: later,
            });
        }
    }
}

/// Picks `count` distinct addresses in a partner's network (never its first or last).
fn addresses_in<R: Rng>(rng: &mut R, partner: usize, count: u64) -> Vec<u32> {
    let (first, size) = Partner::network(partner);
    let usable = (size - 2) as usize;
    let count = (count as usize).min(usable);
    sample(rng, usable, count)
        .into_iter()
        .map(|offset| first + 1 + offset as u32)
        .collect()
}

/// Builds the demo register for a seed: organisations, one Shadowserver-format file per
/// report type, and what they hold.
///
/// Errors: only if writing CSV to memory fails, which it does not.
pub fn generate_register(seed: u64) -> io::Result<RegisterDemo> {
    let mut rng = stream(seed, STREAM_REGISTER);
    let weights: Vec<f64> = PARTNERS.iter().map(|p| p.weight).collect();
    let reports = Weighted::new([
        (Report::Sinkhole, 0.55),
        (Report::Blocklist, 0.20),
        (Report::MalwareUrl, 0.13),
        (Report::PhishUrl, 0.12),
    ]);
    let period_end = PAPER_TO + Duration::days(1);
    let mut sightings = Vec::new();
    // The paper's period: exactly PAPER_ADDRESSES distinct addresses, apportioned by
    // weight (distinct within a partner by sampling without replacement; partners'
    // networks do not overlap).
    for (partner, count) in apportion(&weights, PAPER_ADDRESSES).into_iter().enumerate() {
        for address in addresses_in(&mut rng, partner, count) {
            let report = reports.sample(&mut rng);
            sightings_of(
                &mut rng,
                report,
                partner,
                address,
                PAPER_FROM,
                period_end,
                &mut sightings,
            );
        }
    }
    // Every other window, with its own volume; December 2019 gives every partner at
    // least one recent address, so each has a digest to queue.
    for window in other_windows() {
        let counts = if window.addresses == 0 {
            weights
                .iter()
                .map(|weight| 1 + (weight / 3.0) as u64)
                .collect()
        } else {
            apportion(&weights, window.addresses)
        };
        for (partner, count) in counts.into_iter().enumerate() {
            for address in addresses_in(&mut rng, partner, count) {
                let report = reports.sample(&mut rng);
                sightings_of(
                    &mut rng,
                    report,
                    partner,
                    address,
                    window.from,
                    window.end,
                    &mut sightings,
                );
            }
        }
    }
    sightings.sort_by_key(|s| (s.report, s.at, s.address));
    let mut files = Vec::new();
    for report in Report::ALL {
        let rows: Vec<&Sighting> = sightings.iter().filter(|s| s.report == report).collect();
        files.push(write_file(&mut rng, report, &rows)?);
    }
    let expected = count(&sightings, &files);
    Ok(RegisterDemo {
        organisations: organisations(),
        files,
        expected,
    })
}

/// Counts what the files hold, from the sightings written.
fn count(sightings: &[Sighting], files: &[FeedFile]) -> RegisterExpected {
    let start = PAPER_FROM.midnight();
    let end = (PAPER_TO + Duration::days(1)).midnight();
    let recent_from = DIGESTS_AT - Duration::days(30);
    let mut all = HashSet::new();
    let mut in_period = HashSet::new();
    let mut by_district: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
    let mut by_type: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
    let mut by_organisation: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
    let mut recent = BTreeSet::new();
    for sighting in sightings {
        let partner = &PARTNERS[sighting.partner];
        all.insert(sighting.address);
        if sighting.at.assume_utc() >= recent_from {
            recent.insert(partner.name.to_owned());
        }
        if sighting.at < start || sighting.at >= end {
            continue;
        }
        in_period.insert(sighting.address);
        for (map, key) in [
            (&mut by_district, partner.district),
            (&mut by_type, sighting.report.classification_type()),
            (&mut by_organisation, partner.name),
        ] {
            map.entry(key.to_owned())
                .or_default()
                .insert(sighting.address);
        }
    }
    let sizes = |map: BTreeMap<String, HashSet<u32>>| {
        map.into_iter()
            .map(|(key, set)| (key, set.len() as u64))
            .collect()
    };
    RegisterExpected {
        period_from: PAPER_FROM.to_string(),
        period_to: PAPER_TO.to_string(),
        events: files.iter().map(|file| file.rows).sum(),
        events_by_report: files
            .iter()
            .map(|file| (file.report_type.to_owned(), file.rows))
            .collect(),
        distinct_addresses: all.len() as u64,
        distinct_in_period: in_period.len() as u64,
        in_period_by_district: sizes(by_district),
        in_period_by_type: sizes(by_type),
        in_period_by_organisation: sizes(by_organisation),
        recent_organisations: recent,
    }
}

/// Town names by district, for the `city` columns.
fn city_of(district: &str) -> &'static str {
    match district {
        "E06000016" => "LEICESTER",
        "E06000017" => "OAKHAM",
        "E07000129" => "GLENFIELD",
        "E07000130" => "LOUGHBOROUGH",
        "E07000131" => "MARKET HARBOROUGH",
        "E07000132" => "HINCKLEY",
        "E07000133" => "MELTON MOWBRAY",
        "E07000134" => "COALVILLE",
        "E07000135" => "WIGSTON",
        _ => "LEICESTER",
    }
}

/// Random lower-case hex of `bytes` bytes.
fn hex<R: Rng>(rng: &mut R, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// Writes one report type's file.
fn write_file<R: Rng>(rng: &mut R, report: Report, rows: &[&Sighting]) -> io::Result<FeedFile> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    writer.write_record(report.header())?;
    for sighting in rows {
        let partner = &PARTNERS[sighting.partner];
        let ip = Ipv4Addr::from(sighting.address).to_string();
        let timestamp = format!(
            "{} {:02}:{:02}:{:02}",
            sighting.at.date(),
            sighting.at.hour(),
            sighting.at.minute(),
            sighting.at.second()
        );
        let asn = if sighting.partner < PUBLIC_SECTOR && partner.weight >= 8.0 {
            (64_496 + sighting.partner as u32).to_string()
        } else {
            "64511".to_owned()
        };
        let city = city_of(partner.district);
        let region = if partner.district == "E06000017" {
            "RUTLAND"
        } else {
            "LEICESTERSHIRE"
        };
        let domain = partner.domain();
        let record: Vec<String> = match report {
            Report::Sinkhole => {
                let family = FAMILIES[rng.random_range(0..FAMILIES.len())];
                let sinkhole = Ipv4Addr::new(
                    SINKHOLE_NETWORK[0],
                    SINKHOLE_NETWORK[1],
                    SINKHOLE_NETWORK[2],
                    rng.random_range(1..255),
                );
                vec![
                    timestamp,
                    "tcp".into(),
                    ip,
                    rng.random_range(1_024..65_535_u32).to_string(),
                    asn,
                    "GB".into(),
                    region.into(),
                    city.into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    sinkhole.to_string(),
                    "80".into(),
                    "64500".into(),
                    "GB".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "synthetic-demo".into(),
                    family.into(),
                    family.into(),
                    String::new(),
                    "http".into(),
                    String::new(),
                    String::new(),
                ]
            }
            Report::Blocklist => vec![
                timestamp,
                ip,
                String::new(),
                "Synthetic demo blocklist".into(),
                "Malicious host (synthetic)".into(),
                asn,
                "GB".into(),
                region.into(),
                city.into(),
                String::new(),
                "0".into(),
                String::new(),
                String::new(),
            ],
            Report::MalwareUrl => {
                let host = format!("files.{domain}");
                vec![
                    timestamp,
                    format!("http://{host}/downloads/{}/invoice.doc", hex(rng, 4)),
                    host,
                    ip,
                    asn,
                    "GB".into(),
                    region.into(),
                    city.into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "synthetic-demo".into(),
                    hex(rng, 32),
                    "http".into(),
                ]
            }
            Report::PhishUrl => {
                let host = format!("www.{domain}");
                vec![
                    timestamp,
                    format!("https://{host}/{}/sign-in/", hex(rng, 3)),
                    host,
                    ip,
                    asn,
                    "GB".into(),
                    region.into(),
                    city.into(),
                    String::new(),
                    String::new(),
                    "synthetic-demo".into(),
                ]
            }
        };
        writer.write_record(&record)?;
    }
    let contents = writer
        .into_inner()
        .map_err(|error| io::Error::other(error.to_string()))?;
    Ok(FeedFile {
        file_name: format!("{}-synthetic-demo.csv", report.name()),
        report_type: report.name(),
        contents,
        rows: rows.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_networks_do_not_overlap_and_stay_in_reserved_ranges() {
        let organisations = organisations();
        let v4: Vec<Cidr> = organisations
            .iter()
            .flat_map(|o| o.networks.iter().copied())
            .filter(|n| n.address().is_ipv4())
            .collect();
        for (index, network) in v4.iter().enumerate() {
            let reserved = ["198.18.0.0/15", "198.51.100.0/24"]
                .iter()
                .filter_map(|r| r.parse::<Cidr>().ok())
                .any(|r| r.contains(network.address()));
            assert!(reserved, "{network} is not in a reserved range");
            for other in &v4[index + 1..] {
                assert!(!other.contains(network.address()) && !network.contains(other.address()));
            }
        }
        assert!(
            organisations
                .iter()
                .all(|o| o.name.ends_with("(synthetic)"))
        );
        assert!(
            organisations
                .iter()
                .flat_map(|o| &o.contacts)
                .all(|c| c.ends_with(".example"))
        );
        assert!(organisations.iter().any(|o| o.name == PARTNER_ORGANISATION));
        assert!(
            organisations
                .iter()
                .any(|o| o.name == BUSINESS_ORGANISATION)
        );
    }
}

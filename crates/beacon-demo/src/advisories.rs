//! The demo's partner advisories: real advisories (CISA KEV-format entries, NVD records
//! with their CPE configurations, a CSAF 2.0 advisory by the partnership, RSS news, all
//! in `data/demo/advisories/`, descriptions in our own words), advisory contacts and an
//! inventory for the synthetic partner organisations of [`crate::register`], and a
//! scripted fortnight of partners acting on their notices, so a new user sees the whole
//! loop working: matching, notices, acknowledgements, fixes, the overdue queue,
//! escalations and digests.
//!
//! The inventory names real product identifiers, some in an affected version and some
//! in the fixed one, so matching has something to get right: FortiOS 7.2.4 (affected by
//! CVE-2024-21762) and 7.4.3 (fixed), NetScaler ADC and Gateway 13.1-49.13 (CVE-2023-4966)
//! and 13.1-49.15, PAN-OS 10.2.8 and 11.1.1 (CVE-2024-3400) and 11.1.2, MOVEit Transfer
//! 2022.1.3 (CVE-2023-34362) and 2023.0.1, ScreenConnect 23.9.7 (CVE-2024-1709) and
//! 23.9.8, Zyxel ATP100 firmware 5.10 on ATP100 hardware (CVE-2023-28771, an AND
//! configuration) and 5.36, log4j-core 2.14.1 (CVE-2021-44228) and 2.17.1, and products
//! nothing in the demo names (Microsoft Exchange Server 2019, SharePoint Server 2019).
//!
//! The timeline uses a fixed demo clock: advisories are loaded at [`INGEST_AT`], before
//! any inventory exists; contacts and inventories are imported at [`IMPORT_AT`], which
//! opens the notices; partners act over the following days ([`story_of`]); one round of
//! chasing runs at [`CHASE_AT`].
//!
//! **Invariants:** nothing is random, so the files and the figures are the same every
//! time; every organisation named is one of [`crate::register::organisations`]; every
//! person is synthetic and every email address ends in `.example` (RFC 2606); the loader
//! goes through `beacon-app`'s use cases only, as a partner and the CLI would.

use beacon_analytics::advisories::ChaseRules;
use beacon_app::advisories::chase::{ChaseOutcome, chase_notices};
use beacon_app::advisories::inventory::{import_contacts, import_inventory};
use beacon_app::advisories::tracking::{acknowledge, set_status};
use beacon_app::advisories::{
    AdvisoryIngestError, AdvisoryOptions, InventoryError, ingest_advisory_file,
};
use beacon_app::notify::NotifySettings;
use beacon_core::{AssetStatus, ContactRole, Delivery};
use beacon_store::advisories::{MatchFilter, NoticeFilter, StatusChange};
use beacon_store::{Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// When the demo's advisory files are loaded: before any inventory exists, so nothing
/// matches yet (15 April 2024, 08:00 UTC; the newest advisory is from 12 April).
pub const INGEST_AT: OffsetDateTime = datetime!(2024-04-15 08:00 UTC);
/// When the contacts and inventories are imported, which matches them and opens the
/// notices.
pub const IMPORT_AT: OffsetDateTime = datetime!(2024-04-15 09:00 UTC);
/// When the one round of reminders, escalations and daily digests runs.
pub const CHASE_AT: OffsetDateTime = datetime!(2024-04-29 09:00 UTC);

/// One of the demo's advisory files, as shipped in `data/demo/advisories/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdvisoryFile {
    /// Its file name.
    pub file_name: &'static str,
    /// Its bytes.
    pub contents: &'static [u8],
}

/// The demo's advisory files in the order they are loaded: KEV, then the NVD records
/// that give its entries product data, the partnership's CSAF advisory, the news feed.
pub fn files() -> [AdvisoryFile; 4] {
    [
        AdvisoryFile {
            file_name: "kev-demo.json",
            contents: include_bytes!("../../../data/demo/advisories/kev-demo.json"),
        },
        AdvisoryFile {
            file_name: "nvd-demo.json",
            contents: include_bytes!("../../../data/demo/advisories/nvd-demo.json"),
        },
        AdvisoryFile {
            file_name: "llr-2021-001.csaf.json",
            contents: include_bytes!("../../../data/demo/advisories/llr-2021-001.csaf.json"),
        },
        AdvisoryFile {
            file_name: "ncsc-style-news.xml",
            contents: include_bytes!("../../../data/demo/advisories/ncsc-style-news.xml"),
        },
    ]
}

/// A product a demo asset runs, and how the partner wrote it down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Product {
    /// FortiOS 7.2.4: affected by CVE-2024-21762 (7.2.0 before 7.2.7).
    FortiOsAffected,
    /// FortiOS 7.4.3: the fixed release of the 7.4 line.
    FortiOsFixed,
    /// NetScaler ADC 13.1-49.13: affected by CVE-2023-4966.
    NetScalerAdcAffected,
    /// NetScaler ADC 13.1-49.15: the fixed build.
    NetScalerAdcFixed,
    /// NetScaler Gateway 13.1-49.13: affected by CVE-2023-4966.
    NetScalerGatewayAffected,
    /// PAN-OS 10.2.8: affected by CVE-2024-3400.
    PanOs1028,
    /// PAN-OS 11.1.1: affected by CVE-2024-3400.
    PanOs1111,
    /// PAN-OS 11.1.2: fixed.
    PanOs1112,
    /// MOVEit Transfer 2022.1.3 (by CPE): affected by CVE-2023-34362.
    MoveItAffected,
    /// MOVEit Transfer 2023.0.1 (by vendor, product and version): fixed.
    MoveItFixed,
    /// ScreenConnect 23.9.7 (by vendor, product and version): affected by CVE-2024-1709.
    ScreenConnectAffected,
    /// ScreenConnect 23.9.8 (by CPE): fixed.
    ScreenConnectFixed,
    /// Zyxel ATP100 firmware 5.10 on ATP100 hardware: affected by CVE-2023-28771.
    ZyxelAffected,
    /// Zyxel ATP100 firmware 5.36 on ATP100 hardware: fixed.
    ZyxelFixed,
    /// Zyxel ATP100 firmware 5.10 with no hardware recorded: NVD's AND configuration
    /// needs the ATP100 hardware too, so this is not matched.
    ZyxelFirmwareOnly,
    /// log4j-core 2.14.1 (by purl): affected by CVE-2021-44228.
    Log4jAffected,
    /// log4j-core 2.17.1 (by purl): fixed.
    Log4jFixed,
    /// Microsoft Exchange Server 2019 (by words): no demo advisory names it.
    Exchange2019,
    /// Microsoft SharePoint Server 2019 (by words): no demo advisory names it.
    SharePoint2019,
}

impl Product {
    /// The inventory rows' `cpe, purl, vendor, product, version` cells, one row per
    /// product entry (the Zyxel firewalls record firmware and hardware).
    fn entries(self) -> Vec<[&'static str; 5]> {
        let cpe = |cpe| [cpe, "", "", "", ""];
        match self {
            Product::FortiOsAffected => vec![cpe("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")],
            Product::FortiOsFixed => vec![cpe("cpe:2.3:o:fortinet:fortios:7.4.3:*:*:*:*:*:*:*")],
            Product::NetScalerAdcAffected => vec![cpe(
                "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:*:*:*:*:*:*:*",
            )],
            Product::NetScalerAdcFixed => vec![cpe(
                "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.15:*:*:*:*:*:*:*",
            )],
            Product::NetScalerGatewayAffected => vec![cpe(
                "cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:*:*:*:*",
            )],
            Product::PanOs1028 => vec![cpe(
                "cpe:2.3:o:paloaltonetworks:pan-os:10.2.8:*:*:*:*:*:*:*",
            )],
            Product::PanOs1111 => vec![cpe(
                "cpe:2.3:o:paloaltonetworks:pan-os:11.1.1:*:*:*:*:*:*:*",
            )],
            Product::PanOs1112 => vec![cpe(
                "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*",
            )],
            Product::MoveItAffected => vec![cpe(
                "cpe:2.3:a:progress:moveit_transfer:2022.1.3:*:*:*:*:*:*:*",
            )],
            Product::MoveItFixed => vec![["", "", "Progress", "MOVEit Transfer", "2023.0.1"]],
            Product::ScreenConnectAffected => {
                vec![["", "", "ConnectWise", "ScreenConnect", "23.9.7"]]
            }
            Product::ScreenConnectFixed => vec![cpe(
                "cpe:2.3:a:connectwise:screenconnect:23.9.8:*:*:*:*:*:*:*",
            )],
            Product::ZyxelAffected => vec![
                cpe("cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*"),
                cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*"),
            ],
            Product::ZyxelFixed => vec![
                cpe("cpe:2.3:o:zyxel:atp100_firmware:5.36:*:*:*:*:*:*:*"),
                cpe("cpe:2.3:h:zyxel:atp100:-:*:*:*:*:*:*:*"),
            ],
            Product::ZyxelFirmwareOnly => {
                vec![cpe("cpe:2.3:o:zyxel:atp100_firmware:5.10:*:*:*:*:*:*:*")]
            }
            Product::Log4jAffected => vec![[
                "",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "",
                "",
                "",
            ]],
            Product::Log4jFixed => vec![[
                "",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
                "",
                "",
                "",
            ]],
            Product::Exchange2019 => vec![["", "", "Microsoft", "Exchange Server", "2019"]],
            Product::SharePoint2019 => {
                vec![["", "", "Microsoft", "SharePoint Server", "2019"]]
            }
        }
    }

    /// The inventory's `kind` for an asset running this.
    fn kind(self) -> &'static str {
        match self {
            Product::FortiOsAffected
            | Product::FortiOsFixed
            | Product::PanOs1028
            | Product::PanOs1111
            | Product::PanOs1112
            | Product::ZyxelAffected
            | Product::ZyxelFixed
            | Product::ZyxelFirmwareOnly => "firewall",
            Product::NetScalerAdcAffected
            | Product::NetScalerAdcFixed
            | Product::NetScalerGatewayAffected => "vpn-gateway",
            Product::MoveItAffected | Product::MoveItFixed => "file-transfer",
            Product::ScreenConnectAffected | Product::ScreenConnectFixed => "remote-support",
            Product::Log4jAffected | Product::Log4jFixed => "java-application",
            Product::Exchange2019 | Product::SharePoint2019 => "server",
        }
    }

    /// True for the products a demo advisory affects (and matching must find).
    pub fn is_affected(self) -> bool {
        matches!(
            self,
            Product::FortiOsAffected
                | Product::NetScalerAdcAffected
                | Product::NetScalerGatewayAffected
                | Product::PanOs1028
                | Product::PanOs1111
                | Product::MoveItAffected
                | Product::ScreenConnectAffected
                | Product::ZyxelAffected
                | Product::Log4jAffected
        )
    }
}

/// What the partner does about an affected asset after the notice reaches them, in
/// hours after [`IMPORT_AT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Story {
    /// Nothing to do: the asset is not affected, or the partner has not looked yet.
    Silent,
    /// Acknowledged, worked on and fixed.
    Fixed {
        /// Hours to acknowledge.
        acknowledged: i64,
        /// Hours to fix.
        fixed: i64,
    },
    /// Checked and found not affected.
    NotAffected {
        /// Hours to decide.
        decided: i64,
    },
    /// Acknowledged and being worked on, not yet fixed.
    InProgress {
        /// Hours to acknowledge.
        acknowledged: i64,
    },
}

/// One asset of a demo partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAsset {
    /// Index into [`crate::register::organisations`].
    pub organisation: usize,
    /// The asset's name.
    pub name: &'static str,
    /// What it runs.
    pub product: Product,
    /// What the partner does about it (only matters when it is matched).
    pub story: Story,
}

const fn asset(
    organisation: usize,
    name: &'static str,
    product: Product,
    story: Story,
) -> DemoAsset {
    DemoAsset {
        organisation,
        name,
        product,
        story,
    }
}

const fn fixed(acknowledged: i64, days: i64) -> Story {
    Story::Fixed {
        acknowledged,
        fixed: days * 24,
    }
}

const SILENT: Story = Story::Silent;

/// The demo inventory: 57 assets of 20 partners. Indexes are those of
/// [`crate::register::organisations`] (0 is Leicester City Council, the demo partner
/// account's organisation: some of its notices fixed, some open).
#[rustfmt::skip]
const ASSETS: [DemoAsset; 57] = {
    use Product::*;
    [
        asset(0, "Internet firewall", FortiOsAffected, fixed(1, 2)),
        asset(0, "Remote access gateway", NetScalerAdcAffected, Story::InProgress { acknowledged: 3 }),
        asset(0, "Secure file transfer", MoveItAffected, fixed(2, 5)),
        asset(0, "Housing repairs system", Log4jAffected, Story::InProgress { acknowledged: 4 }),
        asset(0, "Planning portal", Log4jFixed, SILENT),
        asset(0, "Email", Exchange2019, SILENT),
        asset(1, "Perimeter firewall", PanOs1111, fixed(2, 1)),
        asset(1, "Staff VPN", NetScalerAdcFixed, SILENT),
        asset(1, "Social care case system", Log4jAffected, fixed(5, 9)),
        asset(1, "Email", Exchange2019, SILENT),
        asset(2, "Office firewall", ZyxelAffected, SILENT),
        asset(2, "IT support remote access", ScreenConnectAffected, fixed(6, 3)),
        asset(3, "Firewall", FortiOsFixed, SILENT),
        asset(3, "Remote access", NetScalerGatewayAffected, fixed(3, 6)),
        asset(4, "Perimeter firewall", ZyxelAffected, fixed(2, 4)),
        asset(4, "Depot firewall", ZyxelFirmwareOnly, SILENT),
        asset(4, "Intranet", SharePoint2019, SILENT),
        asset(5, "Firewall", FortiOsAffected, Story::NotAffected { decided: 6 }),
        asset(5, "File exchange", MoveItFixed, SILENT),
        asset(6, "Firewall", PanOs1028, Story::InProgress { acknowledged: 20 }),
        asset(6, "Revenues and benefits", Log4jFixed, SILENT),
        asset(7, "Firewall", ZyxelFixed, SILENT),
        asset(7, "Remote support", ScreenConnectFixed, SILENT),
        asset(8, "Firewall", FortiOsAffected, SILENT),
        asset(8, "Remote support", ScreenConnectAffected, SILENT),
        asset(9, "Firewall", ZyxelFixed, SILENT),
        asset(9, "Email", Exchange2019, SILENT),
        asset(10, "Clinical remote access", NetScalerAdcAffected, fixed(1, 2)),
        asset(10, "Staff remote access", NetScalerGatewayAffected, Story::InProgress { acknowledged: 2 }),
        asset(10, "Pathology results transfer", MoveItAffected, fixed(1, 1)),
        asset(10, "Patient portal", Log4jAffected, fixed(3, 7)),
        asset(10, "Imaging archive", Log4jFixed, SILENT),
        asset(10, "Data centre firewall", PanOs1112, SILENT),
        asset(11, "Firewall", PanOs1028, fixed(4, 2)),
        asset(11, "Community care app", Log4jAffected, Story::NotAffected { decided: 30 }),
        asset(11, "Email", Exchange2019, SILENT),
        asset(12, "Firewall", FortiOsFixed, SILENT),
        asset(12, "Mobilising remote support", ScreenConnectAffected, fixed(1, 1)),
        asset(13, "Campus firewall", PanOs1111, fixed(2, 3)),
        asset(13, "Research data transfer", MoveItAffected, Story::InProgress { acknowledged: 8 }),
        asset(13, "Library system", Log4jAffected, fixed(5, 10)),
        asset(13, "Student VPN", NetScalerAdcFixed, SILENT),
        asset(14, "Campus firewall", FortiOsAffected, fixed(2, 1)),
        asset(14, "Staff VPN", NetScalerGatewayAffected, SILENT),
        asset(14, "Timetabling", Log4jFixed, SILENT),
        asset(15, "Campus firewall", PanOs1112, SILENT),
        asset(15, "Research VPN", NetScalerAdcAffected, fixed(3, 3)),
        asset(15, "Helpdesk remote support", ScreenConnectFixed, SILENT),
        asset(15, "Research portal", Log4jAffected, Story::InProgress { acknowledged: 26 }),
        asset(16, "Office firewall", ZyxelAffected, fixed(4, 2)),
        asset(16, "Warehouse system", Log4jAffected, SILENT),
        asset(17, "Workshop firewall", ZyxelFirmwareOnly, SILENT),
        asset(17, "Supplier remote support", ScreenConnectAffected, fixed(8, 4)),
        asset(18, "Firewall", FortiOsAffected, Story::InProgress { acknowledged: 28 }),
        asset(18, "Customer file transfer", MoveItFixed, SILENT),
        asset(19, "Firewall", ZyxelFixed, SILENT),
        asset(19, "Email", Exchange2019, SILENT),
    ]
};

/// The demo inventory's assets.
pub fn assets() -> &'static [DemoAsset] {
    &ASSETS
}

/// What the demo partner does about the matched asset `name` of `organisation`.
pub fn story_of(organisation: &str, name: &str) -> Option<Story> {
    let organisations = crate::register::organisations();
    ASSETS
        .iter()
        .find(|a| {
            a.name == name
                && organisations
                    .get(a.organisation)
                    .is_some_and(|o| o.name == organisation)
        })
        .map(|a| a.story)
}

/// Synthetic first names and surnames for the demo's contacts.
const FIRST_NAMES: [&str; 12] = [
    "Priya", "Sam", "Alex", "Jordan", "Amira", "Tom", "Harjit", "Chloe", "Dev", "Grace", "Imran",
    "Lucy",
];
const SURNAMES: [&str; 11] = [
    "Shah", "Patel", "Green", "Okafor", "Mistry", "Walsh", "Kaur", "Bennett", "Hussain", "Clarke",
    "Novak",
];

/// The partners with a deputy IT contact.
const DEPUTIES: [usize; 5] = [0, 1, 10, 13, 15];
/// The businesses (indexes from 16) with an IT manager on the contact list.
const BUSINESS_IT_MANAGERS: [usize; 4] = [16, 17, 18, 19];
/// The businesses with a senior responsible owner on the contact list.
const BUSINESS_OWNERS: [usize; 2] = [16, 18];
/// The IT managers who want one message a day rather than one per advisory.
const DAILY_DIGEST: [usize; 2] = [2, 8];
/// How many of the organisations are public sector (as in the register).
const PUBLIC_SECTOR: usize = 16;

/// One advisory contact, as the contacts CSV holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoContact {
    /// The organisation's name.
    pub organisation: String,
    /// A synthetic person's name.
    pub name: String,
    /// Their address under the organisation's `.example` domain.
    pub email: String,
    /// Their role.
    pub role: ContactRole,
    /// How they want notices.
    pub delivery: Delivery,
}

/// The demo's advisory contacts: an IT manager for every public-sector partner and four
/// businesses, a deputy for five, a senior responsible owner for eighteen; two IT
/// managers take the daily digest.
pub fn contacts() -> Vec<DemoContact> {
    let organisations = crate::register::organisations();
    let mut contacts = Vec::new();
    let mut person = 0usize;
    let mut next_name = || {
        let name = format!(
            "{} {}",
            FIRST_NAMES[person % FIRST_NAMES.len()],
            SURNAMES[(person * 5 + person / SURNAMES.len()) % SURNAMES.len()]
        );
        person += 1;
        name
    };
    for (index, organisation) in organisations.iter().enumerate() {
        let domain = organisation
            .domains
            .first()
            .cloned()
            .unwrap_or_else(|| "partner.example".to_owned());
        let public = index < PUBLIC_SECTOR;
        let mut add = |role: ContactRole, delivery: Delivery, name: String| {
            let email = format!("{}@{domain}", name.to_lowercase().replace(' ', "."));
            contacts.push(DemoContact {
                organisation: organisation.name.clone(),
                name,
                email,
                role,
                delivery,
            });
        };
        if public || BUSINESS_IT_MANAGERS.contains(&index) {
            let delivery = if DAILY_DIGEST.contains(&index) {
                Delivery::DailyDigest
            } else {
                Delivery::Immediate
            };
            add(ContactRole::ItManager, delivery, next_name());
        }
        if DEPUTIES.contains(&index) {
            add(ContactRole::Deputy, Delivery::Immediate, next_name());
        }
        if public || BUSINESS_OWNERS.contains(&index) {
            add(
                ContactRole::SeniorResponsibleOwner,
                Delivery::Immediate,
                next_name(),
            );
        }
    }
    contacts
}

/// Writes rows as CSV into a string (the cells are plain text, so writing to memory
/// cannot fail except on a bug).
fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let write = || -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        Ok(writer.into_inner().map_err(|error| error.to_string())?)
    };
    let bytes = write().expect("CSV of plain strings into memory always writes");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

/// The contacts as a CSV for `beacon inventory contacts`
/// (`organisation,name,email,role,delivery`).
pub fn contacts_csv() -> String {
    let rows: Vec<Vec<String>> = contacts()
        .into_iter()
        .map(|c| {
            vec![
                c.organisation,
                c.name,
                c.email,
                c.role.as_str().to_owned(),
                c.delivery.as_str().to_owned(),
            ]
        })
        .collect();
    csv_text(
        &["organisation", "name", "email", "role", "delivery"],
        &rows,
    )
}

/// The inventory as a CSV for `beacon inventory import`
/// (`organisation,asset,kind,cpe,purl,vendor,product,version`; one row per product).
pub fn inventory_csv() -> String {
    let organisations = crate::register::organisations();
    let mut rows = Vec::new();
    for asset in &ASSETS {
        let organisation = organisations
            .get(asset.organisation)
            .map_or_else(String::new, |o| o.name.clone());
        for entry in asset.product.entries() {
            let mut row = vec![
                organisation.clone(),
                asset.name.to_owned(),
                asset.product.kind().to_owned(),
            ];
            row.extend(entry.iter().map(|cell| (*cell).to_owned()));
            rows.push(row);
        }
    }
    csv_text(
        &[
            "organisation",
            "asset",
            "kind",
            "cpe",
            "purl",
            "vendor",
            "product",
            "version",
        ],
        &rows,
    )
}

/// Why the demo's advisories could not be loaded. The demo's own files always load, so
/// any of these is a bug or a failing store.
#[derive(Debug, thiserror::Error)]
pub enum DemoAdvisoriesError {
    /// An advisory file was refused.
    #[error("while loading the demo advisory {0}: {1}")]
    Ingest(&'static str, AdvisoryIngestError),
    /// The contacts or inventory file was refused.
    #[error("while importing the demo {0}: {1}")]
    Inventory(&'static str, InventoryError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something the script relies on is missing (an organisation not registered).
    #[error("the demo advisories need {0}")]
    Missing(String),
}

/// What loading the demo's advisories did, for `beacon demo` to print.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DemoAdvisoriesOutcome {
    /// Advisories stored from the demo files.
    pub advisories: u64,
    /// Contacts imported.
    pub contacts: u64,
    /// Assets imported.
    pub assets: u64,
    /// Matches held after the import.
    pub matches: u64,
    /// Notices opened by the import.
    pub notices: u64,
    /// Partners with at least one notice.
    pub partners_affected: u64,
    /// Advisories with at least one notice.
    pub advisories_affecting_partners: u64,
    /// Letters queued when the notices opened.
    pub letters: u64,
    /// Partner actions recorded (acknowledgements and asset statuses).
    pub actions: u64,
    /// Notices closed by the end of the script.
    pub closed: u64,
    /// Notices open past their due date at [`CHASE_AT`].
    pub overdue: u64,
    /// Median days from notice to fix over the closed notices, at [`CHASE_AT`].
    pub median_days_to_fix: Option<f64>,
    /// What the round of chasing queued.
    pub chase: ChaseOutcome,
}

/// One scripted partner action.
struct Action {
    at: OffsetDateTime,
    organisation_id: i64,
    notice_id: i64,
    asset_id: Option<i64>,
    status: Option<AssetStatus>,
    by: String,
    note: &'static str,
}

/// Loads the demo's advisories, contacts and inventories into a store that already
/// holds the demo's organisations ([`crate::register::organisations`]), plays the
/// partners' fortnight, and runs one round of chasing: everything through the
/// application layer, at the demo clock's times.
pub fn load_advisories(
    store: &mut dyn Store,
    settings: &NotifySettings,
) -> Result<DemoAdvisoriesOutcome, DemoAdvisoriesError> {
    let mut outcome = DemoAdvisoriesOutcome::default();
    for file in files() {
        let source = format!("demo (synthetic) {}", file.file_name);
        let ingested = ingest_advisory_file(
            store,
            &source,
            file.contents,
            &AdvisoryOptions::default(),
            INGEST_AT,
            settings,
        )
        .map_err(|error| DemoAdvisoriesError::Ingest(file.file_name, error))?;
        outcome.advisories += ingested.stored;
    }
    let contacts = import_contacts(store, contacts_csv().as_bytes())
        .map_err(|error| DemoAdvisoriesError::Inventory("contacts", error))?;
    outcome.contacts = contacts.contacts;
    let inventory = import_inventory(store, inventory_csv().as_bytes(), IMPORT_AT, settings)
        .map_err(|error| DemoAdvisoriesError::Inventory("inventory", error))?;
    outcome.assets = inventory.assets;
    outcome.matches = inventory.matches;
    outcome.notices = inventory.notices.opened;
    outcome.letters = inventory.notices.letters;

    let actions = script(store)?;
    for action in &actions {
        let done = match (action.asset_id, action.status) {
            (Some(asset_id), Some(status)) => set_status(
                store,
                &StatusChange {
                    notice_id: action.notice_id,
                    asset_id,
                    status,
                    by: action.by.clone(),
                    note: action.note.to_owned(),
                    at: action.at,
                },
                Some(action.organisation_id),
            )?,
            _ => acknowledge(
                store,
                action.notice_id,
                Some(action.organisation_id),
                &action.by,
                action.at,
            )?,
        };
        outcome.actions += u64::from(done);
    }

    let notices = store.notices(&NoticeFilter::default())?;
    let partners: BTreeSet<i64> = notices.iter().map(|n| n.organisation_id).collect();
    let advisories: BTreeSet<i64> = notices.iter().map(|n| n.advisory_id).collect();
    outcome.partners_affected = partners.len() as u64;
    outcome.advisories_affecting_partners = advisories.len() as u64;
    let status = beacon_app::advisories::status::status(store, None, None, CHASE_AT)?;
    outcome.closed = status.area.closed;
    outcome.overdue = status.area.overdue;
    outcome.median_days_to_fix = status.area.median_days_to_fix;
    outcome.chase = chase_notices(store, CHASE_AT, &ChaseRules::default(), settings)?;
    Ok(outcome)
}

/// The partners' actions, in time order: for each matched asset with a story, on every
/// notice that matched it (log4j-core is matched by the KEV entry and by the
/// partnership's own advisory).
fn script(store: &mut dyn Store) -> Result<Vec<Action>, DemoAdvisoriesError> {
    let registered = store.organisations()?;
    let ids: BTreeMap<&str, i64> = registered
        .iter()
        .map(|o| (o.organisation.name.as_str(), o.id))
        .collect();
    let it_managers: BTreeMap<String, String> = contacts()
        .into_iter()
        .filter(|c| c.role == ContactRole::ItManager)
        .map(|c| (c.organisation, c.name))
        .collect();
    let organisations = crate::register::organisations();
    let mut actions = Vec::new();
    let mut seen = BTreeSet::new();
    for demo in &ASSETS {
        if demo.story == Story::Silent {
            continue;
        }
        let name = organisations
            .get(demo.organisation)
            .map(|o| o.name.clone())
            .ok_or_else(|| {
                DemoAdvisoriesError::Missing(format!("organisation {}", demo.organisation))
            })?;
        let organisation_id = *ids
            .get(name.as_str())
            .ok_or_else(|| DemoAdvisoriesError::Missing(format!("{name} in the register")))?;
        let by = it_managers
            .get(&name)
            .cloned()
            .unwrap_or_else(|| format!("IT team, {name}"));
        let matches = store.matches(&MatchFilter {
            organisation_id: Some(organisation_id),
            advisory_id: None,
        })?;
        for found in matches.iter().filter(|m| m.asset == demo.name) {
            let notices = store.notices(&NoticeFilter {
                organisation_id: Some(organisation_id),
                advisory_id: Some(found.record.advisory_id),
                open_only: false,
            })?;
            // NVD records covered by a KEV entry hold matches but no notice of their own.
            let Some(notice) = notices.first() else {
                continue;
            };
            if !seen.insert((notice.id, found.record.asset_id)) {
                continue;
            }
            let at = |hours: i64| IMPORT_AT + Duration::hours(hours);
            let mut push = |at, status: Option<AssetStatus>, note| {
                actions.push(Action {
                    at,
                    organisation_id,
                    notice_id: notice.id,
                    asset_id: status.map(|_| found.record.asset_id),
                    status,
                    by: by.clone(),
                    note,
                });
            };
            match demo.story {
                Story::Silent => {}
                Story::Fixed {
                    acknowledged,
                    fixed,
                } => {
                    push(at(acknowledged), None, "");
                    push(
                        at(acknowledged + 1),
                        Some(AssetStatus::InProgress),
                        "Change raised to apply the vendor's fix.",
                    );
                    push(
                        at(fixed),
                        Some(AssetStatus::Fixed),
                        "Vendor's fixed release installed and checked.",
                    );
                }
                Story::NotAffected { decided } => push(
                    at(decided),
                    Some(AssetStatus::NotAffected),
                    "Checked: the vulnerable feature is not in use on this asset.",
                ),
                Story::InProgress { acknowledged } => {
                    push(at(acknowledged), None, "");
                    push(
                        at(acknowledged + 2),
                        Some(AssetStatus::Affected),
                        "Confirmed affected; mitigation applied while a fix is planned.",
                    );
                }
            }
        }
    }
    actions.sort_by_key(|a| (a.at, a.notice_id, a.asset_id));
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_belongs_to_a_demo_organisation_and_names_are_unique() {
        let organisations = crate::register::organisations();
        let mut seen = BTreeSet::new();
        for asset in &ASSETS {
            assert!(asset.organisation < organisations.len());
            assert!(seen.insert((asset.organisation, asset.name)), "{asset:?}");
        }
        let partners: BTreeSet<usize> = ASSETS.iter().map(|a| a.organisation).collect();
        assert!((15..=25).contains(&partners.len()));
        assert!((40..=80).contains(&ASSETS.len()));
    }

    #[test]
    fn only_affected_assets_have_stories() {
        for asset in &ASSETS {
            if !asset.product.is_affected() {
                assert_eq!(asset.story, Story::Silent, "{asset:?}");
            }
        }
    }

    #[test]
    fn contacts_are_synthetic_and_cover_every_public_partner() {
        let contacts = contacts();
        assert!(contacts.iter().all(|c| c.email.ends_with(".example")));
        assert!(
            contacts
                .iter()
                .all(|c| c.organisation.ends_with("(synthetic)"))
        );
        let with_manager: BTreeSet<&str> = contacts
            .iter()
            .filter(|c| c.role == ContactRole::ItManager)
            .map(|c| c.organisation.as_str())
            .collect();
        assert_eq!(
            with_manager.len(),
            PUBLIC_SECTOR + BUSINESS_IT_MANAGERS.len()
        );
        let digests = contacts
            .iter()
            .filter(|c| c.delivery == Delivery::DailyDigest)
            .count();
        assert_eq!(digests, 2);
        let emails: BTreeSet<&str> = contacts.iter().map(|c| c.email.as_str()).collect();
        assert_eq!(emails.len(), contacts.len(), "every address is different");
    }

    #[test]
    fn the_files_are_the_same_every_time() {
        assert_eq!(inventory_csv(), inventory_csv());
        assert_eq!(contacts_csv(), contacts_csv());
        assert!(
            inventory_csv()
                .starts_with("organisation,asset,kind,cpe,purl,vendor,product,version\n")
        );
    }
}

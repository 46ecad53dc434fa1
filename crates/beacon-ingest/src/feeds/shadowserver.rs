//! Shadowserver report CSVs: one report type per file (`scan_smb`, `event4_sinkhole_http`,
//! …), each row one event.
//!
//! The report type comes from the file name (`scan_smb.csv`,
//! `2024-01-01-scan_smb-country-geo.csv`) and, failing that, from distinctive header
//! columns. Each type's classification and its column → field mapping follow Shadowserver's
//! public report schema as IntelMQ applies it; [`REPORT_TYPES`] is our own table derived
//! from it (see `docs/feeds/formats.md`).
//!
//! **Invariants:** every column a row fills is kept — in a harmonised field or as
//! `extra.<column>`; a row with an invalid address, number or unreadable timestamp, or
//! with more fields than the header, is rejected whole; a row short of trailing fields is
//! read with them empty (as IntelMQ does) and counted in a [`FeedRecord::Note`]; the
//! column plan is worked out once per file, so rows cost only the strings an event must
//! own.

use super::common::{
    CsvRow, CsvSource, UrlHost, WebAddress, cut, event_or_skip, first_line, meaningful, open_text,
    parse_asn, parse_country, parse_hostname, parse_port, parse_time, parse_url, ragged, refuse,
    rejected, split_header,
};
use super::{FeedContext, FeedError, FeedFormat, FeedRecord};
use beacon_core::{Cidr, Event, Tlp};
use std::io::Read;
use std::net::IpAddr;
use time::OffsetDateTime;

/// The format name used with `--format`.
const NAME: &str = "shadowserver";
/// `feed.provider` of every event.
const PROVIDER: &str = "Shadowserver";

/// Which columns of a report type fill which harmonised fields. Columns a layout does not
/// name go to `extra.<column>`. Layouts mirror the groups of Shadowserver's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Scans and most other reports: `timestamp`, `ip`, `port`, `asn`, `geo` (the
    /// `hostname` column is reverse DNS and stays in `extra`).
    Scan,
    /// As [`Layout::Scan`], but `ip` may also hold a network (`198.51.100.0/24`).
    Blocklist,
    /// Honeypot and sinkhole "drone" events: `src_ip`, `src_port`, `src_asn`, `src_geo`
    /// for the source and `dst_ip`, `dst_port`, `dst_asn` for the destination.
    Drone,
    /// As [`Layout::Drone`], plus `http_url` → `destination.url` and `http_host` →
    /// `destination.fqdn`.
    DroneHttp,
    /// As [`Layout::Drone`], plus `network` → `source.network`.
    DroneSpoofer,
    /// The source half of [`Layout::Drone`] only.
    DroneSource,
    /// HTTP referer sinkhole events: `http_referer_ip` is the source, the `dst_*`,
    /// `http_url` and `http_host` columns the destination.
    Referer,
    /// URL reports (malware, phishing, spam): as [`Layout::Scan`], plus `url` →
    /// `source.url` and `hostname` or `host` → `source.fqdn`.
    UrlReport,
    /// Compromised websites: as [`Layout::Scan`], plus `url` (joined to `http_host`) →
    /// `source.url` and `http_host` → `source.fqdn`.
    CompromisedWebsite,
    /// Sandbox connections: as [`Layout::Scan`], plus `hostname` or `host` →
    /// `source.fqdn`.
    SandboxConnection,
    /// Sandbox URLs: as [`Layout::SandboxConnection`], plus `url` → `destination.url`.
    SandboxUrl,
    /// As [`Layout::Scan`], plus `url` or `http_url` → `destination.url`.
    ScanDestinationUrl,
    /// Only `timestamp`; such rows name no address and are skipped.
    TimeOnly,
    /// `timestamp` and `geo`; such rows name no address and are skipped.
    TimeAndCountry,
}

/// A harmonised field a column fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Time,
    SourceIp,
    SourceIpOrNetwork,
    SourceNetwork,
    SourcePort,
    SourceAsn,
    SourceCountry,
    SourceFqdn,
    SourceUrl,
    DestinationIp,
    DestinationPort,
    DestinationAsn,
    DestinationFqdn,
    DestinationUrl,
}

impl Layout {
    /// The field a column (lower case) fills in this layout, if any.
    fn field(self, column: &str) -> Option<Field> {
        use Field::*;
        let scan = |column: &str| match column {
            "timestamp" => Some(Time),
            "ip" => Some(SourceIp),
            "port" => Some(SourcePort),
            "asn" => Some(SourceAsn),
            "geo" => Some(SourceCountry),
            _ => None,
        };
        let destination = |column: &str| match column {
            "dst_ip" => Some(DestinationIp),
            "dst_port" => Some(DestinationPort),
            "dst_asn" => Some(DestinationAsn),
            _ => None,
        };
        let drone_source = |column: &str| match column {
            "timestamp" => Some(Time),
            "src_ip" => Some(SourceIp),
            "src_port" => Some(SourcePort),
            "src_asn" => Some(SourceAsn),
            "src_geo" => Some(SourceCountry),
            _ => None,
        };
        let drone = |column: &str| drone_source(column).or_else(|| destination(column));
        match self {
            Layout::Scan => scan(column),
            Layout::Blocklist => match column {
                "ip" => Some(SourceIpOrNetwork),
                _ => scan(column),
            },
            Layout::Drone => drone(column),
            Layout::DroneHttp => match column {
                "http_url" => Some(DestinationUrl),
                "http_host" => Some(DestinationFqdn),
                _ => drone(column),
            },
            Layout::DroneSpoofer => match column {
                "network" => Some(SourceNetwork),
                _ => drone(column),
            },
            Layout::DroneSource => drone_source(column),
            Layout::Referer => match column {
                "timestamp" => Some(Time),
                "http_referer_ip" => Some(SourceIp),
                "http_url" => Some(DestinationUrl),
                "http_host" => Some(DestinationFqdn),
                _ => destination(column),
            },
            Layout::UrlReport => match column {
                "url" => Some(SourceUrl),
                "hostname" | "host" => Some(SourceFqdn),
                _ => scan(column),
            },
            Layout::CompromisedWebsite => match column {
                "url" => Some(SourceUrl),
                "http_host" => Some(SourceFqdn),
                _ => scan(column),
            },
            Layout::SandboxConnection => match column {
                "hostname" | "host" => Some(SourceFqdn),
                _ => scan(column),
            },
            Layout::SandboxUrl => match column {
                "hostname" | "host" => Some(SourceFqdn),
                "url" => Some(DestinationUrl),
                _ => scan(column),
            },
            Layout::ScanDestinationUrl => match column {
                "url" | "http_url" => Some(DestinationUrl),
                _ => scan(column),
            },
            Layout::TimeOnly => (column == "timestamp").then_some(Time),
            Layout::TimeAndCountry => match column {
                "timestamp" => Some(Time),
                "geo" => Some(SourceCountry),
                _ => None,
            },
        }
    }
}

/// Where a report type's `classification.identifier` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    /// The same for every row.
    Fixed(&'static str),
    /// The row's `infection`, else its `tag` (older reports fill only `tag`).
    InfectionOrTag,
    /// The named column.
    Column(&'static str),
    /// Exchange scans: `exchange-server-webshell` (intrusions/system-compromise) when the
    /// row's `tag` names a web shell, else `vulnerable-exchange-server`
    /// (vulnerable/vulnerable-system).
    ExchangeTag,
}

/// Where a report type's `malware.name` comes from: only a column that names malware.
///
/// Sinkhole reports name the malware that called home in `infection`. Honeypot, DDoS and
/// spoofer reports use `infection` for what the address was seen doing (`ip-spoofer`,
/// `ddos-amplification`, `http-scan`, `ssh-brute-force`): that is no malware, so it stays
/// in `extra.infection`, and only `family` (e.g. `mirai` behind a DDoS) is malware.
/// IntelMQ's mapping puts those activity labels in `malware.name`; Beacon does not, so
/// exports never describe them as STIX `malware` or MISP malware galaxy clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malware {
    /// Not set.
    NoMalware,
    /// The row's `infection`, else its `family` (older reports fill only `family`).
    InfectionOrFamily,
    /// The row's `family`.
    Family,
}

/// One Shadowserver report type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportType {
    /// The name in file names, e.g. `scan_smb`.
    pub name: &'static str,
    /// IntelMQ classification type (the taxonomy follows from it).
    pub classification_type: &'static str,
    /// Where the identifier comes from.
    pub identifier: Identifier,
    /// Which columns fill which fields.
    pub layout: Layout,
    /// Where the malware name comes from.
    pub malware: Malware,
}

const fn report(
    name: &'static str,
    classification_type: &'static str,
    identifier: Identifier,
    layout: Layout,
    malware: Malware,
) -> ReportType {
    ReportType {
        name,
        classification_type,
        identifier,
        layout,
        malware,
    }
}

/// Every report type Beacon knows, by file-name type. Derived from Shadowserver's public
/// report schema (2026-03 edition, as IntelMQ uses it) plus `phish_url`, which later
/// schemas dropped (classification as IntelMQ 3.2 gave it).
#[rustfmt::skip]
pub const REPORT_TYPES: &[ReportType] = {
    use Identifier::*;
    use Layout::*;
    use Malware::*;
    &[
    report("blocklist", "blacklist", Fixed("blacklisted-ip"), Blocklist, NoMalware),
    report("compromised_account", "data-leak", Fixed("compromised-account"), TimeOnly, InfectionOrFamily),
    report("compromised_iot", "system-compromise", Fixed("compromised-iot"), Scan, Family),
    report("compromised_iot6", "system-compromise", Fixed("compromised-iot"), Scan, Family),
    report("compromised_website", "system-compromise", Fixed("compromised-website"), CompromisedWebsite, Family),
    report("compromised_website6", "system-compromise", Fixed("compromised-website"), CompromisedWebsite, Family),
    report("device_id", "undetermined", Fixed("device-id"), Scan, NoMalware),
    report("device_id6", "undetermined", Fixed("device-id"), Scan, NoMalware),
    report("event4_ddos_participant", "ddos", Fixed("ddos-participant"), Drone, Family),
    report("event4_honeypot_adb_scan", "scanner", Fixed("honeypot-adb-scan"), Drone, Family),
    report("event4_honeypot_brute_force", "brute-force", Column("application"), Drone, Family),
    report("event4_honeypot_darknet", "other", Column("tag"), Drone, Family),
    report("event4_honeypot_ddos", "ddos", Fixed("honeypot-ddos"), Drone, Family),
    report("event4_honeypot_ddos_amp", "ddos", Fixed("amplification-ddos-victim"), Drone, Family),
    report("event4_honeypot_ddos_target", "ddos", Fixed("honeypot-ddos-target"), Drone, Family),
    report("event4_honeypot_http_scan", "scanner", Fixed("honeypot-http-scan"), DroneHttp, Family),
    report("event4_honeypot_ics_scan", "scanner", Fixed("honeypot-ics-scan"), Drone, Family),
    report("event4_honeypot_ikev2_scan", "scanner", Fixed("honeypot-ikev2-scan"), Drone, Family),
    report("event4_honeypot_rdp_scan", "scanner", Fixed("honeypot-rdp-scan"), Drone, Family),
    report("event4_honeypot_rocketmq_scan", "scanner", Fixed("honeypot-rocketmq-scan"), Drone, Family),
    report("event4_honeypot_smb_scan", "scanner", Fixed("honeypot-smb-scan"), Drone, Family),
    report("event4_ip_spoofer", "masquerade", Fixed("ip-spoofer"), DroneSpoofer, Family),
    report("event4_microsoft_sinkhole", "infected-system", InfectionOrTag, Drone, InfectionOrFamily),
    report("event4_microsoft_sinkhole_http", "infected-system", InfectionOrTag, DroneHttp, InfectionOrFamily),
    report("event4_sinkhole", "infected-system", InfectionOrTag, Drone, InfectionOrFamily),
    report("event4_sinkhole_dns", "other", Fixed("sinkholedns"), DroneSource, InfectionOrFamily),
    report("event4_sinkhole_http", "infected-system", InfectionOrTag, DroneHttp, InfectionOrFamily),
    report("event4_sinkhole_http_referer", "infected-system", InfectionOrTag, Referer, InfectionOrFamily),
    report("event6_sinkhole", "infected-system", InfectionOrTag, Drone, InfectionOrFamily),
    report("event6_sinkhole_http", "infected-system", InfectionOrTag, DroneHttp, InfectionOrFamily),
    report("event6_sinkhole_http_referer", "infected-system", InfectionOrTag, Referer, InfectionOrFamily),
    report("malware_url", "malware-distribution", Fixed("malware-url"), UrlReport, NoMalware),
    report("phish_url", "phishing", Fixed("phish-url"), UrlReport, NoMalware),
    report("population6_bgp", "vulnerable-system", Fixed("accessible-bgp"), Scan, NoMalware),
    report("population6_http_proxy", "other", Fixed("accessible-http-proxy"), Scan, NoMalware),
    report("population6_isakmp", "other", Fixed("accessible-ike"), Scan, NoMalware),
    report("population6_msmq", "vulnerable-system", Fixed("accessible-msmq"), Scan, NoMalware),
    report("population_bgp", "vulnerable-system", Fixed("accessible-bgp"), Scan, NoMalware),
    report("population_http_proxy", "other", Fixed("accessible-http-proxy"), Scan, NoMalware),
    report("population_isakmp", "other", Fixed("accessible-ike"), Scan, NoMalware),
    report("population_msmq", "vulnerable-system", Fixed("accessible-msmq"), Scan, NoMalware),
    report("population_ntrip", "other", Fixed("accessible-ntrip"), Scan, NoMalware),
    report("ransomware_victim", "system-compromise", Fixed("ransomware-victim"), TimeAndCountry, NoMalware),
    report("sandbox_conn", "malware-distribution", Fixed("sandbox-conn"), SandboxConnection, NoMalware),
    report("sandbox_dns", "other", Fixed("sandbox-dns"), TimeOnly, Family),
    report("sandbox_url", "malware-distribution", Fixed("sandbox-url"), SandboxUrl, NoMalware),
    report("scan6_activemq", "vulnerable-system", Fixed("open-activemq"), Scan, NoMalware),
    report("scan6_badsecrets", "weak-crypto", Fixed("badsecret"), Scan, NoMalware),
    report("scan6_bgp", "vulnerable-system", Fixed("open-bgp"), Scan, NoMalware),
    report("scan6_cwmp", "vulnerable-system", Fixed("open-cwmp"), Scan, NoMalware),
    report("scan6_dns", "vulnerable-system", Fixed("dns-open-resolver"), Scan, NoMalware),
    report("scan6_elasticsearch", "vulnerable-system", Fixed("open-elasticsearch"), Scan, NoMalware),
    report("scan6_exchange", "vulnerable-system", ExchangeTag, ScanDestinationUrl, NoMalware),
    report("scan6_ftp", "vulnerable-system", Fixed("accessible-ftp"), Scan, NoMalware),
    report("scan6_http", "other", Fixed("accessible-http"), Scan, NoMalware),
    report("scan6_http_proxy", "vulnerable-system", Fixed("open-http-proxy"), Scan, NoMalware),
    report("scan6_http_vulnerable", "vulnerable-system", Fixed("vulnerable-http"), Scan, NoMalware),
    report("scan6_imap", "other", Fixed("accessible-imap"), Scan, NoMalware),
    report("scan6_imap_vulnerable", "vulnerable-system", Fixed("vulnerable-imap"), Scan, NoMalware),
    report("scan6_ip_tunnel", "vulnerable-system", Fixed("open-ip-tunnel"), Scan, NoMalware),
    report("scan6_ipp", "vulnerable-system", Fixed("open-ipp"), Scan, NoMalware),
    report("scan6_isakmp", "vulnerable-system", Fixed("open-ike"), Scan, NoMalware),
    report("scan6_ldap_tcp", "vulnerable-system", Fixed("open-ldap"), Scan, NoMalware),
    report("scan6_mongodb", "vulnerable-system", Fixed("open-mongodb"), Scan, NoMalware),
    report("scan6_mqtt", "vulnerable-system", Fixed("open-mqtt"), Scan, NoMalware),
    report("scan6_mqtt_anon", "vulnerable-system", Fixed("open-mqtt-anon"), Scan, NoMalware),
    report("scan6_msrpc", "potentially-unwanted-accessible", Fixed("accessible-msrpc"), Scan, NoMalware),
    report("scan6_mysql", "vulnerable-system", Fixed("open-mysql"), Scan, NoMalware),
    report("scan6_ntp", "vulnerable-system", Fixed("ntp-version"), Scan, NoMalware),
    report("scan6_ntpmonitor", "vulnerable-system", Fixed("ntp-monitor"), Scan, NoMalware),
    report("scan6_pop3", "other", Fixed("accessible-pop3"), Scan, NoMalware),
    report("scan6_pop3_vulnerable", "vulnerable-system", Fixed("vulnerable-pop3"), Scan, NoMalware),
    report("scan6_postgres", "vulnerable-system", Fixed("open-postgres"), Scan, NoMalware),
    report("scan6_rdp", "vulnerable-system", Fixed("open-rdp"), Scan, NoMalware),
    report("scan6_rsync", "vulnerable-system", Fixed("accessible-rsync"), Scan, NoMalware),
    report("scan6_slp", "vulnerable-system", Fixed("open-slp"), Scan, NoMalware),
    report("scan6_smb", "vulnerable-system", Fixed("open-smb"), Scan, NoMalware),
    report("scan6_smtp", "other", Fixed("open-smtp"), Scan, NoMalware),
    report("scan6_smtp_vulnerable", "vulnerable-system", Fixed("vulnerable-smtp"), Scan, NoMalware),
    report("scan6_snmp", "vulnerable-system", Fixed("open-snmp"), Scan, NoMalware),
    report("scan6_ssh", "other", Fixed("open-ssh"), Scan, NoMalware),
    report("scan6_ssl", "other", Fixed("open-ssl"), Scan, NoMalware),
    report("scan6_ssl_freak", "weak-crypto", Fixed("ssl-freak"), Scan, NoMalware),
    report("scan6_ssl_poodle", "weak-crypto", Fixed("ssl-poodle"), Scan, NoMalware),
    report("scan6_stun", "other", Fixed("open-stun"), Scan, NoMalware),
    report("scan6_telnet", "vulnerable-system", Fixed("open-telnet"), Scan, NoMalware),
    report("scan6_vnc", "vulnerable-system", Fixed("open-vnc"), Scan, NoMalware),
    report("scan_activemq", "vulnerable-system", Fixed("open-activemq"), Scan, NoMalware),
    report("scan_adb", "vulnerable-system", Fixed("accessible-adb"), Scan, NoMalware),
    report("scan_afp", "vulnerable-system", Fixed("accessible-afp"), Scan, NoMalware),
    report("scan_amqp", "vulnerable-system", Fixed("accessible-amqp"), Scan, NoMalware),
    report("scan_ard", "vulnerable-system", Fixed("accessible-ard"), Scan, NoMalware),
    report("scan_badsecrets", "weak-crypto", Fixed("badsecret"), Scan, NoMalware),
    report("scan_bgp", "vulnerable-system", Fixed("open-bgp"), Scan, NoMalware),
    report("scan_chargen", "vulnerable-system", Fixed("open-chargen"), Scan, NoMalware),
    report("scan_cisco_smart_install", "vulnerable-system", Fixed("accessible-cisco-smart-install"), Scan, NoMalware),
    report("scan_coap", "vulnerable-system", Fixed("accessible-coap"), Scan, NoMalware),
    report("scan_couchdb", "vulnerable-system", Fixed("open-couchdb"), Scan, NoMalware),
    report("scan_cwmp", "vulnerable-system", Fixed("open-cwmp"), Scan, NoMalware),
    report("scan_db2", "vulnerable-system", Fixed("open-db2-discovery-service"), Scan, NoMalware),
    report("scan_ddos_middlebox", "vulnerable-system", Fixed("open-ddos-middlebox"), Scan, NoMalware),
    report("scan_dns", "vulnerable-system", Fixed("dns-open-resolver"), Scan, NoMalware),
    report("scan_docker", "vulnerable-system", Fixed("open-docker"), Scan, NoMalware),
    report("scan_dvr_dhcpdiscover", "vulnerable-system", Fixed("open-dvr-dhcpdiscover"), Scan, NoMalware),
    report("scan_elasticsearch", "vulnerable-system", Fixed("open-elasticsearch"), Scan, NoMalware),
    report("scan_epmd", "vulnerable-system", Fixed("open-epmd"), Scan, NoMalware),
    report("scan_exchange", "vulnerable-system", ExchangeTag, ScanDestinationUrl, NoMalware),
    report("scan_ftp", "vulnerable-system", Fixed("accessible-ftp"), Scan, NoMalware),
    report("scan_gtp", "potentially-unwanted-accessible", Fixed("accessible-gtp"), Scan, NoMalware),
    report("scan_hadoop", "vulnerable-system", Fixed("accessible-hadoop"), Scan, NoMalware),
    report("scan_http", "other", Fixed("accessible-http"), Scan, NoMalware),
    report("scan_http_proxy", "vulnerable-system", Fixed("open-http-proxy"), Scan, NoMalware),
    report("scan_http_vulnerable", "vulnerable-system", Fixed("vulnerable-http"), Scan, NoMalware),
    report("scan_ics", "vulnerable-system", Fixed("open-ics"), Scan, NoMalware),
    report("scan_imap", "other", Fixed("accessible-imap"), Scan, NoMalware),
    report("scan_imap_vulnerable", "vulnerable-system", Fixed("vulnerable-imap"), Scan, NoMalware),
    report("scan_ip_tunnel", "vulnerable-system", Fixed("open-ip-tunnel"), Scan, NoMalware),
    report("scan_ipmi", "vulnerable-system", Fixed("open-ipmi"), Scan, NoMalware),
    report("scan_ipp", "vulnerable-system", Fixed("open-ipp"), Scan, NoMalware),
    report("scan_isakmp", "vulnerable-system", Fixed("open-ike"), Scan, NoMalware),
    report("scan_kubernetes", "vulnerable-system", Fixed("open-kubernetes"), Scan, NoMalware),
    report("scan_ldap_tcp", "vulnerable-system", Fixed("open-ldap"), Scan, NoMalware),
    report("scan_ldap_udp", "vulnerable-system", Fixed("open-ldap"), Scan, NoMalware),
    report("scan_loop_dos", "vulnerable-system", Fixed("open-loop-dos"), Scan, NoMalware),
    report("scan_mdns", "vulnerable-system", Fixed("open-mdns"), Scan, NoMalware),
    report("scan_memcached", "vulnerable-system", Fixed("open-memcached"), Scan, NoMalware),
    report("scan_mongodb", "vulnerable-system", Fixed("open-mongodb"), Scan, NoMalware),
    report("scan_mqtt", "vulnerable-system", Fixed("open-mqtt"), Scan, NoMalware),
    report("scan_mqtt_anon", "vulnerable-system", Fixed("open-mqtt-anon"), Scan, NoMalware),
    report("scan_msrpc", "potentially-unwanted-accessible", Fixed("accessible-msrpc"), Scan, NoMalware),
    report("scan_mssql", "vulnerable-system", Fixed("open-mssql"), Scan, NoMalware),
    report("scan_mysql", "vulnerable-system", Fixed("open-mysql"), Scan, NoMalware),
    report("scan_nat_pmp", "vulnerable-system", Fixed("open-natpmp"), Scan, NoMalware),
    report("scan_netbios", "vulnerable-system", Fixed("open-netbios-nameservice"), Scan, NoMalware),
    report("scan_netis_router", "vulnerable-system", Fixed("open-netis"), Scan, NoMalware),
    report("scan_ntp", "vulnerable-system", Fixed("ntp-version"), Scan, NoMalware),
    report("scan_ntpmonitor", "vulnerable-system", Fixed("ntp-monitor"), Scan, NoMalware),
    report("scan_pop3", "other", Fixed("accessible-pop3"), Scan, NoMalware),
    report("scan_pop3_vulnerable", "vulnerable-system", Fixed("vulnerable-pop3"), Scan, NoMalware),
    report("scan_portmapper", "vulnerable-system", Fixed("open-portmapper"), Scan, NoMalware),
    report("scan_post_exploitation_framework", "infected-system", Fixed("c2-beacon"), ScanDestinationUrl, NoMalware),
    report("scan_postgres", "vulnerable-system", Fixed("open-postgres"), Scan, NoMalware),
    report("scan_qotd", "vulnerable-system", Fixed("open-qotd"), Scan, NoMalware),
    report("scan_quic", "other", Fixed("open-quic"), Scan, NoMalware),
    report("scan_radmin", "vulnerable-system", Fixed("accessible-radmin"), Scan, NoMalware),
    report("scan_rdp", "vulnerable-system", Fixed("open-rdp"), Scan, NoMalware),
    report("scan_rdpeudp", "vulnerable-system", Fixed("accessible-msrdpeudp"), Scan, NoMalware),
    report("scan_redis", "vulnerable-system", Fixed("open-redis"), Scan, NoMalware),
    report("scan_rsync", "vulnerable-system", Fixed("accessible-rsync"), Scan, NoMalware),
    report("scan_sip", "vulnerable-system", Fixed("open-sip"), Scan, NoMalware),
    report("scan_slp", "vulnerable-system", Fixed("open-slp"), Scan, NoMalware),
    report("scan_smb", "vulnerable-system", Fixed("open-smb"), Scan, NoMalware),
    report("scan_smtp", "other", Fixed("open-smtp"), Scan, NoMalware),
    report("scan_smtp_vulnerable", "vulnerable-system", Fixed("vulnerable-smtp"), Scan, NoMalware),
    report("scan_snmp", "vulnerable-system", Fixed("open-snmp"), Scan, NoMalware),
    report("scan_socks", "vulnerable-system", Fixed("open-socks"), Scan, NoMalware),
    report("scan_ssdp", "vulnerable-system", Fixed("open-ssdp"), Scan, NoMalware),
    report("scan_ssh", "other", Fixed("open-ssh"), Scan, NoMalware),
    report("scan_ssl", "other", Fixed("open-ssl"), Scan, NoMalware),
    report("scan_ssl_freak", "weak-crypto", Fixed("ssl-freak"), Scan, NoMalware),
    report("scan_ssl_poodle", "weak-crypto", Fixed("ssl-poodle"), Scan, NoMalware),
    report("scan_stun", "other", Fixed("open-stun"), Scan, NoMalware),
    report("scan_synfulknock", "vulnerable-system", Fixed("open-synfulknock"), Scan, NoMalware),
    report("scan_telnet", "vulnerable-system", Fixed("open-telnet"), Scan, NoMalware),
    report("scan_tftp", "vulnerable-system", Fixed("open-tftp"), Scan, NoMalware),
    report("scan_ubiquiti", "vulnerable-system", Fixed("accessible-ubiquiti-discovery-service"), Scan, NoMalware),
    report("scan_vnc", "vulnerable-system", Fixed("open-vnc"), Scan, NoMalware),
    report("scan_ws_discovery", "vulnerable-system", Fixed("open-ws-discovery"), Scan, NoMalware),
    report("scan_xdmcp", "vulnerable-system", Fixed("open-xdmcp"), Scan, NoMalware),
    report("spam_url", "spam", Fixed("spam-url"), UrlReport, NoMalware),
    report("special", "vulnerable-system", Fixed("special"), Scan, NoMalware),
    ]
};

/// Columns that tell a report type apart when the file name does not say it, tried in
/// order (more specific first); all listed columns must be in the header. Report types
/// whose header is the generic scan header (`scan_socks`, `scan_smtp_vulnerable`, …) or
/// identical to another's (`event4_microsoft_sinkhole_http` reads as
/// `event4_sinkhole_http`, `event4_honeypot_ddos` as `event4_ddos_participant`) need the
/// file name.
const HEADER_SIGNATURES: &[(&str, &[&str])] = &[
    (
        "event4_sinkhole_http_referer",
        &["http_referer_ip", "dst_ip"],
    ),
    (
        "event4_honeypot_http_scan",
        &["src_ip", "http_request_method", "url_scheme"],
    ),
    (
        "event4_honeypot_brute_force",
        &["src_ip", "client_version", "password"],
    ),
    (
        "event4_honeypot_ddos_amp",
        &["src_ip", "avg_pps", "max_pps"],
    ),
    ("event4_ip_spoofer", &["src_ip", "routedspoof"]),
    (
        "event4_ddos_participant",
        &["src_ip", "attack", "dst_network"],
    ),
    (
        "event4_sinkhole_http",
        &["src_ip", "infection", "http_url", "http_host"],
    ),
    ("event4_sinkhole", &["src_ip", "dst_ip", "infection"]),
    (
        "compromised_website",
        &["ip", "http_host", "detected_since"],
    ),
    ("blocklist", &["ip", "reason"]),
    ("malware_url", &["url", "ip", "sha256"]),
    ("phish_url", &["url", "host", "ip"]),
    ("sandbox_conn", &["ip", "md5", "bytes_in"]),
    ("sandbox_dns", &["md5hash", "request", "response"]),
    ("scan_adb", &["ip", "model", "device"]),
    ("scan_afp", &["ip", "afp_versions"]),
    ("scan_couchdb", &["ip", "couchdb_version"]),
    ("scan_db2", &["ip", "db2_hostname"]),
    ("scan_ddos_middlebox", &["ip", "source_port"]),
    ("scan_docker", &["ip", "api_version", "kernel_version"]),
    ("scan_dvr_dhcpdiscover", &["ip", "video_input_channels"]),
    ("scan_ftp", &["ip", "auth_tls_response"]),
    // TLS scans carry HTTP columns too: before scan_http.
    ("scan_ssl_freak", &["ip", "page_sha256fp"]),
    ("scan_ssl", &["ip", "ssl_poodle"]),
    ("scan_http_proxy", &["ip", "proxy_authenticate"]),
    ("scan_http", &["ip", "http_code", "www_authenticate"]),
    ("scan_ipmi", &["ip", "ipmi_version"]),
    ("scan_isakmp", &["ip", "initiator_spi"]),
    ("scan_kubernetes", &["ip", "git_tree_state"]),
    ("scan_ldap_udp", &["ip", "configuration_naming_context"]),
    ("scan_mdns", &["ip", "mdns_name"]),
    ("scan_mongodb", &["ip", "gitversion", "sysinfo"]),
    ("scan_mqtt", &["ip", "anonymous_access"]),
    ("scan_mssql", &["ip", "instance_name", "named_pipe"]),
    ("scan_mysql", &["ip", "mysql_protocol_version"]),
    ("scan_netbios", &["ip", "workgroup"]),
    ("scan_ntpmonitor", &["ip", "packets"]),
    ("scan_portmapper", &["ip", "programs", "mountd_port"]),
    ("scan_qotd", &["ip", "quote"]),
    ("scan_quic", &["ip", "version_field_1"]),
    ("scan_rdp", &["ip", "rdp_protocol"]),
    ("scan_rdpeudp", &["ip", "sessionid"]),
    ("scan_rsync", &["ip", "module", "motd"]),
    ("scan_sip", &["ip", "sip_code"]),
    ("scan_smb", &["ip", "smb_implant"]),
    ("scan_ssdp", &["ip", "cache_control", "systime"]),
    ("scan_stun", &["ip", "magic_cookie"]),
    ("scan_synfulknock", &["ip", "window_size", "urgent_pointer"]),
    ("scan_tftp", &["ip", "errorcode", "errormessage"]),
    ("scan_ubiquiti", &["ip", "radioname", "essid"]),
    ("scan_xdmcp", &["ip", "reported_hostname"]),
    ("scan_exchange", &["ip", "servername", "url"]),
    ("scan_ics", &["ip", "device_id", "raw_response"]),
    ("scan_ws_discovery", &["ip", "error", "raw_response"]),
    ("scan_coap", &["ip", "version", "response", "response_size"]),
    ("scan_netis_router", &["ip", "response", "response_size"]),
    ("scan_ard", &["ip", "machine_name", "response_size"]),
    ("scan_chargen", &["ip", "size", "response_size"]),
];

/// The report type called `name` (as in file names).
pub fn report_type(name: &str) -> Option<&'static ReportType> {
    REPORT_TYPES.iter().find(|report| report.name == name)
}

/// The report type a file name names: IntelMQ's pattern
/// (`[YYYY-MM-DD-]<type>[-suffix…].csv`) first, else the longest known type standing as a
/// word of its own anywhere in the name.
pub fn report_type_from_file_name(file_name: &str) -> Option<&'static ReportType> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let stem = base.strip_suffix(".csv").unwrap_or(&base);
    let undated = match stem.as_bytes().get(..11) {
        Some(prefix)
            if prefix.iter().enumerate().all(|(index, byte)| match index {
                4 | 7 | 10 => *byte == b'-',
                _ => byte.is_ascii_digit(),
            }) =>
        {
            &stem[11..]
        }
        _ => stem,
    };
    let first = undated.split('-').next().unwrap_or(undated);
    report_type(first).or_else(|| {
        REPORT_TYPES
            .iter()
            .filter(|report| contains_word(&base, report.name))
            .max_by_key(|report| report.name.len())
    })
}

/// True when `name` occurs in `text` with no letter or digit before it and no letter,
/// digit or `_` after it (so `scan_ssl` is not found in `scan_ssl_freak`).
fn contains_word(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric)
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The report type a header (lower-case column names) shows, if its columns are
/// distinctive enough.
pub fn report_type_from_header(columns: &[String]) -> Option<&'static ReportType> {
    let has = |name: &str| columns.iter().any(|column| column == name);
    if !has("timestamp") {
        return None;
    }
    HEADER_SIGNATURES
        .iter()
        .find(|(_, required)| required.iter().all(|column| has(column)))
        .and_then(|(name, _)| report_type(name))
}

/// Shadowserver report CSVs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shadowserver;

impl FeedFormat for Shadowserver {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A CSV header with a `timestamp` column, and either a known report type in the file
    /// name or a header distinctive of one.
    fn detect(&self, file_name: &str, head: &[u8]) -> bool {
        let columns = split_header(&first_line(head), b',');
        columns.iter().any(|column| column == "timestamp")
            && (report_type_from_file_name(file_name).is_some()
                || report_type_from_header(&columns).is_some())
    }

    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError> {
        let mut source = CsvSource::new(open_text(input, NAME)?, b',', 0);
        let header = source.read_header(NAME, "a Shadowserver report")?;
        let lower: Vec<String> = header.iter().map(|name| name.to_lowercase()).collect();
        let report = report_type_from_file_name(&context.file_name)
            .or_else(|| report_type_from_header(&lower))
            .ok_or_else(|| {
                refuse(
                    NAME,
                    "cannot tell which Shadowserver report this is: name the file after its \
                     report type (e.g. scan_smb.csv or 2024-01-01-scan_smb-country-geo.csv)",
                )
            })?;
        let plan = Plan::new(report, header, &lower)?;
        Ok(Box::new(Rows {
            source,
            plan,
            observed_at: context.observed_at,
            tlp: context.default_tlp,
            short_rows: 0,
            noted: false,
        }))
    }
}

/// One column as the plan reads it.
struct PlannedColumn {
    /// The header name, as `extra.<name>` when no field takes the value.
    name: String,
    field: Option<Field>,
}

/// How to read every row of one file, worked out once from its header.
struct Plan {
    report: &'static ReportType,
    feed_name: String,
    columns: Vec<PlannedColumn>,
    http_host: Option<usize>,
    application: Option<usize>,
    infection: Option<usize>,
    family: Option<usize>,
    tag: Option<usize>,
    identifier_column: Option<usize>,
}

impl Plan {
    fn new(
        report: &'static ReportType,
        header: Vec<String>,
        lower: &[String],
    ) -> Result<Plan, FeedError> {
        let find = |name: &str| lower.iter().position(|column| column == name);
        if find("timestamp").is_none() {
            return Err(refuse(
                NAME,
                format!(
                    "the header has no timestamp column, so this is not a Shadowserver {} report",
                    report.name
                ),
            ));
        }
        let columns = header
            .into_iter()
            .zip(lower)
            .map(|(name, lower)| PlannedColumn {
                field: report.layout.field(lower),
                name,
            })
            .collect();
        Ok(Plan {
            report,
            feed_name: format!("Shadowserver {}", report.name),
            columns,
            http_host: find("http_host"),
            application: find("application"),
            infection: find("infection"),
            family: find("family"),
            tag: find("tag"),
            identifier_column: match report.identifier {
                Identifier::Column(name) => find(name),
                _ => None,
            },
        })
    }

    /// A meaningful value of an optional column of the current row.
    fn value<'s>(&self, source: &'s CsvSource<'_>, index: Option<usize>) -> Option<&'s str> {
        index
            .and_then(|index| source.field(index).ok())
            .and_then(meaningful)
    }

    fn row(
        &self,
        source: &CsvSource<'_>,
        line: u64,
        raw: String,
        observed_at: OffsetDateTime,
        tlp: Tlp,
    ) -> FeedRecord {
        let width = source.width(self.columns.len());
        if width > self.columns.len()
            && let Some(reason) = ragged(width, self.columns.len())
        {
            return rejected(line, reason, raw);
        }
        let report = self.report;
        let (classification_type, identifier) = match report.identifier {
            Identifier::Fixed(identifier) => (report.classification_type, Some(identifier)),
            Identifier::InfectionOrTag => (
                report.classification_type,
                self.value(source, self.infection)
                    .or_else(|| self.value(source, self.tag)),
            ),
            Identifier::Column(_) => (
                report.classification_type,
                self.value(source, self.identifier_column),
            ),
            Identifier::ExchangeTag => {
                if self
                    .value(source, self.tag)
                    .is_some_and(|tag| tag.to_ascii_lowercase().contains("webshell"))
                {
                    ("system-compromise", Some("exchange-server-webshell"))
                } else {
                    ("vulnerable-system", Some("vulnerable-exchange-server"))
                }
            }
        };
        let mut event = Event::new(
            classification_type,
            &self.feed_name,
            observed_at,
            tlp,
            String::new(),
        );
        let mut problems: Vec<String> = Vec::new();
        for (index, column) in self.columns.iter().enumerate() {
            let Ok(value) = source.field(index) else {
                problems.push(format!(
                    "{} is not valid UTF-8 text; save the file as UTF-8",
                    column.name
                ));
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let used = match column.field {
                None => false,
                Some(field) => match self.apply(field, &column.name, value, source, &mut event) {
                    Ok(used) => used,
                    Err(problem) => {
                        problems.push(problem);
                        true
                    }
                },
            };
            if !used {
                event.extra.insert(column.name.clone(), value.to_owned());
            }
        }
        if event.time_source.is_none() && problems.is_empty() {
            problems.push("the timestamp is empty".to_owned());
        }
        if !problems.is_empty() {
            return rejected(line, problems.join("; "), raw);
        }
        event.classification_identifier = identifier.map(str::to_owned);
        event.malware_name = match report.malware {
            Malware::NoMalware => None,
            Malware::InfectionOrFamily => self
                .value(source, self.infection)
                .or_else(|| self.value(source, self.family)),
            Malware::Family => self.value(source, self.family),
        }
        .map(str::to_lowercase);
        event.feed_provider = Some(PROVIDER.to_owned());
        event.raw = cut(raw);
        event_or_skip(event, line, "the row")
    }

    /// Puts one value in its field. `Ok(false)` when the field cannot take it (already
    /// holds another value, or the value is not of the field's kind and the field is only
    /// descriptive): the caller keeps it in `extra`. `Err` when an address or number is
    /// malformed: the row is rejected.
    fn apply(
        &self,
        field: Field,
        column: &str,
        value: &str,
        source: &CsvSource<'_>,
        event: &mut Event,
    ) -> Result<bool, String> {
        let ip = |value: &str| {
            value
                .parse::<IpAddr>()
                .map_err(|_| format!("{column} '{value}' is not an IP address"))
        };
        let port = |value: &str| {
            parse_port(value)
                .ok_or_else(|| format!("{column} '{value}' is not a port number (0 to 65535)"))
        };
        let asn = |value: &str| {
            parse_asn(value).map_err(|()| format!("{column} '{value}' is not an AS number"))
        };
        Ok(match field {
            Field::Time => {
                let time = parse_time(value).ok_or_else(|| {
                    format!("{column} '{value}' is not a date and time such as 2024-01-31 13:45:00")
                })?;
                place(&mut event.time_source, time)
            }
            Field::SourceIp => place(&mut event.source_ip, ip(value)?),
            Field::SourceIpOrNetwork => match value.parse::<IpAddr>() {
                Ok(address) => place(&mut event.source_ip, address),
                Err(_) => {
                    let network = value
                        .contains('/')
                        .then(|| value.parse::<Cidr>().ok())
                        .flatten()
                        .ok_or_else(|| {
                            format!("{column} '{value}' is not an IP address or network")
                        })?;
                    place(&mut event.source_network, network)
                }
            },
            Field::SourceNetwork => {
                let network = value
                    .parse::<Cidr>()
                    .map_err(|_| format!("{column} '{value}' is not an IP network"))?;
                place(&mut event.source_network, network)
            }
            Field::SourcePort => place(&mut event.source_port, port(value)?),
            Field::DestinationPort => place(&mut event.destination_port, port(value)?),
            Field::SourceAsn => match asn(value)? {
                Some(number) => place(&mut event.source_asn, number),
                None => false,
            },
            Field::DestinationAsn => match asn(value)? {
                Some(number) => place(&mut event.destination_asn, number),
                None => false,
            },
            Field::DestinationIp => place(&mut event.destination_ip, ip(value)?),
            Field::SourceCountry => match parse_country(value) {
                Some(country) => place(&mut event.source_country, country),
                None => false,
            },
            Field::SourceFqdn => match parse_hostname(value) {
                Some(domain) => place(&mut event.source_fqdn, domain),
                None => false,
            },
            Field::DestinationFqdn => match parse_hostname(value) {
                Some(domain) => place(&mut event.destination_fqdn, domain),
                None => false,
            },
            Field::SourceUrl => match self.web_address(value, source) {
                Some(address) => place(&mut event.source_url, address.text),
                None => false,
            },
            Field::DestinationUrl => match self.web_address(value, source) {
                Some(address) => place(&mut event.destination_url, address.text),
                None => false,
            },
        })
    }

    /// A URL column as a web address: a full URL as it is; a path or an HTTP request line
    /// (`GET /x HTTP/1.1`) joined to the row's `http_host`, with `https` when the row's
    /// `application` says so (IntelMQ's `convert_http_host_and_url`).
    fn web_address(&self, value: &str, source: &CsvSource<'_>) -> Option<WebAddress> {
        if value.contains("://") {
            return parse_url(value);
        }
        let host = self
            .http_host
            .and_then(|index| source.field(index).ok())
            .filter(|host| {
                !host.is_empty()
                    && !host.contains(|c: char| c.is_whitespace() || "/@?#\\".contains(c))
            })?;
        let path = &value[value.find('/')?..];
        let path = path.split_whitespace().next().unwrap_or(path);
        let scheme = match self.application.and_then(|index| source.field(index).ok()) {
            Some(application) if application.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        parse_url(&format!("{scheme}://{host}{path}")).filter(|address| {
            // The host must be the one named, not something the joined text smuggled in.
            !matches!(address.host, UrlHost::Other)
        })
    }
}

/// Fills an empty field. True when the field now holds `value` (it was empty or already
/// equal); false when it holds something else, so the caller keeps `value` in `extra`.
fn place<T: PartialEq>(slot: &mut Option<T>, value: T) -> bool {
    match slot {
        None => {
            *slot = Some(value);
            true
        }
        Some(existing) => *existing == value,
    }
}

/// The rows of one report file.
struct Rows<'a> {
    source: CsvSource<'a>,
    plan: Plan,
    observed_at: OffsetDateTime,
    tlp: Tlp,
    /// Rows with fewer fields than the header, read with the missing fields empty.
    short_rows: u64,
    /// Whether the note about short rows has been given.
    noted: bool,
}

impl Iterator for Rows<'_> {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        let Some(row) = self.source.next_record() else {
            // The file is finished: say once how many rows were read short.
            return (self.short_rows > 0 && !std::mem::replace(&mut self.noted, true))
                .then(|| FeedRecord::Note(short_rows_note(self.short_rows)));
        };
        match row {
            CsvRow::Unreadable(record) => Some(record),
            CsvRow::Record { line, raw } => {
                if self.source.width(self.plan.columns.len()) < self.plan.columns.len() {
                    self.short_rows += 1;
                }
                Some(
                    self.plan
                        .row(&self.source, line, raw, self.observed_at, self.tlp),
                )
            }
        }
    }
}

/// The run note for rows that ended before the header did: Shadowserver drops empty
/// trailing fields from some rows, and IntelMQ reads the missing fields as empty, so
/// Beacon does too and says how often.
fn short_rows_note(count: u64) -> String {
    if count == 1 {
        "1 row was short of trailing fields; read as empty".to_owned()
    } else {
        format!("{count} rows were short of trailing fields; read as empty")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::event::taxonomy_of;
    use std::io::Cursor;
    use time::macros::datetime;

    fn parse(file_name: &str, text: &str) -> Vec<FeedRecord> {
        let context = FeedContext {
            file_name: file_name.into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Amber,
        };
        Shadowserver
            .parse(Box::new(Cursor::new(text.as_bytes().to_vec())), &context)
            .expect("a Shadowserver file")
            .collect()
    }

    fn event(record: &FeedRecord) -> &Event {
        match record {
            FeedRecord::Event(event, _) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn every_report_type_has_a_valid_classification() {
        for report in REPORT_TYPES {
            assert!(
                taxonomy_of(report.classification_type).is_some(),
                "{}",
                report.name
            );
        }
        for (name, _) in HEADER_SIGNATURES {
            assert!(report_type(name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_report_type_comes_from_the_file_name() {
        let name = |file: &str| report_type_from_file_name(file).map(|report| report.name);
        assert_eq!(name("scan_smb.csv"), Some("scan_smb"));
        assert_eq!(
            name("2024-01-01-scan_smb-country-geo.csv"),
            Some("scan_smb")
        );
        assert_eq!(
            name("/data/in/2024-01-01-scan_ssl_freak-gb.csv"),
            Some("scan_ssl_freak")
        );
        assert_eq!(
            name("shadowserver-event4_sinkhole_http_referer.csv"),
            Some("event4_sinkhole_http_referer")
        );
        assert_eq!(name("test_smb.csv"), None);
        assert_eq!(name("myscan_smb.csv"), None);
    }

    #[test]
    fn a_scan_row_maps_its_columns_and_keeps_the_rest() {
        let records = parse(
            "scan_smb.csv",
            "\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"smb_implant\"\n\
             \"2024-01-01 10:00:00\",192.0.2.7,445,host.example.net,smb,64500,gb,N\n",
        );
        let event = event(&records[0]);
        assert_eq!(event.source_ip, Some("192.0.2.7".parse().expect("ip")));
        assert_eq!(event.source_port, Some(445));
        assert_eq!(event.source_asn, Some(64500));
        assert_eq!(event.source_country.as_deref(), Some("GB"));
        assert_eq!(event.classification_type, "vulnerable-system");
        assert_eq!(event.classification_identifier.as_deref(), Some("open-smb"));
        assert_eq!(event.time_source, Some(datetime!(2024-01-01 10:00 UTC)));
        assert_eq!(
            event.extra.get("hostname").map(String::as_str),
            Some("host.example.net")
        );
        assert_eq!(event.extra.get("tag").map(String::as_str), Some("smb"));
        assert_eq!(
            event.extra.get("smb_implant").map(String::as_str),
            Some("N")
        );
        assert_eq!(event.feed_name, "Shadowserver scan_smb");
        assert_eq!(event.tlp, Tlp::Amber);
    }

    #[test]
    fn bad_addresses_times_and_long_rows_are_rejected_with_their_line() {
        let records = parse(
            "scan_smb.csv",
            "timestamp,ip,port\n2024-01-01 10:00:00,192.0.2.300,445\n\nyesterday,192.0.2.1,445\n2024-01-01 10:00:00,192.0.2.1,445,extra\n2024-01-01 10:00:00,192.0.2.1,99999\n",
        );
        let reasons: Vec<(u64, String)> = records
            .iter()
            .map(|record| match record {
                FeedRecord::Rejected(row) => (row.line, row.reason.clone()),
                other => panic!("expected a rejection, got {other:?}"),
            })
            .collect();
        assert_eq!(reasons[0].0, 2);
        assert!(reasons[0].1.contains("'192.0.2.300' is not an IP address"));
        assert_eq!(reasons[1].0, 4);
        assert!(reasons[1].1.contains("timestamp 'yesterday'"));
        assert_eq!(reasons[2].0, 5);
        assert!(reasons[2].1.contains("4 fields but the header has 3"));
        assert!(reasons[3].1.contains("not a port number"));
    }

    #[test]
    fn rows_short_of_trailing_fields_are_read_as_empty_and_noted_once() {
        let records = parse(
            "scan_smb.csv",
            "timestamp,ip,port,tag\n2024-01-01 10:00:00,192.0.2.1,445\n2024-01-01 10:00:00,192.0.2.2\n2024-01-01 10:00:00,192.0.2.3,445,smb\n",
        );
        assert_eq!(records.len(), 4, "{records:?}");
        assert_eq!(event(&records[0]).source_port, Some(445));
        assert!(!event(&records[0]).extra.contains_key("tag"));
        assert_eq!(event(&records[1]).source_port, None);
        assert_eq!(
            event(&records[1]).source_ip,
            Some("192.0.2.2".parse().expect("ip"))
        );
        assert_eq!(
            event(&records[2]).extra.get("tag").map(String::as_str),
            Some("smb")
        );
        assert_eq!(
            records[3],
            FeedRecord::Note("2 rows were short of trailing fields; read as empty".to_owned())
        );
        let whole = parse(
            "scan_smb.csv",
            "timestamp,ip,port\n2024-01-01 10:00:00,192.0.2.1,445\n",
        );
        assert!(
            !whole
                .iter()
                .any(|record| matches!(record, FeedRecord::Note(_))),
            "no note when every row is whole"
        );
    }

    #[test]
    fn sinkhole_http_joins_host_and_path_into_the_destination_url() {
        let records = parse(
            "event4_sinkhole_http_referer.csv",
            "timestamp,http_referer_ip,dst_ip,dst_port,infection,http_url,http_host\n\
             2024-01-01 10:00:00,192.0.2.1,198.51.100.2,80,Kovter,GET /a?b=1 HTTP/1.1,Sink.Example.com\n",
        );
        let event = event(&records[0]);
        assert_eq!(
            event.destination_url.as_deref(),
            Some("http://sink.example.com/a?b=1")
        );
        assert_eq!(event.destination_fqdn.as_deref(), Some("sink.example.com"));
        assert_eq!(event.classification_identifier.as_deref(), Some("Kovter"));
        assert_eq!(event.malware_name.as_deref(), Some("kovter"));
        assert!(!event.extra.contains_key("http_url"));
    }

    #[test]
    fn exchange_web_shells_are_compromises() {
        let records = parse(
            "scan_exchange.csv",
            "timestamp,ip,port,tag\n2024-01-01 10:00:00,192.0.2.1,443,exchange;webshell\n2024-01-01 10:00:00,192.0.2.2,443,exchange;cve-2021-26855\n",
        );
        assert_eq!(event(&records[0]).classification_taxonomy, "intrusions");
        assert_eq!(
            event(&records[0]).classification_identifier.as_deref(),
            Some("exchange-server-webshell")
        );
        assert_eq!(event(&records[1]).classification_type, "vulnerable-system");
    }

    #[test]
    fn rows_naming_no_address_are_skipped() {
        let records = parse(
            "sandbox_dns.csv",
            "timestamp,md5hash,request,type,response\n2024-01-01 10:00:00,abc,time.example.com,A,192.0.2.1\n",
        );
        assert!(matches!(records[0], FeedRecord::Skipped { line: 2, .. }));
    }

    #[test]
    fn a_blocklist_entry_may_be_a_network() {
        let records = parse(
            "blocklist.csv",
            "timestamp,ip,reason\n2024-01-01 10:00:00,198.51.100.0/24,bad\n",
        );
        assert_eq!(
            event(&records[0])
                .source_network
                .map(|n| n.to_string())
                .as_deref(),
            Some("198.51.100.0/24")
        );
    }

    #[test]
    fn unknown_report_types_are_refused() {
        let context = FeedContext {
            file_name: "report.csv".into(),
            observed_at: datetime!(2026-01-01 00:00 UTC),
            default_tlp: Tlp::Amber,
        };
        let result = Shadowserver.parse(
            Box::new(Cursor::new(b"timestamp,ip,port\n".to_vec())),
            &context,
        );
        assert!(result.is_err());
        assert!(!Shadowserver.detect("report.csv", b"timestamp,ip,port\n"));
        assert!(Shadowserver.detect("scan_socks.csv", b"\"timestamp\",\"ip\"\n"));
        assert!(Shadowserver.detect("x.csv", b"\"timestamp\",\"ip\",\"smb_implant\"\n"));
        assert!(!Shadowserver.detect("scan_smb.csv", b"ip,port\n"));
    }
}

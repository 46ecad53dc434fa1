//! Unit tests for attribution: most specific range wins, IPv6, conflicts, domains by
//! whole-label suffix, ASNs, and the order in which an event's fields are tried.

use super::*;
use beacon_core::Tlp;

fn net(text: &str) -> Cidr {
    text.parse().expect("test networks are valid")
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test addresses are valid")
}

fn event() -> Event {
    Event::new(
        "infected-system",
        "Test feed",
        time::macros::datetime!(2026-11-29 10:00 UTC),
        Tlp::Green,
        "raw".into(),
    )
}

#[test]
fn most_specific_range_wins() {
    let attributor = Attributor::new([
        (OwnerId(1), Claim::Network(net("10.1.0.0/16"))),
        (OwnerId(2), Claim::Network(net("10.1.2.0/24"))),
    ]);
    assert_eq!(attributor.owner_of_ip(ip("10.1.2.3")), Some(OwnerId(2)));
    assert_eq!(attributor.owner_of_ip(ip("10.1.3.3")), Some(OwnerId(1)));
    assert_eq!(attributor.owner_of_ip(ip("10.2.0.1")), None);
    assert_eq!(
        attributor.match_ip(ip("10.1.2.255")),
        Some((OwnerId(2), net("10.1.2.0/24")))
    );
    // Claim order must not matter.
    let reversed = Attributor::new([
        (OwnerId(2), Claim::Network(net("10.1.2.0/24"))),
        (OwnerId(1), Claim::Network(net("10.1.0.0/16"))),
    ]);
    assert_eq!(reversed.owner_of_ip(ip("10.1.2.3")), Some(OwnerId(2)));
    assert!(attributor.conflicts().is_empty());
}

#[test]
fn ipv6_and_ipv4_are_separate() {
    let attributor = Attributor::new([
        (OwnerId(1), Claim::Network(net("2001:db8::/32"))),
        (OwnerId(2), Claim::Network(net("2001:db8:42::/48"))),
        (OwnerId(3), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(4), Claim::Network(net("::/0"))),
    ]);
    assert_eq!(
        attributor.owner_of_ip(ip("2001:db8:42::1")),
        Some(OwnerId(2))
    );
    assert_eq!(
        attributor.owner_of_ip(ip("2001:db8:43::1")),
        Some(OwnerId(1))
    );
    assert_eq!(attributor.owner_of_ip(ip("2001:db9::1")), Some(OwnerId(4)));
    // An IPv6 default route does not swallow IPv4 addresses…
    assert_eq!(attributor.owner_of_ip(ip("198.51.100.1")), None);
    // …and an IPv4-mapped IPv6 address is the IPv4 address it carries.
    assert_eq!(
        attributor.owner_of_ip(ip("::ffff:192.0.2.9")),
        Some(OwnerId(3))
    );
}

#[test]
fn exact_duplicates_go_to_the_lowest_owner_and_are_reported() {
    let claims = [
        (OwnerId(7), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(3), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(5), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(5), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(9), Claim::Domain("Example.org.".into())),
        (OwnerId(8), Claim::Domain("example.org".into())),
        (OwnerId(2), Claim::Asn(64500)),
        (OwnerId(1), Claim::Asn(64500)),
        (OwnerId(4), Claim::Network(net("192.0.2.0/25"))),
    ];
    let forwards = Attributor::new(claims.clone());
    let backwards = Attributor::new(claims.into_iter().rev());
    for attributor in [&forwards, &backwards] {
        assert_eq!(attributor.owner_of_ip(ip("192.0.2.200")), Some(OwnerId(3)));
        assert_eq!(attributor.owner_of_ip(ip("192.0.2.1")), Some(OwnerId(4)));
        assert_eq!(
            attributor.owner_of_domain("www.example.org"),
            Some(OwnerId(8))
        );
        assert_eq!(attributor.owner_of_asn(64500), Some(OwnerId(1)));
        assert_eq!(
            attributor.conflicts(),
            &[
                Conflict {
                    claim: Claim::Network(net("192.0.2.0/24")),
                    owners: vec![OwnerId(3), OwnerId(5), OwnerId(7)],
                },
                Conflict {
                    claim: Claim::Asn(64500),
                    owners: vec![OwnerId(1), OwnerId(2)],
                },
                Conflict {
                    claim: Claim::Domain("example.org".into()),
                    owners: vec![OwnerId(8), OwnerId(9)],
                },
            ]
        );
    }
}

#[test]
fn domains_match_by_whole_label_suffix() {
    let attributor = Attributor::new([
        (OwnerId(1), Claim::Domain("example.co.uk".into())),
        (OwnerId(2), Claim::Domain("shop.example.co.uk".into())),
        (OwnerId(3), Claim::Domain(".Council.GOV.uk.".into())),
        (OwnerId(4), Claim::Domain("".into())),
        (OwnerId(5), Claim::Domain(".".into())),
    ]);
    assert_eq!(
        attributor.owner_of_domain("example.co.uk"),
        Some(OwnerId(1))
    );
    assert_eq!(
        attributor.owner_of_domain("mail.example.co.uk"),
        Some(OwnerId(1))
    );
    assert_eq!(
        attributor.owner_of_domain("MAIL.Example.CO.UK."),
        Some(OwnerId(1))
    );
    assert_eq!(attributor.owner_of_domain("badexample.co.uk"), None);
    assert_eq!(attributor.owner_of_domain("co.uk"), None);
    // The longest suffix wins.
    assert_eq!(
        attributor.owner_of_domain("a.b.shop.example.co.uk"),
        Some(OwnerId(2))
    );
    assert_eq!(
        attributor.match_domain("x.shop.example.co.uk"),
        Some((OwnerId(2), "shop.example.co.uk"))
    );
    assert_eq!(
        attributor.owner_of_domain("www.council.gov.uk"),
        Some(OwnerId(3))
    );
    // Empty claims were dropped rather than matching everything.
    assert_eq!(attributor.owner_of_domain("unrelated.org"), None);
    assert_eq!(attributor.owner_of_domain(""), None);
    assert_eq!(attributor.owner_of_domain("."), None);
}

#[test]
fn internationalised_domains_match_in_either_form() {
    let attributor = Attributor::new([(OwnerId(1), Claim::Domain("Bücher.example".into()))]);
    assert_eq!(
        attributor.owner_of_domain("www.bücher.example"),
        Some(OwnerId(1))
    );
    assert_eq!(
        attributor.owner_of_domain("www.xn--bcher-kva.example"),
        Some(OwnerId(1))
    );
    let mut event = event();
    event.source_url = Some("https://shop.BÜCHER.example/".into());
    assert_eq!(
        attributor.attribute(&event),
        Some((
            OwnerId(1),
            MatchedBy::Domain("xn--bcher-kva.example".into())
        ))
    );
}

#[test]
fn asns_match_exactly() {
    let attributor = Attributor::new([(OwnerId(1), Claim::Asn(64500))]);
    assert_eq!(attributor.owner_of_asn(64500), Some(OwnerId(1)));
    assert_eq!(attributor.owner_of_asn(64501), None);
}

#[test]
fn events_are_attributed_in_order_of_precision() {
    let attributor = Attributor::new([
        (OwnerId(1), Claim::Network(net("192.0.2.0/24"))),
        (OwnerId(2), Claim::Network(net("198.51.100.0/24"))),
        (OwnerId(3), Claim::Domain("example.org".into())),
        (OwnerId(4), Claim::Domain("example.net".into())),
        (OwnerId(5), Claim::Asn(64500)),
        (OwnerId(6), Claim::Network(net("2001:db8::/32"))),
    ]);
    let mut event = event();
    event.source_ip = Some(ip("192.0.2.10"));
    event.source_network = Some(net("198.51.100.0/25"));
    event.source_url = Some("https://www.example.org/login".into());
    event.source_fqdn = Some("example.net".into());
    event.source_asn = Some(64500);
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(1), MatchedBy::Network(net("192.0.2.0/24"))))
    );

    // An address nobody owns falls through to the next field.
    event.source_ip = Some(ip("203.0.113.1"));
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(2), MatchedBy::Network(net("198.51.100.0/24"))))
    );

    // A network only partly inside an owned range is not attributed by network.
    event.source_network = Some(net("198.51.100.0/23"));
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(3), MatchedBy::Domain("example.org".into())))
    );

    event.source_url = Some("evil.example.com/dropper.exe".into());
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(4), MatchedBy::Domain("example.net".into())))
    );

    // A URL whose host is an address literal is attributed by network.
    event.source_url = Some("http://[2001:db8::5]:8080/x".into());
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(6), MatchedBy::Network(net("2001:db8::/32"))))
    );

    event.source_url = Some("https://WWW.Example.Org./".into());
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(3), MatchedBy::Domain("example.org".into())))
    );

    event.source_url = None;
    event.source_fqdn = Some("notexample.net".into());
    assert_eq!(
        attributor.attribute(&event),
        Some((OwnerId(5), MatchedBy::Asn(64500)))
    );
}

#[test]
fn no_owner() {
    let empty = Attributor::new([]);
    let mut event = event();
    assert_eq!(empty.attribute(&event), None);
    event.source_ip = Some(ip("192.0.2.1"));
    event.source_fqdn = Some("example.org".into());
    event.source_url = Some("not a url at all".into());
    event.source_asn = Some(64500);
    assert_eq!(empty.attribute(&event), None);
    assert_eq!(empty.owner_of_ip(ip("::1")), None);
    assert!(empty.conflicts().is_empty());

    let attributor = Attributor::new([(OwnerId(1), Claim::Network(net("10.0.0.0/8")))]);
    assert_eq!(attributor.attribute(&event), None);
}

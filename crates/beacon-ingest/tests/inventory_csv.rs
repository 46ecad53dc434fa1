//! Partner inventory and contact files: a good import, each kind of problem with its
//! known message, and all problems reported together.

use beacon_core::inventory::{ContactRole, Delivery};
use beacon_ingest::inventory::{LineProblem, parse_contacts_csv, parse_inventory_csv};

fn problems(csv: &str) -> Vec<String> {
    parse_inventory_csv(csv.as_bytes())
        .expect_err("the file has problems")
        .iter()
        .map(LineProblem::to_string)
        .collect()
}

#[test]
fn a_good_inventory_groups_rows_into_assets() {
    let csv = "\u{feff}Organisation,ASSET,Kind,owner,hostname,network,cpe,purl,vendor,product,version\n\
        Leicester City Council,Payroll server,server,it@leicester.gov.uk,payroll01,192.0.2.0/24,cpe:2.3:a:sap:netweaver:7.5:*:*:*:*:*:*:*,,,,\n\
        Leicester City Council,Payroll server,,,,,,pkg:npm/lodash@4.17.20,,,\n\
        \n\
        Leicester City Council,Firewall,firewall,,,,,,Fortinet,FortiOS,7.2.4\n\
        leicester city council,payroll server,Server,,,,,,Microsoft,Windows Server,2019\n\
        Rutland County Council,Mail,service,,,2001:db8::/32,,,Microsoft,Exchange Server,\n";
    let import = parse_inventory_csv(csv.as_bytes()).expect("imports");
    assert_eq!(import.rows, 5);
    assert_eq!(import.assets.len(), 3);
    let (organisation, payroll) = &import.assets[0];
    assert_eq!(organisation, "Leicester City Council");
    assert_eq!(payroll.name, "Payroll server");
    assert_eq!(payroll.kind, "server");
    assert_eq!(payroll.owner.as_deref(), Some("it@leicester.gov.uk"));
    assert_eq!(payroll.hostname.as_deref(), Some("payroll01"));
    assert_eq!(
        payroll.network.map(|n| n.to_string()).as_deref(),
        Some("192.0.2.0/24")
    );
    assert_eq!(payroll.products.len(), 3);
    assert_eq!(
        payroll.products[1].purl.as_deref(),
        Some("pkg:npm/lodash@4.17.20")
    );
    assert_eq!(
        payroll.products[2].describe(),
        "Microsoft Windows Server 2019"
    );
    let (_, firewall) = &import.assets[1];
    assert_eq!(firewall.products[0].version.as_deref(), Some("7.2.4"));
    assert_eq!(import.assets[2].1.products[0].version, None);
}

#[test]
fn windows_1252_files_are_read() {
    let csv = b"organisation,asset,vendor,product\nCaf\xe9 Partners,Till,Acme,POS\n";
    let import = parse_inventory_csv(csv).expect("imports");
    assert_eq!(import.assets[0].0, "Caf\u{e9} Partners");
}

#[test]
fn each_problem_kind_has_its_message() {
    let head = "organisation,asset,kind,owner,hostname,network,cpe,purl,vendor,product,version\n";
    let cases = [
        (
            "Org,Asset,,,,,cpe:2.3:a:x,,,,",
            "line 2: column cpe: 'cpe:2.3:a:x' is not a CPE 2.3 name (it needs 13 parts)",
        ),
        (
            "Org,Asset,,,,,x:y,,,,",
            "line 2: column cpe: 'x:y' is not a CPE name (it must start 'cpe:2.3:' or 'cpe:/')",
        ),
        (
            "Org,Asset,,,,,,pkg:npm,,,",
            "line 2: column purl: 'pkg:npm' is not a package URL (it needs pkg:type/name)",
        ),
        (
            "Org,Asset,,,,,,,Acme,,",
            "line 2: column product: is empty, but the vendor 'Acme' needs a product",
        ),
        (
            "Org,Asset,,,,,,,,Router,",
            "line 2: column vendor: is empty, but the product 'Router' needs a vendor",
        ),
        (
            "Org,Asset,,,,,,,,,1.0",
            "line 2: the row names no product: give a cpe, a purl, or vendor and product",
        ),
        (
            "Org,Asset,,not-an-email,,,,,Acme,Router,",
            "line 2: column owner: 'not-an-email' is not an email address",
        ),
        (
            "Org,Asset,,,,300.1.1.0/24,,,Acme,Router,",
            "line 2: column network: '300.1.1.0/24' is not an IP network (such as 192.0.2.0/24 or 2001:db8::/32) or address",
        ),
        (
            ",Asset,,,,,,,Acme,Router,",
            "line 2: column organisation: is empty",
        ),
        ("Org,,,,,,,,Acme,Router,", "line 2: column asset: is empty"),
    ];
    for (row, expected) in cases {
        assert_eq!(problems(&format!("{head}{row}\n")), [expected], "{row}");
    }
    assert_eq!(
        problems("organisation,product\nOrg,Router\n"),
        ["line 1: column asset: is required but missing from the header"]
    );
    assert_eq!(
        problems("organisation,asset,vesion\nOrg,A,1\n"),
        [
            "line 1: column vesion: is not a column of this file (use organisation, asset, kind, owner, hostname, network, cpe, purl, vendor, product, version)"
        ]
    );
    assert_eq!(
        problems(
            "organisation,asset,kind,vendor,product\nOrg,Asset,server,Acme,A\nOrg,asset,laptop,Acme,B\n"
        ),
        [
            "line 3: column kind: 'laptop' contradicts 'server' given for asset 'Asset' of Org on line 2"
        ]
    );
}

#[test]
fn every_problem_is_listed_and_nothing_is_imported() {
    let csv = "organisation,asset,cpe,owner\n\
        Org,A,cpe:2.3:a:v:p:1:*:*:*:*:*:*:*,\n\
        Org,B,cpe:2.3:a:x,bad\n\
        Org,C,cpe:2.3:a:v:p:1:*:*:*:*:*:*:*,\n\
        ,D,,\n";
    assert_eq!(
        problems(csv),
        [
            "line 3: column cpe: 'cpe:2.3:a:x' is not a CPE 2.3 name (it needs 13 parts)",
            "line 3: column owner: 'bad' is not an email address",
            "line 5: column organisation: is empty",
            "line 5: the row names no product: give a cpe, a purl, or vendor and product",
        ]
    );
}

#[test]
fn contacts_are_read_or_every_problem_listed() {
    let good = "Organisation,Name,Email,Role,Delivery\n\
        Leicester City Council,Priya Shah,priya.shah@leicester.gov.uk,IT manager,\n\
        Leicester City Council,Tom Hale,tom.hale@leicester.gov.uk,SRO,daily digest\n";
    let contacts = parse_contacts_csv(good.as_bytes()).expect("imports");
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].1.role, ContactRole::ItManager);
    assert_eq!(contacts[0].1.delivery, Delivery::Immediate);
    assert_eq!(contacts[1].1.role, ContactRole::SeniorResponsibleOwner);
    assert_eq!(contacts[1].1.delivery, Delivery::DailyDigest);

    let bad = "organisation,name,email,role,delivery\n\
        Org,Ann,ann@example,ceo,weekly\n\
        Org,Bob,bob@example.org,deputy,\n\
        Org,Bob again,BOB@example.org,deputy,\n";
    let listed: Vec<String> = parse_contacts_csv(bad.as_bytes())
        .expect_err("problems")
        .iter()
        .map(LineProblem::to_string)
        .collect();
    assert_eq!(
        listed,
        [
            "line 2: column email: 'ann@example' is not an email address",
            "line 2: column role: 'ceo' is not a contact role: use it_manager, deputy or senior_responsible_owner",
            "line 2: column delivery: 'weekly' is not a delivery: use immediate or daily_digest",
            "line 4: column email: 'BOB@example.org' is already a contact of Org on line 3",
        ]
    );
    assert_eq!(
        parse_contacts_csv(b"organisation,name,email\nOrg,Ann,ann@example.org\n")
            .expect_err("no role")
            .iter()
            .map(LineProblem::to_string)
            .collect::<Vec<_>>(),
        ["line 1: column role: is required but missing from the header"]
    );
}

//! Partners' inventories: assets kept by name across replacements, all or nothing, one
//! partner never reaching another's assets, and contacts.

use super::register::organisation;
use super::*;
use beacon_core::{Asset, ContactRole, Delivery, PartnerContact, ProductEntry};
use beacon_store::InventoryChange;

stories!(with_store =>
    replacing_an_inventory_keeps_ids_by_name_and_reports_what_changed,
    a_replacement_naming_an_unknown_organisation_writes_nothing,
    assets_are_put_read_and_removed_only_within_their_organisation,
    contacts_are_replaced_and_read_back_in_role_order,
);

/// Two partners, by id.
pub(super) fn two_partners(store: &mut dyn Store) -> (i64, i64) {
    let ids = store
        .upsert_organisations(&[
            organisation("City Council", "192.0.2.0/24"),
            organisation("Harbour Trust", "198.51.100.0/24"),
        ])
        .expect("stored");
    (ids[0], ids[1])
}

pub(super) fn product(vendor: &str, name: &str, version: &str) -> ProductEntry {
    ProductEntry {
        cpe: None,
        purl: None,
        vendor: Some(vendor.to_owned()),
        product: Some(name.to_owned()),
        version: Some(version.to_owned()),
        derived_cpe: Some(format!(
            "cpe:2.3:a:{}:{}:{version}:*:*:*:*:*:*:*",
            vendor.to_lowercase(),
            name.to_lowercase()
        )),
    }
}

pub(super) fn asset(name: &str, products: Vec<ProductEntry>) -> Asset {
    Asset {
        name: name.to_owned(),
        kind: "server".to_owned(),
        owner: None,
        hostname: Some(format!("{}.example", name.to_lowercase().replace(' ', "-"))),
        network: Some("192.0.2.0/28".parse().expect("network")),
        products,
    }
}

fn change(added: u64, changed: u64, unchanged: u64, removed: u64) -> InventoryChange {
    InventoryChange {
        added,
        changed,
        unchanged,
        removed,
    }
}

fn replacing_an_inventory_keeps_ids_by_name_and_reports_what_changed(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let first = store
        .replace_inventory(&[
            (
                council,
                vec![
                    asset("Payroll server", vec![product("Acme", "Payroll", "4.2")]),
                    asset(
                        "Firewall",
                        vec![
                            product("Fortinet", "FortiOS", "7.2.4"),
                            product("Fortinet", "FortiManager", "7.0"),
                        ],
                    ),
                    asset("Old NAS", vec![product("Synology", "DSM", "6.2")]),
                ],
            ),
            (
                harbour,
                vec![asset(
                    "Mail",
                    vec![product("Microsoft", "Exchange", "2019")],
                )],
            ),
        ])
        .expect("replaced");
    assert_eq!(first, vec![change(3, 0, 0, 0), change(1, 0, 0, 0)]);
    assert!(first[0].is_change());
    let before = store.assets(Some(council)).expect("assets");
    let names: Vec<&str> = before.iter().map(|a| a.asset.name.as_str()).collect();
    assert_eq!(names, ["Firewall", "Old NAS", "Payroll server"], "by name");
    let firewall = &before[0];
    assert_eq!(firewall.asset.products.len(), 2);
    assert_eq!(firewall.product_ids.len(), 2);
    assert_eq!(
        firewall.asset.products[1].product.as_deref(),
        Some("FortiManager"),
        "products keep the order written"
    );
    assert_eq!(
        firewall.asset.network,
        Some("192.0.2.0/28".parse().expect("network"))
    );
    let id_of = |assets: &[beacon_store::StoredAsset], name: &str| {
        assets
            .iter()
            .find(|a| a.asset.name.eq_ignore_ascii_case(name))
            .map(|a| a.id)
    };

    let second = store
        .replace_inventory(&[(
            council,
            vec![
                asset("PAYROLL SERVER", vec![product("Acme", "Payroll", "4.3")]),
                asset(
                    "Firewall",
                    vec![
                        product("Fortinet", "FortiOS", "7.2.4"),
                        product("Fortinet", "FortiManager", "7.0"),
                    ],
                ),
                asset("Laptops", vec![product("Microsoft", "Windows", "11")]),
            ],
        )])
        .expect("replaced");
    assert_eq!(second, vec![change(1, 1, 1, 1)]);
    let after = store.assets(Some(council)).expect("assets");
    assert_eq!(
        id_of(&after, "payroll server"),
        id_of(&before, "payroll server"),
        "an asset written again under its name keeps its id"
    );
    assert_eq!(id_of(&after, "firewall"), id_of(&before, "firewall"));
    assert_eq!(
        after[0].product_ids, firewall.product_ids,
        "an unchanged asset keeps its products' ids"
    );
    assert_eq!(
        id_of(&after, "old nas"),
        None,
        "an asset not written is removed"
    );
    let payroll = after
        .iter()
        .find(|a| a.asset.name == "PAYROLL SERVER")
        .expect("renamed in place");
    assert_eq!(payroll.asset.products[0].version.as_deref(), Some("4.3"));

    let unchanged = store
        .replace_inventory(&[(council, after.iter().map(|a| a.asset.clone()).collect())])
        .expect("replaced");
    assert_eq!(unchanged, vec![change(0, 0, 3, 0)]);
    assert!(!unchanged[0].is_change());
    assert_eq!(
        store.assets(Some(harbour)).expect("assets").len(),
        1,
        "organisations not named are untouched"
    );
    assert_eq!(store.assets(None).expect("all").len(), 4);
    let rows = store.inventory_rows(Some(council)).expect("rows");
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row.organisation_id == council));
    assert_eq!(store.inventory_rows(None).expect("rows").len(), 5);
}

fn a_replacement_naming_an_unknown_organisation_writes_nothing(store: &mut dyn Store) {
    let (council, _) = two_partners(store);
    let result = store.replace_inventory(&[
        (
            council,
            vec![asset(
                "Payroll server",
                vec![product("Acme", "Payroll", "4.2")],
            )],
        ),
        (999_999, vec![asset("Ghost", Vec::new())]),
    ]);
    match result {
        Err(StoreError::NotFound { id, .. }) => assert_eq!(id, 999_999),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(
        store.assets(None).expect("assets").is_empty(),
        "nothing of the replacement was written"
    );
    assert!(matches!(
        store.put_asset(999_999, &asset("Ghost", Vec::new())),
        Err(StoreError::NotFound { .. })
    ));
}

fn assets_are_put_read_and_removed_only_within_their_organisation(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let gateway = asset("Gateway", vec![product("Acme", "Gateway", "1.0")]);
    let (id, changed) = store.put_asset(council, &gateway).expect("put");
    assert!(changed);
    assert_eq!(
        store.put_asset(council, &gateway).expect("put again"),
        (id, false),
        "the same asset again changes nothing"
    );
    let newer = asset("gateway", vec![product("Acme", "Gateway", "1.1")]);
    assert_eq!(store.put_asset(council, &newer).expect("put"), (id, true));
    let (other, _) = store.put_asset(harbour, &gateway).expect("put");
    assert_ne!(
        other, id,
        "the same name in another organisation is another asset"
    );

    let read = store
        .asset(id, Some(council))
        .expect("read")
        .expect("the council's");
    assert_eq!(read.organisation_id, council);
    assert_eq!(read.asset, newer);
    assert_eq!(
        store.asset(id, Some(harbour)).expect("read"),
        None,
        "another partner cannot read it"
    );
    assert!(store.asset(id, None).expect("read").is_some());

    assert!(
        !store.remove_asset(harbour, id).expect("refused"),
        "another partner cannot remove it"
    );
    assert!(store.asset(id, None).expect("read").is_some());
    assert!(store.remove_asset(council, id).expect("removed"));
    assert_eq!(store.asset(id, None).expect("read"), None);
    assert!(
        store
            .inventory_rows(Some(council))
            .expect("rows")
            .is_empty()
    );
    assert_eq!(store.inventory_rows(Some(harbour)).expect("rows").len(), 1);
}

fn contacts_are_replaced_and_read_back_in_role_order(store: &mut dyn Store) {
    let (council, harbour) = two_partners(store);
    let person = |name: &str, role: ContactRole, delivery: Delivery| PartnerContact {
        name: name.to_owned(),
        email: format!("{}@council.example", name.to_lowercase()),
        role,
        delivery,
    };
    let council_people = vec![
        person(
            "Sam",
            ContactRole::SeniorResponsibleOwner,
            Delivery::Immediate,
        ),
        person("Priya", ContactRole::ItManager, Delivery::DailyDigest),
        person("Alex", ContactRole::Deputy, Delivery::Immediate),
        person("Ade", ContactRole::ItManager, Delivery::Immediate),
    ];
    store
        .replace_contacts(&[
            (council, council_people.clone()),
            (
                harbour,
                vec![person("Jo", ContactRole::ItManager, Delivery::Immediate)],
            ),
        ])
        .expect("replaced");
    let read = store.contacts(Some(council)).expect("contacts");
    let names: Vec<&str> = read.iter().map(|c| c.contact.name.as_str()).collect();
    assert_eq!(names, ["Ade", "Priya", "Alex", "Sam"], "by role then name");
    assert_eq!(read[1].contact, council_people[1], "round trip");
    assert!(read.iter().all(|c| c.organisation_id == council));
    assert_eq!(store.contacts(None).expect("all").len(), 5);

    store
        .replace_contacts(&[(
            council,
            vec![person("Priya", ContactRole::ItManager, Delivery::Immediate)],
        )])
        .expect("replaced");
    assert_eq!(store.contacts(Some(council)).expect("contacts").len(), 1);
    assert_eq!(
        store.contacts(Some(harbour)).expect("contacts").len(),
        1,
        "organisations not named are untouched"
    );
}

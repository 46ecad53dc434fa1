//! Reference data: districts, fraud types, postcodes and sectors, settings.

use super::*;

stories!(with_store =>
    districts_round_trip_with_the_area_name,
    fraud_types_upsert_by_key_and_keep_their_order,
    postcodes_resolve_in_full_then_by_sector,
    many_postcodes_are_written_in_chunks,
    settings_round_trip,
);

fn districts_round_trip_with_the_area_name(store: &mut dyn Store) {
    let empty = store.districts().expect("districts");
    assert_eq!(empty.area_name, "");
    assert!(empty.list.is_empty());

    let area = districts_list(
        "Leicester, Leicestershire and Rutland",
        &[
            ("E06000016", "Leicester", 329_839),
            ("E07000129", "Blaby", 93_915),
            ("E06000017", "Rutland", 37_369),
        ],
    );
    store.replace_districts(&area).expect("replace districts");
    assert_eq!(
        store.districts().expect("districts"),
        area,
        "same districts, same order"
    );
    assert_eq!(
        store.setting("area_name").expect("setting").as_deref(),
        Some("Leicester, Leicestershire and Rutland")
    );

    let smaller = districts_list("Rutland", &[("E06000017", "Rutland", 37_369)]);
    store
        .replace_districts(&smaller)
        .expect("replace districts");
    assert_eq!(
        store.districts().expect("districts"),
        smaller,
        "old districts are gone"
    );
}

fn fraud_types_upsert_by_key_and_keep_their_order(store: &mut dyn Store) {
    assert!(store.fraud_types().expect("types").is_empty());
    let courier = FraudType::new(Some("NFIB1A"), "Courier fraud", "Banking", false);
    let romance = FraudType::new(Some("NFIB19"), "Dating scam", "Advance fee payments", false);
    let hacking = FraudType::new(
        Some("NFIB52A"),
        "Hacking - social media",
        "Computer misuse",
        true,
    );
    store
        .upsert_fraud_types(&[courier.clone(), romance.clone(), hacking.clone()])
        .expect("upsert");
    assert_eq!(
        store.fraud_types().expect("types"),
        vec![courier.clone(), romance.clone(), hacking.clone()]
    );

    let renamed = FraudType::new(
        Some("NFIB19"),
        "Romance fraud",
        "Advance fee payments",
        false,
    );
    let uncoded = FraudType::new(None, "Ticket fraud", "Consumer", false);
    store
        .upsert_fraud_types(&[renamed.clone(), uncoded.clone()])
        .expect("upsert");
    assert_eq!(
        store.fraud_types().expect("types"),
        vec![courier, renamed, hacking, uncoded],
        "an updated type keeps its place; a new one goes last"
    );
}

fn postcodes_resolve_in_full_then_by_sector(store: &mut dyn Store) {
    let (leicester, blaby, oadby, harborough) = (
        code("E06000016"),
        code("E07000129"),
        code("E07000135"),
        code("E07000131"),
    );
    let written = store
        .upsert_postcodes(&[
            (full("LE1 5WW"), leicester.clone()),
            (full("LE1 5XX"), leicester.clone()),
            (full("LE1 5YY"), blaby.clone()),
            (full("LE2 1AA"), blaby.clone()),
            (full("LE3 9ZZ"), blaby.clone()),
            (full("LE3 9ZZ"), oadby.clone()),
            (full("LE4 2AB"), oadby.clone()),
            (full("LE4 2AD"), harborough.clone()),
        ])
        .expect("upsert postcodes");
    assert_eq!(written, 8);
    store
        .upsert_postcodes(&[(full("LE2 1AA"), harborough.clone())])
        .expect("upsert postcodes");
    assert_eq!(store.postcode_count().expect("count"), 7);
    assert_eq!(store.rebuild_postcode_sectors().expect("rebuild"), 4);
    assert_eq!(store.rebuild_postcode_sectors().expect("rebuild again"), 4);

    let lookup = |store: &mut dyn Store, postcode: Postcode| {
        store.postcode_district(&postcode).expect("lookup")
    };
    // A full postcode is found as itself, even against its sector's majority.
    assert_eq!(lookup(store, full("LE1 5YY")), Some(blaby.clone()));
    // The later of two writes wins.
    assert_eq!(lookup(store, full("LE2 1AA")), Some(harborough.clone()));
    assert_eq!(lookup(store, full("LE3 9ZZ")), Some(oadby.clone()));
    // An unknown full postcode falls back to its sector's majority district.
    assert_eq!(lookup(store, full("LE1 5ZZ")), Some(leicester.clone()));
    assert_eq!(
        lookup(store, Postcode::Sector("LE1 5".into())),
        Some(leicester)
    );
    assert_eq!(
        lookup(store, Postcode::Sector("LE2 1".into())),
        Some(harborough.clone())
    );
    // A tie goes to the lowest district code.
    assert_eq!(
        lookup(store, Postcode::Sector("LE4 2".into())),
        Some(harborough)
    );
    // Nothing known.
    assert_eq!(lookup(store, full("ZZ9 9ZZ")), None);
    assert_eq!(lookup(store, Postcode::Sector("ZZ9 9".into())), None);
}

fn many_postcodes_are_written_in_chunks(store: &mut dyn Store) {
    let (first, second) = (code("E06000016"), code("E07000129"));
    let mut entries: Vec<(Postcode, DistrictCode)> = (0..45_000u32)
        .map(|n| {
            let letters = |k: u32| char::from(b'A' + u8::try_from(k % 26).expect("below 26"));
            let postcode = format!(
                "AB{} {}{}{}",
                n / 2_600,
                (n / 676) % 10,
                letters(n / 26),
                letters(n)
            );
            (Postcode::Full(postcode), first.clone())
        })
        .collect();
    // Repeats within a chunk and across chunks: the last write wins.
    let repeated = [entries[5].0.clone(), entries[30_000].0.clone()];
    entries.push((repeated[0].clone(), second.clone()));
    entries.insert(30_001, (repeated[1].clone(), second.clone()));
    let total = entries.len() as u64;
    assert_eq!(store.upsert_postcodes(&entries).expect("upsert"), total);
    assert_eq!(store.postcode_count().expect("count"), 45_000);
    for postcode in &repeated {
        assert_eq!(
            store.postcode_district(postcode).expect("lookup"),
            Some(second.clone())
        );
    }
    assert_eq!(
        store.postcode_district(&entries[44_000].0).expect("lookup"),
        Some(first)
    );
    assert!(store.rebuild_postcode_sectors().expect("rebuild") > 0);
}

fn settings_round_trip(store: &mut dyn Store) {
    assert_eq!(store.setting("theme").expect("setting"), None);
    store.set_setting("theme", "dark").expect("set");
    assert_eq!(
        store.setting("theme").expect("setting").as_deref(),
        Some("dark")
    );
    store
        .set_setting("theme", "light – £ 'quoted'")
        .expect("set");
    assert_eq!(
        store.setting("theme").expect("setting").as_deref(),
        Some("light – £ 'quoted'")
    );
    store.set_setting("empty", "").expect("set");
    assert_eq!(
        store.setting("empty").expect("setting").as_deref(),
        Some("")
    );
    assert_eq!(
        store.setting("THEME").expect("setting"),
        None,
        "keys are exact"
    );
}

//! Opening a store: migrations applied once, a newer database refused, first opens racing.

use super::*;

stories!(with_place =>
    migrations_applied_twice_are_a_no_op,
    a_newer_database_is_refused,
    concurrent_first_opens_all_succeed,
);

fn migrations_applied_twice_are_a_no_op(place: &TestDatabase) {
    {
        let mut store = place.open();
        store.set_setting("kept", "yes").expect("set a setting");
    }
    let (count, highest) = migrations_recorded(place);
    assert!(count >= 1, "the migrations are recorded");
    assert_eq!(
        (count, highest),
        migrations_shipped(place.backend()),
        "each migration is recorded once"
    );
    for _ in 0..2 {
        let mut store = place.open();
        assert_eq!(
            store.setting("kept").expect("read a setting").as_deref(),
            Some("yes")
        );
    }
    assert_eq!(
        migrations_recorded(place),
        (count, highest),
        "reopening applies nothing"
    );
}

fn a_newer_database_is_refused(place: &TestDatabase) {
    drop(place.open());
    place.raw_execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (999999, CURRENT_TIMESTAMP)",
    );
    match beacon_store::open(place.location()) {
        Err(StoreError::TooNew { found, known }) => {
            assert_eq!(found, 999_999);
            assert!(known < found);
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a database from a newer Beacon was opened"),
    }
}

fn concurrent_first_opens_all_succeed(place: &TestDatabase) {
    let openers = 4;
    let barrier = std::sync::Barrier::new(openers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..openers)
            .map(|index| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let mut store = beacon_store::open(place.location())
                        .unwrap_or_else(|error| panic!("opener {index} failed: {error}"));
                    store
                        .set_setting(&format!("opener_{index}"), "here")
                        .expect("write after opening");
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("an opener panicked");
        }
    });
    let (count, highest) = migrations_recorded(place);
    assert_eq!(
        (count, highest),
        migrations_shipped(place.backend()),
        "each migration is applied once"
    );
}

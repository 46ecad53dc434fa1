//! Accounts, lock-out, sessions and API tokens.

use super::*;
use beacon_core::Role;
use beacon_store::{NewSession, NewUser, UserChange};
use time::{Duration, OffsetDateTime};

stories!(with_store =>
    accounts_are_unique_by_name_in_any_case,
    failed_sign_ins_lock_and_a_passed_lock_starts_a_new_count,
    sessions_expire_and_end_when_the_account_changes,
    api_tokens_name_their_user_until_revoked,
    api_tokens_keep_their_expiry,
    unknown_names_lock_like_accounts,
);

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.to_owned(),
        display_name: format!("{name} Person"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        organisation_id: None,
    }
}

fn accounts_are_unique_by_name_in_any_case(store: &mut dyn Store) {
    let id = store
        .create_user(&new_user("Asha", Role::Analyst))
        .expect("a new account");
    match store.create_user(&new_user("asha", Role::Coordinator)) {
        Err(StoreError::Duplicate { what, name }) => {
            assert_eq!((what, name.as_str()), ("account", "asha"));
        }
        other => panic!("a name taken in another case must be refused, got {other:?}"),
    }
    let (user, hash) = store
        .user_for_sign_in(" ASHA ")
        .expect("read")
        .expect("found");
    assert_eq!(user.id, id);
    assert_eq!(user.role, Role::Analyst);
    assert!(hash.starts_with("$argon2id$"));
    assert_eq!(store.users().expect("users").len(), 1);
}

fn failed_sign_ins_lock_and_a_passed_lock_starts_a_new_count(store: &mut dyn Store) {
    let id = store
        .create_user(&new_user("ben", Role::Analyst))
        .expect("a new account");
    let now = OffsetDateTime::now_utc();
    let until = now + Duration::minutes(15);
    for attempt in 1..=4 {
        let user = store
            .record_failed_sign_in(id, 5, now, until)
            .expect("fail")
            .expect("user");
        assert_eq!(user.failed_sign_ins, attempt);
        assert_eq!(user.locked_until, None);
    }
    let user = store
        .record_failed_sign_in(id, 5, now, until)
        .expect("fail")
        .expect("user");
    assert_eq!(user.failed_sign_ins, 5);
    assert!(user.locked_until.is_some_and(|t| t > now));
    // Once the lock has passed, a failure starts a new count.
    let later = until + Duration::minutes(1);
    let user = store
        .record_failed_sign_in(id, 5, later, later + Duration::minutes(15))
        .expect("fail")
        .expect("user");
    assert_eq!((user.failed_sign_ins, user.locked_until), (1, None));
    store.record_sign_in(id, later).expect("sign in");
    let user = store.user(id).expect("read").expect("user");
    assert_eq!(user.failed_sign_ins, 0);
    assert!(user.last_sign_in_at.is_some());
}

fn sessions_expire_and_end_when_the_account_changes(store: &mut dyn Store) {
    let id = store
        .create_user(&new_user("cat", Role::Analyst))
        .expect("a new account");
    let now = OffsetDateTime::now_utc();
    for (hash, expires) in [
        ("live", now + Duration::hours(8)),
        ("old", now - Duration::seconds(1)),
    ] {
        store
            .create_session(&NewSession {
                token_hash: hash.into(),
                user_id: id,
                csrf_token: format!("csrf-{hash}"),
                expires_at: expires,
            })
            .expect("session");
    }
    let live = store.session("live", now).expect("read").expect("live");
    assert_eq!((live.user.id, live.csrf_token.as_str()), (id, "csrf-live"));
    assert!(store.session("old", now).expect("read").is_none());
    // The same role and state keep the session; a new role ends it.
    let same = UserChange {
        role: Role::Analyst,
        disabled: false,
        unlock: true,
    };
    assert!(store.change_user(id, &same).expect("change"));
    assert!(store.session("live", now).expect("read").is_some());
    let promoted = UserChange {
        role: Role::Coordinator,
        disabled: false,
        unlock: false,
    };
    assert!(store.change_user(id, &promoted).expect("change"));
    assert!(store.session("live", now).expect("read").is_none());
    assert!(!store.change_user(id + 1000, &promoted).expect("change"));
    store.end_session("nothing", now).expect("end");
}

fn api_tokens_name_their_user_until_revoked(store: &mut dyn Store) {
    let id = store
        .create_user(&new_user("dev", Role::Analyst))
        .expect("a new account");
    let token = store
        .create_api_token(
            id,
            "nightly export",
            "hash-1",
            OffsetDateTime::now_utc() + Duration::days(90),
        )
        .expect("token");
    assert_eq!(
        store
            .api_token_user("hash-1")
            .expect("read")
            .map(|holder| holder.user.id),
        Some(id)
    );
    assert_eq!(store.api_tokens().expect("list")[0].name, "nightly export");
    let off = UserChange {
        role: Role::Analyst,
        disabled: true,
        unlock: false,
    };
    store.change_user(id, &off).expect("disable");
    assert!(
        store.api_token_user("hash-1").expect("read").is_none(),
        "a disabled account's token is refused"
    );
    assert!(store.revoke_api_token(token).expect("revoke"));
    assert!(store.api_tokens().expect("list").is_empty());
}

fn api_tokens_keep_their_expiry(store: &mut dyn Store) {
    let id = store
        .create_user(&new_user("scripts", Role::Analyst))
        .expect("a new account");
    let now = OffsetDateTime::now_utc();
    let (soon, gone) = (now + Duration::days(7), now - Duration::minutes(1));
    store
        .create_api_token(id, "weekly", "hash-soon", soon)
        .expect("token");
    store
        .create_api_token(id, "old", "hash-gone", gone)
        .expect("token");
    let read = |store: &mut dyn Store, hash: &str| {
        store
            .api_token_user(hash)
            .expect("read")
            .expect("a holder, expired or not")
            .expires_at
            .unix_timestamp()
    };
    assert_eq!(read(store, "hash-soon"), soon.unix_timestamp());
    assert_eq!(
        read(store, "hash-gone"),
        gone.unix_timestamp(),
        "an expired token is still found, so the caller can say it has expired"
    );
    let listed: Vec<i64> = store
        .api_tokens()
        .expect("list")
        .iter()
        .map(|token| token.expires_at.unix_timestamp())
        .collect();
    assert_eq!(listed, [soon.unix_timestamp(), gone.unix_timestamp()]);
}

fn unknown_names_lock_like_accounts(store: &mut dyn Store) {
    let now = OffsetDateTime::now_utc();
    let until = now + Duration::minutes(15);
    assert_eq!(store.name_lock("key-a").expect("read").failed_sign_ins, 0);
    for expected in 1..=2 {
        let lock = store
            .record_failed_name("key-a", 3, now, until)
            .expect("count");
        assert_eq!((lock.failed_sign_ins, lock.locked_until), (expected, None));
    }
    let locked = store
        .record_failed_name("key-a", 3, now, until)
        .expect("count");
    assert_eq!(locked.failed_sign_ins, 3);
    assert_eq!(
        locked.locked_until.map(OffsetDateTime::unix_timestamp),
        Some(until.unix_timestamp())
    );
    assert_eq!(store.name_lock("key-a").expect("read"), locked);
    assert_eq!(
        store.name_lock("key-b").expect("read").failed_sign_ins,
        0,
        "names are counted apart"
    );
    // After the lock has passed, a failure starts a new count, as for an account.
    let later = until + Duration::minutes(1);
    let fresh = store
        .record_failed_name("key-a", 3, later, later + Duration::minutes(15))
        .expect("count");
    assert_eq!((fresh.failed_sign_ins, fresh.locked_until), (1, None));
    // A name untried for 30 days is forgotten.
    let month = later + Duration::days(31);
    store
        .record_failed_name("key-b", 3, month, month + Duration::minutes(15))
        .expect("count");
    assert_eq!(store.name_lock("key-a").expect("read").failed_sign_ins, 0);
}

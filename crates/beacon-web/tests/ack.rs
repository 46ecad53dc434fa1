//! Acknowledgement links end to end through the router: opening a link records nothing,
//! confirming records it once, a tampered or expired link is refused in plain words.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use beacon_core::{Organisation, Tlp};
use beacon_notify::AckSigner;
use beacon_store::{NewDigest, Store};
use beacon_web::{AppState, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn store_with_digest(dir: &tempfile::TempDir) -> (Box<dyn Store>, i64) {
    let mut store =
        beacon_store::open(dir.path().join("b.db").to_str().expect("utf-8")).expect("store");
    let owner = store
        .upsert_organisations(&[Organisation {
            name: "City Council".into(),
            contacts: vec!["soc@council.example".into()],
            ..Organisation::default()
        }])
        .expect("organisation")[0];
    let id = store
        .enqueue_digests(
            owner,
            &[NewDigest {
                organisation_id: owner,
                recipient: "soc@council.example".into(),
                recipient_kind: "own".into(),
                subject: "digest".into(),
                text: "text".into(),
                html: "html".into(),
                tlp: Tlp::Green,
                findings: 1,
                withheld: 0,
            }],
            time::OffsetDateTime::now_utc(),
            "beacon.test",
        )
        .expect("queued")[0];
    (store, id)
}

async fn call(
    app: axum::Router,
    method: &str,
    uri: &str,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let response = app
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

fn acknowledged_by(dir: &tempfile::TempDir) -> Option<String> {
    let mut store =
        beacon_store::open(dir.path().join("b.db").to_str().expect("utf-8")).expect("store");
    store.outbox(None, 1).expect("outbox")[0]
        .acknowledged_by
        .clone()
}

#[tokio::test]
async fn opening_a_link_asks_and_confirming_records() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, id) = store_with_digest(&dir);
    let signer = AckSigner::new(b"test secret");
    let token = signer.sign(
        id,
        time::OffsetDateTime::now_utc() + time::Duration::days(1),
    );
    let app = router(AppState::new(store, AckSigner::new(b"test secret")));

    let (status, body, headers) = call(app.clone(), "GET", &format!("/ack/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<form method=\"post\">"), "{body}");
    assert_eq!(
        headers["referrer-policy"], "no-referrer",
        "the token must not leak"
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(
        acknowledged_by(&dir),
        None,
        "opening the link records nothing"
    );

    let (status, body, _) = call(app.clone(), "POST", &format!("/ack/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(&format!("Digest {id} is acknowledged")),
        "{body}"
    );
    assert_eq!(acknowledged_by(&dir).as_deref(), Some("link"));

    let (status, body, _) = call(app.clone(), "POST", &format!("/ack/{token}x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("This acknowledgement link"), "{body}");
    let expired = signer.sign(
        id,
        time::OffsetDateTime::now_utc() - time::Duration::days(1),
    );
    let (status, _, _) = call(app.clone(), "GET", &format!("/ack/{expired}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body, _) = call(app, "GET", "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn a_link_for_a_digest_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, _) = store_with_digest(&dir);
    let signer = AckSigner::new(b"s");
    let token = signer.sign(
        999,
        time::OffsetDateTime::now_utc() + time::Duration::days(1),
    );
    let app = router(AppState::new(store, AckSigner::new(b"s")));
    let (status, body, _) = call(app, "POST", &format!("/ack/{token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("There is no digest 999"), "{body}");
}

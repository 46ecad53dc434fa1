//! Partner advisories: who sees which advisories, notices and inventories, a partner
//! recording its assets' statuses (and nobody else's), inventory edits matched again,
//! advisories written by hand, and the acknowledgement link in a notice's email.

use super::*;
use beacon_app::advisories::AdvisoryOptions;
use beacon_app::advisories::ingest::ingest_advisory_file;
use beacon_app::notify::NotifySettings;
use beacon_core::{Asset, AssetStatus, ProductEntry};
use beacon_store::advisories::{MatchFilter, NoticeFilter, NoticeRecord};

scenarios!(
    a_partner_sees_only_its_own_advisories_notices_and_inventory,
    a_partner_cannot_change_another_partners_notice_or_asset,
    coordinators_and_analysts_see_every_affected_partner,
    marking_every_asset_fixed_closes_the_notice,
    inventory_edits_are_matched_again,
    advisory_forms_need_the_sessions_token,
    a_written_advisory_is_matched_and_opens_notices,
    the_link_in_a_notice_email_acknowledges_the_notice,
);

/// The other partner, which the test partner must never reach.
const HARBOUR: &str = "Harbour Trust";

/// Two CISA KEV entries: an Acme gateway flaw (both partners run the gateway), overdue
/// since 2020, and a Contoso mail flaw (only the harbour runs the mail server).
const KEV: &str = r#"{"catalogVersion": "2026.03.01", "count": 2, "vulnerabilities": [
  {"cveID": "CVE-2026-0001", "vendorProject": "Acme", "product": "Gateway",
   "vulnerabilityName": "Acme Gateway authentication bypass", "dateAdded": "2019-12-01",
   "shortDescription": "Anyone can sign in to the gateway without a password.",
   "requiredAction": "Upgrade the gateway to version 1.1.", "dueDate": "2020-01-01",
   "knownRansomwareCampaignUse": "Known", "notes": "https://acme.example/advisories/1"},
  {"cveID": "CVE-2026-0002", "vendorProject": "Contoso", "product": "Mail",
   "vulnerabilityName": "Contoso Mail remote code execution", "dateAdded": "2026-02-01",
   "shortDescription": "A crafted message runs code on the server.",
   "requiredAction": "Apply the vendor's patch.", "dueDate": "2099-01-01",
   "knownRansomwareCampaignUse": "Unknown", "notes": ""}
]}"#;

/// The world with advisories: ids of both partners, their assets and the advisories.
struct Advised {
    world: World,
    /// The test partner's organisation (the partner IT manager's).
    own: i64,
    harbour: i64,
    own_gateway: i64,
    harbour_gateway: i64,
    harbour_mail: i64,
    /// The Acme advisory (both partners) and the Contoso one (the harbour only).
    acme: i64,
    contoso: i64,
}

fn named(vendor: &str, product: &str, version: &str) -> ProductEntry {
    ProductEntry {
        cpe: None,
        purl: None,
        vendor: Some(vendor.into()),
        product: Some(product.into()),
        version: Some(version.into()),
        derived_cpe: None,
    }
}

fn asset(name: &str, products: Vec<ProductEntry>) -> Asset {
    Asset {
        name: name.into(),
        kind: "server".into(),
        owner: None,
        hostname: None,
        network: None,
        products,
    }
}

fn advised(kind: Backend) -> Option<Advised> {
    let world = World::new(kind, false)?;
    let own = world.organisation;
    let mut store = world.place.open();
    let store = store.as_mut();
    let harbour = store
        .upsert_organisations(&[Organisation {
            name: HARBOUR.into(),
            sector: "health".into(),
            contacts: vec!["it@harbour.example".into()],
            ..Organisation::default()
        }])
        .expect("a second organisation")[0];
    let now = time::OffsetDateTime::now_utc();
    let settings = NotifySettings::default();
    let put = |store: &mut dyn Store, organisation: i64, asset: &Asset| {
        beacon_app::advisories::inventory::put_asset(store, organisation, asset, now, &settings)
            .expect("an asset")
    };
    let own_gateway = put(
        store,
        own,
        &asset("Gateway", vec![named("Acme", "Gateway", "1.0")]),
    );
    let harbour_gateway = put(
        store,
        harbour,
        &asset("Harbour gateway", vec![named("Acme", "Gateway", "1.0")]),
    );
    let harbour_mail = put(
        store,
        harbour,
        &asset("Mail server", vec![named("Contoso", "Mail", "5.2")]),
    );
    let outcome = ingest_advisory_file(
        store,
        "kev.json",
        KEV.as_bytes(),
        &AdvisoryOptions::default(),
        now,
        &settings,
    )
    .expect("the catalogue loads");
    assert_eq!((outcome.new, outcome.rejected), (2, 0), "{outcome:?}");
    let id_of = |store: &mut dyn Store, cve: &str| {
        store
            .advisory_by_key(beacon_core::AdvisorySource::Kev, cve)
            .expect("read")
            .expect("stored")
            .id
    };
    let acme = id_of(store, "CVE-2026-0001");
    let contoso = id_of(store, "CVE-2026-0002");
    Some(Advised {
        world,
        own,
        harbour,
        own_gateway,
        harbour_gateway,
        harbour_mail,
        acme,
        contoso,
    })
}

impl Advised {
    fn partner(&self, server: &Server) -> Client {
        Client::signed_in(server, &self.world.account(Role::PartnerItManager).username)
    }

    fn notice(&self, organisation: i64, advisory: i64) -> NoticeRecord {
        self.world
            .place
            .open()
            .notices(&NoticeFilter {
                organisation_id: Some(organisation),
                advisory_id: Some(advisory),
                open_only: false,
            })
            .expect("notices")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a notice to {organisation} about {advisory}"))
    }

    fn status_of(&self, notice: i64, asset: i64) -> AssetStatus {
        self.world
            .place
            .open()
            .asset_statuses(notice)
            .expect("statuses")
            .into_iter()
            .find(|s| s.asset_id == asset)
            .map_or(AssetStatus::Unreviewed, |s| s.status)
    }
}

fn a_partner_sees_only_its_own_advisories_notices_and_inventory(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut partner = advised.partner(&server);
    let list = partner.get("/advisories");
    list.expect(200)
        .shows("Acme Gateway authentication bypass")
        .shows("TLP:CLEAR");
    assert!(
        !list.text().contains("Contoso Mail"),
        "the harbour's advisory is not listed"
    );
    // Another partner's advisory does not exist, as far as this partner can tell.
    partner
        .get(&format!("/advisories/{}", advised.contoso))
        .expect(404);
    partner
        .get(&format!("/api/v1/advisories/{}", advised.contoso))
        .expect(404);
    let listed = partner.get("/api/v1/advisories").expect(200).json();
    let ids: Vec<i64> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids, [advised.acme]);
    let page = partner.get(&format!("/advisories/{}", advised.acme));
    page.expect(200)
        .shows("TLP:CLEAR: this may be shared freely")
        .shows("Anyone can sign in to the gateway without a password.")
        .shows("Upgrade the gateway to version 1.1.")
        .shows("Your assets this advisory matches")
        .shows("Gateway")
        .shows("Not yet reviewed");
    assert!(
        !page.text().contains("Harbour gateway") && !page.text().contains(HARBOUR),
        "the other partner's asset is not shown: {}",
        page.text()
    );
    let detail = partner
        .get(&format!("/api/v1/advisories/{}", advised.acme))
        .expect(200)
        .json();
    let organisations: Vec<i64> = detail["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .chain(detail["matches"].as_array().expect("matches"))
        .map(|n| n["organisation_id"].as_i64().expect("an organisation"))
        .collect();
    assert!(!organisations.is_empty());
    assert!(
        organisations.iter().all(|id| *id == advised.own),
        "{detail}"
    );
    // Its queue: the overdue Acme notice, one asset open.
    let queue = partner.get("/advisories/queue");
    queue
        .expect(200)
        .shows("Acme Gateway authentication bypass")
        .shows("Overdue")
        .shows("1 of 1");
    assert!(!queue.text().contains("Contoso"));
    // Its inventory, whatever organisation the address names.
    for path in [
        "/inventory".to_owned(),
        format!("/inventory?organisation={}", advised.harbour),
    ] {
        let inventory = partner.get(&path);
        inventory.expect(200).shows(ORGANISATION).shows("Gateway");
        assert!(
            !inventory.text().contains("Mail server") && !inventory.text().contains(HARBOUR),
            "{path}"
        );
    }
    let api = partner
        .get(&format!(
            "/api/v1/inventory?organisation={}",
            advised.harbour
        ))
        .expect(200)
        .json();
    assert_eq!(api.as_array().map(Vec::len), Some(1));
    assert_eq!(api[0]["organisation_id"], advised.own);
    for path in [
        format!("/inventory/{}/edit", advised.harbour_mail),
        format!("/inventory/{}/remove", advised.harbour_gateway),
    ] {
        partner.get(&path).expect(404);
    }
    // Overdue view and timings are for those who see every partner.
    assert_refused_page(&partner.get("/advisories/overdue"));
    partner.get("/api/v1/advisories/status").expect(403);
}

fn a_partner_cannot_change_another_partners_notice_or_asset(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut partner = advised.partner(&server);
    let csrf = partner.csrf();
    let harbour_acme = advised.notice(advised.harbour, advised.acme);
    let harbour_contoso = advised.notice(advised.harbour, advised.contoso);
    let attempts = [
        // The harbour's advisory, the harbour's asset.
        (
            format!("/advisories/{}/status", advised.contoso),
            advised.harbour_mail,
        ),
        // An advisory both have, with the harbour's asset on it.
        (
            format!("/advisories/{}/status", advised.acme),
            advised.harbour_gateway,
        ),
    ];
    for (path, asset) in &attempts {
        partner
            .post_form(
                path,
                &[
                    ("csrf_token", &csrf),
                    ("asset", &asset.to_string()),
                    ("status", "fixed"),
                ],
            )
            .expect(404);
    }
    partner
        .post_form(
            &format!("/advisories/{}/acknowledge", advised.contoso),
            &[("csrf_token", &csrf)],
        )
        .expect(404);
    partner
        .post_form(
            &format!("/inventory/{}/remove", advised.harbour_mail),
            &[("csrf_token", &csrf)],
        )
        .expect(404);
    partner
        .post_form(
            &format!("/inventory/{}/edit", advised.harbour_gateway),
            &[
                ("csrf_token", &csrf),
                ("product-1-vendor", "Other"),
                ("product-1-product", "Thing"),
            ],
        )
        .expect(404);
    // Nothing changed for the harbour.
    assert_eq!(
        advised.status_of(harbour_acme.id, advised.harbour_gateway),
        AssetStatus::Unreviewed
    );
    assert_eq!(
        advised.status_of(harbour_contoso.id, advised.harbour_mail),
        AssetStatus::Unreviewed
    );
    let harbour_contoso = advised.notice(advised.harbour, advised.contoso);
    assert_eq!(harbour_contoso.acknowledged_at, None);
    assert_eq!(harbour_contoso.closed_at, None);
    let mut store = advised.world.place.open();
    let harbour_assets = store.assets(Some(advised.harbour)).expect("assets");
    assert_eq!(harbour_assets.len(), 2);
    assert!(
        harbour_assets
            .iter()
            .all(|a| a.asset.products[0].vendor.as_deref() != Some("Other"))
    );
    // Nor did the partner's own notice (the refused post named the wrong asset).
    let own = advised.notice(advised.own, advised.acme);
    assert_eq!(
        advised.status_of(own.id, advised.own_gateway),
        AssetStatus::Unreviewed
    );
}

fn coordinators_and_analysts_see_every_affected_partner(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut coordinator =
        Client::signed_in(&server, &advised.world.account(Role::Coordinator).username);
    let page = coordinator.get(&format!("/advisories/{}", advised.acme));
    page.expect(200)
        .shows("Partners affected")
        .shows(ORGANISATION)
        .shows(HARBOUR)
        .shows("Harbour gateway")
        .shows("Overdue");
    let rows = table_rows(&page.body);
    assert!(
        rows.iter()
            .any(|row| row.first().is_some_and(|c| c.starts_with(HARBOUR))
                && row.last().map(String::as_str) == Some("0 of 1")),
        "{rows:?}"
    );
    coordinator
        .get("/advisories/overdue")
        .expect(200)
        .shows("Open past their due date, by partner")
        .shows(HARBOUR)
        .shows("By sector")
        .shows("health");
    coordinator
        .get(&format!(
            "/advisories/queue?organisation={}",
            advised.harbour
        ))
        .expect(200)
        .shows("Contoso Mail remote code execution");
    let status = coordinator
        .get("/api/v1/advisories/status")
        .expect(200)
        .json();
    assert_eq!(status["area"]["notices"], 3, "{status}");
    assert_eq!(status["area"]["overdue"], 2, "{status}");
    coordinator
        .get(&format!("/inventory?organisation={}", advised.harbour))
        .expect(200)
        .shows("Mail server");

    let mut analyst = Client::signed_in(&server, &advised.world.account(Role::Analyst).username);
    analyst
        .get("/advisories")
        .expect(200)
        .shows("Contoso Mail remote code execution")
        .shows("Acme Gateway authentication bypass");
    analyst
        .get(&format!("/advisories/{}", advised.contoso))
        .expect(200)
        .shows(HARBOUR);
    let csrf = analyst.csrf();
    assert_refused_page(&analyst.get("/advisories/new"));
    assert_refused_page(&analyst.post_form(
        "/advisories/new",
        &[
            ("csrf_token", &csrf),
            ("title", "Not allowed"),
            ("summary", "x"),
            ("action", "y"),
            ("tlp", "TLP:GREEN"),
            ("priority", "normal"),
        ],
    ));
    assert_refused_page(&analyst.get("/inventory"));
    for role in [Role::BusinessUser, Role::VulnerabilityOfficer] {
        let mut client = Client::signed_in(&server, &advised.world.account(role).username);
        assert_refused_page(&client.get("/advisories"));
        assert_refused_page(&client.get(&format!("/advisories/{}", advised.acme)));
        assert_refused_page(&client.get("/advisories/queue"));
        client.get("/api/v1/advisories").expect(403);
    }
}

fn marking_every_asset_fixed_closes_the_notice(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut partner = advised.partner(&server);
    let path = format!("/advisories/{}", advised.acme);
    let page = partner.get(&path);
    page.expect(200).shows("Acknowledge");
    let csrf = page.hidden("csrf_token");
    // No status chosen: the form again, with the GOV.UK error summary.
    let refused = partner.post_form(
        &format!("{path}/status"),
        &[
            ("csrf_token", &csrf),
            ("asset", &advised.own_gateway.to_string()),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Choose where the asset stands");
    let notice = advised.notice(advised.own, advised.acme);
    assert_eq!(notice.acknowledged_at, None);
    let saved = partner.post_form(
        &format!("{path}/status"),
        &[
            ("csrf_token", &csrf),
            ("asset", &advised.own_gateway.to_string()),
            ("status", "fixed"),
            ("note", "Upgraded to 1.1 on the spot"),
        ],
    );
    saved.expect(303);
    assert!(
        saved.location().starts_with(&format!("{path}?saved=")),
        "{}",
        saved.location()
    );
    let notice = advised.notice(advised.own, advised.acme);
    assert!(
        notice.closed_at.is_some(),
        "every asset fixed closes the notice"
    );
    assert!(
        notice.acknowledged_at.is_some(),
        "working on it acknowledges it"
    );
    assert_eq!(
        notice.acknowledged_by.as_deref(),
        Some(
            advised
                .world
                .account(Role::PartnerItManager)
                .username
                .as_str()
        )
    );
    assert_eq!(
        advised.status_of(notice.id, advised.own_gateway),
        AssetStatus::Fixed
    );
    let shown = partner.get(saved.location());
    shown
        .expect(200)
        .shows("Status of Gateway saved")
        .shows("Fixed")
        .shows("Upgraded to 1.1 on the spot")
        .shows("Closed");
    assert!(!shown.body.contains(">Acknowledge</button>"));
    // The harbour's notice about the same advisory is untouched.
    let harbour = advised.notice(advised.harbour, advised.acme);
    assert_eq!(harbour.closed_at, None);
    // The queue no longer lists it; the audit log has the change.
    assert!(
        !partner
            .get("/advisories/queue")
            .expect(200)
            .text()
            .contains("Acme Gateway")
    );
    let audited = advised.world.audit("set_asset_status");
    assert_eq!(audited.len(), 1);
    assert_eq!(
        audited[0].event.subject,
        format!("advisory_notice:{}", notice.id)
    );
    assert_eq!(
        audited[0].event.detail,
        format!(
            "asset {}: Fixed (was Not yet reviewed)",
            advised.own_gateway
        )
    );
}

fn inventory_edits_are_matched_again(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut partner = advised.partner(&server);
    let csrf = partner
        .get("/inventory/new")
        .expect(200)
        .hidden("csrf_token");
    let matches_of = |asset: i64| -> usize {
        advised
            .world
            .place
            .open()
            .matches(&MatchFilter {
                organisation_id: Some(advised.own),
                advisory_id: None,
            })
            .expect("matches")
            .iter()
            .filter(|m| m.record.asset_id == asset)
            .count()
    };
    // A bad CPE and a missing name: the form again, saying what to fix.
    let refused = partner.post_form(
        "/inventory/new",
        &[("csrf_token", &csrf), ("product-1-cpe", "cpe:2.3:a:acme")],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Enter the asset's name")
        .shows("Product 1: enter the CPE as a CPE 2.3 name");
    assert!(refused.body.contains("href=\"#product-1-cpe\""));
    // A new asset running the affected product is matched at once.
    let added = partner.post_form(
        "/inventory/new",
        &[
            ("csrf_token", &csrf),
            ("name", "Branch gateway"),
            ("kind", "firewall"),
            ("owner", "branch@wreake.example"),
            ("product-1-cpe", "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*"),
            ("product-2-purl", "pkg:npm/lodash@4.17.21"),
        ],
    );
    added.expect(303);
    let branch = advised
        .world
        .place
        .open()
        .assets(Some(advised.own))
        .expect("assets")
        .into_iter()
        .find(|a| a.asset.name == "Branch gateway")
        .expect("the new asset");
    assert_eq!(branch.asset.products.len(), 2);
    assert_eq!(branch.asset.owner.as_deref(), Some("branch@wreake.example"));
    assert!(matches_of(branch.id) > 0, "the new asset is matched");
    partner
        .get(added.location())
        .expect(200)
        .shows("Branch gateway added")
        .shows("cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*");
    partner
        .get(&format!("/advisories/{}", advised.acme))
        .expect(200)
        .shows("Branch gateway");
    // The same name again is refused.
    partner
        .post_form(
            "/inventory/new",
            &[
                ("csrf_token", &csrf),
                ("name", "branch gateway"),
                ("product-1-vendor", "Acme"),
                ("product-1-product", "Gateway"),
            ],
        )
        .expect(400)
        .shows("There is already an asset called branch gateway");
    // Edited to run something else, it is matched no more.
    let edit = format!("/inventory/{}/edit", branch.id);
    partner.get(&edit).expect(200).shows("Edit Branch gateway");
    partner
        .post_form(
            &edit,
            &[
                ("csrf_token", &csrf),
                ("kind", "firewall"),
                ("product-1-vendor", "Othercorp"),
                ("product-1-product", "Wall"),
                ("product-1-version", "3"),
            ],
        )
        .expect(303);
    assert_eq!(matches_of(branch.id), 0, "no longer matched after the edit");
    let stored = advised
        .world
        .place
        .open()
        .asset(branch.id, Some(advised.own))
        .expect("read")
        .expect("kept under its id");
    assert_eq!(stored.asset.name, "Branch gateway");
    assert_eq!(
        stored.asset.products[0].vendor.as_deref(),
        Some("Othercorp")
    );
    // Removed, after a confirmation page.
    let remove = format!("/inventory/{}/remove", branch.id);
    partner
        .get(&remove)
        .expect(200)
        .shows("Remove Branch gateway?");
    partner
        .post_form(&remove, &[("csrf_token", &csrf)])
        .expect(303);
    assert!(
        advised
            .world
            .place
            .open()
            .asset(branch.id, None)
            .expect("read")
            .is_none()
    );
    // Removing the gateway the advisory matched leaves the partner with nothing matched.
    partner
        .post_form(
            &format!("/inventory/{}/remove", advised.own_gateway),
            &[("csrf_token", &csrf)],
        )
        .expect(303);
    assert_eq!(matches_of(advised.own_gateway), 0);
    let actions: Vec<String> = [
        "add_inventory_asset",
        "change_inventory_asset",
        "remove_inventory_asset",
    ]
    .iter()
    .flat_map(|action| advised.world.audit(action))
    .map(|record| record.event.action)
    .collect();
    assert_eq!(
        actions,
        [
            "add_inventory_asset",
            "change_inventory_asset",
            "remove_inventory_asset",
            "remove_inventory_asset"
        ]
    );
}

fn advisory_forms_need_the_sessions_token(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut partner = advised.partner(&server);
    let asset = advised.own_gateway.to_string();
    for token in ["", "forged"] {
        let mut fields = vec![("asset", asset.as_str()), ("status", "fixed")];
        if !token.is_empty() {
            fields.push(("csrf_token", token));
        }
        assert_refused_page(
            &partner.post_form(&format!("/advisories/{}/status", advised.acme), &fields),
        );
        assert_refused_page(&partner.post_form(
            &format!("/advisories/{}/acknowledge", advised.acme),
            &[("csrf_token", token)],
        ));
        assert_refused_page(&partner.post_form(
            "/inventory/new",
            &[
                ("csrf_token", token),
                ("name", "Forged"),
                ("product-1-vendor", "Acme"),
                ("product-1-product", "Gateway"),
            ],
        ));
        assert_refused_page(&partner.post_form(
            &format!("/inventory/{}/remove", advised.own_gateway),
            &[("csrf_token", token)],
        ));
    }
    let mut coordinator =
        Client::signed_in(&server, &advised.world.account(Role::Coordinator).username);
    assert_refused_page(&coordinator.post_form(
        "/advisories/new",
        &[
            ("csrf_token", "forged"),
            ("title", "Forged"),
            ("summary", "x"),
            ("action", "y"),
            ("tlp", "TLP:GREEN"),
            ("priority", "normal"),
        ],
    ));
    let notice = advised.notice(advised.own, advised.acme);
    assert_eq!(notice.acknowledged_at, None);
    assert_eq!(
        advised.status_of(notice.id, advised.own_gateway),
        AssetStatus::Unreviewed
    );
    let mut store = advised.world.place.open();
    assert_eq!(store.assets(Some(advised.own)).expect("assets").len(), 1);
    assert!(
        store
            .advisories(&beacon_store::advisories::AdvisoryFilter::default())
            .expect("advisories")
            .iter()
            .all(|a| a.advisory.title != "Forged")
    );
    assert!(!advised.world.audit("csrf_refused").is_empty());
}

fn a_written_advisory_is_matched_and_opens_notices(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let mut coordinator =
        Client::signed_in(&server, &advised.world.account(Role::Coordinator).username);
    let csrf = coordinator
        .get("/advisories/new")
        .expect(200)
        .hidden("csrf_token");
    let refused = coordinator.post_form(
        "/advisories/new",
        &[
            ("csrf_token", &csrf),
            ("title", "Acme gateway: a second flaw"),
            ("summary", ""),
            ("action", "Turn off remote sign-in."),
            ("tlp", "TLP:RED"),
            ("priority", "urgent"),
            ("cves", "CVE-2026-9999 not-a-cve"),
            (
                "products",
                "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*\nacme gateway",
            ),
            ("due-day", "31"),
            ("due-month", "2"),
            ("due-year", "2027"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Enter what it means")
        .shows("'not-a-cve' is not a CVE id")
        .shows("'acme gateway' is not a CPE 2.3 name")
        .shows("The due date must be a real date");
    let sent = coordinator.post_form(
        "/advisories/new",
        &[
            ("csrf_token", &csrf),
            ("title", "Acme gateway: a second flaw"),
            ("summary", "Remote sign-in can be abused by anyone."),
            ("action", "Turn off remote sign-in."),
            ("tlp", "TLP:RED"),
            ("priority", "urgent"),
            ("cves", "cve-2026-9999"),
            ("products", "cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*"),
            ("due-day", "30"),
            ("due-month", "6"),
            ("due-year", "2027"),
        ],
    );
    sent.expect(303);
    let id: i64 = sent
        .location()
        .strip_prefix("/advisories/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("sent to {}", sent.location()));
    let mut store = advised.world.place.open();
    let stored = store.advisory(id).expect("read").expect("stored");
    assert_eq!(stored.advisory.source, beacon_core::AdvisorySource::Manual);
    assert_eq!(stored.advisory.cves, ["CVE-2026-9999"]);
    assert_eq!(
        stored.advisory.due,
        Some(time::macros::date!(2027 - 06 - 30))
    );
    let notices = store
        .notices(&NoticeFilter {
            advisory_id: Some(id),
            ..NoticeFilter::default()
        })
        .expect("notices");
    let mut told: Vec<i64> = notices.iter().map(|n| n.organisation_id).collect();
    told.sort_unstable();
    let mut both = vec![advised.own, advised.harbour];
    both.sort_unstable();
    assert_eq!(
        told, both,
        "both gateways are matched and both partners told"
    );
    coordinator
        .get(&format!("/advisories/{id}"))
        .expect(200)
        .shows("TLP:RED: for the named recipients only")
        .shows(HARBOUR);
    // TLP:RED: the coordinators and the partners it was matched to, nobody else.
    let mut analyst = Client::signed_in(&server, &advised.world.account(Role::Analyst).username);
    analyst.get(&format!("/advisories/{id}")).expect(404);
    assert!(
        !analyst
            .get("/advisories")
            .expect(200)
            .text()
            .contains("a second flaw")
    );
    let mut partner = advised.partner(&server);
    partner
        .get(&format!("/advisories/{id}"))
        .expect(200)
        .shows("Acme gateway: a second flaw")
        .shows("30 June 2027");
    partner
        .get("/advisories")
        .expect(200)
        .shows("Acme gateway: a second flaw");
    let written = advised.world.audit("write_advisory");
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].event.subject, format!("advisory:{id}"));
}

fn the_link_in_a_notice_email_acknowledges_the_notice(kind: Backend) {
    let Some(advised) = advised(kind) else {
        return;
    };
    let server = Server::start(&advised.world);
    let notice = advised.notice(advised.own, advised.acme);
    let message = advised
        .world
        .place
        .open()
        .messages(Some(beacon_store::MessageKind::Notice), 100)
        .expect("messages")
        .into_iter()
        .find(|m| {
            m.dedupe_key
                .starts_with(&format!("advisory-notice:{}:", notice.id))
        })
        .expect("the notice's letter was queued");
    assert_eq!(message.recipient, "soc@wreake.example");
    let token = AckSigner::new(b"web server tests").sign(
        message.id,
        time::OffsetDateTime::now_utc() + time::Duration::days(7),
    );
    let mut anyone = Client::new(&server);
    // Opening the link changes nothing (mail scanners open links too).
    anyone.get(&format!("/ack/{token}")).expect(200);
    assert_eq!(
        advised.notice(advised.own, advised.acme).acknowledged_at,
        None
    );
    anyone
        .post_form(&format!("/ack/{token}"), &[])
        .expect(200)
        .shows("Advisory acknowledged");
    let acknowledged = advised.notice(advised.own, advised.acme);
    assert!(acknowledged.acknowledged_at.is_some());
    assert_eq!(
        acknowledged.acknowledged_by.as_deref(),
        Some("soc@wreake.example")
    );
    // Only that partner's notice.
    assert_eq!(
        advised
            .notice(advised.harbour, advised.acme)
            .acknowledged_at,
        None
    );
    // The partner's page says so, and offers no acknowledgement button.
    let mut partner = advised.partner(&server);
    let page = partner.get(&format!("/advisories/{}", advised.acme));
    page.expect(200).shows("by soc@wreake.example");
    assert!(!page.body.contains(">Acknowledge</button>"));
}

//! Authorship that stays verifiable, through a real relay process with real
//! diaries: every change a laptop sends carries its signature, each laptop
//! keeps the signatures, `verify_authorship` (what `nextdate verify` runs)
//! attributes every change of a healthy chamber and names the one whose
//! stored signature was made invalid, the case history marks signed changes
//! verified, and a change arriving with a signature that does not verify is
//! refused.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, NewCase, NewNote};
use nextdate_protocol::BatchPayload;
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::{self, DeviceKeys};
use nextdate_sync::epochs::ChamberKeys;
use nextdate_sync::{engine, wire};
use support_chamber::chamber_of;
use support_relay::*;

fn settle(devices: &mut [Diary]) {
    for _ in 0..2 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn note(text: &str) -> NewNote {
    NewNote {
        text: text.into(),
        client_visible: false,
    }
}

#[test]
fn every_change_is_attributed_and_an_altered_signature_is_named() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber_of(root.path(), &relay, &[Role::Owner, Role::Advocate]);
    let case = devices[0]
        .add_case(NewCase {
            title: "Farooqui v. Farooqui".into(),
            number: "MA 12/2026".into(),
            court: "Family Court, Bandra".into(),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    devices[1]
        .add_note(&case, note("Junior: mediation report filed"))
        .unwrap();
    settle(&mut devices);

    for d in &devices {
        let report = d.verify_authorship().unwrap();
        assert!(report.all_attributed(), "{:?}", report.unattributed);
        assert!(report.verified >= 3, "{report:?}");
        assert_eq!(report.changes, report.verified + report.this_laptop);
    }
    // The case history names the junior, verified, on the senior's laptop.
    let history = devices[0].history(&case).unwrap();
    let junior = history
        .iter()
        .find(|h| h.who == "Junior 1")
        .expect("the junior's change in the history");
    assert!(junior.verified, "{history:?}");

    // A stored signature altered: verify names exactly that change.
    let hash: String = devices[0]
        .conn()
        .query_row(
            "SELECT s.hash FROM change_signatures s JOIN history h ON h.hash = s.hash
             WHERE h.doc_id = ?1 AND h.actor = ?2",
            [&case, &devices[1].actor_hex()],
            |r| r.get(0),
        )
        .unwrap();
    devices[0]
        .conn()
        .execute(
            "UPDATE change_signatures SET signature = zeroblob(64) WHERE hash = ?1",
            [&hash],
        )
        .unwrap();
    let report = devices[0].verify_authorship().unwrap();
    assert_eq!(report.unattributed_count, 1, "{:?}", report.unattributed);
    let named = &report.unattributed[0];
    assert_eq!(
        (named.hash.as_str(), named.doc_id.as_str()),
        (hash.as_str(), case.as_str())
    );
    assert!(named.reason.contains("does not verify"), "{}", named.reason);

    // A change sent with a signature that does not verify (signed for another
    // chamber) is refused on arrival, and said so.
    devices[1].add_note(&case, note("Sent with a wrong signature")).unwrap();
    let run = devices[1].outbox_run(0, 1 << 20, 100).unwrap().unwrap();
    let keys = DeviceKeys::from_secret_hex(&devices[1].sync_state("device").unwrap().unwrap()).unwrap();
    let changes: Vec<_> = run
        .changes
        .into_iter()
        .map(|mut c| {
            c.signatures = nextdate_diary::authorship::hashes_of(&c)
                .iter()
                .flat_map(|h| keys.sign(&nextdate_diary::authorship::signing_message("ANOTHER-CHAMBER", h)))
                .collect();
            wire::to_wire(c)
        })
        .collect();
    let ring = ChamberKeys::load(&devices[1]).unwrap().unwrap();
    let envelope = crypto::seal(
        &keys,
        ring.current(),
        devices[1].chamber_id(),
        [42; 16],
        &BatchPayload {
            changes,
            ..Default::default()
        },
    );
    let mut client = RelayClient::new(&relay.url, relay.pin).unwrap();
    client.authenticate(&keys, devices[1].chamber_id()).unwrap();
    client.push([42; 16], envelope).unwrap();
    let before = devices[0].case_detail(&case).unwrap().notes.len();
    let merged = engine::sync_now(&mut devices[0]).unwrap();
    assert!(merged.refused_changes >= 1, "{merged:?}");
    assert_eq!(
        devices[0].case_detail(&case).unwrap().notes.len(),
        before,
        "the note stayed out"
    );
    let said = engine::status(&devices[0]).unwrap().refusals.join("\n");
    assert!(said.contains("authorship signature does not verify"), "{said}");
}

//! Receipts on three laptops of a chamber, through a real relay process:
//! each laptop issues receipts offline at the same time, then they sync.
//! Every receipt number is unique across the chamber, none is given twice
//! after a void, and every laptop prints the same number for each payment.
//! A clerk may not set fee terms or record time, on any laptop.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use nextdate_diary::accounts::{NewTimeEntry, TermsInput};
use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, DiaryError, FeeKind, NewCase, NewFee};
use nextdate_sync::engine;
use support_chamber::chamber_of;
use support_relay::*;

fn settle(devices: &mut [Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn payment(rupees: i64, day: u32) -> NewFee {
    NewFee {
        kind: FeeKind::Received,
        amount_minor: rupees * 100,
        currency: None,
        date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        mode: Some("upi".into()),
        remark: None,
    }
}

#[test]
fn receipts_issued_offline_on_three_laptops_never_share_a_number() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber_of(
        root.path(),
        &relay,
        &[Role::Owner, Role::Accounts, Role::Advocate, Role::Clerk],
    );
    let case = devices[0]
        .add_case(NewCase {
            title: "Kaveri Rao v. Union of India".into(),
            number: "WP(C) 77/2026".into(),
            court: "Delhi High Court".into(),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);

    // Offline: each of the first three laptops takes payments and issues receipts.
    let mut issued: Vec<(usize, String, String)> = Vec::new();
    for (i, d) in devices.iter_mut().take(3).enumerate() {
        for k in 0..4u32 {
            let fee = d
                .add_fee(&case, payment(1_000 * (i as i64 + 1) + i64::from(k), 1 + k))
                .unwrap();
            let number = d.receipt(&fee).unwrap().number;
            issued.push((i, fee, number));
        }
    }
    // One laptop voids a payment and takes another: the void keeps its number.
    let (_, voided_fee, voided_number) = issued[1].clone();
    devices[0].void_fee(&case, &voided_fee, "Paid twice").unwrap();
    let again = devices[0].add_fee(&case, payment(5_000, 20)).unwrap();
    let again_number = devices[0].receipt(&again).unwrap().number;
    assert_ne!(again_number, voided_number);
    issued.push((0, again, again_number));

    let numbers: BTreeSet<&String> = issued.iter().map(|(_, _, n)| n).collect();
    assert_eq!(numbers.len(), issued.len(), "numbers issued offline clash: {issued:?}");
    let series: BTreeSet<String> = issued
        .iter()
        .map(|(_, _, n)| n.split('-').next().unwrap().to_string())
        .collect();
    assert_eq!(series.len(), 3, "each laptop has its own series: {series:?}");

    settle(&mut devices);
    // Every laptop now holds every payment with the same number.
    for (i, d) in devices.iter_mut().enumerate().take(3) {
        for (_, fee, number) in &issued {
            let r = d.receipt(fee).unwrap();
            assert_eq!(&r.number, number, "laptop {i} prints payment {fee} as {number}");
        }
        let cancelled = d.receipt(&voided_fee).unwrap();
        assert_eq!(cancelled.number, voided_number);
        assert_eq!(cancelled.cancelled.as_deref(), Some("Paid twice"));
    }
    // After syncing, each laptop carries on from the highest number in its own series.
    let next = devices[1].add_fee(&case, payment(42, 25)).unwrap();
    let n = devices[1].receipt(&next).unwrap().number;
    assert!(!numbers.contains(&n), "{n} was given before");

    // A clerk may not touch the accounts.
    let clerk = &mut devices[3];
    let refused = clerk.set_fee_terms(
        &case,
        Some(TermsInput {
            per_appearance_minor: Some(500_000),
            ..Default::default()
        }),
    );
    assert!(
        matches!(refused, Err(DiaryError::NotAllowed(ref why)) if why == "a clerk may not change fees"),
        "{refused:?}"
    );
    let refused = clerk.add_time(
        &case,
        NewTimeEntry {
            date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            minutes: 30,
            member_id: None,
            note: None,
            billable: true,
        },
    );
    assert!(matches!(refused, Err(DiaryError::NotAllowed(_))), "{refused:?}");
}

use super::*;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
}

fn delivery<'a>(id: &'a str, key: Option<&'a str>, occurred: i64, now: i64) -> Delivery<'a> {
    Delivery::new(id, key, Some(at(occurred)), at(now), Duration::seconds(30))
}

fn key(applied: Option<i64>, holder: Option<(&str, i64)>) -> KeyRecord {
    KeyRecord {
        applied: applied.map(at),
        state: applied.map(|t| format!("state@{t}")),
        holder: holder.map(|(id, until)| (id.to_owned(), at(until))),
    }
}

/// (case, the delivery's record, the key's record, when the event happened, outcome at 100 s).
type Case = (
    &'static str,
    Option<Held>,
    Option<KeyRecord>,
    i64,
    Reservation,
);

#[test]
fn the_reservation_rule() {
    let reserved = |previous: Option<&str>| Reservation::Reserved {
        previous: previous.map(str::to_owned),
    };
    let stale = |t| Reservation::Stale {
        last_applied: at(t),
    };
    #[rustfmt::skip]
    let table: &[Case] = &[
        ("first sight, no key record", None, None, 10, reserved(None)),
        ("acknowledged before", Some(Held::Done), None, 10, Reservation::Done),
        ("reserved by a live lease", Some(Held::Reserved(at(120))), None, 10, Reservation::Busy),
        ("the lease ended (holder crashed)", Some(Held::Reserved(at(100))), None, 10, reserved(None)),
        ("newer than the last applied", None, Some(key(Some(5), None)), 10, reserved(Some("state@5"))),
        ("as old as the last applied", None, Some(key(Some(10), None)), 10, reserved(Some("state@10"))),
        ("older than the last applied", None, Some(key(Some(11), None)), 10, stale(11)),
        ("older, however old", None, Some(key(Some(11), None)), -1_000_000, stale(11)),
        ("key held by another delivery", None, Some(key(None, Some(("b", 120)))), 10, Reservation::Busy),
        ("key held by this delivery", None, Some(key(None, Some(("a", 120)))), 10, reserved(None)),
        ("key held, lease ended", None, Some(key(Some(5), Some(("b", 100)))), 10, reserved(Some("state@5"))),
        ("done wins over stale", Some(Held::Done), Some(key(Some(11), None)), 10, Reservation::Done),
    ];
    for (case, held, record, occurred, expected) in table {
        let got = decide(
            *held,
            record.as_ref(),
            &delivery("a", Some("k"), *occurred, 100),
        );
        assert_eq!(&got, expected, "{case}");
    }
}

#[tokio::test]
async fn reserve_acknowledge_release_and_order() -> Result<(), LicenseError> {
    let store = MemoryDeliveryStore::new(10, Duration::seconds(600));
    let first = delivery("a", Some("k"), 10, 100);
    assert_eq!(
        store.reserve(&first).await?,
        Reservation::Reserved { previous: None }
    );
    let other = delivery("b", Some("k"), 20, 101);
    assert_eq!(store.reserve(&other).await?, Reservation::Busy, "k is held");
    store.release(&first).await?;
    assert_eq!(
        store.reserve(&other).await?,
        Reservation::Reserved { previous: None }
    );
    store.acknowledge(&other, Some("b-state")).await?;
    assert_eq!(store.reserve(&other).await?, Reservation::Done);
    assert_eq!(
        store.reserve(&delivery("a", Some("k"), 10, 102)).await?,
        Reservation::Stale {
            last_applied: at(20)
        }
    );
    assert_eq!(
        store.reserve(&delivery("c", Some("k"), 30, 103)).await?,
        Reservation::Reserved {
            previous: Some("b-state".into())
        }
    );
    // The holder of c crashes: after its lease, c's retry takes it over.
    assert_eq!(
        store.reserve(&delivery("c", Some("k"), 30, 120)).await?,
        Reservation::Busy
    );
    let retry = delivery("c", Some("k"), 30, 140);
    assert!(matches!(
        store.reserve(&retry).await?,
        Reservation::Reserved { .. }
    ));
    store.acknowledge(&retry, Some("c-state")).await?;
    // A late acknowledgement of an older event does not move the key back.
    store
        .acknowledge(&delivery("z", Some("k"), 25, 141), Some("z-state"))
        .await?;
    assert_eq!(
        store.reserve(&delivery("d", Some("k"), 40, 142)).await?,
        Reservation::Reserved {
            previous: Some("c-state".into())
        }
    );
    Ok(())
}

#[tokio::test]
async fn memory_is_bounded_in_count_and_age() -> Result<(), LicenseError> {
    let store = MemoryDeliveryStore::new(1_000, Duration::seconds(60));
    for i in 0..20_000_i64 {
        let id = i.to_string();
        let d = Delivery::new(&id, None, None, at(i / 1000), Duration::seconds(30));
        store.reserve(&d).await?;
        store.acknowledge(&d, None).await?;
    }
    assert_eq!(store.len(), 1_000);
    let old = Delivery::new("19999", None, None, at(19), Duration::seconds(30));
    assert_eq!(store.reserve(&old).await?, Reservation::Done);
    let later = Delivery::new("19999", None, None, at(80), Duration::seconds(30));
    assert!(
        matches!(store.reserve(&later).await?, Reservation::Reserved { .. }),
        "forgotten after its retention"
    );
    let entries = store.lock().order.len();
    assert_eq!(entries, store.len());
    Ok(())
}
